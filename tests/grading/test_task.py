"""One student's task without a kernel: reading, sanitising, restoring cells, status words."""

import json

import nbformat
import pytest

from autograder.store.outdir import STATE
from autograder.model import Result, Status, Task
from autograder.run.task import Corrupt, _status, read_notebook, sanitise
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
    # several apply: the first in Status order wins, whatever order they were found in
    ({"wall": True}, ["MemoryError"], {}, "memory"),
    ({"truncated": True, "timeout": 2}, [], {}, "timeout"),
    ({"dead": True, "exit": -11, "truncated": True}, ["MemoryError"], {}, "crashed"),
])
def test_status_words(events, errors, probe, want):
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("x")
    cell.outputs = [nbformat.v4.new_output("error", ename=e, evalue="", traceback=[]) for e in errors]
    nb.cells = [cell]
    result = Result("s", "a")
    assert _status(nb, events, {"probe_check": probe}, result) == want
    assert want in list(Status) and (want == "graded" or result.notes)


def test_first_status_follows_the_statuses_order():
    order = list(Status)
    for i, status in enumerate(order):
        assert Status.first(set(order[i:])) == status
    assert Status.first(set()) == "graded"


def test_crash_note_names_the_signal():
    nb = nbformat.v4.new_notebook()
    result = Result("s", "a")
    assert _status(nb, {"dead": True, "exit": -11}, {}, result) == "crashed"
    assert "SIGSEGV" in result.notes[-1]


def _with_outputs(megabytes):
    """A correct submission whose first code cell holds ``megabytes`` MiB of saved image output."""
    nb = json.loads(submission())
    png = "A" * (1024 * 1024)
    code = next(c for c in nb["cells"] if c["cell_type"] == "code")
    code["outputs"] = [{"output_type": "display_data", "metadata": {}, "data": {"image/png": png}}
                       for _ in range(megabytes)]
    return json.dumps(nb)


def test_saved_outputs_are_dropped_while_reading(tmp_path):
    path = tmp_path / "nb.ipynb"
    path.write_text(_with_outputs(40))
    assert path.stat().st_size > 40 * 1024**2
    nb = read_notebook(path)
    assert all(c.get("outputs", []) == [] for c in nb.cells)
    assert nb.cells == read_notebook_text(submission(), tmp_path).cells
    # broken outputs do not matter either: they are never looked at
    broken = json.loads(submission())
    next(c for c in broken["cells"] if c["cell_type"] == "code")["outputs"] = 7
    assert read_notebook_text(json.dumps(broken), tmp_path).cells == nb.cells


def read_notebook_text(text, folder):
    path = folder / "plain.ipynb"
    path.write_text(text)
    return read_notebook(path)


def test_what_stays_too_large_tells_the_student_what_to_do(tmp_path, monkeypatch):
    from autograder.run import task
    path = tmp_path / "nb.ipynb"
    path.write_text(_with_outputs(3))
    monkeypatch.setattr(task, "MAX_NOTEBOOK_BYTES", 2 * 1024**2)
    with pytest.raises(Corrupt, match="Clear Outputs of All Cells"):
        read_notebook(path)
    nb = json.loads(submission())
    nb["cells"][0]["source"] = "x" * (3 * 1024**2)
    path.write_text(json.dumps(nb))
    monkeypatch.setattr(task, "MAX_NOTEBOOK_BYTES", 8 * 1024**2)
    monkeypatch.setattr(task, "MAX_CELLS_BYTES", 2 * 1024**2)
    with pytest.raises(Corrupt, match="without its outputs the notebook still holds 3 MiB"):
        read_notebook(path)


@pytest.mark.parametrize("content", [
    b"[" * 200_000 + b"]" * 200_000,                                         # nested 200,000 levels
    b'{"cells": ' + b"[" * 200_000 + b"]" * 200_000 + b', "nbformat": 4}',   # nested inside a notebook
    b'{"cells": [{"cell_type": "code", "source": [1, 2], "metadata": {}, "outputs": []}], "nbformat": 4, '
    b'"nbformat_minor": 5, "metadata": {}}',                                 # source of numbers
    b'{"cells": [3], "nbformat": 4, "nbformat_minor": 5, "metadata": {}}',    # a cell that is a number
    b'{"cells": [], "nbformat": "four", "metadata": []}',                     # wrong types
    b'\xff\xfe{"cells": []}',                                                # not UTF-8
])
def test_broken_json_of_any_shape_is_corrupt(tmp_path, content):
    path = tmp_path / "nb.ipynb"
    path.write_bytes(content)
    with pytest.raises(Corrupt):
        read_notebook(path)


def _task(path, source, out, limits=None):
    return Task("02-dot-product", "dot_product.ipynb", "zoe", str(out), source, path=str(path),
                limits=limits or {}, digest="d")


def grade(task):
    """:func:`autograder.run.task.grade` in a worker context of its own."""
    from autograder.run.context import WorkerContext
    from autograder.run.task import grade as grade_task

    with WorkerContext() as ctx:
        return grade_task(task, ctx)


@pytest.mark.slow
def test_a_correct_notebook_with_40_mib_of_outputs_gets_full_marks(source, tmp_path):
    from autograder.sandbox.bwrap import bwrap_path

    if bwrap_path() is None:
        pytest.skip("bubblewrap is not installed")
    path = tmp_path / "dot_product.ipynb"
    path.write_text(_with_outputs(40))
    result = grade(_task(path, source, tmp_path / "out"))
    assert (result.status, result.score) == ("graded", 10), result.notes


def test_deeply_nested_json_is_corrupt_not_a_grader_error(source, tmp_path):
    path = tmp_path / "dot_product.ipynb"
    path.write_bytes(b"[" * 200_000 + b"]" * 200_000)
    result = grade(_task(path, source, tmp_path / "out"))
    assert result.status == "corrupt" and "nested too deeply" in result.notes[-1]


def test_a_grader_failure_is_that_students_error_with_a_page(source, tmp_path):
    path = tmp_path / "dot_product.ipynb"
    path.write_text(submission())
    result = grade(_task(path, source, tmp_path / "out", limits={"no_such_limit": 1}))
    assert result.status == "error" and result.score == 0
    assert "grader error: TypeError" in result.notes[-1]
    assert "Status: error" in (tmp_path / "out" / result.feedback).read_text()
