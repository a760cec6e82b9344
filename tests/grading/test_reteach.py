"""The class report's links and export's refusals, without grading anything."""

import pytest

from autograder import assignments
from autograder.export import ExportError, export, section_link, section_title


@pytest.mark.parametrize("aid", assignments.ids())
def test_every_catalogued_mistake_links_to_a_section_of_its_chapter(aid):
    spec = assignments.get(aid)
    for function in {m.function for m in spec.mistakes} | set(spec.answer_functions):
        label = spec.sections.get(function)
        assert label, f"{aid}: no section for {function}"
        assert section_title(spec.page, label), f"book/{spec.page}.md has no heading under ({label})="
        url, text = section_link(spec, function, "https://x.example")
        assert url == f"https://x.example/book/{spec.page}.html#{label}" and text.startswith(f"Chapter {spec.chapter}, ")


def _out(path, rows):
    path.mkdir(parents=True)
    (path / "grades.csv").write_text("student_id,assignment,score,max_score,status\n" + "".join(
        f"{sid},{aid},{score},10,graded\n" for sid, aid, score in rows), encoding="utf-8")
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
        "student_id,name,lms,canvas_user_id,moodle_participant_ids,02-dot-product,03-matrix-form,total,late",
        "alice,alice,folder,,,7,10,17,", "bob,bob,folder,,,0,,0,"]
    assert "No submission matched a catalogued mistake" in (tmp_path / "to" / "report.html").read_text()
