"""book_figures.i18n: the figures' text in each edition's language, and the font for Chinese."""

import matplotlib
import pytest
from matplotlib import font_manager

from book_figures.i18n import CJK_FONT, ZH, text, translator


def test_english_is_the_key_and_chinese_its_translation():
    assert text("time (ms)", "en") == "time (ms)"
    assert text("time (ms)", "zh") == ZH["time (ms)"]
    assert text("frame {n}", "zh", n=3) == "第 3 帧"


def test_a_text_without_a_chinese_entry_stops_the_chinese_build():
    assert text("no such label", "en") == "no such label"
    with pytest.raises(KeyError):
        text("no such label", "zh")


def test_an_unknown_language_is_named():
    with pytest.raises(ValueError, match="'fr'"):
        translator("fr")


def test_chinese_is_drawn_with_noto_sans_cjk():
    with matplotlib.rc_context():
        tr = translator("zh")
        path = font_manager.findfont(font_manager.FontProperties(family=matplotlib.rcParams["font.sans-serif"][0]),
                                     fallback_to_default=False)
        assert matplotlib.rcParams["font.sans-serif"][0] == CJK_FONT
        assert "NotoSansCJK" in path
        assert tr("model") == "模型"


def test_every_chinese_entry_keeps_the_fields_and_math_of_its_english_text():
    import re
    for english, chinese in ZH.items():
        for pattern in (r"\{\w+(?::[^}]*)?\}", r"\$[^$]+\$"):
            assert sorted(re.findall(pattern, english)) == sorted(re.findall(pattern, chinese)), (english, chinese)
