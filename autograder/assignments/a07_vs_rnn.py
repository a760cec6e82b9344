"""07-vs-rnn: the RNN's left-to-right chain, to compare with self-attention."""

import numpy as np

from . import Assignment, Case, Family, Mistake, Part, Question

rng = np.random.default_rng(2007)


def r(*shape, scale=1.0):
    return np.round(rng.normal(size=shape) * scale, 3)


d, dh, N = 3, 4, 6
I_a, Wx_a, Wh_a = r(d, N), r(dh, d), r(dh, dh, scale=0.5)
# The visible tests of parts 3 and 4: d = 2, d_h = 3, N = 4.
RJ = (r(2, 4), r(3, 2), r(3, 3, scale=0.5))
# Part 5's: self-attention weights Wq, Wk (d_k = 2) and Wv (d_v = 3 = d_h) for the same inputs.
SA = (RJ[0], r(2, 2), r(2, 2), r(3, 2))


def _reversed(args, kwargs, reference):
    """An RNN that reads right to left: its states put back in input order, or left in reading order."""
    I = np.asarray(args[0], dtype=float)
    if I.ndim != 2:
        return []
    try:
        backwards = reference(I[:, ::-1], *args[1:], **kwargs)
    except ValueError:
        return []
    return [backwards[:, ::-1], backwards]


def _activations(args, kwargs, reference):
    """The recurrence with another activation than tanh: none, ReLU or the logistic sigmoid."""
    I, Wx, Wh = (np.asarray(a, dtype=float) for a in args)
    h0 = kwargs.get("h0")
    try:
        reference(I, Wx, Wh, h0)      # the same checks as the reference
    except ValueError:
        return []
    out = []
    for act in (lambda z: z, lambda z: np.maximum(z, 0.0), lambda z: 1 / (1 + np.exp(-z))):
        h = np.zeros(Wx.shape[0]) if h0 is None else np.asarray(h0, dtype=float)
        H = np.empty((Wx.shape[0], I.shape[1]))
        for t in range(I.shape[1]):
            h = act(Wx @ I[:, t] + Wh @ h)
            H[:, t] = h
        out.append(H)
    return out


def _norms(args, kwargs):
    """Influence matrices measured over one axis of the Jacobians only, or by their largest entry."""
    import solutions

    I = np.asarray(args[0], dtype=float)
    J = [solutions.rnn_jacobians(*args, j, **kwargs) for j in range(I.shape[1])]   # N × (N, d_h, d)
    return [np.stack([np.linalg.norm(Jj, axis=1) for Jj in J]), np.stack([np.linalg.norm(Jj, axis=2) for Jj in J]),
            np.stack([np.abs(Jj).max(axis=(1, 2)) for Jj in J])]


ASSIGNMENT = Assignment(
    id="07-vs-rnn",
    notebook="vs_rnn",
    chapter=7,
    chapter_title="Self-attention and RNNs",
    page="ch07-vs-rnn",
    sections={"rnn_forward": "ch07-rnn", "rnn_jacobians": "ch07-paths", "rnn_influence": "ch07-paths",
              "attention_influence": "ch07-paths"},
    intro="""
    A recurrent network reads the inputs **left to right**: hᵗ = tanh(Wₓaᵗ + Wₕhᵗ⁻¹), starting
    from h⁰ (zeros unless given). Step t cannot start before step t-1 has finished, and a¹
    reaches the last state only through N-1 steps. Self-attention instead connects every pair
    of positions directly. You write the RNN, then measure what the chapter shows: which
    states depend on which inputs, and how the effect of an early input fades on its way
    through the steps. Last, you measure the same for your own self-attention, to set the two
    side by side.
    """,
    parts=(
        Part(
            id="rnn_steps", title="The recurrence", points=3,
            prose="""
            Write `rnn_forward(I, Wx, Wh, h0=None)`: return H, shape (d_h, N), whose column t is
            hᵗ = tanh(Wₓaᵗ + Wₕhᵗ⁻¹), with the state before the first step h0 (zeros when `None`).
            Positions are 0-based in code: column 0 of H uses the first input `I[:, 0]` and h0.
            Weights or an h0 that do not fit raise `ValueError` naming the shapes.
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
            id="rnn_h0", title="A given start state, and shape checks", points=1,
            checks_only=True,
            prose="""
            No new code: this part checks `h0` (with a given h0 the first step is
            h¹ = tanh(Wₓa¹ + Wₕh0); with `h0=None` it is zeros) and the `ValueError` s.
            """,
            answers=(),
            visible="""
            H0 = rnn_forward([[0.0]], [[1.0]], [[1.0]], h0=[2.0])
            check_close("rnn_forward with h0 = (2,)", H0, [[np.tanh(2.0)]], "the first step uses the given h0: tanh(Wx a¹ + Wh h0)")
            H = rnn_forward([[1.0, 0.0, 2.0]], [[1.0]], [[0.5]], h0=[1.0])
            check_unlike("H", H, «M('rnn-reversed')([[1.0, 0.0, 2.0]], [[1.0]], [[0.5]], h0=[1.0])»,
                         "which reads the inputs right to left: the RNN starts at a¹ (column 0)")
            check_close("H", H, «S.rnn_forward([[1.0, 0.0, 2.0]], [[1.0]], [[0.5]], h0=[1.0])»)
            check_raises("rnn_forward with Wh (2, 3) for d_h = 2", rnn_forward, [[1.0, 2.0]], [[1.0], [2.0]], np.ones((2, 3)))
            check_raises("rnn_forward with h0 of length 3 for d_h = 2", rnn_forward, [[1.0, 2.0]], [[1.0], [2.0]], np.eye(2), h0=[0.0, 0.0, 0.0])
            """,
            cases=(
                Case("rnn_forward", (I_a, Wx_a, Wh_a), {"h0": r(dh)}, label="d = 3, d_h = 4, N = 6, given h0"),
                Case("rnn_forward", (r(2, 1), r(3, 2), r(3, 3)), {"h0": r(3)}, label="N = 1, given h0"),
                Case("rnn_forward", (r(2, 4), r(2, 2), r(2, 2)), {"h0": None}, label="h0=None"),
                Case("rnn_forward", (I_a, Wx_a, r(dh, dh + 1)), label="Wh (4, 5) for d_h = 4 (must raise ValueError)"),
                Case("rnn_forward", (I_a, r(dh, d + 1), Wh_a), label="Wx (4, 4) for d = 3 (must raise ValueError)"),
                Case("rnn_forward", (I_a, Wx_a, Wh_a), {"h0": r(dh + 1)}, label="h0 of length 5 for d_h = 4 (must raise ValueError)"),
            ),
        ),
        Part(
            id="jacobians", title="How one input reaches every state", points=4,
            prose="""
            The chapter nudges an input and watches the states move. Compute that exactly, with
            the chain rule. Write `rnn_jacobians(I, Wx, Wh, j, h0=None)`: the (N, d_h, d) array
            whose entry t is the Jacobian ∂hᵗ/∂aʲ (how each entry of hᵗ moves per unit change of
            each entry of aʲ). States before j do not depend on aʲ at all (their Jacobian is 0);
            state j depends on it directly, through Wₓ; each later state only through the state
            before it. `j` outside 0 … N-1 raises `ValueError`.

            <details><summary>Hint: one step of the chain rule</summary>

            Write zᵗ = Wₓaᵗ + Wₕhᵗ⁻¹, so hᵗ = tanh(zᵗ). What is the derivative of tanh, in terms
            of hᵗ itself? Which of the two terms of zᵗ depends on aʲ when t = j, and which
            when t > j? The test compares your Jacobians with finite differences of your
            `rnn_forward`.
            </details>
            """,
            answers=("rnn_jacobians",),
            visible="""
            I, Wx, Wh = «RJ»
            J = rnn_jacobians(I, Wx, Wh, 1)
            check_shape("rnn_jacobians(I, Wx, Wh, 1) for N = 4, d_h = 3, d = 2", J, (4, 3, 2),
                        "one Jacobian ∂hᵗ/∂aʲ of shape (d_h, d) per step t")
            check_close("J[0], the first state's dependence on a², a later input", J[0], np.zeros((3, 2)),
                        "a state never depends on a later input")
            check_unlike("J", J, «M('jac-no-tanh-derivative')(*RJ, 1)»,
                         "which leaves out the derivative of tanh: every step multiplies by diag(1 - (hᵗ)²)")
            check_unlike("J", J, «M('jac-one-minus-h')(*RJ, 1)», "which uses 1 - hᵗ: tanh'(z) = 1 - tanh(z)²")
            check_unlike("J", J, «M('jac-derivative-order')(*RJ, 1)»,
                         "which applies tanh' before Wh: the chain rule gives diag(1 - (hᵗ)²) Wh ∂hᵗ⁻¹/∂aʲ, Wh first")
            check_unlike("J", J, «M('jac-previous-derivative')(*RJ, 1)»,
                         "which uses the tanh' of step t-1: the derivative at step t is 1 - (hᵗ)², of the state the step produces")
            eps = 1e-6
            H = rnn_forward(I, Wx, Wh)
            for k in range(2):
                nudged = np.array(I, dtype=float)
                nudged[k, 1] += eps
                numeric = (rnn_forward(nudged, Wx, Wh) - H) / eps   # (d_h, N): how every state moved
                check_true(np.allclose(J[:, :, k], numeric.T, atol=1e-4),
                           f"your J[:, :, {k}] does not match finite differences of your rnn_forward: {np.round(numeric.T, 4)}")
            check_close("rnn_jacobians(I, Wx, Wh, 1)", J, «S.rnn_jacobians(*RJ, 1)»)
            check_raises("rnn_jacobians with j = N = 4", rnn_jacobians, I, Wx, Wh, 4)
            """,
            cases=(
                Case("rnn_jacobians", (I_a, Wx_a, Wh_a, 0), label="d = 3, d_h = 4, N = 6, j = 0"),
                Case("rnn_jacobians", (I_a, Wx_a, Wh_a, 3), label="d = 3, d_h = 4, N = 6, j = 3"),
                Case("rnn_jacobians", (I_a, Wx_a, Wh_a, 5), label="j = N - 1, the last input"),
                Case("rnn_jacobians", (r(2, 5), r(3, 2), r(3, 3), 1), {"h0": r(3)}, label="d = 2, d_h = 3, given h0"),
                Case("rnn_jacobians", (r(2, 1), r(3, 2), r(3, 3), 0), label="N = 1"),
                Case("rnn_jacobians", (I_a, Wx_a, Wh_a, 6), label="j = N (must raise ValueError)"),
            ),
        ),
        Part(
            id="influence", title="Which states depend on which inputs", points=2,
            prose="""
            Write `rnn_influence(I, Wx, Wh, h0=None)`: the (N, N) array R with R[j, t] the size of
            ∂hᵗ/∂aʲ, measured by its Frobenius norm (`np.linalg.norm` of the (d_h, d) matrix), in
            A's layout: row j for the input, column t for the state. Where is R zero? How does row
            0, the first input's effect, change along the steps? In self-attention every output
            depends on every input in one step (the chapter's first figure).
            """,
            answers=("rnn_influence",),
            visible="""
            I, Wx, Wh = «RJ»
            R = rnn_influence(I, Wx, Wh)
            check_shape("rnn_influence for N = 4", R, (4, 4), "one row per input j, one column per state t")
            check_unlike("R", R, «M('influence-transposed')(*RJ)»,
                         "which is transposed: the input j is the row and the state t the column, so R is zero below the diagonal")
            check_unlike("R", R, «M('influence-spectral-norm')(*RJ)»,
                         "which uses the largest singular value: measure each Jacobian by its Frobenius norm")
            check_unlike("R", R, «M('influence-sum')(*RJ)»,
                         "which adds up absolute values: the Frobenius norm is the root of the sum of its squared entries")
            check_close("rnn_influence(I, Wx, Wh)", R, «S.rnn_influence(*RJ)»)
            print("How strongly each state t depends on each input j (rows j, columns t):")
            print(np.round(R, 3))
            """,
            cases=(
                Case("rnn_influence", (I_a, Wx_a, Wh_a), label="d = 3, d_h = 4, N = 6"),
                Case("rnn_influence", (r(2, 5), r(3, 2), r(3, 3)), {"h0": r(3)}, label="d = 2, d_h = 3, N = 5, given h0"),
                Case("rnn_influence", (r(4, 8), r(2, 4), r(2, 2, scale=0.3)), label="d = 4, d_h = 2, N = 8, small Wh (fast fading)"),
                Case("rnn_influence", (r(2, 1), r(3, 2), r(3, 3)), label="N = 1"),
            ),
        ),
        Part(
            id="attention_influence", title="The same map for your self-attention", points=4,
            prose="""
            Now the other side of the chapter's comparison, from your own code. Write
            `attention_influence(I, Wq, Wk, Wv)`: the (N, N) array R with R[j, i] the Frobenius
            norm of the Jacobian ∂bⁱ/∂aʲ of your `self_attention(I, Wq, Wk, Wv)` (exercise 3, no
            scaling), in the same layout as `rnn_influence`: row j for the input, column i for
            the output. The test prints both maps for the same inputs.

            <details><summary>Hint: three ways aʲ reaches bⁱ</summary>

            bⁱ = Σₗ α′ₗ,ᵢ vˡ. The input aʲ enters vʲ, the key kʲ and, when j = i, the query qⁱ.
            Which of these change the weights α′ₗ,ᵢ, and which only the values? Then: how does
            bⁱ move when a single score Aₗ,ᵢ moves a little, given that the weights of column i
            must keep summing to 1? Check your Jacobians against finite differences of your
            `self_attention` before you take their norms.
            </details>
            """,
            answers=("attention_influence",),
            visible="""
            I, Wq, Wk, Wv = «SA»
            R_attention = attention_influence(I, Wq, Wk, Wv)
            check_shape("attention_influence for N = 4", R_attention, (4, 4), "one row per input j, one column per output i")
            check_unlike("R_attention", R_attention, «M('attention-influence-values-only')(*SA)»,
                         "which treats the attention weights as constants: aʲ also moves the weights, through its key "
                         "(and, for j = i, its query)")
            check_unlike("R_attention", R_attention, «M('attention-influence-no-query')(*SA)»,
                         "which leaves out the query path: aⁱ also reaches bⁱ through qⁱ, which moves every weight of column i")
            check_unlike("R_attention", R_attention, «M('attention-influence-transposed')(*SA)»,
                         "which is transposed: row j for the input aʲ, column i for the output bⁱ, as in rnn_influence")
            check_unlike("R_attention", R_attention, «M('attention-influence-no-mean')(*SA)»,
                         "which forgets that the weights keep summing to 1: when one weight grows, the others shrink")
            check_true(np.all(R_attention > 0), "every output of self-attention depends on every input: "
                       f"no entry of R should be 0, but yours has {int(np.sum(R_attention <= 0))}")
            check_close("attention_influence(I, Wq, Wk, Wv)", R_attention, «S.attention_influence(*SA)»)
            R_rnn = rnn_influence(*«RJ»)
            print("How strongly each output depends on each input (rows: inputs j, columns: outputs)")
            print("the RNN:")
            print(np.round(R_rnn, 3))
            print("your self-attention:")
            print(np.round(R_attention, 3))
            """,
            cases=(
                Case("attention_influence", (I_a, r(2, d), r(2, d), r(dh, d)), label="d = 3, d_k = 2, d_v = 4, N = 6"),
                Case("attention_influence", (r(4, 5), r(3, 4), r(3, 4), r(2, 4)), label="d = 4, d_k = 3, d_v = 2, N = 5"),
                Case("attention_influence", (r(2, 3, scale=3.0), r(2, 2), r(2, 2), r(2, 2)), label="large inputs (peaked weights)"),
                Case("attention_influence", (r(2, 1), r(2, 2), r(2, 2), r(3, 2)), label="N = 1"),
                Case("attention_influence", (I_a, r(2, d), r(3, d), r(dh, d)), label="Wk (3, 3) for Wq (2, 3) (must raise ValueError)"),
            ),
        ),
    ),
    returns={"rnn_forward": "H", "rnn_jacobians": "J", "rnn_influence": "R", "attention_influence": "R"},
    families=(
        Family("rnn-reversed", "rnn_forward", "your RNN runs right to left; it starts at a¹ (column 0) and moves right",
               _reversed),
        Family("rnn-activation", "rnn_forward", "your recurrence uses another activation than tanh (none, ReLU or a "
               "sigmoid): hᵗ = tanh(Wx aᵗ + Wh hᵗ⁻¹)", _activations),
        Family("influence-norm", "rnn_influence", "your entries measure the Jacobian ∂hᵗ/∂aʲ another way (over one axis "
               "only, or by its largest entry): use its Frobenius norm, one number per (j, t)",
               lambda args, kwargs, reference: _norms(args, kwargs)),
    ),
    questions=(
        Question(
            id="influence_maps", after="attention_influence", points=2,
            prompt="""
            Put your two influence maps side by side. Where does the RNN's map have zeros that
            self-attention's does not, and why? Along row 0 (the first input), why can the RNN's
            influence shrink step after step, while self-attention's does not depend on how far
            apart two positions are?
            """,
            rubric="""
            2 points. (1 point) The RNN's map is zero below the diagonal: state t depends only on
            the inputs j ≤ t, since it reads left to right; self-attention's map has no forced
            zeros, every output depends on every input. (1 point) In the RNN, the first input a¹
            reaches hᵗ through t - 1 steps: ∂hᵗ/∂a¹ is diag(1 - (h¹)²) Wx multiplied by t - 1
            factors diag(1 - (hˢ)²) Wh, s = 2 … t, which shrinks geometrically when these factors
            shrink vectors (it can also grow when Wh is large);
            self-attention connects every pair in one step, so the distance between positions
            does not enter.
            """,
        ),
    ),
    mistakes=(
        Mistake("rnn-stale-state", "rnn_forward",
                "your step t uses h⁰ (the initial state) instead of hᵗ⁻¹; feed each step the state of the step just before it",
                (("h = np.tanh(Wx @ I[:, t] + Wh @ h)\n        H[:, t] = h", "H[:, t] = np.tanh(Wx @ I[:, t] + Wh @ h)"),),
                visible="which uses h⁰ instead of h¹"),
        Mistake("rnn-no-tanh", "rnn_forward", "your recurrence has no tanh; hᵗ = tanh(Wx aᵗ + Wh hᵗ⁻¹)",
                (("h = np.tanh(Wx @ I[:, t] + Wh @ h)", "h = Wx @ I[:, t] + Wh @ h"),), visible="h¹ = tanh(Wx a¹"),
        Mistake("rnn-reversed", "rnn_forward",
                "your RNN reads the inputs right to left; it starts at a¹ (column 0) and moves right",
                (("for t in range(I.shape[1]):", "for t in reversed(range(I.shape[1])):"),),
                visible="which reads the inputs right to left"),
        Mistake("rnn-h0-ignored", "rnn_forward",
                "your RNN ignores h0 and always starts from zeros; the first step uses the given h0",
                (('h = np.zeros(d_h) if h0 is None else vector("h0", h0)', "h = np.zeros(d_h)"),),
                visible="the first step uses the given h0"),
        Mistake("jac-no-tanh-derivative", "rnn_jacobians",
                "your Jacobians leave out the derivative of tanh; each step multiplies by diag(1 - (hᵗ)²), tanh'(z) = 1 - tanh(z)²",
                (("J[j] = (1 - H[:, j] ** 2)[:, None] * Wx", "J[j] = Wx"),
                 ("J[t] = (1 - H[:, t] ** 2)[:, None] * (Wh @ J[t - 1])", "J[t] = Wh @ J[t - 1]")),
                visible="which leaves out the derivative of tanh"),
        Mistake("jac-one-minus-h", "rnn_jacobians",
                "your derivative of tanh is 1 - hᵗ; it is 1 - (hᵗ)², since tanh'(z) = 1 - tanh(z)²",
                (("(1 - H[:, j] ** 2)", "(1 - H[:, j])"), ("(1 - H[:, t] ** 2)", "(1 - H[:, t])")),
                visible="tanh'(z) = 1 - tanh(z)²"),
        Mistake("jac-derivative-order", "rnn_jacobians",
                "your step applies tanh' before Wh; the chain rule of hᵗ = tanh(Wx aᵗ + Wh hᵗ⁻¹) gives diag(1 - (hᵗ)²) Wh ∂hᵗ⁻¹/∂aʲ, Wh first",
                (("J[t] = (1 - H[:, t] ** 2)[:, None] * (Wh @ J[t - 1])", "J[t] = Wh @ ((1 - H[:, t] ** 2)[:, None] * J[t - 1])"),),
                visible="Wh first"),
        Mistake("jac-previous-derivative", "rnn_jacobians",
                "your step t uses the tanh' of step t-1; the derivative at step t is 1 - (hᵗ)², of the state the step produces",
                (("J[t] = (1 - H[:, t] ** 2)[:, None] * (Wh @ J[t - 1])", "J[t] = (1 - H[:, t - 1] ** 2)[:, None] * (Wh @ J[t - 1])"),),
                visible="of the state the step produces"),
        Mistake("influence-transposed", "rnn_influence",
                "your matrix is transposed; R[j, t] has the input j in its row and the output t in its column (A's layout), so it is zero below the diagonal",
                (("return np.stack(rows)", "return np.stack(rows).T"),), visible="zero below the diagonal"),
        Mistake("influence-spectral-norm", "rnn_influence",
                "your norm is the largest singular value (ord=2); the course measures a Jacobian by its Frobenius norm, the root of the sum of its squared entries",
                (("axis=(1, 2))", "ord=2, axis=(1, 2))"),), visible="Frobenius norm"),
        Mistake("influence-sum", "rnn_influence",
                "your entries add up the absolute values of the Jacobian; use its Frobenius norm, the root of the sum of its squared entries",
                (("np.linalg.norm(rnn_jacobians(I, Wx, Wh, j, h0), axis=(1, 2))", "np.abs(rnn_jacobians(I, Wx, Wh, j, h0)).sum(axis=(1, 2))"),),
                visible="root of the sum of its squared"),
        Mistake("attention-influence-values-only", "attention_influence",
                "your Jacobians treat the attention weights as constants (only α′ⱼ,ᵢ Wv); aʲ also moves the weights "
                "of column i, through its key kʲ and, for j = i, through the query qⁱ",
                (("J = A_prime[j, i] * Wv + np.outer(C[:, j], Q[:, i] @ Wk)", "J = A_prime[j, i] * Wv"),
                 ("J = J + by_query", "J = J + 0 * by_query")),
                visible="which treats the attention weights as constants"),
        Mistake("attention-influence-no-query", "attention_influence",
                "your Jacobians leave out the query path: aⁱ also reaches bⁱ through qⁱ = Wq aⁱ, which moves every "
                "weight of column i (the diagonal R[i, i] is too small or too large)",
                (("J = J + by_query", "J = J + 0 * by_query"),),
                visible="which leaves out the query path"),
        Mistake("attention-influence-no-mean", "attention_influence",
                "your softmax derivative is missing the term that keeps the weights summing to 1: a change of one "
                "score moves the output towards that value away from the current output bⁱ, i.e. by α′ₗ,ᵢ (vˡ - bⁱ)",
                (("C = A_prime[:, i] * (V - O[:, [i]])", "C = A_prime[:, i] * V"),),
                visible="the weights keep summing to 1"),
        Mistake("attention-influence-transposed", "attention_influence",
                "your map is transposed; R[j, i] has the input j in its row and the output i in its column, as in rnn_influence",
                (("    return R\n", "    return R.T\n"),),
                visible="which is transposed: row j for the input"),
    ),
)
