"""book_figures.i18n.pad: printed tables whose columns line up on screen in both editions.

A Chinese character takes two columns of a fixed-width font; str.format pads by characters,
so Chinese headers came out wider than the numbers under them (chapter 7's tables).
"""

import pytest

from book_figures.i18n import display_width, pad, text

#: Chapter 7's first table: its headers and widths.
HEADERS = {"RNN steps": 10, "RNN path": 9, "SA steps": 9, "SA path": 8}


def bar_columns(line):
    """The screen columns at which each "|" of a printed table line starts."""
    return [display_width(line[:n]) for n, c in enumerate(line) if c == "|"]


def table(lang, padding):
    """Chapter 7's table of steps, headers in `lang`, padded by `padding(text, width)`."""
    header = " | ".join([padding("N", 6)] + [padding(text(h, lang), w) for h, w in HEADERS.items()])
    rows = [" | ".join([padding(str(N), 6)] + [padding(str(v), w) for v, w in zip((N, N, 1, 1), HEADERS.values())])
            for N in (4, 1024)]
    return [header, *rows]


def test_display_width_counts_a_chinese_character_as_two_columns():
    assert display_width("RNN path") == 8
    assert display_width("RNN 路径") == 8                     # "RNN " + two wide characters
    assert display_width("自注意力：N") == 11                  # the full-width colon is wide too
    assert display_width("e\u0301") == 1                     # a combining accent takes no column
    assert display_width("") == 0


def test_pad_fills_to_the_columns_on_screen():
    assert pad("路径", 6) == "  路径" and pad("路径", 6, "<") == "路径  "
    assert pad("path", 6) == f"{'path':>6}" and pad("path", 6, "<") == f"{'path':<6}"
    assert pad("自注意力", 4) == "自注意力"                     # never cut
    assert pad(1024, 6) == "  1024"
    with pytest.raises(ValueError, match="align"):
        pad("x", 3, "^")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_table_with_chinese_or_english_headers_lines_up(lang):
    lines = table(lang, pad)
    assert len({tuple(bar_columns(line)) for line in lines}) == 1, "\n".join(lines)
    assert {display_width(line) for line in lines} == {display_width(lines[-1])}


def test_padding_by_characters_does_not_line_up_chinese_headers():
    """The fault pad() mends, seen: with str.format the Chinese header is wider than its rows."""
    lines = table("zh", lambda s, width: f"{s:>{width}}")
    assert bar_columns(lines[0]) != bar_columns(lines[1])
    assert bar_columns(table("en", lambda s, width: f"{s:>{width}}")[0]) == bar_columns(table("en", pad)[0])
