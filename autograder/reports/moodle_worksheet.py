"""Moodle's offline grading worksheet, one per assignment graded from a Moodle download.

Moodle's participant ids (the number in ``Full Name_123456_assignsubmission_file_``) belong to
one assignment, so its gradebook import ("Import grades from CSV") cannot map them:
``moodle.csv`` needs ``--roster`` for that route. The assignment's own "Upload grading
worksheet" (the Offline grading worksheet feedback plugin) takes them as they are. ``export``
writes ``moodle-<assignment>-worksheet.csv`` for it, with the columns and formats of Moodle's
own code (moodle/moodle, read from its repository):

- ``mod/assign/feedback/offline/importgradeslib.php``, ``assignfeedback_offline_grade_importer::init``
  finds the columns by their headers, ``get_string('recordid', 'assign')``,
  ``get_string('grade')`` and ``get_string('lastmodifiedgrade', 'assign')``, and refuses the
  file when one is missing; ``next`` strips ``get_string('hiddenuser', 'assign')`` off the
  front of the identifier to get the participant id, and reads the date with PHP's
  ``strtotime``. A feedback column is matched by the description of the feedback plugin's
  editor field, and read only when its index is not 0 (``!empty($details['index'])``), so it
  is never the first column here.
- ``mod/assign/lang/en/assign.php``: ``$string['recordid'] = 'Identifier'``,
  ``$string['hiddenuser'] = 'Participant '`` (hence ``Participant 123456``),
  ``$string['lastmodifiedgrade'] = 'Last modified (grade)'``,
  ``$string['maxgrade'] = 'Maximum grade'``; ``lang/en/moodle.php``: ``$string['grade'] = 'Grade'``.
- ``mod/assign/feedback/comments/lang/en/assignfeedback_comments.php``:
  ``$string['pluginname'] = 'Feedback comments'``, the description of its ``comments`` field.
- ``mod/assign/gradingtable.php``, the download (``is_downloading``): the grade is
  ``format_float($grade, 2)`` (``8.00``), the ``grademax`` column ``format_float`` of the
  assignment's maximum grade, and the last-modified column ``userdate($row->timemarked)``:
  the English date format ``strftimedaydatetime``, ``'%A, %d %B %Y, %I:%M %p'`` with the day
  and the hour without a leading zero (``Tuesday, 4 June 2024, 2:05 PM``).
- ``mod/assign/feedback/offline/locallib.php``, ``process_import_grades``: a grade is skipped
  when empty, negative, above the assignment's maximum grade, or when Moodle's grade was
  modified more than a minute after the worksheet's date (unless the instructor ticks "Allow
  updating records that have been modified more recently in Moodle than in the spreadsheet").

The grade is the score ``moodle.csv`` gives (the automatic score plus the points given by hand
so far); ``Maximum grade`` is the assignment's points, the maximum grade to set on Moodle's
assignment (a larger grade is skipped). The date is the time of the export, in this machine's
local time, which Moodle reads in its own time zone. The feedback comment gives the score and
the mistakes named in the student's answers.
"""

from __future__ import annotations

import io
import time

from autograder.store import csv_safe

IDENTIFIER = "Identifier"  # get_string('recordid', 'assign')
PARTICIPANT = "Participant "  # get_string('hiddenuser', 'assign')
GRADE = "Grade"  # get_string('grade')
MAXIMUM = "Maximum grade"  # get_string('maxgrade', 'assign')
MODIFIED = "Last modified (grade)"  # get_string('lastmodifiedgrade', 'assign')
FEEDBACK = "Feedback comments"  # get_string('pluginname', 'assignfeedback_comments')
HEADER = [IDENTIFIER, "Full name", GRADE, MAXIMUM, MODIFIED, FEEDBACK]

DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]


def moodle_date(t: float) -> str:
    """``userdate`` of Moodle's English language pack: ``Tuesday, 4 June 2024, 2:05 PM`` (local time).

    Written with English names whatever this machine's locale, as Moodle's en pack writes them.

    Parameters
    ----------
    t : float
        Seconds since the epoch.

    Returns
    -------
    str
    """
    tm = time.localtime(t)
    hour = tm.tm_hour % 12 or 12
    return (f"{DAYS[tm.tm_wday]}, {tm.tm_mday} {MONTHS[tm.tm_mon - 1]} {tm.tm_year}, "
            f"{hour}:{tm.tm_min:02d} {'AM' if tm.tm_hour < 12 else 'PM'}")


def format_float(x: float) -> str:
    """``format_float($x, 2)`` of Moodle in English: two decimals, a point.

    Parameters
    ----------
    x : float

    Returns
    -------
    str
    """
    return f"{x:.2f}"


def mistakes_named(mistakes, assignment_id: str, student_id: str) -> list[tuple[str, str]]:
    """The mistakes of the class that one student made in one assignment.

    Parameters
    ----------
    mistakes : list of autograder.reports.export.Mistake
        The class's mistakes (:func:`autograder.reports.export.common_mistakes`).
    assignment_id : str
    student_id : str

    Returns
    -------
    list of (str, str)
        ``(function, text)``, the text as the class report names the mistake.
    """
    return [(m.function or "", f"{m.message} ({m.ids})") for m in mistakes
            if m.spec.id == assignment_id and student_id in m.students]


def comment(score: float, maximum: float, status: str, named, ungraded) -> str:
    """The feedback comment: the score, what stopped the notebook, the mistakes named, what is left to grade.

    Parameters
    ----------
    score : float
        The points given, written ones included.
    maximum : float
        The points available.
    status : str
        The result's status word; anything but ``"graded"`` is named.
    named : list of (str, str)
        From :func:`mistakes_named`.
    ungraded : float or None
        The points still to be graded by hand.

    Returns
    -------
    str
    """
    text = f"Score {score:g} / {maximum:g}."
    if status != "graded":
        text += f" Status: {status}."
    if named:
        text += " Mistakes named: " + "; ".join(f"{fn}: {what}" if fn else what for fn, what in named) + "."
    if ungraded:
        text += f" {ungraded:g} point(s) still to be graded by hand."
    return text


def worksheet(graded, mistakes, now: float | None = None) -> str | None:
    """The worksheet of one assignment, as CSV text.

    Parameters
    ----------
    graded : autograder.reports.export.AssignmentGrades
        The assignment's grades.
    mistakes : list of autograder.reports.export.Mistake
        As in :func:`mistakes_named`.
    now : float, optional
        The time written as last modified (default: now).

    Returns
    -------
    str or None
        The CSV text, one row per student from a Moodle download ordered by Moodle's id;
        ``None`` when there is none.
    """
    rows = [r for r in graded.rows if r.get("lms") == "moodle" and r.get("lms_id", "").isdigit()]
    if not rows:
        return None
    maximum = graded.spec.total_points + sum(graded.manual_cells.values())
    date = moodle_date(time.time() if now is None else now)
    buf = io.StringIO()
    w = csv_safe.writer(buf)
    w.writerow(HEADER)
    for row in sorted(rows, key=lambda r: int(r["lms_id"])):
        sid = row["student_id"]
        given, ungraded = graded.manual_points(sid)
        score = float(row["score"]) + (given or 0)
        named = mistakes_named(mistakes, graded.spec.id, sid)
        w.writerow([PARTICIPANT + row["lms_id"], row.get("name") or sid, format_float(score),
                    format_float(maximum), date, comment(score, maximum, row["status"], named, ungraded)])
    return buf.getvalue()


def worksheets(graded, mistakes, now: float | None = None) -> dict[str, str]:
    """The worksheet of each assignment graded from a Moodle download.

    Parameters
    ----------
    graded : iterable of autograder.reports.export.AssignmentGrades
    mistakes : list of autograder.reports.export.Mistake
        As in :func:`mistakes_named`.
    now : float, optional
        As in :func:`worksheet`.

    Returns
    -------
    dict
        ``{"moodle-<assignment>-worksheet.csv": text}``.
    """
    files = {}
    for g in graded:
        text = worksheet(g, mistakes, now)
        if text is not None:
            files[f"moodle-{g.spec.id}-worksheet.csv"] = text
    return files
