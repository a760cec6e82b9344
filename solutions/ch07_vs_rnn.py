"""Chapter 7: self-attention and RNNs.

An RNN reads left to right: hᵗ = tanh(Wx aᵗ + Wh hᵗ⁻¹). Step t cannot start
before step t-1 ends, and a¹ reaches hᴺ only through N-1 steps.
"""

import numpy as np

from ._validate import matrix, shape_str, vector, weights_for


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
