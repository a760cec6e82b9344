"""A class list exported from the LMS, to complete the identities that a download lacks.

A Canvas download names a student by a mangled name and the Canvas user id; a Moodle
download by the full name and a per-assignment participant id. Neither carries what the
other LMS columns need (the SIS ids and the section for Canvas, the email address or ID
number that Moodle's grade import maps on). The LMS's own gradebook export has them:

- Canvas (Grades, Export): ``Student`` ("Last, First"), ``ID``, ``SIS User ID``,
  ``SIS Login ID``, ``Section``; its "Points Possible" row is skipped;
- Moodle (Grades, Export, Plain text file): ``First name``, ``Last name`` (or ``Surname``),
  ``ID number``, ``Email address``.

:func:`read` takes either; :func:`complete` joins it to the class: on the Canvas user id,
else on the email address or ID number a folder was named by, else on the name (the same
words in any order and case, or run together). A name two roster lines share is not
joined, and says so. Roster students who handed in nothing are added with no scores.
"""

from __future__ import annotations

import csv
import re

from autograder.errors import GraderError
from autograder.intake.lms import canonical_name, safe_id

FIELDS = ("email", "id_number", "canvas_id", "sis_user_id", "sis_login_id", "section")


class RosterError(GraderError):
    """A roster file that is neither a Canvas nor a Moodle gradebook export."""


def _get(row, *names):
    for name in names:
        if row.get(name, "").strip():
            return row[name].strip()
    return ""


def read(path) -> list[dict]:
    """The students of a Canvas or Moodle gradebook export.

    Parameters
    ----------
    path : str or os.PathLike
        The CSV file the LMS exported.

    Returns
    -------
    list of dict
        One dict per student: ``name`` and :data:`FIELDS`.

    Raises
    ------
    RosterError
        When the file has neither Canvas's nor Moodle's columns.
    """
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
        header = set(rows[0]) if rows else set()
    people = []
    if {"Student", "ID"} <= header:
        for row in rows:
            if not row.get("ID", "").strip().isdigit():  # "Points Possible" and other non-student rows
                continue
            people.append({"name": row["Student"].strip(), "email": "", "id_number": "", "canvas_id": row["ID"].strip(),
                           "sis_user_id": _get(row, "SIS User ID"), "sis_login_id": _get(row, "SIS Login ID"),
                           "section": _get(row, "Section")})
    elif "First name" in header and ({"Last name", "Surname"} & header):
        for row in rows:
            name = f"{_get(row, 'First name')} {_get(row, 'Last name', 'Surname')}".strip()
            people.append({"name": name, "email": _get(row, "Email address"), "id_number": _get(row, "ID number"),
                           "canvas_id": "", "sis_user_id": "", "sis_login_id": "", "section": ""})
    else:
        raise RosterError(f"{path}: not a Canvas gradebook export (Student, ID, …) nor a Moodle one "
                          f"(First name, Last name, …); its columns are {', '.join(sorted(header)) or 'none'}")
    return people


def name_keys(name: str) -> set[str]:
    """Ways a name may be written.

    Parameters
    ----------
    name : str

    Returns
    -------
    set of str
        Its words in any order and case, or run together (``张伟``, Canvas's file names) in
        the order given or reversed ("Last, First"), accents composed or not; empty for a
        name without words.
    """
    words = re.findall(r"\w+", canonical_name(name).casefold())
    if not words:
        return set()
    return {" ".join(sorted(words)), "".join(words), "".join(reversed(words))}


def complete(students: dict, people: list[dict]) -> list[str]:
    """Fill the class table from a roster.

    Each student joins the one roster line with the same Canvas id, email address, ID number
    or name (tried in that order); a roster line that joins no student is added as one.

    Parameters
    ----------
    students : dict
        The export's class table (:func:`autograder.reports.export.class_rows`), filled in place.
    people : list of dict
        From :func:`read`.

    Returns
    -------
    list of str
        The notes on what did not join.
    """
    by = {}
    for k, person in enumerate(people):
        for key in {("id", person["canvas_id"]), ("email", person["email"].casefold()), ("number", person["id_number"])}:
            if key[1]:
                by.setdefault(key, set()).add(k)
        for key in name_keys(person["name"]):
            by.setdefault(("name", key), set()).add(k)
    notes, joined = [], set()
    for sid, s in students.items():
        keys = [("id", s["canvas_id"]), ("email", s["email"].casefold()), ("number", s["id_number"])]
        keys += [("name", key) for key in sorted(name_keys(s["name"]))]
        for key in keys:
            found = by.get(key, set()) if key[1] else set()
            if len(found) == 1:
                person = people[next(iter(found))]
                for field in FIELDS:
                    s[field] = s[field] or person[field]
                s["name"] = person["name"] if s["lms"] <= {"canvas"} or not s["name"] else s["name"]
                joined.add(id(person))
                break
            if len(found) > 1:
                notes.append(f"{sid}: {len(found)} roster lines fit {key[0]} {key[1]!r}; not joined")
                break
    for person in people:
        if id(person) in joined:
            continue
        sid = safe_id(person["name"], person["canvas_id"])
        if sid in students:
            notes.append(f"roster line {person['name']!r} did not join and its id {sid} is taken; left out")
            continue
        students[sid] = {"name": person["name"], "lms": {"roster"}, "moodle_ids": {}, "scores": {}, "late": [],
                         **{field: person[field] for field in FIELDS}}
        notes.append(f"{person['name']}: in the roster, in no assignment's grades")
    return notes
