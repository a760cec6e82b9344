"""The words in the book's figures and printed results, in the language of each edition.

A page's first code cell sets ``LANG``, the one line in which the two editions' code
differs (``"en"`` in book/, ``"zh"`` in zh/book/), and makes ``tr = translator(LANG)``.
Text a reader sees in a figure is then written ``tr("output (query)")``, and the drawing
helpers take ``lang=LANG``. The English text is the key of ``ZH``. In the Chinese edition a
text without an entry stops the build (KeyError), so no figure keeps English by accident.

Chinese text is drawn with Noto Sans CJK (Debian's ``fonts-noto-cjk``, installed by
scripts/setup.sh); ``use_language("zh")`` fails if matplotlib cannot find it, rather than
drawing empty boxes.
"""

import unicodedata

import matplotlib
from matplotlib import font_manager

LANGUAGES = ("en", "zh")
CJK_FONT = "Noto Sans CJK SC"

#: English text -> Chinese, for every text a figure or a hidden cell's output shows.
ZH = {
    # intro
    "output (query)": "输出（查询）",
    "input (key)": "输入（键）",
    "Attention weights $A'$": "注意力权重 $A'$",
    # notation
    "columns of A' sum to": "A' 的各列之和",
    "rows    of A'_r sum to": "A'_r 的各行之和",
    # chapter 1
    "vocabulary word": "词表中的词",
    "column = one word of the sentence": "一列 = 句子中的一个词",
    "one-hot: 5 x 4": "独热编码：5 x 4",
    "embedding: 3 x 4": "词嵌入：3 x 4",
    "animal": "动物",
    "function": "虚词",
    "verb": "动词",
    '"this is a cat" as a set of four column vectors': "“this is a cat”：四个列向量组成的集合",
    "cosine, one-hot vectors": "余弦相似度：独热向量",
    "cosine, embedding vectors": "余弦相似度：词嵌入向量",
    "social network: node = person": "社交网络：节点 = 人",
    "methanol: node = atom, one-hot (H, C, O)": "甲醇：节点 = 原子，独热编码（H, C, O）",
    "input $I$ (3 x 4)": "输入 $I$（3 x 4）",
    "verb?": "动词？",
    "noun?": "名词？",
    'the two "saw"s (outlined) get identical outputs': "两个 “saw”（框出）得到完全相同的输出",
    # figures_a.speech_frames
    "frame {n}": "第 {n} 帧",
    "time (ms)": "时间（毫秒）",
    "{window:.0f} ms windows, moved {hop:.0f} ms at a time": "{window:.0f} 毫秒的窗口，每次移动 {hop:.0f} 毫秒",
    "frame n (one column = one vector)": "帧 n（一列 = 一个向量）",
    "feature (band energy)": "特征（频带能量）",
    # figures_a.output_kinds
    "each vector has a label\n(N in, N out)": "每个向量一个标签\n（输入 N 个，输出 N 个）",
    "the whole sequence has a label\n(N in, 1 out)": "整个序列一个标签\n（输入 N 个，输出 1 个）",
    "the model decides how many\n(N in, N' out: seq2seq)": "由模型决定输出几个\n（输入 N 个，输出 N' 个：seq2seq）",
    "model": "模型",
    "label": "标签",
    # chapter 2
    "scores $q^1 \\cdot k^j$": "分数 $q^1 \\cdot k^j$",
    "after softmax (sum = {total:.2f})": "softmax 之后（总和 = {total:.2f}）",
    "weights $\\alpha'_{i,j}$: column $i$ is $b^i$'s": "权重 $\\alpha'_{i,j}$：第 $i$ 列对应 $b^i$",
    "output $b^i$ (query)": "输出 $b^i$（查询）",
    "input $a^j$ (key)": "输入 $a^j$（键）",
    "worked example": "例题",
    "Where the query of each input attends, in chapter 2's example": "第 2 章的例子：每个输入的查询关注哪里",
    "examples $(x_j, y_j)$: keys, values": "样本 $(x_j, y_j)$：键与值",
    "$\\hat y(x)$: attention's output": "$\\hat y(x)$：注意力的输出",
    "query $x = {x:.1f}$": "查询 $x = {x:.1f}$",
    "Kernel regression, computed as $V A'$": "按 $V A'$ 算出的核回归",
    "key $x_j$": "键 $x_j$",
    "weight": "权重",
    "the query's weights (they sum to {total:.0f})": "这个查询的权重（总和为 {total:.0f}）",
    # figures_a.all_to_all, score_methods, weighted_sum_2d
    "$b^{{{n}}}$ depends on\nevery $a^j$": "$b^{{{n}}}$ 取决于\n每一个 $a^j$",
    "dot product: $\\alpha_{1,j} = q^1 \\cdot k^j$": "点积：$\\alpha_{1,j} = q^1 \\cdot k^j$",
    "additive: $\\alpha_{1,j} = w \\cdot \\tanh(q^1 + k^j)$": "加性：$\\alpha_{1,j} = w \\cdot \\tanh(q^1 + k^j)$",
    "convex hull of the $v^j$": "各个 $v^j$ 的凸包",
    "$b^1 = \\sum_j \\alpha'_{1,j}\\, v^j$ (weights in brackets)": "$b^1 = \\sum_j \\alpha'_{1,j}\\, v^j$（括号中为权重）",
    # chapter 3
    "softmax\nof each\ncolumn": "每列\n各做\nsoftmax",
    "The softmax of scaled and unscaled scores, against d_k and the inputs' spread":
        "缩放与不缩放的分数经过 softmax 之后，随 d_k 和输入幅度的变化",
    "chapter 2's loop (recomputes K, V)": "第 2 章的循环（反复计算 K、V）",
    "loop over queries (Q, K, V once)": "逐个查询的循环（Q、K、V 只算一次）",
    "matrix form": "矩阵形式",
    "N = {N}: chapter 2's loop {loop:.0f} ms, loop over queries {by_query:.1f} ms, matrix form {matrix:.1f} ms":
        "N = {N}：第 2 章的循环 {loop:.0f} 毫秒，逐个查询的循环 {by_query:.1f} 毫秒，矩阵形式 {matrix:.1f} 毫秒",
    "redundant work costs a factor {redundant:.1f}, the Python loop a factor {python:.1f}":
        "重复计算让耗时变为 {redundant:.1f} 倍，Python 循环又让耗时变为 {python:.1f} 倍",
    "keys": "键",
    "o / s = {ratio}   b3 from O = V A': {b3}": "o / s = {ratio}   由 O = V A' 得到的 b3：{b3}",
    "online softmax, blocks of 64": "在线 softmax，每块 64 个",
    "one $N \\times N$ matrix": "一个 $N \\times N$ 矩阵",
    "$N$ (number of input vectors)": "$N$（输入向量的个数）",
    "peak memory (MB)": "峰值内存（MB）",
    "Same outputs, memory $N^2$ against $N$": "输出相同，内存一个按 $N^2$ 增长，一个按 $N$ 增长",
    # figures_a.saturation
    "one column of $A'$, $d_k$ = {d_k}": "$A'$ 的一列，$d_k$ = {d_k}",
    "no scaling": "不缩放",
    "divided by $\\sqrt{d_k}$": "除以 $\\sqrt{d_k}$",
    "uniform 1/N": "均匀分布 1/N",
    "largest weight in a column (mean)": "一列中最大的权重（平均值）",
    "how peaked the softmax gets": "softmax 的集中程度",
    # figures_a.cost_vs_n
    "N (number of input vectors)": "N（输入向量的个数）",
    "time": "时间",
    "one N x N float64 matrix": "一个 N x N 的 float64 矩阵",
    "peak memory (KiB)": "峰值内存（KiB）",
    "peak memory": "峰值内存",
    # chapter 7
    "RNN: $a^1$ reaches $h^5$ through 4 steps": "RNN：$a^1$ 要经过 4 步才到达 $h^5$",
    "self-attention: $a^1$ reaches $b^5$ in 1 step": "自注意力：$a^1$ 一步就到达 $b^5$",
    "RNN (left to right)": "RNN（从左到右）",
    "bidirectional RNN": "双向 RNN",
    "self-attention": "自注意力",
    "RNN, $\\|W_h\\| = 0.9$": "RNN，$\\|W_h\\| = 0.9$",
    "RNN, radius 1.2, small inputs": "RNN，谱半径 1.2，小输入",
    "RNN, radius 1.2, unit inputs": "RNN，谱半径 1.2，大小为 1 的输入",
    "self-attention: $b^N$": "自注意力：$b^N$",
    "sequence length $N$": "序列长度 $N$",
    "effect of $a^1$ on the last output": "$a^1$ 对最后一个输出的影响",
    "How much of the first input reaches the last output": "第一个输入有多少能传到最后一个输出",
    "RNN steps": "RNN 步数",
    "RNN path": "RNN 路径",
    "SA steps": "SA 步数",
    "SA path": "SA 路径",
    "RNN: sequential steps = longest path = $N$": "RNN：串行步数 = 最长路径 = $N$",
    "self-attention: both = 1": "自注意力：两者都是 1",
    "count": "步数",
    "Sequential steps and longest path, one layer": "一层的串行步数与最长路径",
    "multiplications of one layer, in millions, d = {d}": "一层的乘法次数（单位：百万），d = {d}",
    "self-attention + W^o": "自注意力 + W^o",
    "Elman RNN": "Elman RNN",
    "LSTM": "LSTM",
    "{name}: N = {N:>6,}, fewer multiplications: {cheaper}": "{name}：N = {N:>6,}，乘法更少的是 {cheaper}",
    "a sentence of 30 words": "一个 30 个词的句子",
    "a second of speech": "一秒钟的语音",
    "a minute of speech": "一分钟的语音",
    "a document of 10 000 words": "一篇 10 000 个词的文档",
    # figures_b.dependence_map
    "output $i$": "输出 $i$",
    "input $j$": "输入 $j$",
    "yes": "是",
    # chapter 4
    "type 1": "类型 1",
    "type 2": "类型 2",
    "group 1": "组别 1",
    "group 2": "组别 2",
    "input $I$ (4 x 6)": "输入 $I$（4 x 6）",
    "head {n}: $A'^{n}$ (reads the {feature})": "第 {n} 个头：$A'^{n}$（读取{feature}）",
    "type": "类型",
    "group": "组别",
    "query (output)": "查询（输出）",
    "key (input)": "键（输入）",
    "one head reading all features": "一个读取全部特征的头",
    # figures_a.two_heads
    "position {name}": "位置 {name}",
    "head {head}": "第 {head} 个头",
    "stacked": "堆叠",
    # chapter 5
    "outputs $O$ for $I$": "$I$ 的输出 $O$",
    "outputs for the shuffled input": "输入打乱顺序后的输出",
    "dim {n}": "第 {n} 维",
    "Shuffling the input only shuffles the output columns": "打乱输入，只会打乱输出的各列",
    "position $p$ (column $e^{p+1}$)": "位置 $p$（对应列 $e^{p+1}$）",
    "dimension": "维度",
    "Sinusoidal $P$, $d={d}$, $N={N}$": "正弦位置编码 $P$，$d={d}$，$N={N}$",
    "row {row}": "第 {row} 行",
    "position $p$": "位置 $p$",
    "Some rows: slower and slower waves": "其中几行：波动越来越慢",
    "R_delta e^i = e^(i+delta) holds for all {checked} (position, offset) pairs checked, d = {d}":
        "R_delta e^i = e^(i+delta) 对检查过的全部 {checked} 组（位置，偏移量）都成立，d = {d}",
    "row {row}: $\\sin p\\,\\omega_{m}$": "第 {row} 行：$\\sin p\\,\\omega_{m}$",
    "row {row}: $\\cos p\\,\\omega_{m}$": "第 {row} 行：$\\cos p\\,\\omega_{m}$",
    "{delta} positions on: the same turn, ${delta}\\omega_{m}$": "后移 {delta} 个位置：都转过同一个角度 ${delta}\\omega_{m}$",
    "$R_{{\\Delta}}$ for $\\Delta = {delta}$, $d = 16$: one $2 \\times 2$ block per pair":
        "$\\Delta = {delta}$、$d = 16$ 时的 $R_{{\\Delta}}$：每对行一个 $2 \\times 2$ 块",
    "position $i$": "位置 $i$",
    "position $j$": "位置 $j$",
    "The same at every position": "在每个位置都相同",
    "offset $\\Delta$": "偏移量 $\\Delta$",
    "and a function of the offset alone": "而且只取决于偏移量",
    "The dot product of two sinusoidal position vectors, against the offset": "两个正弦位置向量的点积随偏移量的变化",
    "RoPE: scores depend only on j - i:": "RoPE：分数只取决于 j - i：",
    "e^i added to the input:           ": "e^i 加在输入上：          ",
    "sinusoidal": "正弦位置向量",
    "learned, before training": "可学习位置向量，训练前",
    "learned, after training": "可学习位置向量，训练后",
    # chapter 6
    "CNN, width {width}: $b^{{{n}}}$ sees 3 inputs": "CNN，宽度 {width}：$b^{{{n}}}$ 看到 3 个输入",
    "self-attention: $b^{{{n}}}$ sees all {N}": "自注意力：$b^{{{n}}}$ 看到全部 {N} 个输入",
    "no mask": "无掩码",
    "$A'$, self-attention": "$A'$，自注意力",
    "$A'$, masked with width 3": "$A'$，宽度为 3 的掩码",
    "CNN, width {width}": "CNN，宽度 {width}",
    "self-attention (one layer)": "自注意力（一层）",
    "number of layers $L$": "层数 $L$",
    "inputs that reach one output": "能到达一个输出的输入个数",
    "Receptive field of stacked layers, $N = {N}$": "多层叠加后的感受野，$N = {N}$",
    "3 masked heads + Wo vs the width-3 convolution, 20 random inputs: largest difference {worst:.1e} (rounding)":
        "3 个带掩码的头 + Wo 与宽度为 3 的卷积相比，20 组随机输入：最大差值 {worst:.1e}（舍入误差）",
    "kernel rows: singular values {sigma}; the best single head with fixed weights misses by {best_single:.3f} "
    "(Frobenius norm)":
        "卷积核的三行：奇异值 {sigma}；权重固定的单个头，最好也差 {best_single:.3f}（Frobenius 范数）",
    "one head near I = 0: the same change, Wv/3, for each of the three neighbours":
        "单个头在 I = 0 附近：三个邻居中无论哪个变化，输出的变化都是同一个 Wv/3",
    # figures_b.attention_map
    "query $i$ (output $b^i$)": "查询 $i$（输出 $b^i$）",
    "key $j$ (input $a^j$)": "键 $j$（输入 $a^j$）",
    # chapter 8
    "VERB": "VERB（动词）",
    "NOUN": "NOUN（名词）",
    "AUX": "AUX（助动词）",
    "occurrences in training": "在训练集中出现的次数",
    "Ambiguous words and their tags (training set)": "歧义词及其标签（训练集）",
    "A tagger that ignores context can at best give each ambiguous word its commonest tag. "
    "On the {n_ambiguous} ambiguous tokens of the test set that is right "
    "**{majority:.1%}** of the time: the *majority-tag rate*, the ceiling of any "
    "per-vector model on these words.":
        "不看上下文的标注器，最多只能给每个歧义词标上它最常见的标签。测试集中歧义词共出现 {n_ambiguous} 次，"
        "这样标对的比例是 **{majority:.1%}**。这就是**多数标签率**（majority-tag rate），"
        "任何逐向量模型在这些词上都不会超过它。",
    "full attention": "完整注意力",
    "windowed attention (width 3)": "窗口注意力（宽度 3）",
    "query $i$": "查询 $i$",
    "key $j$": "键 $j$",
    "Masks of a batch of three sentences: mask[j, i] is True (green) where query i may attend to key j":
        "一批三个句子的掩码：查询 i 可以关注键 j 时，mask[j, i] 为 True（绿色）",
    "| scores computed per epoch ({batches} batches of up to 32 sentences) | count |\n|---|---|\n"
    "| one block-diagonal set, $(\\sum_b N_b)^2$ per batch (this chapter) | {one_set:,} |\n"
    "| padded to the batch's longest sentence, $B N_{{\\text{{pad}}}}^2$ per batch | {padded:,} |\n"
    "| inside the sentences, $\\sum_b N_b^2$ per batch | {used:,} |\n\n"
    "The single set computes {ratio:.0f} times as many scores as the padded stack, for batches of "
    "{B:.1f} sentences on average: per batch the ratio is $B\\,(\\bar N / N_{{\\text{{pad}}}})^2$ "
    "($\\bar N$ the mean length), about $B$ times the work when the lengths are close. The padded stack "
    "spends {wasted:.0%} of its scores on padding. The single set's cost grows with the square "
    "of the batch size, the padded stack's only in proportion to it.":
        "| 一轮训练计算的分数（{batches} 批，每批至多 32 个句子） | 个数 |\n|---|---|\n"
        "| 排成一个分块对角的集合，每批 $(\\sum_b N_b)^2$ 个（本章的做法） | {one_set:,} |\n"
        "| 填充到该批最长的句子再堆叠，每批 $B N_{{\\text{{pad}}}}^2$ 个 | {padded:,} |\n"
        "| 句子内部的分数，每批 $\\sum_b N_b^2$ 个 | {used:,} |\n\n"
        "每批平均 {B:.1f} 个句子，排成一个集合算出的分数是填充后堆叠的 {ratio:.0f} 倍。每批的比值是 "
        "$B\\,(\\bar N / N_{{\\text{{pad}}}})^2$（$\\bar N$ 为平均长度），句子长短相近时，工作量约为 $B$ 倍。"
        "填充后堆叠有 {wasted:.0%} 的分数花在填充上。排成一个集合，代价随批大小的平方增长；"
        "填充后堆叠，代价只与批大小成正比。",
    "Every model was trained {seeds} times on the same 600 sentences, with the seeds "
    "{first} to {last} for its initial weights and its batch order, while this page "
    "was built. These {n_runs} trainings, including the {n_small} "
    "smaller ones further down, took **{seconds:.0f} s** of processor time on this machine. "
    "Accuracy is measured on the 300 test sentences. Each entry gives the mean over the "
    "{seeds} seeds, ± the **sample standard deviation** (with $n - 1$ in the denominator, "
    "numpy's `ddof=1`), and in brackets the lowest and the highest seed.":
        "每个模型都在同样的 600 个句子上训练了 {seeds} 次，依次用种子 {first} 到 {last} 决定初始权重和批的顺序；"
        "这些训练都在构建本页时完成。这 {n_runs} 次训练（包括后面 {n_small} 次数据较少的训练）"
        "在这台机器上共用了 **{seconds:.0f} 秒**处理器时间。准确率在 300 个测试句子上测量。"
        "表中每一项是 {seeds} 个种子的平均值 ± **样本标准差**（sample standard deviation，分母为 $n - 1$，"
        "即 numpy 的 `ddof=1`），括号里是最差和最好的种子的结果。",
    "| | no positions | learned positions |": "| | 无位置 | 可学习位置 |",
    "no attention": "无注意力",
    "| model | all tokens | ambiguous tokens | *I saw a saw* right | processor time per training |":
        "| 模型 | 全部词 | 歧义词 | *I saw a saw* 全部标对 | 每次训练的处理器时间 |",
    "per-vector FC (baseline)": "逐向量全连接（基线）",
    "learned positions, no attention (control)": "可学习位置，无注意力（对照）",
    "self-attention, no positions": "自注意力，无位置",
    "self-attention + learned positions": "自注意力 + 可学习位置",
    "self-attention + sinusoidal positions": "自注意力 + 正弦位置",
    "windowed attention, width 3 (CNN-like)": "窗口注意力，宽度 3（类似 CNN）",
    "2-head self-attention + learned positions": "双头自注意力 + 可学习位置",
    "{k} of {seeds} seeds": "{seeds} 个种子中有 {k} 个",
    "{seconds:.1f} s": "{seconds:.1f} 秒",
    "| *majority tag per word (ceiling without context)* | | {majority:.1%} | | |":
        "| 每个词都取多数标签（不看上下文时的上限） | | {majority:.1%} | | |",
    "all tokens": "全部词",
    "ambiguous tokens": "歧义词",
    "majority-tag rate": "多数标签率",
    "FC": "全连接",
    "pos. only": "仅位置",
    "no pos.": "无位置",
    "learned": "可学习位置",
    "sinus.": "正弦位置",
    "window": "窗口",
    "2 heads": "双头",
    "test accuracy": "测试准确率",
    "Same data, {seeds} seeds each (bars: mean; dots: the seeds)": "同样的数据，每个模型 {seeds} 个种子（柱：平均值；点：各个种子）",
    "| model | sees | ceiling | reached (best seed) |": "| 模型 | 看到的信息 | 上限 | 实际达到（最好的种子） |",
    "the word": "词本身",
    "the word and its position": "词和它的位置",
    "the word and the set of words of its sentence": "词和所在句子的词集合",
    "{k} of {seeds}": "{seeds} 个种子中有 {k} 个",
    "epoch": "轮次",
    "training loss (cross-entropy)": "训练损失（交叉熵）",
    "Training loss, {seeds} seeds": "训练损失，{seeds} 个种子",
    "| training sentences | seeds | window | full attention | window − full: mean ± sample sd | window ahead "
    "| 95 % bootstrap interval |":
        "| 训练句子数 | 种子数 | 窗口 | 完整注意力 | 窗口 − 完整：平均值 ± 样本标准差 | 窗口领先 | 95% 自助法区间 |",
    "{mean:+.1f} ± {sd:.1f} points": "{mean:+.1f} ± {sd:.1f} 个百分点",
    "{low:+.1f} to {high:+.1f} points": "{low:+.1f} 到 {high:+.1f} 个百分点",
    "{low:+.1f} to {high:+.1f}": "{low:+.1f} 到 {high:+.1f}",
    "window, width 3": "窗口，宽度 3",
    "full, learned positions": "完整注意力，可学习位置",
    "training sentences": "训练句子数",
    "accuracy on ambiguous tokens": "歧义词上的准确率",
    "mean ± sample sd (ddof=1) over the seeds": "各种子的平均值 ± 样本标准差（ddof=1）",
    "learned $e^i$": "可学习的 $e^i$",
    "no positions": "无位置",
    ", head {n}": "，第 {n} 个头",
    "seed {seeds}": "种子 {seeds}",
    "seeds {seeds}": "种子 {seeds}",
    ", ": "、",
    "No attention and no positions: each word is tagged from its own embedding.":
        "无注意力，也无位置：每个词只凭自己的词嵌入来标注。",
    "No attention: each word is tagged from its own embedding and its position.":
        "无注意力：每个词凭自己的词嵌入和位置来标注。",
    "No positions: two copies of one word have the same query, so they attend alike.":
        "无位置：同一个词出现两次，查询完全相同，所以注意力的分布也相同。",
    "A learned position vector is added to every word.": "每个词都加上一个可学习的位置向量。",
    "The sinusoidal position vectors of chapter 5 are added to every word.": "每个词都加上第 5 章的正弦位置向量。",
    "Each query sees only its neighbours, one on each side, and itself.": "每个查询只看到它自己和左右各一个邻居。",
    "Two heads, each with its own map.": "两个头，各有自己的注意力图。",
    "Where each word's query attends, in the trained taggers of seed 0": "用种子 0 训练出的标注器中，每个词的查询关注哪里",
}


def use_language(lang):
    """Set matplotlib up to draw `lang`'s text: for Chinese, Noto Sans CJK, checked to exist."""
    if lang not in LANGUAGES:
        raise ValueError(f"language {lang!r}: the book has the editions {LANGUAGES}")
    if lang == "zh":
        cjk = font_manager.FontProperties(family=CJK_FONT)
        try:
            font_manager.findfont(cjk, fallback_to_default=False)
        except ValueError:
            # matplotlib's font list may predate the font's installation: add its files.
            for path in font_manager.findSystemFonts():
                if "NotoSansCJK" in path:
                    font_manager.fontManager.addfont(path)
            try:
                font_manager.findfont(cjk, fallback_to_default=False)
            except ValueError:
                raise RuntimeError(f"matplotlib finds no {CJK_FONT}, so Chinese labels would be empty "
                                   "boxes: install Debian's fonts-noto-cjk (scripts/setup.sh)") from None
        matplotlib.rcParams["font.sans-serif"] = [CJK_FONT, *matplotlib.rcParams["font.sans-serif"]]
        matplotlib.rcParams["font.family"] = "sans-serif"


def text(english, lang, **values):
    """`english` in `lang`, with ``{name}`` fields filled from `values`."""
    if lang not in LANGUAGES:
        raise ValueError(f"language {lang!r}: the book has the editions {LANGUAGES}")
    words = english if lang == "en" else ZH[english]
    return words.format(**values) if values else words


def display_width(text):
    """The columns `text` takes on screen in a fixed-width font: 2 for a wide or full-width
    character (East Asian Width W or F: Chinese characters, full-width punctuation such as
    ，：（）), 0 for a combining mark, 1 for any other."""
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in ("W", "F") else 1
               for c in text)


def pad(text, width, align=">"):
    """`text` filled with spaces to `width` columns on screen, on the left (align ">") or on the
    right ("<"). f"{text:>{width}}" counts characters, so Chinese headers would come
    out wider than the numbers below them."""
    text = str(text)
    fill = " " * max(0, width - display_width(text))
    if align == ">":
        return fill + text
    if align == "<":
        return text + fill
    raise ValueError(f"align must be '>' or '<', not {align!r}")


def translator(lang):
    """``tr(english, **values)``: `english` in `lang`; also sets matplotlib up for `lang`."""
    use_language(lang)
    return lambda english, **values: text(english, lang, **values)
