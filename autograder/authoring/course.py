"""A stock nbgrader course directory for the assignments, and a simple sequential autograde.

``write_course(root, ids)`` (``python -m autograder course DIR``) writes ``root/nbgrader_config.py``
(:func:`config_text`) and copies ``autograder/source/<id>/`` to ``root/source/<id>/``: a course
that stock ``nbgrader`` and formgrader grade with the hidden checks. ``make_course`` also runs
``generate_assignment`` (so the gradebook holds the source cells that ``OverwriteCells``
restores). ``autograde(root, id, {student: notebook})`` grades submissions one after the
other, in this process (importing nbgrader costs ~1.6 s, paid once), and returns per-part
scores read from the gradebook plus ProbeCheck's verdicts.

The settings (:func:`settings`): the autograde preprocessors are nbgrader's defaults with
:class:`autograder.judge.check.ProbeCheck` right after ``Execute`` (:func:`autograde_preprocessors`);
``OverwriteCells.add_missing_cells`` restores deleted test cells; ``generate_feedback`` drops
the hidden tests (:func:`feedback_preprocessors`); the cell timeout is the grader's
(``Limits.cell_timeout``). The kernel is started by :class:`ScratchKernelManager`: in an empty
scratch directory and without the grader's ``PYTHONPATH``. That is no sandbox: the kernel runs
as the grader's user, in its Python environment (see ``autograder.sandbox.bwrap`` for one).
"""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from autograder.sandbox.limits import Limits
from autograder.sandbox.scratch import ScratchKernelManager

#: The nbgrader source notebooks, hidden tests included (package data; ``autograder.authoring.build`` writes them).
SOURCE = Path(__file__).resolve().parents[1] / "source"
COURSE_ID = "self-attention"
#: nbgrader's ``Execute`` with :class:`ScratchKernelManager`, the first autograde preprocessor.
SCRATCH_EXECUTE = "autograder.authoring.course.ScratchExecute"

def _execute_class():
    from nbgrader.preprocessors import Execute

    class ScratchExecute(Execute):
        """nbgrader's Execute with :class:`ScratchKernelManager` (Execute forces its own class otherwise)."""

        def __init__(self, *args, **kwargs):
            kwargs.setdefault("kernel_manager_class", ScratchKernelManager)
            super().__init__(*args, **kwargs)

    return ScratchExecute


def __getattr__(name):  # ScratchExecute is built lazily: importing nbgrader costs ~1.6 s
    if name == "ScratchExecute":
        return _execute_class()
    raise AttributeError(name)


def autograde_preprocessors() -> list[str]:
    """nbgrader's default autograde preprocessors, with our kernel and ``ProbeCheck`` after it.

    Returns
    -------
    list of str
        The preprocessors' dotted class names, in order.
    """
    return [
        SCRATCH_EXECUTE,
        "autograder.judge.check.ProbeCheck",
        "nbgrader.preprocessors.IgnorePattern",
        "nbconvert.preprocessors.ClearMetadataPreprocessor",
        "nbgrader.preprocessors.LimitOutput",
        "nbgrader.preprocessors.SaveAutoGrades",
        "nbgrader.preprocessors.AssignLatePenalties",
        "nbgrader.preprocessors.CheckCellMetadata",
    ]


def feedback_preprocessors() -> list[str]:
    """nbgrader's default feedback preprocessors, then ``ClearHiddenTests``.

    Stock ``generate_feedback`` shows the autograded notebook as it is, hidden tests included;
    this removes them, as ``generate_assignment`` does for the students' copy.

    Returns
    -------
    list of str
        The preprocessors' dotted class names, in order.
    """
    return [
        "nbgrader.preprocessors.GetGrades",
        "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
        "nbgrader.preprocessors.ClearHiddenTests",
    ]


def settings(db_url: str | None = None) -> dict:
    """The course's nbgrader settings, the course root apart.

    Parameters
    ----------
    db_url : str, optional
        The gradebook's SQLAlchemy URL (default: nbgrader's, ``gradebook.db`` in the course root).

    Returns
    -------
    dict
        ``{"Class.trait": value}``.
    """
    found = {
        "CourseDirectory.course_id": COURSE_ID,
        "Autograde.autograde_preprocessors": autograde_preprocessors(),
        "GenerateFeedback.preprocessors": feedback_preprocessors(),
        "OverwriteCells.add_missing_cells": True,
        "Execute.timeout": Limits().cell_timeout,
        "Execute.shutdown_kernel": "immediate",
    }
    if db_url:
        found["CourseDirectory.db_url"] = db_url
    return found


def config(root, db_url: str | None = None):
    """A traitlets ``Config`` of :func:`settings` for a course directory.

    Parameters
    ----------
    root : str or os.PathLike
        The course directory.
    db_url : str, optional
        The gradebook's SQLAlchemy URL (default: nbgrader's, ``gradebook.db`` in the course root).

    Returns
    -------
    traitlets.config.Config
    """
    from traitlets.config import Config

    c = Config()
    c.CourseDirectory.root = str(root)
    for key, value in settings(db_url).items():
        cls, trait = key.split(".")
        c[cls][trait] = value
    return c


CONFIG_HEADER = """\
# nbgrader configuration of the self-attention course, written by
# `python -m autograder course` (the package self-attention-course).
#
# Grading needs that package in the Python environment that runs nbgrader (and formgrader):
# `autograder.judge.check.ProbeCheck` judges the hidden tests' reports against the reference
# implementation (without it, an answer right only on the visible tests' inputs would get
# full marks). The course root is the folder of this file. The settings below may be merged
# into an existing nbgrader_config.py.
import os

c = get_config()  # noqa: F821 - provided by traitlets when it loads this file
c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
"""


def config_text(db_url: str | None = None) -> str:
    """``nbgrader_config.py`` of :func:`settings`, for the ``nbgrader`` command line and formgrader.

    Parameters
    ----------
    db_url : str, optional
        The gradebook's SQLAlchemy URL (default: nbgrader's, ``gradebook.db`` in the course root).

    Returns
    -------
    str
        The file's text; it sets the course root to the file's folder.
    """
    lines = []
    for key, value in settings(db_url).items():
        if isinstance(value, list):
            value = "[\n" + "".join(f"    {item!r},\n" for item in value) + "]"
        else:
            value = repr(value)
        lines.append(f"c.{key} = {value}\n")
    return CONFIG_HEADER + "".join(lines)


def ensure_path() -> None:
    """nbgrader starts ``alembic`` by name: put this Python's ``bin/`` on PATH."""
    bindir = str(Path(sys.executable).parent)
    if bindir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bindir + os.pathsep + os.environ.get("PATH", "")


def api(root, db_url: str | None = None):
    """An ``NbGraderAPI`` on a course directory.

    Parameters
    ----------
    root : str or os.PathLike
        The course directory.
    db_url : str, optional
        The gradebook's SQLAlchemy URL (default: nbgrader's, ``gradebook.db`` in the course root).

    Returns
    -------
    nbgrader.apps.NbGraderAPI
    """
    ensure_path()
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    c = config(root, db_url)
    return NbGraderAPI(coursedir=CourseDirectory(config=c), config=c)


def _check(result, what):
    if not result.get("success"):
        raise RuntimeError(f"nbgrader {what} failed:\n{result.get('error') or ''}\n{result.get('log', '')[-3000:]}")


def write_course(root, assignment_ids=None, db_url: str | None = None) -> list[str]:
    """Write a stock nbgrader course in ``root``: ``nbgrader_config.py`` and ``source/<id>/``.

    An existing ``source/<id>/`` is replaced.

    Parameters
    ----------
    root : str or os.PathLike
        The course directory (made if missing).
    assignment_ids : iterable of str, optional
        The assignments (default: every one).
    db_url : str, optional
        The gradebook's SQLAlchemy URL (default: nbgrader's, ``gradebook.db`` in the course root).

    Returns
    -------
    list of str
        The files written, relative to ``root``.

    Raises
    ------
    ValueError
        If an assignment id is unknown.
    FileNotFoundError
        If an assignment has no source notebook (not built in this clone).
    """
    from autograder import assignments
    root = Path(root)
    ids = list(assignment_ids) if assignment_ids else assignments.ids()
    for aid in ids:
        assignments.get(aid)  # ValueError naming the unknown id and the known ones
        if not (SOURCE / aid).is_dir():
            raise FileNotFoundError(f"assignment {aid} has no source notebook in {SOURCE}; "
                                    "run `python -m autograder build` in a clone of the course")
    root.mkdir(parents=True, exist_ok=True)
    (root / "nbgrader_config.py").write_text(config_text(db_url), encoding="utf-8")
    written = ["nbgrader_config.py"]
    for aid in ids:
        dest = root / "source" / aid
        if dest.exists():
            shutil.rmtree(dest)
        shutil.copytree(SOURCE / aid, dest)
        written += [str(p.relative_to(root)) for p in sorted(dest.rglob("*.ipynb"))]
    return written


def make_course(root, assignment_ids=None, db_url: str | None = None) -> Path:
    """:func:`write_course`, then ``generate_assignment`` of each assignment.

    So the gradebook holds the source cells that ``OverwriteCells`` restores.

    Parameters
    ----------
    root, assignment_ids, db_url
        As in :func:`write_course`.

    Returns
    -------
    Path
        ``root``.

    Raises
    ------
    RuntimeError
        If nbgrader's ``generate_assignment`` fails.
    """
    from autograder import assignments
    root = Path(root)
    write_course(root, assignment_ids, db_url)
    grader = api(root, db_url)
    for aid in assignment_ids or assignments.ids():
        _check(grader.generate_assignment(aid, force=True, create=True), f"generate_assignment {aid}")
    return root


@dataclass
class StockAutograded:
    """One submission autograded by stock nbgrader (``nbgrader autograde`` with this course's config).

    Attributes
    ----------
    student : str
        The student's id.
    scores : dict
        ``{part id: (score, max score)}``.
    probe : dict
        ProbeCheck's summary (status, reasons, per-part message/mistake).
    notebook : Path
        The autograded notebook.
    log : str
        nbgrader's log of the run.
    """

    student: str
    scores: dict            # part id -> (score, max score)
    probe: dict             # ProbeCheck's summary (status, reasons, per-part message/mistake)
    notebook: Path          # the autograded notebook
    log: str = ""           # nbgrader's log of the run

    @property
    def score(self) -> float:
        """The points scored, over every part."""
        return sum(s for s, _ in self.scores.values())

    @property
    def max_score(self) -> float:
        """The points available, over every part."""
        return sum(m for _, m in self.scores.values())


def autograde(root: str | os.PathLike, assignment_id: str, submissions: dict,
              db_url: str | None = None) -> dict[str, StockAutograded]:
    """Autograde submissions one after the other, with stock nbgrader in this process.

    Parameters
    ----------
    root : str or os.PathLike
        The course directory (`make_course`).
    assignment_id : str
    submissions : dict
        Student id -> the notebook's text, or a `Path` to it.
    db_url : str, optional
        The course's gradebook, as `make_course` was given it (default: nbgrader's, in ``root``).

    Returns
    -------
    dict
        Student id -> `StockAutograded`.
    """
    import nbformat

    from autograder import assignments
    spec = assignments.get(assignment_id)
    grader = api(root, db_url)
    course = grader.coursedir
    results = {}
    for student, notebook in submissions.items():
        folder = Path(course.format_path(course.submitted_directory, student, assignment_id))
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        text = Path(notebook).read_text(encoding="utf-8") if isinstance(notebook, Path) else notebook
        (folder / f"{spec.notebook}.ipynb").write_text(text, encoding="utf-8")
        outcome = grader.autograde(assignment_id, student, force=True, create=True)
        _check(outcome, f"autograde {assignment_id} {student}")
        graded = Path(course.format_path(course.autograded_directory, student, assignment_id), f"{spec.notebook}.ipynb")
        with grader.gradebook as gb:  # the course's own gradebook (its db_url)
            sub = gb.find_submission_notebook(spec.notebook, assignment_id, student)
            scores = {g.name: (float(g.score or 0), float(g.max_score)) for g in sub.grades if g.max_score}
        nb = nbformat.read(graded, as_version=4)
        probe = nb.metadata.get("probe_check", {})
        results[student] = StockAutograded(student, scores, probe, graded, outcome.get("log", ""))
    return results
