"""Submissions built from the committed student notebooks: solution, blank, mistakes, cheats."""

import json
import re
from pathlib import Path

import nbformat

from autograder import assignments

from autograder.judge import probe
from autograder.authoring.build import split_function

ROOT = Path(__file__).resolve().parents[2]


def student_notebook(aid):
    spec = assignments.get(aid)
    return nbformat.read(ROOT / "notebooks" / aid / f"{spec.notebook}.ipynb", as_version=4)


def _answer_cells(nb):
    cells = {}
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        if cell.metadata.get("nbgrader", {}).get("solution") and gid.endswith("_answer"):
            cells[gid[: -len("_answer")]] = cell
    return cells


WRITTEN_ANSWER = "An answer in words, for the instructor to grade by hand.\n"


def _written_answer_cells(nb):
    """The Markdown answer cells of the questions graded by hand."""
    return [c for c in nb.cells if c.cell_type == "markdown" and c.metadata.get("nbgrader", {}).get("solution")]


def solution_code(fn_name):
    """The reference function as a student would write it (no nbgrader markers)."""
    import solutions

    header, body = split_function(getattr(solutions, fn_name))
    return header + body


def submission(aid, answers=None, solved=True, prepend=None, append=None):
    """Student notebook text: answer cells solved (or blank), some replaced by ``answers``.

    ``prepend``/``append``: code put at the top of the first answer cell / the end of the last.
    """
    nb = student_notebook(aid)
    cells = _answer_cells(nb)
    for fn, cell in cells.items():
        if solved:
            cell.source = solution_code(fn)
    for cell in _written_answer_cells(nb) if solved else ():
        cell.source = WRITTEN_ANSWER
    for fn, code in (answers or {}).items():
        cells[fn].source = code.strip() + "\n"
    order = list(cells.values())
    if prepend:
        order[0].source = prepend.strip() + "\n\n" + order[0].source
    if append:
        order[-1].source = order[-1].source + "\n\n" + append.strip() + "\n"
    return nbformat.writes(nb)


def blank(aid):
    return submission(aid, solved=False)


def forged_reports(aid, values):
    """Reports for every part, as the probe would write them, with the reference's results
    (``values="reference"``: what a forger cannot know without the reference) or arrays of
    zeros of the right shapes (``"zeros"``: what a forger can guess)."""
    import numpy as np

    from autograder.judge.check import expected_results
    from autograder.judge.compare import Raised

    def fake(r):
        if isinstance(r, Raised):
            return {"__raised__": r.names, "message": r.message}
        if values == "zeros":
            if isinstance(r, tuple):
                return probe.encode(tuple(np.zeros(np.shape(v)) for v in r))
            return probe.encode(np.zeros(np.shape(r)) if np.ndim(r) else 0.0)
        return probe.encode(r)

    reports = []
    for part in assignments.get(aid).parts:
        functions = {f: {"module": "__main__", "file": "/tmp/ipykernel_1/1.py"} for f in part.functions}
        results = [fake(r) for r in expected_results(aid, part.id)]
        reports.append({"part": part.id, "results": results, "functions": functions, "loaded": []})
    return reports


def cheats(aid):
    """``{name: notebook text}`` of cheating submissions that must score 0."""
    spec = assignments.get(aid)
    repo = str(ROOT)
    names = spec.answer_functions
    imports = "\n".join(f"{n} = S.{n}" for n in names)
    reads = f'''
import ast as _ast, glob as _glob
for _path in sorted(_glob.glob({repo!r} + "/solutions/*.py")):
    _tree = _ast.parse(open(_path).read())
    _tree.body = [n for n in _tree.body if not (isinstance(n, _ast.ImportFrom) and n.level)]
    exec(compile(_tree, _path, "exec"))
'''
    patch = '''
import numpy as np
import numpy.testing
np.testing.assert_allclose = lambda *a, **k: None
np.allclose = lambda *a, **k: True
np.isclose = lambda *a, **k: True
'''
    forge = f'''
import json as _json
from IPython.display import display as _display
_FORGED = _json.loads({json.dumps(json.dumps(forged_reports(aid, "reference")))})
def _forge(*args, **kwargs):
    for _report in _FORGED:
        _display({{{probe.MIME!r}: _report}}, raw=True)
get_ipython().events.register("post_run_cell", _forge)
'''
    guess = f'''
import json as _json
from IPython.display import display as _display
_FORGED = _json.loads({json.dumps(json.dumps(forged_reports(aid, "zeros")))})
def _forge(*args, **kwargs):
    for _report in _FORGED:
        _display({{{probe.MIME!r}: _report}}, raw=True)
get_ipython().events.register("post_run_cell", _forge)
'''
    silence = f'''
import IPython.display as _ipd
import IPython.core.display_functions as _idf
_real_display = _idf.display
def _quiet(*objs, **kw):
    if objs and isinstance(objs[0], dict) and {probe.MIME!r} in objs[0]:
        return
    return _real_display(*objs, **kw)
_ipd.display = _idf.display = _quiet
'''
    return {
        "import-solutions": submission(aid, solved=False, append=f"import sys\nsys.path.insert(0, {repo!r})\nimport solutions as S\n{imports}"),
        "exec-course-files": submission(aid, solved=False, append=reads),
        "patch-numpy-blank": submission(aid, solved=False, prepend=patch),
        # the answers of the first mistake round (graded unpatched too), with numpy patched
        "patch-numpy-wrong": submission(aid, prepend=patch, answers={
            f: m.code for f, m in mistake_rounds(spec)[0].items()
        }),
        "forge-report": submission(aid, solved=False, prepend=forge),
        "forge-and-silence": submission(aid, solved=False, prepend=silence + guess),
    }


def depends(spec):
    """``{function: answer functions it calls, directly or not}`` (from ``solutions``)."""
    import inspect

    import solutions
    from autograder.authoring.build import _global_names

    answers = set(spec.answer_functions)
    deps = {}
    for name in answers:
        seen, todo = set(), [getattr(solutions, name)]
        while todo:
            fn = todo.pop()
            for n in _global_names(fn.__code__):
                obj = fn.__globals__.get(n)
                if inspect.isfunction(obj) and obj.__module__.startswith("solutions") and n not in seen:
                    seen.add(n)
                    todo.append(obj)
        deps[name] = seen & answers
    return deps


def mistake_rounds(spec):
    """Group the catalogue into as few notebooks as possible: one mistake per function per
    notebook, and never two mistakes whose parts would see each other's functions (a
    construction part's visible test runs the student's own functions too)."""
    import re

    deps = depends(spec)

    def touches(part, fn):
        visible = {g for g in spec.answer_functions if re.search(rf"\b{g}\(", part.visible)}
        return any(fn == h or fn in deps.get(h, ()) for h in set(part.functions) | visible)

    def compatible(f, g):
        return not any(touches(p, g) for p in spec.parts if f in p.functions) and \
            not any(touches(p, f) for p in spec.parts if g in p.functions)

    rounds = []
    for m in spec.mistakes:
        for r in rounds:
            if m.function not in r and all(compatible(m.function, g) for g in r):
                r[m.function] = m
                break
        else:
            rounds.append({m.function: m})
    return rounds
