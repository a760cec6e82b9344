"""Chapter 8: the backward pass of self-attention (the chapter's exercise).

Given the gradient dO of a loss with respect to O = V A′, the chain rule runs the
forward pass backwards: dO → dV, dA′ → dA (the softmax Jacobian, one column at a
time) → dQ, dK → dWq, dWk, dWv and dI. The multi-head version splits dO among the
heads through Wᵒ and sums the heads' dI. ``residual_attention_backward``, the
capstone exercise, is the tagger's whole attention sub-layer: masked heads, Wᵒ and the
residual; it is written out in full, so that the exercise's reference stands alone.
"""

import numpy as np

from .validate import matrix, shape_str
from .ch02_dot_product import softmax
from .ch03_matrix_form import qkv, scores
from .ch04_multi_head import multi_head_weights
from .ch06_vs_cnn import masked_self_attention, stacked_masked_heads
from .ch08_masked_multi_head import residual_attention


def self_attention_backward(I, Wq, Wk, Wv, dO, scale=False, mask=None):
    """Gradients of a loss through one self-attention layer, in the notes' column form.

    The forward pass is :math:`Q = W^q I`, :math:`K = W^k I`, :math:`V = W^v I`,
    :math:`A = K^T Q` (divided by :math:`\\sqrt{d_k}` when ``scale``),
    :math:`A' = \\mathrm{softmax}(A)` over each column, :math:`O = V A'`.

    Parameters
    ----------
    I : (d, N) array_like
    Wq, Wk : (d_k, d) array_like
    Wv : (d_v, d) array_like
    dO : (d_v, N) array_like
        Gradient of the loss with respect to O.
    scale : bool, default False
        The forward pass divided the scores by :math:`\\sqrt{d_k}`.
    mask : (N, N) array_like of bool, optional
        The forward pass was ``masked_self_attention`` with this mask
        (``mask[j, i]`` True where query i may attend to key j).

    Returns
    -------
    dI : (d, N) ndarray
    dWq, dWk : (d_k, d) ndarray
    dWv : (d_v, d) ndarray

    Notes
    -----
    Backwards through each line of the forward pass:

    .. math::

        dV = dO\\,A'^T, \\qquad dA' = V^T dO, \\\\
        dA_{:,i} = \\big(\\mathrm{diag}(a'_i) - a'_i a_i'^T\\big)\\, dA'_{:,i}
                 = A'_{:,i} \\odot \\big(dA'_{:,i} - A'_{:,i} \\cdot dA'_{:,i}\\big), \\\\
        dQ = K\\,dA, \\qquad dK = Q\\,dA^T, \\\\
        dW^q = dQ\\,I^T, \\quad dW^k = dK\\,I^T, \\quad dW^v = dV\\,I^T, \\\\
        dI = W^{qT} dQ + W^{kT} dK + W^{vT} dV,

    with dA multiplied by :math:`1/\\sqrt{d_k}` when ``scale``. I reaches the loss
    three ways (through Q, K and V), so dI has three terms.
    """
    I, dO = matrix("I", I), matrix("dO", dO)
    Wq, Wk, Wv = matrix("Wq", Wq), matrix("Wk", Wk), matrix("Wv", Wv)
    Q, K, V = qkv(I, Wq, Wk, Wv)                     # (d_k, N), (d_k, N), (d_v, N)
    if dO.shape != V.shape:
        raise ValueError(
            f"dO has shape {shape_str(dO.shape)} but O = Wv @ I has shape {shape_str(V.shape)} "
            f"(Wv {shape_str(Wv.shape)}, I {shape_str(I.shape)}): dO must match O"
        )
    if mask is None:
        A_prime = softmax(scores(Q, K, scale), axis=0)   # (N, N)
    else:
        _, A_prime = masked_self_attention(I, Wq, Wk, Wv, mask, scale)

    # O = V A'
    dV = dO @ A_prime.T                              # (d_v, N)
    dA_prime = V.T @ dO                              # (N, N)
    # A' = softmax of each column of A: the Jacobian of column i is diag(a') - a' a'ᵀ
    dA = A_prime * (dA_prime - np.sum(A_prime * dA_prime, axis=0, keepdims=True))  # (N, N)
    if scale:
        dA = dA / np.sqrt(Q.shape[0])
    # A = Kᵀ Q
    dQ = K @ dA                                      # (d_k, N)
    dK = Q @ dA.T                                    # (d_k, N)
    # Q = Wq I, K = Wk I, V = Wv I
    dWq = dQ @ I.T                                   # (d_k, d)
    dWk = dK @ I.T                                   # (d_k, d)
    dWv = dV @ I.T                                   # (d_v, d)
    dI = Wq.T @ dQ + Wk.T @ dK + Wv.T @ dV           # (d, N)
    return dI, dWq, dWk, dWv


def multi_head_self_attention_backward(I, Wq, Wk, Wv, Wo, dO, scale=False, mask=None):
    """Gradients through multi-head self-attention, :math:`O = W^o [O^1; \\dots; O^h]`.

    Parameters
    ----------
    I : (d, N) array_like
    Wq, Wk : (h, d_k, d) array_like
    Wv : (h, d_v, d) array_like
    Wo : (d_out, h*d_v) array_like
    dO : (d_out, N) array_like
    scale : bool, default False
    mask : (N, N) array_like of bool, optional

    Returns
    -------
    dI : (d, N) ndarray
        The sum of every head's dI: I feeds every head.
    dWq, dWk : (h, d_k, d) ndarray
    dWv : (h, d_v, d) ndarray
    dWo : (d_out, h*d_v) ndarray

    Notes
    -----
    With :math:`S = [O^1; \\dots; O^h]`: :math:`dW^o = dO\\,S^T`, :math:`dS = W^{oT} dO`,
    and rows ``l*d_v … (l+1)*d_v - 1`` of dS are head l's dOˡ, which
    :func:`self_attention_backward` takes from there.
    """
    I, Wq, Wk, Wv, Wo = multi_head_weights(I, Wq, Wk, Wv, Wo)
    dO = matrix("dO", dO)
    if dO.shape != (Wo.shape[0], I.shape[1]):
        raise ValueError(
            f"dO has shape {shape_str(dO.shape)} but O = Wo @ [O¹; …] has shape "
            f"({Wo.shape[0]}, {I.shape[1]}) (Wo {shape_str(Wo.shape)}, I {shape_str(I.shape)})"
        )
    h, d_v = len(Wq), Wv.shape[1]
    all_true = np.ones((I.shape[1], I.shape[1]), dtype=bool)
    masks = [all_true if mask is None else mask] * h
    stacked, _ = stacked_masked_heads(I, Wq, Wk, Wv, masks, scale)  # (h*d_v, N)
    dWo = dO @ stacked.T                             # (d_out, h*d_v)
    d_stacked = Wo.T @ dO                            # (h*d_v, N)
    per_head = [
        self_attention_backward(I, Wq[head], Wk[head], Wv[head], d_stacked[head * d_v:(head + 1) * d_v], scale, mask)
        for head in range(h)
    ]
    dI = sum(g[0] for g in per_head)                 # (d, N)
    dWq, dWk, dWv = (np.stack([g[k] for g in per_head]) for k in (1, 2, 3))
    return dI, dWq, dWk, dWv, dWo


def residual_attention_backward(I, Wq, Wk, Wv, Wo, dI_res, mask, scale=False):
    """Gradients through the tagger's attention sub-layer, masked multi-head self-attention plus the residual.

    The forward pass is ``residual_attention``: every head ℓ is masked self-attention with
    its own Wq[ℓ], Wk[ℓ], Wv[ℓ], giving Oˡ; then
    :math:`I_{res} = I + W^o [O^1; \\dots; O^h]`.

    Parameters
    ----------
    I : (d, N) array_like
    Wq, Wk : (h, d_k, d) array_like
    Wv : (h, d_v, d) array_like
    Wo : (d, h*d_v) array_like
    dI_res : (d, N) array_like
        Gradient of the loss with respect to I_res.
    mask : (N, N) array_like of bool
        ``mask[j, i]`` lets query i see key j, in every head.
    scale : bool, default False
        The forward pass divided every head's scores by :math:`\\sqrt{d_k}`.

    Returns
    -------
    dI : (d, N) ndarray
    dWq, dWk : (h, d_k, d) ndarray
    dWv : (h, d_v, d) ndarray
    dWo : (d, h*d_v) ndarray

    Notes
    -----
    I reaches I_res directly and through every head, so dI starts from dI_res. Head ℓ owns
    rows ``ℓ*d_v … (ℓ+1)*d_v - 1`` of the stack, i.e. those columns of Wᵒ:

    .. math::

        dW^o_{:,\\ell} = dI_{res}\\, O^{\\ell T}, \\qquad dO^\\ell = W^{oT}_{:,\\ell}\\, dI_{res},

    and from dOˡ each head runs the single-head backward pass (chapter 8, *Through
    self-attention*) with its masked A′, which is 0 where the mask hides a key, so a hidden
    key gets no gradient.
    """
    I_res = residual_attention(I, Wq, Wk, Wv, Wo, mask, scale)  # checks every input; (d, N)
    I, Wq, Wk, Wv, Wo = multi_head_weights(I, Wq, Wk, Wv, Wo)
    dI_res = matrix("dI_res", dI_res)
    if dI_res.shape != I_res.shape:
        raise ValueError(
            f"dI_res has shape {shape_str(dI_res.shape)} but I_res = I + Wo [O¹; …] has shape "
            f"{shape_str(I_res.shape)} (I {shape_str(I.shape)}): dI_res must match I_res"
        )
    d_v = Wv.shape[1]
    dWq, dWk, dWv, dWo = np.zeros_like(Wq), np.zeros_like(Wk), np.zeros_like(Wv), np.zeros_like(Wo)
    dI = dI_res.copy()                               # (d, N): the residual path, I_res = I + …
    for head in range(len(Wq)):
        rows = slice(head * d_v, (head + 1) * d_v)   # head ℓ's rows of [O¹; …; Oʰ]
        Q, K, V = qkv(I, Wq[head], Wk[head], Wv[head])   # (d_k, N), (d_k, N), (d_v, N)
        O_head, A_prime = masked_self_attention(I, Wq[head], Wk[head], Wv[head], mask, scale)  # (d_v, N), (N, N)
        # I_res = I + Wo [O¹; …; Oʰ]
        dWo[:, rows] = dI_res @ O_head.T             # (d, d_v)
        dO = Wo[:, rows].T @ dI_res                  # (d_v, N)
        # O = V A'
        dV = dO @ A_prime.T                          # (d_v, N)
        dA_prime = V.T @ dO                          # (N, N)
        # A' = softmax of each column of A (masked scores are constants, with A' = 0)
        dA = A_prime * (dA_prime - np.sum(A_prime * dA_prime, axis=0, keepdims=True))  # (N, N)
        if scale:
            dA = dA / np.sqrt(Q.shape[0])
        # A = Kᵀ Q
        dQ = K @ dA                                  # (d_k, N)
        dK = Q @ dA.T                                # (d_k, N)
        # Q = Wq I, K = Wk I, V = Wv I
        dWq[head] = dQ @ I.T                         # (d_k, d)
        dWk[head] = dK @ I.T                         # (d_k, d)
        dWv[head] = dV @ I.T                         # (d_v, d)
        dI += Wq[head].T @ dQ + Wk[head].T @ dK + Wv[head].T @ dV   # (d, N)
    return dI, dWq, dWk, dWv, dWo
