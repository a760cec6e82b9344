"""A grader killed with SIGKILL at any moment leaves no process behind, and the rerun's grades
equal a clean run's.

Each round starts ``python -m autograder grade`` under :mod:`tests.grading.reaper` (a child
subreaper: whatever the grader leaves, however orphaned, is counted there and nowhere else),
kills the grader alone at one moment of the run, asserts that no process of the run is
alive a few seconds later, reruns the grade command on the same OUT and compares
grades.csv with that of an uninterrupted run. The assertions hold whatever the exact moment
the kill lands, so the test does not depend on timing.
"""

import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT, course_env
from tests.grading.cases import CLASS, nb
from tests.grading.conftest import grade, grade_new
from tests.grading.students import ASSIGNMENT

pytestmark = pytest.mark.slow

# A student whose code starts a daemon (double fork, new session) that would sleep for ten
# minutes, and one whose cells are still running when most kills land.
DAEMON = ("import os, time\n"
          "if os.fork() == 0:\n"
          "    os.setsid()\n"
          "    if os.fork() == 0:\n"
          "        time.sleep(600)\n"
          "    os._exit(0)\n")
EXTRA = {
    "k01-daemon": nb(after={"setup": DAEMON}),
    # three cells of 2 s each: a worker that outlived its grader would go on for seconds
    "k02-slow-cells": nb(after={gid: "import time\ntime.sleep(2)\n" for gid in ("setup", "dot_product_score", "softmax")}),
}
PICKED = ["s01-correct", "s06-blank", "s08-additive-wrong", "s19-syntax-error", "s20-empty-file"]
MOMENTS = [("start", 0.3), ("worker", 0.0), ("kernel", 0.0), ("kernel", 1.5), ("result", 0.0), ("result", 0.4)]


def write_students(folder):
    students = {sid: CLASS[sid][0] for sid in PICKED} | EXTRA
    for sid, files in students.items():
        for rel, content in files.items():
            path = folder / sid / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content, encoding="utf-8")
    return folder


def grades(out):
    return (out / "grades.csv").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def clean(course_template, tmp_path_factory):
    """The submissions, and grades.csv of an uninterrupted run."""
    base = tmp_path_factory.mktemp("kill")
    subs = write_students(base / "subs")
    grade_new(course_template, subs, base / "clean", limits=())
    return subs, grades(base / "clean")


def kill_at(when, delay, subs, out, jobs=2):
    cmd = [sys.executable, "-m", "autograder", "grade", ASSIGNMENT, str(subs), "--out", str(out),
           "--jobs", str(jobs)]  # the default limits: no status depends on how loaded the machine is
    r = subprocess.run([sys.executable, "-m", "tests.grading.reaper", "--when", when, "--delay", str(delay),
                        "--out", str(out), "--wait", "3", "--", *cmd],
                       cwd=ROOT, env=course_env(), capture_output=True, text=True, timeout=400)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


@pytest.mark.parametrize("when,delay", MOMENTS, ids=[f"{w}+{d}s" for w, d in MOMENTS])
def test_kill_leaves_nothing_and_rerun_equals_clean_run(when, delay, clean, fresh_out):
    subs, expected = clean
    report = kill_at(when, delay, subs, fresh_out)
    assert report["left"] == [], f"alive {report['waited']} s after the kill at {report['moment']} s: {report['left']}"
    grade(subs, fresh_out, jobs=2, limits=())
    assert grades(fresh_out) == expected


def test_kill_with_one_job_leaves_nothing(clean, fresh_out):
    subs, expected = clean
    report = kill_at("kernel", 0.5, subs, fresh_out, jobs=1)
    assert report["left"] == [], report
    grade(subs, fresh_out, jobs=1, limits=())
    assert grades(fresh_out) == expected
