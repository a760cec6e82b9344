"""The assignments: one module per assignment, each defining ``ASSIGNMENT``; ``get(id)`` finds it.

Spec format (how to add an assignment, e.g. 08-capstone)
=========================================================

1. Put the reference functions in ``solutions/`` (the one source of truth).
2. Write ``autograder/assignments/aNN_<name>.py`` defining ``ASSIGNMENT = Assignment(...)``
   (copy ``a02_dot_product.py``), and add its id to :data:`MODULES` below.
3. Run ``python -m autograder.build``; commit ``autograder/source/<id>/`` and
   ``notebooks/<id>/``. Add the id to ``ASSIGNMENT_IDS`` in ``tests/exercises`` (it is
   parametrised over :func:`ids`, so nothing else is needed).

An :class:`Assignment` has:

- ``id`` (``"02-dot-product"``), ``notebook`` (file name without ``.ipynb``), ``chapter``
  (number), ``chapter_title``, ``page`` (the book page's name, ``"ch02-dot-product"``),
  ``intro`` (Markdown that recalls the chapter; the build adds the title, the total points and
  where the chapter is on the course website);
- ``parts``: 3 or more :class:`Part`, in notebook order. A part is one graded test cell
  (``grade_id`` = ``part.id``) preceded by Markdown (``prose``) and by the answer cells of
  the functions it introduces (``answers``; a later part may test the same function again,
  with ``answers=()``). The answer cell is the function's signature and docstring from
  ``solutions/`` with its body, taken with ``inspect``, between ``### BEGIN SOLUTION`` and
  ``### END SOLUTION``;
- ``visible`` (per part): the student's self-check, plain Python run after the hidden
  region. Write ``«expr»`` for a value computed at build time: ``expr`` is evaluated with
  ``S`` (``solutions``) and ``np`` and pasted as a literal (``np.array([...])``). Use the
  helpers of :mod:`autograder.visible` (``check_shape``, ``check_close``, ``check_raises``,
  ``check_true``): each failing check says what was expected and what came back;
- ``cases`` (per part): hidden :class:`Case` s, i.e. a function name, arguments (numpy arrays,
  numbers, bools, lists; built here with fixed seeds) and a label shown in feedback. The
  probe runs them in the student's kernel; :class:`autograder.check.ProbeCheck` recomputes
  them with ``solutions`` in the grading process. A case whose reference raises
  ``ValueError`` expects the student to raise ``ValueError`` too;
- ``mistakes``: the catalogue, at least 3 :class:`Mistake` per exercise function. ``code``
  is a complete wrong ``def`` that replaces the answer cell; it is run grader-side (with
  ``np`` and every function of ``solutions`` in scope) so the feedback can say "your answer
  matches mistake X: <message>"; ``visible`` is a phrase the visible tests print for it
  (a test checks both);
- ``sections``: for every answer function, the MyST label (``(ch03-qkv)=`` above a heading
  of the chapter's page) of the section that teaches it; the class report of ``export``
  links each catalogued mistake there;
- ``provided`` (optional): extra functions of ``solutions`` to copy into the locked set-up
  cell. Helpers the answers call (``_validate``'s checks, earlier chapters' functions) are
  found automatically from the functions' global names.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field

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


@dataclass(frozen=True)
class Case:
    """One hidden input: ``fn(*args, **kwargs)``; ``label`` names it in feedback."""

    fn: str
    args: tuple
    kwargs: dict = field(default_factory=dict)
    label: str = ""


@dataclass(frozen=True)
class Mistake:
    """A plausible wrong implementation of ``function`` and what to tell the student."""

    id: str
    function: str
    message: str
    code: str
    visible: str = ""


@dataclass(frozen=True)
class Part:
    """One graded part: prose, answer cells, then one test cell worth ``points``."""

    id: str
    title: str
    points: int
    prose: str
    answers: tuple
    visible: str
    cases: tuple

    @property
    def functions(self):
        """Functions this part calls, in first-use order."""
        return tuple(dict.fromkeys(c.fn for c in self.cases))


@dataclass(frozen=True)
class Assignment:
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

    @property
    def total_points(self):
        return sum(p.points for p in self.parts)

    @property
    def answer_functions(self):
        return tuple(f for p in self.parts for f in p.answers)

    def part(self, part_id):
        for p in self.parts:
            if p.id == part_id:
                return p
        raise KeyError(f"assignment {self.id} has no part {part_id!r}")

    def mistake(self, mistake_id):
        for m in self.mistakes:
            if m.id == mistake_id:
                return m
        raise KeyError(f"assignment {self.id} has no mistake {mistake_id!r}")


def ids():
    """Every assignment id, in course order."""
    return list(MODULES)


def get(assignment_id):
    """The :class:`Assignment` with this id; ``ValueError`` naming the known ids otherwise."""
    if assignment_id not in MODULES:
        raise ValueError(f"unknown assignment {assignment_id!r}; known: {', '.join(MODULES)}")
    module = importlib.import_module(f"{__name__}.{MODULES[assignment_id]}")
    return module.ASSIGNMENT
