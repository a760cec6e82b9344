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
    "a sentence of 30 words": "一个 30 词的句子",
    "a second of speech": "一秒钟的语音",
    "a minute of speech": "一分钟的语音",
    "a document of 10 000 words": "一篇 10 000 词的文档",
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
