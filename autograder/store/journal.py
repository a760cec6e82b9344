"""The journal of a grading run: one result per student in ``OUT/.grader/results/<id>.json``.

A result enters the journal only after the gradebook commit that holds it
(`autograder.store.gradebook.GradebookWriter`). The journal is what a rerun skips by (an
unchanged submission has the same digest), what grades.csv and the report are written from,
and what a damaged gradebook is rebuilt from.
"""

from __future__ import annotations

import json
from pathlib import Path

from autograder.store.files import atomic_write

STATE = ".grader"  # the grader's own state inside OUT


def journal_path(out, student_id):
    return out / STATE / "results" / f"{student_id}.json"


def read_journal(out, student_id):
    try:
        return json.loads(journal_path(out, student_id).read_text())
    except (OSError, ValueError):
        return None


def journal_entries(out):
    """Every result in the journal, in student order."""
    folder = Path(out) / STATE / "results"
    entries = []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            entries.append(json.loads(path.read_text()))
        except (OSError, ValueError):
            continue
    return entries


def write_journal(out, result):
    atomic_write(journal_path(out, result["student_id"]), json.dumps(result, indent=1, sort_keys=True))
