"""One student's task without a kernel: reading, sanitising, restoring cells, status words."""

import json

import nbformat
import pytest

from autograder.batch import STATE
from autograder.task import STATUSES, Corrupt, _status, read_notebook, sanitise
from tests.grading.students import submission


@pytest.fixture(scope="module")
def source(course_template):
    return json.loads((course_template / STATE / "source.json").read_text())


def _nb(text):
    return nbformat.reads(text, as_version=4)


def _ids(nb):
    return [(c.metadata.get("nbgrader") or {}).get("grade_id") for c in nb.cells]


@pytest.mark.parametrize("content, why", [
    (b"", "empty"), (b"{not json", "not valid JSON"), (b'{"hello": 1}', "not a Jupyter notebook"),
    (b'{"cells": [{"cell_type": "weird", "source": ""}], "nbformat": 4, "nbformat_minor": 5, "metadata": {}}',
     "could not be read by nbformat"),
])
def test_corrupt_notebooks_say_why(tmp_path, content, why):
    path = tmp_path / "nb.ipynb"
    path.write_bytes(content)
    with pytest.raises(Corrupt, match=why):
        read_notebook(path)


def test_deleted_cells_come_back_in_place(source):
    nb = _nb(submission(delete=("softmax", "attend", "setup")))
    notes = sanitise(nb, source)
    names = [c["name"] for c in source["cells"]]
    assert _ids(nb) == names
    assert any("'softmax' was missing" in n for n in notes) and any("'setup' was missing" in n for n in notes)
    by = {c["name"]: c for c in source["cells"]}
    for cell in nb.cells:
        gid = cell.metadata.nbgrader["grade_id"]
        if by[gid]["locked"]:
            assert cell.source == by[gid]["source"]  # hidden tests included


def test_edited_tests_are_restored_and_answers_kept(source):
    nb = _nb(submission(edit={"softmax": "print('fine')"}, answers={"softmax_answer": "def softmax(x, axis=0):\n    return 1\n"}))
    notes = sanitise(nb, source)
    cells = {c.metadata.nbgrader["grade_id"]: c for c in nb.cells}
    by = {c["name"]: c for c in source["cells"]}
    assert cells["softmax"].source == by["softmax"]["source"] and "HIDDEN TESTS" in cells["softmax"].source
    assert cells["softmax_answer"].source.endswith("return 1\n")
    assert notes == ["test cell 'softmax' was edited; restored from the source"]


def test_unedited_notebook_has_no_notes(source):
    assert sanitise(_nb(submission()), source) == []


def test_forged_and_duplicated_grade_cells_lose_their_metadata(source):
    def forge(n):
        extra = json.loads(json.dumps(n["cells"][4]))  # a copy of the first test cell
        extra["id"] = "copy"
        bonus = {"cell_type": "code", "id": "bonus", "metadata": {"nbgrader": {
            "grade": True, "grade_id": "bonus", "points": 100, "solution": False, "locked": True}},
            "outputs": [], "execution_count": None, "source": "print('points')"}
        n["cells"] += [extra, bonus]

    nb = _nb(submission(mutate=forge))
    notes = sanitise(nb, source)
    ids = _ids(nb)
    assert "bonus" not in ids and ids.count(source["cells"][4]["name"]) == 1
    assert any("appears twice" in n for n in notes)


def test_duplicate_cell_ids_are_repaired(source, tmp_path):
    path = tmp_path / "nb.ipynb"
    path.write_text(submission(mutate=lambda n: [c.__setitem__("id", "same") for c in n["cells"]]))
    nb = read_notebook(path)
    notes = sanitise(nb, source)
    assert len({c["id"] for c in nb.cells}) == len(nb.cells)
    assert any("duplicate cell id" in n for n in notes)
    nbformat.validate(nb)


@pytest.mark.parametrize("events, errors, probe, want", [
    ({}, [], {}, "graded"),
    ({"truncated": True}, [], {}, "flooded"),
    ({"timeout": 1}, [], {}, "timeout"),
    ({"dead": True, "exit": 128 + 24}, [], {}, "timeout"),
    ({"dead": True, "exit": 139}, [], {}, "crashed"),
    ({"dead": True, "exit": 1}, [], {}, "crashed"),
    ({"wall": True, "dead": True, "exit": -9}, [], {}, "timeout"),
    ({}, ["MemoryError"], {}, "memory"),
    ({"timeout": 1}, [], {"status": "flagged", "reasons": ["x"]}, "flagged"),
])
def test_status_words(events, errors, probe, want):
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("x")
    cell.outputs = [nbformat.v4.new_output("error", ename=e, evalue="", traceback=[]) for e in errors]
    nb.cells = [cell]
    result = {"notes": []}
    assert _status(nb, events, {"probe_check": probe}, result) == want
    assert want in STATUSES and (want == "graded" or result["notes"])


def test_a_grader_failure_is_that_students_error_with_a_page(source, tmp_path):
    from autograder.task import grade

    path = tmp_path / "dot_product.ipynb"
    path.write_text(submission())
    result = grade({"assignment": "02-dot-product", "notebook": "dot_product.ipynb", "student_id": "zoe",
                    "path": str(path), "out": str(tmp_path / "out"), "limits": {"no_such_limit": 1},
                    "sandbox": True, "source": source, "digest": "d", "notes": []})
    assert result["status"] == "error" and result["score"] == 0
    assert "grader error: TypeError" in result["notes"][-1]
    assert "Status: error" in (tmp_path / "out" / result["feedback"]).read_text()
