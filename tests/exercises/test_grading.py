"""Every assignment through nbgrader autograde: solution, blank, catalogued mistakes, cheats."""

import pytest

from autograder import assignments
from .conftest import IDS

MISTAKES = [(aid, m.id) for aid in IDS for m in assignments.get(aid).mistakes]
CHEATS = ["import-solutions", "exec-course-files", "patch-numpy-blank", "forge-report", "forge-and-silence"]


def _messages(result):
    return {pid: v["message"] for pid, v in result["probe"]["parts"].items()}


@pytest.mark.parametrize("aid", IDS)
def test_solution_scores_full_marks(graded, aid):
    result = graded[aid]["solution"]
    spec = assignments.get(aid)
    # nbgrader's maximum counts the written questions, whose points are given by hand (not yet here)
    assert result["max_score"] == spec.total_points + spec.manual_points
    assert result["score"] == spec.total_points, _messages(result)
    assert result["probe"]["status"] == "graded"


@pytest.mark.parametrize("aid", IDS)
def test_blank_notebook_scores_zero(graded, aid):
    result = graded[aid]["blank"]
    spec = assignments.get(aid)
    assert result["max_score"] == spec.total_points + spec.manual_points
    assert result["score"] == 0
    for message in _messages(result).values():
        assert "not answered yet" in message


def _round_of(graded, aid, mistake_id):
    for n, r in enumerate(graded[aid]["rounds"]):
        if mistake_id in r.values():
            return n
    raise AssertionError(f"{mistake_id} is in no round")


@pytest.mark.parametrize("aid, mistake_id", MISTAKES)
def test_mistake_loses_points_and_is_named(graded, aid, mistake_id):
    spec = assignments.get(aid)
    mistake = spec.mistake(mistake_id)
    n = _round_of(graded, aid, mistake_id)
    result = graded[aid][f"mistakes-{n}"]
    parts = [p for p in spec.parts if mistake.function in p.functions]
    assert result["score"] < spec.total_points
    named = [p.id for p in parts if f"[catalogued mistake: {mistake_id}]" in result["probe"]["parts"][p.id]["message"]]
    assert named, f"no part names {mistake_id}: {_messages(result)}"
    for pid in named:
        assert result["scores"][pid][0] == 0


@pytest.mark.parametrize("aid, mistake_id", MISTAKES)
def test_visible_tests_point_at_the_mistake(graded, aid, mistake_id):
    spec = assignments.get(aid)
    mistake = spec.mistake(mistake_id)
    errors = graded[aid]["visible"][_round_of(graded, aid, mistake_id)]
    texts = [errors.get(p.id, "") for p in spec.parts if mistake.function in p.functions]
    assert mistake.visible, f"{mistake_id} has no visible phrase"
    assert any(mistake.visible in t for t in texts), f"{mistake.visible!r} not in the visible tests' errors {texts}"
    assert all("AssertionError: \n" not in t and t.strip() != "AssertionError:" for t in texts)


@pytest.mark.parametrize("aid", IDS)
@pytest.mark.parametrize("cheat", CHEATS)
def test_cheating_gains_nothing(graded, aid, cheat):
    result = graded[aid][f"cheat-{cheat}"]
    assert result["score"] == 0, _messages(result)


@pytest.mark.parametrize("aid", IDS)
def test_importing_or_exec_of_the_reference_is_flagged(graded, aid):
    for cheat in ("import-solutions", "exec-course-files"):
        result = graded[aid][f"cheat-{cheat}"]
        assert result["probe"]["status"] == "flagged", (cheat, result["probe"])
        assert result["probe"]["reasons"]


@pytest.mark.parametrize("aid", IDS)
def test_patching_numpy_on_a_wrong_answer_gains_nothing(graded, aid):
    patched, unpatched = graded[aid]["cheat-patch-numpy-wrong"], graded[aid]["mistakes-0"]
    # no part scores more with numpy patched (a right part may score less: a visible check that
    # tells a right answer from a wrong one with np.allclose is fooled into failing it)
    assert patched["scores"].keys() == unpatched["scores"].keys()
    gained = {part: (patched["scores"][part], unpatched["scores"][part]) for part in patched["scores"]
              if patched["scores"][part][0] > unpatched["scores"][part][0]}
    assert not gained, gained
    assert patched["score"] < assignments.get(aid).total_points
