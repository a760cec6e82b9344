"""Chapter 7: self-attention and RNNs.

An RNN reads left to right: hᵗ = tanh(Wx aᵗ + Wh hᵗ⁻¹). Step t cannot start
before step t-1 ends, and a¹ reaches hᴺ only through N-1 steps. Self-attention
connects every input to every output in one step: its influence map has no zeros forced
by the order.
"""

import numpy as np

from .validate import matrix, shape_str, vector, weights_for
from .ch03_matrix_form import qkv, self_attention


def rnn_forward(I, Wx, Wh, h0=None):
    """Run a simple (Elman) RNN over the input vectors.

    Parameters
    ----------
    I : (d, N) array_like
    Wx : (d_h, d) array_like
    Wh : (d_h, d_h) array_like
    h0 : (d_h,) array_like, optional
        Initial state; zeros when None.

    Returns
    -------
    H : (d_h, N) ndarray
        Column t is :math:`h^t = \\tanh(W_x a^t + W_h h^{t-1})`.
    """
    I, Wx, Wh = matrix("I", I), matrix("Wx", Wx), matrix("Wh", Wh)
    weights_for("Wx", Wx, "I", I)
    d_h = Wx.shape[0]
    if Wh.shape != (d_h, d_h):
        raise ValueError(f"Wh has shape {shape_str(Wh.shape)} but Wx has shape {shape_str(Wx.shape)}: Wh must be ({d_h}, {d_h})")
    h = np.zeros(d_h) if h0 is None else vector("h0", h0)
    if h.shape != (d_h,):
        raise ValueError(f"h0 has shape {shape_str(h.shape)}, expected ({d_h},)")
    H = np.empty((d_h, I.shape[1]))
    for t in range(I.shape[1]):        # strictly one step after another
        h = np.tanh(Wx @ I[:, t] + Wh @ h)
        H[:, t] = h
    return H


def rnn_jacobians(I, Wx, Wh, j, h0=None):
    """How every state of the RNN depends on one input: the Jacobians ∂hᵗ/∂aʲ.

    Parameters
    ----------
    I : (d, N) array_like
    Wx : (d_h, d) array_like
    Wh : (d_h, d_h) array_like
    j : int
        The input position, 0-based.
    h0 : (d_h,) array_like, optional

    Returns
    -------
    J : (N, d_h, d) ndarray
        ``J[t]`` is :math:`\\partial h^t / \\partial a^j`, exact (the chain rule through
        :math:`h^t = \\tanh(W_x a^t + W_h h^{t-1})`); zero for ``t < j``, since a state
        never depends on a later input.
    """
    H = rnn_forward(I, Wx, Wh, h0)                   # (d_h, N); checks the shapes
    Wx, Wh = matrix("Wx", Wx), matrix("Wh", Wh)
    N = H.shape[1]
    if isinstance(j, bool) or not isinstance(j, (int, np.integer)) or not 0 <= j < N:
        raise ValueError(f"j must be a position 0 <= j < N = {N}, got {j!r}")
    J = np.zeros((N,) + Wx.shape)                    # (N, d_h, d)
    J[j] = (1 - H[:, j] ** 2)[:, None] * Wx          # tanh'(z) = 1 - tanh(z)²
    for t in range(j + 1, N):
        J[t] = (1 - H[:, t] ** 2)[:, None] * (Wh @ J[t - 1])
    return J


def rnn_influence(I, Wx, Wh, h0=None):
    """Which states depend on which inputs, and how strongly.

    Parameters
    ----------
    I : (d, N) array_like
    Wx : (d_h, d) array_like
    Wh : (d_h, d_h) array_like
    h0 : (d_h,) array_like, optional

    Returns
    -------
    R : (N, N) ndarray
        ``R[j, t]`` is the Frobenius norm of :math:`\\partial h^t / \\partial a^j`, in A's
        layout (row j for the input, column t for the output): zero below the diagonal,
        and along row 0 the effect of the first input as it travels through the steps.
    """
    N = matrix("I", I).shape[1]
    rows = [np.linalg.norm(rnn_jacobians(I, Wx, Wh, j, h0), axis=(1, 2)) for j in range(N)]  # N × (N,)
    return np.stack(rows)                            # (N, N)


def attention_influence(I, Wq, Wk, Wv):
    """Which outputs of self-attention depend on which inputs, and how strongly.

    Parameters
    ----------
    I : (d, N) array_like
    Wq, Wk : (d_k, d) array_like
    Wv : (d_v, d) array_like

    Returns
    -------
    R : (N, N) ndarray
        ``R[j, i]`` is the Frobenius norm of the (d_v, d) Jacobian
        :math:`\\partial b^i / \\partial a^j` of self-attention without scaling
        (``self_attention(I, Wq, Wk, Wv)``), in A's layout like :func:`rnn_influence`: row j
        for the input, column i for the output.

    Notes
    -----
    With :math:`c^l = \\alpha'_{l,i} (v^l - b^i)`, the softmax's derivative gathered with
    the values, the chain rule through :math:`b^i = \\sum_l \\alpha'_{l,i} v^l` and
    :math:`A_{l,i} = k^l \\cdot q^i` gives

    .. math:: \\partial b^i / \\partial a^j = \\alpha'_{j,i} W^v + c^j (q^i)^T W^k
              + [i = j] \\sum_l c^l (k^l)^T W^q

    (the value path, the key path and, for the output's own input, the query path).
    """
    Q, K, V = qkv(I, Wq, Wk, Wv)                     # (d_k, N), (d_k, N), (d_v, N); checks the shapes
    O, A_prime = self_attention(I, Wq, Wk, Wv)       # (d_v, N), (N, N)
    Wq, Wk, Wv = matrix("Wq", Wq), matrix("Wk", Wk), matrix("Wv", Wv)
    N = O.shape[1]
    R = np.empty((N, N))
    for i in range(N):
        C = A_prime[:, i] * (V - O[:, [i]])          # (d_v, N): column l is c^l
        by_query = C @ K.T @ Wq                      # (d_v, d): the sum over l of c^l (k^l)^T W^q
        for j in range(N):
            J = A_prime[j, i] * Wv + np.outer(C[:, j], Q[:, i] @ Wk)   # (d_v, d)
            if j == i:
                J = J + by_query
            R[j, i] = np.linalg.norm(J)
    return R
