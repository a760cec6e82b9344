"""The journal of a grading run: one result per student in ``OUT/.grader/results/<id>.json``.

A result enters the journal only after the gradebook commit that holds it
(`autograder.store.gradebook.GradebookWriter`). The journal is what a rerun skips by (an
unchanged submission has the same digest), what grades.csv and the report are written from,
and what a damaged gradebook is rebuilt from. Each entry is the JSON of an
:class:`autograder.model.Result`; entries written by an earlier version load too.
"""

from __future__ import annotations

import json
from pathlib import Path

from autograder.model import Result
from autograder.store.files import atomic_write

STATE = ".grader"  # the grader's own state inside OUT


def journal_path(out: str | Path, student_id: str) -> Path:
    """Where the journal keeps one student's result.

    Parameters
    ----------
    out : str or Path
        The OUT folder.
    student_id : str
        The student's safe id.

    Returns
    -------
    Path
    """
    return Path(out) / STATE / "results" / f"{student_id}.json"


def _load(path: Path) -> Result | None:
    try:
        return Result.from_json(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError, AttributeError):
        return None  # unreadable, or not a result: graded again


def read_journal(out: str | Path, student_id: str) -> Result | None:
    """One student's result from the journal.

    Parameters
    ----------
    out : str or Path
        The OUT folder.
    student_id : str
        The student's safe id.

    Returns
    -------
    Result or None
        None when the journal has no readable entry for the student.
    """
    return _load(journal_path(out, student_id))


def journal_entries(out: str | Path) -> list[Result]:
    """Every readable result in the journal, in student order.

    Parameters
    ----------
    out : str or Path
        The OUT folder.

    Returns
    -------
    list of Result
    """
    folder = Path(out) / STATE / "results"
    entries = (_load(path) for path in (sorted(folder.glob("*.json")) if folder.is_dir() else []))
    return [e for e in entries if e is not None]


def write_journal(out: str | Path, result: Result) -> None:
    """Write one student's result into the journal (atomically).

    Parameters
    ----------
    out : str or Path
        The OUT folder.
    result : Result
    """
    atomic_write(journal_path(out, result.student_id), json.dumps(result.to_json(), indent=1, sort_keys=True))
