"""07-vs-rnn: the RNN's left-to-right chain, to compare with self-attention."""

import numpy as np

from . import Assignment, Case, Mistake, Part

rng = np.random.default_rng(2007)


def r(*shape, scale=1.0):
    return np.round(rng.normal(size=shape) * scale, 3)


d, dh, N = 3, 4, 6
I_a, Wx_a, Wh_a = r(d, N), r(dh, d), r(dh, dh, scale=0.5)

ASSIGNMENT = Assignment(
    id="07-vs-rnn",
    notebook="vs_rnn",
    chapter=7,
    chapter_title="Self-attention and RNNs",
    page="ch07-vs-rnn",
    sections={"rnn_forward": "ch07-rnn"},
    intro="""
    A recurrent network reads the inputs **left to right**: hᵗ = tanh(Wₓaᵗ + Wₕhᵗ⁻¹), starting
    from h⁰ (zeros unless given). Step t cannot start before step t-1 has finished, and a¹
    reaches the last state only through N-1 steps. Self-attention instead connects every pair
    of positions directly and computes all outputs at once, in parallel. Writing the RNN
    yourself makes the contrast concrete.
    """,
    parts=(
        Part(
            id="rnn_steps", title="The recurrence", points=4,
            prose="""
            Write `rnn_forward(I, Wx, Wh, h0=None)`: return H, shape (d_h, N), whose column t is
            hᵗ = tanh(Wₓaᵗ + Wₕhᵗ⁻¹), with the state before the first step h0 (zeros when `None`).
            Positions are 0-based in code: column 0 of H uses the first input `I[:, 0]` and h0.
            """,
            answers=("rnn_forward",),
            visible="""
            # d = d_h = 1: h¹ = tanh(1·1 + 0.5·0), h² = tanh(1·0 + 0.5·h¹)
            H = rnn_forward([[1.0, 0.0]], [[1.0]], [[0.5]])
            check_shape("rnn_forward for d_h = 1, N = 2", H, (1, 2), "one column hᵗ per input: shape (d_h, N)")
            check_close("h¹", H[0, 0], np.tanh(1.0), "h¹ = tanh(Wx a¹ + Wh h⁰) with h⁰ = 0")
            check_unlike("h²", H[0, 1], «M('rnn-stale-state')([[1.0, 0.0]], [[1.0]], [[0.5]])[0, 1]»,
                         "which uses h⁰ instead of h¹: each step feeds the state of the step just before it")
            check_unlike("h²", H[0, 1], «M('rnn-no-tanh')([[1.0, 0.0]], [[1.0]], [[0.5]])[0, 1]»,
                         "which has no tanh: hᵗ = tanh(Wx aᵗ + Wh hᵗ⁻¹)")
            check_close("h²", H[0, 1], np.tanh(0.5 * np.tanh(1.0)))
            """,
            cases=(
                Case("rnn_forward", (I_a, Wx_a, Wh_a), label="d = 3, d_h = 4, N = 6"),
                Case("rnn_forward", (r(2, 5), r(3, 2), r(3, 3)), label="d = 2, d_h = 3, N = 5"),
                Case("rnn_forward", (r(2, 1), r(3, 2), r(3, 3)), label="N = 1"),
                Case("rnn_forward", (r(1, 8, scale=3.0), r(1, 1), r(1, 1, scale=2.0)), label="d = d_h = 1, large weights"),
            ),
        ),
        Part(
            id="rnn_h0", title="Starting from a given state", points=3,
            prose="""
            No new code: this part checks `h0`. With a given h0, the first step is
            h¹ = tanh(Wₓa¹ + Wₕh0); with `h0=None` it is zeros.
            """,
            answers=(),
            visible="""
            H0 = rnn_forward([[0.0]], [[1.0]], [[1.0]], h0=[2.0])
            check_close("rnn_forward with h0 = (2,)", H0, [[np.tanh(2.0)]], "the first step uses the given h0: tanh(Wx a¹ + Wh h0)")
            H = rnn_forward([[1.0, 0.0, 2.0]], [[1.0]], [[0.5]], h0=[1.0])
            check_unlike("H", H, «M('rnn-reversed')([[1.0, 0.0, 2.0]], [[1.0]], [[0.5]], h0=[1.0])»,
                         "which reads the inputs right to left: the RNN starts at a¹ (column 0)")
            check_close("H", H, «S.rnn_forward([[1.0, 0.0, 2.0]], [[1.0]], [[0.5]], h0=[1.0])»)
            """,
            cases=(
                Case("rnn_forward", (I_a, Wx_a, Wh_a), {"h0": r(dh)}, label="d = 3, d_h = 4, N = 6, given h0"),
                Case("rnn_forward", (r(2, 1), r(3, 2), r(3, 3)), {"h0": r(3)}, label="N = 1, given h0"),
                Case("rnn_forward", (r(2, 4), r(2, 2), r(2, 2)), {"h0": None}, label="h0=None"),
            ),
        ),
        Part(
            id="rnn_shapes", title="Shape checks", points=2,
            prose="""
            No new code: weights or an h0 that do not fit raise `ValueError` naming the shapes.
            """,
            answers=(),
            visible="""
            check_raises("rnn_forward with Wh (2, 3) for d_h = 2", rnn_forward, [[1.0, 2.0]], [[1.0], [2.0]], np.ones((2, 3)))
            check_raises("rnn_forward with h0 of length 3 for d_h = 2", rnn_forward, [[1.0, 2.0]], [[1.0], [2.0]], np.eye(2), h0=[0.0, 0.0, 0.0])
            """,
            cases=(
                Case("rnn_forward", (I_a, Wx_a, r(dh, dh + 1)), label="Wh (4, 5) for d_h = 4 (must raise ValueError)"),
                Case("rnn_forward", (I_a, r(dh, d + 1), Wh_a), label="Wx (4, 4) for d = 3 (must raise ValueError)"),
                Case("rnn_forward", (I_a, Wx_a, Wh_a), {"h0": r(dh + 1)}, label="h0 of length 5 for d_h = 4 (must raise ValueError)"),
            ),
        ),
    ),
    returns={"rnn_forward": "H"},
    mistakes=(
        Mistake("rnn-stale-state", "rnn_forward",
                "your step t uses h⁰ (the initial state) instead of hᵗ⁻¹; feed each step the state of the step just before it",
                visible="which uses h⁰ instead of h¹", code='''
def rnn_forward(I, Wx, Wh, h0=None):
    I, Wx, Wh = matrix("I", I), matrix("Wx", Wx), matrix("Wh", Wh)
    weights_for("Wx", Wx, "I", I)
    d_h = Wx.shape[0]
    if Wh.shape != (d_h, d_h):
        raise ValueError("Wh must be (d_h, d_h)")
    h0 = np.zeros(d_h) if h0 is None else vector("h0", h0)
    if h0.shape != (d_h,):
        raise ValueError("h0 must be (d_h,)")
    H = np.empty((d_h, I.shape[1]))
    for t in range(I.shape[1]):
        H[:, t] = np.tanh(Wx @ I[:, t] + Wh @ h0)
    return H
'''),
        Mistake("rnn-no-tanh", "rnn_forward",
                "your recurrence has no tanh; hᵗ = tanh(Wx aᵗ + Wh hᵗ⁻¹)",
                visible="h¹ = tanh(Wx a¹", code='''
def rnn_forward(I, Wx, Wh, h0=None):
    I, Wx, Wh = matrix("I", I), matrix("Wx", Wx), matrix("Wh", Wh)
    weights_for("Wx", Wx, "I", I)
    d_h = Wx.shape[0]
    if Wh.shape != (d_h, d_h):
        raise ValueError("Wh must be (d_h, d_h)")
    h = np.zeros(d_h) if h0 is None else vector("h0", h0)
    if h.shape != (d_h,):
        raise ValueError("h0 must be (d_h,)")
    H = np.empty((d_h, I.shape[1]))
    for t in range(I.shape[1]):
        h = Wx @ I[:, t] + Wh @ h
        H[:, t] = h
    return H
'''),
        Mistake("rnn-reversed", "rnn_forward",
                "your RNN reads the inputs right to left; it starts at a¹ (column 0) and moves right",
                visible="which reads the inputs right to left", code='''
def rnn_forward(I, Wx, Wh, h0=None):
    I, Wx, Wh = matrix("I", I), matrix("Wx", Wx), matrix("Wh", Wh)
    weights_for("Wx", Wx, "I", I)
    d_h = Wx.shape[0]
    if Wh.shape != (d_h, d_h):
        raise ValueError("Wh must be (d_h, d_h)")
    h = np.zeros(d_h) if h0 is None else vector("h0", h0)
    if h.shape != (d_h,):
        raise ValueError("h0 must be (d_h,)")
    H = np.empty((d_h, I.shape[1]))
    for t in reversed(range(I.shape[1])):
        h = np.tanh(Wx @ I[:, t] + Wh @ h)
        H[:, t] = h
    return H
'''),
        Mistake("rnn-h0-ignored", "rnn_forward",
                "your RNN ignores h0 and always starts from zeros; the first step uses the given h0",
                visible="the first step uses the given h0", code='''
def rnn_forward(I, Wx, Wh, h0=None):
    I, Wx, Wh = matrix("I", I), matrix("Wx", Wx), matrix("Wh", Wh)
    weights_for("Wx", Wx, "I", I)
    d_h = Wx.shape[0]
    if Wh.shape != (d_h, d_h):
        raise ValueError("Wh must be (d_h, d_h)")
    h = np.zeros(d_h)
    H = np.empty((d_h, I.shape[1]))
    for t in range(I.shape[1]):
        h = np.tanh(Wx @ I[:, t] + Wh @ h)
        H[:, t] = h
    return H
'''),
    ),
)
