"""The benchmark scripts run and report: figures printed, CSV and PNG written.

No timing is asserted here (honest numbers live in benchmarks/RESULTS.md); these tests only
check that the scripts still work on a tiny size, and that bench_grading's score comparison
really catches a difference.
"""

import csv
import subprocess
import sys

import pytest

from tests.conftest import ROOT, course_env

PNG = b"\x89PNG\r\n\x1a\n"


def run(script, *args, timeout=300):
    """Run a benchmark script; ``bench_cluster`` as a module (``python -m benchmarks.bench_cluster``)."""
    how = ["-m", "benchmarks.bench_cluster"] if script == "bench_cluster.py" else [str(ROOT / "benchmarks" / script)]
    result = subprocess.run([sys.executable, *how, *args], cwd=ROOT,
                            env=course_env(), capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"{script} failed ({result.returncode}):\n{result.stdout}\n{result.stderr[-4000:]}"
    return result.stdout


def rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


@pytest.mark.slow
def test_grading_smoke_prints_and_writes_figures(tmp_path):
    out = run("bench_grading.py", "--smoke", "--variants", "stock", "ours", "--out", str(tmp_path))
    table = rows(tmp_path / "grading.csv")
    assert [(r["K"], r["variant"]) for r in table] == [("4", "stock"), ("4", "ours")]
    for r in table:
        assert float(r["wall_s"]) > 0 and float(r["notebooks_per_s"]) > 0 and float(r["peak_rss_mib"]) > 0
        assert r["stock_over_this"] and float(r["stock_over_this"]) > 0
    # the same students, the same scores: a mix of right, wrong and broken gives a mean below the maximum
    assert table[0]["mean_score"] == table[1]["mean_score"]
    assert 0 < float(table[0]["mean_score"]) < 10
    printed = [line.split()[:2] for line in out.splitlines() if line.strip().startswith("4 ")]
    assert printed == [["4", "stock"], ["4", "ours"]], out
    assert "identical" in out
    assert (tmp_path / "grading.png").read_bytes().startswith(PNG)


@pytest.mark.slow
def test_cluster_smoke_grades_the_same_on_a_dask_worker(tmp_path):
    out = run("bench_cluster.py", "--smoke", "--out", str(tmp_path), timeout=900)
    table = rows(tmp_path / "cluster.csv")
    assert [r["variant"] for r in table] == ["local --jobs 2", "dask, 1 worker(s)"]
    assert all(float(r["wall_s"]) > 0 and float(r["notebooks_per_s"]) > 0 for r in table)
    assert "grades.csv identical in every variant" in out


def test_reference_tiny_prints_and_writes_figures(tmp_path):
    out = run("bench_reference.py", "--max-n", "32", "--repeats", "1", "--out", str(tmp_path))
    table = rows(tmp_path / "reference.csv")
    assert [r["N"] for r in table] == ["16", "32"]
    for r in table:
        assert all(float(r[c]) > 0 for c in ("matrix_s", "loop_s", "matrix_peak_bytes", "loop_peak_bytes"))
    assert out.splitlines()[1].split()[0] == "16"
    assert (tmp_path / "reference.png").read_bytes().startswith(PNG)


def test_score_differences_are_reported():
    from benchmarks.bench_grading import differences

    same = {"s1": {"a": 1.0, "b": 2.0}}
    assert differences("stock", same, "ours", {"s1": {"a": 1.0, "b": 2.0}}, {}) == []
    diff = differences("stock", same, "ours", {"s1": {"a": 1.0, "b": 0.0}, "s2": {"a": 1.0}}, {"s1": "correct"})
    assert len(diff) == 2 and "s1 (correct)" in diff[0] and "s2" in diff[1]


def test_the_class_mixes_right_wrong_and_broken(tmp_path):
    from autograder import assignments
    from benchmarks.bench_grading import make_class

    kinds = make_class(assignments.get("02-dot-product"), 20, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(kinds)
    values = list(kinds.values())
    assert values.count("correct") == 12
    assert sum(v.startswith("mistake:") for v in values) == 4
    assert {"syntax-error", "exception", "untouched", "empty-file"} <= set(values)
    assert (tmp_path / next(s for s, k in kinds.items() if k == "empty-file") / "dot_product.ipynb").read_text() == ""
