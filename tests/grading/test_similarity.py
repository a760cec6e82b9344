"""The done-when of the similarity report, on a class graded for real.

24 students hand in 02-dot-product: 20 honest ones whose ``attend`` is written in 20 different
ways (all correct), two who copied one ``attend`` (the second renamed every variable), and two
who made the same rare mistake (``additive-no-tanh``) in different code. The rest of each
notebook is the reference, as most of a class writes a short function the usual way.
"""

import csv
import re
import subprocess
import sys

import pytest

from autograder.store import csv_safe
from tests.conftest import ROOT, course_env
from tests.grading.conftest import grade_new
from tests.grading.students import NOTEBOOK, submission
from tests.grading.varied import COPIED, COPIED_RENAMED, NO_TANH_A, NO_TANH_B, attend_variant, honest_numbers

pytestmark = pytest.mark.slow

COPIER_B = '=1+2 <i>copier'  # a name that a spreadsheet would run and a page would render, unless kept safe
HONEST = {f"honest-{k:02d}": {"attend_answer": attend_variant(n)} for k, n in enumerate(honest_numbers(20))}
CLASS = {
    **HONEST,
    "copier-a": {"attend_answer": COPIED},
    COPIER_B: {"attend_answer": COPIED_RENAMED},
    "rare-a": {"attend_answer": attend_variant(250), "additive_score_answer": NO_TANH_A},
    "rare-b": {"attend_answer": attend_variant(147), "additive_score_answer": NO_TANH_B},
}


@pytest.fixture(scope="module")
def report(course_template, tmp_path_factory):
    base = tmp_path_factory.mktemp("similarity")
    for name, answers in CLASS.items():
        path = base / "class" / name / NOTEBOOK
        path.parent.mkdir(parents=True)
        path.write_text(submission(answers=answers), encoding="utf-8")
    out, to = base / "out", base / "report"
    grade_new(course_template, base / "class", out)
    result = subprocess.run([sys.executable, "-m", "autograder", "similarity", str(out), "--to", str(to),
                             "--threshold", "0"], cwd=ROOT, env=course_env(), capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr[-4000:]
    with open(out / "grades.csv", encoding="utf-8", newline="") as f:
        ids = {csv_safe.read_cell(r["name"]): r["student_id"] for r in csv.DictReader(f)}
    with open(to / "similarity.csv", encoding="utf-8", newline="") as f:
        raw = list(csv.reader(f))
    return ids, raw, to


def pair_rows(ids, raw):
    """{frozenset of the two names: (similarity, rare mistakes shared)}, from the CSV."""
    header = raw[0]
    col = {name: header.index(name) for name in header}
    names = {sid: name for name, sid in ids.items()}
    found = {}
    for row in raw[1:]:
        key = frozenset((names[row[col["first_id"]]], names[row[col["second_id"]]]))
        found[key] = (float(row[col["similarity"]]), row[col["rare_mistakes_shared"]])
    return found


def test_the_copied_pair_ranks_above_every_honest_pair(report):
    ids, raw, _ = report
    pairs = pair_rows(ids, raw)
    copied = pairs[frozenset(("copier-a", COPIER_B))]
    honest = [sim for key, (sim, _) in pairs.items() if key <= set(HONEST)]
    assert honest, "the honest students' attends share some code: some pairs are listed"
    assert copied[0] > max(honest) and copied[0] >= 0.9
    first = raw[1]
    assert {first[2], first[4]} == {ids["copier-a"], ids[COPIER_B]}  # rank 1


def test_the_rare_mistake_pair_is_marked_and_no_honest_pair_is(report):
    ids, raw, to = report
    pairs = pair_rows(ids, raw)
    assert "additive-no-tanh" in pairs[frozenset(("rare-a", "rare-b"))][1]
    assert all(mark == "" for key, (_, mark) in pairs.items() if key != frozenset(("rare-a", "rare-b")))
    page = (to / "similarity.html").read_text(encoding="utf-8")
    assert "a reason to look, not proof" in page
    marked = re.findall(r"<tr class='marked'>(.*?)</tr>", page)
    assert len(marked) == 1 and ids["rare-a"] in marked[0] and ids["rare-b"] in marked[0]


def test_the_report_is_safe_and_links_side_by_side_pages(report):
    ids, raw, to = report
    assert all(not csv_safe.is_formula(cell) for row in raw for cell in row)
    assert any(cell == "'" + COPIER_B for row in raw for cell in row)
    page = (to / "similarity.html").read_text(encoding="utf-8")
    assert "<i>" not in page and "=1+2 &lt;i&gt;copier" in page
    links = re.findall(r'href="([^"]+)"', page)
    assert links and all(not re.match(r"[a-z]+:", url) for url in links)  # offline: nothing to fetch
    side = (to / links[0]).read_text(encoding="utf-8")
    assert side.count("<mark>") >= 2 and "<i>" not in side  # the copied slices of both, highlighted
