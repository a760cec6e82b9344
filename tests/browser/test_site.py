"""The site as a whole, in the browser: search, previous/next, notebook downloads."""

import re
from urllib.parse import urlsplit

import nbformat
import pytest

pytestmark = pytest.mark.slow

SOFTMAX = re.compile(r"\bsoftmax\b", re.I)


def test_search_finds_the_pages_that_use_softmax(site, request):
    using = [p for p in site.pages if any(SOFTMAX.search(t) for t in site.visit(p).data["text"])]
    if not using:
        pytest.skip("no page in _toc.yml mentions softmax yet")
    tab = site.tab("desktop")
    tab.goto(f"{site.base_url}search.html?q=softmax", wait_until="load")
    summary = tab.locator("#search-results p.search-summary")
    summary.wait_for()
    tab.wait_for_function(
        "() => /found|did not match/i.test(document.querySelector('#search-results p.search-summary').innerText)")
    found = {site.page_name(href) for href in
             tab.eval_on_selector_all("#search-results ul.search li > a", "as => as.map(a => a.href)")}
    missing = [p for p in using if p not in found]
    if missing:
        site.fail(request.node.name,
                  [f"search.html?q=softmax did not list {missing}, which use the word",
                   f"it said: {summary.inner_text()!r}; listed: {sorted(p for p in found if p)}"],
                  tab=tab)


@pytest.mark.parametrize("direction, link, order", [
    ("next", "a.right-next", 1),
    ("previous", "a.left-prev", -1),
])
def test_links_walk_the_book_in_toc_order(site, direction, link, order, request):
    expected = site.pages[::order]
    tab = site.tab("links")
    # The site's front door leads to the first page; the walk back starts at the last.
    tab.goto(site.base_url if order == 1 else site.url(expected[0]), wait_until="domcontentloaded")
    if order == 1:
        tab.wait_for_url(re.compile(re.escape(site.url(expected[0]))))
    walked = [site.page_name(tab.url)]
    while len(walked) <= len(expected) and tab.locator(link).count():
        with tab.expect_navigation(wait_until="domcontentloaded"):
            tab.locator(link).first.click()
        walked.append(site.page_name(tab.url))
    if walked != expected:
        site.fail(request.node.name,
                  [f"following the {direction} links walked {walked}", f"_toc.yml order is {expected}"],
                  tab=tab)


def test_every_notebook_download_is_a_valid_notebook(site):
    links = {}                                   # url -> pages that link it
    for page in site.pages:
        for href in site.visit(page).data["links"]:
            if urlsplit(href).path.endswith(".ipynb"):
                links.setdefault(href.split("#")[0], []).append(page)
    assert links, "no page in _toc.yml links a .ipynb (the download button of notebook pages does)"
    problems = []
    for url, pages in sorted(links.items()):
        where = f"{url} (linked from {', '.join(pages)})"
        if site.page_name(url) is None:
            problems.append(f"{where}: on another host")
            continue
        response = site.contexts["desktop"].request.get(url)
        if not response.ok:
            problems.append(f"{where}: HTTP {response.status}")
            continue
        try:
            nbformat.validate(nbformat.reads(response.text(), as_version=4))
        except Exception as error:
            problems.append(f"{where}: not a valid notebook: {str(error).splitlines()[0]}")
    assert not problems, "\n".join(problems)
