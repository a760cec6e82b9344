"""The built website, served on 127.0.0.1 and opened in headless Chromium.

One HTTP server, one browser and two browser contexts (desktop and phone) per test session.
Every page in _toc.yml is visited once per context and what the browser saw is kept in a
`Visit`, which the tests then judge; so a page costs two loads however many tests read it.
Every request to a host other than the local server is recorded and blocked.
"""

import functools
import http.server
import os
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.conftest import toc_files
from tests.conftest import ROOT

CHROMIUM = os.environ.get("COURSE_CHROMIUM", "/usr/bin/chromium")
#: Without the background-networking flags Chromium keeps calling hosts of its own.
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
DESKTOP = {"width": 1280, "height": 900}
#: A phone-sized window. Not Chromium's mobile emulation (is_mobile), which zooms out to fit
#: content that is too wide and so would hide exactly the sideways scrolling we look for.
PHONE = {"width": 375, "height": 740}
ARTIFACTS = ROOT / "test-artifacts" / "browser"
TIMEOUT_MS = 20_000

#: Waits until MathJax has typeset the page (at most 15 s; no MathJax, or a blocked one: no wait).
WAIT_FOR_MATH_JS = """
() => window.MathJax && MathJax.startup && MathJax.startup.promise &&
      Promise.race([MathJax.startup.promise, new Promise(done => setTimeout(done, 15000))])
"""

#: Collects, in the page, what the tests judge. Runs after the load event and WAIT_FOR_MATH_JS.
COLLECT_JS = """
async () => {
  // Images: load lazy ones too, and wait for every one to finish (or fail).
  const imgs = [...document.images];
  imgs.forEach(img => { if (img.loading === 'lazy') img.loading = 'eager'; });
  await Promise.all(imgs.map(img => img.complete ? null : new Promise(done => {
    img.addEventListener('load', done); img.addEventListener('error', done); setTimeout(done, 10000);
  })));
  const article = document.querySelector('article.bd-article') || document.querySelector('main') || document.body;
  // Text a reader sees outside code and typeset math, one string per text node.
  const skip = 'script, style, pre, code, textarea, template, mjx-container, .highlight';
  const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT, {acceptNode: node =>
    node.parentElement.closest(skip) ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT});
  const text = [];
  while (walker.nextNode()) { if (walker.currentNode.nodeValue.trim()) text.push(walker.currentNode.nodeValue); }
  const maths = [...article.querySelectorAll('.math')];
  return {
    images: imgs.map(img => ({src: img.getAttribute('src') || '', ok: img.complete && img.naturalWidth > 0})),
    math_elements: maths.length,
    untypeset: maths.filter(m => !m.querySelector('mjx-container')).map(m => m.textContent.trim().slice(0, 80)),
    typeset: article.querySelectorAll('mjx-container').length,
    text: text,
    links: [...document.querySelectorAll('a[href]')].map(a => a.href),
    cell_images: [...article.querySelectorAll('div.cell')].map(cell => cell.querySelectorAll('img').length),
  };
}
"""

#: Measures, in the page, whether it fits the viewport's width.
LAYOUT_JS = """
() => {
  const article = document.querySelector('article.bd-article') || document.querySelector('main') || document.body;
  const box = article.getBoundingClientRect();
  const name = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
    (e.classList.length ? '.' + [...e.classList].join('.') : '');
  // The outermost elements that reach past the right edge: where a horizontal scroll comes from.
  const wide = [...document.body.querySelectorAll('*')].filter(e =>
    e.getBoundingClientRect().right > innerWidth + 1 &&
    !(e.parentElement && e.parentElement.getBoundingClientRect().right > innerWidth + 1));
  return {
    scroll_width: document.scrollingElement.scrollWidth,
    inner_width: innerWidth,
    article: {left: box.left, right: box.right, width: box.width, height: box.height},
    article_text: article.innerText.trim().length,
    too_wide: wide.slice(0, 5).map(e => `${name(e)} (right edge at ${Math.round(e.getBoundingClientRect().right)}px)`),
  };
}
"""


@dataclass
class Visit:
    """What the browser saw on one page."""
    page: str
    url: str
    console_errors: list = field(default_factory=list)   # console errors and uncaught exceptions
    failed_requests: list = field(default_factory=list)  # local requests that failed or got >= 400
    foreign_requests: list = field(default_factory=list)  # requests to any other host (blocked)
    data: dict = field(default_factory=dict)              # what COLLECT_JS or LAYOUT_JS returned


class Site:
    """The served site and the browser that reads it."""

    def __init__(self, browser, base_url, pages, html_dir):
        self.base_url = base_url            # "http://127.0.0.1:PORT/"
        self.netloc = urlsplit(base_url).netloc
        self.pages = pages                  # _toc.yml order, e.g. "book/intro"
        self.html_dir = html_dir            # the built site, on disk
        self.contexts = {"desktop": self._new_context(browser, DESKTOP),
                         "phone": self._new_context(browser, PHONE),
                         # For walking links only: without scripts (MathJax typesetting every
                         # page) a click to the next page takes a fraction of the time.
                         "links": self._new_context(browser, DESKTOP, java_script_enabled=False)}
        self._tabs = {}
        self._visits = {}
        self._current = None                # the Visit that events are recorded into

    # ----------------------------------------------------------------- browsing
    def _is_local(self, url):
        parts = urlsplit(url)
        return parts.scheme in ("data", "blob", "about") or parts.netloc == self.netloc

    def _new_context(self, browser, viewport, **options):
        context = browser.new_context(viewport=viewport, service_workers="block", **options)
        context.set_default_timeout(TIMEOUT_MS)

        def route(route):
            if self._is_local(route.request.url):
                route.continue_()
            else:                       # recorded by the "request" listener
                route.abort("blockedbyclient")
        context.route("**/*", route)
        return context

    def tab(self, kind):
        """The one reused page of a context ("desktop", "phone", "links"), with listeners attached."""
        if kind not in self._tabs:
            tab = self.contexts[kind].new_page()
            tab.on("console", self._on_console)
            tab.on("pageerror", lambda error: self._record("console_errors", f"uncaught {error}"))
            tab.on("request", self._on_request)
            tab.on("websocket", self._on_request)      # has .url like a request
            tab.on("requestfailed", self._on_request_failed)
            tab.on("response", self._on_response)
            self._tabs[kind] = tab
        return self._tabs[kind]

    def _record(self, kind, message):
        if self._current is not None:
            getattr(self._current, kind).append(message)

    def _on_console(self, message):
        if message.type == "error":
            where = message.location.get("url") or ""
            self._record("console_errors", message.text + (f" [{where}]" if where else ""))

    def _on_request(self, request):
        if not self._is_local(request.url):
            self._record("foreign_requests", request.url)

    def _on_request_failed(self, request):
        if self._is_local(request.url):
            self._record("failed_requests", f"{request.url}: {request.failure}")

    def _on_response(self, response):
        if response.status >= 400:
            self._record("failed_requests", f"{response.url}: HTTP {response.status}")

    def url(self, page):
        return f"{self.base_url}{page}.html"

    def page_name(self, url):
        """'book/intro' for http://127.0.0.1:PORT/book/intro.html#x; None for other hosts."""
        parts = urlsplit(url)
        if parts.netloc != self.netloc:
            return None
        return re.sub(r"\.html$", "", parts.path.lstrip("/"))

    def visit(self, page, kind="desktop"):
        """Load a page once per context (cached) and return what the browser saw."""
        key = (page, kind)
        if key not in self._visits:
            tab = self.tab(kind)
            visit = Visit(page, self.url(page))
            self._current = visit
            try:
                tab.goto(visit.url, wait_until="load")
                tab.evaluate(WAIT_FOR_MATH_JS)
                if kind == "desktop":
                    visit.data = tab.evaluate(COLLECT_JS)
                    tab.wait_for_load_state("networkidle")   # late requests count too
                else:
                    visit.data = tab.evaluate(LAYOUT_JS)
            finally:
                self._current = None
            self._visits[key] = visit
        return self._visits[key]

    # ----------------------------------------------------------------- failing
    def fail(self, nodename, problems, page=None, kind="desktop", tab=None):
        """Fail the test with its problems and a full-page screenshot, saved under ARTIFACTS.

        The screenshot is of `tab` as it is, or else of `page` loaded afresh in `kind`'s context.
        """
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / (re.sub(r"[^A-Za-z0-9_.-]+", "_", nodename).strip("_") + ".png")
        try:
            if tab is None:
                tab = self.contexts[kind].new_page()
                try:
                    tab.goto(self.url(page), wait_until="load")
                    tab.evaluate(WAIT_FOR_MATH_JS)
                    tab.screenshot(path=str(path), full_page=True)
                finally:
                    tab.close()
            else:
                tab.screenshot(path=str(path), full_page=True)
            shot = f"screenshot: {path}"
        except Exception as error:      # the failure matters more than its picture
            shot = f"no screenshot ({error})"
        pytest.fail("\n".join([*problems, shot]), pytrace=False)


def _quiet_handler(directory):
    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass
    return functools.partial(Handler, directory=str(directory))


@pytest.fixture(scope="session")
def site_url(book_html):
    """The built site, served by http.server on a free port of 127.0.0.1."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _quiet_handler(book_html))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="package")
def playwright():
    """Playwright's sync API, started once for the browser tests; every browser they launch
    comes from it.

    One instance, not one per module: while it is open, the sync API keeps an asyncio loop
    running in this thread, and a second ``sync_playwright()`` would refuse to start inside it.
    Package scope, not session: the grading tests that run later call asyncio.run().
    """
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"no browser at {CHROMIUM}: run `bash scripts/setup.sh --test` "
                    "(or set COURSE_CHROMIUM)", pytrace=False)
    with sync_playwright() as started:
        yield started


@pytest.fixture(scope="package")
def site(playwright, site_url, book_html):
    """A `Site`: one headless Chromium for the tests of the website."""
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
    try:
        yield Site(browser, site_url, toc_files(), book_html)
    finally:
        browser.close()
