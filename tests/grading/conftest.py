"""Fixtures of the grading tests: a prepared course folder, and running the grade command."""

import os
import shutil
import subprocess
import sys

import pytest

from tests.conftest import ROOT, course_env
from tests.grading.students import ASSIGNMENT

# Small limits keep the faulty submissions quick; the defaults are tested in test_sandbox.
FAST = ["--cell-timeout", "4", "--cpu", "20", "--timeout", "40"]


@pytest.fixture(scope="session")
def course_template(tmp_path_factory):
    """An OUT folder with the nbgrader course set up (generate_assignment run), no students yet."""
    from autograder import assignments
    from autograder.store.prepare import prepare_course
    from autograder.authoring.course import ensure_path

    ensure_path()
    out = tmp_path_factory.mktemp("course") / "out"
    prepare_course(out, assignments.get(ASSIGNMENT))
    return out


@pytest.fixture
def fresh_out(course_template, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(course_template, out)
    return out


def grade_new(course_template, submissions, out, *extra, jobs=2, limits=FAST):
    """Grade into a new OUT made from the prepared course; return the CompletedProcess."""
    shutil.copytree(course_template, out)
    return grade(submissions, out, *extra, jobs=jobs, limits=limits)


def grade(submissions, out, *extra, jobs=2, check=True, env=None, limits=FAST):
    """Run ``python -m autograder grade`` as an instructor would; return the CompletedProcess."""
    cmd = [sys.executable, "-m", "autograder", "grade", ASSIGNMENT, str(submissions), "--out", str(out),
           "--jobs", str(jobs), *limits, *extra]
    result = subprocess.run(cmd, cwd=ROOT, env=env or course_env(), capture_output=True, text=True, timeout=600)
    if check and result.returncode != 0:
        raise AssertionError(f"grade failed ({result.returncode}):\n{result.stdout}\n{result.stderr[-5000:]}")
    return result
