"""Chapter 4: multi-head self-attention.

Head ℓ has its own weights Wq[ℓ], Wk[ℓ], Wv[ℓ] and gives Oˡ; the heads' outputs
are stacked top to bottom and mixed by Wᵒ: O = Wᵒ [O¹; …; Oʰ]. The heads can run one
after the other (a loop) or all at once (one batched matrix product per step).
"""

import numpy as np

from ._validate import as_array, matrix, shape_str
from .ch02_dot_product import softmax
from .ch03_matrix_form import self_attention


def multi_head_weights(I, Wq, Wk, Wv, Wo):
    """Check the inputs of multi-head self-attention and return them as float arrays.

    Parameters
    ----------
    I : (d, N) array_like
    Wq, Wk : (h, d_k, d) array_like
    Wv : (h, d_v, d) array_like
    Wo : (d_out, h*d_v) array_like

    Returns
    -------
    I, Wq, Wk, Wv, Wo : ndarray
        The same arrays; ``ValueError`` naming the shapes when they do not fit together.
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
    for name, W in (("Wq", Wq), ("Wv", Wv)):
        if W.shape[2] != I.shape[0]:
            raise ValueError(f"{name} has shape {shape_str(W.shape)} (each head {shape_str(W.shape[1:])}) but I has "
                             f"shape {shape_str(I.shape)}: each head's {name} needs {I.shape[0]} columns")
    if Wo.shape[1] != h * d_v:
        raise ValueError(
            f"Wo has shape {shape_str(Wo.shape)} but {h} heads of d_v = {d_v} stack to "
            f"{h * d_v} rows: Wo needs shape (d_out, {h * d_v})"
        )
    return I, Wq, Wk, Wv, Wo


def multi_head_self_attention(I, Wq, Wk, Wv, Wo, scale=False):
    """Multi-head self-attention, one head after the other.

    Parameters
    ----------
    I : (d, N) array_like
    Wq, Wk : (h, d_k, d) array_like
        ``Wq[head]`` is the query weights of head ℓ = ``head``.
    Wv : (h, d_v, d) array_like
    Wo : (d_out, h*d_v) array_like
    scale : bool, default False
        Divide every head's scores by :math:`\\sqrt{d_k}`.

    Returns
    -------
    O : (d_out, N) ndarray
        :math:`O = W^o [O^1; \\dots; O^h]`, heads stacked in order.
    A_primes : (h, N, N) ndarray
        ``A_primes[head]`` is the A′ of head ℓ = ``head``.
    """
    I, Wq, Wk, Wv, Wo = multi_head_weights(I, Wq, Wk, Wv, Wo)
    heads = [self_attention(I, Wq[head], Wk[head], Wv[head], scale) for head in range(Wq.shape[0])]
    stacked = np.concatenate([O_head for O_head, _ in heads], axis=0)  # (h*d_v, N)
    A_primes = np.stack([A_head for _, A_head in heads])               # (h, N, N)
    return Wo @ stacked, A_primes                                # (d_out, N)


def multi_head_self_attention_batched(I, Wq, Wk, Wv, Wo, scale=False):
    """Multi-head self-attention with all heads at once: no Python loop over the heads.

    Same parameters and results as :func:`multi_head_self_attention`.

    Parameters
    ----------
    I : (d, N) array_like
    Wq, Wk : (h, d_k, d) array_like
    Wv : (h, d_v, d) array_like
    Wo : (d_out, h*d_v) array_like
    scale : bool, default False

    Returns
    -------
    O : (d_out, N) ndarray
    A_primes : (h, N, N) ndarray
    """
    I, Wq, Wk, Wv, Wo = multi_head_weights(I, Wq, Wk, Wv, Wo)
    Q, K, V = Wq @ I, Wk @ I, Wv @ I           # (h, d_k, N), (h, d_k, N), (h, d_v, N): @ runs over the heads
    A = np.swapaxes(K, 1, 2) @ Q               # (h, N, N): A[head] = K[head]ᵀ Q[head]
    if scale:
        A = A / np.sqrt(Q.shape[1])
    A_primes = softmax(A, axis=1)              # (h, N, N): each column of each head sums to 1
    heads = V @ A_primes                       # (h, d_v, N)
    stacked = heads.reshape(-1, I.shape[1])    # (h*d_v, N): the first head's rows on top
    return Wo @ stacked, A_primes
