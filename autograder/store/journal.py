"""The journal of a grading run: one result per student in ``OUT/.grader/results/<id>.json``
(`autograder.store.outdir.OutDir.result`).

A result enters the journal only after the gradebook commit that holds it
(`autograder.store.gradebook.GradebookWriter`). The journal is what a rerun skips by (an
unchanged submission has the same digest), what grades.csv and the report are written from,
and what a damaged gradebook is rebuilt from. Each entry is the JSON of an
:class:`autograder.model.Result`; entries written by an earlier version load too.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from autograder.model import Result
from autograder.store.files import atomic_write
from autograder.store.outdir import OutDir


def _load(path: Path) -> Result | None:
    try:
        return Result.from_json(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError, AttributeError):
        return None  # unreadable, or not a result: graded again


def read_journal(out: str | os.PathLike, student_id: str) -> Result | None:
    """One student's result from the journal.

    Parameters
    ----------
    out : str, os.PathLike or OutDir
        The OUT folder.
    student_id : str
        The student's safe id.

    Returns
    -------
    Result or None
        None when the journal has no readable entry for the student.
    """
    return _load(OutDir(out).result(student_id))


def journal_entries(out: str | os.PathLike) -> list[Result]:
    """Every readable result in the journal, in student order.

    Parameters
    ----------
    out : str, os.PathLike or OutDir
        The OUT folder.

    Returns
    -------
    list of Result
    """
    folder = OutDir(out).results
    entries = (_load(path) for path in (sorted(folder.glob("*.json")) if folder.is_dir() else []))
    return [e for e in entries if e is not None]


def write_journal(out: str | os.PathLike, result: Result) -> None:
    """Write one student's result into the journal (atomically).

    Parameters
    ----------
    out : str, os.PathLike or OutDir
        The OUT folder.
    result : Result
    """
    atomic_write(OutDir(out).result(result.student_id), json.dumps(result.to_json(), indent=1, sort_keys=True))
