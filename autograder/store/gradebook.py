"""nbgrader's gradebook, written by the grading run's parent process alone.

`GradebookWriter` commits results in batches and, only after each commit, writes their
journal entries (``OUT/.grader/results``): a kill at any moment loses at most the batch in
flight, which the next run grades again. `problem` tells a missing or damaged gradebook;
`autograder.store.outdir.prepare_course` then rebuilds it and `replay` writes the journal back
into it, so the grades are the same as before the damage.

The gradebook is ``OUT/gradebook.db`` (SQLite) unless ``--db URL`` names another database
that SQLAlchemy reaches, such as a course's PostgreSQL (``postgresql+psycopg://…``): `url`
picks it, `check_reachable` fails early and in one line (`GradebookUnreachable`) when it is
down, and `shown` prints it without its password.
"""

from __future__ import annotations

import sqlite3
import time
import warnings
from pathlib import Path

from autograder.errors import GraderError
from autograder.model import Result, Status
from autograder.store.journal import write_journal
from autograder.store.outdir import OutDir


class GradebookUnreachable(GraderError):
    """The gradebook's database server cannot be reached (down, wrong address, refused login)."""


def shown(db_url: str) -> str:
    """A database URL fit to print: its password hidden.

    Parameters
    ----------
    db_url : str
        A SQLAlchemy URL.

    Returns
    -------
    str
        The URL with its password as ``***``; as given when SQLAlchemy cannot parse it.
    """
    from sqlalchemy.engine import make_url

    try:
        return make_url(db_url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - a URL SQLAlchemy cannot parse is shown as given
        return db_url


def _engine(db_url):
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    kwargs = {"connect_args": {"connect_timeout": 10}} if db_url.startswith("postgresql") else {}
    return create_engine(db_url, poolclass=NullPool, **kwargs)


def check_reachable(db_url: str) -> None:
    """Check that a connection to the gradebook's database opens.

    Parameters
    ----------
    db_url : str
        A SQLAlchemy URL.

    Raises
    ------
    GradebookUnreachable
        With one line naming the database (password hidden) and why, unless it opens.
    """
    from sqlalchemy.exc import SQLAlchemyError

    try:
        with _engine(db_url).connect():
            pass
    except (SQLAlchemyError, ImportError) as exc:
        reason = " ".join(str(getattr(exc, "orig", None) or exc).split())
        raise GradebookUnreachable(f"the gradebook database {shown(db_url)} cannot be reached: {reason[:300]}") from None


class GradebookWriter:
    """Results into nbgrader's gradebook, committed in batches; journal entries after each commit.

    Parameters
    ----------
    out : str, os.PathLike or OutDir
        The OUT folder.
    spec : autograder.assignments.Assignment
        The assignment graded.
    batch : int, default 25
        Commit when this many results wait ...
    seconds : float, default 2.0
        ... or when the oldest commit is this old.
    journal : bool, default True
        Write each result's journal entry after its commit.
    db_url : str, optional
        The gradebook's database (default: ``OUT/gradebook.db``).
    """

    def __init__(self, out, spec, batch=25, seconds=2.0, journal=True, db_url=None):
        from nbgrader.api import Gradebook

        from autograder.authoring.course import COURSE_ID

        self.out, self.spec, self.journal = out, spec, journal
        self.gb = Gradebook(OutDir(out).gradebook_url(db_url), COURSE_ID)
        self.pending, self.batch, self.seconds, self.last = [], batch, seconds, time.monotonic()

    def add(self, result: Result) -> None:
        """Queue one result; commit the queue when it is full or old enough.

        Parameters
        ----------
        result : Result
        """
        self.pending.append(result)
        if len(self.pending) >= self.batch or time.monotonic() - self.last > self.seconds:
            self.flush()

    def flush(self) -> None:
        """Commit the queued results, then write their journal entries."""
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
            sid = r.student_id
            gb.update_or_create_student(sid)
            if r.status is Status.MISSING:
                try:
                    gb.remove_submission(aid, sid)
                except MissingEntry:
                    pass
                continue
            try:
                gb.find_submission(aid, sid)
            except MissingEntry:
                gb.add_submission(aid, sid)
            for pid, part in r.parts.items():
                _auto_score(gb.find_grade(pid, nbname, aid, sid), part.score)
            for cid, cell in r.manual.items():
                # graded by hand: no automatic score, except 0 for an answer left as handed out
                _auto_score(gb.find_grade(cid, nbname, aid, sid), None if cell.answered else 0.0)
        gb.db.commit()

    def close(self) -> None:
        """Commit what is queued and close the gradebook."""
        self.flush()
        self.gb.close()


def _auto_score(grade, score):
    """Set a grade's automatic score as nbgrader's ``SaveAutoGrades`` does: a grade with no automatic
    score, or with a manual one already, needs (another) look by hand in formgrader."""
    grade.auto_score = score
    grade.needs_manual_grade = grade.manual_score is not None or score is None


def out_url(out) -> str:
    """The gradebook of an OUT folder.

    Parameters
    ----------
    out : str, os.PathLike or OutDir
        The OUT folder.

    Returns
    -------
    str
        The ``db_url`` its ``nbgrader_config.py`` names (``grade --db``), else ``OUT/gradebook.db``,
        as a SQLAlchemy URL.
    """
    import ast
    import re

    try:
        text = OutDir(out).config.read_text(encoding="utf-8")
    except OSError:
        text = ""
    m = re.search(r"^c\.CourseDirectory\.db_url = (.+)$", text, re.MULTILINE)
    try:
        return OutDir(out).gradebook_url(ast.literal_eval(m.group(1)) if m else None)
    except (ValueError, SyntaxError):
        return OutDir(out).gradebook_url()


def manual_grades(db_url: str, spec) -> dict[str, dict[str, float | None]] | None:
    """The points of each cell graded by hand, as formgrader wrote them.

    Parameters
    ----------
    db_url : str
        The gradebook's SQLAlchemy URL.
    spec : autograder.assignments.Assignment

    Returns
    -------
    dict of str to dict, or None
        ``{student id: {cell id: points or None}}``: ``Grade.manual_score``; else the automatic
        0 of an answer left as handed out; None while nobody graded it. None when the
        gradebook cannot be read.
    """
    from nbgrader.api import Gradebook, MissingEntry
    from sqlalchemy.exc import SQLAlchemyError

    from autograder.authoring.course import COURSE_ID

    if db_url.startswith("sqlite:///") and not Path(db_url[len("sqlite:///"):]).is_file():
        return None  # opening it would create an empty one
    found = {}
    try:
        with warnings.catch_warnings(), Gradebook(db_url, COURSE_ID) as gb:
            warnings.simplefilter("ignore")
            try:
                notebook = gb.find_notebook(spec.notebook, spec.id)
            except MissingEntry:
                return {}
            manual = {c.name for c in notebook.grade_cells} & {c.name for c in notebook.solution_cells}
            if not manual:
                return {}
            for sub in gb.notebook_submissions(spec.notebook, spec.id):
                found[sub.student.id] = {
                    g.name: g.manual_score if g.manual_score is not None else g.auto_score
                    for g in sub.grades if g.name in manual}
    except (SQLAlchemyError, OSError):
        return None
    return found


def manual_points(cells: dict[str, float], graded: dict[str, float | None] | None) -> tuple[float | None, float]:
    """The points one student got by hand so far, and those still to be graded.

    Parameters
    ----------
    cells : dict of str to float
        The cells graded by hand, with their points.
    graded : dict or None
        The student's entry of `manual_grades` (None: no submission, nothing to grade).

    Returns
    -------
    given : float or None
        The points given by hand so far (None while none is).
    ungraded : float
        The points still to be graded.
    """
    if graded is None:
        return None, 0.0
    given = [graded[c] for c in cells if graded.get(c) is not None]
    return (sum(given) if given else None), sum(p for c, p in cells.items() if graded.get(c) is None)


def problem(out, spec, db_url: str | None = None) -> str | None:
    """What is wrong with the gradebook of an OUT folder, if anything.

    Parameters
    ----------
    out : str, os.PathLike or OutDir
        The OUT folder.
    spec : autograder.assignments.Assignment
        The assignment it must hold.
    db_url : str, optional
        A database server's URL (default: ``OUT/gradebook.db``).

    Returns
    -------
    str or None
        None when the gradebook is readable and holds ``spec``'s assignment; else what is
        wrong: ``"missing"``, ``"unreadable (...)"``, ``"damaged (...)"`` or
        ``"without the assignment ..."``.

    Raises
    ------
    GradebookUnreachable
        When the database server cannot be reached: no damage to repair.
    """
    if db_url:
        return _server_problem(db_url, spec)
    path = OutDir(out).gradebook_file
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


def _server_problem(db_url, spec):
    """`problem` for a database server: no nbgrader tables, or not this assignment."""
    from sqlalchemy import inspect, text

    check_reachable(db_url)
    engine = _engine(db_url)
    with engine.connect() as con:
        if not inspect(con).has_table("assignment"):
            return "missing"
        if not con.execute(text("SELECT count(*) FROM assignment WHERE name = :name"), {"name": spec.id}).scalar():
            return f"without the assignment {spec.id}"
    return None


def replay(out: Path, spec, results: list[Result], db_url: str | None = None) -> None:
    """Write results from the journal into a new gradebook; the journal stays as it is.

    Parameters
    ----------
    out : Path
        The OUT folder.
    spec : autograder.assignments.Assignment
    results : list of Result
        The journal's entries (those of another assignment are left out).
    db_url : str or None
        The gradebook's database (None: ``OUT/gradebook.db``).
    """
    writer = GradebookWriter(out, spec, journal=False, db_url=db_url)
    for result in results:
        if result.assignment == spec.id:
            writer.add(result)
    writer.close()
