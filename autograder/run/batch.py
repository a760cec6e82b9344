"""Grading a class: intake → one task per student on N workers → gradebook, grades.csv, report.

:func:`grade_class` is what ``python -m autograder grade`` runs. The parent process

1. takes OUT (:class:`autograder.store.outdir.OutDir`; one grader at a time: ``OUT/.grader/lock``) and sets it up as an nbgrader
   course (:func:`autograder.store.prepare.prepare_course`, which also rebuilds a missing or
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

import dataclasses
import hashlib
import json
import os
import shutil
import sys
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from autograder.errors import GraderError
from autograder.model import Result, Status, Task
from autograder.store import gradebook
from autograder.store.files import hold_lock, remove_stale_run_folders, run_folder, sha256_file, write_if_changed
from autograder.store.gradebook import GradebookWriter
from autograder.reports.grades_csv import write_grades_csv
from autograder.intake.intake import Intake, IntakeSummary
from autograder.store.journal import read_journal
from autograder.store.outdir import OutDir
from autograder.store.prepare import prepare_course
from autograder.run.context import RunConfig
from autograder.run.pool import run_tasks
from autograder.run.progress import Progress
from autograder.reports.report import write_report
from autograder.assignments.sections import reread_links
from autograder.run.task import is_manual

GRADER_VERSION = "1"


class GraderBusy(GraderError):
    """Another grading run holds OUT."""


@dataclasses.dataclass
class ClassGraded:
    """What `grade_class` gives back.

    Parameters
    ----------
    results : list of dict
        One result per student, in student order (the journal's entries).
    intake : IntakeSummary
        What the intake found (also saved in ``OUT/.grader/intake.json``).
    """

    results: list
    intake: IntakeSummary


def grade_class(assignment_id: str, submissions, out, config: RunConfig | None = None,
                stream=sys.stderr) -> ClassGraded:
    """Grade every student of ``submissions``; returns a `ClassGraded` (the results and the intake's summary).

    ``config.scheduler`` and ``config.db_url`` are checked before OUT is touched; see
    `autograder.run.cluster` and `autograder.store.gradebook` for the errors they raise.

    Parameters
    ----------
    assignment_id : str
    submissions : str or Path
        The LMS download (a folder or a zip).
    out : str or Path
        The OUT folder.
    config : RunConfig or None
        How to grade (None: every default).
    stream : file
        Where the progress line and the rejected submissions are written.

    Returns
    -------
    ClassGraded
        One result per student, and what the intake found.
    """
    from autograder import assignments
    config = config or RunConfig()
    spec = assignments.get(assignment_id)
    out = OutDir(Path(out).resolve())
    if config.db_url:
        gradebook.check_reachable(config.db_url)
    client = None
    in_flight = config.in_flight
    if config.scheduler:
        from autograder.run import cluster
        client = cluster.connect(config.scheduler)
        try:
            threads = cluster.check_workers(client, config.sandbox)
        except BaseException:
            client.close()
            raise
        in_flight = in_flight or 2 * threads
    try:
        return _locked(spec, submissions, out, config, stream, client, in_flight)
    finally:
        if client is not None:
            client.close()


def _locked(spec, submissions, out, config, stream, client, in_flight):
    out.create()
    # One grader at a time in OUT. A killed run's lock is gone with its processes.
    out_lock = hold_lock(out.lock, wait=10)
    if out_lock is None:
        raise GraderBusy(f"another grader is running with --out {out}; wait for it to end, or stop it")
    try:
        return _grade_class(spec, submissions, out, config, stream, client, in_flight)
    except SQLAlchemyError as exc:  # the database server went away during the run
        if not config.db_url:
            raise
        reason = " ".join(str(getattr(exc, "orig", None) or exc).split())[:300]
        raise gradebook.GradebookUnreachable(
            f"lost the gradebook database {gradebook.shown(out.gradebook_url(config.db_url))}: {reason}; what was "
            "committed is kept, run the same command again to go on") from None
    finally:
        out_lock.close()


def _grade_class(spec, submissions, out, config, stream, client, in_flight):
    limits, sandbox, db_url = config.limits, config.sandbox, config.db_url
    jobs = config.jobs or os.cpu_count() or 1
    notebook = f"{spec.notebook}.ipynb"
    intake = Intake(submissions, spec.id, notebook, out.intake_work, layout=config.layout,
                    zip_encoding=config.zip_encoding)
    snap = prepare_course(out, spec, stream, db_url)
    reread = reread_links(spec, config.book_url)  # in the feedback pages: another site regrades
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
            yield Task(spec.id, notebook, sub.student_id, str(out.root), snap,
                       path=str(sub.path) if sub.path else None, limits=limits.as_dict(), sandbox=sandbox,
                       prefetch=config.prefetch, digest=digest, notes=tuple(sub.notes), reread=reread)

    def on_result(result):
        writer.add(result)
        progress.update(result.status)

    # One short-named temporary folder for the whole run (each worker's folder is in it),
    # removed at the end even when a worker or a kernel was killed on the way.
    remove_stale_run_folders()
    run_tmp, run_lock = run_folder()
    try:
        if client is not None:
            from autograder.run.cluster import run_on_cluster

            run_on_cluster(client, tasks(), in_flight, on_result)
        else:
            run_tasks(tasks(), jobs, on_result, temp_parent=run_tmp)  # closes the contexts it made
    finally:
        try:
            writer.close()  # raises when a database server went away: the rest still runs
        finally:
            progress.close()
            shutil.rmtree(run_tmp, ignore_errors=True)
            run_lock.close()
    results = [read_journal(out, s) or _lost(s, spec) for s in students]
    seen = IntakeSummary(intake.layout, identities, intake.unmatched, intake.rejected,
                         intake.names.summary() if intake.names else "")
    write_if_changed(out.intake_json, json.dumps(seen.as_dict(), indent=1, sort_keys=True, ensure_ascii=False))
    manual_cells = {c["name"]: c["points"] for c in snap["cells"] if is_manual(c)}
    manual = gradebook.manual_grades(out.gradebook_url(db_url), spec) if manual_cells else {}
    if manual is None:
        stream.write(f"the gradebook {gradebook.shown(out.gradebook_url(db_url))} could not be read: the points "
                     "given by hand are left out of grades.csv and counted as still to grade\n")
        manual = {r.student_id: {} for r in results if r.status is not Status.MISSING}
    write_grades_csv(out.grades_csv, results, spec, identities, manual_cells, manual)
    write_report(out.report, results, spec,
                 intake.rejected + [f"{path}: matched no student; not graded" for path in intake.unmatched],
                 manual_cells, manual)
    for line in intake.rejected:
        stream.write(f"rejected: {line}\n")
    return ClassGraded(results, seen)


def _lost(student_id, spec):
    return Result(student_id, spec.id, status=Status.ERROR, max_score=float(spec.total_points),
                  notes=["no result was recorded"])
