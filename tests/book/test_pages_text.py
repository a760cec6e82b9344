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


# --------------------------------------------------------------------------- issue 20

# The sections added by issue 20: (page, label, reference functions the section's cells call,
# citation keys it rests on). Each must check what it says in a code cell (an assert).
NEW_SECTIONS = [
    ("ch02-dot-product", "ch02-soft-lookup", ("softmax",), ("nadaraya1964estimating", "watson1964smooth", "zhang2023dive")),
    ("ch03-matrix-form", "ch03-online", ("self_attention_online",), ("milakov2018online", "dao2022flashattention")),
    ("ch05-positional-encoding", "ch05-why-sinusoids", ("position_rotation", "rotary", "sinusoidal_encoding"),
     ("vaswani2017attention", "su2021roformer")),
    ("ch07-vs-rnn", "ch07-paths", ("rnn_jacobians", "self_attention_backward"), ("pascanu2013difficulty",)),
    ("ch07-vs-rnn", "ch07-work", ("self_attention_work", "lstm_work", "elman_work"),
     ("vaswani2017attention", "hochreiter1997long")),
]


def section(page, label):
    """The text of a page from the label ``(label)=`` to the next heading of level 2."""
    source = text(f"book/{page}")
    assert f"({label})=" in source, f"{page} has no section labelled {label}"
    return source.split(f"({label})=", 1)[1].split("\n## ", 2)[1]


@pytest.mark.parametrize("page, label, functions, sources", NEW_SECTIONS, ids=[s[1] for s in NEW_SECTIONS])
def test_each_new_section_checks_its_claims_and_cites_its_sources(page, label, functions, sources):
    body = section(page, label)
    cells = re.findall(r"```\{code-cell\}[^\n]*\n(.*?)```", body, re.S)
    assert any(re.search(r"^\s*assert ", cell, re.M) for cell in cells), f"{label}: no cell asserts what the text says"
    code = "\n".join(cells)
    missing = [fn for fn in functions if fn not in code]
    assert not missing, f"{label}: its cells do not compute with {missing}"
    cited = set(re.findall(r"\{cite\}`([^`]+)`", body))
    cited = {key.strip() for keys in cited for key in keys.split(",")}
    assert set(sources) <= cited, f"{label}: does not cite {set(sources) - cited}"
    bib = (BOOK / "references.bib").read_text(encoding="utf-8")
    assert all(re.search(rf"@\w+\{{{key},", bib) for key in sources)


def test_chapter_7_counts_every_product_and_drops_the_old_crossover():
    body = section("ch07-vs-rnn", "ch07-work")
    assert "exactly when $N < d/2$" not in text("book/ch07-vs-rnn"), "the crossover N < d/2 counted only some products"
    for form in ("3Nd^2 + 2N^2 d", "2Nd^2", "8Nd^2"):
        assert form in body, f"chapter 7 does not state the full count {form}"
    assert "assert crossover(lstm_work)" in body and "a second of speech" in body
    assert not re.search(r"\bc\s*[·\\]\s*d\b|N \\approx c", body), "the crossover constant must not be c, the bias letter"


def test_the_worked_example_has_one_definition():
    for page in ("ch02-dot-product", "ch03-matrix-form"):
        assert "worked_example()" in text(f"book/{page}"), page


# A bias written b, next to the outputs b^i: gone since issue 20 (the bias is c).
BIAS_B = re.compile(r"\+\s*b(?:_\{?\w+\}?)?(?![\^\w{])")


def test_the_bias_checker_finds_b_and_spares_the_outputs():
    assert BIAS_B.search("$U = W I + b$") and BIAS_B.search("W_1 I + b_1, F") and BIAS_B.search("+ b_{2}$")
    assert not BIAS_B.search("$a^1 + b^1$") and not BIAS_B.search("$W I + c$") and not BIAS_B.search("+ bias")


@pytest.mark.parametrize("page", sorted(p.stem for p in BOOK.glob("*.md")))
def test_no_page_writes_a_bias_as_b(page):
    match = BIAS_B.search(text(f"book/{page}"))
    assert not match, f"{page}: {match.group(0)!r}: b is the output bⁱ; a bias is c"


def test_the_notation_page_names_the_bias_c():
    rows = notation_rows()
    assert "$c$" in rows and "$U = W I + c$" in rows, rows


def test_the_glossary_glosses_every_tag_of_the_corpus():
    from solutions.ch08_corpus import TAGS

    glossary = (BOOK / "glossary.md").read_text(encoding="utf-8")
    for tag in TAGS:
        row = re.search(rf"^\| {tag} \|.*\|\s*([^|]+?)\s*\|$", glossary, re.M)
        assert row and re.search(r"[\u4e00-\u9fff]", row.group(1)), f"the glossary has no Chinese gloss for {tag}"
    overfitting = re.search(r"^\| overfitting \|.*$", glossary, re.M).group(0)
    assert "chapter 6" in overfitting, overfitting
