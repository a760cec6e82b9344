"""Chapter 4: multi-head self-attention.

Head h has its own Wq,h, Wk,h, Wv,h and gives Oʰ; the heads' outputs are
stacked top to bottom and mixed by Wᵒ: O = Wᵒ [O¹; …; Oʰ].
"""

import numpy as np

from ._validate import as_array, matrix, shape_str
from .ch03_matrix_form import self_attention


def multi_head_self_attention(I, Wq, Wk, Wv, Wo, scale=False):
    """Multi-head self-attention.

    Parameters
    ----------
    I : (d, N) array_like
    Wq, Wk : (h, d_k, d) array_like
        ``Wq[h]`` is head h's query weights.
    Wv : (h, d_v, d) array_like
    Wo : (d_out, h*d_v) array_like
    scale : bool, default False
        Divide every head's scores by :math:`\\sqrt{d_k}`.

    Returns
    -------
    O : (d_out, N) ndarray
        :math:`O = W^o [O^1; \\dots; O^h]`, heads stacked in order.
    A_primes : (h, N, N) ndarray
        ``A_primes[h]`` is head h's A′.
    """
    I = matrix("I", I)
    Wq, Wk, Wv = as_array("Wq", Wq, 3), as_array("Wk", Wk, 3), as_array("Wv", Wv, 3)
    Wo = matrix("Wo", Wo)
    if Wq.shape != Wk.shape:
        raise ValueError(f"Wq has shape {shape_str(Wq.shape)} but Wk has shape {shape_str(Wk.shape)}; they must match")
    h, d_v = Wq.shape[0], Wv.shape[1]
    if Wv.shape[0] != h:
        raise ValueError(f"Wq has shape {shape_str(Wq.shape)} ({h} heads) but Wv has shape {shape_str(Wv.shape)} ({Wv.shape[0]} heads)")
    if h == 0:
        raise ValueError(f"Wq has shape {shape_str(Wq.shape)}: at least one head is needed")
    if Wo.shape[1] != h * d_v:
        raise ValueError(
            f"Wo has shape {shape_str(Wo.shape)} but {h} heads of d_v = {d_v} stack to "
            f"{h * d_v} rows: Wo needs shape (d_out, {h * d_v})"
        )
    heads = [self_attention(I, Wq[n], Wk[n], Wv[n], scale) for n in range(h)]
    stacked = np.concatenate([O_n for O_n, _ in heads], axis=0)  # (h*d_v, N)
    A_primes = np.stack([A_n for _, A_n in heads])               # (h, N, N)
    return Wo @ stacked, A_primes                                # (d_out, N)
