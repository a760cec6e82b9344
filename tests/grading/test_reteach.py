"""The class report's links and export's refusals, without grading anything."""

import csv

import pytest

from autograder import assignments
from autograder.reports.export import ExportError, export
from autograder.assignments.sections import section_link, section_title


@pytest.mark.parametrize("aid", assignments.ids())
def test_every_catalogued_mistake_links_to_a_section_of_its_chapter(aid):
    spec = assignments.get(aid)
    for function in {m.function for m in spec.mistakes} | set(spec.answer_functions):
        label = spec.sections.get(function)
        assert label, f"{aid}: no section for {function}"
        assert section_title(spec.page, label), f"book/{spec.page}.md has no heading under ({label})="
        url, text = section_link(spec, function, "https://x.example")
        assert url == f"https://x.example/book/{spec.page}.html#{label}" and text.startswith(f"Chapter {spec.chapter}, ")


def _out(path, rows, identities=None):
    """An OUT folder with only grades.csv; ``identities`` maps a student id to (name, lms, lms id)."""
    path.mkdir(parents=True)
    ids = identities or {}
    (path / "grades.csv").write_text("student_id,assignment,score,max_score,status,name,lms,lms_id,late\n" + "".join(
        f"{sid},{aid},{score},10,graded,{','.join(ids.get(sid, (sid, '', '')))},\n" for sid, aid, score in rows),
        encoding="utf-8")
    return path


def test_export_refuses_what_it_cannot_join(tmp_path):
    with pytest.raises(ExportError, match="no grades.csv; grade the assignment first"):
        export([tmp_path / "nothing"], tmp_path / "to")
    a = _out(tmp_path / "a", [("s1", "02-dot-product", 3)])
    b = _out(tmp_path / "b", [("s2", "02-dot-product", 4)])
    with pytest.raises(ExportError, match="both hold 02-dot-product"):
        export([a, b], tmp_path / "to")
    mixed = _out(tmp_path / "mixed", [("s1", "02-dot-product", 3), ("s1", "03-matrix-form", 3)])
    with pytest.raises(ExportError, match="one OUT per assignment"):
        export([mixed], tmp_path / "to")
    bad = _out(tmp_path / "bad", [("s1", "99-nothing", 3)])
    with pytest.raises(ExportError, match="unknown assignment '99-nothing'"):
        export([bad], tmp_path / "to")


def test_export_of_an_old_grades_csv_without_identity_columns(tmp_path):
    a = _out(tmp_path / "a", [("alice", "02-dot-product", 7), ("bob", "02-dot-product", 0)])
    c = _out(tmp_path / "c", [("alice", "03-matrix-form", 10)])
    export([c, a], tmp_path / "to")  # given in any order, written in course order
    text = (tmp_path / "to" / "grades.csv").read_text(encoding="utf-8")
    assert text.splitlines() == [
        "student_id,name,lms,canvas_user_id,moodle_participant_ids,email,id_number,section,"
        "02-dot-product,03-matrix-form,total,late",
        "alice,alice,folder,,,,,,7,10,17,", "bob,bob,folder,,,,,,0,,0,"]
    assert "No submission matched a catalogued mistake" in (tmp_path / "to" / "report.html").read_text()


def _rows(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_a_canvas_roster_fills_the_sis_ids_and_section(tmp_path):
    out = _out(tmp_path / "a", [("zhangwei-9001", "02-dot-product", 8), ("anneoneil-9002", "02-dot-product", 10)],
               {"zhangwei-9001": ("zhangwei", "canvas", "9001"), "anneoneil-9002": ("anneoneil", "canvas", "9002")})
    roster = tmp_path / "canvas-export.csv"
    roster.write_text("Student,ID,SIS User ID,SIS Login ID,Section,Quiz 1 (12)\n"
                      "    Points Possible,,,,,10\n"
                      '"Wei, Zhang",9001,S-1,zwei,Section A,5\n'
                      '"O\'Neil, Anne",9002,S-2,aoneil,Section B,7\n'
                      '"Okafor, Amara",9003,S-3,aokafor,Section A,\n', encoding="utf-8")
    _, notes = export([out], tmp_path / "to", rosters=[roster])
    rows = {r["ID"]: r for r in _rows(tmp_path / "to" / "canvas.csv")}
    assert rows["9001"] == {"Student": "Wei, Zhang", "ID": "9001", "SIS User ID": "S-1", "SIS Login ID": "zwei",
                            "Section": "Section A", "02-dot-product": "8"}
    assert rows["9003"]["02-dot-product"] == "" and rows["9003"]["SIS Login ID"] == "aokafor"
    assert notes == ["Okafor, Amara: in the roster, in no assignment's grades"]


def test_a_moodle_roster_fills_email_and_id_number_by_name(tmp_path):
    out = _out(tmp_path / "a", [("Zhang-Wei-1", "02-dot-product", 8), ("student-2", "02-dot-product", 9),
                                ("Li-Na-3", "02-dot-product", 4)],
               {"Zhang-Wei-1": ("Zhang Wei", "moodle", "501"), "student-2": ("张伟", "moodle", "502"),
                "Li-Na-3": ("Li Na", "moodle", "503")})
    roster = tmp_path / "moodle-export.csv"
    roster.write_text("First name,Last name,ID number,Institution,Department,Email address\n"
                      "Wei,Zhang,1001,,,zw@uni.edu\n张,伟,1002,,,zhang@uni.edu\n"
                      "Na,Li,1003,,,li1@uni.edu\nLi,Na,1004,,,li2@uni.edu\n", encoding="utf-8")
    _, notes = export([out], tmp_path / "to", rosters=[roster])
    rows = {r["Full name"]: r for r in _rows(tmp_path / "to" / "moodle.csv")}
    assert (rows["Zhang Wei"]["Email address"], rows["Zhang Wei"]["ID number"]) == ("zw@uni.edu", "1001")
    assert rows["张伟"]["Email address"] == "zhang@uni.edu"
    li_na = [r for r in _rows(tmp_path / "to" / "moodle.csv") if r["participant id (02-dot-product)"] == "503"]
    assert li_na[0]["Email address"] == ""  # two roster lines fit "Li Na": not guessed
    assert "Li-Na-3: 2 roster lines fit name 'li na'; not joined" in notes


def test_a_roster_of_another_kind_is_refused(tmp_path):
    out = _out(tmp_path / "a", [("alice", "02-dot-product", 3)])
    other = tmp_path / "other.csv"
    other.write_text("who,what\nx,y\n", encoding="utf-8")
    with pytest.raises(ExportError, match="not a Canvas gradebook export"):
        export([out], tmp_path / "to", rosters=[other])
