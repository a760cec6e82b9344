"""`OutDir`: every path under the OUT folder of a grading run, named in this module alone.

Layout::

    OUT/gradebook.db                nbgrader's gradebook (SQLite; or a database server named by
                                    ``--db URL``), written by the parent only
    OUT/nbgrader_config.py, source/, release/
                                    the nbgrader course (config, source and release notebooks)
    OUT/.grader/source.json         the source snapshot that every task carries
                                    (`autograder.store.prepare.source_snapshot`)
    OUT/.grader/results/<id>.json   the journal: one result per student, written after the
                                    gradebook commit that holds it (see `autograder.store.gradebook`)
    OUT/.grader/intake.json         what the intake found (layout, identities, unmatched files)
    OUT/.grader/intake/             the intake's working folder (a zip's entries, extracted)
    OUT/.grader/lock                held by the running grader: one grader per OUT
    OUT/grades.csv, report.html     the class's scores and report
    OUT/feedback/, autograded/      one feedback page and one graded notebook per student
"""

from __future__ import annotations

import os
from pathlib import Path

from autograder.errors import GraderError

#: The grader's own state inside OUT.
STATE = ".grader"
#: nbgrader's gradebook, when it is SQLite.
GRADEBOOK = "gradebook.db"


class OutDir:
    """The OUT folder of one assignment's grading run, and the path of everything in it.

    Parameters
    ----------
    root : str or os.PathLike
        The folder (it need not exist yet); an `OutDir` is accepted too.

    Attributes
    ----------
    root : Path
        The folder, as given.
    """

    def __init__(self, root: str | os.PathLike):
        self.root = Path(os.fspath(root))

    def __fspath__(self) -> str:
        return os.fspath(self.root)

    def __str__(self) -> str:
        return str(self.root)

    def __repr__(self) -> str:
        return f"OutDir({str(self.root)!r})"

    def create(self) -> None:
        """Make OUT and its state folder.

        Raises
        ------
        GraderError
            When OUT, or a folder of it, exists and is not a folder.
        """
        for folder in (self.root, self.state):
            if folder.exists() and not folder.is_dir():
                raise GraderError(f"--out {self.root}: {folder} is a file, not a folder; give another OUT")
        try:
            self.state.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise GraderError(f"--out {self.root}: cannot make the folder ({exc.strerror or exc})") from None

    # the grader's own state
    @property
    def state(self) -> Path:
        """``OUT/.grader``: the grader's state."""
        return self.root / STATE

    @property
    def lock(self) -> Path:
        """``OUT/.grader/lock``: held by the running grader."""
        return self.state / "lock"

    @property
    def source_json(self) -> Path:
        """``OUT/.grader/source.json``: the source snapshot."""
        return self.state / "source.json"

    @property
    def results(self) -> Path:
        """``OUT/.grader/results``: the journal's folder."""
        return self.state / "results"

    def result(self, student_id: str) -> Path:
        """``OUT/.grader/results/<student_id>.json``: one student's journal entry.

        Parameters
        ----------
        student_id : str
            The student's safe id.

        Returns
        -------
        Path
        """
        return self.results / f"{student_id}.json"

    @property
    def intake_json(self) -> Path:
        """``OUT/.grader/intake.json``: what the intake found."""
        return self.state / "intake.json"

    @property
    def intake_work(self) -> Path:
        """``OUT/.grader/intake``: the intake's working folder."""
        return self.state / "intake"

    # the nbgrader course
    @property
    def gradebook_file(self) -> Path:
        """``OUT/gradebook.db``: the SQLite gradebook."""
        return self.root / GRADEBOOK

    def gradebook_url(self, db_url: str | None = None) -> str:
        """The gradebook's SQLAlchemy URL.

        Parameters
        ----------
        db_url : str, optional
            A database server's URL (``--db``); it wins when given.

        Returns
        -------
        str
            ``db_url``, or SQLite's ``OUT/gradebook.db``.
        """
        return db_url or f"sqlite:///{self.gradebook_file}"

    @property
    def config(self) -> Path:
        """``OUT/nbgrader_config.py``."""
        return self.root / "nbgrader_config.py"

    def release(self, assignment_id: str, notebook: str) -> Path:
        """``OUT/release/<assignment>/<notebook>.ipynb``: the notebook handed out.

        Parameters
        ----------
        assignment_id : str
        notebook : str
            The notebook's name without ``.ipynb``.

        Returns
        -------
        Path
        """
        return self.root / "release" / assignment_id / f"{notebook}.ipynb"

    # what a run writes for the instructor and the students
    @property
    def grades_csv(self) -> Path:
        """``OUT/grades.csv``."""
        return self.root / "grades.csv"

    @property
    def report(self) -> Path:
        """``OUT/report.html``."""
        return self.root / "report.html"

    @staticmethod
    def feedback(student_id: str, assignment_id: str, notebook: str) -> str:
        """A feedback page's path relative to OUT (how a result names it).

        Parameters
        ----------
        student_id : str
        assignment_id : str
        notebook : str
            The notebook's file name (``.ipynb`` or not).

        Returns
        -------
        str
            ``feedback/<student>/<assignment>/<notebook>.html``.
        """
        return f"feedback/{student_id}/{assignment_id}/{Path(notebook).stem}.html"

    @staticmethod
    def autograded(student_id: str, assignment_id: str, notebook: str) -> str:
        """A graded notebook's path relative to OUT (how a result names it).

        Parameters
        ----------
        student_id : str
        assignment_id : str
        notebook : str
            The notebook's file name, ``.ipynb`` included.

        Returns
        -------
        str
            ``autograded/<student>/<assignment>/<notebook>``.
        """
        return f"autograded/{student_id}/{assignment_id}/{notebook}"
