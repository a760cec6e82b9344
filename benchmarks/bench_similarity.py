"""How long ``python -m autograder similarity`` takes for a class of K students (issue 22: 300 in under a minute).

    python -m benchmarks.bench_similarity [--students 300] [--repeat 3]   # from the repository's root

The OUT folder is made in the layout ``grade`` writes (``.grader/source.json``, grades.csv,
the journal, ``autograded/<student>/<assignment>/<notebook>``), without grading: grading is
not what is measured. Each student's 02-dot-product notebook has an ``attend`` written in one of
the 256 ways of ``tests/grading/varied.py``, the reference for the other answers, and a comment
line naming the student at the top of every answer, so no two answers are the same text and
every one is tokenised (as in a real class). Two students copied one ``attend`` (renamed).
The time is the whole command, Python's start and imports included, as an instructor runs it;
written to ``benchmarks/results/similarity.csv`` with the CPU time it used (one process: the
command is single-threaded) and the load average before each run.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from autograder.model import Result
from autograder.store import csv_safe
from autograder.store.journal import write_journal
from autograder.store.outdir import OutDir
from tests.grading.students import ASSIGNMENT, NOTEBOOK, SOURCE_NB, solutions, submission
from tests.grading.varied import COPIED, COPIED_RENAMED, attend_variant

ROOT = Path(__file__).resolve().parents[1]


def make_out(out, k):
    source = json.loads(SOURCE_NB.read_text(encoding="utf-8"))
    cells = [{"name": m["grade_id"], "solution": bool(m.get("solution")), "grade": bool(m.get("grade"))}
             for c in source["cells"] if (m := c["metadata"].get("nbgrader") or {}).get("grade_id")]
    layout = OutDir(out)
    layout.results.mkdir(parents=True)
    layout.source_json.write_text(json.dumps({"assignment": ASSIGNMENT, "cells": cells}))
    sol = solutions()
    rows = []
    for n in range(k):
        sid = f"s{n:03d}"
        attend = COPIED if n == 1 else COPIED_RENAMED if n == k - 2 else attend_variant(n * 37 % 256)
        answers = {cell: f"# {sid}\n{code}" for cell, code in {**sol, "attend_answer": attend}.items()}
        rel = OutDir.autograded(sid, ASSIGNMENT, NOTEBOOK)
        (out / rel).parent.mkdir(parents=True)
        (out / rel).write_text(submission(answers=answers), encoding="utf-8")
        write_journal(out, Result(sid, ASSIGNMENT, autograded=rel))
        rows.append([sid, ASSIGNMENT, "10", "10", "graded", f"Student {n}"])
    with open(layout.grades_csv, "w", encoding="utf-8", newline="") as f:
        w = csv_safe.writer(f)
        w.writerow(["student_id", "assignment", "score", "max_score", "status", "name"])
        w.writerows(rows)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--students", type=int, default=300)
    p.add_argument("--repeat", type=int, default=3)
    args = p.parse_args()
    results = ROOT / "benchmarks" / "results" / "similarity.csv"
    new = not results.exists()
    with tempfile.TemporaryDirectory() as tmp, open(results, "a", encoding="utf-8", newline="") as f:
        w = csv_safe.writer(f)
        if new:
            w.writerow(["students", "run", "seconds", "cpu_seconds", "pairs_listed", "load_1min_before"])
        out = Path(tmp) / "out"
        make_out(out, args.students)
        for run in range(args.repeat):
            load = os.getloadavg()[0]
            cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            done = subprocess.run([sys.executable, "-m", "autograder", "similarity", str(out), "--to",
                                   str(Path(tmp) / f"report-{run}")], cwd=ROOT, capture_output=True, text=True,
                                  check=True)
            seconds = time.perf_counter() - start
            used = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu_seconds = used.ru_utime + used.ru_stime - cpu.ru_utime - cpu.ru_stime
            listed = done.stdout.split()[0]
            w.writerow([args.students, run, f"{seconds:.1f}", f"{cpu_seconds:.1f}", listed, f"{load:.2f}"])
            print(f"{args.students} students, run {run}: {seconds:.1f} s wall, {cpu_seconds:.1f} CPU-s, "
                  f"{listed} pair(s) listed, load {load:.2f}")


if __name__ == "__main__":
    main()
