"""The kernel-side probe: runs the student's functions on hidden inputs and reports, never judges.

The build embeds the source of this module (from ``MIME`` down to the end-of-probe
marker comment) in the hidden-tests region of every graded test cell, followed by one call::

    _sa_probe("softmax", ["softmax"], '<cases as JSON>')

The probe calls each case's function from the notebook's namespace and emits exactly one
``display_data`` output with the MIME type :data:`MIME`, holding::

    {"part": part_id,
     "results": [encoded return value, or {"__raised__": [class names of the MRO], "message": ...}],
     "functions": {name: {"module": ..., "file": ...} or None when undefined},
     "loaded": [names of loaded modules that belong to the course]}

It compares nothing: :class:`autograder.judge.check.ProbeCheck` recomputes every case with
``solutions/`` in the grading process and decides. Anything the probe emits may be forged,
so the grader treats it as data only.

The encoding is written twice, once per side: the kernel's ``encode`` and ``decode`` inside
``_sa_probe`` (the probe must run in the student's kernel with nothing of the grader
imported), and the grader's :func:`encode` and :func:`decode` below. The two differ: the
kernel's ``encode`` adds ``"shape"`` to an array, caps an array's size, the depth of nesting
and a sequence's length, and reports anything else as ``__other__``; the grader's ``decode``
also reads back the strings (``"nan"``, ``"inf"``) that the kernel's JSON cleaning sends for
non-finite numbers. Both follow the format below.

Encoding (JSON): arrays are ``{"__array__": nested lists, "dtype": "float64"}``, tuples and
lists of results are ``{"__seq__": [...]}``, numbers ``{"__num__": x}`` (``NaN``/``Infinity``
allowed), anything else ``{"__other__": type name, "repr": "..."}``. Inputs are encoded the
same way, except that a plain JSON list stays a list (tokens, vocabularies, permutations).
"""

MIME = "application/vnd.self-attention.probe+json"


def _sa_probe(part, functions, cases_json):
    import json as _json
    import sys as _sys

    import numpy as _np
    from IPython.display import display as _display

    ns = globals()  # the notebook's namespace: this function is defined in a cell
    mime = "application/vnd.self-attention.probe+json"
    max_size = 100_000

    def decode(x):
        if isinstance(x, dict):
            if "__array__" in x:
                return _np.array(x["__array__"], dtype=x.get("dtype", "float64"))
            if "__seq__" in x:
                return tuple(decode(v) for v in x["__seq__"])
            if "__num__" in x:
                return x["__num__"]
            return {k: decode(v) for k, v in x.items()}
        if isinstance(x, list):
            return [decode(v) for v in x]
        return x

    def encode(x, depth=0):
        if depth > 4:
            return {"__other__": type(x).__name__, "repr": "(nested too deep)"}
        if isinstance(x, _np.ndarray) and x.dtype.kind in "biuf":
            if x.size > max_size:
                return {"__other__": "ndarray", "repr": f"array of shape {x.shape} (too large to report)"}
            return {"__array__": x.tolist(), "dtype": str(x.dtype), "shape": list(x.shape)}
        if isinstance(x, (bool, int, float, _np.bool_, _np.integer, _np.floating)):
            return {"__num__": x.item() if isinstance(x, _np.generic) else x}
        if isinstance(x, (tuple, list)) and len(x) <= 16:
            return {"__seq__": [encode(v, depth + 1) for v in x]}
        if x is None or isinstance(x, str):
            return x
        try:
            text = repr(x)[:200]
        except BaseException:  # a broken __repr__ must not stop the report
            text = "(no repr)"
        return {"__other__": type(x).__name__, "repr": text}

    report = {"part": part, "results": [], "functions": {}, "loaded": []}
    for name in functions:
        fn = ns.get(name)
        code = getattr(fn, "__code__", None)
        report["functions"][name] = None if fn is None else {
            "module": str(getattr(fn, "__module__", None)),
            "file": str(getattr(code, "co_filename", None)),
        }
    for case in _json.loads(cases_json):
        fn = ns.get(case["fn"])
        try:
            if fn is None:
                raise NameError(f"name {case['fn']!r} is not defined")
            args = decode(case["args"])
            kwargs = decode(case.get("kwargs", {}))
            result = encode(fn(*args, **kwargs))
        except KeyboardInterrupt:
            raise
        except BaseException as exc:  # student code may raise anything, SystemExit included
            result = {"__raised__": [c.__name__ for c in type(exc).__mro__], "message": str(exc)[:300]}
        report["results"].append(result)
    report["loaded"] = sorted(m for m in list(_sys.modules) if m.split(".")[0] in ("solutions", "autograder"))
    _display({mime: report}, raw=True)


# -- end of probe --
import json  # noqa: E402  (grader side only, below the marker)

import numpy as np  # noqa: E402


def source() -> str:
    """The text embedded in hidden tests: this file above the end-of-probe marker, minus the docstring.

    Returns
    -------
    str
        The kernel-side source, from the ``MIME`` line down to the marker, ending in one newline.
    """
    from pathlib import Path

    text = Path(__file__).read_text(encoding="utf-8")
    body = text.split("# -- end of probe --")[0]
    body = body[body.index('MIME = "'):]
    return body.rstrip() + "\n"


def call(part: str, functions, cases: list) -> str:
    """The line that runs the probe for one part.

    Parameters
    ----------
    part : str
        The part's id, reported back as ``"part"``.
    functions : iterable of str
        The answer functions whose origin the probe reports.
    cases : list of dict
        The encoded cases, each ``{"fn": name, "args": [...], "kwargs": {...}}``.

    Returns
    -------
    str
        One line of Python, ``_sa_probe(part, functions, '<cases as JSON>')``, ending in a newline.
    """
    text = json.dumps(cases, separators=(",", ":"))
    return f"_sa_probe({part!r}, {list(functions)!r}, {text!r})\n"


def encode(x):
    """Encode an input or a result as the probe does (grader side).

    Parameters
    ----------
    x : object
        An array, tuple, list, dict, number, or anything else (returned as it is).

    Returns
    -------
    object
        ``x`` in the JSON form of the module docstring: arrays as ``{"__array__": ...}``,
        tuples as ``{"__seq__": ...}``, numbers as ``{"__num__": ...}``; lists and dicts
        keep their form with their items encoded.
    """
    if isinstance(x, np.ndarray):
        return {"__array__": x.tolist(), "dtype": str(x.dtype)}
    if isinstance(x, tuple):
        return {"__seq__": [encode(v) for v in x]}
    if isinstance(x, list):
        return [encode(v) for v in x]
    if isinstance(x, dict):
        return {k: encode(v) for k, v in x.items()}
    if isinstance(x, (np.generic,)):
        return {"__num__": x.item()}
    if isinstance(x, (bool, int, float)):
        return {"__num__": x}
    return x


def decode(x):
    """Inverse of :func:`encode`: arrays, tuples, numbers (grader side).

    The kernel's JSON cleaning sends NaN and infinities as strings ("nan", "inf"); they come
    back as floats here (numpy parses them inside arrays too).

    Parameters
    ----------
    x : object
        A value in the probe's JSON form, as parsed by :func:`json.loads`.

    Returns
    -------
    object
        The value: ndarrays, tuples, numbers; lists and dicts with their items decoded.
    """
    if isinstance(x, dict):
        if "__array__" in x:
            return np.array(x["__array__"], dtype=x.get("dtype", "float64"))
        if "__seq__" in x:
            return tuple(decode(v) for v in x["__seq__"])
        if "__num__" in x:
            v = x["__num__"]
            if isinstance(v, str) and v.strip().lower().lstrip("+-") in ("nan", "inf", "infinity"):
                return float(v)
            return v
        return {k: decode(v) for k, v in x.items()}
    if isinstance(x, list):
        return [decode(v) for v in x]
    return x
