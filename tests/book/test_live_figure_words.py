"""The words live-figures.js writes: each one in Chinese too, and none left in English by accident.

The script shows text in the page's language through ``t("English text", {values})``, which
looks the English up in its table ``ZH``. This test reads the script with a small lexer of
JavaScript (strings, template literals, regular expressions, comments) and checks, without a
browser:

- every ``t(...)`` is given one string literal (so the table can be checked at all), and
  that literal has an entry in ``ZH`` with the same ``{placeholders}`` and no English word of
  its own; no entry is left unused, none is given twice;
- every other string literal of the script is not prose: it has no English word, or it is
  code (a class, a selector, an attribute: words joined by ``-``, ``_``, ``.``, ...), or it is
  one of the plain words of HTML, SVG and the DOM listed in NOT_SHOWN. A new label written
  without ``t()`` is none of these, and fails here with its line number. Messages to the
  console (``console.error(...)``) are for developers and stay in English.

tests/browser/test_live_figures.py then checks the drawn figures in both editions.
"""

import re

import pytest

from tests.conftest import ROOT

SCRIPT = ROOT / "book" / "_static" / "live-figures.js"

#: Plain-word string literals of the script that a reader never sees as text: tag, event,
#: attribute and class names, the data's keys and kinds, the languages' codes.
NOT_SHOWN = {
    "use strict", "DOMContentLoaded", "loading", "zh", "en",
    "div", "span", "p", "label", "select", "option", "input", "output", "button", "range", "checkbox",
    "svg", "text", "tspan", "line", "polyline", "circle", "rect", "img", "group", "true", "none",
    "change", "click", "focus", "mouseenter", "super", "middle", "end", "polite", "height", "points", "cx", "cy",
    "plain", "scaled", "numbers", "attention", "saturation", "offsets", ".cell_output img",
}

#: English words a Chinese entry may hold: the name of a key, as it is printed on it.
KEPT_IN_CHINESE = {"Tab"}

#: A word of two or more ASCII letters: English (one letter is a symbol: i, k, N, e).
WORD = re.compile(r"[A-Za-z]{2,}")
PLACEHOLDER = re.compile(r"\{(\w+)\}")
#: A token that is code, not prose: joined by - _ . [ ] : / # or = (live-control, aria-label,
#: .live-figure[data-live], http://...), with a digit (0px), or camelCase.
CODE = re.compile(r".*[-_.\[\]:/#=0-9].*|[a-z]+[A-Z]\w*")

ESCAPE = re.compile(r"\\(u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|.)", re.S)
ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "b": "\b", "f": "\f", "v": "\v"}
#: After these tokens a "/" starts a regular expression, not a division.
BEFORE_REGEX = set("(,=:[!&|?{};+-*%<>~^") | {"return", "typeof", None}


class Token:
    def __init__(self, kind, value, line):
        self.kind, self.value, self.line = kind, value, line   # kind: "string", "name", "punct"

    def __repr__(self):
        return f"{self.kind}:{self.value!r}@{self.line}"


def unescape(body):
    """The text of a JS string literal's body: \\uXXXX, \\u{...}, \\xXX and the one-letter escapes."""
    def one(match):
        code = match.group(1)
        if code[0] == "u":
            return chr(int(code[2:-1] if code[1] == "{" else code[1:], 16))
        if code[0] == "x":
            return chr(int(code[1:], 16))
        return ESCAPES.get(code, code)
    return ESCAPE.sub(one, body)


def tokens(source):
    """The tokens of a JavaScript source: strings (a template literal's text with "\\0" for each
    ${...}, whose code is tokenized too, after it), names and punctuation; comments and
    regular expressions are dropped."""
    out, i, line = [], 0, 1

    def previous():
        return out[-1].value if out and out[-1].kind != "string" else (None if not out else "string")

    while i < len(source):
        c = source[i]
        if c == "\n":
            line += 1
        if c.isspace():
            i += 1
        elif source.startswith("//", i):
            i = source.index("\n", i)
        elif source.startswith("/*", i):
            end = source.index("*/", i) + 2
            line += source.count("\n", i, end)
            i = end
        elif c in "\"'":
            match = re.compile(rf"{c}((?:[^{c}\\\n]|\\.)*){c}", re.S).match(source, i)
            assert match, f"live-figures.js line {line}: a string that does not end"
            out.append(Token("string", unescape(match.group(1)), line))
            i = match.end()
        elif c == "`":
            text, inner, i = [], [], i + 1
            while source[i] != "`":
                if source[i] == "\\":
                    escape = ESCAPE.match(source, i)
                    text.append(unescape(escape.group()))
                    i = escape.end()
                elif source.startswith("${", i):
                    depth, j = 1, i + 2
                    while depth:
                        depth += {"{": 1, "}": -1}.get(source[j], 0)
                        j += 1
                    inner += tokens(source[i + 2:j - 1])
                    text.append("\0")
                    i = j
                else:
                    line += source[i] == "\n"
                    text.append(source[i])
                    i += 1
            out.append(Token("string", "".join(text), line))
            out += [Token(t.kind, t.value, line) for t in inner]
            i += 1
        elif c == "/" and previous() in BEFORE_REGEX:
            match = re.compile(r"/(?:[^/\\\[\n]|\\.|\[(?:[^\]\\]|\\.)*\])+/[a-z]*").match(source, i)
            assert match, f"live-figures.js line {line}: a / that is neither a division nor a regex"
            i = match.end()
        elif c.isalpha() or c in "_$":
            match = re.compile(r"[\w$]+").match(source, i)
            out.append(Token("name", match.group(), line))
            i = match.end()
        else:
            match = re.compile(r"[0-9][\w.]*|\.\.\.|=>|[=!]==?|&&|\|\||.").match(source, i)
            out.append(Token("punct", match.group(), line))
            i = match.end()
    return out


def closing(toks, start):
    """The index of the bracket that closes toks[start]."""
    pairs = {"(": ")", "[": "]", "{": "}"}
    depth = 0
    for n in range(start, len(toks)):
        if toks[n].kind == "punct" and toks[n].value in pairs:
            depth += 1
        elif toks[n].kind == "punct" and toks[n].value in pairs.values():
            depth -= 1
            if depth == 0:
                return n
    raise AssertionError(f"live-figures.js line {toks[start].line}: a bracket that does not close")


def script_words(source):
    """(table, uses, others): the ZH table {english: chinese}; [(english, line)] given to t();
    [(string, line)] every other string literal, except the ZH table's and the console's."""
    toks = tokens(source)
    values = [t.value for t in toks]
    start = next(n for n in range(len(toks) - 3) if values[n:n + 4] == ["const", "ZH", "=", "{"]) + 3
    end = closing(toks, start)
    table, n = {}, start + 1
    while n < end:
        key, colon, value = toks[n:n + 3]
        assert key.kind == "string" and colon.value == ":" and value.kind == "string", (
            f"live-figures.js line {key.line}: ZH holds only \"English\": \"中文\" pairs")
        assert key.value not in table, f"live-figures.js line {key.line}: {key.value!r} is in ZH twice"
        table[key.value] = value.line, value.value
        n += 4 if toks[n + 3].value == "," else 3
    skip = set(range(start, end + 1))
    for n in range(len(toks) - 3):
        if values[n:n + 4] == ["console", ".", "error", "("]:
            skip |= set(range(n, closing(toks, n + 3) + 1))
    uses = []
    for n, tok in enumerate(toks):
        if tok.value == "t" and tok.kind == "name" and values[n + 1] == "(" and values[n - 1] not in (".", "function"):
            argument = toks[n + 2]
            assert argument.kind == "string" and "\0" not in argument.value and values[n + 3] in (",", ")"), (
                f"live-figures.js line {tok.line}: t() must be given one string literal, the English text")
            uses.append((argument.value, argument.line))
            skip.add(n + 2)
    others = [(t.value, t.line) for n, t in enumerate(toks) if t.kind == "string" and n not in skip]
    return table, uses, others


def shows_english(text):
    """Whether a string literal (outside t()) reads as English a reader could see."""
    if text in NOT_SHOWN or not WORD.search(text):
        return False
    return not all(CODE.fullmatch(token) for token in text.replace("\0", "-").split())


@pytest.fixture(scope="module")
def words():
    return script_words(SCRIPT.read_text(encoding="utf-8"))


def test_every_text_given_to_t_has_its_chinese(words):
    table, uses, _ = words
    assert len(uses) >= 30, f"only {len(uses)} uses of t() found: the lexer lost some"
    missing = [f"line {line}: {english!r}" for english, line in uses if english not in table]
    assert not missing, "live-figures.js shows these without a Chinese entry in ZH:\n" + "\n".join(missing)
    unused = sorted(set(table) - {english for english, _ in uses})
    assert not unused, f"entries of ZH that no t() uses: {unused}"


def test_each_chinese_entry_keeps_the_placeholders_and_drops_the_english(words):
    table, _, _ = words
    problems = []
    for english, (line, chinese) in table.items():
        if set(PLACEHOLDER.findall(chinese)) != set(PLACEHOLDER.findall(english)):
            problems.append(f"line {line}: {chinese!r} has other {{placeholders}} than {english!r}")
        prose = PLACEHOLDER.sub("", chinese)
        if not re.search(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]", prose):
            problems.append(f"line {line}: {chinese!r} has no Chinese character or punctuation")
        problems += [f"line {line}: {chinese!r} keeps the English word {w!r}"
                     for w in WORD.findall(prose) if w not in KEPT_IN_CHINESE]
    assert not problems, "\n".join(problems)


def test_no_other_string_of_the_script_shows_english(words):
    _, _, others = words
    shown = [f"line {line}: {text!r}" for text, line in others if shows_english(text)]
    assert not shown, ("live-figures.js shows these English strings without t(); pass them through t() "
                       "with an entry in ZH (or, if a reader never sees them, add them to NOT_SHOWN):\n"
                       + "\n".join(shown))


# --------------------------------------------------------------------------- the checks can fail

SAMPLE = """
  const ZH = {
    "Model": "模型",
    "head {n}": "头 {n}",
  };
  function t(english, values = {}) { return english.replace(/\\{(\\w+)\\}/g, "x"); }
  select(t("Model"), `head ${n}`, "live-control", t("head {n}", {n: 1}));
  draw("text", {"text-anchor": "middle"}, "uniform 1/N");   // a label without t()
  const d = a / b / c;
  console.error(`live figure: could not draw ${"this"}`);
"""


def test_the_lexer_finds_the_table_the_uses_and_the_strings_left_out():
    table, uses, others = script_words(SAMPLE)
    assert {k: v for k, (_, v) in table.items()} == {"Model": "模型", "head {n}": "头 {n}"}
    assert [english for english, _ in uses] == ["Model", "head {n}"]
    assert [text for text, _ in others if shows_english(text)] == ["head \0", "uniform 1/N"]
    assert not shows_english("live-line live-\0") and not shows_english("d\u2096 =") and shows_english("Sentence")


def test_a_t_call_without_a_literal_is_refused():
    with pytest.raises(AssertionError, match="one string literal"):
        script_words(SAMPLE.replace('t("Model")', "t(name)"))
    with pytest.raises(AssertionError, match="one string literal"):
        script_words(SAMPLE.replace('t("Model")', 't(`Model ${n}`)'))
    with pytest.raises(AssertionError, match="twice"):
        script_words(SAMPLE.replace('"head {n}": "头 {n}"', '"Model": "型号"'))
