"""Student names through ``grade`` and ``export``, graded for real: names that are formulas or
HTML, one name composed (Windows) and decomposed (a Mac), and a zip of GBK names without the
UTF-8 flag (an older Windows tool).

- 02-dot-product, hand-collected folders: the hostile names and ``Renée Faÿ`` composed (NFC);
- 03-matrix-form, a Moodle zip made on a Mac: ``Renée Faÿ`` decomposed (NFD), two hostile names, ``王芳``;
- 02-dot-product again, a Moodle zip with GBK names and no UTF-8 flag: ``王芳``, ``张伟``, ``Zhang Wei``.
"""

import csv
import unicodedata

import pytest

from autograder import assignments

from autograder.store import csv_safe
from tests.grading.downloads import moodle_files, notebook, write_folder, write_legacy_zip, write_zip
from tests.grading.test_export import grade, read, run

pytestmark = pytest.mark.slow

A2, A3 = "02-dot-product", "03-matrix-form"
FULL2, FULL3 = (f"{assignments.get(a).total_points:g}" for a in (A2, A3))  # as the CSVs write them
TOTAL = f"{assignments.get(A2).total_points + assignments.get(A3).total_points:g}"
IMG = "<img src=x onerror=alert(7)>"
FORMULAS = ['=HYPERLINK("x.invalid";"y")', "+SUM(1)", "-2+3", "@SUM(A1)", "\t=1+1"]
RENEE = "Renée Faÿ"
NFC, NFD = unicodedata.normalize("NFC", RENEE), unicodedata.normalize("NFD", RENEE)
GBK_CLASS = ["王芳", "张伟", "Zhang Wei"]


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    base = tmp_path_factory.mktemp("names")
    nb2, nb3 = notebook(A2), notebook(A3)  # the reference answers: full marks
    folders = {f"{name}/dot_product.ipynb": nb2 for name in [*FORMULAS, IMG, NFC]}
    folders[f"{IMG}/{IMG}.txt"] = "not a notebook"  # the name reaches the report through a note
    folders[f"{IMG}.ipynb"] = nb2  # and through a file of no one
    mac = write_zip(base / "mac.zip", moodle_files({NFD: nb3, FORMULAS[0]: nb3, FORMULAS[1]: nb3, "王芳": nb3},
                                                   "matrix_form.ipynb", first_id=800))
    windows = write_legacy_zip(base / "windows.zip", moodle_files(dict.fromkeys(GBK_CLASS, nb2), "dot_product.ipynb"),
                               "gbk")
    outs = {"folders": base / "out-folders", "mac": base / "out-mac", "gbk": base / "out-gbk"}
    stdout = {"folders": grade(A2, write_folder(base / "by-hand", folders), outs["folders"]).stdout,
              "mac": grade(A3, mac, outs["mac"]).stdout,
              "gbk": grade(A2, windows, outs["gbk"]).stdout}
    exports = {"folders+mac": base / "export-1", "gbk+mac": base / "export-2"}
    run("export", outs["folders"], outs["mac"], "--to", exports["folders+mac"])
    run("export", outs["gbk"], outs["mac"], "--to", exports["gbk+mac"])
    return base, outs, exports, stdout


def cells(path):
    with open(path, encoding="utf-8", newline="") as f:
        return [cell for row in csv.reader(f) for cell in row]


def test_no_csv_cell_that_grade_or_export_writes_starts_a_formula(graded):
    base, outs, exports, _ = graded
    written = sorted(p for folder in [*outs.values(), *exports.values()] for p in folder.rglob("*.csv"))
    names = {p.relative_to(base).as_posix() for p in written}
    assert {"out-folders/grades.csv", "export-1/grades.csv", "export-1/canvas.csv", "export-1/moodle.csv"} <= names
    hostile = 0
    for path in written:
        for text in cells(path):
            assert not (text[:1] in ("=", "+", "-", "@", "\t", "\r") and not csv_safe.NUMBER.match(text)), (path, text)
            hostile += text.startswith("'")
    assert hostile >= 4 * len(FORMULAS)  # each in out-folders/grades.csv and in export-1's three CSVs


def test_the_names_are_kept_behind_the_quote_and_scores_stay_numbers(graded):
    _, outs, exports, _ = graded
    rows = read(outs["folders"] / "grades.csv")
    assert sorted(r["name"] for r in rows) == sorted("'" + n for n in FORMULAS) + sorted([IMG, NFC])
    assert {float(r["score"]) for r in rows} == {10.0}  # a plain number, never quoted
    by_name = {csv_safe.read_cell(r["name"]): r for r in read(exports["folders+mac"] / "grades.csv")}
    assert set(by_name) == {*FORMULAS, IMG, NFC, "王芳"}
    for name in FORMULAS[:2]:  # in both assignments, joined on the id
        assert (by_name[name][A2], by_name[name][A3], by_name[name]["total"]) == (FULL2, FULL3, TOTAL)
    moodle = {r["Full name"]: r for r in read(exports["folders+mac"] / "moodle.csv")}
    assert moodle["'" + FORMULAS[0]][f"participant id ({A3})"] == "801" and moodle["'" + FORMULAS[0]][A3] == FULL3
    assert {r["Student"] for r in read(exports["folders+mac"] / "canvas.csv")} >= {"'+SUM(1)", IMG}


def test_one_student_one_row_whether_the_name_is_composed_or_not(graded):
    _, outs, exports, _ = graded
    assert [r["name"] for r in read(outs["mac"] / "grades.csv") if r["name"].startswith("Ren")] == [NFD]
    renee = [r for r in read(exports["folders+mac"] / "grades.csv") if unicodedata.normalize("NFC", r["name"]) == NFC]
    assert len(renee) == 1 and renee[0]["name"] == NFC  # as first seen: 02-dot-product comes first
    assert (renee[0][A2], renee[0][A3], renee[0]["moodle_participant_ids"]) == (FULL2, FULL3, f"{A3}: 800")


def test_gbk_names_without_the_utf8_flag_are_read_right(graded, tmp_path):
    _, outs, exports, stdout = graded
    assert sorted(r["name"] for r in read(outs["gbk"] / "grades.csv")) == sorted(GBK_CLASS)
    assert "3 student(s) (moodle layout): graded 3" in stdout["gbk"]
    assert "2 name(s) in the zip without the UTF-8 flag were decoded as gb18030 by guess" in stdout["gbk"]
    assert "UTF-8 flag" not in stdout["folders"] + stdout["mac"]
    wang = [r for r in read(exports["gbk+mac"] / "grades.csv") if r["name"] == "王芳"]
    assert len(wang) == 1 and (wang[0][A2], wang[0][A3]) == (FULL2, FULL3)  # the GBK zip joins the UTF-8 one
    # Forced: the same OUT again, nothing to grade again, the summary says the encoding was given.
    windows = graded[0] / "windows.zip"
    again = grade(A2, windows, outs["gbk"]).stdout
    assert "decoded as gb18030 by guess" in again
    forced = run("grade", A2, windows, "--out", outs["gbk"], "--zip-encoding", "gbk", "--jobs", "1").stdout
    assert "2 name(s) in the zip without the UTF-8 flag were decoded as gbk as given with --zip-encoding" in forced
    assert sorted(r["name"] for r in read(outs["gbk"] / "grades.csv")) == sorted(GBK_CLASS)


def test_html_shows_the_img_name_as_text(graded):
    base, outs, exports, _ = graded
    pages = sorted(p for folder in [*outs.values(), *exports.values()] for p in folder.rglob("*.html"))
    assert pages
    for page in pages:
        assert IMG not in page.read_text(encoding="utf-8"), page
    report = (outs["folders"] / "report.html").read_text(encoding="utf-8")
    assert "&lt;img src=x onerror=alert(7)&gt;.txt: not a notebook" in report  # a note of the student
    assert "&lt;img src=x onerror=alert(7)&gt;.ipynb: matched no student" in report  # a file of no one
