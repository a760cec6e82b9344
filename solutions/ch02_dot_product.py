"""Chapter 2: how relevant is aʲ to aⁱ, and the weighted sum that gives bⁱ.

For one query position i: qⁱ = Wq aⁱ, kʲ = Wk aʲ, αᵢ,ⱼ = qⁱ·kʲ,
α′ = softmax(α), bⁱ = Σⱼ α′ᵢ,ⱼ vʲ.
"""

import numpy as np

from .validate import matrix, same_shape, shape_str, vector, weights_for


def dot_product_score(q, k):
    """Relevance by dot product.

    Parameters
    ----------
    q : (d_k,) array_like
        A query.
    k : (d_k,) array_like
        A key.

    Returns
    -------
    float
        :math:`\\alpha = q \\cdot k`.
    """
    q, k = vector("q", q), vector("k", k)
    same_shape("q", q, "k", k)
    return float(q @ k)


def additive_score(q, k, w):
    """Relevance by the additive method.

    Parameters
    ----------
    q, k, w : (d_k,) array_like

    Returns
    -------
    float
        :math:`\\alpha = w \\cdot \\tanh(q + k)`.
    """
    q, k, w = vector("q", q), vector("k", k), vector("w", w)
    same_shape("q", q, "k", k)
    same_shape("q", q, "w", w)
    return float(w @ np.tanh(q + k))


def softmax(x, axis=0):
    """Softmax along one axis.

    Parameters
    ----------
    x : array_like
        Scores; entries may be ``-inf`` (never chosen) as long as every slice
        along ``axis`` has at least one finite entry.
    axis : int, default 0
        The axis that sums to 1. In the notes' layout the scores of query i
        are column i of A, so the default normalises each column.

    Returns
    -------
    ndarray
        Same shape as ``x``: :math:`\\exp(x_j) / \\sum_{j'} \\exp(x_{j'})`.

    Notes
    -----
    Subtracting the largest score first leaves the result unchanged and keeps
    ``exp`` from overflowing, so scores of 1e4 give exact results.
    """
    x = np.array(x, dtype=np.float64)
    if x.ndim == 0:
        raise ValueError("softmax needs at least a vector, got a scalar (shape ())")
    if not -x.ndim <= axis < x.ndim:
        raise ValueError(f"axis {axis} is out of range for x of shape {shape_str(x.shape)}")
    shifted = x - np.max(x, axis=axis, keepdims=True)
    e = np.exp(shifted)
    return e / np.sum(e, axis=axis, keepdims=True)


def attend(I, Wq, Wk, Wv, i):
    """Self-attention output for one query position.

    Parameters
    ----------
    I : (d, N) array_like
        Input vectors a¹ … aᴺ as columns.
    Wq, Wk : (d_k, d) array_like
    Wv : (d_v, d) array_like
    i : int
        Query position, 0-based (the notes' b¹ is ``i = 0``).

    Returns
    -------
    b : (d_v,) ndarray
        :math:`b^i = \\sum_j \\alpha'_{i,j} v^j`.
    alpha_prime : (N,) ndarray
        :math:`\\alpha'_{i,j} = \\mathrm{softmax}_j(q^i \\cdot k^j)`, summing to 1.
    """
    I = matrix("I", I)
    Wq, Wk, Wv = matrix("Wq", Wq), matrix("Wk", Wk), matrix("Wv", Wv)
    for name, W in (("Wq", Wq), ("Wk", Wk), ("Wv", Wv)):
        weights_for(name, W, "I", I)
    same_shape("Wq", Wq, "Wk", Wk)
    N = I.shape[1]
    if isinstance(i, bool) or not isinstance(i, (int, np.integer)) or not 0 <= i < N:
        raise ValueError(f"i must be a position 0 <= i < N = {N} for I of shape {shape_str(I.shape)}, got {i!r}")
    q = Wq @ I[:, i]                                  # (d_k,)
    alpha = np.array([dot_product_score(q, Wk @ I[:, j]) for j in range(N)])  # (N,)
    alpha_prime = softmax(alpha)                      # (N,)
    V = Wv @ I                                        # (d_v, N)
    b = V @ alpha_prime                               # (d_v,)
    return b, alpha_prime


def worked_example():
    """The worked example of chapters 2 and 3 (and of exercises 2 and 3).

    Four inputs a¹ … a⁴ of d = 3 as the columns of I, with d_k = d_v = 2 and
    Wq ≠ Wk. Every query puts its largest weight on a different key, so no two
    columns of A′ are equal and the four outputs b¹ … b⁴ all differ.

    Returns
    -------
    I : (3, 4) ndarray
    Wq, Wk : (2, 3) ndarray
    Wv : (2, 3) ndarray
        New arrays at every call, so a caller may change them.
    """
    I = np.array([[1.0, 1.0, 0.0, 0.0],     # (d, N) = (3, 4): a¹ … a⁴ as columns
                  [0.0, 1.0, 1.0, 0.0],
                  [1.0, 0.0, 0.0, 1.0]])
    Wq = np.array([[1.0, 0.0, -1.0], [0.0, 1.0, -1.0]])   # (d_k, d) = (2, 3)
    Wk = np.array([[2.0, -1.0, 0.0], [-1.0, 0.0, 1.0]])   # (d_k, d)
    Wv = np.array([[-1.0, 0.0, 0.0], [1.0, 2.0, 0.0]])    # (d_v, d) = (2, 3)
    return I, Wq, Wk, Wv
