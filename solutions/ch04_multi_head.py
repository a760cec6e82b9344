"""Chapter 4: multi-head self-attention.

Head ℓ has its own weights Wq[ℓ], Wk[ℓ], Wv[ℓ] and gives Oˡ; the heads' outputs
are stacked top to bottom and mixed by Wᵒ: O = Wᵒ [O¹; …; Oʰ]. The heads can run one
after the other (a loop) or all at once (one batched matrix product per step).
"""

import numpy as np

from .validate import as_array, matrix, positive_int, shape_str
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


def type_group_input(types, groups, n_types, n_groups):
    """Chapter 4's toy input: each position's type and group as two one-hot blocks.

    Parameters
    ----------
    types, groups : (N,) sequence of int
        The type (``0 … n_types-1``) and the group (``0 … n_groups-1``) of every position.
    n_types, n_groups : int

    Returns
    -------
    I : (n_types + n_groups, N) ndarray
        Column i has a 1 in row ``types[i]`` and a 1 in row ``n_types + groups[i]``.
    """
    types, groups = np.asarray(types, dtype=int), np.asarray(groups, dtype=int)
    if types.shape != groups.shape or types.ndim != 1:
        raise ValueError(f"types and groups must be two sequences of the same length, got {types.shape} and {groups.shape}")
    if types.min(initial=0) < 0 or types.max(initial=0) >= n_types or groups.min(initial=0) < 0 \
            or groups.max(initial=0) >= n_groups:
        raise ValueError(f"types must lie in 0..{n_types - 1} and groups in 0..{n_groups - 1}")
    N = len(types)
    I = np.zeros((n_types + n_groups, N))     # (d, N), d = n_types + n_groups
    I[types, np.arange(N)] = 1.0
    I[n_types + groups, np.arange(N)] = 1.0
    return I


def type_group_weights(n_types, n_groups):
    """Query and key weights of two heads: head 1 finds the positions of the same type, head 2 of the same group.

    Parameters
    ----------
    n_types, n_groups : int
        Sizes of the two one-hot blocks of the input (``type_group_input``), d = n_types + n_groups.

    Returns
    -------
    Wq, Wk : (2, d_k, d) ndarray
        In head 1, every query puts at least 0.9 of its weight on the positions of its own
        type, evenly; in head 2, on the positions of its own group.

    Notes
    -----
    Head 1's query and key read only the type block, head 2's only the group block, so the
    score is 9 when the feature matches and 0 otherwise (``e⁹ ≈ 8100``: the weight on the
    matching positions is at least 0.9 for N up to 900).
    """
    n_types, n_groups = positive_int("n_types", n_types), positive_int("n_groups", n_groups)
    reads_type = np.diag(np.r_[np.ones(n_types), np.zeros(n_groups)])    # (d, d): keeps the type block
    reads_group = np.diag(np.r_[np.zeros(n_types), np.ones(n_groups)])   # (d, d): keeps the group block
    Wk = np.stack([reads_type, reads_group])                             # (2, d, d)
    Wq = 9.0 * Wk
    return Wq, Wk
