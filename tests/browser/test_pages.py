"""Every page in _toc.yml, as a reader's browser shows it.

A failing test saves a screenshot of the page under test-artifacts/browser/ and names it.
"""

import re

import pytest

from tests.conftest import toc_files

pytestmark = pytest.mark.slow

PAGES = toc_files()

#: TeX that MathJax would have replaced: display and inline delimiters, environments, and
#: a $...$ pair holding TeX-looking characters.
RAW_TEX = re.compile(r"\$\$|\\[()\[\]]|\\begin\{|\$[^$\n]*[\\^_{}][^$\n]*\$")
#: In MyST source: a fenced block (code cells, {math} blocks), and inline code.
FENCE = re.compile(r"^(`{3,}|~{3,})(.*?)$.*?^\1\s*$", re.M | re.S)
INLINE_CODE = re.compile(r"(`+).+?\1", re.S)
SOURCE_MATH = re.compile(r"\$\$|\$[^$\s][^$\n]*\$|\{math\}|\\begin\{")


def writes_math(myst):
    """Whether MyST Markdown text writes math outside code, so MathJax must show some."""
    if any(m.group(2).strip().startswith(("{math}", "math")) for m in FENCE.finditer(myst)):
        return True
    return bool(SOURCE_MATH.search(INLINE_CODE.sub("", FENCE.sub("", myst))))


CODE_CELL = re.compile(r"^(`{3,}|~{3,})\{code-cell\}[^\n]*\n(.*?)^\1\s*$", re.M | re.S)


def drawing_cells(myst):
    """For each code cell that reaches the page, in order: (draws a figure, first code line).

    A cell draws when it calls plt.show() and does not remove its output; a cell tagged
    remove-cell is not on the page at all.
    """
    cells = []
    for match in CODE_CELL.finditer(myst):
        lines = match.group(2).splitlines()
        if lines and lines[0].strip() == "---":          # options as a YAML block
            end = next((i for i, line in enumerate(lines[1:], 1) if line.strip() == "---"), 0)
            options, code = lines[:end + 1], lines[end + 1:]
        else:                                            # options as :key: lines
            end = next((i for i, line in enumerate(lines) if not line.startswith(":")), len(lines))
            options, code = lines[:end], lines[end:]
        options = " ".join(options)
        if "remove-cell" in options:
            continue
        draws = any("plt.show()" in line for line in code) and "remove-output" not in options
        first = next((line.strip() for line in code if line.strip() and not line.startswith(("#", "%"))), "")
        cells.append((draws, first))
    return cells


def built_source(site, page):
    """The MyST source this page was built from ("" if none): Sphinx keeps it in _sources/,
    so a page being edited meanwhile does not count."""
    source = site.html_dir / "_sources" / f"{page}.md"
    return source.read_text(encoding="utf-8") if source.exists() else ""


def source_has_math(site, page):
    return writes_math(built_source(site, page))


@pytest.mark.parametrize("myst, expected", [
    ("Each weight $\\alpha'_{1,j}$ is positive.", True),
    ("$$\nO = V A'\n$$", True),
    ("```{math}\nA = K^T Q\n```", True),
    ("```{code-cell} ipython3\nax.set_title('$A$')\n```", False),
    ("Use `f'$b^{i}$'` for labels.", False),
    ("No math at all.", False),
])
def test_writes_math_reads_myst(myst, expected):
    assert writes_math(myst) is expected


@pytest.mark.parametrize("page", PAGES)
def test_page_loads_without_errors(site, page, request):
    visit = site.visit(page)
    problems = [f"console error: {e}" for e in visit.console_errors]
    problems += [f"failed request: {r}" for r in visit.failed_requests]
    if problems:
        site.fail(request.node.name, [f"{page} ({visit.url}):", *problems], page)


@pytest.mark.parametrize("page", PAGES)
def test_page_requests_only_the_local_server(site, page, request):
    visit = site.visit(page)
    if visit.foreign_requests:
        site.fail(request.node.name,
                  [f"{page} asked hosts other than {site.netloc} (blocked):",
                   *sorted(set(visit.foreign_requests))], page)


@pytest.mark.parametrize("page", PAGES)
def test_page_images_load(site, page, request):
    visit = site.visit(page)
    broken = [image["src"][:120] for image in visit.data["images"] if not image["ok"]]
    if broken:
        site.fail(request.node.name,
                  [f"{page}: {len(broken)} of {len(visit.data['images'])} <img> did not load "
                   "(naturalWidth 0):", *broken], page)


def test_drawing_cells_reads_myst():
    myst = ("```{code-cell} ipython3\n:tags: [remove-input]\nimport numpy as np\n```\n"
            "```{code-cell} ipython3\n:tags: [remove-cell]\nplt.show()\n```\n"
            "```{code-cell} ipython3\n---\ntags: [remove-input]\n---\nheatmap(A)\nplt.show()\n```\n"
            "```{code-cell} ipython3\n:tags: [remove-output]\nplt.show()\n```\n")
    assert drawing_cells(myst) == [(False, "import numpy as np"), (True, "heatmap(A)"),
                                   (False, "plt.show()")]


@pytest.mark.parametrize("page", PAGES)
def test_page_figures_are_drawn(site, page, request):
    """Every code cell that calls plt.show() shows a picture (a figure can fail to appear,
    e.g. under a non-inline matplotlib backend, without any error)."""
    visit = site.visit(page)
    cells = drawing_cells(built_source(site, page))
    shown = visit.data["cell_images"]
    if len(cells) != len(shown):
        problems = [f"the source has {len(cells)} code cells on the page, the page {len(shown)}"]
    else:
        problems = [f"code cell {n} calls plt.show() but shows no picture (it starts: {first!r})"
                    for n, ((draws, first), images) in enumerate(zip(cells, shown), 1)
                    if draws and not images]
    if problems:
        site.fail(request.node.name, [f"{page}:", *problems], page)


def math_problems(data, has_math):
    """What is wrong with a visited page's math: elements MathJax left untypeset, no MathJax
    output although the source has math, raw TeX in the visible text."""
    problems = []
    if data["untypeset"]:
        problems.append(f"{len(data['untypeset'])} of {data['math_elements']} math elements "
                        f"were not typeset by MathJax, e.g. {data['untypeset'][:3]}")
    if has_math and data["typeset"] == 0:
        problems.append("the source has math but the page shows no MathJax output (mjx-container)")
    raw = sorted({node.strip()[:100] for node in data["text"] if RAW_TEX.search(node)})
    if raw:
        problems.append("raw TeX left in the visible text: " + " | ".join(raw[:5]))
    return problems


@pytest.mark.parametrize("page", PAGES)
def test_page_math_is_typeset(site, page, request):
    visit = site.visit(page)
    data = visit.data
    problems = math_problems(data, source_has_math(site, page))
    if problems:
        site.fail(request.node.name, [f"{page}:", *problems], page)


@pytest.mark.parametrize("page", PAGES)
def test_page_fits_a_phone_screen(site, page, request):
    visit = site.visit(page, "phone")
    layout = visit.data
    problems = []
    if layout["scroll_width"] > layout["inner_width"]:
        problems.append(f"scrolls sideways: content is {layout['scroll_width']}px wide in a "
                        f"{layout['inner_width']}px viewport; too wide: {layout['too_wide']}")
    box = layout["article"]
    if box["left"] < 0 or box["right"] > layout["inner_width"] + 1 or box["width"] < layout["inner_width"] / 2:
        problems.append(f"the article is not shown across the screen: {box}")
    if layout["article_text"] == 0:
        problems.append("the article shows no text")
    if problems:
        site.fail(request.node.name, [f"{page} at {layout['inner_width']}px:", *problems], page, "phone")
