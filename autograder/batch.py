"""Grading a class: intake → one task per student on N workers → gradebook, grades.csv, report.

:func:`grade_class` is what ``python -m autograder grade`` runs. The parent process

1. sets up OUT as an nbgrader course (X's :func:`autograder.course.make_course`: config,
   ``source/``, ``generate_assignment``; redone only when the source notebook changed) and
   takes a snapshot of the source cells from the gradebook (:func:`source_snapshot`);
2. walks the submissions (:class:`autograder.intake.Intake`, one student at a time) and
   skips every student whose journal entry ``OUT/.grader/results/<student>.json`` has the same
   digest (notebook bytes + source + limits): an unchanged submission is never regraded;
3. hands each remaining student as a self-contained task (:func:`autograder.task.grade`) to
   ``--jobs`` long-lived worker processes (nbgrader is imported once per worker, at most
   ``2 × jobs`` tasks in flight, so memory does not grow with the class);
4. writes the results to the gradebook (SQLite in OUT) itself, in batches, and only **after**
   each commit writes the journal entries: a kill at any moment loses at most the batch in
   flight, which the next run grades again;
5. writes ``grades.csv`` and ``report.html`` from the journal (each only when its content
   changed), and shows a progress bar with counts and ETA on stderr.

A task's result does not depend on which worker ran it or on the other students, so
``--jobs N`` gives the same grades as ``--jobs 1``.
"""

from __future__ import annotations

import concurrent.futures as cf
import csv
import fcntl
import hashlib
import io
import json
import multiprocessing
import os
import shutil
import sys
import tempfile
import time
import warnings
from pathlib import Path

from . import task as task_mod
from .intake import Intake
from .sandbox import Limits
from .task import _atomic_write

GRADER_VERSION = "1"
STATE = ".grader"


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


# ----------------------------------------------------------------------------- the course in OUT

def prepare_course(out, spec, sandbox=True):
    """OUT as an nbgrader course for ``spec`` (generate_assignment run); returns the source snapshot."""
    from . import course

    source_dir = course.SOURCE / spec.id
    source_nb = source_dir / f"{spec.notebook}.ipynb"
    if not source_nb.exists():
        raise SystemExit(f"assignment {spec.id} has no source notebook at {source_nb}; run `python -m autograder build`")
    stamp_path = out / STATE / "source.json"
    digest = sha256_file(source_nb)
    if stamp_path.exists():
        snap = json.loads(stamp_path.read_text())
        if snap.get("source_digest") == digest and (out / "gradebook.db").exists():
            return snap
    course.make_course(out, [spec.id])
    snap = source_snapshot(out, spec)
    snap["source_digest"] = digest
    _atomic_write(stamp_path, json.dumps(snap, indent=1, sort_keys=True))
    return snap


def source_snapshot(out, spec):
    """The source cells as nbgrader's gradebook holds them (hidden tests included), in notebook order.

    Order and cell types come from the released notebook; text, locks, checksums and points
    from the gradebook, as nbgrader's ``OverwriteCells`` would use them.
    """
    import nbformat
    from nbgrader.api import Gradebook

    from .course import COURSE_ID

    release = nbformat.read(out / "release" / spec.id / f"{spec.notebook}.ipynb", as_version=4)
    with Gradebook(f"sqlite:///{out / 'gradebook.db'}", COURSE_ID) as gb:
        notebook = gb.find_notebook(spec.notebook, spec.id)
        sources = {c.name: c for c in notebook.source_cells}
        grades = {c.name: c for c in notebook.grade_cells}
        solutions = {c.name for c in notebook.solution_cells}
        cells = []
        for cell in release.cells:
            gid = (cell.metadata.get("nbgrader") or {}).get("grade_id")
            if gid is None or gid not in sources:
                continue
            src = sources[gid]
            cells.append({
                "name": gid, "cell_type": src.cell_type, "locked": bool(src.locked), "source": src.source,
                "checksum": src.checksum, "grade": gid in grades, "solution": gid in solutions,
                "points": float(grades[gid].max_score) if gid in grades else None,
                "release": cell.source,  # what the student was given (no hidden tests)
            })
    return {"assignment": spec.id, "notebook": spec.notebook, "cells": cells}


# ----------------------------------------------------------------------------- the gradebook (parent only)

class GradebookWriter:
    """Results into nbgrader's gradebook, committed in batches; journal entries after each commit."""

    def __init__(self, out, spec, batch=25, seconds=2.0):
        from nbgrader.api import Gradebook

        from .course import COURSE_ID

        self.out, self.spec = out, spec
        self.gb = Gradebook(f"sqlite:///{out / 'gradebook.db'}", COURSE_ID)
        self.pending, self.batch, self.seconds, self.last = [], batch, seconds, time.monotonic()

    def add(self, result):
        self.pending.append(result)
        if len(self.pending) >= self.batch or time.monotonic() - self.last > self.seconds:
            self.flush()

    def flush(self):
        if not self.pending:
            return
        with warnings.catch_warnings():
            # nbgrader's add_submission trips SQLAlchemy 2's autoflush warnings; harmless
            warnings.simplefilter("ignore")
            self._write()
        for r in self.pending:
            _atomic_write(journal_path(self.out, r["student_id"]), json.dumps(r, indent=1, sort_keys=True))
        self.pending, self.last = [], time.monotonic()

    def _write(self):
        from nbgrader.api import MissingEntry

        gb, aid, nbname = self.gb, self.spec.id, self.spec.notebook
        for r in self.pending:
            sid = r["student_id"]
            gb.update_or_create_student(sid)
            if r["status"] == "missing":
                try:
                    gb.remove_submission(aid, sid)
                except MissingEntry:
                    pass
                continue
            try:
                gb.find_submission(aid, sid)
            except MissingEntry:
                gb.add_submission(aid, sid)
            for pid, part in r["parts"].items():
                grade = gb.find_grade(pid, nbname, aid, sid)
                grade.auto_score = part["score"]
        gb.db.commit()

    def close(self):
        self.flush()
        self.gb.close()


def journal_path(out, student_id):
    return out / STATE / "results" / f"{student_id}.json"


def read_journal(out, student_id):
    try:
        return json.loads(journal_path(out, student_id).read_text())
    except (OSError, ValueError):
        return None


# ----------------------------------------------------------------------------- workers

_POOL_PRELOAD = ["autograder.task", "autograder.execute", "autograder.check", "nbgrader.preprocessors", "nbconvert"]


def _warm_worker():
    # Import what every task needs once per worker, not once per notebook.
    import autograder.check  # noqa: F401
    import autograder.execute  # noqa: F401
    task_mod._feedback_exporter()


def make_pool(jobs):
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(_POOL_PRELOAD)
    return cf.ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_warm_worker)


def run_tasks(tasks, jobs, on_result, fn=None):
    """Run ``fn`` (default :func:`autograder.task.grade`) on ``tasks`` (an iterator) with ``jobs``
    workers, calling ``on_result`` in the parent as each ends."""
    fn = fn or task_mod.grade
    if jobs <= 1:
        for t in tasks:
            on_result(fn(t))
        return
    pool = make_pool(jobs)
    in_flight = {}  # future -> (task, attempt)
    tasks = iter(tasks)
    try:
        while True:
            for t in tasks:
                in_flight[pool.submit(fn, t)] = (t, 1)
                if len(in_flight) >= 2 * jobs:
                    break
            if not in_flight:
                return
            done, _ = cf.wait(in_flight, return_when=cf.FIRST_COMPLETED)
            broken = []
            for f in done:
                t, attempt = in_flight.pop(f)
                try:
                    on_result(f.result())
                except cf.process.BrokenProcessPool:
                    broken.append((t, attempt))
            if broken:
                # A worker process died (not a kernel: those die alone), taking the pool down.
                # Each task that was in flight runs again alone in a fresh worker; one that
                # kills that worker too is that student's error, and the batch goes on.
                broken += list(in_flight.values())
                in_flight = {}
                pool.shutdown(wait=False, cancel_futures=True)
                for t, _ in broken:
                    with make_pool(1) as alone:
                        try:
                            on_result(alone.submit(fn, t).result())
                        except cf.process.BrokenProcessPool:
                            on_result(_worker_died(t))
                pool = make_pool(jobs)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _worker_died(t):
    result = task_mod.result_skeleton(t)
    result["status"] = "error"
    result["notes"].append("the grading worker process died twice on this notebook")
    return result


# ----------------------------------------------------------------------------- progress

class Progress:
    """``[#####-----] 12/40  ETA 0:35  graded 10, timeout 1`` on stderr."""

    def __init__(self, stream=sys.stderr):
        self.stream, self.total, self.done, self.counts = stream, None, 0, {}
        self.start = time.monotonic()
        self.tty = hasattr(stream, "isatty") and stream.isatty()
        self.last_line = 0.0

    def update(self, status=None, total=None):
        if total is not None:
            self.total = total
        if status is not None:
            self.done += 1
            self.counts[status] = self.counts.get(status, 0) + 1
        now = time.monotonic()
        if not self.tty and now - self.last_line < 5 and self.done != self.total:
            return
        self.last_line = now
        total = self.total if self.total is not None else "?"
        elapsed = now - self.start
        eta = "--:--"
        if self.total and self.done:
            left = elapsed / self.done * (self.total - self.done)
            eta = f"{int(left // 60)}:{int(left % 60):02d}"
        frac = self.done / self.total if self.total else 0
        bar = "#" * int(30 * frac) + "-" * (30 - int(30 * frac))
        counts = ", ".join(f"{k} {v}" for k, v in sorted(self.counts.items()))
        line = f"[{bar}] {self.done}/{total}  ETA {eta}  {counts}"
        self.stream.write(("\r" + line + "\033[K") if self.tty else line + "\n")
        self.stream.flush()

    def close(self):
        if self.tty:
            self.stream.write("\n")
        self.stream.write(f"graded {self.done} notebook(s) in {time.monotonic() - self.start:.1f} s\n")
        self.stream.flush()


# ----------------------------------------------------------------------------- the command

def grade_class(assignment_id, submissions, out, jobs=None, limits=None, sandbox=True, stream=sys.stderr,
                layout=None):
    """Grade every student of ``submissions``; returns the list of results (one per student).

    ``layout`` forces one of :data:`autograder.lms.LAYOUTS` (detected when None).
    """
    from . import assignments

    spec = assignments.get(assignment_id)
    out = Path(out).resolve()
    (out / STATE).mkdir(parents=True, exist_ok=True)
    # One grader at a time in OUT. A killed run's lock is gone with its processes.
    out_lock = _lock(out / STATE / "lock", wait=10)
    if out_lock is None:
        raise GraderBusy(f"another grader is running with --out {out}; wait for it to end, or stop it")
    try:
        return _grade_class(spec, submissions, out, jobs, limits, sandbox, stream, layout)
    finally:
        out_lock.close()


class GraderBusy(RuntimeError):
    """Another grading run holds OUT."""


def _grade_class(spec, submissions, out, jobs, limits, sandbox, stream, layout):
    limits = limits or Limits()
    jobs = jobs or os.cpu_count() or 1
    notebook = f"{spec.notebook}.ipynb"
    intake = Intake(submissions, spec.id, notebook, out / STATE / "intake", layout=layout)
    snap = prepare_course(out, spec, sandbox)
    config_digest = hashlib.sha256(json.dumps(
        [GRADER_VERSION, snap["source_digest"], limits.as_dict(), sandbox], sort_keys=True).encode()).hexdigest()

    students, todo, identities = [], [], {}
    for sub in intake:  # only ids and paths are kept: O(class) small strings
        students.append(sub.student_id)
        identities[sub.student_id] = {**sub.identity.as_dict(), "late": sub.late}
        digest = hashlib.sha256(((sha256_file(sub.path) if sub.path else "missing") + config_digest
                                 + json.dumps(sub.notes)).encode()).hexdigest()
        old = read_journal(out, sub.student_id)
        if old and old.get("digest") == digest:
            continue
        todo.append((sub, digest))

    progress = Progress(stream)
    progress.update(total=len(todo))
    writer = GradebookWriter(out, spec)

    def tasks():
        for sub, digest in todo:
            yield {"assignment": spec.id, "notebook": notebook, "student_id": sub.student_id,
                   "path": str(sub.path) if sub.path else None, "out": str(out), "limits": limits.as_dict(),
                   "sandbox": sandbox, "source": snap, "digest": digest, "notes": sub.notes}

    def on_result(result):
        writer.add(result)
        progress.update(result["status"])

    # One short-named temporary folder for the whole run (kernels' sockets, tasks' copies),
    # removed at the end even when a worker or a kernel was killed on the way.
    _remove_stale_run_folders()
    run_tmp, run_lock = _run_folder()
    previous_tmp = os.environ.get("AUTOGRADER_TMP")
    os.environ["AUTOGRADER_TMP"] = run_tmp
    try:
        run_tasks(tasks(), jobs, on_result)
    finally:
        writer.close()
        progress.close()
        if previous_tmp is None:
            os.environ.pop("AUTOGRADER_TMP", None)
        else:
            os.environ["AUTOGRADER_TMP"] = previous_tmp
        from .execute import _discard_spares

        _discard_spares()  # kernels started ahead in this process (--jobs 1)
        shutil.rmtree(run_tmp, ignore_errors=True)
        run_lock.close()
    results = [read_journal(out, s) or _lost(s, spec) for s in students]
    write_if_changed(out / STATE / "intake.json", json.dumps(
        {"layout": intake.layout, "students": identities, "unmatched": intake.unmatched,
         "rejected": intake.rejected}, indent=1, sort_keys=True, ensure_ascii=False))
    write_grades_csv(out / "grades.csv", results, spec, identities)
    from .report import write_report

    write_report(out / "report.html", results, spec,
                 intake.rejected + [f"{path}: matched no student; not graded" for path in intake.unmatched])
    for line in intake.rejected:
        stream.write(f"rejected: {line}\n")
    return results


def _lock(path, wait=0.0):
    """An open file holding an exclusive ``flock`` on ``path``, or None when another process
    holds it after ``wait`` seconds. The kernel drops the lock when its holder dies."""
    f = open(path, "a")
    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return f
        except BlockingIOError:
            if time.monotonic() >= deadline:
                f.close()
                return None
            time.sleep(0.1)


def _run_folder():
    """(path, lock) of a new temporary folder for this run, locked while the run lives.

    Made under another name and renamed once locked, so that no other run ever sees it
    unlocked and takes it for a dead run's folder.
    """
    new = tempfile.mkdtemp(prefix="ag-new-")
    lock = _lock(os.path.join(new, ".lock"))
    path = os.path.join(os.path.dirname(new), "ag-run-" + os.path.basename(new)[len("ag-new-"):])
    os.rename(new, path)
    return path, lock


def _remove_stale_run_folders():
    """Temporary folders left by runs that were killed (nothing holds their lock any more)."""
    for folder in Path(tempfile.gettempdir()).glob("ag-run-*"):
        try:
            lock = _lock(folder / ".lock") if (folder / ".lock").exists() else None
        except OSError:  # removed meanwhile by another run
            continue
        if lock is not None:
            shutil.rmtree(folder, ignore_errors=True)
            lock.close()


def _lost(student_id, spec):
    return {"student_id": student_id, "assignment": spec.id, "status": "error", "score": 0.0,
            "max_score": float(spec.total_points), "parts": {}, "notes": ["no result was recorded"]}


def write_if_changed(path, text):
    path = Path(path)
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    _atomic_write(path, text)
    return True


IDENTITY_COLUMNS = ["name", "lms", "lms_id", "late"]


def _num(x):
    return f"{float(x):g}"


def write_grades_csv(path, results, spec, identities=None):
    """grades.csv: the contract's columns, the student's identity (name, LMS, LMS id, late),
    one column per graded part, and a note."""
    part_ids = [p.id for p in spec.parts]
    identities = identities or {}
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["student_id", "assignment", "score", "max_score", "status", *IDENTITY_COLUMNS, *part_ids, "note"])
    for r in sorted(results, key=lambda r: r["student_id"]):
        parts = r.get("parts", {})
        who = identities.get(r["student_id"], {})
        w.writerow([r["student_id"], r["assignment"], _num(r["score"]), _num(r["max_score"]), r["status"],
                    who.get("name", r["student_id"]), who.get("lms", ""), who.get("lms_id", ""),
                    "late" if who.get("late") else "",
                    *[_num(parts[p]["score"]) if p in parts else "" for p in part_ids],
                    " | ".join(r.get("notes", []))])
    return write_if_changed(path, buf.getvalue())
