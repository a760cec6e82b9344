"""Every page in _toc.yml, as a reader's browser shows it.

A failing test saves a screenshot of the page under test-artifacts/browser/ and names it.
"""

import re

import pytest

from tests.book.test_build import toc_files

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


def source_has_math(site, page):
    """Whether the MyST source this page was built from writes math.

    Sphinx keeps that source in _sources/, so a page being edited meanwhile does not count.
    """
    source = site.html_dir / "_sources" / f"{page}.md"
    return source.exists() and writes_math(source.read_text(encoding="utf-8"))


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


@pytest.mark.parametrize("page", PAGES)
def test_page_math_is_typeset(site, page, request):
    visit = site.visit(page)
    data = visit.data
    problems = []
    if data["untypeset"]:
        problems.append(f"{len(data['untypeset'])} of {data['math_elements']} math elements "
                        f"were not typeset by MathJax, e.g. {data['untypeset'][:3]}")
    if source_has_math(site, page) and data["typeset"] == 0:
        problems.append("the source has math but the page shows no MathJax output (mjx-container)")
    raw = sorted({node.strip()[:100] for node in data["text"] if RAW_TEX.search(node)})
    if raw:
        problems.append("raw TeX left in the visible text: " + " | ".join(raw[:5]))
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
