"""Chapter 5: positional encoding.

Self-attention treats its input as a set: permuting the columns of I permutes
the columns of O. Adding a position vector eⁱ to each aⁱ gives it order.
"""

import numpy as np

from .validate import matrix, positive_int, shape_str
from .ch03_matrix_form import self_attention


def sinusoidal_encoding(d, N):
    """The Transformer's sinusoidal position vectors, one column per position.

    Parameters
    ----------
    d : int
        Dimension of each position vector (odd allowed).
    N : int
        Number of positions.

    Returns
    -------
    P : (d, N) ndarray
        ``P[:, i]`` is :math:`e^i`, with

        .. math:: P_{2m,i} = \\sin(i / 10000^{2m/d}), \\quad P_{2m+1,i} = \\cos(i / 10000^{2m/d})

        for positions ``i = 0 … N-1``. Rows 2m and 2m+1 share one frequency.
    """
    d, N = positive_int("d", d), positive_int("N", N)
    i = np.arange(N)                                  # (N,)
    two_m = np.arange(0, d, 2)                        # (ceil(d/2),)
    angles = i[None, :] / 10000.0 ** (two_m[:, None] / d)  # (ceil(d/2), N)
    P = np.empty((d, N))
    P[0::2] = np.sin(angles)
    P[1::2] = np.cos(angles[: d // 2])
    return P


def permute(I, perm):
    """Reorder the input vectors.

    Parameters
    ----------
    I : (d, N) array_like
    perm : (N,) sequence of int
        A permutation of ``0 … N-1``.

    Returns
    -------
    (d, N) ndarray
        Column n is the input's column ``perm[n]``.
    """
    I = matrix("I", I)
    N = I.shape[1]
    p = np.asarray(perm)
    if p.shape != (N,) or not np.issubdtype(p.dtype, np.integer) or sorted(p.tolist()) != list(range(N)):
        raise ValueError(
            f"perm must be a permutation of 0..{N - 1} for I of shape {shape_str(I.shape)}, got {np.ravel(perm).tolist()!r}"
        )
    return I[:, p]


def _frequencies(d):
    """The angle per position of each pair of rows (2m, 2m+1): 1 / 10000^(2m/d)."""
    return 1.0 / 10000.0 ** (np.arange(0, d, 2) / d)    # (d/2,)


def position_rotation(d, delta):
    """The fixed linear map that moves a sinusoidal position vector ``delta`` places on.

    Each pair of rows (2m, 2m+1) of :func:`sinusoidal_encoding` holds
    :math:`(\\sin(i\\omega_m), \\cos(i\\omega_m))`, a point on a circle; moving from position i
    to i + delta turns it by the angle :math:`\\delta\\omega_m`, whatever i is.

    Parameters
    ----------
    d : int
        Dimension of the position vectors; even, so that every row has its partner.
    delta : int
        The offset (negative moves back).

    Returns
    -------
    R : (d, d) ndarray
        Block-diagonal, one 2 x 2 rotation per pair of rows:
        ``R @ P[:, i]`` equals ``P[:, i + delta]`` for every position i, where
        ``P = sinusoidal_encoding(d, N)``.
    """
    d = positive_int("d", d, minimum=2)
    if d % 2:
        raise ValueError(f"d must be even, got {d}: the last row of an odd d has no cosine partner, "
                         "so no fixed linear map moves it")
    if isinstance(delta, bool) or not isinstance(delta, (int, np.integer)):
        raise ValueError(f"delta must be an integer offset, got {delta!r}")
    angle = delta * _frequencies(d)                  # (d/2,)
    cos, sin = np.cos(angle), np.sin(angle)
    R = np.zeros((d, d))
    R[0::2, 0::2] = np.diag(cos)                     # sin(x + a) = sin x cos a + cos x sin a
    R[0::2, 1::2] = np.diag(sin)
    R[1::2, 0::2] = np.diag(-sin)                    # cos(x + a) = cos x cos a - sin x sin a
    R[1::2, 1::2] = np.diag(cos)
    return R


def rotary(X):
    """Rotary position embedding (RoPE): turn each column by the rotation of its position.

    Instead of adding :math:`e^i` to the input, RoPE rotates the query and the key of
    position i by :func:`position_rotation` of i, so the score
    :math:`(R_i q^i) \\cdot (R_j k^j) = q^i \\cdot (R_{j-i}\\, k^j)` depends on the
    positions only through the offset j − i.

    Parameters
    ----------
    X : (d_k, N) array_like
        Queries or keys as columns (column i at position i, 0-based); d_k even.

    Returns
    -------
    (d_k, N) ndarray
        Column i is ``position_rotation(d_k, i) @ X[:, i]``.
    """
    X = matrix("X", X)
    d_k, N = X.shape
    position_rotation(d_k, 0)                        # checks that d_k is even
    angles = np.arange(N)[None, :] * _frequencies(d_k)[:, None]   # (d_k/2, N)
    cos, sin = np.cos(angles), np.sin(angles)
    even, odd = X[0::2], X[1::2]                     # (d_k/2, N) each
    out = np.empty_like(X)                           # (d_k, N)
    out[0::2] = cos * even + sin * odd
    out[1::2] = -sin * even + cos * odd
    return out
def permutation_gaps(I, Wq, Wk, Wv, perm):
    """How far self-attention is from permutation equivariance, without and with positions.

    Parameters
    ----------
    I : (d, N) array_like
    Wq, Wk : (d_k, d) array_like
    Wv : (d_v, d) array_like
    perm : (N,) sequence of int
        A permutation of ``0 … N-1``, as for :func:`permute`.

    Returns
    -------
    without : (N,) ndarray
        ``without[n]`` is the Euclidean norm of column n of ``permute(O, perm) - O_perm``,
        with ``O = self_attention(I, Wq, Wk, Wv)[0]`` and ``O_perm`` the same for
        ``permute(I, perm)``: zero up to rounding (equivariance).
    with_positions : (N,) ndarray
        The same with the inputs ``I + P`` and ``permute(I, perm) + P``, where
        ``P = sinusoidal_encoding(d, N)``.

    Notes
    -----
    P is added after permuting: a position belongs to a place in the sequence, not to the
    word that moves there, so the permuted words meet other position vectors.
    """
    I = matrix("I", I)
    moved = permute(I, perm)                                   # (d, N); checks perm
    P = sinusoidal_encoding(*I.shape)                          # (d, N)
    gaps = []
    for before, after in ((I, moved), (I + P, moved + P)):
        O = self_attention(before, Wq, Wk, Wv)[0]              # (d_v, N)
        O_perm = self_attention(after, Wq, Wk, Wv)[0]          # (d_v, N)
        gaps.append(np.linalg.norm(permute(O, perm) - O_perm, axis=0))  # (N,)
    return gaps[0], gaps[1]
