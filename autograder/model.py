"""What grading produces: the status of a submission and the typed result of grading it.

The grading run hands each student to a worker as a :class:`Task`; the worker
(:func:`autograder.run.task.run`) sends back a :class:`Result`, which everything after it
(the gradebook, the journal in ``OUT/.grader/results/<student id>.json``, grades.csv, the
reports, the export) reads field by field. The journal holds a result's JSON
(:meth:`Result.to_json`, :meth:`Result.from_json`). A catalogued mistake and a family of mistakes travel as fields
(:attr:`PartResult.mistake`, :attr:`PartResult.family`) from the checker's summary to the
class report; no message is ever parsed to recover them.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Iterable, Mapping
from typing import Any


class Status(str, enum.Enum):
    """The status of a submission: one word, the first of these that applies to it.

    The members are in order of importance, and that order is the status rule: of every
    status found while grading a submission, it gets the first (:meth:`first`), and ``graded``
    when none was found. So a notebook that was cut for flooding its output and also ran over
    its time limit is ``timeout``, and a flagged one is ``flagged`` whatever else happened.
    Each member's :attr:`description` says what it means; the value is the word written to
    the journal, grades.csv and the reports.

    - ``missing``: no usable notebook in the student's folder.
    - ``corrupt``: the notebook file could not be read.
    - ``flagged``: signs of cheating: no points.
    - ``crashed``: the kernel died; parts not reached score 0.
    - ``memory``: the memory cap was hit.
    - ``timeout``: a cell, or the notebook, ran over a time limit.
    - ``flooded``: the output went over its cap and was cut.
    - ``error``: the grader itself failed on this notebook.
    - ``graded``: ran to the end.
    """

    description: str

    MISSING = "missing", "no usable notebook in the student's folder"
    CORRUPT = "corrupt", ("the notebook file could not be read (empty, not JSON, not a notebook, too large even "
                          "without its outputs)")
    FLAGGED = "flagged", "signs of cheating: no points (the reason is in the note)"
    CRASHED = "crashed", "the kernel died (os._exit, a segfault, ...); parts not reached score 0"
    MEMORY = "memory", "the memory cap was hit (MemoryError, or the kernel was killed)"
    TIMEOUT = "timeout", ("a cell ran over the per-cell limit (interrupted) or the notebook over its wall-clock "
                          "or CPU limit")
    FLOODED = "flooded", "the output went over its cap and was cut"
    ERROR = "error", "the grader itself failed on this notebook (a bug: see the note)"
    GRADED = "graded", "ran to the end; the score is the sum of the parts"

    def __new__(cls, word: str, description: str) -> Status:
        member = str.__new__(cls, word)
        member._value_ = word
        member.description = description
        return member

    def __str__(self) -> str:
        return self.value

    __format__ = str.__format__

    @classmethod
    def first(cls, found: Iterable[str]) -> Status:
        """The status of a submission.

        Parameters
        ----------
        found : iterable of str or Status
            Every status found while grading it.

        Returns
        -------
        Status
            The first of ``found`` in the members' order; ``graded`` when ``found`` is empty.
        """
        order = list(cls)
        return min((cls(s) for s in found), key=order.index, default=cls.GRADED)


def count_statuses(statuses: Iterable[str]) -> dict[Status, int]:
    """How many submissions have each status.

    Parameters
    ----------
    statuses : iterable of str or Status
        One status per submission.

    Returns
    -------
    dict of Status to int
        The statuses that occur, in :class:`Status` order, each with its count.
    """
    counts = {}
    for status in statuses:
        status = Status(status)
        counts[status] = counts.get(status, 0) + 1
    return {s: counts[s] for s in Status if s in counts}


def _fields(cls, data: Mapping[str, Any]) -> dict[str, Any]:
    """The keys of ``data`` that are fields of the dataclass ``cls`` (a key written by another
    version of the grader is left out; a field missing from ``data`` keeps its default)."""
    names = {f.name for f in dataclasses.fields(cls)}
    return {k: v for k, v in data.items() if k in names}


class JournalRecord:
    """A dataclass kept in the journal as a flat JSON object (a part, a cell graded by hand)."""

    def to_json(self) -> dict[str, Any]:
        """The record as the journal's JSON object.

        Returns
        -------
        dict
        """
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]):
        """The record from the journal's JSON object.

        Parameters
        ----------
        data : mapping
            A part of a journal entry; a missing key gets its default, an unknown one is left out.

        Returns
        -------
        JournalRecord
            Of the class it is called on.
        """
        return cls(**_fields(cls, data))


@dataclasses.dataclass
class PartResult(JournalRecord):
    """The result of one automatically graded part (a test cell).

    Parameters
    ----------
    score : float
        The points it got.
    max_score : float
        Its points.
    message : str
        What the checker said about it (shown to the student).
    mistake : str or None
        The id of the catalogued mistake its answer matched.
    family : str or None
        The id of the family of mistakes its answer belongs to (also for a catalogued mistake).
    function : str or None
        When a mistake or family is named: the function it was made in.
    """

    score: float = 0.0
    max_score: float = 0.0
    message: str = ""
    mistake: str | None = None
    family: str | None = None
    function: str | None = None


@dataclasses.dataclass
class ManualResult(JournalRecord):
    """A cell graded by hand, in formgrader: its points are never in the automatic score.

    Parameters
    ----------
    max_score : float
        Its points.
    answered : bool
        False for an answer left as it was handed out (nbgrader gives it 0 now).
    """

    max_score: float = 0.0
    answered: bool = False


@dataclasses.dataclass
class Result:
    """The result of grading one student's notebook: one journal entry.

    Parameters
    ----------
    student_id : str
        The student's safe id.
    assignment : str
        The assignment's id.
    digest : str or None
        What the result was computed from (a rerun skips a submission whose digest is unchanged).
    status : Status
        See :class:`Status`.
    score, max_score : float
        The automatic parts only.
    parts : dict of str to PartResult
        The automatically graded parts, by part id.
    manual : dict of str to ManualResult
        The cells graded by hand, by cell id.
    notes : list of str
        Sentences on what happened (shown to the student and in the report).
    feedback, autograded : str or None
        The feedback page and the autograded notebook, as paths relative to OUT.
    seconds : float
        How long grading took.
    traceback : str or None
        The end of the grader's traceback, for status ``error``.
    """

    student_id: str
    assignment: str
    digest: str | None = None
    status: Status = Status.GRADED
    score: float = 0.0
    max_score: float = 0.0
    parts: dict[str, PartResult] = dataclasses.field(default_factory=dict)
    manual: dict[str, ManualResult] = dataclasses.field(default_factory=dict)
    notes: list[str] = dataclasses.field(default_factory=list)
    feedback: str | None = None
    autograded: str | None = None
    seconds: float = 0.0
    traceback: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The result as the journal's JSON object (``traceback`` only when there is one).

        Returns
        -------
        dict
        """
        data = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        data["status"] = self.status.value
        data["parts"] = {pid: p.to_json() for pid, p in self.parts.items()}
        data["manual"] = {cid: c.to_json() for cid, c in self.manual.items()}
        data["notes"] = list(self.notes)
        if self.traceback is None:
            del data["traceback"]
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Result:
        """The result from the journal's JSON object.

        Parameters
        ----------
        data : mapping
            A journal entry.
            An entry written by an earlier version loads too: a missing key gets its default.

        Returns
        -------
        Result
        """
        fields = _fields(cls, data)
        fields["status"] = Status(data.get("status", Status.GRADED))
        fields["parts"] = {pid: PartResult.from_json(p) for pid, p in (data.get("parts") or {}).items()}
        fields["manual"] = {cid: ManualResult.from_json(c) for cid, c in (data.get("manual") or {}).items()}
        fields["notes"] = list(data.get("notes") or [])
        return cls(**fields)


@dataclasses.dataclass(frozen=True)
class Task:
    """One student's grading, as the run hands it to a worker: everything the worker needs.

    Parameters
    ----------
    assignment : str
        The assignment's id.
    notebook : str
        The notebook's file name (``dot_product.ipynb``).
    student_id : str
        The student's safe id.
    out : str
        The OUT folder (where a pool worker writes the student's files).
    source : dict
        The snapshot of the source notebook (:func:`autograder.store.prepare.source_snapshot`):
        its ``cells`` with their names, points and kinds.
    path : str or None
        The student's notebook on the grader's machine; None when there is none (``missing``).
    limits : dict
        The kernel's limits (``Limits.as_dict()``).
    sandbox : bool
        Run the kernel in the sandbox.
    prefetch : bool
        Start the next kernel while this one runs.
    digest : str or None
        What the result is computed from (a rerun skips an unchanged submission).
    notes : tuple of str
        What the intake noted about the submission (shown to the student).
    reread : dict
        ``{function: [URL, text]}``: the book's section for each answer function
        (:func:`autograder.assignments.sections.reread_links`).
    size : int or None
        With ``data``: the notebook carried inside the task, for a worker that cannot see the
        grader's files (:func:`autograder.run.task.carry_notebook`); ``data`` is None when the
        file is over the size the grader reads, and ``size`` says how large it is.
    data : bytes or None
        The notebook's bytes, when carried.
    """

    assignment: str
    notebook: str
    student_id: str
    out: str
    source: dict
    path: str | None = None
    limits: dict = dataclasses.field(default_factory=dict)
    sandbox: bool = True
    prefetch: bool = True
    digest: str | None = None
    notes: tuple = ()
    reread: dict = dataclasses.field(default_factory=dict)
    size: int | None = None
    data: bytes | None = None

    @property
    def carried(self) -> bool:
        """Does the task carry its notebook (``size`` and ``data``) instead of a ``path``?"""
        return self.size is not None
