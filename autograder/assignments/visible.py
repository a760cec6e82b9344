"""Checks used by the visible tests; the build copies this file, from the tolerances on, into
each notebook's set-up cell. ``autograder.judge.check`` grades with the same tolerances.

Every failing check raises `CheckFailed` (an ``AssertionError``) with a sentence that says what
was expected and what came back, plus an optional hint that points at the likely mistake.
IPython, and so JupyterLab, the classic Notebook and VS Code, shows an exception through its
``_render_traceback_()`` when it has one: a failing check shows the student the part, the
message and the hint, and no traceback through these functions. An error raised by the
student's own code is not a `CheckFailed` and keeps its full traceback.
"""

import numpy as np

# Tolerances: how close a result must be to the reference's (relative, absolute), here and
# when the notebook is graded.
RTOL, ATOL = 1e-6, 1e-9


def _show(x):
    """A short printable form of a value."""
    try:
        return np.array2string(np.asarray(x, dtype=float), precision=4, suppress_small=True, max_line_width=100)
    except (TypeError, ValueError):
        return repr(x)


class CheckFailed(AssertionError):
    """A visible check that failed; shown as its message alone (see ``_render_traceback_``).

    Parameters
    ----------
    message : str
        What was expected and what came back, with the hint if any.
    where : str, default ""
        The part whose test cell called the check ("Part 3"), or "".
    """

    def __init__(self, message, where=""):
        super().__init__(message)
        self.where = where

    def _render_traceback_(self):
        """The lines IPython shows instead of a traceback: the part, then the message and hint."""
        head = f"{self.where}: a check failed." if self.where else "A check failed."
        return ["\x1b[1;31m" + head + "\x1b[0m", *str(self).splitlines()]


def _where():
    """The part whose test cell called the check ("Part 3", from the cell's first line
    "# Part 3 (4 points): ..."), or "" when the check was called from elsewhere."""
    import linecache
    import re
    import sys

    frame = sys._getframe(1)
    while frame is not None:
        found = re.match(r"# (Part \d+)|# Checks (your answers from earlier exercises)",
                         linecache.getline(frame.f_code.co_filename, 1))
        if found:
            return found.group(1) or found.group(2).capitalize()
        frame = frame.f_back
    return ""


def _fail(message, hint):
    raise CheckFailed(message + (f"\nHint: {hint}" if hint else ""), _where()) from None


def check_shape(what, got, expected, hint=""):
    """``got`` must have shape ``expected``.

    Parameters
    ----------
    what : str
        The value's name in the message ("your A").
    got : object
        The student's value.
    expected : tuple of int
        The shape it must have.
    hint : str, default ""
        A sentence shown under the message, pointing at the likely mistake.

    Raises
    ------
    CheckFailed
        If ``got`` is a tuple of another length, or has another shape.
    """
    expected = tuple(expected)
    if isinstance(got, tuple) and len(got) != len(expected):
        _fail(f"{what} is a tuple of {len(got)} values; expected an array of shape {expected}", hint)
    shape = np.shape(got)
    if shape != expected:
        _fail(f"{what} has shape {shape}, expected {expected}", hint)


def check_close(what, got, expected, hint=""):
    """``got`` must have the shape of ``expected`` and (nearly) its values.

    Parameters
    ----------
    what : str
        The value's name in the message.
    got : object
        The student's value.
    expected : array_like
        The value it must equal, within ``RTOL`` and ``ATOL``.
    hint : str, default ""
        A sentence shown under the message, pointing at the likely mistake.

    Raises
    ------
    CheckFailed
        If ``got`` is None, has another shape or other values.
    """
    expected = np.asarray(expected, dtype=float)
    if got is None:
        _fail(f"{what} is None: did you forget to return it?", hint)
    check_shape(what, got, expected.shape, hint)
    got = np.asarray(got, dtype=float)
    if not np.allclose(got, expected, rtol=RTOL, atol=ATOL):
        _fail(f"{what} should be\n{_show(expected)}\nbut yours is\n{_show(got)}", hint)


def check_true(condition, message, hint=""):
    """Fail with ``message`` unless ``condition``.

    Parameters
    ----------
    condition : bool
        What must hold.
    message : str
        What the student reads when it does not.
    hint : str, default ""
        A sentence shown under the message, pointing at the likely mistake.

    Raises
    ------
    CheckFailed
        If ``condition`` is false.
    """
    if not condition:
        _fail(message, hint)


def check_raises(what, fn, *args, **kwargs):
    """``fn(*args, **kwargs)`` must raise ``ValueError``.

    Parameters
    ----------
    what : str
        The call's description in the message.
    fn : callable
        The student's function.
    *args, **kwargs
        Its arguments.

    Raises
    ------
    CheckFailed
        If ``fn`` returns, or raises another exception (``NotImplementedError`` passes through).
    """
    try:
        fn(*args, **kwargs)
    except ValueError:
        return
    except NotImplementedError:
        raise
    except Exception as exc:  # noqa: BLE001 - the message names what came instead
        _fail(f"{what} should raise ValueError, yours raised {type(exc).__name__}: {exc}", "")
    _fail(f"{what} should raise ValueError, yours returned without an error", "")


def check_unlike(what, got, wrong, message):
    """Fail with ``message`` when ``got`` equals ``wrong``, the result of a known mistake.

    Parameters
    ----------
    what : str
        The value's name in the message.
    got : object
        The student's value.
    wrong : array_like
        What the known mistake gives.
    message : str
        What the student reads when ``got`` equals ``wrong``.

    Raises
    ------
    CheckFailed
        If ``got`` has the shape of ``wrong`` and (nearly) its values.
    """
    try:
        same = np.shape(got) == np.shape(wrong) and np.allclose(
            np.asarray(got, dtype=float), np.asarray(wrong, dtype=float), rtol=RTOL, atol=ATOL, equal_nan=True)
    except (TypeError, ValueError):
        same = False
    if same:
        _fail(f"{what} is\n{_show(got)}\n{message}", "")


def check_no_loop(what, fn, forbidden=(), hint=""):
    """``fn`` must not loop (``for``, ``while``, comprehensions) nor call the names in ``forbidden``.

    Parameters
    ----------
    what : str
        The function's name in the message.
    fn : callable
        The student's function; its nested code objects are read too.
    forbidden : iterable of str, default ()
        Names it must not use (functions that loop for it).
    hint : str, default ""
        A sentence shown under the message, pointing at the likely mistake.

    Raises
    ------
    CheckFailed
        If ``fn`` loops or uses a forbidden name.
    """
    import dis

    todo, loops, names = [getattr(fn, "__code__", None)], [], set()
    while todo:
        code = todo.pop()
        if code is None:
            continue
        names |= set(code.co_names)
        for ins in dis.get_instructions(code):
            if ins.opname in ("FOR_ITER", "JUMP_BACKWARD", "JUMP_BACKWARD_NO_INTERRUPT") \
                    or (ins.opname == "JUMP_ABSOLUTE" and ins.argval <= ins.offset):
                loops.append(ins.opname)
        todo += [c for c in code.co_consts if hasattr(c, "co_code")]
    if loops:
        _fail(f"{what} contains a Python loop (a for, a while or a comprehension)", hint)
    called = sorted(names & set(forbidden))
    if called:
        _fail(f"{what} calls {', '.join(called)}, which loop", hint)


# Construction parts: what an attention pattern does, in words without measured numbers (the
# grader names a mistake when its words equal the student's), and the checks built on them.

def _word(n, names):
    """Position n (from 0) as the notes count it, from 1, with its word if there is one."""
    return f"{n + 1} ({names[n]!r})" if names is not None else f"{n + 1}"


def attends_most_problem(A_prime, targets, margin, names=None):
    """What is wrong with the favourite keys of some queries, if anything.

    Parameters
    ----------
    A_prime : (N, N) array_like
        Attention weights, one column per query.
    targets : dict
        ``{query: key}``, positions from 0.
    margin : float
        How far the key's weight must lead every other key's.
    names : sequence of str, optional
        The words at the positions, for the sentence.

    Returns
    -------
    str or None
        ``None`` when, for each ``query: key`` of ``targets``, column ``query`` of ``A_prime``
        gives ``key`` the largest weight, ahead of every other key by ``margin``; else one
        sentence (without numbers measured on ``A_prime``) saying what it does instead.
    """
    A_prime = np.asarray(A_prime, dtype=float)
    for query, key in targets.items():
        column = A_prime[:, query]
        if not np.all(np.isfinite(column)):
            return f"the attention weights of query {_word(query, names)} are not finite"
        top = int(np.argmax(column))
        others = np.delete(column, key)
        if top != key:
            return (f"query {_word(query, names)} attends most to position {_word(top, names)}, "
                    f"not to {_word(key, names)}")
        if others.size and column[key] - others.max() < margin:
            runner = int(np.flatnonzero(column == others.max())[0])
            return (f"query {_word(query, names)} attends to {_word(key, names)} hardly more than to "
                    f"{_word(runner, names)}: its weight must lead every other key's by at least {margin}")
    return None


def attends_within_problem(A_prime, groups, mass, what="group"):
    """What is wrong with the attention of some query to its own group, if anything.

    Parameters
    ----------
    A_prime : (N, N) array_like
        Attention weights, one column per query.
    groups : (N,) array_like
        The group of each position.
    mass : float
        The least weight a query must put on its own group.
    what : str, default "group"
        What a group is, for the sentence.

    Returns
    -------
    str or None
        ``None`` when every query puts at least ``mass`` of its weight on the keys of its
        own group, spread evenly over them (within 0.02); else one sentence saying what
        it does instead.
    """
    A_prime = np.asarray(A_prime, dtype=float)
    groups = np.asarray(groups)
    for query in range(A_prime.shape[1]):
        column = A_prime[:, query]
        same = groups == groups[query]
        if not np.all(np.isfinite(column)):
            return f"the attention weights of query {query + 1} are not finite"
        if column[same].sum() < mass:
            return (f"query {query + 1} puts less than {mass} of its weight on the positions of its own {what}")
        if column[same].max() - column[same].min() > 0.02:
            return (f"query {query + 1} does not spread its weight evenly over the positions of its own {what}: "
                    f"the head also reads something other than the {what}")
    return None


def check_attends_most(what, A_prime, targets, margin=0.5, names=None, hint=""):
    """In ``A_prime``, each ``query: key`` of ``targets`` must be the query's clear favourite.

    Parameters
    ----------
    what : str
        The check's name in the message.
    A_prime, targets, margin, names
        As in :func:`attends_most_problem`; ``margin`` defaults to 0.5.
    hint : str, default ""
        A sentence shown under the message, pointing at the likely mistake.

    Raises
    ------
    CheckFailed
        With the sentence of :func:`attends_most_problem` and the student's A′.
    """
    problem = attends_most_problem(A_prime, targets, margin, names)
    if problem:
        _fail(f"{what}: {problem}. Your A′ is\n{_show(A_prime)}", hint)


def check_attends_within(what, A_prime, groups, mass=0.9, label="group", hint=""):
    """In ``A_prime``, each query must attend (evenly, with weight ``mass``) to the keys of its own group.

    Parameters
    ----------
    what : str
        The check's name in the message.
    A_prime, groups, mass
        As in :func:`attends_within_problem`; ``mass`` defaults to 0.9.
    label : str, default "group"
        What a group is, for the sentence.
    hint : str, default ""
        A sentence shown under the message, pointing at the likely mistake.

    Raises
    ------
    CheckFailed
        With the sentence of :func:`attends_within_problem` and the student's A′.
    """
    problem = attends_within_problem(A_prime, groups, mass, label)
    if problem:
        _fail(f"{what}: {problem}. Your A′ is\n{_show(A_prime)}", hint)
