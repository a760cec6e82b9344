"""CSV that a spreadsheet opens as data: no cell the grader writes can start a formula.

Excel, LibreOffice Calc and Google Sheets read a cell that begins with ``=``, ``+``, ``-`` or
``@`` as a formula, and a tab or a carriage return in front does not stop them (OWASP, "CSV
Injection"). A student's name is text the student controls (Moodle lets students edit their
own full name in many configurations; a folder collected by hand is named by whoever made it),
so every text cell that begins with one of these characters is written with a single quote in
front, as OWASP recommends: the spreadsheet shows the text and runs nothing.

A number is written as it is: ``-0.5`` or ``10`` is a number to a spreadsheet, not a formula,
and scores stay numbers. Ids need nothing: a safe id (:func:`autograder.intake.lms.safe_id`) begins with
a letter or a digit, and the LMS's ids are digits, so LMS imports still match on them.

Every CSV of the project is written through :func:`writer`; :func:`read_cell` takes the quote
off again when the grader reads its own CSV back (``export`` reads each OUT's grades.csv).
"""

from __future__ import annotations

import csv
import re

#: What a cell may not begin with (OWASP, "CSV Injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: A plain decimal number, as ``f"{x:g}"`` writes it: a spreadsheet reads it as a number.
NUMBER = re.compile(r"^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$")


def is_formula(text: str) -> bool:
    """Whether a spreadsheet could take a cell for a formula.

    Parameters
    ----------
    text : str
        The cell's text.

    Returns
    -------
    bool
        True when it starts with one of :data:`FORMULA_START` and is not a plain number.
    """
    return text.startswith(FORMULA_START) and not NUMBER.match(text)


def _quoted(text):
    # Quotes already in front count too, so that read_cell can undo exactly one: "'=1" is written "''=1".
    return is_formula(text.lstrip("'"))


def cell(value) -> str:
    """A value as a cell: text that could start a formula gets a single quote in front.

    Parameters
    ----------
    value : object
        Written as ``str(value)``.

    Returns
    -------
    str
    """
    text = value if isinstance(value, str) else str(value)
    return "'" + text if _quoted(text) else text


def read_cell(text: str) -> str:
    """The value given to :func:`cell` that wrote a cell.

    Parameters
    ----------
    text : str
        A cell as read from the CSV file.

    Returns
    -------
    str
        ``text`` without the quote :func:`cell` put in front, if it put one.
    """
    return text[1:] if text.startswith("'") and _quoted(text) else text


class _Writer:
    def __init__(self, f):
        self._minimal = csv.writer(f, lineterminator="\n")
        # csv quotes a field that holds a character of the line terminator, and "\r" is none of
        # "\n": a row with a carriage return in a cell is quoted whole, or it would split in two.
        self._all = csv.writer(f, lineterminator="\n", quoting=csv.QUOTE_ALL)

    def writerow(self, row):
        cells = [cell(value) for value in row]
        return (self._all if any("\r" in c for c in cells) else self._minimal).writerow(cells)

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def writer(f):
    """A ``csv.writer`` of ``f`` (``\\n`` line ends) whose cells go through :func:`cell`.

    A row with a carriage return in a cell is quoted whole.

    Parameters
    ----------
    f : file
        A text file opened with ``newline=""``, or a ``StringIO``.

    Returns
    -------
    object
        With ``writerow`` and ``writerows``, as a ``csv.writer``.
    """
    return _Writer(f)


class _DictWriter:
    def __init__(self, f, fieldnames):
        self._rows, self.fieldnames = _Writer(f), list(fieldnames)

    def writeheader(self):
        return self._rows.writerow(self.fieldnames)

    def writerow(self, row):
        extra = set(row) - set(self.fieldnames)
        if extra:
            raise ValueError(f"dict contains fields not in fieldnames: {sorted(extra)}")
        return self._rows.writerow([row.get(k, "") for k in self.fieldnames])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def dict_writer(f, fieldnames):
    """A ``csv.DictWriter`` of ``f`` whose cells go through :func:`cell` (see :func:`writer`).

    Parameters
    ----------
    f : file
        As in :func:`writer`.
    fieldnames : iterable of str
        The columns, in order.

    Returns
    -------
    object
        With ``fieldnames``, ``writeheader``, ``writerow`` and ``writerows``, as a
        ``csv.DictWriter`` (``extrasaction="raise"``, missing keys written blank).
    """
    return _DictWriter(f, fieldnames)
