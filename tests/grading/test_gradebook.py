"""A missing, truncated or corrupt gradebook is rebuilt from the journal: same grades, one line."""

import shutil

import pytest

from tests.grading.cases import write_class
from tests.grading.conftest import grade, grade_new
from tests.grading.students import ASSIGNMENT

pytestmark = pytest.mark.slow

PICKED = ["s01-correct", "s06-blank", "s08-additive-wrong", "s40-no-notebook"]


def gradebook_scores(out):
    from nbgrader.api import Gradebook, MissingEntry

    scores = {}
    with Gradebook(f"sqlite:///{out / 'gradebook.db'}") as gb:
        for sid in PICKED:
            try:
                scores[sid] = gb.find_submission(ASSIGNMENT, sid).score
            except MissingEntry:
                scores[sid] = None
    return scores


@pytest.fixture(scope="module")
def graded(course_template, tmp_path_factory):
    base = tmp_path_factory.mktemp("gradebook")
    subs = write_class(base / "subs", PICKED)
    out = base / "out"
    grade_new(course_template, subs, out)
    return subs, out, (out / "grades.csv").read_text(), gradebook_scores(out)


def truncate(db):
    db.write_bytes(db.read_bytes()[: db.stat().st_size // 3])


def scribble(db):
    data = bytearray(db.read_bytes())
    data[100:4096] = b"\xa5" * (4096 - 100)  # the schema pages
    db.write_bytes(bytes(data))


def empty(db):
    db.write_bytes(b"")


def remove(db):
    db.unlink()


@pytest.mark.parametrize("damage, word", [(truncate, "damaged"), (scribble, "damaged"), (empty, "damaged"),
                                          (remove, "missing")])
def test_damaged_gradebook_is_rebuilt_with_the_same_grades(graded, tmp_path, damage, word):
    subs, clean_out, csv_text, scores = graded
    out = tmp_path / "out"
    shutil.copytree(clean_out, out)
    damage(out / "gradebook.db")
    result = grade(subs, out, jobs=2)
    lines = [line for line in result.stderr.splitlines() if "gradebook" in line]
    assert len(lines) == 1 and word in lines[0] and "rebuilt it from the 4 result(s)" in lines[0], result.stderr
    assert "graded 0 notebook(s)" in result.stderr  # nothing was graded again
    assert (out / "grades.csv").read_text() == csv_text
    assert gradebook_scores(out) == scores
    kept = list(out.glob("gradebook.db.damaged-*"))
    assert len(kept) == (0 if damage is remove else 1)  # the damaged file is kept, never deleted
    # and the run after that has nothing to say
    again = grade(subs, out, jobs=2)
    assert "gradebook" not in again.stderr
