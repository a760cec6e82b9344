"""The Chinese edition (served at zh/) in the browser, and the links between the two editions.

Every page of _toc.yml is also visited at zh/<page>.html, and judged as test_pages.py judges
the English one: no console error, no failed or foreign request, images loaded, figures
drawn, math typeset. On top of that: its Chinese text is drawn with real glyphs (not the
empty boxes of a missing font), and every page of both editions links to the same page in
the other edition, with a link that a keyboard reaches.
"""

import pytest
import yaml

from tests.browser.test_pages import drawing_cells, math_problems, writes_math
from tests.conftest import ROOT, toc_files

pytestmark = pytest.mark.slow

PAGES = toc_files()
ZH_PAGES = [f"zh/{page}" for page in PAGES]
UNTRANSLATED = yaml.safe_load((ROOT / "zh" / "_config.yml").read_text(encoding="utf-8"))["sphinx"]["config"][
    "course_untranslated"]

#: Draws each character alone on a canvas in the article's font, and compares the pixels: a
#: missing font draws every character as the same box (or nothing), like an unassigned code
#: point (U+0378) does. Returns, per character, its ink and whether it matches the reference.
GLYPHS_JS = """
(chars) => {
  const article = document.querySelector('article.bd-article') || document.body;
  const font = '32px ' + getComputedStyle(article).fontFamily;
  const draw = text => {
    const canvas = document.createElement('canvas');
    canvas.width = 48; canvas.height = 48;
    const ctx = canvas.getContext('2d');
    ctx.font = font; ctx.fillStyle = '#000'; ctx.textBaseline = 'top';
    ctx.fillText(text, 4, 4);
    const data = ctx.getImageData(0, 0, 48, 48).data;
    const alpha = [];
    for (let i = 3; i < data.length; i += 4) alpha.push(data[i]);
    return alpha.join(',');
  };
  const tofu = draw('\\u0378');
  const drawn = chars.map(draw);
  return {font: font, glyphs: chars.map((c, n) => ({
    char: c,
    ink: drawn[n].split(',').filter(a => a !== '0').length,
    like_tofu: drawn[n] === tofu,
    like_another: drawn.some((d, m) => m !== n && d === drawn[n]),
  }))};
}
"""

#: The link to the other edition: where it points, and whether a reader can see and reach it.
SWITCH_JS = """
() => {
  const links = [...document.querySelectorAll('.edition-switch a[hreflang]')];
  return links.map(a => {
    const box = a.getBoundingClientRect();
    return {href: a.href, hreflang: a.hreflang, text: a.innerText.trim(), tabindex: a.tabIndex,
            visible: box.width > 0 && box.height > 0 && getComputedStyle(a).visibility === 'visible'};
  });
}
"""


def on_page(site, page):
    """The desktop tab, showing `page` (after its visit)."""
    visit = site.visit(page)
    tab = site.tab("desktop")
    if tab.url != visit.url:
        tab.goto(visit.url, wait_until="load")
    return tab


def built_source(site, page):
    """The MyST source zh/<page> was built from ("" if none)."""
    source = site.html_dir / "zh" / "_sources" / f"{page.removeprefix('zh/')}.md"
    return source.read_text(encoding="utf-8") if source.exists() else ""


@pytest.mark.parametrize("page", ZH_PAGES)
def test_chinese_page_loads_without_errors_or_foreign_requests(site, page, request):
    visit = site.visit(page)
    problems = [f"console error: {e}" for e in visit.console_errors]
    problems += [f"failed request: {r}" for r in visit.failed_requests]
    problems += [f"request to another host (blocked): {r}" for r in sorted(set(visit.foreign_requests))]
    problems += [f"<img> did not load: {image['src'][:120]}" for image in visit.data["images"] if not image["ok"]]
    if problems:
        site.fail(request.node.name, [f"{page} ({visit.url}):", *problems], page)


@pytest.mark.parametrize("page", ZH_PAGES)
def test_chinese_page_shows_its_figures_and_math(site, page, request):
    visit = site.visit(page)
    data, source = visit.data, built_source(site, page)
    problems = []
    cells = drawing_cells(source)
    if len(cells) != len(data["cell_images"]):
        problems.append(f"the source has {len(cells)} code cells on the page, the page {len(data['cell_images'])}")
    else:
        problems += [f"code cell {n} calls plt.show() but shows no picture (it starts: {first!r})"
                     for n, ((draws, first), images) in enumerate(zip(cells, data["cell_images"]), 1)
                     if draws and not images]
    problems += math_problems(data, writes_math(source))
    if problems:
        site.fail(request.node.name, [f"{page}:", *problems], page)


@pytest.mark.parametrize("page", ZH_PAGES)
def test_chinese_text_is_drawn_with_real_glyphs(site, page, request):
    visit = site.visit(page)
    text = "".join(visit.data["text"])
    chars = sorted({c for c in text if "\u4e00" <= c <= "\u9fff"})[:12]
    if not chars:
        site.fail(request.node.name, [f"{page}: no Chinese character in the visible text"], page)
    result = on_page(site, page).evaluate(GLYPHS_JS, chars)
    bad = [g for g in result["glyphs"] if g["ink"] == 0 or g["like_tofu"] or g["like_another"]]
    if bad:
        site.fail(request.node.name, [f"{page}: Chinese characters drawn as boxes or not at all in "
                                      f"{result['font']}:", *map(str, bad)], page)


@pytest.mark.parametrize("page", [*PAGES, *ZH_PAGES])
def test_every_page_links_to_the_same_page_in_the_other_edition(site, page, request):
    links = on_page(site, page).evaluate(SWITCH_JS)
    other = page.removeprefix("zh/") if page.startswith("zh/") else f"zh/{page}"
    problems = []
    if len(links) != 1:
        problems.append(f"{len(links)} links to the other edition (.edition-switch a[hreflang]), not 1")
    for link in links:
        if site.page_name(link["href"]) != other:
            problems.append(f"the link goes to {link['href']}, not to {other}.html")
        elif not (site.html_dir / f"{other}.html").exists():
            problems.append(f"the link goes to {other}.html, which was not built")
        if link["hreflang"] != ("en" if page.startswith("zh/") else "zh-CN"):
            problems.append(f"hreflang={link['hreflang']!r}")
        if not link["visible"] or link["tabindex"] < 0 or not link["text"]:
            problems.append(f"the link is not visible or not reachable by keyboard: {link}")
    if problems:
        site.fail(request.node.name, [f"{page}:", *problems], page)


@pytest.mark.parametrize("start, target", [("book/ch01-vector-sets", "zh/book/ch01-vector-sets"),
                                           ("zh/book/notation", "book/notation")])
def test_the_keyboard_reaches_the_other_edition(site, start, target, request):
    tab = on_page(site, start)
    tab.evaluate("() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); }")
    for _ in range(60):
        tab.keyboard.press("Tab")
        if tab.evaluate("() => !!document.activeElement.closest('.edition-switch')"):
            break
    else:
        site.fail(request.node.name, [f"{start}: 60 presses of Tab never reached the edition link"], tab=tab)
    with tab.expect_navigation():
        tab.keyboard.press("Enter")
    if site.page_name(tab.url) != target:
        site.fail(request.node.name, [f"{start}: Enter on the edition link opened {tab.url}, not {target}"],
                  tab=tab)


def test_untranslated_chinese_pages_say_so(site, request):
    problems = []
    for page in PAGES:
        note = on_page(site, f"zh/{page}").locator(".edition-untranslated").count()
        if note != (page in UNTRANSLATED):
            problems.append(f"zh/{page}: {'a' if note else 'no'} 本页尚未翻译 note, "
                            f"and it is {'' if page in UNTRANSLATED else 'not '}in course_untranslated")
    if problems:
        site.fail(request.node.name, problems, tab=site.tab("desktop"))


def test_chinese_search_finds_chinese_words(site, request):
    tab = site.tab("desktop")
    tab.goto(f"{site.base_url}zh/search.html?q=注意力", wait_until="load")
    tab.wait_for_function(
        "() => { const s = document.querySelector('#search-results p.search-summary');"
        " return s && /\\d|没有|did not match|found/i.test(s.innerText); }")
    found = {site.page_name(href) for href in
             tab.eval_on_selector_all("#search-results ul.search li > a", "as => as.map(a => a.href)")}
    if "zh/book/intro" not in found:
        site.fail(request.node.name, [f"zh/search.html?q=注意力 did not list zh/book/intro; it listed {sorted(found)}"],
                  tab=tab)
