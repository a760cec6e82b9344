"""grades.csv: one row per student, the contract's columns first."""

from __future__ import annotations

import csv
import io

from .files import write_if_changed


def _num(x):
    return f"{float(x):g}"


def write_grades_csv(path, results, spec):
    """grades.csv: the contract's columns, one column per graded part, and a note."""
    part_ids = [p.id for p in spec.parts]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["student_id", "assignment", "score", "max_score", "status", *part_ids, "note"])
    for r in sorted(results, key=lambda r: r["student_id"]):
        parts = r.get("parts", {})
        w.writerow([r["student_id"], r["assignment"], _num(r["score"]), _num(r["max_score"]), r["status"],
                    *[_num(parts[p]["score"]) if p in parts else "" for p in part_ids],
                    " | ".join(r.get("notes", []))])
    return write_if_changed(path, buf.getvalue())
