"""Grading a class: intake → one task per student on N workers → gradebook, grades.csv, report.

:func:`grade_class` is what ``python -m autograder grade`` runs. The parent process

1. takes OUT (one grader at a time: ``OUT/.grader/lock``) and sets it up as an nbgrader
   course (:func:`autograder.store.outdir.prepare_course`, which also rebuilds a missing or
   damaged gradebook from the journal);
2. walks the submissions (:class:`autograder.intake.intake.Intake`, one student at a time) and
   skips every student whose journal entry (:mod:`autograder.store.journal`) has the same digest
   (notebook bytes + source + limits): an unchanged submission is never regraded;
3. hands each remaining student as a self-contained task (:func:`autograder.run.task.grade`) to
   ``--jobs`` long-lived workers (:mod:`autograder.run.pool`), or, with ``--scheduler``, to the
   workers of a Dask cluster (:mod:`autograder.run.cluster`), checked before any task runs;
4. writes the results to the gradebook itself (:mod:`autograder.store.gradebook`: ``OUT/gradebook.db``,
   or the database of ``--db``, reached before anything is written), in batches,
   and only **after** each commit writes the journal entries: a kill at any moment loses at
   most the batch in flight, which the next run grades again;
5. writes ``grades.csv`` (:mod:`autograder.reports.grades_csv`) and ``report.html``
   (:mod:`autograder.reports.report`) from the journal, each only when its content changed, and
   shows a progress line on stderr (:mod:`autograder.run.progress`).

A task's result does not depend on which worker ran it or on the other students, so
``--jobs N`` gives the same grades as ``--jobs 1``. That every process of the run dies
with the grader is :mod:`autograder.sandbox.lifetime`'s job.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from autograder.model import Result, Status
from autograder.store import gradebook
from autograder.store.files import hold_lock, remove_stale_run_folders, run_folder, sha256_file, write_if_changed
from autograder.store.gradebook import GradebookWriter
from autograder.reports.grades_csv import write_grades_csv
from autograder.intake.intake import Intake
from autograder.store.journal import STATE, read_journal
from autograder.store.outdir import prepare_course
from autograder.run.pool import run_tasks
from autograder.run.progress import Progress
from autograder.reports.report import write_report
from autograder.sandbox.limits import Limits
from autograder.assignments.sections import reread_links
from autograder.run.task import is_manual

GRADER_VERSION = "1"


class GraderBusy(RuntimeError):
    """Another grading run holds OUT."""


def grade_class(assignment_id, submissions, out, jobs=None, limits=None, sandbox=True, stream=sys.stderr,
                layout=None, scheduler=None, in_flight=None, db_url=None, zip_encoding=None, book_url=None):
    """Grade every student of ``submissions``; returns the list of results (one per student).

    ``book_url``: the course website's address, for the feedback pages' "Reread:" links
    (:func:`autograder.assignments.sections.reread_links`; None: links relative to the site's root).

    ``layout`` forces one of :data:`autograder.intake.lms.LAYOUTS` (detected when None);
    ``zip_encoding`` the encoding of a zip's names without the UTF-8 flag (detected when None).
    ``scheduler``: a Dask scheduler's address (grade there, at most ``in_flight`` tasks at a
    time; default twice its worker threads); ``db_url``: the gradebook's database (default
    ``OUT/gradebook.db``). Both are checked before OUT is touched; see `autograder.run.cluster`
    and `autograder.store.gradebook` for the errors they raise.
    """
    from autograder import assignments
    spec = assignments.get(assignment_id)
    out = Path(out).resolve()
    if db_url:
        gradebook.check_reachable(db_url)
    client = None
    if scheduler:
        from autograder.run import cluster
        client = cluster.connect(scheduler)
        try:
            threads = cluster.check_workers(client, sandbox)
        except BaseException:
            client.close()
            raise
        in_flight = in_flight or 2 * threads
    try:
        return _locked(spec, submissions, out, jobs, limits, sandbox, stream, layout, client, in_flight, db_url,
                       zip_encoding, book_url)
    finally:
        if client is not None:
            client.close()


def _locked(spec, submissions, out, jobs, limits, sandbox, stream, layout, client, in_flight, db_url, zip_encoding,
            book_url):
    (out / STATE).mkdir(parents=True, exist_ok=True)
    # One grader at a time in OUT. A killed run's lock is gone with its processes.
    out_lock = hold_lock(out / STATE / "lock", wait=10)
    if out_lock is None:
        raise GraderBusy(f"another grader is running with --out {out}; wait for it to end, or stop it")
    try:
        return _grade_class(spec, submissions, out, jobs, limits, sandbox, stream, layout, client, in_flight, db_url,
                            zip_encoding, book_url)
    except SQLAlchemyError as exc:  # the database server went away during the run
        if not db_url:
            raise
        reason = " ".join(str(getattr(exc, "orig", None) or exc).split())[:300]
        raise gradebook.GradebookUnreachable(
            f"lost the gradebook database {gradebook.shown(gradebook.url(out, db_url))}: {reason}; what was "
            "committed is kept, run the same command again to go on") from None
    finally:
        out_lock.close()


def _grade_class(spec, submissions, out, jobs, limits, sandbox, stream, layout, client, in_flight, db_url,
                 zip_encoding=None, book_url=None):
    limits = limits or Limits()
    jobs = jobs or os.cpu_count() or 1
    notebook = f"{spec.notebook}.ipynb"
    intake = Intake(submissions, spec.id, notebook, out / STATE / "intake", layout=layout, zip_encoding=zip_encoding)
    snap = prepare_course(out, spec, stream, db_url)
    reread = reread_links(spec, book_url)  # in the feedback pages: another site regrades
    config_digest = hashlib.sha256(json.dumps(
        [GRADER_VERSION, snap["source_digest"], limits.as_dict(), sandbox, reread],
        sort_keys=True).encode()).hexdigest()

    students, todo, identities = [], [], {}
    for sub in intake:  # only ids and paths are kept: O(class) small strings
        students.append(sub.student_id)
        identities[sub.student_id] = {**sub.identity.as_dict(), "late": sub.late}
        digest = hashlib.sha256(((sha256_file(sub.path) if sub.path else "missing") + config_digest
                                 + json.dumps(sub.notes)).encode()).hexdigest()
        old = read_journal(out, sub.student_id)
        if old and old.digest == digest:
            continue
        todo.append((sub, digest))

    progress = Progress(stream)
    progress.update(total=len(todo))
    writer = GradebookWriter(out, spec, db_url=db_url)

    def tasks():
        for sub, digest in todo:
            yield {"assignment": spec.id, "notebook": notebook, "student_id": sub.student_id,
                   "path": str(sub.path) if sub.path else None, "out": str(out), "limits": limits.as_dict(),
                   "sandbox": sandbox, "source": snap, "digest": digest, "notes": sub.notes, "reread": reread}

    def on_result(sent):
        result = Result.from_json(sent)  # a worker's result arrives as JSON
        writer.add(result)
        progress.update(result.status)

    # One short-named temporary folder for the whole run (kernels' sockets, tasks' copies),
    # removed at the end even when a worker or a kernel was killed on the way.
    remove_stale_run_folders()
    run_tmp, run_lock = run_folder()
    previous_tmp = os.environ.get("AUTOGRADER_TMP")
    os.environ["AUTOGRADER_TMP"] = run_tmp
    try:
        if client is not None:
            from autograder.run.cluster import run_on_cluster

            run_on_cluster(client, tasks(), in_flight, on_result)
        else:
            run_tasks(tasks(), jobs, on_result)
    finally:
        try:
            writer.close()  # raises when a database server went away: the rest still runs
        finally:
            progress.close()
            if previous_tmp is None:
                os.environ.pop("AUTOGRADER_TMP", None)
            else:
                os.environ["AUTOGRADER_TMP"] = previous_tmp
            from autograder.run.execute import discard_spares
            from autograder.sandbox.zygote import close_zygotes

            discard_spares()  # kernels started ahead in this process (--jobs 1)
            close_zygotes()  # and the zygote they were forked from
            shutil.rmtree(run_tmp, ignore_errors=True)
            run_lock.close()
    results = [read_journal(out, s) or _lost(s, spec) for s in students]
    write_if_changed(out / STATE / "intake.json", json.dumps(
        {"layout": intake.layout, "students": identities, "unmatched": intake.unmatched,
         "rejected": intake.rejected, "names": intake.names.summary() if intake.names else ""},
        indent=1, sort_keys=True, ensure_ascii=False))
    manual_cells = {c["name"]: c["points"] for c in snap["cells"] if is_manual(c)}
    manual = gradebook.manual_grades(gradebook.url(out, db_url), spec) if manual_cells else {}
    if manual is None:
        stream.write(f"the gradebook {gradebook.shown(gradebook.url(out, db_url))} could not be read: the points "
                     "given by hand are left out of grades.csv and counted as still to grade\n")
        manual = {r.student_id: {} for r in results if r.status is not Status.MISSING}
    write_grades_csv(out / "grades.csv", results, spec, identities, manual_cells, manual)
    write_report(out / "report.html", results, spec,
                 intake.rejected + [f"{path}: matched no student; not graded" for path in intake.unmatched],
                 manual_cells, manual)
    for line in intake.rejected:
        stream.write(f"rejected: {line}\n")
    return results


def _lost(student_id, spec):
    return Result(student_id, spec.id, status=Status.ERROR, max_score=float(spec.total_points),
                  notes=["no result was recorded"])
