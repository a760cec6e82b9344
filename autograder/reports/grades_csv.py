"""grades.csv: one row per student, the contract's columns first."""

from __future__ import annotations

import io

from autograder.model import Result
from autograder.store import csv_safe
from autograder.store.files import write_if_changed


IDENTITY_COLUMNS = ["name", "lms", "lms_id", "late"]


def _num(x: float) -> str:
    return f"{float(x):g}"


MANUAL_COLUMNS = ["manual_score", "manual_max_score", "manual_ungraded"]


def write_grades_csv(path, results: list[Result], spec, identities: dict[str, dict] | None = None,
                     manual_cells: dict[str, float] | None = None, manual: dict | None = None) -> bool:
    """Write grades.csv: the contract's columns, the student's identity, one column per graded
    part, and a note.

    ``score`` and ``max_score`` are the automatic parts'. When the assignment has cells graded by
    hand, three more columns come before the note: the points given by hand so far (blank while
    none is), the points of those cells, and the points still to be graded.

    Parameters
    ----------
    path : Path
        Where (``OUT/grades.csv``).
    results : list of Result
        One per student.
    spec : autograder.assignments.Assignment
    identities : dict of str to dict, optional
        Student id to its identity (``name``, ``lms``, ``lms_id``, ``late``).
    manual_cells : dict of str to float, optional
        The cells graded by hand, with their points.
    manual : dict, optional
        :func:`autograder.store.gradebook.manual_grades`.

    Returns
    -------
    bool
        True when the file was written (it did not hold these rows already).
    """
    part_ids = [p.id for p in spec.parts]
    identities = identities or {}
    manual_cells, manual = manual_cells or {}, manual or {}
    buf = io.StringIO()
    w = csv_safe.writer(buf)  # no cell can start a formula
    w.writerow(["student_id", "assignment", "score", "max_score", "status", *IDENTITY_COLUMNS, *part_ids,
                *(MANUAL_COLUMNS if manual_cells else []), "note"])
    for r in sorted(results, key=lambda r: r.student_id):
        who = identities.get(r.student_id, {})
        w.writerow([r.student_id, r.assignment, _num(r.score), _num(r.max_score), r.status.value,
                    who.get("name", r.student_id), who.get("lms", ""), who.get("lms_id", ""),
                    "late" if who.get("late") else "",
                    *[_num(r.parts[p].score) if p in r.parts else "" for p in part_ids],
                    *(_manual_columns(manual_cells, manual.get(r.student_id)) if manual_cells else []),
                    " | ".join(r.notes)])
    return write_if_changed(path, buf.getvalue())


def _manual_columns(cells: dict[str, float], graded: dict | None) -> list[str]:
    from autograder.store.gradebook import manual_points

    given, ungraded = manual_points(cells, graded)
    return ["" if given is None else _num(given), _num(sum(cells.values())), _num(ungraded)]
