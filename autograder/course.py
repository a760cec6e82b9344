"""An nbgrader course directory for the assignments, and a simple sequential autograde.

``make_course(root)`` writes ``root/nbgrader_config.py``, copies ``autograder/source/<id>/``
to ``root/source/<id>/`` and runs ``generate_assignment`` (so the gradebook holds the source
cells that ``OverwriteCells`` restores). ``autograde(root, id, {student: notebook})`` grades
submissions one after the other, in this process (importing nbgrader costs ~1.6 s, paid once),
and returns per-part scores read from the gradebook plus ProbeCheck's verdicts.

The autograde preprocessors are nbgrader's defaults with :class:`autograder.check.ProbeCheck`
right after ``Execute`` (:func:`autograde_preprocessors`); ``OverwriteCells.add_missing_cells``
restores deleted test cells. Without a sandbox, the kernel is started by
:class:`ScratchKernelManager`: in an empty scratch directory and without ``PYTHONPATH``, so
``import solutions`` fails there (the sandbox of ``autograder.sandbox`` goes much further).
"""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager

ROOT = Path(__file__).resolve().parents[1]
SOURCE = Path(__file__).resolve().parent / "source"
COURSE_ID = "self-attention"

_SCRATCH_ROOT = None


def _scratch_dir():
    global _SCRATCH_ROOT
    if _SCRATCH_ROOT is None:
        _SCRATCH_ROOT = tempfile.mkdtemp(prefix="sa-kernels-")
        atexit.register(shutil.rmtree, _SCRATCH_ROOT, True)
    return tempfile.mkdtemp(dir=_SCRATCH_ROOT)


def kernel_env():
    """The grader's environment minus ``PYTHONPATH`` (so the repository is not importable)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.setdefault("MPLBACKEND", "Agg")
    return env


class ScratchKernelManager(AsyncKernelManager):
    """A kernel started in a fresh empty directory, without ``PYTHONPATH``."""

    async def _async_pre_start_kernel(self, **kw):
        kw["env"] = {**kernel_env(), **{k: v for k, v in (kw.get("env") or {}).items() if k != "PYTHONPATH"}}
        kw["cwd"] = _scratch_dir()
        return await super()._async_pre_start_kernel(**kw)

    pre_start_kernel = _async_pre_start_kernel


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


def autograde_preprocessors(execute="autograder.course.ScratchExecute"):
    """nbgrader's default autograde preprocessors, ``ProbeCheck`` right after ``execute``."""
    return [
        execute,
        "autograder.check.ProbeCheck",
        "nbgrader.preprocessors.IgnorePattern",
        "nbconvert.preprocessors.ClearMetadataPreprocessor",
        "nbgrader.preprocessors.LimitOutput",
        "nbgrader.preprocessors.SaveAutoGrades",
        "nbgrader.preprocessors.AssignLatePenalties",
        "nbgrader.preprocessors.CheckCellMetadata",
    ]


def settings(root, execute="autograder.course.ScratchExecute", db_url=None):
    """The course's nbgrader settings as ``{"Class.trait": value}``; ``db_url`` is the gradebook's
    SQLAlchemy URL (default: nbgrader's, ``gradebook.db`` in ``root``)."""
    found = {
        "CourseDirectory.root": str(root),
        "CourseDirectory.course_id": COURSE_ID,
        "Autograde.autograde_preprocessors": autograde_preprocessors(execute),
        "OverwriteCells.add_missing_cells": True,
        "Execute.timeout": 60,
        "Execute.shutdown_kernel": "immediate",
    }
    if db_url:
        found["CourseDirectory.db_url"] = db_url
    return found


def config(root, execute="autograder.course.ScratchExecute", db_url=None):
    """A traitlets ``Config`` for :func:`settings`."""
    from traitlets.config import Config

    c = Config()
    for key, value in settings(root, execute, db_url).items():
        cls, trait = key.split(".")
        c[cls][trait] = value
    return c


def config_text(root, execute="autograder.course.ScratchExecute", db_url=None):
    """``nbgrader_config.py`` for :func:`settings` (for the ``nbgrader`` command line)."""
    lines = ["# Written by autograder.course.make_course", "c = get_config()  # noqa: F821"]
    lines += [f"c.{key} = {value!r}" for key, value in settings(root, execute, db_url).items()]
    return "\n".join(lines) + "\n"


def ensure_path():
    """nbgrader starts ``alembic`` by name: put this Python's ``bin/`` on PATH."""
    bindir = str(Path(sys.executable).parent)
    if bindir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bindir + os.pathsep + os.environ.get("PATH", "")


def api(root, execute="autograder.course.ScratchExecute", db_url=None):
    """An ``NbGraderAPI`` on the course directory ``root``."""
    ensure_path()
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    c = config(root, execute, db_url)
    return NbGraderAPI(coursedir=CourseDirectory(config=c), config=c)


def _check(result, what):
    if not result.get("success"):
        raise RuntimeError(f"nbgrader {what} failed:\n{result.get('error') or ''}\n{result.get('log', '')[-3000:]}")


def make_course(root, assignment_ids=None, source=SOURCE, execute="autograder.course.ScratchExecute", db_url=None):
    """Set up an nbgrader course in ``root`` with the given assignments (default: all built ones);
    its gradebook at ``db_url`` (default: ``root/gradebook.db``)."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    (root / "nbgrader_config.py").write_text(config_text(root, execute, db_url), encoding="utf-8")
    if assignment_ids is None:
        assignment_ids = sorted(p.name for p in Path(source).iterdir() if p.is_dir())
    grader = api(root, execute, db_url)
    for aid in assignment_ids:
        dest = root / "source" / aid
        if dest.exists():
            shutil.rmtree(dest)
        shutil.copytree(Path(source) / aid, dest)
        _check(grader.generate_assignment(aid, force=True, create=True), f"generate_assignment {aid}")
    return root


@dataclass
class Graded:
    """One autograded submission."""

    student: str
    scores: dict            # part id -> (score, max score)
    probe: dict             # ProbeCheck's summary (status, reasons, per-part message/mistake)
    notebook: Path          # the autograded notebook
    log: str = ""
    parts: dict = field(default_factory=dict)

    @property
    def score(self):
        return sum(s for s, _ in self.scores.values())

    @property
    def max_score(self):
        return sum(m for _, m in self.scores.values())

    def message(self, part_id):
        return self.probe.get("parts", {}).get(part_id, {}).get("message", "")


def autograde(root, assignment_id, submissions, execute="autograder.course.ScratchExecute"):
    """Autograde ``{student_id: notebook text or path}`` one after the other; ``{student_id: Graded}``."""
    import nbformat
    from nbgrader.api import Gradebook

    from . import assignments

    root = Path(root)
    spec = assignments.get(assignment_id)
    grader = api(root, execute)
    results = {}
    for student, notebook in submissions.items():
        folder = root / "submitted" / student / assignment_id
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        text = Path(notebook).read_text(encoding="utf-8") if isinstance(notebook, Path) else notebook
        (folder / f"{spec.notebook}.ipynb").write_text(text, encoding="utf-8")
        outcome = grader.autograde(assignment_id, student, force=True, create=True)
        _check(outcome, f"autograde {assignment_id} {student}")
        graded = root / "autograded" / student / assignment_id / f"{spec.notebook}.ipynb"
        with Gradebook(f"sqlite:///{root / 'gradebook.db'}", COURSE_ID) as gb:
            sub = gb.find_submission_notebook(spec.notebook, assignment_id, student)
            scores = {g.name: (float(g.score or 0), float(g.max_score)) for g in sub.grades if g.max_score}
        nb = nbformat.read(graded, as_version=4)
        probe = nb.metadata.get("probe_check", {})
        results[student] = Graded(student, scores, probe, graded, outcome.get("log", ""))
    return results
