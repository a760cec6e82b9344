"""nbgrader's gradebook, written by the grading run's parent process alone.

`GradebookWriter` commits results in batches and, only after each commit, writes their
journal entries (``OUT/.grader/results``): a kill at any moment loses at most the batch in
flight, which the next run grades again. `problem` tells a missing or damaged gradebook;
`autograder.outdir.prepare_course` then rebuilds it and `replay` writes the journal back
into it, so the grades are the same as before the damage.
"""

from __future__ import annotations

import sqlite3
import time
import warnings

from .journal import write_journal


class GradebookWriter:
    """Results into nbgrader's gradebook, committed in batches; journal entries after each commit."""

    def __init__(self, out, spec, batch=25, seconds=2.0, journal=True):
        from nbgrader.api import Gradebook

        from .course import COURSE_ID

        self.out, self.spec, self.journal = out, spec, journal
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
        for r in self.pending if self.journal else ():
            write_journal(self.out, r)
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


def problem(path, spec):
    """None when ``path`` is a readable gradebook that holds ``spec``'s assignment; else what is wrong."""
    if not path.exists():
        return "missing"
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        return f"unreadable ({exc})"
    try:
        check = con.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            return f"damaged ({check})"
        if not con.execute("SELECT count(*) FROM assignment WHERE name = ?", (spec.id,)).fetchone()[0]:
            return f"without the assignment {spec.id}"
    except sqlite3.Error as exc:
        return f"damaged ({exc})"
    finally:
        con.close()
    return None


def replay(out, spec, results):
    """Write ``results`` (from the journal) into a new gradebook; the journal stays as it is."""
    writer = GradebookWriter(out, spec, journal=False)
    for result in results:
        if result.get("assignment") == spec.id:
            writer.add(result)
    writer.close()
