"""grades.csv: one row per student, the contract's columns first."""

from __future__ import annotations

import io

from autograder.store import csv_safe
from autograder.store.files import write_if_changed


IDENTITY_COLUMNS = ["name", "lms", "lms_id", "late"]


def _num(x):
    return f"{float(x):g}"


MANUAL_COLUMNS = ["manual_score", "manual_max_score", "manual_ungraded"]


def write_grades_csv(path, results, spec, identities=None, manual_cells=None, manual=None):
    """grades.csv: the contract's columns, the student's identity (name, LMS, LMS id, late; from
    ``identities``, student id -> dict), one column per graded part, and a note.

    ``score`` and ``max_score`` are the automatic parts'. When the assignment has cells graded by
    hand (``manual_cells``, {cell id: points}), three more columns come before the note: the points
    given by hand so far (blank while none is), the points of those cells, and the points still to
    be graded; ``manual`` is :func:`autograder.store.gradebook.manual_grades`."""
    part_ids = [p.id for p in spec.parts]
    identities = identities or {}
    manual_cells, manual = manual_cells or {}, manual or {}
    buf = io.StringIO()
    w = csv_safe.writer(buf)  # no cell can start a formula
    w.writerow(["student_id", "assignment", "score", "max_score", "status", *IDENTITY_COLUMNS, *part_ids,
                *(MANUAL_COLUMNS if manual_cells else []), "note"])
    for r in sorted(results, key=lambda r: r["student_id"]):
        parts = r.get("parts", {})
        who = identities.get(r["student_id"], {})
        w.writerow([r["student_id"], r["assignment"], _num(r["score"]), _num(r["max_score"]), r["status"],
                    who.get("name", r["student_id"]), who.get("lms", ""), who.get("lms_id", ""),
                    "late" if who.get("late") else "",
                    *[_num(parts[p]["score"]) if p in parts else "" for p in part_ids],
                    *(_manual_columns(manual_cells, manual.get(r["student_id"])) if manual_cells else []),
                    " | ".join(r.get("notes", []))])
    return write_if_changed(path, buf.getvalue())


def _manual_columns(cells, graded):
    from autograder.store.gradebook import manual_points

    given, ungraded = manual_points(cells, graded)
    return ["" if given is None else _num(given), _num(sum(cells.values())), _num(ungraded)]
