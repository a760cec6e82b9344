"""Chapter 6: self-attention and CNNs.

A convolution sees only a window around each position; self-attention with a
window mask is the same restriction, and without the mask it sees everything.
"""

import numpy as np

from ._validate import matrix, positive_int, shape_str
from .ch02_dot_product import softmax
from .ch03_matrix_form import qkv, scores


def window_mask(N, width):
    """The receptive field of a 1-d convolution as an attention mask.

    Parameters
    ----------
    N : int
        Number of positions.
    width : int
        Odd, positive window width (the kernel size).

    Returns
    -------
    mask : (N, N) bool ndarray
        ``mask[j, i]`` is True when key j lies within ``width // 2`` of query i.
    """
    N, width = positive_int("N", N), positive_int("width", width)
    if width % 2 == 0:
        raise ValueError(f"width must be odd so the window is centred, got {width}")
    j, i = np.indices((N, N))
    return np.abs(i - j) <= width // 2


def masked_self_attention(I, Wq, Wk, Wv, mask, scale=False):
    """Self-attention in which query i may only attend to keys j with ``mask[j, i]``.

    Parameters
    ----------
    I : (d, N) array_like
    Wq, Wk : (d_k, d) array_like
    Wv : (d_v, d) array_like
    mask : (N, N) array_like of bool
        Same layout as A: ``mask[j, i]`` allows query i to see key j.
    scale : bool, default False

    Returns
    -------
    O : (d_v, N) ndarray
    A_prime : (N, N) ndarray
        Zero where the mask is False; every column still sums to 1.

    Notes
    -----
    Masked scores are set to :math:`-\\infty` *before* the softmax, so they get
    weight exactly 0 and the allowed weights renormalise.
    """
    Q, K, V = qkv(I, Wq, Wk, Wv)
    N = Q.shape[1]
    m = np.asarray(mask)
    if m.shape != (N, N):
        raise ValueError(f"mask has shape {shape_str(m.shape)} but I has N = {N} columns: mask must be ({N}, {N})")
    if m.dtype != bool:
        raise ValueError(f"mask must be boolean, got dtype {m.dtype}")
    empty = np.flatnonzero(~m.any(axis=0))
    if empty.size:
        raise ValueError(f"mask column(s) {empty.tolist()} allow no key: every query needs at least one")
    A = np.where(m, scores(Q, K, scale), -np.inf)  # (N, N)
    A_prime = softmax(A, axis=0)
    return V @ A_prime, A_prime
