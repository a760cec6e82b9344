"""``python -m autograder export OUT [OUT ...] --to DIR``: a class's grades, in the LMS's formats.

Each OUT is the output folder of one assignment (``python -m autograder grade … --out OUT``):
its ``grades.csv`` gives the rows, its journal (``OUT/.grader/results/``) the parts and the
catalogued mistakes. Students are joined across the assignments on their safe id
(:func:`autograder.intake.lms.safe_id`), which is the same in every assignment. Written to DIR:

``grades.csv``
    One row per student: ``student_id``, ``name``, ``lms``, ``canvas_user_id``,
    ``moodle_participant_ids``, ``email``, ``id_number``, ``section``, one score column per
    assignment headed by its id (``03-matrix-form``: the automatic score), for each assignment
    with answers graded by hand ``<id> manual`` (the points given in formgrader so far, read
    from OUT's gradebook; blank while none is) and ``<id> manual ungraded`` (the points still to
    grade), ``total`` (automatic and given by hand), ``manual ungraded`` (their sum; with those
    columns only), ``late`` (the assignments handed in late). A blank score means the student is
    not in that assignment's OUT.
``canvas.csv``
    The columns of Canvas's gradebook import: ``Student``, ``ID`` (the Canvas user id of a
    student from a Canvas download), ``SIS User ID``, ``SIS Login ID``, ``Section``, then one
    column per assignment headed by its id (in canvas.csv and moodle.csv: the automatic score
    plus the points given by hand so far; a note names the students with answers still to grade).
``moodle.csv``
    For Moodle's "Import grades from CSV": ``Full name``, ``Email address`` and ``ID number``
    (known when the student's folder was named by an email address or a number), one
    ``participant id (<assignment>)`` column per assignment (Moodle's per-assignment id from its
    download, the one of the assignment's grading worksheet), then one column per assignment.
``moodle-<assignment>-worksheet.csv``
    For each assignment graded from a Moodle download: the assignment's offline grading
    worksheet, uploaded on the assignment itself with its participant ids, no roster needed
    (:mod:`autograder.reports.moodle_worksheet`).
Each ``--roster`` (the LMS's own gradebook export, :mod:`autograder.intake.roster`) completes the
identities: the SIS ids and the section for Canvas, the email address and ID number for
Moodle, and adds the students who handed in nothing.

``report.html``
    One page, offline: the class's most common mistakes across the assignments (families of
    mistakes, each counted once per student however it was made, and catalogued mistakes
    outside any family), each with the number of students who made it and a link to the
    section of the chapter that teaches it again; then each assignment's score distribution.
"""

from __future__ import annotations

import csv
import dataclasses
import html
import io
import json
import os
import re
from pathlib import Path

from autograder.errors import GraderError
from autograder import assignments

from autograder.store import csv_safe

from autograder.store import gradebook
from autograder.store.outdir import OutDir

from autograder.intake import roster
from autograder.reports import moodle_worksheet
from autograder.intake.roster import FIELDS
from autograder.model import Result, Status
from autograder.store.journal import read_journal
from autograder.assignments.sections import mistake_function, section_link

ROOT = Path(__file__).resolve().parents[2]
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class ExportError(GraderError):
    """An OUT folder that cannot be exported; the message says which and why."""


@dataclasses.dataclass
class AssignmentGrades:
    """One assignment's OUT folder, read.

    Attributes
    ----------
    out : Path
        The folder.
    spec : autograder.assignments.Assignment
        The assignment graded there.
    rows : list of dict
        ``grades.csv``, one dict per student.
    results : dict
        ``{student id: journal entry}``; ``None`` when the entry is missing.
    manual_cells : dict
        ``{cell graded by hand: its points}``.
    manual : dict or None
        :func:`autograder.store.gradebook.manual_grades` (``None``: the gradebook is unreadable).
    """

    out: Path
    spec: object  # autograder.assignments.Assignment
    rows: list  # grades.csv, as dicts
    results: dict[str, Result | None]  # student id -> journal entry (None when missing)
    manual_cells: dict = dataclasses.field(default_factory=dict)  # cell graded by hand -> its points
    manual: dict = dataclasses.field(default_factory=dict)  # autograder.store.gradebook.manual_grades (None: unreadable)

    def manual_points(self, student_id: str) -> tuple[float | None, float]:
        """The points of one student's answers graded by hand.

        Parameters
        ----------
        student_id : str

        Returns
        -------
        tuple of (float or None, float)
            (given by hand so far or None, still to grade); see
            :func:`autograder.store.gradebook.manual_points`.
        """
        graded = self.manual.get(student_id) if self.manual is not None else {}
        return gradebook.manual_points(self.manual_cells, graded)


def read_out(out: str | os.PathLike) -> AssignmentGrades:
    """One assignment's OUT folder, read for the export.

    Parameters
    ----------
    out : str, os.PathLike or OutDir
        The output folder of one assignment's grade run.

    Returns
    -------
    AssignmentGrades

    Raises
    ------
    ExportError
        When OUT holds no grades, or grades of several assignments or of an unknown one.
    """
    folder = OutDir(out)
    out, path = folder.root, folder.grades_csv
    if not path.is_file():
        raise ExportError(f"{out}: no grades.csv; grade the assignment first "
                          f"(python -m autograder grade ASSIGNMENT SUBMISSIONS --out {out})")
    with open(path, encoding="utf-8", newline="") as f:
        rows = [{k: csv_safe.read_cell(v) if isinstance(v, str) else v for k, v in row.items()}
                for row in csv.DictReader(f)]  # names as graded, without the quote that kept them from being formulas
    ids = {r["assignment"] for r in rows}
    if not rows:
        try:
            ids = {json.loads(folder.source_json.read_text())["assignment"]}
        except (OSError, ValueError, KeyError):
            raise ExportError(f"{out}: grades.csv has no rows and OUT names no assignment") from None
    if len(ids) != 1:
        raise ExportError(f"{path}: rows of several assignments ({', '.join(sorted(ids))}); one OUT per assignment")
    try:
        spec = assignments.get(ids.pop())
    except ValueError as exc:
        raise ExportError(f"{path}: {exc}") from None
    results = {row["student_id"]: read_journal(out, row["student_id"]) for row in rows}
    try:
        snapshot = json.loads(folder.source_json.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        snapshot = {}
    manual_cells = {c["name"]: float(c["points"]) for c in snapshot.get("cells", [])
                    if c.get("grade") and c.get("solution")}
    manual = gradebook.manual_grades(gradebook.out_url(out), spec) if manual_cells else {}
    if manual is None:  # every submission's answers stay to grade: never counted as 0
        manual = {r["student_id"]: {} for r in rows if r["status"] != "missing"}
    return AssignmentGrades(out, spec, rows, results, manual_cells, manual)


def read_all(outs) -> list[AssignmentGrades]:
    """Several assignments' OUT folders, read for the export.

    Parameters
    ----------
    outs : iterable of str or os.PathLike
        One OUT folder per assignment.

    Returns
    -------
    list of AssignmentGrades
        In course order.

    Raises
    ------
    ExportError
        When a folder cannot be read (see :func:`read_out`), or two hold the same assignment.
    """
    graded = [read_out(out) for out in outs]
    one_out_per_assignment(graded, ExportError)
    return sorted(graded, key=lambda g: assignments.ids().index(g.spec.id))


def one_out_per_assignment(read: list, error: type[Exception]) -> None:
    """Refuse two OUT folders of one assignment.

    Parameters
    ----------
    read : list
        The folders as read, each with its ``spec`` and its ``out``.
    error : type
        The error to raise (the command's own).

    Raises
    ------
    error
        Naming the two folders and the assignment they both hold.
    """
    seen = {}
    for folder in read:
        if folder.spec.id in seen:
            raise error(f"{seen[folder.spec.id]} and {folder.out} both hold {folder.spec.id}; "
                        "give one OUT per assignment")
        seen[folder.spec.id] = folder.out


# ----------------------------------------------------------------------------- the class

def class_rows(graded) -> dict[str, dict]:
    """One row per student of the class, over every assignment.

    An email address or a number as a folder's name is taken as such.

    Parameters
    ----------
    graded : list of AssignmentGrades

    Returns
    -------
    dict
        ``{student id: {"name", "lms", "moodle_ids": {aid: id}, "scores": {aid: score}, "late": [aid],
        "manual": {aid: (given, to grade)} when some answers are graded by hand, and
        :data:`autograder.intake.roster.FIELDS`}}``.
    """
    students = {}
    for g in graded:
        aid = g.spec.id
        for row in g.rows:
            sid = row["student_id"]
            s = students.setdefault(sid, {
                "name": row.get("name") or sid, "lms": set(), "moodle_ids": {}, "scores": {}, "late": [],
                **dict.fromkeys(FIELDS, ""),
                "email": sid if EMAIL.match(sid) else "", "id_number": sid if sid.isdigit() else ""})
            lms, lms_id = row.get("lms", ""), row.get("lms_id", "")
            s["lms"].add(lms or "folder")
            if lms == "canvas":
                s["canvas_id"] = lms_id
            elif lms == "moodle":
                s["moodle_ids"][aid] = lms_id
            s["scores"][aid] = float(row["score"])
            if g.manual_cells:
                s.setdefault("manual", {})[aid] = g.manual_points(sid)
            if row.get("late"):
                s["late"].append(aid)
    return students


def _num(x):
    return f"{x:g}"


def _csv(header, rows):
    buf = io.StringIO()
    w = csv_safe.writer(buf)  # no cell can start a formula
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()


def _score(s, aid):
    """The assignment's score for the LMS: the automatic score plus the points given by hand so far."""
    given = s.get("manual", {}).get(aid, (None, 0))[0]
    return _num(s["scores"][aid] + (given or 0)) if aid in s["scores"] else ""


def _manual_columns(graded, s):
    """Per assignment graded partly by hand: the points given by hand (blank: none yet), the points still to grade."""
    cells = []
    for g in graded:
        if g.manual_cells:
            given, ungraded = s.get("manual", {}).get(g.spec.id, (None, None))
            cells += ["" if given is None else _num(given), "" if ungraded is None else _num(ungraded)]
    return cells


def grades_csv(graded, students) -> str:
    """The class's ``grades.csv``: every id, score and column of points graded by hand.

    Parameters
    ----------
    graded : list of AssignmentGrades
        The assignments, from :func:`read_all`.
    students : dict
        From :func:`class_rows`.

    Returns
    -------
    str
        CSV text, one row per student in id order.
    """
    aids = [g.spec.id for g in graded]
    manual = [h for g in graded if g.manual_cells for h in (f"{g.spec.id} manual", f"{g.spec.id} manual ungraded")]
    rows = []
    for sid in sorted(students):
        s = students[sid]
        ungraded = sum(u for _, u in s.get("manual", {}).values())
        rows.append([sid, s["name"], "+".join(sorted(s["lms"])), s["canvas_id"],
                     "; ".join(f"{a}: {p}" for a, p in s["moodle_ids"].items()), s["email"], s["id_number"],
                     s["section"], *[_num(s["scores"][a]) if a in s["scores"] else "" for a in aids],
                     *_manual_columns(graded, s),
                     _num(sum(s["scores"].values()) + sum(g or 0 for g, _ in s.get("manual", {}).values())),
                     *([_num(ungraded)] if manual else []), " ".join(s["late"])])
    return _csv(["student_id", "name", "lms", "canvas_user_id", "moodle_participant_ids", "email", "id_number",
                 "section", *aids, *manual, "total", *(["manual ungraded"] if manual else []), "late"], rows)


def canvas_csv(graded, students) -> str:
    """The grades in Canvas's gradebook import format.

    Parameters
    ----------
    graded : list of AssignmentGrades
        The assignments, from :func:`read_all`.
    students : dict
        From :func:`class_rows`.

    Returns
    -------
    str
        CSV text; each score is the automatic one plus the points given by hand so far.
    """
    aids = [g.spec.id for g in graded]
    rows = [[s["name"], s["canvas_id"], s["sis_user_id"], s["sis_login_id"], s["section"],
             *[_score(s, a) for a in aids]]
            for s in (students[sid] for sid in sorted(students))]
    return _csv(["Student", "ID", "SIS User ID", "SIS Login ID", "Section", *aids], rows)


def moodle_csv(graded, students) -> str:
    """The grades for Moodle's grade import (matched by email address or ID number).

    Parameters
    ----------
    graded : list of AssignmentGrades
        The assignments, from :func:`read_all`.
    students : dict
        From :func:`class_rows`.

    Returns
    -------
    str
        CSV text; each score is the automatic one plus the points given by hand so far.
    """
    aids = [g.spec.id for g in graded]
    rows = []
    for sid in sorted(students):
        s = students[sid]
        rows.append([s["name"], s["email"], s["id_number"], *[s["moodle_ids"].get(a, "") for a in aids],
                     *[_score(s, a) for a in aids]])
    return _csv(["Full name", "Email address", "ID number", *[f"participant id ({a})" for a in aids], *aids], rows)


# ----------------------------------------------------------------------------- what to reteach

#: Short names of the families of mistakes (:mod:`autograder.judge.families`) for the class report.
FAMILY_NAMES = {
    "missing-check": "a missing input check (no ValueError)",
    "missing-transpose": "a transpose missing",
    "extra-transpose": "a transpose too many",
    "transposed": "a result transposed",
    "missing-term": "a term of a sum missing",
    "wrong-axis": "a sum or softmax over the wrong axis",
    "scale": "a scale missing, extra or wrong (√d_k)",
    "wrong-size": "a size read from the wrong axis",
    "operator": "a wrong arithmetic operation",
    "roles": "the roles of Q, K and V mixed up",
    "sin-cos": "sin and cos swapped",
    "off-by-one": "an off-by-one bound",
    "overflow": "an overflowing softmax (the maximum not subtracted)",
    "no-tanh": "the tanh missing",
}


@dataclasses.dataclass
class Mistake:
    """A mistake the class made, counted once per student.

    It is a family of mistakes (however each student came to it: a catalogued mistake or
    another code path), else a catalogued one.

    Attributes
    ----------
    spec : autograder.assignments.Assignment
        The assignment.
    function : str
        The function it was made in.
    family : str or None
        The family's id; ``None`` for a catalogued mistake outside any family.
    mistakes : set of str
        The catalogued mistakes among the students' answers.
    students : set of str
        The students who made it.
    """

    spec: object
    function: str
    family: str | None
    mistakes: set  # the catalogued mistakes among the students' answers
    students: set

    @property
    def ids(self) -> str:
        """The family and the catalogued mistakes, as the report names them."""
        caught = ", ".join(sorted(self.mistakes))
        if self.family is None:
            return caught
        return f"family {self.family}" + (f": {caught}" if caught else "")

    @property
    def message(self) -> str:
        """What the mistake is: the family's short name, else the catalogued mistake's message."""
        if self.family is None:
            return self.spec.mistake(next(iter(sorted(self.mistakes)))).message
        family = next((f for f in self.spec.families if f.id == self.family), None)
        return FAMILY_NAMES.get(self.family) or (family.message if family else self.family)


def common_mistakes(graded) -> list[Mistake]:
    """The mistakes the class made, most common first.

    Parameters
    ----------
    graded : list of AssignmentGrades

    Returns
    -------
    list of Mistake
        A student counts once per family (or catalogued mistake); mistakes no longer in
        the catalogue are left out.
    """
    found = {}
    for g in graded:
        for sid, result in g.results.items():
            for pid, part in (result.parts if result else {}).items():
                mid, family = part.mistake, part.family
                if mid:
                    try:
                        g.spec.mistake(mid)
                    except KeyError:
                        mid = None  # a mistake no longer in the catalogue
                if not (mid or family):
                    continue
                function = mistake_function(g.spec, pid, mid)
                key = (g.spec.id, function, family or f"mistake {mid}")
                m = found.setdefault(key, Mistake(g.spec, function, family, set(), set()))
                m.students.add(sid)
                if mid:
                    m.mistakes.add(mid)
    order = {aid: i for i, aid in enumerate(assignments.ids())}
    return sorted(found.values(), key=lambda m: (-len(m.students), order[m.spec.id], m.function or "", m.ids))


def report_html(graded, students, site: str) -> str:
    """The class report: what to reteach, then the scores of each assignment.

    Parameters
    ----------
    graded : list of AssignmentGrades
        The assignments, from :func:`read_all`.
    students : dict
        From :func:`class_rows`.
    site : str
        The course website's URL, for the links to the sections to reread.

    Returns
    -------
    str
        An HTML page.
    """
    from autograder.reports.report import figures, page_head

    esc = html.escape
    mistakes = common_mistakes(graded)
    rows = "".join(
        f"<tr><td>{len(m.students)}</td><td><code>{esc(m.spec.id)}</code> <code>{esc(m.function)}</code></td>"
        f"<td>{esc(m.message)} <small>({esc(m.ids)})</small></td>"
        f"<td><a href=\"{esc(url)}\">{esc(text)}</a></td></tr>"
        for m in mistakes for url, text in [section_link(m.spec, m.function, site)])
    reteach = (f"<table id='mistakes'><tr><th>students</th><th>where</th><th>mistake</th><th>reteach</th></tr>{rows}</table>"
               if mistakes else
               "<p id='mistakes'>No submission matched a catalogued mistake or a family of mistakes.</p>")
    parts = []
    for g in graded:
        results = [g.results[r["student_id"]] or Result(r["student_id"], g.spec.id, status=Status(r["status"]),
                                                        score=float(r["score"]))
                   for r in g.rows]
        hist, _, _ = figures(results, g.spec)
        handed = [r for r in results if r.status is not Status.MISSING]
        mean = sum(r.score for r in handed) / len(handed) if handed else 0.0
        by_hand = ""
        if g.manual_cells:
            waiting = sum(1 for r in g.rows if g.manual_points(r["student_id"])[1])
            by_hand = (f"<p class='manual'>Graded by hand: {sum(g.manual_cells.values()):g} more point(s), not in "
                       f"these scores; {waiting} student(s) still have answers to grade in formgrader.</p>")
        parts.append(f"<section id='{esc(g.spec.id)}'><h3>{esc(g.spec.id)}</h3>"
                     f"<p>{len(g.rows)} student(s), {len(handed)} with a notebook; mean automatic score {mean:.2f} / "
                     f"{g.spec.total_points:g}.</p>{by_hand}<figure>{hist}</figure></section>")
    return page_head("Class report") + f"""
<h1>Class report</h1>
<p>{len(students)} student(s), {len(graded)} assignment(s): {", ".join(esc(g.spec.id) for g in graded)}.</p>
<h2>What to reteach</h2>
<p>The mistakes the class made, most common first: how many students made each, and the section of
the chapter that teaches that step. A family of mistakes (a softmax over the wrong axis, a transpose
missing, ...) counts each student once, whichever code led there; the catalogued mistakes in it are
named after it.</p>
{reteach}
<h2>Scores</h2>
{"".join(parts)}
</body></html>
"""


def default_site() -> str:
    """The website built in this repository (``jupyter-book build .`` writes ``_build/html``).

    Returns
    -------
    str
        Its ``file://`` URL.
    """
    return (ROOT / "_build" / "html").as_uri()


def export(outs, to, site: str | None = None, rosters=()) -> tuple[list[Path], list[str]]:
    """Write a class's grades for the LMS, and the class report, into ``to``.

    Parameters
    ----------
    outs : iterable of str or os.PathLike
        One OUT folder per assignment.
    to : str or os.PathLike
        The folder to write (made if missing).
    site : str, optional
        The course website's URL (default: :func:`default_site`).
    rosters : iterable of str or os.PathLike
        The LMS's class lists, joined to the students.

    Returns
    -------
    paths : list of Path
        The files written: ``grades.csv``, ``canvas.csv``, ``moodle.csv``, ``report.html``, and
        Moodle's worksheets.
    notes : list of str
        Notes on the rosters' join and on answers still to grade by hand.

    Raises
    ------
    ExportError
        When an OUT folder or a roster cannot be read.
    """
    from autograder.store.files import write_if_changed

    graded = read_all(outs)
    students = class_rows(graded)
    notes = []
    for path in rosters:
        try:
            notes += roster.complete(students, roster.read(path))
        except (OSError, roster.RosterError) as exc:
            raise ExportError(str(exc)) from None
    for g in graded:
        waiting = sorted(sid for sid in students if students[sid].get("manual", {}).get(g.spec.id, (None, 0))[1])
        if waiting:
            notes.append(f"manual grading: {g.spec.id}: {len(waiting)} student(s) have answers not graded by hand yet "
                         f"({', '.join(waiting[:5])}{', ...' if len(waiting) > 5 else ''}); their {g.spec.id} "
                         "columns hold the automatic score plus the points given so far, and the points still to "
                         "grade are in grades.csv")
    to = Path(to)
    files = {
        "grades.csv": grades_csv(graded, students),
        "canvas.csv": canvas_csv(graded, students),
        "moodle.csv": moodle_csv(graded, students),
        "report.html": report_html(graded, students, site or default_site()),
        **moodle_worksheet.worksheets(graded, common_mistakes(graded)),
    }
    to.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        write_if_changed(to / name, text)
    return [to / name for name in files], notes
