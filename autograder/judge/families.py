"""Name the family of a wrong answer by comparing it with transformations of the reference.

The catalogue (``Assignment.mistakes``) names exact, anticipated wrong functions. Most wrong
answers are not exact copies of one of them, but they belong to a few **families**: a
transposed matrix, a sum or softmax over the wrong axis, a missing or extra scale, swapped
roles of Q, K and V, an off-by-one bound, sin and cos swapped, an overflowing softmax.
This module predicts, for one hidden case, the results of each family in three ways:

1. **transformations of the reference's result**: an output transposed, an output that
   is a constant multiple of the reference's (a missing or extra scale), nan or inf where
   the reference is finite (an overflow);
2. **mutants of the reference's source**: the reference function with one small edit
   made by a rule (a ``.T`` removed or added, ``axis=0`` and ``axis=1`` exchanged,
   ``/ np.sqrt(...)`` removed, one of Wq, Wk, Wv (or Q, K, V) in place of another, ``np.sin``
   and ``np.cos`` exchanged, ``<=`` and ``<`` exchanged, the max no longer subtracted,
   ``tanh`` removed);
3. the assignment's own :class:`autograder.assignments.Family` s (``spec.families``), for
   families that rules on the source cannot express (a window one too wide, heads that
   share weights).

An assignment may say each generic family in its own words (``spec.family_messages``): the
capstone's messages describe what the gradients do wrong, where the generic ones quote the
reference's code, which would hand out its backward pass.

:func:`diagnose` returns the first family whose prediction equals the student's results
on every failing case (and differs from the reference there), or ``None``.
"""

from __future__ import annotations

import ast
import functools
import inspect
import re
from dataclasses import dataclass

import numpy as np

from autograder import assignments
from autograder.judge.compare import Raised, compare, run_case, solutions_namespace
from autograder.assignments.visible import ATOL, RTOL

ROLES = (("Wq", "Wk", "Wv"), ("Q", "K", "V"), ("q", "k"))


@dataclass(frozen=True)
class Mutant:
    """One edit of the reference's source made by a rule, and the message that names it.

    Attributes
    ----------
    family : str
        The id of the family the edit belongs to (``"wrong-axis"``, ``"scale"``, ...).
    message : str
        The sentence that names the mistake to the student.
    source : str
        The whole edited function, ready to compile.
    """

    family: str
    message: str
    source: str


# ----------------------------------------------------------------------------- mutation rules

def _sub_each(pattern, body, replace):
    """For each match of ``pattern`` in ``body``: ``(match, body with that match replaced)``."""
    for m in re.finditer(pattern, body):
        yield m, body[: m.start()] + replace(m) + body[m.end():]


def _rules(body):
    """``(family, message, new body)`` for every one-edit mutant of a function body."""
    for m, new in _sub_each(r"\b([A-Za-z_]\w*)\.T\b", body, lambda m: m.group(1)):
        yield ("missing-transpose",
               f"a transpose is missing: your result is what {m.group(1)} in place of {m.group(1)}ᵀ gives "
               "(check which index of each matrix is the row and which the column)", new)
    # matrices are capitalised in the notes' notation (and gradients dX): any use may gain a .T
    for m, new in _sub_each(r"(?<![.\w])(d?[A-Z]\w*)\b(?![.\[(\w]|\s*=[^=])", body, lambda m: m.group(1) + ".T"):
        yield ("extra-transpose",
               f"a transpose too many: your result is what {m.group(1)}ᵀ in place of {m.group(1)} gives", new)
    # a term ``+ X @ Y``, where X and Y may be indexed (``Wq[head].T``)
    for m, new in _sub_each(r" \+ [A-Za-z_][\w.]*(?:\[\w+\][\w.]*)? @ [A-Za-z_][\w.]*(?:\[\w+\][\w.]*)?", body,
                            lambda m: ""):
        yield ("missing-term", f"a term of a sum is missing: your result is what leaving out{m.group(0)[2:]!r} gives "
                               "(an input used several times gets one gradient term for each use)", new)
    for old, wrong in (("axis=0", "axis=1"), ("axis=1", "axis=0"), ("axis=1", "axis=2"), ("axis=axis", "axis=-1"),
                       ("axis=axis", "axis=0")):
        for m, new in _sub_each(re.escape(old), body, lambda m, w=wrong: w):
            yield ("wrong-axis",
                   f"a sum or softmax runs over the wrong axis ({wrong} where {old} belongs): in the notes' "
                   "layout each column belongs to one query and is the axis that sums to 1", new)
    for m, new in _sub_each(r" / np\.sqrt\(([^()]|\([^()]*\))*\)", body, lambda m: ""):
        yield ("scale", "the division by √d_k is missing (the scaled scores are KᵀQ/√d_k)", new)
    for m, new in _sub_each(r"np\.sqrt\(", body, lambda m: "("):
        yield ("scale", "the scores are divided by d_k; the scale is √d_k", new)
    for m, new in _sub_each(r" / np\.sqrt\(", body, lambda m: " * np.sqrt("):
        yield ("scale", "multiplies by √d_k where the scaled scores divide by it", new)
    for m, new in _sub_each(r"\.shape\[(-?\d)\]", body, lambda m: ".shape[WRONG]"):
        for wrong in ("0", "1", "2", "-1"):
            if wrong != m.group(1):
                yield ("wrong-size", f"a size is read from the wrong axis (shape[{wrong}] where shape[{m.group(1)}] "
                                     "belongs; for example N in place of d_k)", new.replace("WRONG", wrong))
    for m, new in _sub_each(r"(?<=\w|\)) ([-+*/]) (?=[\w(])", body, lambda m: " OP "):
        for wrong in "+-*/":
            if wrong != m.group(1):
                yield ("operator", f"an arithmetic operation is wrong: your result is what a {wrong} in place of "
                                   f"a {m.group(1)} gives", new.replace(" OP ", f" {wrong} "))
    for m, new in _sub_each(r"(?m)^(\s+)(d?[A-Z]\w*) = (.+)$", body, lambda m: f"{m.group(1)}{m.group(2)} = ({m.group(3)}).T"):
        yield ("transposed", f"your {m.group(2)} is transposed: check which index is the row and which the column "
                             "(A[j, i] pairs key j with query i; a gradient has the shape of its variable)", new)
    for group in ROLES:
        for old in group:
            for wrong in group:
                if wrong == old:
                    continue
                for m, new in _sub_each(rf"\b{old}\b", body, lambda m, w=wrong: w):
                    yield ("roles",
                           f"the roles of the queries, keys and values are mixed up: your result is what "
                           f"{wrong} in place of {old} gives (Q = Wq I, K = Wk I, V = Wv I; A = KᵀQ)", new)
    for line in sorted(set(body.splitlines())):
        for group in ROLES:
            present = [n for n in group if re.search(rf"\b{n}\b", line)]
            for a, b in ((a, b) for i, a in enumerate(present) for b in present[i + 1:]):
                swapped = re.sub(rf"\b({a}|{b})\b", lambda m: b if m.group(1) == a else a, line)
                yield ("roles",
                       f"{a} and {b} are swapped: your result is what exchanging them gives "
                       "(Q = Wq I, K = Wk I, V = Wv I; A = KᵀQ, so A[j, i] = kʲ·qⁱ)", body.replace(line, swapped, 1))
    if "np.sin" in body and "np.cos" in body:
        swapped = re.sub(r"np\.(sin|cos)\b", lambda m: "np.cos" if m.group(1) == "sin" else "np.sin", body)
        yield ("sin-cos", "sin and cos are swapped: even rows 2m are sines, odd rows 2m+1 cosines", swapped)
    for old, wrong in (("<=", "<"), (">=", ">")):
        for m, new in _sub_each(re.escape(old), body, lambda m, w=wrong: w):
            yield ("off-by-one", f"an off-by-one bound ({wrong} where {old} belongs): the edge is included", new)
    for old, wrong in (("<", "<="), (">", ">=")):
        for m, new in _sub_each(rf"(?<![<>=-]){re.escape(old)}(?![=<>])", body, lambda m, w=wrong: w):
            yield ("off-by-one", f"an off-by-one bound ({wrong} where {old} belongs): the edge is excluded", new)
    for m, new in _sub_each(r" - np\.max\([^()]*\)", body, lambda m: ""):
        yield ("overflow",
               "the maximum is not subtracted before exp, so large scores overflow (exp(1e4) is inf and inf/inf is nan)",
               new)
    for m, new in _sub_each(r"np\.tanh\(", body, lambda m: "("):
        yield ("no-tanh", "the tanh is missing", new)


@functools.lru_cache(maxsize=None)
def mutants(function: str) -> tuple[Mutant, ...]:
    """Every rule's one-edit mutant of a reference function that still compiles.

    Parameters
    ----------
    function : str
        The name of a function of ``solutions/``.

    Returns
    -------
    tuple of Mutant
        One per distinct edited source; only the body after the docstring is edited.
    """
    src = assignments.reference_source(function)
    lines = src.splitlines(keepends=True)
    # the body starts after the docstring: mutate code only
    node = ast.parse(src).body[0]
    start = node.body[0].end_lineno if isinstance(node.body[0], ast.Expr) else node.body[0].lineno - 1
    head, body = "".join(lines[:start]), "".join(lines[start:])
    body = "\n".join(line.split("  #")[0].rstrip() if "  #" in line else line for line in body.split("\n"))
    out, seen = [], set()
    for family, message, new in _rules(body):
        if new == body or new in seen:
            continue
        seen.add(new)
        try:
            compile(head + new, f"<mutant of {function}>", "exec")
        except SyntaxError:
            continue
        out.append(Mutant(family, message, head + new))
    return tuple(out)


@functools.lru_cache(maxsize=None)
def compiled(function: str, source: str):
    """A mutant's source compiled into a function, in the namespace of ``solutions/``.

    Parameters
    ----------
    function : str
        The name of the function that ``source`` defines.
    source : str
        The function's source (a :attr:`Mutant.source`).

    Returns
    -------
    callable
        The function that ``source`` defines.
    """
    ns = solutions_namespace()
    exec(compile(source, f"<mutant of {function}>", "exec"), ns)  # noqa: S102 - our own reference, edited
    return ns[function]


# ----------------------------------------------------------------------------- result transformations

def _arrays(x):
    """The numeric outputs of a result: a list of (index, array)."""
    items = x if isinstance(x, tuple) else (x,)
    out = []
    for n, v in enumerate(items):
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            v = np.asarray(float(v))
        if isinstance(v, np.ndarray) and v.dtype.kind in "biuf":
            out.append((n, v.astype(float)))
    return out


def _replace(x, n, value):
    if isinstance(x, tuple):
        return x[:n] + (value,) + x[n + 1:]
    return value


def transposed(expected) -> list:
    """Candidates with one output transposed (the last two axes swapped).

    Parameters
    ----------
    expected : object
        The reference's result: an array, a number, or a tuple of them.

    Returns
    -------
    list
        One candidate result per output of two or more dimensions.
    """
    return [_replace(expected, n, np.swapaxes(a, -1, -2)) for n, a in _arrays(expected) if a.ndim >= 2]


def proportional(expected, got) -> float | None:
    """Does every numeric output of ``got`` equal a constant times the reference's?

    Parameters
    ----------
    expected : object
        The reference's result: an array, a number, or a tuple of them.
    got : object
        The student's result, of the same form.

    Returns
    -------
    float or None
        The first factor other than 1, or ``None`` when the outputs are not multiples of the
        reference's, all factors are 1, or one factor is 0 (zeros are not a scale).
    """
    factors = []
    pairs = dict(_arrays(got))
    for n, e in _arrays(expected):
        g = pairs.get(n)
        if g is None or g.shape != e.shape or not np.all(np.isfinite(g)):
            return None
        ee = float(np.sum(e * e))
        if ee == 0.0:
            if not np.allclose(g, 0.0):
                return None
            continue
        c = float(np.sum(g * e)) / ee
        if not np.allclose(g, c * e, rtol=RTOL, atol=ATOL):
            return None
        factors.append(c)
    differing = [c for c in factors if not np.isclose(c, 1.0)]
    if not differing or any(np.isclose(c, 0.0) for c in differing):
        return None    # a result of zeros is not a scale
    return differing[0]


def plausible_factor(c: float, case) -> bool:
    """Is ``c`` a factor a scale mistake makes?

    Parameters
    ----------
    c : float
        The factor between the student's result and the reference's.
    case : autograder.assignments.Case
        The inputs, whose sizes give the factors.

    Returns
    -------
    bool
        Whether ``c`` is n, 1/n, √n or 1/√n for a size n > 1 of the inputs, or 2, 1/2 or -1.
    """
    sizes = {n for a in list(case.args) + list(case.kwargs.values()) for n in np.shape(a) if n > 1}
    factors = [2.0, 0.5, -1.0] + [f for n in sizes for f in (n, 1 / n, np.sqrt(n), 1 / np.sqrt(n))]
    return any(np.isclose(c, f) for f in factors)


def overflowed(expected, got) -> bool:
    """Is ``got`` nan or inf somewhere the reference is finite?

    Parameters
    ----------
    expected : object
        The reference's result: an array, a number, or a tuple of them.
    got : object
        The student's result, of the same form.

    Returns
    -------
    bool
        Whether some output of ``got`` is not finite where the reference's is, every output
        having the reference's shape.
    """
    pairs = dict(_arrays(got))
    found = False
    for n, e in _arrays(expected):
        g = pairs.get(n)
        if g is None or g.shape != e.shape:
            return False
        bad = ~np.isfinite(g) & np.isfinite(e)
        found |= bool(bad.any())
    return found


# ----------------------------------------------------------------------------- diagnosis

def _candidates(spec, case, expected):
    """``(family, message, predicted result)`` for one case, cheapest first."""
    for cand in transposed(expected):
        yield ("transposed", None, cand)
    for cand in _scale_flipped(case):
        yield ("scale", "your scores are scaled where they should not be, or not scaled where they should "
                        "(scale=True divides them by √d_k; scale=False leaves them as they are)", cand)
    for family in spec.families:
        if family.function != case.fn:
            continue
        import solutions

        try:
            predicted = list(family.candidates(case.args, dict(case.kwargs), getattr(solutions, case.fn)))
        except Exception:  # noqa: BLE001 - a family that does not apply to this input predicts nothing
            predicted = []
        for cand in predicted:
            yield (family.id, family.message, cand)
    for mutant in mutants(case.fn):
        yield (mutant.family, mutant.message, lambda m=mutant: run_case(compiled(case.fn, m.source), case))


def _scale_flipped(case):
    """The reference with ``scale`` flipped, for functions that take it."""
    import solutions

    fn = getattr(solutions, case.fn)
    if "scale" not in inspect.signature(fn).parameters:
        return []
    flipped = type(case)(case.fn, case.args, {**case.kwargs, "scale": not case.kwargs.get("scale", False)})
    return [lambda: run_case(fn, flipped)]


def _transposed_message(spec, fn, expected, got):
    name = spec.returns.get(fn, "the result")
    names = name if isinstance(name, tuple) else (name,)
    for n, a in _arrays(expected):
        if a.ndim >= 2:
            cand = _replace(expected, n, np.swapaxes(a, -1, -2))
            if compare(cand, got, name) is None:
                what = names[n] if n < len(names) else "the result"
                return (f"your {what} is the transpose of the reference's: rows and columns are exchanged "
                        "(vectors are columns, and A[j, i] pairs key j with query i)")
    return "one output is transposed"


def _zeros(x):
    """Is every numeric output of ``x`` zero? Many edits give zeros, so zeros name nothing."""
    arrays = _arrays(x)
    return bool(arrays) and all(not np.any(a) for _, a in arrays)


def diagnose(spec, part, expected, got, failing):
    """Name the family of a wrong answer from its failing cases.

    Naming is a courtesy on top of the verdict: a family whose prediction fails on some
    input (an exception of the prediction, not of the student's code) names nothing, and
    the verdict and its message stand as they are.

    Parameters
    ----------
    spec : autograder.assignments.Assignment
        The assignment (its ``families``, ``family_messages`` and ``returns``).
    part : autograder.assignments.Part
        The part judged.
    expected : list
        The reference's result for each case of ``part``.
    got : list
        The student's result for each case of ``part``.
    failing : list of int
        The indices of the cases the student failed.

    Returns
    -------
    tuple of (str, str) or None
        ``(family id, message)`` of the first family whose prediction equals the student's
        results on every failing case (and differs from the reference there), else ``None``.
    """
    with np.errstate(all="ignore"):
        try:
            return _diagnose(spec, part, expected, got, failing)
        except Exception:  # noqa: BLE001 - see the docstring: the verdict does not depend on it
            return None


def _in_words(spec, family, message):
    """``(family, message)``, with the assignment's own message for the family when it has one."""
    return (family, spec.family_messages.get(family, message))


def _diagnose(spec, part, expected, got, failing):
    cases = [part.cases[i] for i in failing]
    what = [spec.returns.get(c.fn, "the result") for c in cases]
    exp = [expected[i] for i in failing]
    gots = [got[i] for i in failing]

    # a missing ValueError, or a ValueError where a result is due
    if all(isinstance(e, Raised) and not isinstance(g, Raised) for e, g in zip(exp, gots)):
        return _in_words(spec, "missing-check", "your function returns a result where the inputs do not fit; check "
                                                "the shapes and values as the part asks and raise ValueError")
    if any(isinstance(e, Raised) for e in exp) or any(isinstance(g, Raised) for g in gots):
        return None
    # transformations of the result
    factors = [proportional(e, g) for e, g in zip(exp, gots)]
    # a scalar is a multiple of any other scalar: then only a factor a scale mistake makes counts
    scalar = all(sum(a.size for _, a in _arrays(e)) == 1 for e in exp)
    if all(f is not None for f in factors) and \
            (not scalar or all(plausible_factor(f, c) for f, c in zip(factors, cases))):
        shown = ", ".join(sorted({f"{f:.4g}" for f in factors}))
        if "scale" in spec.family_messages:
            return ("scale", f"{spec.family_messages['scale']} (your results are the reference's times {shown})")
        return ("scale", f"your results are the reference's times a constant ({shown}): a scale factor is missing "
                         "or extra (for example 1/√d_k)")
    if all(overflowed(e, g) for e, g in zip(exp, gots)):
        return _in_words(spec, "overflow", "your result has nan or inf where the reference is finite: large scores "
                                           "overflow exp; subtract the maximum of each column before exp")
    if all(_zeros(g) for g in gots):
        return None
    predicted = {}
    for k, (case, e, g, w) in enumerate(zip(cases, exp, gots, what)):
        predicted[k] = list(_candidates(spec, case, e))
    # one family must explain every failing case; candidates are aligned per (family, message, position)
    first = predicted[0]
    for pos, (family, message, cand) in enumerate(first):
        ok = True
        for k, (case, e, g, w) in enumerate(zip(cases, exp, gots, what)):
            if k == 0:
                c = cand() if callable(cand) else cand
            else:
                match = [x for x in predicted[k] if x[0] == family and x[1] == message]
                if not match:
                    ok = False
                    break
                c = [m[2]() if callable(m[2]) else m[2] for m in match]
                if not any(compare(ci, g, w) is None and compare(e, ci, w) is not None for ci in c):
                    ok = False
                    break
                continue
            if isinstance(c, Raised) or compare(c, g, w) is not None or compare(e, c, w) is None:
                ok = False
                break
        if ok:
            if message is None:
                message = _transposed_message(spec, cases[0].fn, exp[0], gots[0])
            return _in_words(spec, family, message)
    return None
