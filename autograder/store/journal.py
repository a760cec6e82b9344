"""The journal of a grading run: one result per student in ``OUT/.grader/results/<id>.json``
(`autograder.store.outdir.OutDir.result`).

A result enters the journal only after the gradebook commit that holds it
(`autograder.store.gradebook.GradebookWriter`). The journal is what a rerun skips by (an
unchanged submission has the same digest), what grades.csv and the report are written from,
and what a damaged gradebook is rebuilt from.
"""

from __future__ import annotations

import json
import os

from autograder.store.files import atomic_write
from autograder.store.outdir import OutDir


def read_journal(out: str | os.PathLike, student_id: str) -> dict | None:
    """One student's entry.

    Parameters
    ----------
    out : str, os.PathLike or OutDir
        The OUT folder.
    student_id : str
        The student's safe id.

    Returns
    -------
    dict or None
        The result, or None when there is none or it cannot be read.
    """
    try:
        return json.loads(OutDir(out).result(student_id).read_text())
    except (OSError, ValueError):
        return None


def journal_entries(out: str | os.PathLike) -> list[dict]:
    """Every result in the journal, in student order (an entry that cannot be read is left out).

    Parameters
    ----------
    out : str, os.PathLike or OutDir
        The OUT folder.

    Returns
    -------
    list of dict
    """
    folder = OutDir(out).results
    entries = []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            entries.append(json.loads(path.read_text()))
        except (OSError, ValueError):
            continue
    return entries


def write_journal(out: str | os.PathLike, result: dict) -> None:
    """Write one result as its student's entry (atomically).

    Parameters
    ----------
    out : str, os.PathLike or OutDir
        The OUT folder.
    result : dict
        A result with its ``student_id``.
    """
    atomic_write(OutDir(out).result(result["student_id"]), json.dumps(result, indent=1, sort_keys=True))
