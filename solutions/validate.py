"""Input checks shared by every module of the reference implementation.

Each checker turns an array-like into a fresh float64 array (so callers never
modify their inputs) or raises ``ValueError`` with a message that names the
argument and its shape.
"""

import numbers

import numpy as np


def shape_str(shape):
    """Format a shape as ``(4, 6)`` (also ``(3,)`` and ``()``)."""
    return "(" + ", ".join(str(n) for n in shape) + ("," if len(shape) == 1 else "") + ")"


def as_array(name, x, ndim):
    """Return ``x`` as a new float64 array with ``ndim`` dimensions.

    Raises
    ------
    ValueError
        If ``x`` is not numeric or does not have ``ndim`` dimensions.
    """
    try:
        arr = np.array(x, dtype=np.float64)  # np.array copies: inputs are never changed
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be a numeric array: {exc}") from None
    if arr.ndim != ndim:
        kind = {0: "a number", 1: "a vector", 2: "a matrix"}.get(ndim, f"a {ndim}-d array")
        raise ValueError(f"{name} must be {kind} ({ndim}-d), got shape {shape_str(arr.shape)}")
    return arr


def vector(name, x):
    """A 1-d float64 copy of ``x``."""
    return as_array(name, x, 1)


def matrix(name, x):
    """A 2-d float64 copy of ``x``."""
    return as_array(name, x, 2)


def same_shape(name_a, a, name_b, b):
    """Raise unless ``a`` and ``b`` have the same shape."""
    if a.shape != b.shape:
        raise ValueError(
            f"{name_a} has shape {shape_str(a.shape)} but {name_b} has shape "
            f"{shape_str(b.shape)}; they must match"
        )


def weights_for(w_name, W, in_name, I):
    """Raise unless the weight matrix ``W`` can act from the left on ``I`` (``W @ I``)."""
    if W.shape[1] != I.shape[0]:
        raise ValueError(
            f"{w_name} has shape {shape_str(W.shape)} and {in_name} has shape "
            f"{shape_str(I.shape)}: {w_name} @ {in_name} needs {w_name}.shape[1] == "
            f"{in_name}.shape[0] ({W.shape[1]} != {I.shape[0]})"
        )


def positive_int(name, n, minimum=1):
    """Return ``n`` as an int, raising unless it is an integer ``>= minimum``."""
    if isinstance(n, bool) or not isinstance(n, numbers.Integral):
        raise ValueError(f"{name} must be an integer, got {n!r}")
    if n < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {n}")
    return int(n)
