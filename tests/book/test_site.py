"""The built website: figures on every chapter page, math that MathJax will typeset, and
nothing loaded from another host.

Each check is a plain function on HTML or CSS text, unit-tested on small bad and good
strings first (so each can be seen to fail), then applied to every built page.
"""

import re
from html.parser import HTMLParser

import pytest

from tests.conftest import ROOT

# --------------------------------------------------------------------------- the checkers

#: Elements the browser never renders as text, or whose text MathJax never reads.
NO_TEXT = {"script", "style", "pre", "code", "textarea", "template"}
#: Elements without an end tag.
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
        "track", "wbr"}
#: <link rel=...> values that make the browser fetch the href.
LOADING_RELS = {"stylesheet", "preload", "modulepreload", "prefetch", "preconnect", "dns-prefetch", "icon",
                "shortcut", "apple-touch-icon", "manifest", "mask-icon"}
#: Attributes that load a resource, per element.
LOADING_ATTRS = {
    "script": ("src",), "img": ("src", "srcset"), "iframe": ("src",), "frame": ("src",),
    "source": ("src", "srcset"), "video": ("src", "poster"), "audio": ("src",), "track": ("src",),
    "embed": ("src",), "object": ("data",), "input": ("src",),
}
#: Hosts that serve web assets; no page may even mention them.
CDN_HOSTS = ("cdn.jsdelivr.net", "unpkg.com", "cdnjs.cloudflare.com", "fonts.googleapis.com",
             "fonts.gstatic.com", "ajax.googleapis.com", "code.jquery.com", "use.fontawesome.com",
             "stackpath.bootstrapcdn.com", "maxcdn.bootstrapcdn.com", "cdn.plot.ly", "polyfill.io")
#: What a TeX formula looks like when MyST did not turn it into a math element.
RAW_TEX = re.compile(r"\$\$|\$[^$\s][^$]*\$|\\[()\[\]]|\\begin\{|\\end\{|\\[A-Za-z]{2,}")
REMOTE = re.compile(r"^\s*(?:https?:)?//", re.I)
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)|@import\s+['"]([^'"]+)['"]""", re.I)


def remote_css_urls(css):
    """The url(...) and @import targets of a stylesheet that point at another host."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    return [(a or b).strip() for a, b in CSS_URL.findall(css) if REMOTE.match(a or b)]


class PageScan(HTMLParser):
    """One pass over a page: figures in cell outputs, remote loads, and text outside math."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.stack = []          # (tag, hides_text, is_math, is_output) of open elements
        self.figures = 0         # <img> inside a code cell's output
        self.remote_loads = []   # (tag, attribute, url)
        self.text = []           # text a reader sees that MathJax will not typeset
        self.feed(html)
        self.close()

    def _inside(self, index):
        return any(entry[index] for entry in self.stack)

    def handle_starttag(self, tag, attrs):
        attrs = {k: (v or "") for k, v in attrs}
        classes = attrs.get("class", "").split()
        for attr in LOADING_ATTRS.get(tag, ()):
            for url in re.split(r",\s*", attrs.get(attr, "")) if attr == "srcset" else [attrs.get(attr, "")]:
                if REMOTE.match(url):
                    self.remote_loads.append((tag, attr, url.strip()))
        if tag == "link" and LOADING_RELS & set(attrs.get("rel", "").lower().split()):
            if REMOTE.match(attrs.get("href", "")):
                self.remote_loads.append((tag, "href", attrs["href"]))
        for url in remote_css_urls(attrs.get("style", "")):
            self.remote_loads.append((tag, "style", url))
        if tag == "img" and self._inside(3):
            self.figures += 1
        if tag not in VOID:
            self.stack.append((tag, tag in NO_TEXT, "math" in classes, "cell_output" in classes))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, -1, -1):
            if self.stack[depth][0] == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        if self.stack and self.stack[-1][0] == "style":
            for url in remote_css_urls(data):
                self.remote_loads.append(("style", "url", url))
        if not self._inside(1) and not self._inside(2):
            self.text.append(data)


def raw_tex(html):
    """Pieces of TeX a reader would see verbatim on the page (outside math elements)."""
    return RAW_TEX.findall(" ".join(PageScan(html).text))


def cdn_mentions(text):
    return [host for host in CDN_HOSTS if host in text]


# --------------------------------------------------------------------------- the checkers can fail

GOOD_PAGE = """<html><head>
<link rel="stylesheet" href="../_static/styles/theme.css"/><link rel="next" href="https://example.org/x.html"/>
<script src="../_static/mathjax/tex-chtml.js"></script><style>body{background:url(../_static/a.png)}</style>
</head><body><section class="tex2jax_ignore mathjax_ignore">
<p>The weight <span class="math notranslate nohighlight">\\(\\alpha'_{1,2}\\)</span> costs nothing.</p>
<div class="math notranslate nohighlight">\\[A = K^T Q\\]</div>
<pre>plt.title("$b^1$")</pre><a href="https://example.org">a link is not a load</a>
<div class="cell"><div class="cell_output docutils container"><img src="../_images/a.png"/></div></div>
<div class="cell"><div class="cell_output"><p><img src="../_images/b.png"></p></div></div>
<img src="../_static/logo.png"/>
</section></body></html>"""


def test_checkers_accept_a_good_page():
    scan = PageScan(GOOD_PAGE)
    assert scan.figures == 2
    assert scan.remote_loads == []
    assert raw_tex(GOOD_PAGE) == []
    assert cdn_mentions(GOOD_PAGE) == []


@pytest.mark.parametrize("snippet, load", [
    ('<script src="https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-chtml.js"></script>', "script"),
    ('<link rel="stylesheet" href="//fonts.googleapis.com/css?family=Lato">', "link"),
    ('<link rel="preload" as="font" href="http://example.org/f.woff2">', "link"),
    ('<img src="https://example.org/cat.png">', "img"),
    ('<img srcset="a.png 1x, https://example.org/b.png 2x">', "img"),
    ('<iframe src="https://example.org/embed"></iframe>', "iframe"),
    ('<div style="background: url(\'https://example.org/bg.png\')"></div>', "div"),
    ("<style>@import 'https://example.org/x.css';</style>", "style"),
])
def test_remote_loads_are_found(snippet, load):
    assert [tag for tag, _, _ in PageScan(f"<html><body>{snippet}</body></html>").remote_loads] == [load]


@pytest.mark.parametrize("body", [
    "<p>The weight $\\alpha_{1,2}$ is large.</p>",          # inline math MyST did not parse
    "<p>$$A = K^T Q$$</p>",                                  # display math left as text
    "<p>so \\(b^1\\) is</p>",                                # delimiters outside a math element
    "<p>\\begin{bmatrix} 1 \\end{bmatrix}</p>",
    "<p>the score \\alpha</p>",
    # a math element's *ancestor* carries the class mathjax_ignore, which contains "math":
    '<section class="tex2jax_ignore mathjax_ignore"><p>$x^2$</p></section>',
])
def test_raw_tex_is_found(body):
    assert raw_tex(f"<html><body>{body}</body></html>"), body


def test_figures_count_only_images_in_cell_outputs():
    assert PageScan('<div class="cell_output"><img src="a.png"></div><img src="b.png">').figures == 1
    assert PageScan("<p><img src='a.png'></p>").figures == 0


def test_remote_css_urls():
    css = ("/* see https://example.org/licence url(https://example.org/comment.png) */"
           "@font-face{src:url(../webfonts/fa.woff2) format('woff2'),url(\"https://example.org/f.ttf\")}"
           "a{background:url( //example.org/x.png )}")
    assert remote_css_urls(css) == ["https://example.org/f.ttf", "//example.org/x.png"]


def test_cdn_mentions():
    assert cdn_mentions('<script>const URL = "https://unpkg.com/thebe@0.8.2/lib/index.js"</script>') == ["unpkg.com"]
    assert cdn_mentions("<p>nothing</p>") == []


# --------------------------------------------------------------------------- the built site

def toc_pages():
    return re.findall(r"(?:root|file):\s*(\S+)", (ROOT / "_toc.yml").read_text())


CHAPTERS = [page for page in toc_pages() if re.fullmatch(r"book/ch0\d-[\w-]+", page)]


def read(path):
    return path.read_text(encoding="utf-8")


def test_the_toc_has_chapters():
    assert len(CHAPTERS) >= 7, CHAPTERS


@pytest.mark.slow
@pytest.mark.parametrize("page", CHAPTERS)
def test_chapter_has_three_figures_drawn_at_build_time(book_html, page):
    figures = PageScan(read(book_html / f"{page}.html")).figures
    assert figures >= 3, (
        f"{page} shows {figures} figure(s) from executed cells, at least 3 are needed "
        "(is the figure cell's plt.show() producing output? MPLBACKEND=Agg needs %matplotlib inline)"
    )


@pytest.mark.slow
@pytest.mark.parametrize("page", toc_pages())
def test_no_raw_tex_survives(book_html, page):
    leftovers = raw_tex(read(book_html / f"{page}.html"))
    assert not leftovers, f"{page}: TeX outside any math element (MyST did not parse it): {leftovers[:5]}"


@pytest.mark.slow
def test_no_page_loads_anything_from_another_host(book_html):
    pages = sorted(book_html.rglob("*.html"))
    assert len(pages) >= len(toc_pages())
    problems = []
    for path in pages:
        html = read(path)
        name = path.relative_to(book_html)
        problems += [f"{name}: <{tag} {attr}={url}>" for tag, attr, url in PageScan(html).remote_loads]
        problems += [f"{name}: mentions {host}" for host in cdn_mentions(html)]
    assert not problems, "\n".join(problems[:20])


@pytest.mark.slow
def test_no_stylesheet_loads_anything_from_another_host(book_html):
    sheets = sorted((book_html / "_static").rglob("*.css"))
    assert sheets
    problems = [f"{css.relative_to(book_html)}: url({url})" for css in sheets for url in remote_css_urls(read(css))]
    assert not problems, "\n".join(problems[:20])


@pytest.mark.slow
def test_math_is_typeset_by_the_local_mathjax(book_html):
    with_math = []
    for page in toc_pages():
        html = read(book_html / f"{page}.html")
        if re.search(r'class="math[ "]', html):
            with_math.append(page)
            assert re.search(r'<script[^>]+src="(\.\./)*_static/mathjax/tex-chtml\.js(\?[^"]*)?"', html), (
                f"{page} has math but does not load MathJax from _static/")
    assert with_math, "no page of the book has any math"
    assert list((book_html / "_static" / "mathjax" / "output" / "chtml" / "fonts" / "woff-v2").glob("*.woff"))


@pytest.mark.slow
@pytest.mark.parametrize("page", CHAPTERS)
def test_chapter_has_search_prev_next_and_downloads(book_html, page):
    html = read(book_html / f"{page}.html")
    assert 'rel="prev"' in html and 'rel="next"' in html, f"{page}: no previous/next links"
    assert "search-button" in html and (book_html / "search.html").exists(), f"{page}: no search"
    for suffix in (".ipynb", ".md"):
        assert f'href="../_sources/{page}{suffix}"' in html, f"{page}: no {suffix} download button"
        assert (book_html / "_sources" / f"{page}{suffix}").exists(), f"{page}{suffix} is not in _sources/"


def test_execution_is_cached_and_a_cell_error_fails_the_build():
    config = read(ROOT / "_config.yml")
    assert re.search(r"^\s+execute_notebooks:\s*cache\s*$", config, re.M)
    assert re.search(r"^\s+allow_errors:\s*false\s*$", config, re.M)
    assert re.search(r"^\s+nb_execution_raise_on_error:\s*true\s*$", config, re.M)


# The sections of issue 20 and a line their asserting cells print (a cell that failed would
# have failed the build; these show that the cells ran and what they found).
NEW_SECTION_OUTPUTS = {
    "book/ch02-dot-product": ("ch02-soft-lookup", "convex hull"),
    "book/ch03-matrix-form": ("ch03-online", "o / s ="),
    "book/ch05-positional-encoding": ("ch05-why-sinusoids", "RoPE: scores depend only on j - i: True"),
    "book/ch07-vs-rnn": ("ch07-work", "a second of speech: N =     98, fewer multiplications: self-attention"),
}


@pytest.mark.slow
@pytest.mark.parametrize("page", NEW_SECTION_OUTPUTS)
def test_the_new_sections_are_built_with_their_checked_outputs(book_html, page):
    label, shown = NEW_SECTION_OUTPUTS[page]
    html = read(book_html / f"{page}.html")
    assert f'id="{label}"' in html, f"{page}: no section {label} in the built page"
    assert shown in html, f"{page}: the built page does not show {shown!r}"
