"""Grader side of the hidden tests: ``ProbeCheck`` judges each part against ``solutions/``.

``ProbeCheck`` is an nbgrader preprocessor placed right after ``Execute`` in
``Autograde.autograde_preprocessors``. For every graded test cell it

1. finds the probe's report (the one ``display_data`` output with :data:`autograder.judge.probe.MIME`);
2. rebuilds the part's hidden inputs from the spec (never from the report), recomputes them
   with ``solutions/`` (or the assignment's judge, e.g. finite differences) here, in the
   grading process, and compares;
3. on a mismatch, recomputes the catalogued mistakes of the part's functions and names the
   one the student's results match; failing that, names the family of the mistake
   (:mod:`autograder.judge.families`: a transposed output, a wrong axis, a missing scale, ...);
   a **construction part** (``Part.behaviour``) is judged instead on what self-attention
   does with the student's results (:func:`behaviour_problem`), and a mistake or family is
   named when its results fail the same cases with the same words;
4. **replaces the cell's outputs**: one stdout line when the part passes (full points, even if
   the student's code wrote to stderr), one ``error`` output with the message otherwise
   (0 points, as nbgrader scores any error 0).

A part gets its points only when its cell holds exactly one report, for that part, whose
every result matches, and the cell raised no error (the visible tests passed too).

Defence in depth: a submission whose functions were not defined in notebook cells (imported,
or ``exec``'d from text) or whose kernel had ``solutions``/``autograder`` loaded is
**flagged**: every part scores 0 and the message gives the reason.

The verdicts are also stored in ``nb.metadata["probe_check"]`` and
``resources["probe_check"]``::

    {"assignment": id, "status": "graded" | "flagged", "reasons": [...],
     "parts": {part_id: {"passed": bool, "points": max points, "message": str,
                         "mistake": catalogued mistake id or None,
                         "family": mistake family id or None (also for a catalogued mistake,
                                   when its results belong to a family)}}}
"""

from __future__ import annotations

import functools
import re

import numpy as np
from nbformat.notebooknode import NotebookNode, from_dict

from autograder import assignments

from autograder.judge import families

from autograder.judge import probe
from autograder.judge.compare import Raised, compare, from_report, run_case, solutions_namespace

MIME = probe.MIME
# How a part's message shows the student the catalogued mistake it matched. Only shown: the id
# travels as the verdict's ``mistake`` field (and on, as `autograder.model.PartResult.mistake`).
MISTAKE_TAG = "[catalogued mistake: {}]"
# Functions defined in an IPython cell live in a file like /tmp/ipykernel_123/456.py.
CELL_FILE = re.compile(r"(ipykernel_\d+[/\\]\d+\.py|<ipython-input-[\d-]+)")


@functools.lru_cache(maxsize=None)
def mistake_function(assignment_id: str, mistake_id: str):
    """The catalogued wrong implementation, compiled grader-side.

    Parameters
    ----------
    assignment_id : str
    mistake_id : str
        A mistake of the assignment's catalogue.

    Returns
    -------
    callable
        The wrong function, defined among ``solutions``' functions.
    """
    mistake = assignments.get(assignment_id).mistake(mistake_id)
    ns = solutions_namespace()
    exec(compile(mistake.code, f"<mistake {mistake_id}>", "exec"), ns)  # noqa: S102 - our own catalogue
    return ns[mistake.function]


@functools.lru_cache(maxsize=None)
def expected_results(assignment_id: str, part_id: str, mistake_id: str | None = None) -> tuple:
    """Results of the reference (or of a catalogued mistake) on the part's hidden cases.

    The reference is ``solutions``' function, or the assignment's judge for it
    (``spec.judges``: the capstone's gradients come from finite differences of the forward pass).

    Parameters
    ----------
    assignment_id : str
    part_id : str
    mistake_id : str or None
        A catalogued mistake to run in place of its function; None for the reference.

    Returns
    -------
    tuple
        One result per hidden case (:func:`autograder.judge.compare.run_case`).
    """
    import solutions

    spec = assignments.get(assignment_id)
    part = spec.part(part_id)
    wrong = spec.mistake(mistake_id) if mistake_id else None
    out = []
    for case in part.cases:
        if wrong is not None and case.fn == wrong.function:
            fn = mistake_function(assignment_id, mistake_id)
        else:
            fn = spec.judges.get(case.fn) or getattr(solutions, case.fn)
        with np.errstate(all="ignore"):
            out.append(run_case(fn, case))
    return tuple(out)


def verdict(passed: bool, message: str, mistake: str | None = None, family: str | None = None) -> dict:
    """One part's verdict, as the summary holds it.

    Parameters
    ----------
    passed : bool
        Whether the part gets its points.
    message : str
        What the student reads under the part.
    mistake : str or None
        The id of the catalogued mistake the answer matched.
    family : str or None
        The id of the family of mistakes the answer belongs to.

    Returns
    -------
    dict
        ``{"passed", "message", "mistake", "family"}``; the mistake and family are fields,
        never to be read back from the message.
    """
    return {"passed": passed, "message": message, "mistake": mistake, "family": family}


def _outputs_of(spec, fn):
    return spec.returns.get(fn, "the result")


def _no_case_fails(title, part, cell_error, what):
    """The verdict when every hidden case passes: full points, unless the cell raised."""
    if cell_error:
        return verdict(False, f"{title}: the hidden cases pass, but the cell raised {cell_error}")
    return verdict(True, f"{title}: {what} ({part.points} point{'s' if part.points != 1 else ''}).")


def judge_part(spec, part, report, cell_error: str | None = None) -> dict:
    """The verdict for one part.

    Parameters
    ----------
    spec : autograder.assignments.Assignment
    part : autograder.assignments.Part
    report : dict or None
        The probe's report from the part's cell (None: there was none).
    cell_error : str or None
        The first error the cell raised.

    Returns
    -------
    dict
        :func:`verdict`.
    """
    title = f"Part {part.title!r}"
    if report is None:
        why = f" The cell stopped with {cell_error}." if cell_error else ""
        return verdict(False, f"{title}: the hidden tests did not report a result.{why}")
    results = report.get("results") if isinstance(report, dict) else None
    if not isinstance(report, dict) or report.get("part") != part.id or not isinstance(results, list) \
            or len(results) != len(part.cases):
        return verdict(False, f"{title}: the hidden tests' report is malformed (was the output tampered with?).")
    got = [from_report(r) for r in results]
    expected = expected_results(spec.id, part.id)
    if part.behaviour is not None:
        return _judge_behaviour(spec, part, expected, got, cell_error)
    problems = [compare(e, g, _outputs_of(spec, c.fn)) for c, e, g in zip(part.cases, expected, got)]
    failing = [i for i, p in enumerate(problems) if p]
    if not failing:
        return _no_case_fails(title, part, cell_error, f"all {len(part.cases)} hidden cases match the reference")
    first = failing[0]
    case = part.cases[first]
    detail = f"on the hidden case {case.label or case.fn}, {case.fn} {problems[first]}"
    summary = f"{len(failing)} of {len(part.cases)} hidden cases fail; first, {detail}."
    for mistake in spec.mistakes:
        if mistake.function not in part.functions:
            continue
        wrong = expected_results(spec.id, part.id, mistake.id)
        if any(compare(expected[i], wrong[i], _outputs_of(spec, part.cases[i].fn)) is None for i in failing):
            continue  # the mistake is right where the student is wrong: not this one
        if all(compare(wrong[i], got[i], _outputs_of(spec, part.cases[i].fn)) is None for i in failing):
            # the family too, so that the same mistake made another way is counted with this one
            family = families.diagnose(spec, part, expected, got, failing)
            return verdict(False, f"{title}: {mistake.message} {MISTAKE_TAG.format(mistake.id)} ({summary})",
                           mistake.id, family[0] if family else None)
    family = families.diagnose(spec, part, expected, got, failing)
    if family is not None:
        family_id, message = family
        return verdict(False, f"{title}: {message} [mistake family: {family_id}] ({summary})", family=family_id)
    return verdict(False, f"{title}: {summary}")


# ----------------------------------------------------------------------------- construction parts

def behaviour_problem(spec, part, case, expected, got) -> str | None:
    """What one result of a construction part does wrong.

    Parameters
    ----------
    spec : autograder.assignments.Assignment
    part : autograder.assignments.Part
        A construction part (``part.behaviour`` set).
    case : autograder.assignments.Case
    expected, got
        The reference's and the student's results on ``case``.

    Returns
    -------
    str or None
        What is wrong, in the student's words; None when it does what the part asks.
    """
    what = _outputs_of(spec, case.fn)
    if isinstance(expected, Raised) or isinstance(got, Raised):
        return compare(expected, got, what)
    try:
        with np.errstate(all="ignore"):
            return part.behaviour(case, got)
    except Exception as exc:  # noqa: BLE001 - a result the check cannot use is a wrong result
        return f"returned {_shown(got)}, which the check could not use ({type(exc).__name__}: {str(exc)[:200]})"


def _shown(x):
    if isinstance(x, tuple):
        return "(" + ", ".join(f"an array of shape {v.shape}" if isinstance(v, np.ndarray) else type(v).__name__
                               for v in x) + ")"
    return f"an array of shape {x.shape}" if isinstance(x, np.ndarray) else type(x).__name__


@functools.lru_cache(maxsize=None)
def _mistake_problems(assignment_id, part_id, mistake_id):
    spec = assignments.get(assignment_id)
    part = spec.part(part_id)
    expected = expected_results(assignment_id, part_id)
    wrong = expected_results(assignment_id, part_id, mistake_id)
    return tuple(behaviour_problem(spec, part, c, e, w) for c, e, w in zip(part.cases, expected, wrong))


def _behaviour_family(spec, part, expected, problems, failing):
    """The assignment's :class:`Family` whose prediction fails every failing case as the student's does."""
    import solutions

    for family in spec.families:
        if family.function not in part.functions:
            continue
        named = True
        for i in failing:
            case = part.cases[i]
            try:
                with np.errstate(all="ignore"):
                    predicted = family.candidates(case.args, case.kwargs, getattr(solutions, case.fn))
            except Exception:  # noqa: BLE001 - a family that cannot predict this case names nothing
                predicted = []
            if not any(behaviour_problem(spec, part, case, expected[i], p) == problems[i] for p in predicted):
                named = False
                break
        if named:
            return family
    return None


def _judge_behaviour(spec, part, expected, got, cell_error):
    """Verdict for a construction part: the student's results judged by ``part.behaviour``."""
    title = f"Part {part.title!r}"
    problems = [behaviour_problem(spec, part, c, e, g) for c, e, g in zip(part.cases, expected, got)]
    failing = [i for i, p in enumerate(problems) if p]
    if not failing:
        return _no_case_fails(title, part, cell_error,
                              f"on all {len(part.cases)} hidden cases your construction does what the part asks")
    case = part.cases[failing[0]]
    summary = (f"{len(failing)} of {len(part.cases)} hidden cases fail; first, on the hidden case "
               f"{case.label or case.fn}, {case.fn} {problems[failing[0]]}.")
    for mistake in spec.mistakes:
        if mistake.function not in part.functions:
            continue
        wrong = _mistake_problems(spec.id, part.id, mistake.id)
        if all(wrong[i] is not None and wrong[i] == problems[i] for i in failing):
            return verdict(False, f"{title}: {mistake.message} {MISTAKE_TAG.format(mistake.id)} ({summary})",
                           mistake.id)
    family = _behaviour_family(spec, part, expected, problems, failing)
    if family is not None:
        return verdict(False, f"{title}: {family.message} [mistake family: {family.id}] ({summary})",
                       family=family.id)
    return verdict(False, f"{title}: {summary}")


def flags_of(spec, part, report) -> list[str]:
    """Reasons to flag the submission, from one part's report (defence in depth).

    Parameters
    ----------
    spec : autograder.assignments.Assignment
    part : autograder.assignments.Part
    report : dict or None
        The probe's report.

    Returns
    -------
    list of str
        Course modules loaded in the kernel; functions not defined in a notebook cell.
    """
    if not isinstance(report, dict):
        return []
    reasons = []
    loaded = report.get("loaded") or []
    if loaded:
        reasons.append(f"the kernel had course modules loaded ({', '.join(map(str, loaded[:5]))})")
    functions = report.get("functions") if isinstance(report.get("functions"), dict) else {}
    for name in part.functions:
        info = functions.get(name)
        if not isinstance(info, dict):
            continue
        module, file = str(info.get("module")), str(info.get("file"))
        if module != "__main__" or not CELL_FILE.search(file):
            reasons.append(f"{name} was not defined in a notebook cell (module {module}, file {file})")
    return reasons


# ----------------------------------------------------------------------------- preprocessor

def _grade_id(cell):
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return meta.get("grade_id") if meta.get("grade") and cell.get("cell_type") == "code" else None


def _reports(cell):
    found = []
    for out in cell.get("outputs", []):
        data = out.get("data") or {}
        if out.get("output_type") in ("display_data", "execute_result") and MIME in data:
            found.append(data[MIME])
    return found


def _first_error(cell):
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            return f"{out.get('ename', 'an error')}: {str(out.get('evalue', ''))[:300]}"
    return None


def check_notebook(nb: NotebookNode, assignment_id: str) -> dict:
    """Judge every graded part of an executed notebook and rewrite its test cells' outputs.

    Parameters
    ----------
    nb : NotebookNode
        The executed notebook; its test cells' outputs are replaced, and the summary is stored
        in ``nb.metadata["probe_check"]``.
    assignment_id : str

    Returns
    -------
    dict
        The summary (see the module's docstring).
    """
    spec = assignments.get(assignment_id)
    cells = {}
    for cell in nb.cells:
        gid = _grade_id(cell)
        if gid is not None and gid in {p.id for p in spec.parts}:
            cells[gid] = cell
    verdicts, reasons = {}, []
    for part in spec.parts:
        cell = cells.get(part.id)
        if cell is None:
            continue
        reports = _reports(cell)
        report = reports[0] if len(reports) == 1 else None
        error = _first_error(cell)
        if len(reports) > 1:
            verdicts[part.id] = verdict(False, f"Part {part.title!r}: {len(reports)} hidden-test reports in one "
                                               "cell; only the probe may write one (was the output forged?).")
        else:
            verdicts[part.id] = judge_part(spec, part, report, error)
        reasons += [r for r in flags_of(spec, part, report) if r not in reasons]
    status = "flagged" if reasons else "graded"
    if reasons:
        for v in verdicts.values():
            v.update(passed=False, mistake=None, family=None,
                     message="Flagged, no points for this notebook: " + "; ".join(reasons) + ".")
    for part in spec.parts:
        if part.id not in cells:
            continue
        v = verdicts[part.id]
        v["points"] = part.points
        if v["passed"]:
            out = {"output_type": "stream", "name": "stdout", "text": v["message"] + "\n"}
        else:
            out = {"output_type": "error", "ename": "HiddenTestFailure", "evalue": v["message"],
                   "traceback": [v["message"]]}
        cells[part.id].outputs = [from_dict(out)]
    summary = {"assignment": assignment_id, "status": status, "reasons": reasons, "parts": verdicts}
    nb.metadata["probe_check"] = from_dict(summary)
    return summary


try:
    from nbgrader.preprocessors import NbGraderPreprocessor
except ImportError:  # pragma: no cover - nbgrader is pinned in requirements.txt
    NbGraderPreprocessor = object


class ProbeCheck(NbGraderPreprocessor):
    """nbgrader preprocessor: judge the probes' reports against ``solutions/`` (see the module doc)."""

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        """Judge ``nb`` (:func:`check_notebook`); the summary also goes into ``resources["probe_check"]``.

        Parameters
        ----------
        nb : NotebookNode
            The executed notebook.
        resources : dict
            nbgrader's resources; ``resources["nbgrader"]["assignment"]`` names the assignment.

        Returns
        -------
        nb : NotebookNode
        resources : dict
        """
        assignment_id = resources.get("nbgrader", {}).get("assignment")
        if assignment_id not in assignments.MODULES:
            self.log.warning("ProbeCheck: unknown assignment %r, outputs left as they are", assignment_id)
            return nb, resources
        summary = check_notebook(nb, assignment_id)
        resources["probe_check"] = summary
        if summary["status"] == "flagged":
            self.log.warning("ProbeCheck: flagged: %s", "; ".join(summary["reasons"]))
        return nb, resources
