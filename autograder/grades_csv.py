"""grades.csv: one row per student, the contract's columns first."""

from __future__ import annotations

import io

from . import csv_safe
from .files import write_if_changed


IDENTITY_COLUMNS = ["name", "lms", "lms_id", "late"]


def _num(x):
    return f"{float(x):g}"


def write_grades_csv(path, results, spec, identities=None):
    """grades.csv: the contract's columns, the student's identity (name, LMS, LMS id, late; from
    ``identities``, student id -> dict), one column per graded part, and a note."""
    part_ids = [p.id for p in spec.parts]
    identities = identities or {}
    buf = io.StringIO()
    w = csv_safe.writer(buf)  # no cell can start a formula
    w.writerow(["student_id", "assignment", "score", "max_score", "status", *IDENTITY_COLUMNS, *part_ids, "note"])
    for r in sorted(results, key=lambda r: r["student_id"]):
        parts = r.get("parts", {})
        who = identities.get(r["student_id"], {})
        w.writerow([r["student_id"], r["assignment"], _num(r["score"]), _num(r["max_score"]), r["status"],
                    who.get("name", r["student_id"]), who.get("lms", ""), who.get("lms_id", ""),
                    "late" if who.get("late") else "",
                    *[_num(parts[p]["score"]) if p in parts else "" for p in part_ids],
                    " | ".join(r.get("notes", []))])
    return write_if_changed(path, buf.getvalue())
