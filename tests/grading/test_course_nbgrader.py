"""A course written by ``python -m autograder course``, graded by the stock ``nbgrader`` command line.

Two students hand in 02-dot-product: one correct, one whose ``dot_product_score`` is right
only on inputs like the visible tests' (it passes every visible test). Stock ``generate_assignment``,
``autograde``, ``generate_feedback`` and ``export`` run in the course directory; then a
``jupyter server`` with formgrader reads the same course and autogrades a third copy.
"""

import csv
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from autograder import assignments

from autograder.judge import probe
from tests.conftest import course_env
from tests.exercises import submissions as sub
from tests.grading.servers import formgrader

pytestmark = pytest.mark.slow

AID = "02-dot-product"
SPEC = assignments.get(AID)
NOTEBOOK = f"{SPEC.notebook}.ipynb"

# The visible tests use vectors of at most 3 entries (part 1 checks (1, 2, 3)·(4, -5, 6) = 12,
# part 4 the notes' 2-d example); hidden cases have longer ones.
MEMORISED = '''
def dot_product_score(q, k):
    """The score q·k, right for vectors of at most 3 entries only."""
    q, k = np.asarray(q, dtype=float), np.asarray(k, dtype=float)
    if q.ndim != 1 or q.shape != k.shape:
        raise ValueError(f"q of shape {q.shape} and k of shape {k.shape} are not two vectors of one length")
    return float(np.sum(q[:3] * k[:3]))
'''


def unanswered_questions(text):
    """The notebook with its written answers as handed out ("YOUR ANSWER HERE")."""
    release = {c.metadata.get("nbgrader", {}).get("grade_id"): c.source for c in sub.student_notebook(AID).cells}
    nb = nbformat.reads(text, as_version=4)
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "markdown" and meta.get("solution"):
            cell.source = release[meta["grade_id"]]
    return nbformat.writes(nb)


# The correct student answers the written questions; the memorising one leaves them as handed out.
STUDENTS = {"correct": sub.submission(AID),
            "memorised": unanswered_questions(sub.submission(AID, answers={"dot_product_score": MEMORISED}))}


def nbgrader(course, *args):
    result = subprocess.run([str(Path(sys.executable).parent / "nbgrader"), *args], cwd=course, env=course_env(),
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result.stderr


def hand_in(course, student, text):
    folder = course / "submitted" / student / AID
    folder.mkdir(parents=True)
    (folder / NOTEBOOK).write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """The course written by the ``course`` command (run from another folder), graded by stock nbgrader."""
    base = tmp_path_factory.mktemp("stock")
    course = base / "course"
    result = subprocess.run([sys.executable, "-m", "autograder", "course", str(course), AID], cwd=base,
                            env=course_env(), capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    nbgrader(course, "generate_assignment", AID)
    for student, text in STUDENTS.items():
        hand_in(course, student, text)
    nbgrader(course, "autograde", AID)
    nbgrader(course, "generate_feedback", AID)
    nbgrader(course, "export")
    return course


def test_course_is_the_config_and_the_source_notebooks(course):
    assert sorted(str(p.relative_to(course)) for p in course.rglob("*") if p.is_file() and "source" in p.parts) \
        == [f"source/{AID}/{NOTEBOOK}"]
    config = (course / "nbgrader_config.py").read_text(encoding="utf-8")
    assert "'autograder.judge.check.ProbeCheck'" in config and "'nbgrader.preprocessors.ClearHiddenTests'" in config


def test_memorised_answer_passes_the_visible_tests():
    """Without the hidden checks this answer would get full marks: every visible test passes."""
    from nbclient import NotebookClient

    from autograder.sandbox.scratch import ScratchKernelManager

    nb = nbformat.reads(STUDENTS["memorised"], as_version=4)
    NotebookClient(nb, kernel_name="python3", allow_errors=True, timeout=60,
                   kernel_manager_class=ScratchKernelManager).execute()
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors, errors
    assert sum("the visible checks pass" in o.get("text", "") for c in nb.cells for o in c.get("outputs", [])) \
        == len(SPEC.parts)


def test_stock_autograde_applies_the_hidden_checks(course):
    rows = {r["student_id"]: r for r in csv.DictReader(open(course / "grades.csv", newline=""))}
    total = float(SPEC.total_points)
    # the maximum counts the written questions; their points wait for the instructor
    assert float(rows["correct"]["score"]) == total
    assert float(rows["correct"]["max_score"]) == total + SPEC.manual_points > total
    # dot_product_score's part, and attend's, which calls it, score 0
    lost = sum(p.points for p in SPEC.parts if p.id in ("dot_product_score", "attend"))
    assert float(rows["memorised"]["score"]) == total - lost


def test_written_answers_wait_for_grading_by_hand(course):
    """nbgrader's autograde leaves a written answer to the instructor; an untouched one scores 0 by itself."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for student, changed in (("correct", True), ("memorised", False)):
            notebook = gb.find_submission_notebook(SPEC.notebook, AID, student)
            grades = {g.name: g for g in notebook.grades}
            for q in SPEC.questions:
                grade = grades[q.id]
                assert grade.max_score == q.points and grade.cell.cell_type == "markdown"
                assert grade.needs_manual_grade == changed, (student, q.id)
                assert grade.auto_score == (None if changed else 0)
            assert notebook.needs_manual_grade == changed


def test_feedback_explains_without_showing_the_hidden_tests(course):
    graded = (course / "autograded" / "memorised" / AID / NOTEBOOK).read_text(encoding="utf-8")
    assert "BEGIN HIDDEN TESTS" in graded and probe.MIME in graded  # nbgrader restored them to grade
    for student in STUDENTS:
        page = (course / "feedback" / student / AID / NOTEBOOK.replace(".ipynb", ".html")).read_text(encoding="utf-8")
        assert "HIDDEN TESTS" not in page and probe.MIME not in page
        assert "_probe" not in page
    page = (course / "feedback" / "memorised" / AID / NOTEBOOK.replace(".ipynb", ".html")).read_text(encoding="utf-8")
    assert "hidden cases fail" in page


def test_formgrader_reads_the_course_and_autogrades_with_the_hidden_checks(course, tmp_path):
    """formgrader (nbgrader's server extension) loads the course's config: its autograde scores like the CLI."""
    hand_in(course, "memorised-again", STUDENTS["memorised"])
    with formgrader(course, tmp_path / "home") as api:
        assignments_seen = api("GET", "/formgrader/api/assignments")
        assert [(a["name"], a["max_score"]) for a in assignments_seen] == [(AID, float(SPEC.total_points + SPEC.manual_points))]
        outcome = api("POST", f"/formgrader/api/submission/{AID}/memorised-again/autograde", data={})
        assert outcome["success"], outcome.get("log")
        submissions = api("GET", f"/formgrader/api/submissions/{AID}")
        scores = {s["student"]: s["score"] for s in submissions}
        assert scores["memorised-again"] == scores["memorised"] < scores["correct"]
        # formgrader lists the written answers to grade by hand
        assert {s["student"] for s in submissions if s["needs_manual_grade"]} == {"correct"}
