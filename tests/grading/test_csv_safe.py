"""No CSV cell the grader writes can start a formula; numbers stay numbers; names read back unchanged."""

import csv
import io
import re

import pytest

from autograder.store import csv_safe
from tests.conftest import ROOT

HOSTILE = ['=HYPERLINK("x.invalid";"y")', "+SUM(1)", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1", "-", "=", "'=1",
           "-inf", "+1", "''@x", "=cmd|' /C calc'!A0"]


def starts_formula(text):
    """A spreadsheet could read this cell as a formula (OWASP's list), unless it is a plain number."""
    return text[:1] in ("=", "+", "-", "@", "\t", "\r") and not csv_safe.NUMBER.match(text)


def rows_of(text):
    return list(csv.reader(io.StringIO(text, newline="")))


@pytest.mark.parametrize("text", HOSTILE)
def test_text_that_could_start_a_formula_is_quoted_and_reads_back(text):
    written = csv_safe.cell(text)
    assert written == "'" + text
    assert not starts_formula(written) and csv_safe.read_cell(written) == text


@pytest.mark.parametrize("value", ["10", "0", "-0.5", "1e-05", "-3", "2.5", ".5", 7, -1.25])
def test_numbers_stay_numbers(value):
    assert csv_safe.cell(value) == str(value)
    assert csv_safe.read_cell(str(value)) == str(value)


@pytest.mark.parametrize("text", ["Zhang Wei", "张伟", "o'neil.anne", "Renée Faÿ", "<img src=x onerror=alert(7)>",
                                  "9000", "a@uni.edu", "Anne-Marie", ""])
def test_other_text_is_written_as_it_is(text):
    assert csv_safe.cell(text) == text and csv_safe.read_cell(text) == text


def test_the_writer_quotes_every_cell_and_csv_still_parses_it():
    buf = io.StringIO()
    w = csv_safe.writer(buf)
    w.writerow(["name", "score"])
    w.writerows([[name, "-1"] for name in HOSTILE + ["two\rlines", "two\nlines"]])
    got = rows_of(buf.getvalue())
    assert got[0] == ["name", "score"] and len(got) == len(HOSTILE) + 3
    assert [r[0] for r in got[-2:]] == ["two\rlines", "two\nlines"]  # one cell each, not two rows
    for (name, score), text in zip(got[1:], HOSTILE):
        assert not starts_formula(name) and csv_safe.read_cell(name) == text
        assert score == "-1"  # a negative number is not quoted


def test_every_csv_writer_of_the_project_goes_through_csv_safe():
    """One place neutralises cells: no other module of the course (grader, benchmarks, book,
    solutions, scripts) makes a csv writer of its own."""
    makers = re.compile(r"csv\.(?:writer|DictWriter)\s*\(")
    found = [p.relative_to(ROOT).as_posix()
             for folder in ("autograder", "benchmarks", "book", "solutions", "scripts", "_ext")
             for p in sorted((ROOT / folder).rglob("*.py"))
             if makers.search(p.read_text(encoding="utf-8"))]
    assert found == ["autograder/store/csv_safe.py"]


def test_the_dict_writer_quotes_formulas_and_keeps_numbers():
    buf = io.StringIO()
    w = csv_safe.dict_writer(buf, ["variant", "seconds"])
    w.writeheader()
    w.writerows([{"variant": "=cmd()", "seconds": -1.5}, {"variant": "ours", "seconds": 2}])
    assert buf.getvalue() == "variant,seconds\n'=cmd(),-1.5\nours,2\n"
    with pytest.raises(ValueError, match="not in fieldnames"):
        w.writerow({"other": 1})
