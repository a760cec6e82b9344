"""The prose of the translated Chinese pages follows the edition's typographic and terminology rules.

Every page of zh/book/ that is translated (not listed in ``course_untranslated`` of zh/_config.yml)
is read as MyST Markdown, and only its prose is checked: front matter, code fences, display math,
MyST labels and directive options are skipped; inside a line, inline code, inline math, the
targets of MyST roles and URLs are taken out first. Four rules, each with a test on a bad example:

1. Chinese sentences use full-width punctuation: an ASCII ``, ; : ? !`` touching a Chinese
   character (spaces between them allowed), an ASCII ``( ) "`` directly touching one, or an ASCII
   full stop right after one, is an error. ASCII punctuation between Latin words (an English
   parenthetical, a quoted English sentence) touches no Chinese character and is left alone; so is
   ``(a) 每个词`` (a space follows).
2. One space between a Chinese character and a Latin letter, a digit, inline math, inline code or
   a citation, on both sides ("第 2 章", "用 $\\ell$ 表示头", "实现 `embed`"). Inline math that is
   only a delimiter is punctuation (``$\\lvert$特征值$\\rvert$`` is a pair of bars around a
   Chinese word). A ``{doc}`` link shows the Chinese title of the page it links to, so it is
   written against the Chinese around it, with no space ("见{doc}`exercises`"), as the pages do.
3. The glossary's terms: a table (``DRIFT``) of variants that translators drift to and that
   must not appear, each next to the term of zh/book/glossary.md that replaces it.
4. No English sentence left untranslated: four or more consecutive English words in prose are an
   error, except quoted English (a span in ``*...*``, ``**...**`` or quotation marks with no
   Chinese in it: example sentences like *I saw a saw*, the notes' English section titles, the
   text of a button), the English term in the full-width parentheses right after a Chinese term
   (``多头自注意力（multi-head self-attention）``), and a table cell with no Chinese in it (the
   glossary's English column).
"""

import re
import pytest
import yaml

from tests.conftest import ROOT

ZH = ROOT / "zh"
UNTRANSLATED = set(yaml.safe_load((ZH / "_config.yml").read_text(encoding="utf-8"))["sphinx"]["config"][
    "course_untranslated"])
TRANSLATED = sorted(p.stem for p in (ZH / "book").glob("*.md") if f"book/{p.stem}" not in UNTRANSLATED)

HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
#: What inline math, inline code, a citation or a download link shows: Latin text.
LATIN_SPAN = "\ue000"
#: What a delimiter-only inline math or a glued value shows: nothing the spacing rule can judge.
NEUTRAL_SPAN = "\ue001"
#: Either end of what a {doc} or {ref} link shows: the Chinese title of a page or section, or its own title.
DOC_LINK = "\ue002"
LATIN = rf"A-Za-z0-9{LATIN_SPAN}"

FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
LABEL = re.compile(r"^\s*\([^()\s]+\)=\s*$")
DIRECTIVE = re.compile(r"^\s*:{3,}(\{[\w-]+\})?")
OPTION = re.compile(r"^\s*:[\w-]+:(\s|$)")
DEFINITION = re.compile(r"^\s*:\s+")             # the colon that opens a definition list's definition
CODE = re.compile(r"(`+)(.+?)\1")
ROLE = re.compile(r"\{([\w:-]+)\}`([^`]*)`")
INLINE_MATH = re.compile(r"(?<![\\$])\$([^$\n]+?)\$")
DELIMITER_MATH = re.compile(r"\s*\\?(lvert|rvert|lVert|rVert|langle|rangle|vert|Vert|\||\\\|)\s*")
LINK = re.compile(r"!?\[([^\]]*)\]\([^)\s]*\)")
URL = re.compile(r"<?https?://[^\s>）]+>?")


def prose_lines(text):
    """(line number, line) for each line of a page that holds prose."""
    lines = text.split("\n")
    i = 0
    if lines and lines[0] == "---":
        i = lines.index("---", 1) + 1
    while i < len(lines):
        line = lines[i]
        if fence := FENCE.match(line):
            close = fence.group(1)
            i = next((j for j in range(i + 1, len(lines)) if lines[j].strip() == close), len(lines)) + 1
            continue
        if line.strip() == "$$":
            i = next((j for j in range(i + 1, len(lines)) if lines[j].strip() == "$$"), len(lines)) + 1
            continue
        if directive := DIRECTIVE.match(line):
            line = line[directive.end():]          # an admonition's title is prose; the fence is not
        elif definition := DEFINITION.match(line):
            line = line[definition.end():]
        if line.strip() and not LABEL.match(line) and not OPTION.match(line) \
                and not line.lstrip().startswith("<!--"):
            yield i + 1, line
        i += 1


def _role(match):
    name, target = match.groups()
    if name.startswith("glue"):                      # a value glued at build time: Chinese or a number
        return NEUTRAL_SPAN
    if name in ("doc", "ref"):                       # a page's or a section's title
        titled = re.fullmatch(r"(.*?)\s*<[^<>]+>", target)
        return DOC_LINK + (titled.group(1) if titled else "") + DOC_LINK
    return LATIN_SPAN                                 # {cite}, {download}, {numref}, ...


def _math(match):
    return NEUTRAL_SPAN if DELIMITER_MATH.fullmatch(match.group(1)) else LATIN_SPAN


def plain(line):
    """A prose line with code, math, role targets, links and URLs replaced by what the reader sees."""
    line = ROLE.sub(_role, line)
    line = CODE.sub(LATIN_SPAN, line)
    line = INLINE_MATH.sub(_math, line)
    line = LINK.sub(lambda m: m.group(1), line)
    return URL.sub(LATIN_SPAN, line)


def unemphasised(line):
    """The line without Markdown emphasis markers, as the reader sees the letters side by side."""
    return re.sub(r"(?<!\\)\*+", "", line)


# 1. Full-width punctuation -----------------------------------------------------------------------

IS_HAN = re.compile(f"[{HAN}]")
EMPHASIS = re.compile(r"(?<![\\*])(\*{1,2})([^*]+?)\1(?!\*)")


def _attached(seen, at):
    """Whether the ASCII punctuation mark at seen[at] belongs to a Chinese sentence."""
    if seen[at] in '()"':                          # 中文(… / …)中文: a bracket touching Chinese
        return bool(IS_HAN.match(seen[at - 1:at] or " ") or IS_HAN.match(seen[at + 1:at + 2] or " "))
    if seen[at] == ".":                            # 中文.: a full stop (never .5, v.s., file.md)
        return bool(IS_HAN.match(seen[at - 1:at] or " "))
    before, after = seen[:at].rstrip(), seen[at + 1:].lstrip()
    return bool(IS_HAN.match(before[-1:] or " ") or IS_HAN.match(after[:1] or " "))


def ascii_punctuation(text):
    """(line, offending text) for each ASCII punctuation mark that belongs to a Chinese sentence."""
    found = []
    for n, line in prose_lines(text):
        # quoted English set in emphasis (a UI label, *Needs Manual Grade?*) keeps its own punctuation
        seen = unemphasised(EMPHASIS.sub(lambda m: m.group(0) if IS_HAN.search(m.group(2)) else LATIN_SPAN,
                                         plain(line)))
        found += [(n, seen[max(at - 2, 0):at + 3].strip()) for at, mark in enumerate(seen)
                  if mark in ',;:?!()".' and _attached(seen, at)]
    return found


# 2. A space between Chinese and Latin text -------------------------------------------------------

#: Chinese against Latin text, or a space between Chinese and a {doc} link.
NO_SPACE = re.compile(rf"(?=([{HAN}][{LATIN}]|[{LATIN}][{HAN}]|[{HAN}] +{DOC_LINK}|{DOC_LINK} +[{HAN}]))")


def missing_spaces(text):
    """(line, offending text) for each Chinese character written against Latin text."""
    found = []
    for n, line in prose_lines(text):
        seen = unemphasised(plain(line))
        found += [(n, m.group(1).replace(LATIN_SPAN, "<math/code>").replace(DOC_LINK, "<doc>"))
                  for m in NO_SPACE.finditer(seen)]
    return found


# 3. The glossary's terms -------------------------------------------------------------------------

#: (pattern of a variant that must not appear, the term of the glossary it drifts from); the comment
#: above each row says why the variant is a drift.
DRIFT = [
    # word embedding is 词嵌入; a bare 嵌入 (嵌入表, 嵌入向量) loses the 词 that says what is embedded
    # (嵌入式, "embedded", is another word); 字嵌入 is a character-level model's table, not ours.
    (r"(?<![词])嵌入(?!式)", "词嵌入"),
    # positional encoding is 位置编码 (the notes' term); 位置嵌入 is the drift from "position embedding".
    (r"位置嵌入", "位置编码"),
    # weight (权重矩阵, 权重) is 权重; 权值 is an older synonym.
    (r"权值", "权重矩阵"),
    # head is 头 (多头); 注意力头 is the drift from "attention head".
    (r"注意力头", "头"),
    # self-attention is 自注意力 (the notes' term), never 自我注意力 / 自关注.
    (r"自我注意|自关注|自注意(?!力)", "自注意力（机制）"),
    # hidden state is 隐状态; 隐藏状态 / 隐含状态 are drifts (隐藏层, a hidden layer, is another thing).
    (r"隐藏状态|隐含状态|隐态", "隐状态"),
    # mask is 掩码; 遮罩 (Taiwan) and 掩模 (image processing) are drifts.
    (r"遮罩|掩模", "掩码"),
    # receptive field is 感受野.
    (r"感受域|接受域|感知野", "感受野"),
    # inductive bias is 归纳偏置.
    (r"归纳偏差|归纳偏好|归纳偏见", "归纳偏置"),
    # dot product is 点积 or 点乘; 内积 names the same number but is not the glossary's term.
    (r"内积", "点积、点乘"),
    # recurrent neural network is 循环神经网络; 递归神经网络 is the recursive network, another model.
    (r"递归神经网络", "循环神经网络"),
    # one-hot is 独热.
    (r"单热|一位有效", "独热编码（one-hot 编码）"),
    # attention score is 注意力分数.
    (r"注意力得分", "注意力分数"),
    # sequence labeling is 序列标注, part-of-speech tagging is 词性标注.
    (r"序列标记", "序列标注"),
    (r"词类标注", "词性标注"),
    # gradients: 梯度消失 / 梯度爆炸.
    (r"梯度弥散", "梯度消失"),
    (r"梯度爆发", "梯度爆炸"),
    # the rest of the glossary's terms where a near-synonym is common.
    (r"雅克比", "雅可比矩阵"),
    (r"全链接", "全连接层"),
    (r"残差链接", "残差连接"),
    (r"过度拟合", "过拟合"),
    (r"超参(?!数)", "超参数"),
    (r"情绪分析", "情感分析"),
    (r"排列等变|置换同变", "置换等变性"),
]


def glossary_terms():
    """The Chinese terms of zh/book/glossary.md: the first column of its table of terms."""
    text = (ZH / "book" / "glossary.md").read_text(encoding="utf-8")
    table = text[text.index("## 术语"):]
    return {row.split("|")[1].strip() for row in table.splitlines() if row.startswith("| ")}


def drifted_terms(text):
    """(line, variant, the glossary's term) for each variant of DRIFT in the prose."""
    found = []
    for n, line in prose_lines(text):
        seen = unemphasised(plain(line))
        hits = sorted((m.start(), m.group(), term) for pattern, term in DRIFT for m in re.finditer(pattern, seen))
        found += [(n, *what) for _, *what in hits]
    return found


# 4. No untranslated English ----------------------------------------------------------------------

WORD = r"[A-Za-z]+(?:[-'’][A-Za-z]+)*"
ENGLISH_RUN = re.compile(rf"{WORD}(?:(?:\s*[,;:]\s*|\s+){WORD}){{3,}}")
QUOTED = re.compile(r"(\*{1,2})([^*]+?)\1|“([^”]*)”|\"([^\"]*)\"|‘([^’]*)’")
#: A gloss: full-width parentheses right after a term, each item of them Chinese or an English
#: term of at most six words, with no sentence punctuation.
GLOSS = re.compile(r"(?<=[^\s|])（([^（）]*)）")
GLOSS_ITEM = re.compile(r"[^.?!]*")


def _unquoted(match):
    body = next(g for g in match.groups()[1:] if g is not None)
    return " " if not IS_HAN.search(body) else match.group()


def _unglossed(match):
    items = re.split(r"[，,、；]", match.group(1))
    terms = all(IS_HAN.search(item) or (GLOSS_ITEM.fullmatch(item) and len(re.findall(WORD, item)) <= 6)
                for item in items)
    return "（）" if terms else match.group()


def english_runs(text):
    """(line, words) for each run of four or more English words left in the prose."""
    found = []
    for n, line in prose_lines(text):
        seen = QUOTED.sub(_unquoted, plain(line))
        seen = GLOSS.sub(_unglossed, unemphasised(seen))
        if seen.lstrip().startswith("|"):           # a table: a cell with no Chinese is data
            seen = "|".join(cell if IS_HAN.search(cell) else " " for cell in seen.split("|"))
        found += [(n, m.group()) for m in ENGLISH_RUN.finditer(seen)]
    return found


# The pages ---------------------------------------------------------------------------------------

CHECKS = {
    "ASCII punctuation in a Chinese sentence (use ，；：？！（）)": ascii_punctuation,
    "no space between Chinese and Latin text, digits or math": missing_spaces,
    "a variant of a glossary term": drifted_terms,
    "English left untranslated in the prose": english_runs,
}


def page_text(page):
    return (ZH / "book" / f"{page}.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: CHECKS[c].__name__)
@pytest.mark.parametrize("page", TRANSLATED)
def test_the_prose_of_a_translated_page_follows_the_rule(page, check):
    found = CHECKS[check](page_text(page))
    assert not found, f"zh/book/{page}.md: {check}:\n" + "\n".join(
        f"  line {n}: {' -> '.join(map(repr, what))}" for n, *what in found)


def test_every_drift_names_a_term_of_the_glossary():
    terms = glossary_terms()
    named = {term for _, term in DRIFT}
    assert named <= terms, f"DRIFT names terms that zh/book/glossary.md does not have: {sorted(named - terms)}"


# Each rule fires on a bad example ----------------------------------------------------------------

PAGE = """---
kernelspec: {{}}
---

# 标题

```{{code-cell}} ipython3
x = "中文,English"  # code is not prose
```

$$
\\text{{中文}},x
$$

{line}
"""


def checked(check, line):
    return check(PAGE.format(line=line))


def test_ascii_punctuation_fires_on_a_chinese_sentence():
    assert checked(ascii_punctuation, "自注意力(self-attention)把向量集变成向量集,每个输出都看到全部输入.") \
        == [(15, "意力(se"), (15, "on)把向"), (15, "量集,每个"), (15, "输入.")]
    assert checked(ascii_punctuation, "为什么 ? 因为 RNN: 它只看左边") == [(15, "么 ? 因"), (15, "NN: 它")]
    assert checked(ascii_punctuation, '所谓"相关"有多种意思.') == [(15, '所谓"相关'), (15, '相关"有多'), (15, '意思.')]
    assert checked(ascii_punctuation, "自注意力（self-attention）把向量集变成向量集，每个输出都看到全部输入。") == []
    # punctuation among English words, in code or in math belongs to no Chinese sentence
    assert checked(ascii_punctuation, "例句 *I saw a saw, and then (again) a saw* 中的 `f(x)` 和 $f(x,y)$ 以及 (a) 一项") == []
    assert checked(ascii_punctuation, "a sentence, that is (entirely) English: fine?") == []
    assert checked(ascii_punctuation, "带有 *Needs Manual Grade?* 一栏") == []          # a quoted English label
    assert checked(ascii_punctuation, "带有 *需要评分?* 一栏") == [(15, "评分? 一")]
    assert checked(ascii_punctuation, '替换掉 "YOUR ANSWER HERE"，见 `notes.md` 和 v.s. 一节，约 0.5 倍') == []


def test_missing_spaces_fires_on_chinese_written_against_latin():
    assert checked(missing_spaces, "第2章用$\\ell$表示头，调用`softmax`和RNN") == [
        (15, "第2"), (15, "2章"), (15, "用<math/code>"), (15, "<math/code>表"), (15, "用<math/code>"),
        (15, "<math/code>和"), (15, "和R")]
    assert checked(missing_spaces, "第 2 章用 $\\ell$ 表示头，调用 `softmax` 和 RNN，见{doc}`notation`") == []
    assert checked(missing_spaces, "引用 {cite}`vaswani2017attention`，**RNN** 的输出") == []
    assert checked(missing_spaces, "引用{cite}`vaswani2017attention`，**RNN**的输出") == [
        (15, "用<math/code>"), (15, "N的")]
    assert checked(missing_spaces, "见 {doc}`exercises`；这就是 {doc}`位置编码 <ch05>` 的作用") == [
        (15, "见 <doc>"), (15, "是 <doc>"), (15, "<doc> 的")]
    # a delimiter written as math is punctuation around a Chinese word
    assert checked(missing_spaces, "即 $\\lvert$特征值$\\rvert$ 的最大值") == []


def test_drifted_terms_fires_on_a_variant_of_a_glossary_term():
    assert checked(drifted_terms, "每个注意力头有自己的权值，嵌入表 $E$ 与位置嵌入相加") == [
        (15, "注意力头", "头"), (15, "权值", "权重矩阵"), (15, "嵌入", "词嵌入"), (15, "位置嵌入", "位置编码"),
        (15, "嵌入", "词嵌入")]
    assert checked(drifted_terms, "每个头有自己的权重，词嵌入表 $E$ 与位置编码相加；隐藏层和隐状态") == []


def test_english_runs_fires_on_an_untranslated_sentence():
    assert checked(english_runs, "自注意力 maps a set of vectors to a set of vectors。") == [
        (15, "maps a set of vectors to a set of vectors")]
    assert checked(english_runs, "多头自注意力（several heads run side by side. Each has its own matrices）") == [
        (15, "several heads run side by side"), (15, "Each has its own matrices")]
    assert checked(english_runs, "| 头 | one set of weights of the layer | 第 4 章 |") == []
    # quoted English, the English term after a Chinese term, code and citations are not prose
    assert checked(english_runs, "给 *I saw a saw* 标注，替换掉 “YOUR ANSWER HERE”，"
                   "**序列到序列**（sequence to sequence，seq2seq），LSTM（长短期记忆网络，long short-term memory），"
                   "讲义的 **What is the output** 一节，`raise NotImplementedError()`，{cite}`a b c d`") == []
    # but a quotation with Chinese in it is prose, and so is its English
    assert checked(english_runs, "*这一段 is not a quotation at all*") == [(15, "is not a quotation at all")]
