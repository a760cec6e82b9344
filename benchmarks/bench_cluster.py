"""Grading throughput on a Dask cluster against the number of worker processes on this machine.

    python -m benchmarks.bench_cluster [--k 40] [--workers 1 2 4] [--out benchmarks/results]
    python -m benchmarks.bench_cluster --smoke      # K = 4, one worker: checks the script, not the speed

Run it as a module from the repository's root: it starts its cluster with the tests' own
``tests.grading.servers.DaskCluster``.

One folder of K synthetic students (``bench_grading.make_class``: reference answers,
catalogued mistakes, broken notebooks) is graded, one variant after the other in this one run:

- ``local``: ``python -m autograder grade … --jobs 2`` (the local pool, as a yardstick);
- ``dask-N``: a ``dask scheduler`` and N ``dask worker`` processes (one thread each) on
  127.0.0.1, then ``python -m autograder grade … --scheduler tcp://127.0.0.1:PORT``.

Each cluster is started, and its workers have imported the grader (a two-student class graded
first, not timed), before the timed run. Every variant's grades.csv must be byte for byte the
local one: otherwise the script exits 1. Prints a table and writes ``cluster.csv``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

from autograder.store import csv_safe
from benchmarks.bench_grading import make_class, prepare, revision, run_measured

ROOT = Path(__file__).resolve().parents[1]


def grade_cmd(spec, subs, out, *extra):
    return [sys.executable, "-m", "autograder", "grade", spec.id, str(subs), "--out", str(out), *extra]


def timed_run(spec, subs, template, work, name, *extra):
    out = work / name
    shutil.copytree(template, out)
    wall, _, cpu, code = run_measured(grade_cmd(spec, subs, out, *extra), ROOT, work / f"{name}.log")
    if code != 0:
        raise SystemExit(f"{name} failed (exit {code}); see {work / (name + '.log')}")
    return wall, cpu, (out / "grades.csv").read_bytes()


def main(argv=None):
    from autograder import assignments
    from tests.grading.servers import DaskCluster

    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--k", type=int, default=40)
    p.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    p.add_argument("--assignment", default="02-dot-product")
    p.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    p.add_argument("--smoke", action="store_true")
    args = p.parse_args(argv)
    if args.smoke:
        args.k, args.workers = 4, [1]
    spec = assignments.get(args.assignment)
    work = Path(tempfile.mkdtemp(prefix="bench-cluster-"))
    rows, failed = [], False
    try:
        subs = work / "subs"
        make_class(spec, args.k, subs)
        warm = work / "warm"
        make_class(spec, 2, warm)
        _, template = prepare(spec, work)
        load = os.getloadavg()[0]
        wall, cpu, reference = timed_run(spec, subs, template, work, "local", "--jobs", "2")
        rows.append({"variant": "local --jobs 2", "workers": 2, "wall_s": wall, "cpu_s": cpu, "load_1min_before": load})
        for n in args.workers:
            cluster = DaskCluster(workers=n)
            try:
                timed_run(spec, warm, template, work, f"warm-{n}", "--scheduler", cluster.address)
                load = os.getloadavg()[0]
                wall, _, grades = timed_run(spec, subs, template, work, f"dask-{n}", "--scheduler", cluster.address)
            finally:
                cluster.close()
            if grades != reference:
                print(f"dask-{n}: grades.csv differs from the local run's", file=sys.stderr)
                failed = True
            # the workers' CPU is not in the command's process tree: only wall time is comparable
            rows.append({"variant": f"dask, {n} worker(s)", "workers": n, "wall_s": wall, "cpu_s": "",
                         "load_1min_before": load})
    finally:
        shutil.rmtree(work, ignore_errors=True)
    base = rows[1]["wall_s"]
    print(f"K = {args.k}, {spec.id}, commit {revision()}, {os.cpu_count()} cores")
    print(f"{'variant':<22} {'wall s':>8} {'notebooks/s':>12} {'vs 1 worker':>12} {'load':>6}")
    for r in rows:
        r["notebooks_per_s"] = args.k / r["wall_s"]
        r["speedup_vs_1_worker"] = base / r["wall_s"]
        print(f"{r['variant']:<22} {r['wall_s']:>8.1f} {r['notebooks_per_s']:>12.2f} "
              f"{r['speedup_vs_1_worker']:>12.2f} {r['load_1min_before']:>6.1f}")
    args.out.mkdir(parents=True, exist_ok=True)
    with open(args.out / "cluster.csv", "w", newline="") as f:
        w = csv_safe.dict_writer(f, list(rows[0]))
        w.writeheader()
        for r in rows:
            w.writerow({k: f"{v:.3f}" if isinstance(v, float) else v for k, v in r.items()})
    print("grades.csv identical in every variant" if not failed else "GRADES DIFFER")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
