"""Chapter 8 as a controlled experiment (issue 20): what its source promises, and what the built page shows.

The source checks run without building; the built-page checks (slow) read the HTML the
build wrote, so they see the numbers the page's cells computed and asserted.
"""

import re

import pytest

from tests.conftest import ROOT

PAGE = "book/ch08-capstone"


def source():
    return (ROOT / f"{PAGE}.md").read_text(encoding="utf-8")


def code_cells(text):
    return re.findall(r"```\{code-cell\}[^\n]*\n(.*?)```", text, re.S)


def test_the_page_trains_the_control_and_every_variant_with_at_least_ten_seeds():
    code = "\n".join(code_cells(source()))
    seeds = re.search(r"^SEEDS = range\((\d+)\)$", code, re.M)
    assert seeds and int(seeds.group(1)) >= 10, "chapter 8 trains fewer than 10 seeds per model"
    configs = re.findall(r'^    "([^"]+)": T\.TaggerConfig\((.*)\),$', code, re.M)
    settings = {name: dict(re.findall(r'(\w+)=("?\w+"?)', args)) for name, args in configs}
    attention = {name: s.get("attention", '"full"') for name, s in settings.items()}
    positions = {name: s.get("positions", '"learned"') for name, s in settings.items()}
    cells = {(attention[n], positions[n]) for n in settings}
    for cell in [('"none"', '"none"'), ('"none"', '"learned"'), ('"full"', '"none"'), ('"full"', '"learned"')]:
        assert cell in cells, f"the 2 x 2 design lacks attention={cell[0]}, positions={cell[1]}"
    assert any(a == '"window"' for a in attention.values()), "no windowed variant"
    assert any(s.get("heads") == "2" for s in settings.values()), "no two-head variant"


def test_spreads_are_sample_standard_deviations():
    code = "\n".join(code_cells(source()))
    assert not re.search(r"\.std\((?![^)]*ddof=1)", code), "a standard deviation without ddof=1"
    assert ".std(ddof=1)" in code
    assert "sample standard deviation" in source() and "ddof=1" in source()


def test_every_seed_claims_are_checked_seed_by_seed():
    text = source()
    assert "each statement holds in every one of the seeds" not in text
    assert "checks it seed by seed" in text
    # The controls' per-seed claims: minimum of one model against the maximum of the other.
    for claim in ("amb[posonly].min() > amb[nopos].max()", "amb[nopos].min() > amb[base].max()",
                  "saw_right(posonly) == 0"):
        assert claim in text, f"chapter 8 no longer asserts {claim}"


def test_the_small_data_comparison_is_paired_with_an_interval():
    text = source()
    assert "bootstrap" in text and "paired" in text
    assert re.search(r"assert .*comparison\[", text), "no assert on the paired comparison"


def test_the_smaller_errors_stay_fixed():
    text = source()
    assert "exactly when" not in text, "question 4: the condition is necessary, not sufficient"
    assert "necessary, not sufficient" in text
    assert "through the residual" in text
    assert "key-padding mask" in text and "bucketing" in text
    assert not re.search(r"\b[bd]b_[12]\b|\+ b_[12]", text), "the biases are c_1, c_2"


def test_causes_not_tested_are_called_hypotheses():
    text = source()
    prose = re.sub(r"```.*?```", "", text, flags=re.S)
    assert prose.count("hypothesis") >= 2
    for sentence in re.findall(r"[^.]*\bbecause\b[^.]*\.", prose, re.I):
        assert re.search(r"hypothesis|Answer|weights of a column sum", sentence), (
            f"an untested cause stated as fact: {sentence.strip()!r}")


def test_the_notation_page_defines_chapter_8s_position_symbols():
    notation = (ROOT / "book" / "notation.md").read_text(encoding="utf-8")
    section = notation.split("## The symbols", 1)[1].split("\n## ", 1)[0]
    rows = [line.split("|")[1].strip() for line in section.splitlines() if line.startswith("| $")]
    assert "$X_{\\text{pos}}$" in rows, "the notation page does not define X_pos"
    assert any(row.startswith("$P = [e^1 \\cdots e^{N_{\\max}}]$") for row in rows), (
        "the notation page does not define chapter 8's d x N_max table P")
    assert "I = E X + P X_{\\text{pos}}" in source(), "chapter 8's input is not written with X_pos"


# --------------------------------------------------------------------------- the built page

def built_text(book_html):
    html = (book_html / f"{PAGE}.html").read_text(encoding="utf-8")
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.slow
def test_the_built_page_shows_the_2x2_table_and_the_control(book_html):
    text = built_text(book_html)
    assert re.search(r"no positions\s+learned positions\s+no attention\s+\d", text), "no 2 x 2 table"
    assert "learned positions, no attention (control)" in text
    trained = re.search(r"trained (\d+) times on the same 600 sentences", text)
    assert trained and int(trained.group(1)) >= 10
    assert "sample standard deviation" in text
    assert re.search(r"\d+\.\d% ± \d+\.\d% \(\d+\.\d%–\d+\.\d%\)", text), "no mean ± sd (min–max) entry"
    assert "95 % bootstrap interval" in text
