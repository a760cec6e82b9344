"""The interactive figures (book/figures_live.py, book/_static/live-figures.js) in Chromium.

Each test opens its page afresh, works the figure with the pointer or the keyboard, and
compares what is drawn (bar heights, points of lines, printed numbers) with the JSON the
build wrote into the page. Console errors and requests to other hosts are recorded on every
page opened here. Without scripts, the static figure must show and the interactive one not.
The script's own words follow the page's language: Chinese in the Chinese edition (zh/),
English in the English one.
"""

import json
import re
from contextlib import contextmanager
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import DESKTOP, PHONE, TIMEOUT_MS
from tests.book.test_live_figure_words import KEPT_IN_CHINESE, SCRIPT, WORD, script_words

pytestmark = pytest.mark.slow

#: The pages with a live figure, and the kind of each.
LIVE = {"book/ch02-dot-product": "attention", "book/ch03-matrix-form": "saturation",
        "book/ch05-positional-encoding": "offsets", "book/ch08-capstone": "attention"}
BAR_PX = 64                    # live-figures.js: the height of a weight of 1
PIXEL = 0.6                    # layout rounding, in CSS pixels
TEXT_CONTRAST = 4.5            # WCAG 2 AA, normal text
GRAPHICS_CONTRAST = 3.0        # WCAG 2 AA, non-text (bars, lines)


class Reader:
    """One page open in a tab, with what went wrong on it recorded."""

    def __init__(self, site, tab, page):
        self.site, self.tab, self.page = site, tab, page
        self.errors, self.foreign = [], []
        tab.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        tab.on("pageerror", lambda e: self.errors.append(f"uncaught {e}"))
        tab.on("request", lambda r: self._foreign(r.url) and self.foreign.append(r.url))

    def _foreign(self, url):
        parts = urlsplit(url)
        return parts.scheme not in ("data", "blob", "about") and parts.netloc != self.site.netloc

    @property
    def figure(self):
        return self.tab.locator(".live-figure")

    def data(self):
        return json.loads(self.figure.locator("script.live-data").text_content())

    def fail(self, request, problems):
        self.site.fail(request.node.name, [f"{self.page}:", *problems], tab=self.tab)

    def check_clean(self, request):
        problems = [f"console error: {e}" for e in self.errors]
        problems += [f"asked another host: {url}" for url in self.foreign]
        if problems:
            self.fail(request, problems)


@contextmanager
def opened(site, page, kind="desktop", scripts=True):
    """A Reader on a fresh tab of `kind`'s context; with scripts, once the figure is drawn."""
    context = site.contexts[kind] if scripts else site.contexts["links"]
    tab = context.new_page()
    reader = Reader(site, tab, page)
    try:
        tab.goto(site.url(page), wait_until="load")
        if scripts:
            tab.wait_for_selector(".live-figure:not([hidden])", timeout=TIMEOUT_MS)
        yield reader
    finally:
        tab.close()


@pytest.fixture(scope="module")
def phone_without_scripts(site):
    """A phone-sized context with JavaScript off (the site's own JS-off context is desktop-sized)."""
    context = site.contexts["desktop"].browser.new_context(viewport=PHONE, java_script_enabled=False,
                                                           service_workers="block")
    context.route("**/*", lambda route: route.continue_() if urlsplit(route.request.url).netloc == site.netloc
                  else route.abort("blockedbyclient"))
    site.contexts["phone-no-js"] = context
    yield "phone-no-js"
    del site.contexts["phone-no-js"]
    context.close()


def near(a, b, tolerance):
    return abs(float(a) - float(b)) <= tolerance


# --------------------------------------------------------------------------- on every live page

@pytest.mark.parametrize("kind", ["desktop", "phone"])
@pytest.mark.parametrize("page", LIVE)
def test_the_live_figure_replaces_the_static_one(site, page, kind, request):
    with opened(site, page, kind) as reader:
        tab = reader.tab
        problems = []
        if reader.figure.count() != 1 or reader.figure.get_attribute("data-live") != LIVE[page]:
            problems.append(f"expected one live figure of kind {LIVE[page]!r}")
        static = tab.locator(".cell:has(.live-figure) .cell_output img")
        if static.count() == 0:
            problems.append("the live figure's cell has no static image to fall back to")
        if not reader.figure.is_visible():
            problems.append("the live figure is not shown")
        problems += [f"the static image {n} is still shown beside the live figure"
                     for n in range(static.count()) if static.nth(n).is_visible()]
        box = reader.figure.bounding_box()
        width = tab.evaluate("innerWidth")
        if box and box["x"] + box["width"] > width + 1:
            problems.append(f"the figure reaches {box['x'] + box['width']:.0f}px in a {width}px window")
        if tab.evaluate("document.scrollingElement.scrollWidth") > width:
            problems.append("the page scrolls sideways")
        if problems:
            reader.fail(request, problems)
        reader.check_clean(request)


@pytest.mark.parametrize("kind", ["links", "phone-no-js"])
@pytest.mark.parametrize("page", LIVE)
def test_without_scripts_the_static_figure_shows(site, phone_without_scripts, page, kind, request):
    context = site.contexts[kind]
    tab = context.new_page()
    try:
        tab.goto(site.url(page), wait_until="load")
        assert not tab.evaluate("typeof window.MathJax === 'object' && !!MathJax.version"), "scripts ran"
        static = tab.locator(".cell:has(.live-figure) .cell_output img")
        problems = []
        if tab.locator(".live-figure").count() != 1 or tab.locator(".live-figure").is_visible():
            problems.append("the live figure's container is shown without scripts")
        if static.count() == 0 or not all(static.nth(n).is_visible() for n in range(static.count())):
            problems.append("the static figure is not shown without scripts")
        elif not all(static.nth(n).evaluate("img => img.complete && img.naturalWidth > 0")
                     for n in range(static.count())):
            problems.append("the static figure did not load")
        if problems:
            site.fail(request.node.name, [f"{page} without scripts ({kind}):", *problems], tab=tab)
    finally:
        tab.close()


@pytest.mark.parametrize("page", LIVE)
def test_the_keyboard_reaches_every_control_and_each_has_a_label(site, page, request):
    with opened(site, page) as reader:
        tab = reader.tab
        controls = reader.figure.locator("select:visible, input:visible, button:visible")
        # Each control's tag and text, and a number that stays when its state changes.
        names = controls.evaluate_all("cs => cs.map((e, n) => { e.dataset.control = n;"
                                      " return `<${e.tagName.toLowerCase()}> ${e.textContent.trim().slice(0, 30)}`; })")
        unlabelled = [names[n] for n in range(controls.count()) if not controls.nth(n).evaluate(
            "e => e.tagName === 'BUTTON' ? !!e.textContent.trim()"
            " : !!(e.labels && e.labels.length && e.labels[0].textContent.trim())")]
        controls.first.focus()
        reached = []
        for _ in range(len(names) + 1):          # Tab walks through the figure, then leaves it
            inside = tab.evaluate("() => { const a = document.activeElement;"
                                  " return a.closest('.live-figure') ? Number(a.dataset.control) : null; }")
            if inside is None:
                break
            reached.append(inside)
            tab.keyboard.press("Tab")
        problems = [f"no label: {name}" for name in unlabelled]
        problems += [f"Tab never reaches {name}" for n, name in enumerate(names) if n not in reached]
        if not names:
            problems.append("the figure has no controls")
        if problems:
            reader.fail(request, problems)
        reader.check_clean(request)


CONTRAST_JS = """
figure => {
  const parse = c => {
    const m = /rgba?\\(([^)]*)\\)/.exec(c || '');
    if (!m) return null;
    const p = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
    return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1};
  };
  const over = (top, under) => ({r: top.r * top.a + under.r * (1 - top.a), g: top.g * top.a + under.g * (1 - top.a),
                                 b: top.b * top.a + under.b * (1 - top.a), a: 1});
  const backdrop = element => {
    const layers = [];
    for (let e = element; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c.a > 0) { layers.push(c); if (c.a >= 1) break; }
    }
    return layers.reverse().reduce((under, top) => over(top, under), {r: 255, g: 255, b: 255, a: 1});
  };
  const luminance = c => {
    const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
  };
  const ratio = (a, b) => {
    const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05);
  };
  const out = [];
  // Text is judged against its own element's background; a mark (bar, line) against what is behind it.
  const judge = (element, kind, colour) => {
    const back = backdrop(element instanceof SVGElement ? element.ownerSVGElement
                          : kind === 'text' ? element : element.parentElement);
    const fore = parse(colour);
    const what = element.textContent.trim() || String(element.className.baseVal ?? element.className);
    if (fore && fore.a > 0) out.push({kind, what: what.slice(0, 40), ratio: ratio(over(fore, back), back)});
  };
  for (const e of figure.querySelectorAll('*')) {
    if (!e.getClientRects().length || e.closest('script')) continue;
    const style = getComputedStyle(e);
    const text = e.matches('select') || [...e.childNodes].some(n => n.nodeType === 3 && n.nodeValue.trim());
    if (text) judge(e, 'text', e instanceof SVGElement ? style.fill : style.color);
    if (e.matches('.live-bar')) judge(e, 'graphics', style.backgroundColor);
    if (e.matches('rect.live-plain, rect.live-scaled')) judge(e, 'graphics', style.fill);
    if (e.matches('polyline.live-line')) judge(e, 'graphics', style.stroke);
  }
  return out;
}
"""


@pytest.mark.parametrize("mode", ["light", "dark"])
@pytest.mark.parametrize("page", LIVE)
def test_text_and_marks_have_enough_contrast(site, page, mode, request):
    with opened(site, page) as reader:
        reader.tab.evaluate(f"() => {{ document.documentElement.dataset.theme = '{mode}';"
                            f" document.documentElement.dataset.mode = '{mode}'; }}")
        if reader.figure.locator("input[type=checkbox]").count():
            reader.figure.locator("input[type=checkbox]").check()       # the numbers are text too
        judged = reader.figure.evaluate(CONTRAST_JS)
        low = [f"{j['kind']} {j['what']!r}: {j['ratio']:.2f}:1" for j in judged
               if j["ratio"] < (TEXT_CONTRAST if j["kind"] == "text" else GRAPHICS_CONTRAST)]
        if not any(j["kind"] == "text" for j in judged) or not any(j["kind"] == "graphics" for j in judged):
            low.append(f"nothing judged: {judged[:3]}")
        if low:
            reader.fail(request, [f"too little contrast in {mode} mode:", *low])


# --------------------------------------------------------------------------- who attends to whom

def drawn_bars(reader):
    """[(weight in data-weight, bar height in px, number printed)] of the words, left to right."""
    return reader.figure.locator(".live-word").evaluate_all(
        "words => words.map(w => [w.querySelector('.live-bar').dataset.weight,"
        " w.querySelector('.live-bar').getBoundingClientRect().height, w.querySelector('.live-number').textContent])")


def bars_problems(reader, data, sentence, model, head, query, numbers=False):
    """What differs between the drawn bars and column `query` of the JSON map."""
    A = data["models"][model]["maps"][sentence][head]              # A[j][i]
    expected = [row[query] for row in A]
    drawn = drawn_bars(reader)
    where = f"sentence {sentence}, model {model}, head {head}, query {query}"
    if len(drawn) != len(expected):
        return [f"{where}: {len(drawn)} bars for {len(expected)} words"]
    problems = []
    for j, ((weight, height, printed), w) in enumerate(zip(drawn, expected)):
        if not weight or not near(weight, w, 1e-12):
            problems.append(f"{where}, key {j}: data-weight {weight!r}, the JSON has {w}")
        if not near(height, w * BAR_PX, PIXEL):
            problems.append(f"{where}, key {j}: bar {height:.2f}px high for weight {w}")
        if numbers and not (printed and near(printed, w, 0.005 + 1e-9)):
            problems.append(f"{where}, key {j}: prints {printed!r} for weight {w}")
        if not numbers and printed:
            problems.append(f"{where}, key {j}: prints {printed!r} though numbers are off")
    pressed = reader.figure.locator(".live-word-button[aria-pressed=true]")
    if pressed.count() != 1 or pressed.text_content() != data["sentences"][sentence][query]:
        problems.append(f"{where}: the pressed word is not the query")
    readout = reader.figure.locator(".live-readout").text_content()
    if f"(position {query + 1})" not in readout:
        problems.append(f"{where}: the readout {readout!r} names another query")
    return problems


@pytest.mark.parametrize("page", [p for p, kind in LIVE.items() if kind == "attention"])
def test_pointing_at_a_word_draws_where_its_query_attends(site, page, request):
    with opened(site, page) as reader:
        data = reader.data()
        model = data["model"]
        problems = bars_problems(reader, data, 0, model, 0, data["query"])
        words = reader.figure.locator(".live-word")
        for query in reversed(range(words.count())):
            words.nth(query).hover()
            problems += bars_problems(reader, data, 0, model, 0, query)
        if problems:
            reader.fail(request, problems)
        reader.check_clean(request)


@pytest.mark.parametrize("page", [p for p, kind in LIVE.items() if kind == "attention"])
def test_tabbing_to_a_word_draws_where_its_query_attends_and_shows_numbers_on_demand(site, page, request):
    with opened(site, page) as reader:
        tab = reader.tab
        data = reader.data()
        model = data["model"]
        checkbox = reader.figure.locator("input[type=checkbox]")
        checkbox.focus()
        tab.keyboard.press("Space")                                  # numbers on
        problems = [] if checkbox.is_checked() else ["Space did not tick 'show the weights as numbers'"]
        for query in range(len(data["sentences"][0])):
            tab.keyboard.press("Tab")                                # the next word
            problems += bars_problems(reader, data, 0, model, 0, query, numbers=True)
        tab.keyboard.press("Shift+Tab")
        problems += bars_problems(reader, data, 0, model, 0, len(data["sentences"][0]) - 2, numbers=True)
        if problems:
            reader.fail(request, problems)
        reader.check_clean(request)


def test_chapter_8s_menus_switch_sentence_model_and_head(site, request):
    page = "book/ch08-capstone"
    with opened(site, page) as reader:
        data = reader.data()
        figure = reader.figure
        problems = []
        heads = figure.get_by_label("Head", exact=True)
        for model, entry in enumerate(data["models"]):
            figure.get_by_label("Model", exact=True).select_option(index=model)
            for sentence in (0, 3, len(data["sentences"]) - 1):
                figure.get_by_label("Sentence", exact=True).select_option(index=sentence)
                tokens = data["sentences"][sentence]
                shown = figure.locator(".live-word-button").all_text_contents()
                if shown != tokens:
                    problems.append(f"sentence {sentence}: shows {shown}, the JSON has {tokens}")
                    continue
                query = min(data["query"], len(tokens) - 1)
                tags = figure.locator(".live-tag").all_text_contents()
                for j, (tag, given, right) in enumerate(zip(tags, entry["tags"][sentence], data["tags"][sentence])):
                    if tag != f"{given} {'✓' if given == right else '✗'}":
                        problems.append(f"model {model}, sentence {sentence}, word {j}: tag {tag!r}, "
                                        f"the JSON has {given} (right: {right})")
                if entry["maps"] is None:
                    heights = [h for _, h, _ in drawn_bars(reader)]
                    if any(h > 0 for h in heights) or heads.is_visible():
                        problems.append(f"{entry['name']} has no attention but draws bars or a head menu")
                    if "no attention" not in figure.locator(".live-readout").text_content():
                        problems.append(f"{entry['name']}: the readout does not say it has no attention")
                    continue
                n_heads = len(entry["maps"][sentence])
                if heads.is_visible() != (n_heads > 1):
                    problems.append(f"{entry['name']}: the head menu is {'' if heads.is_visible() else 'not '}"
                                    f"shown for {n_heads} head(s)")
                for head in range(n_heads):
                    if n_heads > 1:
                        heads.select_option(index=head)
                    problems += bars_problems(reader, data, sentence, model, head, query)
                if n_heads > 1:
                    heads.select_option(index=0)
        if not any(len(entry["maps"][0]) > 1 for entry in data["models"] if entry["maps"]):
            problems.append("no model with several heads")
        if problems:
            reader.fail(request, problems)
        reader.check_clean(request)


def test_chapter_8s_words_answer_a_tap_on_a_phone(site, request):
    with opened(site, "book/ch08-capstone", "phone") as reader:
        data = reader.data()
        model = next(m for m, entry in reversed(list(enumerate(data["models"]))) if entry["maps"])
        reader.figure.get_by_label("Model", exact=True).select_option(index=model)
        reader.figure.locator(".live-word-button").nth(3).click()
        problems = bars_problems(reader, data, 0, model, 0, 3)
        if problems:
            reader.fail(request, problems)
        reader.check_clean(request)


# --------------------------------------------------------------------------- sliders

def set_slider(slider, index):
    """Set a range input's value the way a script or assistive technology can: value + input event."""
    slider.evaluate("(e, v) => { e.value = String(v); e.dispatchEvent(new Event('input', {bubbles: true})); }", index)


def line_values(reader, selector):
    """The values a polyline draws, read back from its points and its chart's y scale."""
    return reader.figure.locator(selector).evaluate("""line => {
      const svg = line.ownerSVGElement, d = svg.dataset;
      const value = y => Number(d.yMin) + (Number(d.bottom) - y) / (Number(d.bottom) - Number(d.top)) *
                         (Number(d.yMax) - Number(d.yMin));
      return line.getAttribute('points').trim().split(/\\s+/).map(p => value(Number(p.split(',')[1])));
    }""")


def curve_problems(reader, where, kind, curve, at=None):
    """What differs between the line of class live-`kind` and `curve`, and (if `at` is given)
    between its marker (the circle of that class) and curve[at]."""
    drawn = line_values(reader, f"polyline.live-{kind}")
    problems = []
    if len(drawn) != len(curve) or not all(near(x, y, 1e-9) for x, y in zip(drawn, curve)):
        problems.append(f"{where}: the {kind} line draws {len(drawn)} points {drawn[:3]}..., the JSON has "
                        f"{len(curve)} {curve[:3]}...")
    if at is not None:
        marker = reader.figure.locator(f"circle.live-{kind}").get_attribute("data-value")
        if not (marker and near(marker, curve[at], 1e-12)):
            problems.append(f"{where}: the {kind} marker is at {marker}, the JSON has {curve[at]}")
    return problems


def saturation_problems(reader, data, a, b):
    """What differs between the drawn saturation figure and the grid's point (d_ks[a], spreads[b])."""
    where = f"d_k = {data['d_ks'][a]}, spread {data['spreads'][b]}"
    problems = []
    for kind in ("plain", "scaled"):
        bars = reader.figure.locator(f"rect.live-{kind}").evaluate_all("""rects => rects.map(r => {
          const d = r.ownerSVGElement.dataset;
          return [r.dataset.value, Number(r.getAttribute('height')) / (Number(d.bottom) - Number(d.top)) *
                                   (Number(d.yMax) - Number(d.yMin))];
        })""")
        expected = data["column"][kind][a][b]
        if len(bars) != len(expected):
            problems.append(f"{where}: {len(bars)} {kind} bars for N = {len(expected)}")
        for j, ((value, height), w) in enumerate(zip(bars, expected)):
            if not (value and near(value, w, 1e-12) and near(height, w, 1e-9)):
                problems.append(f"{where}: {kind} bar {j} shows {value}, {height:.4f} high, the JSON has {w}")
        problems += curve_problems(reader, where, kind, [row[b] for row in data["largest"][kind]], a)
    return problems


def test_chapter_3s_sliders_move_by_keyboard_and_by_value(site, request):
    with opened(site, "book/ch03-matrix-form") as reader:
        tab = reader.tab
        data = reader.data()
        d_k, spread = (reader.figure.locator("input[type=range]").nth(n) for n in (0, 1))
        a, b = len(data["d_ks"]) - 1, data["spreads"].index(1.0)
        problems = saturation_problems(reader, data, a, b)
        d_k.focus()
        for key, a in [("ArrowLeft", a - 1), ("ArrowLeft", a - 2), ("Home", 0), ("ArrowRight", 1)]:
            tab.keyboard.press(key)
            problems += saturation_problems(reader, data, a, b)
        if d_k.get_attribute("aria-valuetext") != str(data["d_ks"][a]):
            problems.append(f"the d_k slider says {d_k.get_attribute('aria-valuetext')!r}")
        spread.focus()
        for key, b in [("ArrowRight", b + 1), ("End", len(data["spreads"]) - 1)]:
            tab.keyboard.press(key)
            problems += saturation_problems(reader, data, a, b)
        for a, b in [(5, 2), (len(data["d_ks"]) - 1, 0)]:
            set_slider(d_k, a)
            set_slider(spread, b)
            problems += saturation_problems(reader, data, a, b)
        readout = reader.figure.locator(".live-readout").text_content()
        if f"= {data['d_ks'][a]}," not in readout:
            problems.append(f"the readout {readout!r} names another d_k")
        if problems:
            reader.fail(request, problems)
        reader.check_clean(request)


def offsets_problems(reader, data, index):
    where = f"delta = {data['deltas'][index]}"
    expected = data["products"][index]
    problems = curve_problems(reader, where, "scaled", expected)                       # across the positions
    problems += curve_problems(reader, where, "plain", [row[0] for row in data["products"]], index)   # against delta
    readout = reader.figure.locator(".live-readout").text_content()
    said = re.search(rf"Δ = {data['deltas'][index]}:.* between (-?\d+\.\d+) and (-?\d+\.\d+)", readout)
    printed = 0.005 + 1e-9                       # two decimals printed
    if not (said and near(said.group(1), min(expected), printed) and near(said.group(2), max(expected), printed)):
        problems.append(f"{where}: the readout says {readout!r}")
    return problems


def test_chapter_5s_offset_slider_moves_by_keyboard_and_by_value(site, request):
    with opened(site, "book/ch05-positional-encoding") as reader:
        tab = reader.tab
        data = reader.data()
        slider = reader.figure.locator("input[type=range]")
        index = 1
        problems = offsets_problems(reader, data, index)
        slider.focus()
        for key, index in [("ArrowRight", 2), ("ArrowRight", 3), ("ArrowLeft", 2), ("End", len(data["deltas"]) - 1),
                           ("Home", 0)]:
            tab.keyboard.press(key)
            problems += offsets_problems(reader, data, index)
        for index in (17, 40, 5):
            set_slider(slider, index)
            problems += offsets_problems(reader, data, index)
        if slider.get_attribute("aria-valuetext") != str(data["deltas"][index]):
            problems.append(f"the slider says {slider.get_attribute('aria-valuetext')!r}")
        if problems:
            reader.fail(request, problems)
        reader.check_clean(request)


# --------------------------------------------------------------------------- in the page's language

#: Every text of the figure a reader or a screen reader gets (not the JSON, nor the figure's own
#: aria-label, which the page's Python writes): text nodes, labels, titles, values; and the
#: languages of the page and of the figure.
FIGURE_WORDS_JS = """
figure => {
  const texts = [];
  const walker = document.createTreeWalker(figure, NodeFilter.SHOW_TEXT, {acceptNode: node =>
    node.parentElement.closest('script') ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT});
  while (walker.nextNode()) { if (walker.currentNode.nodeValue.trim()) texts.push(walker.currentNode.nodeValue); }
  for (const e of figure.querySelectorAll('*')) {
    for (const name of ['aria-label', 'title', 'aria-valuetext', 'alt', 'placeholder']) {
      if (e.getAttribute(name)) texts.push(e.getAttribute(name));
    }
  }
  return {texts, page: document.documentElement.lang, figure: figure.lang};
}
"""

#: Texts of live-figures.js that each kind of figure shows as soon as it is drawn (ZH's keys).
SHOWN = {"attention": ["show the weights as numbers",
                       "The inputs: point at one, or tab to it, to see where its query attends"],
         "saturation": ["no scaling", "uniform 1/N", "largest weight in a column (mean)"],
         "offsets": ["position i", "offset \u0394", "the same product against \u0394"]}
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def data_strings(data):
    """Every string of a figure's JSON (words, models' names, tags, notes): the page's words."""
    if isinstance(data, str):
        return {data}
    if isinstance(data, dict):
        data = [*data, *data.values()]
    return set().union(*map(data_strings, data)) if isinstance(data, list) else set()


@pytest.mark.parametrize("edition", ["en", "zh"])
@pytest.mark.parametrize("page", LIVE)
def test_the_figure_speaks_the_language_of_its_edition(site, page, edition, request):
    table = script_words(SCRIPT.read_text(encoding="utf-8"))[0]
    with opened(site, page if edition == "en" else f"zh/{page}") as reader:
        texts = []
        selects = reader.figure.locator("select")
        for n in range(selects.count()):         # every model, sentence and head: every readout
            for option in range(selects.nth(n).locator("option").count()):
                if selects.nth(n).is_visible():
                    selects.nth(n).select_option(index=option)
                texts += reader.figure.evaluate(FIGURE_WORDS_JS)["texts"]
        seen = reader.figure.evaluate(FIGURE_WORDS_JS)
        texts += seen["texts"]
        everything = "\n".join(texts)
        problems = []
        if seen["figure"] != seen["page"]:
            problems.append(f"the figure is marked lang={seen['figure']!r} on a page of lang={seen['page']!r}")
        if edition == "en":
            if seen["page"] != "en":
                problems.append(f"<html lang={seen['page']!r}>, not en")
            problems += [f"Chinese in the English figure: {text!r}" for text in texts if CJK.search(text)]
            problems += [f"the English {english!r} is not shown" for english in SHOWN[LIVE[page]]
                         if english not in everything]
        else:
            if seen["page"] != "zh-CN":
                problems.append(f"<html lang={seen['page']!r}>, not zh-CN (what Sphinx writes for zh_CN)")
            for english in SHOWN[LIVE[page]]:
                chinese = table.get(english, (None, f"(no entry in ZH for {english!r})"))[1]
                if chinese not in everything:
                    problems.append(f"{chinese!r}, the Chinese of {english!r}, is not shown")
            problems += [f"console error: {e}" for e in reader.errors]
            # What is left of each text without the data's words is the script's: no English in it.
            page_words = sorted(data_strings(reader.data()), key=len, reverse=True)
            for text in sorted(set(texts)):
                rest = text
                for word in page_words:
                    rest = rest.replace(word, " ")
                english = [w for w in WORD.findall(rest) if w not in KEPT_IN_CHINESE]
                if english:
                    problems.append(f"English {english} in the Chinese figure: {text!r}")
        if problems:
            reader.fail(request, problems)
        reader.check_clean(request)
