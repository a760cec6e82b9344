"""What the pages' source says, checked without building: notation, glossary, links to the notes.

These hold fixes of issue 15: one meaning per symbol, the chapters mapped to the notes'
sections, the glossary linked from every chapter and holding the course's own terms.
"""

import re

import pytest

from tests.conftest import ROOT, toc_files

BOOK = ROOT / "book"
CHAPTERS = [page for page in toc_files() if re.fullmatch(r"book/ch0\d-[\w-]+", page)]

# The section titles of the lecture notes (../shared/notes/self-attention-notes.zh.md), verbatim.
NOTES_SECTIONS = (
    "Vector Set as Input", "What is the output", "引入self-attention", "self-attention详解",
    "矩阵形式", "Multi-head Self-attention", "Positional Encoding", "Self-attention v.s. CNN",
    "Self-attention v.s. RNN",
)

COURSE_TERMS = (
    "缩放点积", "饱和", "置换矩阵", "正弦位置编码", "可学习位置编码", "残差连接", "反向传播", "梯度",
    "雅可比矩阵", "有限差分", "交叉熵", "梯度消失", "归纳偏置", "过拟合", "隐状态", "超参数", "因果掩码",
)


def text(page):
    return (ROOT / f"{page}.md").read_text(encoding="utf-8")


def notes_admonition(page):
    match = re.search(r":::\{admonition\} In the lecture notes.*?\n(.*?)\n:::", text(page), re.S)
    assert match, f"{page} has no 'In the lecture notes' admonition"
    return match.group(1)


@pytest.mark.parametrize("page", CHAPTERS)
def test_every_chapter_names_its_notes_sections_and_links_the_glossary(page):
    note = notes_admonition(page)
    assert "{doc}`glossary`" in note, f"{page}: the notes admonition does not link the glossary"
    named = [title for title in NOTES_SECTIONS if f"**{title}**" in note]
    assert named, f"{page}: the notes admonition names none of the notes' sections {NOTES_SECTIONS}"


def test_every_notes_section_is_mapped_to_a_chapter():
    covered = {title for page in CHAPTERS for title in NOTES_SECTIONS if f"**{title}**" in notes_admonition(page)}
    assert covered == set(NOTES_SECTIONS), f"no chapter follows {set(NOTES_SECTIONS) - covered}"


def test_the_glossary_holds_the_course_terms_and_the_wordplay():
    glossary = (BOOK / "glossary.md").read_text(encoding="utf-8")
    missing = [term for term in COURSE_TERMS if f"| {term}" not in glossary]
    assert not missing, f"glossary lacks {missing}"
    for word, meanings in {"saw": ("看见", "锯子"), "duck": ("鸭子",), "park": ("公园",), "can": ("罐头",),
                           "watch": ("手表",), "fly": ("苍蝇",)}.items():
        row = re.search(rf"^\| {word} \|.*$", glossary, re.M)
        assert row and all(m in row.group(0) for m in meanings), f"glossary does not gloss {word!r} as {meanings}"


def notation_rows():
    notation = (BOOK / "notation.md").read_text(encoding="utf-8")
    section = notation.split("## The symbols", 1)[1].split("\n## ", 1)[0]
    return [line.split("|")[1].strip() for line in section.splitlines() if line.startswith("| $")]


def test_the_notation_page_defines_each_symbol_once():
    rows = notation_rows()
    assert len(rows) == len(set(rows)), f"a symbol has two rows on the notation page: {rows}"
    for symbol in ("$E$", "$P = [e^1 \\cdots e^N]$", "$\\Pi$", "$Y$", "$h$", "$\\ell$"):
        assert symbol in rows, f"the notation page does not define {symbol}"


# Uses that gave a symbol a second meaning before issue 15; none may come back.
SECOND_MEANINGS = {
    r"I \\;\\leftarrow\\; I \+ E|I \+ E\$": "E is the embedding table, positions are P",
    r"permutation matrix \$P\$": "a permutation matrix is Pi; P holds the positions",
    r"\$Y = W X|\$Y = P V_r|\$P = \\operatorname\{softmax\}": "Y is the one-hot targets; row-major matrices carry the subscript r",
    r"W\^\{q,h\}|O\^h = |head \$h\$": "the head index is ell; h is the number of heads",
}


@pytest.mark.parametrize("pattern", SECOND_MEANINGS)
def test_no_page_gives_a_symbol_a_second_meaning(pattern):
    for page in sorted(BOOK.glob("*.md")):
        match = re.search(pattern, page.read_text(encoding="utf-8"))
        assert not match, f"{page.name}: {match.group(0)!r}: {SECOND_MEANINGS[pattern]}"
