"""Chapter 8: multi-head self-attention with a mask, the layer of the two-head tagger.

Chapter 4's ``multi_head_self_attention`` lets every query see every key; the tagger
lays a batch of sentences side by side and needs a mask (chapter 6) in every head.
Each head is chapter 6's ``masked_self_attention``; the weights are checked by chapter 4's
``multi_head_weights``, and the heads' outputs are stacked top to bottom and mixed by Wᵒ
as in chapter 4: O = Wᵒ [O¹; …; Oʰ]. The tagger adds the input back (the residual),
I_res = I + O, which needs Wᵒ with d rows.
"""

import numpy as np

from .validate import matrix, shape_str
from .ch04_multi_head import multi_head_weights
from .ch06_vs_cnn import stacked_masked_heads


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
    I, Wq, Wk, Wv, Wo = multi_head_weights(I, Wq, Wk, Wv, Wo)  # chapter 4's checks
    stacked, A_primes = stacked_masked_heads(I, Wq, Wk, Wv, [mask] * len(Wq), scale)
    return Wo @ stacked, A_primes                    # (d_out, N), (h, N, N)


def residual_attention(I, Wq, Wk, Wv, Wo, mask, scale=False):
    """The tagger's attention sub-layer: masked multi-head self-attention added to its input.

    Parameters
    ----------
    I : (d, N) array_like
    Wq, Wk : (h, d_k, d) array_like
    Wv : (h, d_v, d) array_like
    Wo : (d, h*d_v) array_like
        Maps the stacked heads back to d rows, so that the input can be added.
    mask : (N, N) array_like of bool
        ``mask[j, i]`` lets query i see key j, in every head.
    scale : bool, default False

    Returns
    -------
    I_res : (d, N) ndarray
        :math:`I_{res} = I + W^o [O^1; \\dots; O^h]`: each vector keeps itself and adds what
        the heads bring.
    """
    O, _ = masked_multi_head_self_attention(I, Wq, Wk, Wv, Wo, mask, scale)  # (d_out, N)
    I = matrix("I", I)
    if O.shape != I.shape:
        raise ValueError(
            f"Wo has shape {shape_str(np.shape(Wo))}, so the heads give {O.shape[0]} rows, but I has "
            f"{I.shape[0]}: the residual I + Wo [O¹; …; Oʰ] needs Wo with d = {I.shape[0]} rows"
        )
    return I + O                                     # (d, N)
