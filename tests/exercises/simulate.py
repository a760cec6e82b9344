"""Grade answers grader-side without a kernel: run them on the hidden cases, judge as ProbeCheck does.

Fast enough to judge hundreds of wrong answers; the autograde tests (test_grading.py) check
the same verdicts through nbgrader and the sandbox for the catalogue.
"""

import numpy as np

from autograder import assignments

from autograder.authoring import build

from autograder.judge import check

from autograder.judge import probe

from autograder.judge import compare as results
def namespace(aid, answers=None):
    """What a student's notebook holds: the set-up's helpers, every answer function (the
    reference's source, run here so that calls between answers resolve in this namespace,
    as in a notebook) and, in place of some, the given wrong answers ``{function: code}``."""
    spec = assignments.get(aid)
    ns = results.solutions_namespace()
    names = list(build.earlier_answers(spec)) + list(spec.answer_functions)
    for name in names:
        exec(compile(assignments.reference_source(name), f"<reference {name}>", "exec"), ns)  # noqa: S102
    for name, code in (answers or {}).items():
        exec(compile(code, f"<answer {name}>", "exec"), ns)  # noqa: S102
    return ns


def _report_value(result):
    if isinstance(result, results.Raised):
        return {"__raised__": result.names, "message": result.message}
    return probe.encode(result)


def verdicts(aid, answers=None):
    """``{part id: verdict}`` (see :func:`autograder.judge.check.judge_part`) for these answers."""
    spec = assignments.get(aid)
    ns = namespace(aid, answers)
    out = {}
    for part in spec.parts:
        with np.errstate(all="ignore"):
            reported = [_report_value(results.run_case(ns[case.fn], case)) for case in part.cases]
        out[part.id] = check.judge_part(spec, part, {"part": part.id, "results": reported})
    return out


def visible_errors(aid, answers):
    """``{part id: error or None}``: the visible tests of every part, run on these answers here."""
    import textwrap

    spec = assignments.get(aid)
    out = {}
    for part in spec.parts:
        ns = namespace(aid, answers)
        exec(compile(build._visible_source(), "<visible checks>", "exec"), ns)  # noqa: S102
        code = build.fill(textwrap.dedent(part.visible).strip(), spec)
        try:
            with np.errstate(all="ignore"):
                exec(compile(code, f"<visible tests of {part.id}>", "exec"), ns)  # noqa: S102
            out[part.id] = None
        except Exception as exc:  # noqa: BLE001 - any error fails the visible tests
            out[part.id] = f"{type(exc).__name__}: {exc}"
    return out
