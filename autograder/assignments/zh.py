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
    `I = [a¹ … aᴺ]` 的各列中，形状为
    `(d, N)`。一个词可以表示成**独热**（one-hot）向量（只有该词在词表中对应的那一行是
    1），也可以表示成**词嵌入**（embedding），即矩阵 `E`
    中对应的那一列。本章接着讨论怎样给每个向量标上标签，并说明为什么单独作用于每个向量的全连接层（fully
    connected layer）会给 “I saw a saw” 中的两个 “saw”
    标上同样的词性：相同的输入向量总是得到相同的输出。
    """,
    parts={
        "one_hot": ("独热列向量", """
            写一个函数 `one_hot(tokens, vocab)`，返回一个形状为 `(len(vocab), N)` 的数组，其第 n 列是
            `tokens[n]` 的独热向量。设置单元格中的 `_index(tokens, vocab)`
            返回列表形式的词表以及每个词所在的行；遇到词表中没有的词，它会抛出
            `ValueError`，消息中会指出是哪个词。
            """),
        "embed": ("词嵌入", """
            写 `embed(tokens, vocab, E)`：`E` 的形状为 `(d, len(vocab))`，第 v 列是 `vocab[v]`
            的嵌入向量。返回形状为 `(d, N)` 的数组，其第 n 列是 `tokens[n]` 的嵌入向量。如果 `E`
            的列数与词表中的词数不一致，抛出 `ValueError`。
            """),
        "cosine_similarity": ("余弦相似度", """
            写 `cosine_similarity(u, v)`：计算 u·v / (‖u‖ ‖v‖)，返回 [-1, 1]
            中的一个浮点数。两个向量长度不同，或者其中有零向量时，抛出 `ValueError`。
            """),
        "position_wise": ("逐个作用于每个向量的全连接层", """
            写 `position_wise(I, W, c)`：对每一列 i 计算 uⁱ = W aⁱ + c，也就是 `W @ I + c`，其中 `c`
            加到每一列上；结果的形状为 `(d_out, N)`。测试展示的正是本章的要点：“I saw a saw” 中的两个 “saw”
            得到相同的输出。
            """),
    },
    questions={
        "fc_same_output": """
            你的 `position_wise` 给 “I saw a saw” 中的两个 “saw” 算出了相同的输出。请解释：为什么无论 W 和 c
            怎样选，都不能把第一个 “saw” 标为动词、把第二个标为名词？一个层需要具备什么，才能把它们区分开？
            """,
    },
)

TEXTS["02-dot-product"] = Translation(
    chapter_title="用点积衡量相关性",
    intro="""
    对一个输入向量 aⁱ，自注意力先算出每个向量 aʲ
    与它的相关程度，再按这个相关程度把各个向量混合起来。本章分四步搭建自注意力，这个练习也分四步：

    - **查询**（query）qⁱ = Wq aⁱ 与**键**（key）kʲ = Wk aʲ 给出分数 αᵢ,ⱼ =
      qⁱ·kʲ（即点积；另一种方法是加性方法 w·tanh(q + k)）；
    - **softmax** 把查询 i 的各个分数变成权重 α′ᵢ,ⱼ，这些权重都是正数，且和为 1；
    - 输出是各个**值**（value）vʲ = Wᵛaʲ 的加权和：bⁱ = Σⱼ α′ᵢ,ⱼ vʲ。

    向量都是列向量：输入是 `I` 的各列，形状为 `(d, N)`。代码中的位置从 0 开始编号（讲义中的 b¹ 对应
    `i = 0`）。
    """,
    parts={
        "dot_product_score": ("点积分数", """
            写 `dot_product_score(q, k)`：以 Python 浮点数返回分数 α =
            q·k。两个向量长度不同（或者参数根本不是向量）时，必须抛出 `ValueError`；设置单元格中的 `vector`
            和 `same_shape` 会替你做这些检查。
            """),
        "additive_score": ("加性分数", """
            写 `additive_score(q, k, w)`：α = w·tanh(q + k)，其中 `tanh` 逐元素计算。`q`、`k` 和 `w`
            的长度必须相同（否则抛出 `ValueError`）。
            """),
        "softmax": ("Softmax", """
            写 `softmax(x, axis=0)`：沿 `axis` 计算 exp(xⱼ) / Σⱼ′ exp(xⱼ′)，结果与 `x`
            形状相同。按讲义的排列方式，查询 i 的分数在第 i 列，所以默认的 `axis=0` 使每一**列**之和为
            1。分数大到 1e4
            时，结果也必须准确：先从每个切片中减去它的最大值，在数学上什么也没有改变，却能防止 `exp`
            溢出。输入是标量，或者轴超出范围时，抛出 `ValueError`。
            """),
        "attend": ("一个查询的输出 bⁱ", """
            写 `attend(I, Wq, Wk, Wv, i)`：对查询位置 `i`，先计算 qⁱ = Wq aⁱ；再用你的 `dot_product_score`
            算出它与每个键 kʲ = Wᵏaʲ 的分数 αᵢ,ⱼ = qⁱ·kʲ；然后用你的 `softmax` 得到权重 α′ᵢ =
            softmax(αᵢ)；最后算出 bⁱ = Σⱼ α′ᵢ,ⱼ vʲ，其中 vʲ = Wᵛaʲ。返回 `(b, alpha_prime)`，形状分别为
            `(d_v,)` 和 `(N,)`。形状对不上，或者 `i` 不在 `0 … N-1` 之内时，抛出 `ValueError`。

            测试用的是本章“例题”一节中的数据：d = 3 的四个输入 a¹ … a⁴，以及权重
            Wq、Wk、Wv，所以你可以把自己的结果与书页上的数值对照。
            """),
    },
    questions={
        "convex_outputs": """
            你算出的输出 bⁱ 是 Σⱼ α′ᵢ,ⱼ vʲ，其中的权重来自 softmax。softmax 给出的权重都不小于 0，且和为
            1：这说明 bⁱ 相对于各个值 v¹ … vᴺ 可能落在哪里？如果直接把原始分数 αᵢ,ⱼ
            当作权重，又可能发生什么？
            """,
    },
)

TEXTS["03-matrix-form"] = Translation(
    chapter_title="矩阵形式",
    intro="""
    第 3 章用矩阵一次算出所有的输出 bⁱ。把输入放在 `I` (d, N) 的各列中：

    - Q = Wq I，K = Wk I，V = Wv I，每个输入对应一列；
    - A = KᵀQ，形状为 (N, N)：A[j, i] = kʲ·qⁱ，所以**第 i 列属于查询 i**；
    - A′ = 对 A 的每一列分别做 softmax（沿 axis 0），所以每一列之和为 1；
    - O = VA′，形状为 (d_v, N)：第 i 列就是 bⁱ。

    Transformer 还把 A 除以 √d_k（`scale=True`），讲义则不除（`scale=False`）。你还要用到练习 2
    中自己写的 `softmax`。
    """,
    parts={
        "qkv": ("查询、键和值", """
            写 `qkv(I, Wq, Wk, Wv)`：返回 `(Q, K, V)` = (Wq I, Wk I, Wv I)。权重矩阵乘在左边。权重与 `I`
            的形状对不上，或者 `Wq` 与 `Wk` 的形状不同时，抛出 `ValueError`。
            """),
        "scores": ("分数 A = KᵀQ", """
            写 `scores(Q, K, scale=False)`：A = KᵀQ，形状为 (N, N)，使得 A[j, i] = kʲ·qⁱ；`scale=True`
            时，再除以 √d_k（d_k 是 Q 的行数）。
            """),
        "self_attention": ("矩阵形式的自注意力", """
            写 `self_attention(I, Wq, Wk, Wv, scale=False)`：返回 `(O, A_prime)`，其中 A′ = softmax(A,
            axis=0)（每一列之和为 1），O = VA′。要用到你的 `qkv` 和 `scores`，以及练习 2 中的
            `softmax`。测试用的是第 2 章和第 3 章共用的例题（d = 3 的 a¹ …
            a⁴），所以你可以把结果与书页上的数值对照。
            """),
        "previous_word": ("动手构造：关注前一个词", """
            现在由**你**来选权重。在 *I saw a saw* 中，两个 *saw* 的词向量相同（第 1
            章），同样的权重就给它们同样的查询。所以要让每个词也带上自己的位置：设置单元格中的
            `with_positions(I_words)` 把词向量 `I_words` (d_word, N)
            放在一个独热的位置向量上方，于是输入共有 d_word + N 行，第 i 列在第 d_word + i 行为 1。

            写 `previous_word_weights(d_word, N)`：返回 `(Wq, Wk)`，使得在 A′ = softmax(KᵀQ)
            中，**从第二个词起，每个词都最关注紧挨在它前面的那个词**：第一个 *saw*
            关注 *I*，第二个关注 *a*。在 A′
            中，前一个词的权重必须比其他任何一个词的权重至少高出 0.5。你的权重只能取决于 d_word 和
            N，不能取决于具体的词：隐藏用例用的是别的句子和别的词嵌入。评分程序检查的是自注意力用你的权重做了什么，而不是权重本身。

            <details><summary>提示</summary>

            当词 i 的查询与词 j 的键指向同一方向时，分数 A[j, i] = kʲ·qⁱ
            就大。输入的哪些行能区分两个 *saw*？softmax 之后，胜出的那个词领先多少，又是由什么决定的？
            </details>
            """),
    },
    questions={
        "why_scale": """
            `scores(Q, K, scale=True)` 把 A 除以 √d_k。为什么 d_k
            越大，这一步就越重要？不妨把查询和键的各个元素看成相互独立、均值为 0、方差为 1
            的随机变量，再想想分数很大时 softmax 会怎样。
            """,
    },
)

TEXTS["04-multi-head"] = Translation(
    chapter_title="多头自注意力",
    intro="""
    一组 (Wq, Wk, Wv) 只能找出一种相关性。**多头**（multi-head）自注意力让 h
    个头并排运行，每个头都有自己的权重：头 ℓ 给出 $O^\\ell$ = self_attention(I, $W^{q,\\ell}$,
    $W^{k,\\ell}$, $W^{v,\\ell}$)。各个头的输出**按头的顺序自上而下堆叠**成 [O¹; …; Oʰ]，形状为
    (h·d_v, N)，再由另一个矩阵混合：O = Wᵒ [O¹; …; Oʰ]。

    这里所有头的权重放在同一个数组中：`Wq[head]` 是头 ℓ = `head` 的 Wq，所以 `Wq` 和 `Wk` 的形状是
    (h, d_k, d)，`Wv` 是 (h, d_v, d)，`Wo` 是 (d_out, h·d_v)。这个层你要写两遍：先用练习 3
    中自己写的 `self_attention`，一个头接一个头地算；再不用 Python 循环，像 GPU
    那样一次算出所有的头。
    """,
    parts={
        "two_heads": ("手算两个头", """
            写 `multi_head_self_attention(I, Wq, Wk, Wv, Wo, scale=False)`：返回 `(O, A_primes)`，其中
            `A_primes[head]` 是头 ℓ = `head` 的 A′（整体形状为 (h, N, N)），O = Wᵒ [O¹; …;
            Oʰ]。设置单元格中的 `multi_head_weights` 负责检查形状（`Wo` 的列数不是
            h·d_v，或者各个头的形状不一致时，抛出 `ValueError`）。

            测试先算一个可以手算的小例子：I = [1 3]，两个头的 Wq 都是
            0，所以每个头都均匀地关注所有位置，输出它的各个值的平均：头 1 的 vʲ = aʲ（平均为 2），头 2 的
            vʲ = 10aʲ（平均为 20）；堆叠起来是 [2 2; 20 20]；Wᵒ = [[1, 0], [0, 1], [1, 1]]。
            """),
        "heads": ("多个头、缩放和形状", """
            无需新代码：这一部分用 h = 2 和 h = 3 个权重各不相同的头检查你的函数，而且 d ≠ d_k ≠ d_v ≠
            N。这样，每个头都必须用它自己的
            `Wq[head]`、`Wk[head]`、`Wv[head]`，各个头也必须按顺序堆叠；`scale=True`
            必须作用到每一个头，形状对不上时必须抛出 `ValueError`。
            """),
        "batched": ("不用循环，一次算出所有的头", """
            用循环时，各个头是一个接一个地算的。写
            `multi_head_self_attention_batched(I, Wq, Wk, Wv, Wo, scale=False)`，参数和返回值都与循环版本相同，但**不用
            Python 循环**（不用 `for`，不用 `while`，不用推导式，也不调用 `self_attention`
            或你的循环版本）：numpy 的 `@` 可以一次乘一叠矩阵，每个头一个；其余的事交给
            `np.einsum`、`np.swapaxes` 和你的
            `softmax`（沿正确的轴）。这样，把各个头自上而下堆叠起来只需要一次
            `reshape`。测试会检查这个函数不含循环，并且结果与循环版本相同。

            <details><summary>提示：形状</summary>

            `Wq @ I` 的形状为 (h, d_k, N)：头 ℓ = `head` 的 Q 就是 `(Wq @ I)[head]`。所有头的分数构成一个
            (h, N, N) 数组，其中 [head, j, i] 元素是该头的 kʲ·qⁱ。softmax 应当沿它的哪个轴计算？哪一种
            reshape 能把第一个头的 d_v 行放在最上面？
            </details>
            """),
        "type_group": ("动手构造：类型头和组别头", """
            现在由**你**来选两个头的权重。第 4
            章手工搭建的输入给每个位置一个**类型**和一个**组别**：设置单元格中的
            `type_group_input(types, groups, n_types, n_groups)` 构造这样的输入，前 n_types
            行是独热编码的类型，接下来的 n_groups 行是独热编码的组别。

            写 `type_group_weights(n_types, n_groups)`：返回 `(Wq, Wk)`，形状都是 (2, d_k, d)，使得**头 1**
            让每个位置关注与它类型相同的位置，**头 2**
            让每个位置关注与它组别相同的位置：在每个头中，每个查询都至少把 0.9
            的权重放在与它类型（组别）相同的位置上，并在这些位置之间平均分配。隐藏用例用的是别的类型数和组别数，以及别的位置；评分程序检查的是每个头产生的注意力模式，而不是你的权重。

            <details><summary>提示</summary>

            在第 4
            章中，读取全部特征的那一个头，把权重放在了类型和组别都相同的位置上。每个头的查询和键应当读取什么，又应当忽略什么？匹配的分数要多大，才能分到 0.9
            的权重？
            </details>
            """),
    },
    questions={
        "why_heads": """
            一个 d_k = 2 的头，或者两个 d_k = 1 的头：两种层中 Wq 和 Wk
            的权重个数相同。两个头能做到什么，是一个头做不到的？请以第 4 章的“类型”头和“组别”头为例说明。
            """,
    },
)

TEXTS["05-positional-encoding"] = Translation(
    chapter_title="位置编码",
    intro="""
    自注意力把输入当作一个**集合**（set）：把 `I` 的各列重新排列，O
    的各列也只是同样地重新排列；这个层里没有任何东西知道哪个向量在前。为了让它知道顺序，给每个 aⁱ
    加上一个**位置向量**（position vector）eⁱ，得到 aⁱ + eⁱ。Transformer 的 eⁱ
    由正弦函数构成，是位置矩阵 P = [e¹ ⋯ eᴺ] 的各列（正文中的位置从 1
    开始编号，与课程的符号页一致；代码中从 0 开始：e¹ 是 `P[:, 0]`）。第 2m 行和第 2m+1
    行共用一个频率 1/10000^(2m/d)：在代码中，对列 i = 0 … N-1，

        P[2m, i] = sin(i / 10000^(2m/d)),   P[2m+1, i] = cos(i / 10000^(2m/d)).

    另一种做法是可学习位置编码（learned positional encoding）。
    """,
    parts={
        "sinusoidal": ("正弦位置向量", """
            写 `sinusoidal_encoding(d, N)`：返回上面的 (d, N) 位置矩阵 P，每个位置一列。d
            可以是奇数（这时最后一行是正弦）。`d` 和 `N` 必须是正整数（否则抛出 `ValueError`；设置单元格中的
            `positive_int` 负责检查）。
            """),
        "sinusoidal_edges": ("奇数 d 和错误的参数", """
            无需新代码：这一部分用奇数 `d`、`d = 1`，以及必须抛出 `ValueError` 的参数（0、负数、非整数）检查
            `sinusoidal_encoding`。
            """),
        "permute": ("重新排列输入", """
            写 `permute(I, perm)`：把输入向量按新的顺序排列，使结果的第 n 列是输入的第 `perm[n]` 列。`perm`
            必须是 0 … N-1 的一个排列（否则抛出 `ValueError`：位置有重复、缺了某个位置，或者长度不对）。
            """),
        "equivariance": ("你的自注意力：不加位置与加上位置", """
            现在用你自己的代码来看这一点。写 `permutation_gaps(I, Wq, Wk, Wv, perm)`。用你的
            `self_attention`（练习 3）分别计算 `I` 和 `permute(I, perm)` 的输出，用 `permute`
            把第一次的输出重新排列，再与第二次的输出比较：输出 n 的**差距**（gap）是两者之差第 n
            列的欧几里得范数。返回两个形状为 (N,) 的差距数组：`without` 是不加位置时的差距；`with_positions`
            是加上位置时的差距，这时两次计算的输入分别是 I + P 和 `permute(I, perm)` + P，P 是第 1
            部分的正弦位置矩阵。不加位置时，每个差距都应当是 0（只差舍入误差）；加上位置后，哪些输出变了？

            <details><summary>提示：如果加上位置后每个差距都是 0</summary>

            那说明每个词移动时都带着它自己的 eⁱ：位置和词一起经过了
            `permute`。位置向量属于序列中的某个位置，而不属于恰好站在那里的词。
            </details>
            """),
    },
    questions={
        "why_positions": """
            不加位置时，重新排列输入只会让你的自注意力的输出同样地重新排列。为什么这对标注 “I saw a saw”
            是个问题？为什么给每个 aⁱ 加上 eⁱ 有帮助，而给每个 aⁱ 都加上同一个向量 e 却没有帮助？
            """,
    },
)

TEXTS["06-vs-cnn"] = Translation(
    chapter_title="自注意力与 CNN",
    intro="""
    卷积只看一个**感受野**（receptive field）：每个位置周围由 `width`
    个位置构成的窗口。自注意力看所有的位置，并学习哪些位置重要。把它限制在这个窗口之内，它就表现得像
    CNN：这个限制是一个排列方式与 A 相同的**掩码**（mask），查询 i 可以关注键 j 时，`mask[j, i]` 为
    True。被掩蔽的分数在 softmax **之前**设为 -∞，于是它们的权重恰好为 0，而允许的权重之和仍为
    1。（数据少时，CNN 内置的限制有帮助；数据多时，自注意力的自由度胜出。）你还要用到练习 2 和练习 3
    中自己写的 `softmax`、`qkv` 和 `scores`。
    """,
    parts={
        "window_mask": ("把感受野写成掩码", """
            写 `window_mask(N, width)`：返回 (N, N) 的布尔数组，其中
            `mask[j, i] = abs(i - j) <= width // 2`。`width` 必须是正奇数，`N` 必须是正数（否则抛出
            `ValueError`）。
            """),
        "masked_self_attention": ("带掩码的自注意力", """
            写 `masked_self_attention(I, Wq, Wk, Wv, mask, scale=False)`：与 `self_attention`
            相同，只是在对每一列做 softmax 之前，要把 A = KᵀQ 中 `mask` 为 False 的元素设为 -∞。返回
            `(O, A_prime)`；A′ 在掩码为 False 的地方为 0，并且每一列之和为 1。
            """),
        "masked_checks": ("缩放和错误的掩码", """
            无需新代码：`scale=True` 时，先把分数除以
            √d_k，再加掩码；掩码形状不对、掩码不是布尔数组，或者某一列没有任何允许的键时，抛出
            `ValueError`。
            """),
        "conv_heads": ("动手构造：用带掩码的头实现卷积", """
            第 6
            章指出，多头自注意力**能够表示**卷积，卷积核的每个偏移量用一个头。现在就来搭出它。设置单元格中的
            `conv1d(I, W)` 是宽度 w 为奇数、两端首尾相接的一维卷积：`W` 的形状为 (w, d_out, d)，`W[m]`
            是偏移量 δ = m - w // 2 的权重矩阵，结果的第 i 列是 `W[m] @ I[:, (i + δ) % N]` 对 m 求和。

            写 `conv_as_heads(W, N)`：为 **w 个带掩码的头**返回 `(masks, Wv, Wo)`：`masks` 是 (w, N, N)
            布尔数组，每个头一个掩码，排列方式与 A 相同；`Wv` 的形状为 (w, d_v, d)；`Wo` 的形状为 (d_out,
            w·d_v)。头 ℓ 是
            `masked_self_attention(I, Wq[ℓ], Wk[ℓ], Wv[ℓ], masks[ℓ])`，各个头按顺序堆叠后乘上
            `Wo`，结果必须**恰好**等于 `conv1d(I, W)`（只差舍入误差）：对任何有 N 列的输入
            I、对**任何**查询和键都是如此。查询和键由评分程序来选，而不是由你来选。宽度为偶数时抛出
            `ValueError`。隐藏用例用的是别的宽度、尺寸和卷积核。

            <details><summary>提示</summary>

            带掩码的头的输出是它的各个值的加权平均，权重由分数决定。什么时候分数不再起作用？哪个矩阵可以每个头各不相同，哪个矩阵能同时看到所有的头？
            </details>
            """),
    },
    questions={
        "one_head_not_a_convolution": """
            用宽度为 3 的窗口掩码时，你的带掩码自注意力的每个输出只混合它的邻居，就像宽度为 3
            的卷积那样。为什么一个带掩码的头仍然不能计算所有宽度为 3
            的卷积？卷积对每个偏移量做了什么，是一个头做不到的？
            """,
    },
)

TEXTS["07-vs-rnn"] = Translation(
    chapter_title="自注意力与循环神经网络",
    intro="""
    循环神经网络**从左到右**读入输入：hᵗ = tanh(Wₓaᵗ + Wₕhᵗ⁻¹)，从 h⁰ 开始（没有给定时为零向量）。第
    t 步必须等第 t-1 步算完才能开始，而 a¹ 要经过 N-1
    步才能到达最后一个状态。自注意力则把每一对位置直接连在一起。你先写出这个
    RNN，再亲手测量本章展示的现象：哪些状态依赖于哪些输入，以及一个早期输入的影响怎样在一步步的传递中逐渐减弱。最后，对你自己的自注意力做同样的测量，把两者放在一起比较。
    """,
    parts={
        "rnn_steps": ("递推", """
            写 `rnn_forward(I, Wx, Wh, h0=None)`：返回形状为 (d_h, N) 的 H，其第 t 列是 hᵗ = tanh(Wₓaᵗ +
            Wₕhᵗ⁻¹)，第一步之前的状态是 h0（为 `None` 时取零向量）。代码中的位置从 0 开始编号：H 的第 0
            列用的是第一个输入 `I[:, 0]` 和 h0。权重或 h0 的形状对不上时，抛出
            `ValueError`，并在消息中写出各个形状。
            """),
        "rnn_h0": ("给定的初始状态，以及形状检查", """
            无需新代码：这一部分检查 `h0`（给定 h0 时，第一步是 h¹ = tanh(Wₓa¹ + Wₕh0)；`h0=None` 时，h0
            是零向量），以及各种 `ValueError`。
            """),
        "jacobians": ("一个输入怎样传到每个状态", """
            本章稍稍改动一个输入，观察各个状态怎样随之移动。现在用链式法则把这一点精确地算出来。写
            `rnn_jacobians(I, Wx, Wh, j, h0=None)`：返回 (N, d_h, d) 数组，其第 t 个元素是雅可比矩阵
            ∂hᵗ/∂aʲ（aʲ 的每个元素每变化一个单位，hᵗ 的每个元素移动多少）。j 之前的状态完全不依赖于
            aʲ（它们的雅可比矩阵为 0）；状态 j 经由 Wₓ
            直接依赖于它；之后的每个状态只通过它的前一个状态依赖于它。`j` 不在 0 … N-1 之内时，抛出
            `ValueError`。

            <details><summary>提示：链式法则的一步</summary>

            记 zᵗ = Wₓaᵗ + Wₕhᵗ⁻¹，于是 hᵗ = tanh(zᵗ)。用 hᵗ 本身来表示，tanh 的导数是什么？t = j 时，zᵗ
            的两项中哪一项依赖于 aʲ？t > j 时又是哪一项？测试会把你的雅可比矩阵与对你的 `rnn_forward`
            做有限差分得到的结果相比较。
            </details>
            """),
        "influence": ("哪些状态依赖于哪些输入", """
            写 `rnn_influence(I, Wx, Wh, h0=None)`：返回 (N, N) 数组 R，R[j, t] 是 ∂hᵗ/∂aʲ 的大小，用它的
            Frobenius 范数度量（对这个 (d_h, d) 矩阵调用 `np.linalg.norm`），排列方式与 A 相同：第 j
            行对应输入，第 t 列对应状态。R 在哪里为零？第 0
            行，也就是第一个输入的影响，沿着各步怎样变化？在自注意力中，每个输出都只需一步就依赖于每个输入（本章的第一张图）。
            """),
        "attention_influence": ("你的自注意力的影响图", """
            现在用你自己的代码给出本章比较的另一方。写 `attention_influence(I, Wq, Wk, Wv)`：返回 (N, N)
            数组 R，R[j, i] 是你的 `self_attention(I, Wq, Wk, Wv)`（练习 3，不缩放）的雅可比矩阵 ∂bⁱ/∂aʲ 的
            Frobenius 范数，排列方式与 `rnn_influence` 相同：第 j 行对应输入，第 i
            列对应输出。测试会对同一组输入把两张图都打印出来。

            <details><summary>提示：aʲ 影响 bⁱ 的三条途径</summary>

            bⁱ = Σₗ α′ₗ,ᵢ vˡ。输入 aʲ 进入 vʲ 和键 kʲ；当 j = i 时，还进入查询 qⁱ。其中哪些会改变权重
            α′ₗ,ᵢ，哪些只改变值？再想一想：第 i 列的权重之和必须保持为 1，那么单个分数 Aₗ,ᵢ 稍有变化时，bⁱ
            怎样变化？取范数之前，先用对你的 `self_attention` 做有限差分得到的结果检查你的雅可比矩阵。
            </details>
            """),
    },
    questions={
        "influence_maps": """
            把你的两张影响图并排放在一起。RNN 的图在哪些地方为零，而自注意力的图不为零？为什么？沿着第 0
            行（第一个输入），为什么 RNN 的影响可能一步比一步小，而自注意力的影响却与两个位置相隔多远无关？
            """,
    },
)

TEXTS["08-capstone"] = Translation(
    chapter_title="综合练习：为 “I saw a saw” 标注词性",
    intro="""
    要训练第 8 章的标注器，就需要损失对每个权重的导数。第 8
    章的“自注意力层的反向传播”一节推导了单个头的反向传播。标注器的注意力子层还多了几样东西：多个头（每个头用同一个掩码）、输出投影
    Wᵒ，以及把输入加回来的残差连接。你要在这里用链式法则，沿着前向计算一行一行地**推导**出它的反向传播：

        头 ℓ = 1 … h:  Qˡ = Wq[ℓ] I,  Kˡ = Wk[ℓ] I,  Vˡ = Wv[ℓ] I,
                       Aˡ = Kˡᵀ Qˡ（scale=True 时再 ÷ √d_k），掩码为 False 处为 −∞,
                       A′ˡ = 对 Aˡ 的每一列做 softmax,  Oˡ = Vˡ A′ˡ;
        I_res = I + Wᵒ [O¹; …; Oʰ]   （各个头的输出自上而下堆叠）。

    向量都是列向量：`I` 的形状为 `(d, N)`，`Wq` 和 `Wk` 为 `(h, d_k, d)`，`Wv` 为
    `(h, d_v, d)`，`Wo` 为 `(d, h*d_v)`；`dI_res` 是损失对 I_res 的梯度，形状为
    `(d, N)`。设置单元格提供了前向计算
    `residual_attention(I, Wq, Wk, Wv, Wo, mask, scale=False)`，它用的是你自己在练习 2、3 和 6
    中写的答案（见笔记本中请你粘贴这些答案的单元格）。

    **你的梯度由有限差分来评判**，测试单元格中是这样，评分时也是这样：把某个元素改变
    ±ε，重新计算损失 L = Σ dI_res ⊙ I_res（它对 I_res 的梯度就是 dI_res），再把损失的变化除以
    2ε。这个笔记本中任何地方都没有给出答案的公式；某项检查失败时，它的消息会说明你的梯度错在哪里。卡住了的话，折叠起来的提示会给你指一个方向；请先不看提示，自己试一试。
    """,
    parts={
        "around_heads": ("一个向量：残差、Wᵒ 和各个头", """
            写 `residual_attention_backward(I, Wq, Wk, Wv, Wo, dI_res, mask, scale=False)`，返回
            `(dI, dWq, dWk, dWv, dWo)`，形状分别与 `I, Wq, Wk, Wv, Wo` 相同。`residual_attention`
            拒绝的输入（形状对不上的权重、行数不是 d 的 `Wo`），以及形状与 I 不同的 `dI_res`，都要抛出
            `ValueError`。

            第一个测试只用一个向量（N = 1，`mask = [[True]]`）。这时不论分数是多少，每个头的 A′ 都是
            [[1]]，所以查询和键不起任何作用：dWq 和 dWk
            必须为零。剩下的是注意力权重周围的一切：残差、Wᵒ，以及梯度的哪一部分属于哪个头。

            <details><summary>提示：从 I 到 I_res 的各条路径</summary>

            把 N = 1 时的 I_res 写成若干乘积之和，再把每一项一直追溯回 I。第 8
            章的“亲手训练：反向传播”一节给出了一个乘积的求导规则；一个量在几个地方用到时，它的梯度从每个地方各收集一项。
            </details>

            <details><summary>提示：各个头</summary>

            把堆叠 [O¹; …; Oʰ] 看成一个矩阵。先问：梯度从 I_res 传到这个堆叠的途中，Wᵒ
            对它做了什么？再问：堆叠的哪些行（以及 Wᵒ 的哪些列）属于头 ℓ？
            </details>
            """),
        "every_head": ("穿过每个头的注意力", """
            对任意的 N 完成这个函数，仍然不加掩码（`mask` 全为 True），也不缩放：现在梯度还要穿过每个头的
            softmax 和分数，到达 dWq、dWk 以及 dI 的其余部分。d、d_k、d_v 和 N
            各不相同，所以转置用错的乘积不可能通过测试。

            <details><summary>提示：一次一个头</summary>

            在堆叠中属于它的那几行上，头 ℓ 恰好就是第 8
            章“自注意力层的反向传播”一节中的单头层：一旦知道了损失对它的输出 Oˡ
            的梯度，那一节就能带你一路回到它的权重，以及它在 dI 中的那一份。
            </details>

            <details><summary>提示：检查一个头</summary>

            先单独检查一个头，用小到可以手算的输入（h = 1，N = 2，d = d_k = d_v = 1）：用
            `residual_attention` 构造一个损失，把你的每个梯度与它的 `central_differences`
            相比较，就像下面的测试单元格那样。
            </details>
            """),
        "masked": ("掩码：因果掩码和填充", """
            处理任意的
            `mask`：因果掩码、填充（padding：任何查询都不能把这些向量当作键来看），以及标注器那种把一批句子并排放在一起的输入。被掩蔽的分数在前向计算中是
            −∞，在 A′ 中得到权重 0。反向传播中有什么变化？

            <details><summary>提示：被隐藏的键</summary>

            被掩蔽的分数是常数 −∞，不是 Q 和 K 的函数：稍稍改动一个被隐藏的键，也无法通过这个分数让 I_res
            移动。想想你的 A′ 是从哪里来的，以及 softmax 的反向计算在 A′ 为 0 的地方会做什么。
            </details>
            """),
        "scaled": ("缩放的分数", """
            处理 `scale=True`：每个头的分数在加掩码和做 softmax 之前都要除以
            √d_k。在反向传播中，这个因子作用在哪里，作用于哪些梯度？

            <details><summary>提示：这个因子影响到什么</summary>

            这个因子位于分数和产生分数的那个乘积之间。想想五个梯度中，哪些要经过这个乘积才到达
            I_res，哪些不经过。
            </details>
            """),
    },
    questions={
        "finite_differences": """
            测试用有限差分检查你的梯度：把某个元素改变
            ±ε，重新计算损失。为什么这是检查反向传播的好办法？为什么训练网络时，我们不直接用有限差分，而要用反向传播？
            """,
    },
)
