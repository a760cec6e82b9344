"""The Chinese words of every exercise notebook: ``TEXTS[assignment id]``, a :class:`Translation`.

``python -m autograder build`` writes ``notebooks/<id>/<name>.zh.ipynb`` from them and the
same spec as the English notebook. The terms are those of the Chinese edition's glossary
(zh/book/glossary.md).
"""

from . import Translation

TEXTS: dict[str, Translation] = {}

TEXTS["01-vector-sets"] = Translation(
    chapter_title="以向量集作为输入",
    intro="""
    自注意力的输入是一个**向量集**（set of vectors）：句子中的每个词变成一个向量，依次存放在
    `I = [a¹ … aᴺ]` 的各列中，形状为 `(d, N)`。一个词可以表示成**独热**（one-hot）向量（只在该词
    在词表中所在的那一行为 1），也可以表示成**词嵌入**（embedding），即矩阵 `E` 中对应的那一列。
    本章接着讨论怎样给每个向量标上标签，并说明为什么逐个作用于每个向量的全连接层会给
    “I saw a saw” 中的两个 saw 标上同样的词性：相同的输入向量总是得到相同的输出。
    """,
    parts={
        "one_hot": ("独热列向量", """
            写一个函数 `one_hot(tokens, vocab)`，返回一个形状为 `(len(vocab), N)` 的数组，其第 n 列是
            `tokens[n]` 的独热向量。设置单元格中的 `_index(tokens, vocab)` 返回列表形式的词表以及每个词
            所在的行；遇到词表中没有的词，它会抛出 `ValueError`，并在消息中指出是哪个词。
            """),
        "embed": ("词嵌入", """
            写 `embed(tokens, vocab, E)`：`E` 的形状为 `(d, len(vocab))`，第 v 列是 `vocab[v]` 的嵌入向量。
            返回形状为 `(d, N)` 的数组，其第 n 列是 `tokens[n]` 的嵌入向量。如果 `E` 的列数与词表中的词数
            不一致，抛出 `ValueError`。
            """),
        "cosine_similarity": ("余弦相似度", """
            写 `cosine_similarity(u, v)`：计算 u·v / (‖u‖ ‖v‖)，返回 [-1, 1] 中的一个浮点数。两个向量长度
            不同，或者其中有零向量时，抛出 `ValueError`。
            """),
        "position_wise": ("逐个作用于每个向量的全连接层", """
            写 `position_wise(I, W, c)`：对每一列 i 计算 uⁱ = W aⁱ + c，也就是 `W @ I + c`，其中 `c`
            加到每一列上；结果的形状为 `(d_out, N)`。测试展示的正是本章的要点：“I saw a saw” 中的两个
            “saw” 得到相同的输出。
            """),
    },
    questions={
        "fc_same_output": """
            你的 `position_wise` 给 “I saw a saw” 中的两个 “saw” 算出了相同的输出。请解释：为什么无论
            W 和 c 怎样选，都不能把第一个 “saw” 标为动词、把第二个标为名词？一个层需要具备什么，才能把
            它们区分开？
            """,
    },
)

TEXTS["02-dot-product"] = Translation(
    chapter_title="用点积衡量相关性",
    intro="""
    对一个输入向量 aⁱ，自注意力先算出每个向量 aʲ 与它的相关程度，再按这个相关程度把各个向量
    混合起来。本章分四步搭建它，你也一样：

    - **查询**（query）qⁱ = Wq aⁱ 与**键**（key）kʲ = Wk aʲ 给出分数 αᵢ,ⱼ = qⁱ·kʲ（即点积；
      另一种方法是加性方法 w·tanh(q + k)）；
    - **softmax** 把查询 i 的各个分数变成权重 α′ᵢ,ⱼ，这些权重都是正数，且和为 1；
    - 输出是各个**值**（value）vʲ = Wᵛaʲ 的加权和：bⁱ = Σⱼ α′ᵢ,ⱼ vʲ。

    向量都是列向量：输入是 `I` 的各列，形状为 `(d, N)`。代码中的位置从 0 开始编号（讲义中的 b¹
    对应 `i = 0`）。
    """,
    parts={
        "dot_product_score": ("点积分数", """
            写 `dot_product_score(q, k)`：以 Python 浮点数返回分数 α = q·k。两个向量长度不同（或者参数
            根本不是向量）时，必须抛出 `ValueError`；设置单元格中的 `vector` 和 `same_shape` 会替你做这些
            检查。
            """),
        "additive_score": ("加性分数", """
            写 `additive_score(q, k, w)`：α = w·tanh(q + k)，其中 `tanh` 逐元素计算。`q`、`k` 和 `w` 的
            长度必须相同（否则抛出 `ValueError`）。
            """),
        "softmax": ("Softmax", """
            写 `softmax(x, axis=0)`：沿 `axis` 计算 exp(xⱼ) / Σⱼ′ exp(xⱼ′)，结果与 `x` 形状相同。按讲义的
            排列方式，查询 i 的分数在第 i 列，所以默认的 `axis=0` 使每一**列**之和为 1。分数大到 1e4 时，
            结果也必须准确：先把每个切片减去它的最大值，在数学上什么也没有改变，却能防止 `exp` 溢出。
            输入是标量，或者轴超出范围时，抛出 `ValueError`。
            """),
        "attend": ("一个查询的输出 bⁱ", """
            写 `attend(I, Wq, Wk, Wv, i)`：对查询位置 `i`，先计算 qⁱ = Wq aⁱ；再用你的
            `dot_product_score` 算出它与每个键 kʲ = Wᵏaʲ 的分数 αᵢ,ⱼ = qⁱ·kʲ；然后用你的 `softmax` 得到
            权重 α′ᵢ = softmax(αᵢ)；最后算出 bⁱ = Σⱼ α′ᵢ,ⱼ vʲ，其中 vʲ = Wᵛaʲ。返回 `(b, alpha_prime)`，
            形状分别为 `(d_v,)` 和 `(N,)`。形状对不上，或者 `i` 不在 `0 … N-1` 之内时，抛出 `ValueError`。

            测试用的是本章的例题：“例题”一节中 d = 3 的四个输入 a¹ … a⁴，以及那里的权重 Wq、Wk、Wv，
            所以你可以把自己的结果与书页上的数值对照。
            """),
    },
    questions={
        "convex_outputs": """
            你算出的输出 bⁱ 是 Σⱼ α′ᵢ,ⱼ vʲ，其中的权重来自 softmax。softmax 给出的权重都不小于 0，且和为
            1：这说明 bⁱ 相对于各个值 v¹ … vᴺ 只能落在什么地方？如果直接把原始分数 αᵢ,ⱼ 当作权重，又可能
            发生什么？
            """,
    },
)
