"""Chapter 6: self-attention and CNNs.

A convolution sees only a window around each position; self-attention with a
window mask is the same restriction, and without the mask it sees everything. With one
masked head per offset of the kernel and the output projection Wo, self-attention computes
a convolution exactly (``conv1d``, ``conv_as_heads``, ``heads_with_masks``).
"""

import numpy as np

from .validate import as_array, matrix, positive_int, shape_str
from .ch02_dot_product import softmax
from .ch03_matrix_form import qkv, scores
from .ch04_multi_head import multi_head_weights


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


def conv1d(I, W):
    """A 1-d convolution of odd width w with circular padding, in the notes' column layout.

    Parameters
    ----------
    I : (d, N) array_like
        One input vector aⁱ per column.
    W : (w, d_out, d) array_like
        The kernel: ``W[m]`` is the weight matrix of the offset ``δ = m - w // 2``.

    Returns
    -------
    O_conv : (d_out, N) ndarray
        Column i is :math:`\\sum_m W[m]\\, a^{(i + \\delta_m) \\bmod N}`: a weight matrix per
        offset, the same at every position; positions wrap around at the ends.
    """
    I, W = matrix("I", I), as_array("W", W, 3)
    width, d_out, d = W.shape
    if width % 2 == 0:
        raise ValueError(f"W has shape {shape_str(W.shape)}: the kernel width (axis 0) must be odd")
    if d != I.shape[0]:
        raise ValueError(f"W has shape {shape_str(W.shape)} but I has shape {shape_str(I.shape)}: W needs {I.shape[0]} columns")
    O_conv = np.zeros((d_out, I.shape[1]))                   # (d_out, N)
    for m in range(width):
        delta = m - width // 2
        O_conv += W[m] @ np.roll(I, -delta, axis=1)          # column i of the roll is a^(i + delta)
    return O_conv


def heads_with_masks(I, Wq, Wk, Wv, Wo, masks, scale=False):
    """Multi-head self-attention in which head ℓ has its own mask ``masks[ℓ]``.

    Parameters
    ----------
    I : (d, N) array_like
    Wq, Wk : (h, d_k, d) array_like
    Wv : (h, d_v, d) array_like
    Wo : (d_out, h*d_v) array_like
    masks : (h, N, N) array_like of bool
        ``masks[ℓ][j, i]`` lets query i of head ℓ see key j.
    scale : bool, default False

    Returns
    -------
    O : (d_out, N) ndarray
        :math:`O = W^o [O^1; \\dots; O^h]`, head ℓ computed by ``masked_self_attention``.
    A_primes : (h, N, N) ndarray
    """
    I, Wq, Wk, Wv, Wo = multi_head_weights(I, Wq, Wk, Wv, Wo)     # chapter 4's checks
    masks = np.asarray(masks)
    if masks.ndim != 3 or len(masks) != len(Wq):
        raise ValueError(f"masks has shape {shape_str(masks.shape)} for {len(Wq)} heads: one (N, N) mask per head")
    stacked, A_primes = stacked_masked_heads(I, Wq, Wk, Wv, masks, scale)  # (h*d_v, N), (h, N, N)
    return Wo @ stacked, A_primes


def stacked_masked_heads(I, Wq, Wk, Wv, masks, scale=False):
    """Every head's ``masked_self_attention``, head ℓ with ``masks[ℓ]``: the outputs
    [O¹; …; Oʰ] stacked top to bottom, (h*d_v, N), and the heads' A′, (h, N, N)."""
    heads = [masked_self_attention(I, Wq[head], Wk[head], Wv[head], masks[head], scale) for head in range(len(Wq))]
    return np.concatenate([O_l for O_l, _ in heads], axis=0), np.stack([A_l for _, A_l in heads])


def conv_as_heads(W, N):
    """Masks, value weights and output projection of heads that compute ``conv1d(I, W)`` exactly.

    Parameters
    ----------
    W : (w, d_out, d) array_like
        A kernel of odd width w, as in ``conv1d``: ``W[m]`` for the offset ``m - w // 2``.
    N : int
        Number of positions.

    Returns
    -------
    masks : (w, N, N) bool ndarray
        One mask per head, in the layout of A.
    Wv : (w, d_v, d) ndarray
    Wo : (d_out, w*d_v) ndarray
        With any queries and keys, ``heads_with_masks(I, Wq, Wk, Wv, Wo, masks)[0]`` equals
        ``conv1d(I, W)`` for every I of N columns.

    Notes
    -----
    Head m may see one key only, the one at offset ``δ = m - w // 2`` (wrapping around), so
    its A′ is that shift whatever the scores are, and it outputs ``Wv[m] a^(i+δ)``. The
    heads pass the inputs on unchanged (``Wv[m]`` = identity) and Wo applies each offset's
    matrix to its head: ``Wo = [W[0] … W[w-1]]``. One head could not: its output is
    ``Wv Σ_j α′ aʲ``, one matrix for every offset, scaled by the weights.
    """
    W = as_array("W", W, 3)
    N = positive_int("N", N)
    width, d_out, d = W.shape
    if width % 2 == 0:
        raise ValueError(f"W has shape {shape_str(W.shape)}: the kernel width (axis 0) must be odd")
    j, i = np.indices((N, N))
    offsets = np.arange(width) - width // 2                              # (w,)
    masks = np.stack([j == (i + delta) % N for delta in offsets])      # (w, N, N): head m sees key i + delta
    Wv = np.stack([np.eye(d)] * width)                                  # (w, d, d)
    Wo = np.concatenate(list(W), axis=1)                                # (d_out, w*d)
    return masks, Wv, Wo

