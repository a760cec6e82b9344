"""The English and Chinese editions have the same structure, read from their MyST sources.

Each page of _toc.yml exists as book/<page>.md (English) and zh/book/<page>.md (Chinese).
The editions may differ only in their words. Section by section (each heading, in order),
they must have the same heading level and MyST label, the same code cells (the same source,
except the one per-edition line ``LANG = "en"`` / ``LANG = "zh"``, see book/i18n.py), the
same display math, the same inline math, the same figures, the same directives (admonitions,
and the dropdown answers of "Check your understanding"), the same numbered items (its
questions), and the same citations and links to pages. A page changed in one language and
not the other fails, naming the page and the section.

A page not yet translated is listed in ``course_untranslated`` in zh/_config.yml. Its
Chinese source must then be the English one, byte for byte, so it cannot drift: copy it
again when the English page changes (or translate it and take it off the list).
"""

import re
from dataclasses import dataclass, field

import pytest
import yaml

from tests.conftest import ROOT, toc_files

PAGES = toc_files()
ZH = ROOT / "zh"
UNTRANSLATED = yaml.safe_load((ZH / "_config.yml").read_text(encoding="utf-8"))["sphinx"]["config"][
    "course_untranslated"]

#: The one line of code in which the editions differ: the language of the figures' text.
LANG_LINE = re.compile(r'^LANG = "(en|zh)"', re.M)
FENCE = re.compile(r"^(`{3,}|~{3,})\s*(.*)$")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*$")
LABEL = re.compile(r"^\(([^()\s]+)\)=\s*$")
DIRECTIVE = re.compile(r"^\s*:{3,}\{([\w-]+)\}")
NUMBERED = re.compile(r"^\s*\d+\.\s")
CITE = re.compile(r"\{cite(?::\w+)?\}`([^`]+)`")
DOC = re.compile(r"\{doc\}`(?:[^`<]*<)?([^`<>]+)>?`")
IMAGE = re.compile(r"!\[[^\]]*\]\(([^)\s]+)")
INLINE_MATH = re.compile(r"(?<![\\$])\$([^$\n]+?)\$")


@dataclass
class Section:
    """What one heading's section holds, up to the next heading."""
    level: int
    title: str
    label: str | None = None
    code: list = field(default_factory=list)          # code cells, with the LANG line made English
    math: list = field(default_factory=list)          # display math: $$ blocks and {math} fences
    inline_math: set = field(default_factory=set)
    figures: list = field(default_factory=list)       # {figure}/{image} targets and ![](...) images
    directives: list = field(default_factory=list)    # colon-fence directive names, in order
    numbered: int = 0                                 # numbered list items (the questions, ...)
    cites: list = field(default_factory=list)
    docs: list = field(default_factory=list)

    def name(self):
        return f"{'#' * self.level} {self.title}" if self.level else "(before the first heading)"


def read_sections(text):
    """The sections of a MyST Markdown page, in order."""
    if text.startswith("---\n"):
        text = text[text.index("\n---\n", 4) + 5:]
    lines = text.splitlines()
    sections = [Section(0, "")]
    label = None
    i = 0
    while i < len(lines):
        line, here = lines[i], sections[-1]
        fence = FENCE.match(line)
        if fence:
            end = next((j for j in range(i + 1, len(lines)) if lines[j].strip() == fence.group(1)), len(lines))
            block, info = "\n".join(lines[i + 1:end]), fence.group(2)
            if info.startswith("{code-cell}"):
                here.code.append(LANG_LINE.sub('LANG = "en"', block))
            elif info.startswith(("{math}", "math")):
                here.math.append(block.strip())
            elif info.startswith(("{figure}", "{image}")):
                here.figures.append(info.split(None, 1)[1] if " " in info else block)
            elif info.startswith("{"):                     # another directive: {bibliography}, ...
                here.directives.append(info.split("}")[0] + "}")
            i = end + 1
            continue
        if line.strip() == "$$":
            end = next((j for j in range(i + 1, len(lines)) if lines[j].strip() == "$$"), len(lines))
            here.math.append("\n".join(lines[i + 1:end]).strip())
            i = end + 1
            continue
        if match := LABEL.match(line):
            label = match.group(1)
        elif match := HEADING.match(line):
            sections.append(Section(len(match.group(1)), match.group(2), label))
            label = None
            here = sections[-1]
        elif line.strip():
            if label is not None:       # a label not followed by a heading labels nothing here
                here.directives.append(f"label {label}")
                label = None
            if match := DIRECTIVE.match(line):
                # a directive whose next line closes it has no body: its text went into the title line
                empty = i + 1 < len(lines) and re.fullmatch(r"\s*:{3,}\s*", lines[i + 1]) is not None
                here.directives.append(match.group(1) + (" with an empty body" if empty else ""))
            here.numbered += bool(NUMBERED.match(line))
        here.cites += CITE.findall(line)
        here.docs += DOC.findall(line)
        here.figures += IMAGE.findall(line)
        here.inline_math |= {m.strip() for m in INLINE_MATH.findall(re.sub(r"`[^`]*`", "", line))}
        i += 1
    return sections


def differences(english, chinese):
    """What differs between the two editions' sections, one message per difference."""
    en, zh = read_sections(english), read_sections(chinese)
    if len(en) != len(zh):
        return [f"{len(en) - 1} headings in English, {len(zh) - 1} in Chinese: "
                + " | ".join(f"{a.name()}  <->  {b.name()}" for a, b in zip(en, zh))]
    problems = []
    for n, (a, b) in enumerate(zip(en, zh)):
        where = f"section {n} {a.name()!r} / {b.name()!r}"
        if a.level != b.level:
            problems.append(f"{where}: heading level {a.level} in English, {b.level} in Chinese")
        for what in ("label", "code", "math", "inline_math", "figures", "directives", "numbered", "cites", "docs"):
            x, y = getattr(a, what), getattr(b, what)
            if what in ("cites", "docs"):
                x, y = sorted(x), sorted(y)
            if x == y:
                continue
            if what == "code" and len(x) == len(y):
                cell = next(k for k in range(len(x)) if x[k] != y[k])
                problems.append(f"{where}: code cell {cell + 1} of the section differs "
                                f"(English starts {x[cell][:60]!r}, Chinese {y[cell][:60]!r})")
            elif what == "inline_math":
                problems.append(f"{where}: inline math only in English {sorted(x - y)}, "
                                f"only in Chinese {sorted(y - x)}")
            else:
                problems.append(f"{where}: {what} differ: English {x!r}, Chinese {y!r}")
    return problems


def source(edition_root, page):
    return (edition_root / f"{page}.md").read_text(encoding="utf-8")


def test_the_untranslated_list_names_pages_of_the_book():
    unknown = sorted(set(UNTRANSLATED) - set(PAGES))
    assert not unknown, f"course_untranslated in zh/_config.yml names pages not in _toc.yml: {unknown}"


@pytest.mark.parametrize("page", PAGES)
def test_every_page_exists_in_both_editions(page):
    for root in (ROOT, ZH):
        assert (root / f"{page}.md").exists(), f"{root.name}/{page}.md is missing: every page of _toc.yml " \
            "needs an English page (book/) and a Chinese one (zh/book/)"


@pytest.mark.parametrize("page", [p for p in PAGES if p in UNTRANSLATED])
def test_a_page_not_yet_translated_is_the_english_page(page):
    assert source(ZH, page) == source(ROOT, page), (
        f"{page} is not yet translated (course_untranslated in zh/_config.yml), but zh/{page}.md differs "
        f"from {page}.md: copy it again (cp {page}.md zh/{page}.md), or translate it and take it off the list")


@pytest.mark.parametrize("page", [p for p in PAGES if p not in UNTRANSLATED])
def test_a_translated_page_has_the_structure_of_the_english_page(page):
    english, chinese = source(ROOT, page), source(ZH, page)
    assert chinese != english, (f"zh/{page}.md is the English page: add {page} to course_untranslated "
                                "in zh/_config.yml, or translate it")
    problems = differences(english, chinese)
    assert not problems, f"{page}: the editions differ in more than words:\n" + "\n".join(problems)


@pytest.mark.parametrize("page", [p for p in PAGES if p not in UNTRANSLATED])
def test_a_translated_page_sets_its_language_once(page):
    for root, lang in ((ROOT, "en"), (ZH, "zh")):
        found = LANG_LINE.findall(source(root, page))
        assert found in ([], [lang]), (f"{root.name}/{page}.md sets LANG {found}: a page sets it once, "
                                       f"to {lang!r}, in its first code cell")


ENGLISH = """---
kernelspec: {}
---

# Title

```{code-cell} ipython3
LANG = "en"
plot(tr("x"))
```

(sec-a)=
## A section with $A = K^T Q$

Text {cite}`vaswani2017attention`, see {doc}`notation`.

## Check your understanding

1. Why?

   :::{dropdown} Answer
   Because.
   :::
"""


@pytest.mark.parametrize("change, complaint", [
    (lambda zh: zh, None),
    (lambda zh: zh.replace("plot(", "plot2("), "section 1 '# Title' / '# 标题': code cell 1"),
    (lambda zh: zh.replace("(sec-a)=\n", ""), "label differ"),
    (lambda zh: zh.replace("## 检验你的理解", "### 检验你的理解"), "heading level"),
    (lambda zh: zh.replace("{cite}`vaswani2017attention`", ""), "cites differ"),
    (lambda zh: zh.replace("2. 还有？\n", ""), "numbered differ"),
    (lambda zh: zh.replace("$A = K^T Q$", "$A = Q^T K$"), "inline math"),
    (lambda zh: zh + "\n## 多出来的一节\n", "headings in English"),
])
def test_the_structure_check_names_the_page_section_and_difference(change, complaint):
    chinese = change(ENGLISH.replace('LANG = "en"', 'LANG = "zh"').replace("# Title", "# 标题")
                     .replace("## A section with", "## 一节，含").replace("Text", "正文")
                     .replace("## Check your understanding", "## 检验你的理解\n\n2. 还有？")
                     .replace("Why?", "为什么？").replace("Answer", "答案").replace("Because.", "因为。"))
    english = ENGLISH.replace("## Check your understanding", "## Check your understanding\n\n2. And?")
    problems = differences(english, chinese)
    if complaint is None:
        assert problems == []
    else:
        assert any(complaint in p for p in problems), problems


def glossary_terms(edition_root, english_column):
    """{English term: Chinese term} from the term tables of one edition's glossary (the last two
    sections), each Chinese term without the notes' English in parentheses."""
    text = source(edition_root, "book/glossary")
    terms = {}
    for line in text[text.index("\n## 术语" if edition_root == ZH else "\n## Terms"):].splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("| ") and len(cells) == 3 and not set(cells[0]) <= set("-"):
            english, chinese = cells[english_column], cells[1 - english_column]
            terms[english] = re.sub(r"（[^（）]*[A-Za-z][^（）]*）$", "", chinese)
    return terms


def test_the_two_glossaries_give_every_term_the_same_chinese():
    english, chinese = glossary_terms(ROOT, 0), glossary_terms(ZH, 1)
    english.pop("English"), chinese.pop("英文")                     # the tables' headers
    assert english == chinese, (
        "book/glossary.md and zh/book/glossary.md disagree (the Chinese glossary is the Chinese "
        f"edition's list of terms): only in English {sorted(set(english) - set(chinese))}, only in "
        f"Chinese {sorted(set(chinese) - set(english))}, different Chinese "
        f"{ {k: (english[k], chinese[k]) for k in set(english) & set(chinese) if english[k] != chinese[k]} }")
