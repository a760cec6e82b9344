"""Names from zips without the UTF-8 flag, and names composed or decomposed, at intake (no grading)."""

import csv
import subprocess
import sys
import unicodedata

import pytest

from autograder import assignments

from autograder.intake import lms

from autograder.intake import zipnames
from autograder.reports.export import export
from autograder.model import Result
from autograder.reports.grades_csv import write_grades_csv
from autograder.intake.intake import Intake, closing_summary
from tests.conftest import ROOT, course_env
from tests.grading.downloads import canvas_files, moodle_files, write_folder, write_legacy_zip, write_zip

AID, NB = "02-dot-product", "dot_product.ipynb"


def names_of(path, tmp_path, zip_encoding=None):
    intake = Intake(path, AID, NB, tmp_path / "staging", zip_encoding=zip_encoding)
    subs = list(intake)
    return intake, sorted(s.identity.name for s in subs)


@pytest.mark.parametrize("names, encoding", [
    (["王芳", "张伟"], "gbk"),  # Chinese Windows
    (["王芳", "张伟", "Zhang Wei", "Liu Yang"], "gbk"),  # with ASCII names beside them
    (["José Núñez"], "cp437"),  # the zip standard's code page, US Windows' OEM one
    (["José Núñez"], "cp1252"),  # Western Windows' ANSI code page
    (["José Núñez", "Zoë Brontë", "Chloé Dubois"], "cp850"),  # Western Europe's OEM code page
    (["Иван Петров", "Ольга Смирнова"], "cp1251"),
])
def test_legacy_code_page_names_are_detected(tmp_path, names, encoding):
    files = moodle_files({n: f"nb of {n}" for n in names}, NB)
    intake, got = names_of(write_legacy_zip(tmp_path / "m.zip", files, encoding), tmp_path)
    assert intake.layout == "moodle" and got == sorted(names)
    legacy = sum(not n.isascii() for n in names)
    assert intake.names.legacy == legacy and intake.names.guessed
    summary = intake.names.summary()
    assert summary.startswith(f"{legacy} name(s) in the zip without the UTF-8 flag were decoded as ")
    assert "by guess" in summary and "--zip-encoding" in summary
    line = closing_summary([], intake.layout, {}, [], summary)
    assert line.endswith("; " + summary)


def test_the_canvas_layout_too(tmp_path):
    files = canvas_files({"王芳": "a", "张伟": "b"}, NB)
    _, got = names_of(write_legacy_zip(tmp_path / "c.zip", files, "gbk"), tmp_path)
    assert got == ["张伟", "王芳"]


def test_utf8_names_without_the_flag_are_utf8_and_no_guess(tmp_path):
    names = ["王芳", "José Núñez", "Renée Faÿ", "Zhang Wei"]
    path = write_legacy_zip(tmp_path / "u.zip", moodle_files({n: n for n in names}, NB), "utf-8")
    intake, got = names_of(path, tmp_path)
    assert got == sorted(names) and intake.names.legacy == 0 and intake.names.summary() == ""


def test_names_with_the_flag_are_left_alone(tmp_path):
    path = write_zip(tmp_path / "f.zip", moodle_files({"王芳": "a", "José Núñez": "b"}, NB))
    intake, got = names_of(path, tmp_path)
    assert got == ["José Núñez", "王芳"] and intake.names.summary() == ""


def test_an_encoding_can_be_forced(tmp_path):
    files = moodle_files({"王芳": "a", "张伟": "b"}, NB)
    path = write_legacy_zip(tmp_path / "m.zip", files, "gbk")
    intake, got = names_of(path, tmp_path, zip_encoding="GBK")
    assert got == ["张伟", "王芳"] and not intake.names.guessed
    assert intake.names.summary() == ("2 name(s) in the zip without the UTF-8 flag were decoded as gbk as given "
                                      "with --zip-encoding")
    # A wrong one decodes them wrong, as asked, and says so; one that cannot decode them is an error.
    _, got = names_of(path, tmp_path, zip_encoding="cp437")
    assert got == sorted(["═⌡╖╝", "╒┼╬░"])
    with pytest.raises(zipnames.ZipNameError, match=r"entry 1 of the zip, whose name is the bytes .* not valid ascii"):
        names_of(path, tmp_path, zip_encoding="ascii")
    with pytest.raises(zipnames.ZipNameError, match="unknown encoding 'klingon'"):
        Intake(path, AID, NB, tmp_path, zip_encoding="klingon")


def test_composed_and_decomposed_names_give_one_row_in_export(tmp_path):
    """Two assignments, the same student typed on Windows (NFC) and written by a Mac (NFD): one row."""
    nfc, nfd = unicodedata.normalize("NFC", "Renée Faÿ"), unicodedata.normalize("NFD", "Renée Faÿ")
    outs = []
    for aid, name in [("02-dot-product", nfc), ("03-matrix-form", nfd)]:
        spec = assignments.get(aid)
        sid = lms.safe_id(name)
        out = tmp_path / aid
        write_grades_csv(out / "grades.csv", [Result(sid, aid, score=5.0, max_score=float(spec.total_points))],
                         spec, {sid: {"name": name, "lms": "", "lms_id": "", "late": False}})
        outs.append(out)
    export(outs, tmp_path / "to")
    with open(tmp_path / "to" / "grades.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 1 and rows[0]["name"] == nfc  # one row, the name as first seen
    assert [rows[0][k] for k in ("02-dot-product", "03-matrix-form", "total")] == ["5", "5", "10"]


@pytest.mark.parametrize("encoding, where, message", [
    ("klingon", "zip", "unknown encoding 'klingon' for --zip-encoding"),
    ("rot13", "zip", "unknown encoding 'rot13' for --zip-encoding"),  # not a text encoding
    ("gbk", "folder", "--zip-encoding is for a .zip SUBMISSIONS"),
])
def test_grade_refuses_a_zip_encoding_it_cannot_use(tmp_path, encoding, where, message):
    source = (write_zip(tmp_path / "m.zip", moodle_files({"王芳": "a"}, NB)) if where == "zip"
              else write_folder(tmp_path / "in", {f"alice/{NB}": "a"}))
    result = subprocess.run([sys.executable, "-m", "autograder", "grade", AID, str(source),
                             "--out", str(tmp_path / "o"), "--zip-encoding", encoding],
                            cwd=ROOT, env=course_env(), capture_output=True, text=True)
    assert result.returncode == 2 and message in result.stderr
    assert not (tmp_path / "o").exists()
