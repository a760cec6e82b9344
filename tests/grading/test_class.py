"""The done-when: one command grades a class of 40 varied submissions, right for everyone.

Also: --jobs 1 gives the same grades as --jobs 2, a zip works like a folder, a rerun changes
nothing, a changed submission is regraded alone, and a killed batch resumes where it stopped.
"""

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import pytest

from autograder.store.outdir import STATE
from tests.conftest import ROOT, course_env
from tests.grading.cases import CLASS, status_expected, write_class
from tests.grading.conftest import FAST, grade
from tests.grading.students import ASSIGNMENT, submission

pytestmark = pytest.mark.slow


def rows(out):
    with open(out / "grades.csv", newline="") as f:
        return {r["student_id"]: r for r in csv.DictReader(f)}


@pytest.fixture(scope="module")
def graded_class(course_template, tmp_path_factory):
    base = tmp_path_factory.mktemp("class")
    subs = write_class(base / "submissions")
    out = base / "out"
    shutil.copytree(course_template, out)
    start = time.monotonic()
    result = grade(subs, out, jobs=2)
    print(f"\n40 submissions graded with --jobs 2 in {time.monotonic() - start:.1f} s")
    return subs, out, result


def test_every_status_and_score_is_right(graded_class):
    _, out, result = graded_class
    got = rows(out)
    wrong = {sid: (got.get(sid, {}).get("status"), got.get(sid, {}).get("score"), got.get(sid, {}).get("note"))
             for sid, (_, _, score) in CLASS.items()
             if sid not in got or not status_expected(sid, got[sid]["status"]) or float(got[sid]["score"]) != score}
    assert not wrong, json.dumps(wrong, indent=1)
    assert list(next(iter(got.values())))[:5] == ["student_id", "assignment", "score", "max_score", "status"]
    assert "40 student(s)" in result.stdout


def test_parts_and_gradebook_agree_with_the_csv(graded_class):
    from nbgrader.api import Gradebook, MissingEntry

    _, out, _ = graded_class
    got = rows(out)
    assert got["s08-additive-wrong"]["additive_score"] == "0" and got["s08-additive-wrong"]["softmax"] == "3"
    with Gradebook(f"sqlite:///{out / 'gradebook.db'}") as gb:
        for sid, row in got.items():
            if row["status"] == "missing":
                with pytest.raises(MissingEntry):
                    gb.find_submission(ASSIGNMENT, sid)
                continue
            assert gb.find_submission(ASSIGNMENT, sid).score == pytest.approx(float(row["score"])), sid


def test_feedback_pages_show_messages_never_hidden_tests(graded_class):
    _, out, _ = graded_class
    for sid in CLASS:
        page = out / "feedback" / sid / ASSIGNMENT / "dot_product.html"
        text = page.read_text()
        assert "HIDDEN TESTS" not in text and "_sa_probe" not in text, sid
        assert "vnd.self-attention" not in text or sid == "s37-forged-report", sid  # s37 wrote it itself
    wrong = (out / "feedback" / "s08-additive-wrong" / ASSIGNMENT / "dot_product.html").read_text()
    assert "Part &#39;The additive score&#39;" in wrong or "Part 'The additive score'" in wrong
    assert "additive-no-tanh" in wrong  # the catalogued mistake is named
    crashed = (out / "feedback" / "s17-os-exit" / ASSIGNMENT / "dot_product.html").read_text()
    assert "Status: crashed" in crashed
    missing = (out / "feedback" / "s40-no-notebook" / ASSIGNMENT / "dot_product.html").read_text()
    assert "Status: missing" in missing


def test_report_has_figures_and_every_flagged_submission(graded_class):
    _, out, _ = graded_class
    html = (out / "report.html").read_text()
    assert html.count("<svg") == 2
    for external in ('src="http', "src='http", 'href="http', "url(http", "<script", "<link"):
        assert external not in html  # works offline
    flagged = html[html.index('id="flagged"'):]
    for sid, (_, status, _) in CLASS.items():
        if status != "graded":
            assert sid in flagged, sid
    assert "numpy.py: not a notebook; discarded" in flagged


def _snapshot(out):
    return {str(p.relative_to(out)): p.stat().st_mtime_ns for p in out.rglob("*")
            if p.is_file() and "intake" not in p.parts}


def test_rerun_changes_nothing_and_a_changed_submission_is_regraded(graded_class, tmp_path):
    subs0, out0, _ = graded_class
    subs, out = tmp_path / "subs", tmp_path / "out"
    shutil.copytree(subs0, subs)
    shutil.copytree(out0, out)
    before = _snapshot(out)
    grade(subs, out)
    assert _snapshot(out) == before  # nothing regraded, nothing rewritten
    (subs / "s06-blank" / "dot_product.ipynb").write_text(submission())
    grade(subs, out)
    after = _snapshot(out)
    changed = {p for p in after if after[p] != before.get(p)}
    assert f"{STATE}/results/s06-blank.json" in changed
    assert not {p for p in changed if "results/" in p and "s06-blank" not in p}
    assert rows(out)["s06-blank"]["score"] == "10"


SUBSET = ["s01-correct", "s06-blank", "s08-additive-wrong", "s12-loop-cell", "s17-os-exit", "s20-empty-file",
          "s26-output-flood", "s39-exec-defined", "s40-no-notebook"]


def test_jobs_1_from_a_zip_gives_the_same_grades(graded_class, fresh_out, tmp_path):
    subs0, out0, _ = graded_class
    z = tmp_path / "class.zip"
    with zipfile.ZipFile(z, "w") as zf:
        for sid in SUBSET:
            for path in sorted((subs0 / sid).rglob("*")):
                zf.write(path, path.relative_to(subs0).as_posix())
    grade(z, fresh_out, jobs=1)
    parallel, sequential = rows(out0), rows(fresh_out)
    assert set(sequential) == set(SUBSET)
    for sid in SUBSET:
        assert sequential[sid] == parallel[sid], sid


def test_killed_batch_resumes_with_only_what_is_missing(fresh_out, tmp_path):
    quick = ["s01-correct", "s06-blank", "s07-only-dot", "s08-additive-wrong", "s09-attend-wrong", "s19-syntax-error"]
    subs = write_class(tmp_path / "subs", quick)
    cmd = [sys.executable, "-m", "autograder", "grade", ASSIGNMENT, str(subs), "--out", str(fresh_out),
           "--jobs", "1", *FAST]
    # A temporary folder of this test's own (short: socket paths are limited), so that the run
    # folders of other graders on the machine are not counted.
    private_tmp = Path(tempfile.mkdtemp(prefix="agt-", dir="/tmp"))
    env = {**course_env(), "TMPDIR": str(private_tmp)}
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    results = fresh_out / STATE / "results"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not (results.exists() and any(results.iterdir())):
        time.sleep(0.1)
    import psutil

    kernels = [p for p in psutil.Process(proc.pid).children(recursive=True)]
    os.kill(proc.pid, signal.SIGKILL)  # the grader alone: its kernels must not outlive it
    proc.wait()
    gone, alive = psutil.wait_procs(kernels, timeout=10)
    assert not alive, [p.cmdline()[:3] for p in alive]
    done = {p.name: p.stat().st_mtime_ns for p in results.iterdir() if p.suffix == ".json"}
    assert 0 < len(done) < len(quick), done
    left = list(private_tmp.glob("ag-run-*"))
    assert left  # the killed run's temporary folder...
    grade(subs, fresh_out, jobs=1, env=env)
    assert not any(p.exists() for p in left)  # ...is removed by the next run
    shutil.rmtree(private_tmp, ignore_errors=True)
    assert {p.name: p.stat().st_mtime_ns for p in results.iterdir() if p.name in done} == done
    got = rows(fresh_out)
    assert {sid: (got[sid]["status"], float(got[sid]["score"])) for sid in quick} == \
        {sid: (CLASS[sid][1], CLASS[sid][2]) for sid in quick}


def test_bad_arguments_exit_non_zero(tmp_path):
    env = course_env()
    for args, words in [(["grade", "99-nope", str(tmp_path), "--out", str(tmp_path / "o")], "unknown assignment"),
                        (["grade", ASSIGNMENT, str(tmp_path / "none"), "--out", str(tmp_path / "o")], "does not exist"),
                        (["grade", ASSIGNMENT, str(tmp_path), "--out", str(tmp_path / "o"), "--jobs", "0"], "at least 1")]:
        r = subprocess.run([sys.executable, "-m", "autograder", *args], cwd=ROOT, env=env, capture_output=True, text=True)
        assert r.returncode == 2 and words in r.stderr, (args, r.stderr)


def test_no_sandbox_is_explicit_and_still_checks_outside_the_kernel(fresh_out, tmp_path):
    """--no-sandbox (never the default) warns; the grader-side check still stops the cheats."""
    picked = ["s01-correct", "s30-import-reference", "s32-read-reference"]
    subs = write_class(tmp_path / "subs", picked)
    result = grade(subs, fresh_out, "--no-sandbox", jobs=1)
    assert "WARNING: --no-sandbox" in result.stderr
    got = rows(fresh_out)
    assert (got["s01-correct"]["status"], got["s01-correct"]["score"]) == ("graded", "10")
    assert got["s30-import-reference"]["score"] == "0"
    assert got["s32-read-reference"]["score"] == "0"
