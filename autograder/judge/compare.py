"""Results of graded functions, grader-side: running a case, and saying how a result differs.

Shared by :mod:`autograder.judge.check` (the verdicts) and :mod:`autograder.judge.families` (naming the
family of a mistake).
"""

from __future__ import annotations

import numpy as np

from autograder.judge import probe
from autograder.assignments.visible import ATOL, RTOL  # one definition, shared with the visible tests


class Raised:
    """An exception, by its class names (MRO) and message.

    Parameters
    ----------
    names : iterable of str
        The names of the exception's classes, its own first (its MRO).
    message : str, default ""
        The exception's message.
    """

    def __init__(self, names, message=""):
        self.names, self.message = list(names), str(message)

    @property
    def name(self) -> str:
        """The exception's own class name, or ``"an exception"`` when no name was reported."""
        return self.names[0] if self.names else "an exception"


def from_report(x):
    """A result as the probe reported it.

    Parameters
    ----------
    x : object
        One entry of the probe's ``"results"``, as parsed from JSON.

    Returns
    -------
    object
        The decoded value; a :class:`Raised` for ``{"__raised__": ...}``; or
        ``{"__other__": "malformed", "repr": ...}`` when ``x`` cannot be decoded.
    """
    if isinstance(x, dict) and "__raised__" in x:
        names = x["__raised__"] if isinstance(x["__raised__"], list) else [str(x["__raised__"])]
        return Raised([str(n) for n in names], x.get("message", ""))
    try:
        return probe.decode(x)
    except (TypeError, ValueError):
        return {"__other__": "malformed", "repr": repr(x)[:100]}


def run_case(fn, case):
    """Run one case grader-side, with fresh copies of the inputs.

    Parameters
    ----------
    fn : callable
        The function to run (the reference, or a mistake).
    case : autograder.assignments.Case
        Its inputs, ``case.args`` and ``case.kwargs``.

    Returns
    -------
    object
        The result as the probe would report it after a round trip through its encoding,
        or a :class:`Raised` when ``fn`` raises.
    """
    args = probe.decode(probe.encode(case.args))
    kwargs = probe.decode(probe.encode(dict(case.kwargs)))
    try:
        result = fn(*args, **kwargs)
    except Exception as exc:  # noqa: BLE001 - a raising reference (ValueError) or mistake is a result
        return Raised([c.__name__ for c in type(exc).__mro__], str(exc))
    with np.errstate(all="ignore"):
        return probe.decode(probe.encode(result))


def solutions_namespace() -> dict:
    """A namespace in which the reference's source runs: ``np`` and every function of ``solutions/``.

    Returns
    -------
    dict
        ``{name: object}``: ``np``, and the functions of ``solutions.validate`` and of every
        chapter module ``solutions.ch*``.
    """
    import solutions
    from solutions import validate

    ns = {"np": np}
    for module in [validate] + [m for n, m in vars(solutions).items() if n.startswith("ch")]:
        ns.update({k: v for k, v in vars(module).items() if callable(v) and not isinstance(v, type)})
    return ns


def _describe(x):
    if isinstance(x, Raised):
        return f"raised {x.name}: {x.message}" if x.message else f"raised {x.name}"
    if isinstance(x, np.ndarray):
        return f"an array of shape {x.shape}"
    if isinstance(x, tuple):
        return f"a tuple of {len(x)} values"
    if isinstance(x, dict) and "__other__" in x:
        return f"a {x['__other__']} ({x.get('repr', '')})"
    return repr(x)


def _numeric(x):
    if isinstance(x, bool) or isinstance(x, (int, float)):
        return np.asarray(float(x))
    if isinstance(x, np.ndarray) and x.dtype.kind in "biuf":
        return x.astype(float)
    if isinstance(x, (list, tuple)):
        try:
            arr = np.asarray(x, dtype=float)
        except (TypeError, ValueError):
            return None
        return arr
    return None


def compare(expected, got, what) -> str | None:
    """Say how a result differs from the reference's, if it does.

    Parameters
    ----------
    expected : object
        The reference's result (decoded), or a :class:`Raised`.
    got : object
        The student's result (decoded), or a :class:`Raised`.
    what : str or tuple of str
        The name of the result, or of each value of a tuple result, for the sentence.

    Returns
    -------
    str or None
        ``None`` when ``got`` matches ``expected`` (within ``RTOL``/``ATOL``, NaN equal to
        NaN), else a sentence saying how it differs.
    """
    if isinstance(got, Raised) and "NotImplementedError" in got.names:
        return "is not answered yet (it raises NotImplementedError)"
    if isinstance(expected, Raised):
        target = "ValueError" if "ValueError" in expected.names else expected.name
        if isinstance(got, Raised) and target in got.names:
            return None
        return f"should raise {target}, but yours {'returned ' if not isinstance(got, Raised) else ''}{_describe(got)}"
    if isinstance(got, Raised):
        return f"should return a result, but yours {_describe(got)}"
    if isinstance(expected, tuple):
        if not isinstance(got, (tuple, list)) or len(got) != len(expected):
            return f"should return a tuple of {len(expected)} values ({', '.join(what)}), yours returned {_describe(got)}"
        for name, e, g in zip(what, expected, got):
            problem = compare(e, g, name)
            if problem:
                return problem
        return None
    name = what if isinstance(what, str) else "the result"
    e, g = _numeric(expected), _numeric(got)
    if g is None:
        return f"{name} should be {_describe(expected)}, yours is {_describe(got)}"
    if e.shape != g.shape and not (e.size == 1 and g.size == 1):
        return f"{name} has shape {g.shape}, expected {e.shape}"
    e, g = e.reshape(-1), g.reshape(-1)
    close = np.isclose(g, e, rtol=RTOL, atol=ATOL, equal_nan=True)
    if close.all():
        return None
    k = int(np.flatnonzero(~close)[0])
    index = np.unravel_index(k, _numeric(expected).shape) if _numeric(expected).ndim else ()
    where = f" at index {tuple(int(i) for i in index)}" if index else ""
    return f"{name} differs from the reference{where}: expected {e[k]:.6g}, yours is {g[k]:.6g}"
