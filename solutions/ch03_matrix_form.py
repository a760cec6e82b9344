"""Chapter 3: all bⁱ at once, in matrix form.

Q = Wq I, K = Wk I, V = Wv I; A = Kᵀ Q; A′ = softmax of each column; O = V A′.
"""

import numpy as np

from .validate import matrix, positive_int, same_shape, weights_for
from .ch02_dot_product import attend, softmax


def qkv(I, Wq, Wk, Wv):
    """Queries, keys and values of every input vector.

    Parameters
    ----------
    I : (d, N) array_like
    Wq, Wk : (d_k, d) array_like
    Wv : (d_v, d) array_like

    Returns
    -------
    Q : (d_k, N) ndarray
        :math:`Q = W^q I`.
    K : (d_k, N) ndarray
        :math:`K = W^k I`.
    V : (d_v, N) ndarray
        :math:`V = W^v I`.
    """
    I = matrix("I", I)
    Wq, Wk, Wv = matrix("Wq", Wq), matrix("Wk", Wk), matrix("Wv", Wv)
    for name, W in (("Wq", Wq), ("Wk", Wk), ("Wv", Wv)):
        weights_for(name, W, "I", I)
    same_shape("Wq", Wq, "Wk", Wk)
    return Wq @ I, Wk @ I, Wv @ I


def scores(Q, K, scale=False):
    """Attention scores of every query against every key.

    Parameters
    ----------
    Q, K : (d_k, N) ndarray
    scale : bool, default False
        Divide by :math:`\\sqrt{d_k}` (the Transformer's scaled dot product).

    Returns
    -------
    A : (N, N) ndarray
        :math:`A = K^T Q`, so ``A[j, i] = kʲ·qⁱ``: column i belongs to query i.
    """
    A = K.T @ Q  # (N, N)
    if scale:
        A = A / np.sqrt(Q.shape[0])
    return A


def self_attention(I, Wq, Wk, Wv, scale=False):
    """Self-attention over a set of vectors, in the notes' column form.

    Parameters
    ----------
    I : (d, N) array_like
    Wq, Wk : (d_k, d) array_like
    Wv : (d_v, d) array_like
    scale : bool, default False
        Divide the scores by :math:`\\sqrt{d_k}` before the softmax.

    Returns
    -------
    O : (d_v, N) ndarray
        :math:`O = V A'`; column i is :math:`b^i`.
    A_prime : (N, N) ndarray
        :math:`A' = \\mathrm{softmax}(K^T Q)` over axis 0: every column sums to 1.
    """
    Q, K, V = qkv(I, Wq, Wk, Wv)
    A = scores(Q, K, scale)          # (N, N)
    A_prime = softmax(A, axis=0)     # (N, N), columns sum to 1
    O = V @ A_prime                  # (d_v, N)
    return O, A_prime


def self_attention_loop(I, Wq, Wk, Wv):
    """Self-attention one query at a time, with :func:`attend`; same result as the matrix form.

    Parameters
    ----------
    I : (d, N) array_like
    Wq, Wk : (d_k, d) array_like
    Wv : (d_v, d) array_like

    Returns
    -------
    O : (d_v, N) ndarray
    A_prime : (N, N) ndarray
    """
    I = matrix("I", I)
    columns = [attend(I, Wq, Wk, Wv, i) for i in range(I.shape[1])]
    O = np.stack([b for b, _ in columns], axis=1)                  # (d_v, N)
    A_prime = np.stack([a for _, a in columns], axis=1)            # (N, N)
    return O, A_prime


def self_attention_by_query(I, Wq, Wk, Wv):
    """Self-attention one query at a time, with Q, K and V computed once.

    The same arithmetic as :func:`self_attention`, in a Python loop over the queries:
    column i of the output needs only column i of the scores, so no N x N matrix is
    ever held. Compared with the matrix form, it isolates the cost of the loop;
    compared with :func:`self_attention_loop` (which recomputes every key and value
    for each query), it isolates the cost of the repeated projections.

    Parameters
    ----------
    I : (d, N) array_like
    Wq, Wk : (d_k, d) array_like
    Wv : (d_v, d) array_like

    Returns
    -------
    O : (d_v, N) ndarray
        Equal to ``self_attention(I, Wq, Wk, Wv)[0]``.
    """
    Q, K, V = qkv(I, Wq, Wk, Wv)                   # (d_k, N), (d_k, N), (d_v, N)
    O = np.empty((V.shape[0], Q.shape[1]))         # (d_v, N)
    for i in range(Q.shape[1]):
        alpha_prime = softmax(K.T @ Q[:, i])       # (N,): column i of A'
        O[:, i] = V @ alpha_prime
    return O


def online_softmax_update(m, s, acc, A_b, V_b):
    """Take one block of keys into the running sums of the online softmax.

    Parameters
    ----------
    m : (Bq,) ndarray
        Each query's largest score so far (``-inf`` before the first block).
    s : (Bq,) ndarray
        :math:`\\sum_j \\exp(\\alpha_{i,j} - m)` over the keys so far.
    acc : (d_v, Bq) ndarray
        :math:`\\sum_j \\exp(\\alpha_{i,j} - m)\\, v^j` over the keys so far.
    A_b : (Bk, Bq) ndarray
        The scores of this block's keys (rows) for the queries (columns).
    V_b : (d_v, Bk) ndarray
        This block's values.

    Returns
    -------
    m, s, acc
        The same three, with the block's keys included and rescaled to the new maximum,
        so that ``acc / s`` is the softmax-weighted sum of every value seen so far.
    """
    m_new = np.maximum(m, A_b.max(axis=0))        # (Bq,)
    rescale = np.exp(m - m_new)                   # (Bq,); exp(-inf) = 0 at the first block
    E = np.exp(A_b - m_new)                       # (Bk, Bq), every entry <= 1
    return m_new, s * rescale + E.sum(axis=0), acc * rescale + V_b @ E   # (Bq,), (Bq,), (d_v, Bq)


def self_attention_online(I, Wq, Wk, Wv, query_block=64, key_block=64, scale=False):
    """Self-attention block by block, with an online softmax: no N x N matrix is ever held.

    For each block of queries, the keys are visited one block at a time. Each query
    keeps a running maximum m of its scores so far, the running sum s of
    :math:`\\exp(\\alpha - m)` and the running weighted sum of the values; when a new
    block raises m, the old sums are multiplied by :math:`\\exp(m_{old} - m_{new})`, so
    they count as if m had been the maximum from the start. At the end,
    :math:`b^i` is the weighted sum divided by s: the softmax of the whole column,
    without storing it. This is the idea behind FlashAttention (Dao et al., 2022).

    Parameters
    ----------
    I : (d, N) array_like
    Wq, Wk : (d_k, d) array_like
    Wv : (d_v, d) array_like
    query_block, key_block : int, default 64
        How many queries and keys one step handles; the scores held at any time are
        one (key_block, query_block) matrix.
    scale : bool, default False
        Divide the scores by :math:`\\sqrt{d_k}`.

    Returns
    -------
    O : (d_v, N) ndarray
        Equal to ``self_attention(I, Wq, Wk, Wv, scale)[0]`` up to rounding.
    """
    query_block, key_block = positive_int("query_block", query_block), positive_int("key_block", key_block)
    Q, K, V = qkv(I, Wq, Wk, Wv)                          # (d_k, N), (d_k, N), (d_v, N)
    d_k, N = Q.shape
    O = np.empty((V.shape[0], N))                         # (d_v, N)
    for q0 in range(0, N, query_block):
        Qb = Q[:, q0:q0 + query_block]                    # (d_k, Bq)
        m = np.full(Qb.shape[1], -np.inf)                 # (Bq,): running maximum
        s = np.zeros(Qb.shape[1])                         # (Bq,): running sum of exp(α - m)
        acc = np.zeros((V.shape[0], Qb.shape[1]))         # (d_v, Bq): running Σ exp(α - m) vʲ
        for k0 in range(0, N, key_block):
            A_b = K[:, k0:k0 + key_block].T @ Qb          # (Bk, Bq): this block's scores
            if scale:
                A_b = A_b / np.sqrt(d_k)
            m, s, acc = online_softmax_update(m, s, acc, A_b, V[:, k0:k0 + key_block])
        O[:, q0:q0 + query_block] = acc / s
    return O


def self_attention_row_major(I_r, Wq, Wk, Wv, scale=False):
    """Self-attention in the row-major form of PyTorch and most papers.

    The subscript r marks the row-major matrices (the page *Notation*): each is the
    transpose of the column-form one.

    Parameters
    ----------
    I_r : (N, d) array_like
        One **row** per input vector, ``I_r = Iᵀ``.
    Wq, Wk : (d, d_k) array_like
        Weights acting from the right, ``Wq = (W^q)ᵀ``.
    Wv : (d, d_v) array_like
    scale : bool, default False

    Returns
    -------
    O_r : (N, d_v) ndarray
        :math:`\\mathrm{softmax}(Q_r K_r^T) V_r` with the softmax over each row; equals ``O.T``.
    A_prime_r : (N, N) ndarray
        The attention weights, each row summing to 1; equals ``A_prime.T``.
    """
    I_r = matrix("I_r", I_r)
    Wq, Wk, Wv = matrix("Wq", Wq), matrix("Wk", Wk), matrix("Wv", Wv)
    for name, W in (("Wq", Wq), ("Wk", Wk), ("Wv", Wv)):
        weights_for("I_r", I_r, name, W)
    same_shape("Wq", Wq, "Wk", Wk)
    Q_r, K_r, V_r = I_r @ Wq, I_r @ Wk, I_r @ Wv  # (N, d_k), (N, d_k), (N, d_v)
    A_r = Q_r @ K_r.T                 # (N, N), A_r[i, j] = qⁱ·kʲ
    if scale:
        A_r = A_r / np.sqrt(Q_r.shape[1])
    A_prime_r = softmax(A_r, axis=1)  # (N, N), rows sum to 1
    return A_prime_r @ V_r, A_prime_r  # (N, d_v), (N, N)


def with_positions(I_words):
    """Word vectors over their positions: the input of the "attend to the word before" construction.

    Parameters
    ----------
    I_words : (d_word, N) array_like
        One word vector per column (chapter 1's embeddings, for example).

    Returns
    -------
    I : (d_word + N, N) ndarray
        Rows ``0 … d_word-1`` hold ``I_words``; rows ``d_word …`` a one-hot position: column i has a 1
        in row ``d_word + i``.
    """
    I_words = matrix("I_words", I_words)
    return np.vstack([I_words, np.eye(I_words.shape[1])])  # (d_word + N, N)


def previous_word_weights(d_word, N):
    """Query and key weights with which every word attends most to the word just before it.

    Parameters
    ----------
    d_word : int
        Number of word-feature rows at the top of the input.
    N : int
        Number of positions. The input is ``with_positions(I_words)``, shape (d_word + N, N).

    Returns
    -------
    Wq, Wk : (d_k, d_word + N) ndarray
        With ``A = (Wk I)ᵀ (Wq I)``, column i of ``A′`` (i ≥ 1) gives position i-1 by far
        the largest weight, whatever the words are.

    Notes
    -----
    Both read only the position rows: the key of position j is the one-hot of j, the query
    of position i is 5 times the one-hot of i-1. So ``A[j, i] = 5`` for ``j = i-1`` and 0
    otherwise, and ``A′[i-1, i] = e⁵ / (e⁵ + N - 1)``. The two *saw*s have the same word
    vector: only the position rows can send them to different words.
    """
    d_word, N = positive_int("d_word", d_word), positive_int("N", N)
    Wk = np.hstack([np.zeros((N, d_word)), np.eye(N)])              # (N, d_word + N): kʲ = one-hot of j
    Wq = np.hstack([np.zeros((N, d_word)), 5.0 * np.eye(N, k=1)])  # (N, d_word + N): qⁱ = 5 one-hot of i-1
    return Wq, Wk
