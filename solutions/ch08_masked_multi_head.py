"""Chapter 8: multi-head self-attention with a mask, the layer of the two-head tagger.

Chapter 4's ``multi_head_self_attention`` lets every query see every key; the tagger
lays a batch of sentences side by side and needs a mask (chapter 6) in every head.
Each head is chapter 6's ``masked_self_attention``; the heads' outputs are stacked
top to bottom and mixed by Wᵒ as in chapter 4: O = Wᵒ [O¹; …; Oʰ].
"""

import numpy as np

from ._validate import as_array, matrix, shape_str
from .ch06_vs_cnn import masked_self_attention


def check_heads(Wq, Wk, Wv, Wo):
    """Multi-head weights as float arrays, with a ValueError naming shapes that do not fit."""
    Wq, Wk, Wv = as_array("Wq", Wq, 3), as_array("Wk", Wk, 3), as_array("Wv", Wv, 3)
    Wo = matrix("Wo", Wo)
    h, d_v = Wq.shape[0], Wv.shape[1]
    if Wk.shape != Wq.shape or Wv.shape[0] != h or h == 0:
        raise ValueError(
            f"Wq {shape_str(Wq.shape)}, Wk {shape_str(Wk.shape)} and Wv {shape_str(Wv.shape)} "
            "must hold the same number (at least 1) of heads, and Wq and Wk must match"
        )
    if Wo.shape[1] != h * d_v:
        raise ValueError(
            f"Wo has shape {shape_str(Wo.shape)} but {h} heads of d_v = {d_v} stack to "
            f"{h * d_v} rows: Wo needs shape (d_out, {h * d_v})"
        )
    return Wq, Wk, Wv, Wo


def masked_multi_head_self_attention(I, Wq, Wk, Wv, Wo, mask, scale=False):
    """Multi-head self-attention in which every head uses ``masked_self_attention``.

    Parameters
    ----------
    I : (d, N) array_like
    Wq, Wk : (h, d_k, d) array_like
    Wv : (h, d_v, d) array_like
    Wo : (d_out, h*d_v) array_like
    mask : (N, N) array_like of bool
        ``mask[j, i]`` lets query i see key j, in every head.
    scale : bool, default False

    Returns
    -------
    O : (d_out, N) ndarray
        :math:`O = W^o [O^1; \\dots; O^h]`; equals ``multi_head_self_attention`` when
        the mask is all True.
    A_primes : (h, N, N) ndarray
    """
    Wq, Wk, Wv, Wo = check_heads(Wq, Wk, Wv, Wo)
    stacked, A_primes = stacked_heads(I, Wq, Wk, Wv, mask, scale)
    return Wo @ stacked, A_primes                    # (d_out, N), (h, N, N)


def stacked_heads(I, Wq, Wk, Wv, mask, scale):
    """[O¹; …; Oʰ] stacked top to bottom, (h*d_v, N), and every head's A′, (h, N, N)."""
    heads = [masked_self_attention(I, Wq[head], Wk[head], Wv[head], mask, scale) for head in range(len(Wq))]
    return np.concatenate([O_l for O_l, _ in heads], axis=0), np.stack([A_l for _, A_l in heads])
