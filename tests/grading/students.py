"""Submissions for the grading tests, built from the real student notebook.

``submission(**changes)`` returns notebook JSON text: the student notebook of
02-dot-product (or another language's, ``base``) with answer cells replaced (``answers={cell id: code}``; ``solved=True``
puts the solution code of the source notebook in every answer cell), extra cells
inserted after a given cell, cells deleted or edited. Nothing here is written by hand
into a notebook file: every test submission is generated from the committed ones.
"""

import copy
import json
import re
from pathlib import Path

from tests.conftest import ROOT

ASSIGNMENT = "02-dot-product"
NOTEBOOK = "dot_product.ipynb"
STUDENT_NB = ROOT / "notebooks" / ASSIGNMENT / NOTEBOOK
SOURCE_NB = ROOT / "autograder" / "source" / ASSIGNMENT / NOTEBOOK
SOLUTION = re.compile(r"^[ \t]*### (BEGIN|END) SOLUTION[ \t]*\n", re.MULTILINE)


def _gid(cell):
    return (cell.get("metadata", {}).get("nbgrader") or {}).get("grade_id")


def _text(cell):
    src = cell["source"]
    return "".join(src) if isinstance(src, list) else src


def solutions():
    """{answer cell id: the reference code of that answer}, from the source notebook."""
    nb = json.loads(SOURCE_NB.read_text(encoding="utf-8"))
    return {_gid(c): SOLUTION.sub("", _text(c)) for c in nb["cells"]
            if (c["metadata"].get("nbgrader") or {}).get("solution")}


def parts():
    """{part id: points} of the graded test cells, in order."""
    nb = json.loads(SOURCE_NB.read_text(encoding="utf-8"))
    return {_gid(c): c["metadata"]["nbgrader"]["points"] for c in nb["cells"]
            if (c["metadata"].get("nbgrader") or {}).get("grade")}


def code_cell(source, cell_id):
    return {"cell_type": "code", "execution_count": None, "id": cell_id, "metadata": {}, "outputs": [],
            "source": source}


def submission(solved=True, answers=None, after=None, delete=(), edit=None, mutate=None, base=None):
    """Notebook text; ``after={cell id: code}`` inserts a code cell right after that cell;
    ``base`` is the handed-out notebook's text (default: the committed English one)."""
    nb = json.loads(base if base is not None else STUDENT_NB.read_text(encoding="utf-8"))
    sol = solutions() if solved else {}
    answers = {**sol, **(answers or {})}
    cells = []
    for i, cell in enumerate(nb["cells"]):
        gid = _gid(cell)
        if gid in delete:
            continue
        cell = copy.deepcopy(cell)
        if gid in answers:
            cell["source"] = answers[gid]
        if edit and gid in edit:
            cell["source"] = edit[gid]
        cells.append(cell)
        if after and gid in after:
            cells.append(code_cell(after[gid], f"extra-{i}"))
    nb["cells"] = cells
    if mutate:
        mutate(nb)
    return json.dumps(nb, indent=1)
