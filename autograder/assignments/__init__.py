"""The assignments: one module per assignment, each defining ``ASSIGNMENT``; ``get(id)`` finds it.

Spec format (how to add an assignment, e.g. 08-capstone)
=========================================================

1. Put the reference functions in ``solutions/`` (the one source of truth).
2. Write ``autograder/assignments/aNN_<name>.py`` defining ``ASSIGNMENT = Assignment(...)``
   (copy ``a02_dot_product.py``), and add its id to :data:`MODULES` below.
3. Run ``python -m autograder build``; commit ``autograder/source/<id>/`` and
   ``notebooks/<id>/``. The tests of ``tests/exercises`` run over :func:`ids`, so they
   cover the new assignment with nothing else to add.

An :class:`Assignment` has:

- ``id`` (``"02-dot-product"``), ``notebook`` (file name without ``.ipynb``), ``chapter``
  (number), ``chapter_title``, ``page`` (the book page's name, ``"ch02-dot-product"``),
  ``intro`` (Markdown that recalls the chapter; the build adds the title, the total points and
  where the chapter is on the course website);
- ``parts``: 3 or more :class:`Part`, in notebook order. A part is one graded test cell
  (``grade_id`` = ``part.id``) preceded by Markdown (``prose``) and by the answer cells of
  the functions it introduces (``answers``; a later part may test the same function again,
  with ``answers=()``). The answer cell is the function's signature and docstring from
  ``solutions/`` (without its numpydoc ``Notes``, which say how the reference computes the
  result) with its body, taken with ``inspect``, between ``### BEGIN SOLUTION`` and
  ``### END SOLUTION``. A part without answer cells asks for no new code unless
  ``new_code=True`` (a later step of the same function, as in the capstone); such parts may
  carry at most a fifth of the points, and their prose says "No new code" (a test checks
  both). A part that checks mostly ``ValueError`` handling or shapes sets
  ``checks_only=True`` and counts with the no-new-code parts towards that fifth; the test
  requires the flag when half or more of a part's hidden cases must raise ``ValueError``, or
  when its visible tests call only ``check_shape`` and ``check_raises``. Hints go into
  collapsed Markdown ``<details>`` blocks;
- ``visible`` (per part): the student's self-check, plain Python run after the hidden
  region. Write ``«expr»`` for a value computed at build time: ``expr`` is evaluated with
  ``S`` (``solutions``) and ``np`` and pasted as a literal (``np.array([...])``). Use the
  helpers of :mod:`autograder.assignments.visible` (``check_shape``, ``check_close``, ``check_raises``,
  ``check_true``, ``check_unlike``, ``check_no_loop``): each failing check says what was
  expected and what came back;
- ``cases`` (per part): hidden :class:`Case` s, i.e. a function name, arguments (numpy arrays,
  numbers, bools, lists; built here with fixed seeds) and a label shown in feedback. The
  probe runs them in the student's kernel; :class:`autograder.judge.check.ProbeCheck` recomputes
  them with ``solutions`` in the grading process. A case whose reference raises
  ``ValueError`` expects the student to raise ``ValueError`` too;
- ``mistakes``: the catalogue, at least 3 :class:`Mistake` per exercise function, each a
  small ``patch`` of the reference (``(old, new)`` pairs, see :func:`patched`); it is run
  grader-side (with ``np`` and every function of ``solutions`` in scope) so the feedback can
  say "your answer matches mistake X: <message>"; ``visible`` is a phrase the visible tests
  print for it (a test checks both);
- ``families`` (optional): :class:`Family` s of mistakes the grader names when no catalogued
  mistake matches, on top of the generic ones of :mod:`autograder.judge.families` (transposed
  outputs, wrong axis, scale, roles of Q, K, V, ...);
- ``family_messages`` (optional): ``{generic family id: message}``, what this assignment's
  feedback says in place of the generic family's message (the capstone's say what the
  gradients do wrong, where the generic ones quote the reference's code);
- ``judges`` (optional): ``{function: callable}``, what the grader compares the student's
  results with in place of ``solutions.<function>`` (the capstone's: finite differences of
  the forward pass, :mod:`autograder.assignments.finite_differences`);
- ``provided`` (optional): extra functions of ``solutions`` the visible tests call. Helpers
  the answers call are found from the functions' global names. Helpers that are not an
  exercise's answer (``solutions.validate``'s checks, ``multi_head_weights``) go into the locked
  set-up cell; answers of earlier exercises never do: the student pastes their own into
  answer cells after the set-up cell, and a locked cell checks them on new inputs against
  precomputed values (:func:`autograder.authoring.build.earlier_check_source`).
- ``questions`` (optional, one per exercise): :class:`Question` s, short written answers graded
  by hand. Each goes after the part ``after`` names (at the end when empty): a locked Markdown
  cell with the ``prompt``, then an nbgrader "Manually graded answer" (a Markdown cell with
  ``grade``, ``solution``, ``points``), which formgrader shows the instructor. The answer
  cell of the source notebook holds the ``rubric`` (what earns the points); nbgrader's
  ``generate_assignment`` replaces it with "YOUR ANSWER HERE" in the student's notebook.
  Their points (``manual_points``) are not part of ``total_points``, the automatic score,
  and the grader's results leave them out (nbgrader's own maximum counts them);
- ``sections``: for every answer function, the MyST label (``(ch03-qkv)=`` above a heading
  of the chapter's page) of the section that teaches it; the class report of ``export``
  links each catalogued mistake there;
- ``behaviour`` (optional, per part): a **construction part**, graded on what self-attention
  does with the student's result, never by comparing it with the reference's numbers. The
  student's function returns weights (or masks, or inputs) of their choosing;
  ``behaviour(case, result)`` runs the reference (``solutions``) with them on the case's
  inputs and returns ``None`` when they do what the part asks, else one sentence saying
  what they do instead, without the answer. Its sentences must not quote measured numbers:
  the grader names a catalogued mistake (or a :class:`Family`) when its result fails a
  hidden case with the same sentence as the student's, so equal behaviour gives equal
  words (the generic families of :mod:`autograder.judge.families` compare numbers with the
  reference's and are not tried on these parts). The reference must pass it; a case whose reference raises ``ValueError`` is
  judged as in other parts. Grader-side inputs of the check (a sentence, an embedding)
  go into the case's ``data`` (never sent to the student's kernel), so a construction that
  fits only the visible input fails. The visible tests check the behaviour too, with the
  student's own functions and the helpers of :mod:`autograder.assignments.visible`
  (``check_attends_most``, ``check_attends_within``).
"""

from __future__ import annotations

import importlib
import inspect
import textwrap
from dataclasses import dataclass, field

from solutions.ch02_dot_product import worked_example

MODULES = {
    "01-vector-sets": "a01_vector_sets",
    "02-dot-product": "a02_dot_product",
    "03-matrix-form": "a03_matrix_form",
    "04-multi-head": "a04_multi_head",
    "05-positional-encoding": "a05_positional_encoding",
    "06-vs-cnn": "a06_vs_cnn",
    "07-vs-rnn": "a07_vs_rnn",
    "08-capstone": "a08_capstone",
}


# The worked example of chapters 2 and 3, defined once in solutions (``worked_example``).
WORKED_EXAMPLE = worked_example()


@dataclass(frozen=True)
class Case:
    """One hidden input: ``fn(*args, **kwargs)``.

    Attributes
    ----------
    fn : str
        The name of the function called.
    args : tuple
        Its positional arguments (arrays, numbers, bools, lists).
    kwargs : dict
        Its keyword arguments.
    label : str
        What the case is, as feedback names it.
    data : dict
        Grader-side inputs of a construction part's ``behaviour`` check (see
        :class:`Part`); never sent to the student's kernel.
    """

    fn: str
    args: tuple
    kwargs: dict = field(default_factory=dict)
    label: str = ""
    data: dict = field(default_factory=dict)


def reference_source(function: str) -> str:
    """The source of a reference function, dedented.

    Parameters
    ----------
    function : str
        The name of a function of ``solutions``.

    Returns
    -------
    str
        The source of ``solutions.<function>``: signature, docstring and body.
    """
    import solutions

    return textwrap.dedent(inspect.getsource(getattr(solutions, function)))


def patched(function: str, patch) -> str:
    """The reference ``function`` with each ``(old, new)`` of ``patch`` applied once.

    ``old`` must occur exactly once in the reference's source, so a patch cannot silently
    stop applying when the reference changes.

    Parameters
    ----------
    function : str
        The name of a function of ``solutions``.
    patch : iterable of (str, str)
        The replacements, applied in order.

    Returns
    -------
    str
        The edited source of the whole function.

    Raises
    ------
    ValueError
        If an ``old`` does not occur exactly once.
    """
    src = reference_source(function)
    for old, new in patch:
        count = src.count(old)
        if count != 1:
            raise ValueError(f"patch of {function}: {old!r} occurs {count} times in the reference, expected once")
        src = src.replace(old, new)
    return src


@dataclass(frozen=True)
class Mistake:
    """A plausible wrong implementation of ``function`` and what to tell the student.

    Attributes
    ----------
    id : str
        The mistake's id, unique in its assignment.
    function : str
        The answer function it gets wrong.
    message : str
        What the feedback tells a student whose answer matches it.
    patch : tuple of (str, str)
        ``(old, new)`` replacements applied to the reference's source (see :func:`patched`):
        a mistake is written as the few characters it changes.
    visible : str
        The phrase the visible tests print for it.
    """

    id: str
    function: str
    message: str
    patch: tuple
    visible: str = ""

    @property
    def code(self) -> str:
        """The complete wrong ``def``, as a student's answer cell would hold it."""
        return patched(self.function, self.patch)


@dataclass(frozen=True)
class Family:
    """A family of mistakes, recognised by comparing results with a transformation of the reference.

    The grader names the family when the student's results equal one candidate on every
    failing case.

    Attributes
    ----------
    id : str
        The family's id.
    function : str
        The answer function it applies to.
    message : str
        What the feedback tells a student whose answer belongs to it.
    candidates : callable
        ``candidates(args, kwargs, reference)`` returns the results the family predicts for
        one hidden case of ``function`` (a list; empty when the family does not apply to
        the case); ``reference`` is the reference function.
    """

    id: str
    function: str
    message: str
    candidates: object


@dataclass(frozen=True)
class Part:
    """One graded part: prose, answer cells, then one test cell worth ``points``.

    Attributes
    ----------
    id : str
        The part's id, the test cell's ``grade_id``.
    title : str
        Its heading in the notebook.
    points : int
        What the test cell is worth.
    prose : str
        The Markdown before the answer cells.
    answers : tuple of str
        The functions whose answer cells this part introduces.
    visible : str
        The student's self-check (see the module docstring for ``«expr»``).
    cases : tuple of Case
        The hidden cases.
    new_code : bool or None
        Does the part ask for code? ``None``: it does when it has answer cells.
    checks_only : bool
        Do its cases check only ``ValueError`` handling or shapes?
    behaviour : callable or None
        For a construction part, ``behaviour(case, result)``: ``None``, or what the result
        does wrong (see the module docstring).
    """

    id: str
    title: str
    points: int
    prose: str
    answers: tuple
    visible: str
    cases: tuple
    new_code: bool = None  # does the part ask for code? default: it has answer cells
    checks_only: bool = False  # do its cases check only ValueError handling or shapes?
    # a construction part: behaviour(case, result) -> None, or what the result does wrong (module doc)
    behaviour: object = None

    @property
    def asks_for_code(self) -> bool:
        """True when the part asks the student to write code (not only to pass more cases)."""
        return bool(self.answers) if self.new_code is None else self.new_code

    @property
    def full_weight(self) -> bool:
        """True when the part may carry many points: it asks for code that does more than checks."""
        return self.asks_for_code and not self.checks_only

    @property
    def functions(self) -> tuple[str, ...]:
        """Functions this part calls, in first-use order."""
        return tuple(dict.fromkeys(c.fn for c in self.cases))


@dataclass(frozen=True)
class Question:
    """A short written question, graded by hand (an nbgrader "Manually graded answer" cell).

    Attributes
    ----------
    id : str
        The question's id, its answer cell's ``grade_id``.
    prompt : str
        The question, in Markdown.
    points : int
        What the answer is worth.
    rubric : str
        What earns the ``points``, for the instructor: in the source notebook only, never
        in the student's.
    after : str
        The id of the part it follows in the notebook ("" puts it at the end).
    """

    id: str
    prompt: str
    points: int
    rubric: str
    after: str = ""


@dataclass(frozen=True)
class Assignment:
    """One exercise notebook: its parts, its catalogue of mistakes, and where the book teaches it.

    The module docstring describes each field in full.

    Attributes
    ----------
    id : str
        ``"02-dot-product"``.
    notebook : str
        The notebook's file name without ``.ipynb``.
    chapter : int
        The chapter's number.
    chapter_title : str
        The chapter's title.
    page : str
        The book page's name, ``"ch02-dot-product"``.
    intro : str
        Markdown that recalls the chapter.
    parts : tuple of Part
        The graded parts, in notebook order.
    mistakes : tuple of Mistake
        The catalogue.
    returns : dict
        ``{function: name of its output, or a tuple of names}``, for messages.
    sections : dict
        ``{function: MyST label of the book section that teaches it}``.
    provided : tuple of str
        Extra functions of ``solutions`` the visible tests call.
    families : tuple of Family
        Assignment-specific families, on top of the grader's generic ones.
    family_messages : dict
        ``{generic family id: this assignment's message}``.
    judges : dict
        ``{function: callable the grader compares with}`` (default: ``solutions``).
    questions : tuple of Question
        Written answers, graded by hand.
    """

    id: str
    notebook: str
    chapter: int
    chapter_title: str
    page: str
    intro: str
    parts: tuple
    mistakes: tuple
    returns: dict = field(default_factory=dict)  # function -> names of its outputs, for messages
    # function -> MyST label of the book section that teaches it (the class report links there)
    sections: dict = field(default_factory=dict)
    provided: tuple = ()
    families: tuple = ()  # assignment-specific :class:`Family` s, on top of the grader's generic ones
    family_messages: dict = field(default_factory=dict)  # generic family id -> this assignment's message
    judges: dict = field(default_factory=dict)  # function -> callable the grader compares with (default: solutions)
    questions: tuple = ()  # :class:`Question` s, graded by hand

    @property
    def total_points(self) -> int:
        """The points graded automatically: the sum of the parts' (the questions' are ``manual_points``)."""
        return sum(p.points for p in self.parts)

    @property
    def manual_points(self) -> int:
        """The points of the written questions, given by hand in formgrader."""
        return sum(q.points for q in self.questions)

    def questions_after(self, part_id: str) -> tuple[Question, ...]:
        """The questions that go after one part.

        Parameters
        ----------
        part_id : str
            The id of a part.

        Returns
        -------
        tuple of Question
            Those whose ``after`` is ``part_id``; after the last part, also those whose
            ``after`` is empty.
        """
        last = self.parts[-1].id
        return tuple(q for q in self.questions if (q.after or last) == part_id)

    @property
    def answer_functions(self) -> tuple[str, ...]:
        """The answer functions of every part, in notebook order."""
        return tuple(f for p in self.parts for f in p.answers)

    def part(self, part_id: str) -> Part:
        """The part with this id.

        Parameters
        ----------
        part_id : str
            The id of a part.

        Returns
        -------
        Part

        Raises
        ------
        KeyError
            If the assignment has no such part.
        """
        for p in self.parts:
            if p.id == part_id:
                return p
        raise KeyError(f"assignment {self.id} has no part {part_id!r}")

    def mistake(self, mistake_id: str) -> Mistake:
        """The catalogued mistake with this id.

        Parameters
        ----------
        mistake_id : str
            The id of a mistake.

        Returns
        -------
        Mistake

        Raises
        ------
        KeyError
            If the assignment has no such mistake.
        """
        for m in self.mistakes:
            if m.id == mistake_id:
                return m
        raise KeyError(f"assignment {self.id} has no mistake {mistake_id!r}")


# The languages of the student notebooks: ``<name>.ipynb`` in English, ``<name>.<code>.ipynb`` in the others.
LANGUAGES = ("en", "zh")


@dataclass(frozen=True)
class Translation:
    """An exercise notebook's words in another language (the code and tests stay the same).

    The notebook ``notebooks/<id>/<name>.<lang>.ipynb`` is built from the same
    :class:`Assignment` as the English one, with these texts in place of its Markdown.

    Attributes
    ----------
    chapter_title : str
        The chapter's title, as the edition of the book in this language has it.
    intro : str
        The :attr:`Assignment.intro`.
    parts : dict
        ``{part id: (title, prose)}`` for every part.
    questions : dict
        ``{question id: prompt}`` for every written question.
    """

    chapter_title: str
    intro: str
    parts: dict
    questions: dict = field(default_factory=dict)


def ids() -> list[str]:
    """Every assignment id, in course order.

    Returns
    -------
    list of str
    """
    return list(MODULES)


def get(assignment_id: str) -> Assignment:
    """The assignment with this id.

    Parameters
    ----------
    assignment_id : str
        An id of :data:`MODULES`, such as ``"02-dot-product"``.

    Returns
    -------
    Assignment
        The ``ASSIGNMENT`` of its module.

    Raises
    ------
    ValueError
        If the id is unknown; the message names the known ids.
    """
    if assignment_id not in MODULES:
        raise ValueError(f"unknown assignment {assignment_id!r}; known: {', '.join(MODULES)}")
    module = importlib.import_module(f"{__name__}.{MODULES[assignment_id]}")
    return module.ASSIGNMENT
