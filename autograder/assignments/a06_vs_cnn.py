"""06-vs-cnn: a convolution's receptive field as an attention mask."""

import numpy as np

import solutions as S

from . import Assignment, Case, Family, Mistake, Part, Question

rng = np.random.default_rng(2006)


def r(*shape, scale=1.0):
    return np.round(rng.normal(size=shape) * scale, 3)


def causal(N):
    """mask[j, i] = j <= i: query i sees keys up to itself (not symmetric)."""
    return np.triu(np.ones((N, N), dtype=bool))


d, dk, dv, N = 3, 4, 2, 6
I_a, Wq_a, Wk_a, Wv_a = r(d, N), r(dk, d), r(dk, d), r(dv, d)
ODD = np.array([[True, False, True], [False, True, True], [True, True, False]])  # asymmetric
EMPTY = np.array([[True, False], [True, False]])                                  # column 1 allows no key

def _windows(kind):
    """Masks one position too wide or too narrow on each side, or causal (keys up to the query only)."""
    def candidates(args, kwargs, reference):
        N, width = args
        try:
            mask = reference(N, width)
        except ValueError:
            return []
        j, i = np.indices(mask.shape)
        return {
            "wider": [np.abs(i - j) <= width // 2 + 1],
            "narrower": [np.abs(i - j) <= width // 2 - 1],
            "causal": [mask & (j <= i), mask & (j >= i), (i - j >= 0) & (i - j < width)],
        }[kind]
    return candidates


FAMILIES = (
    Family("window-too-wide", "window_mask", "your window is one position too wide on each side: width w covers "
           "abs(i - j) <= w // 2", _windows("wider")),
    Family("window-too-narrow", "window_mask", "your window is one position too narrow on each side: width w covers "
           "abs(i - j) <= w // 2, edges included", _windows("narrower")),
    Family("window-causal", "window_mask", "your window is one-sided (causal, like a left-to-right model): the "
           "convolution's window is centred, width // 2 positions on each side of the query", _windows("causal")),
)

# ----------------------------------------------------------------------------- the construction part

def _conv_case(width, d_out, d, N, label):
    """A kernel of this shape for the student; two inputs and two draws of queries and keys for the check."""
    data = {"inputs": [r(d, N) for _ in range(2)],
            "queries_keys": [(r(width, 2, d), r(width, 2, d)) for _ in range(2)]}
    return Case("conv_as_heads", (r(width, d_out, d), N), label=label, data=data)


def computes_the_convolution(case, result):
    """Behaviour: with any queries and keys, the masked heads and Wo output conv1d(I, W) on every input."""
    if not isinstance(result, tuple) or len(result) != 3:
        return "should return a tuple (masks, Wv, Wo)"
    masks, Wv, Wo = result
    W, N = case.args
    n = len(np.asarray(Wv))                       # the student's number of heads
    if n > len(W):
        return f"uses {n} heads for a kernel of width {len(W)}: the part asks for one head per offset"
    for I in case.data["inputs"]:
        outputs = []
        for Wq, Wk in case.data["queries_keys"]:
            try:
                O, _ = S.heads_with_masks(I, Wq[:n], Wk[:n], Wv, Wo, masks)
            except ValueError as exc:
                return f"gives heads that cannot run on an input of N = {N} positions ({exc})"
            outputs.append(O)
        O_conv = S.conv1d(I, W)
        if not np.allclose(outputs[0], outputs[1], rtol=1e-9, atol=1e-12):
            return ("gives a layer whose output changes when the queries and keys change: a head that may see "
                    "several keys weighs them by their scores, which depend on the input")
        O = outputs[0]
        if O.shape != O_conv.shape:
            return f"gives a layer whose output has shape {O.shape}; the convolution's has shape {O_conv.shape}"
        if np.allclose(O, O_conv, rtol=1e-9, atol=1e-12):
            continue
        if np.allclose(O, S.conv1d(I, W[::-1]), rtol=1e-9, atol=1e-12):
            return ("gives a layer that applies the kernel reversed: the weight matrix of the offset +1 reaches "
                    "the key before each position, and that of -1 the key after it")
        ratio = np.vdot(O_conv, O) / max(np.vdot(O_conv, O_conv), 1e-300)
        if np.allclose(O, ratio * O_conv, rtol=1e-9, atol=1e-12):
            return "gives a layer whose output is the convolution's times a constant"
        column = int(np.flatnonzero(~np.isclose(O, O_conv, rtol=1e-9, atol=1e-12).all(axis=0))[0])
        return f"gives a layer whose output differs from the convolution's, first at position {column + 1}"
    return None


CONV_CASES = (
    _conv_case(3, 3, 2, 6, "width 3, d = 2, d_out = 3, N = 6"),
    _conv_case(3, 1, 3, 5, "width 3, d_out = 1, N = 5"),
    _conv_case(5, 2, 2, 7, "width 5 (five heads), N = 7"),
    _conv_case(1, 2, 3, 4, "width 1 (one head)"),
    _conv_case(3, 2, 2, 2, "width 3, N = 2 (both neighbours are the same position)"),
    _conv_case(3, 2, 2, 1, "N = 1"),
    Case("conv_as_heads", (r(4, 2, 2), 5), label="even width 4 (must raise ValueError)"),
)


def _kernel_reversed(args, kwargs, reference):
    """The construction of the reversed kernel: the offsets taken the other way round."""
    W, N = args
    return [reference(np.asarray(W)[::-1], N, **kwargs)]


def _output_scaled(args, kwargs, reference):
    """The right heads with Wo scaled: the convolution times a constant."""
    masks, Wv, Wo = reference(*args, **kwargs)
    return [(masks, Wv, 2.0 * Wo)]


ASSIGNMENT = Assignment(
    id="06-vs-cnn",
    notebook="vs_cnn",
    chapter=6,
    chapter_title="Self-attention and CNNs",
    page="ch06-vs-cnn",
    sections={"window_mask": "ch06-receptive-field", "masked_self_attention": "ch06-receptive-field",
              "conv_as_heads": "ch06-conv-heads"},
    intro="""
    A convolution looks at a **receptive field**: a window of `width` positions around each
    position. Self-attention looks at every position, and learns which ones matter. Restrict it
    to the window and it behaves like a CNN: that restriction is a **mask** with A's layout,
    `mask[j, i]` True where query i may attend to key j. Masked scores are set to -∞ **before**
    the softmax, so they get weight exactly 0 and the allowed weights still sum to 1.
    (With little data the CNN's built-in restriction helps; with much data self-attention's
    freedom wins.) You also need your `softmax`, `qkv` and `scores` from exercises 2 and 3.
    """,
    parts=(
        Part(
            id="window_mask", title="The receptive field as a mask", points=3,
            prose="""
            Write `window_mask(N, width)`: the (N, N) boolean array with
            `mask[j, i] = abs(i - j) <= width // 2`. `width` must be odd and positive, `N` positive
            (`ValueError` otherwise).
            """,
            answers=("window_mask",),
            visible="""
            m = window_mask(4, 3)
            check_shape("window_mask(4, 3)", m, (4, 4))
            check_true(np.asarray(m).dtype == bool, f"window_mask should return a bool array, yours has dtype {np.asarray(m).dtype}")
            check_unlike("window_mask(4, 3)", m, «M('window-off-by-one')(4, 3)»,
                         "which leaves out the window's edges: width 3 sees i-1, i and i+1, so abs(i - j) <= width // 2")
            check_unlike("window_mask(4, 3)", m, «M('window-full-width')(4, 3)»,
                         "which is too wide: width 3 sees width // 2 = 1 position on each side, not 3")
            check_close("window_mask(4, 3)", m, «S.window_mask(4, 3)»)
            check_raises("window_mask(5, 2) (even width)", window_mask, 5, 2)
            """,
            cases=(
                Case("window_mask", (7, 3), label="N = 7, width = 3"),
                Case("window_mask", (6, 5), label="N = 6, width = 5"),
                Case("window_mask", (4, 1), label="width = 1 (each query sees itself)"),
                Case("window_mask", (3, 9), label="width 9 wider than N = 3"),
                Case("window_mask", (1, 3), label="N = 1"),
                Case("window_mask", (5, 4), label="even width (must raise ValueError)"),
                Case("window_mask", (5, 0), label="width 0 (must raise ValueError)"),
            ),
        ),
        Part(
            id="masked_self_attention", title="Masked self-attention", points=5,
            prose="""
            Write `masked_self_attention(I, Wq, Wk, Wv, mask, scale=False)`: like
            `self_attention`, but with A = KᵀQ set to -∞ where `mask` is False before the softmax
            over each column. Return `(O, A_prime)`; A′ is 0 where the mask is False and every
            column sums to 1.
            """,
            answers=("masked_self_attention",),
            visible="""
            # Causal mask: query i sees keys j <= i. Wq = 0 makes every allowed score 0,
            # so column i of A′ is uniform over keys 0 … i and O holds running means.
            mask = np.triu(np.ones((3, 3), dtype=bool))
            I = np.array([[1.0, 2.0, 4.0]])
            O, A_prime = masked_self_attention(I, [[0.0]], [[1.0]], [[1.0]], mask)
            check_close("the column sums of A′", np.sum(A_prime, axis=0), np.ones(3),
                        "mask before the softmax (set masked scores to -inf), so the allowed weights still sum to 1")
            check_unlike("A′", A_prime, «M('mask-transposed')(np.array([[1.0, 2.0, 4.0]]), [[0.0]], [[1.0]], [[1.0]], causal(3))[1]»,
                         "which uses the mask transposed: mask[j, i] is for query i (column) and key j (row), like A")
            check_close("A′ with a causal mask", A_prime, [[1, 1 / 2, 1 / 3], [0, 1 / 2, 1 / 3], [0, 0, 1 / 3]],
                        "masked scores must get weight exactly 0: setting them to 0 is not enough, use -inf")
            check_close("O (running means)", O, [[1.0, 1.5, 7 / 3]])
            """,
            cases=(
                Case("masked_self_attention", (I_a, Wq_a, Wk_a, Wv_a, causal(N)), label="causal mask, d = 3, d_k = 4, d_v = 2, N = 6"),
                Case("masked_self_attention", (I_a, Wq_a, Wk_a, Wv_a, np.abs(np.subtract.outer(range(N), range(N))) <= 1), label="window of width 3"),
                Case("masked_self_attention", (r(2, 3), r(2, 2), r(2, 2), r(3, 2), ODD), label="an asymmetric mask"),
                Case("masked_self_attention", (I_a, Wq_a, Wk_a, Wv_a, np.ones((N, N), dtype=bool)), label="mask all True (plain self-attention)"),
                Case("masked_self_attention", (r(2, 4, scale=100.0), r(2, 2), r(2, 2), r(2, 2), causal(4)), label="inputs near 100 (scores near 1e4)"),
                Case("masked_self_attention", (r(3, 1), r(2, 3), r(2, 3), r(2, 3), np.ones((1, 1), dtype=bool)), label="N = 1"),
            ),
        ),
        Part(
            id="masked_checks", title="Scaling and bad masks", points=2,
            checks_only=True,
            prose="""
            No new code: `scale=True` divides the scores by √d_k before masking, and a mask of the
            wrong shape, a mask that is not boolean, or a column with no allowed key raise `ValueError`.
            """,
            answers=(),
            visible="""
            I = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]])
            W = np.eye(2) * 3
            _, A_prime = masked_self_attention(I, W, W, np.eye(2), np.ones((3, 3), dtype=bool), scale=True)
            check_close("A′ with scale=True", A_prime, «S.masked_self_attention(np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]]), np.eye(2) * 3, np.eye(2) * 3, np.eye(2), np.ones((3, 3), dtype=bool), scale=True)[1]»)
            check_raises("a mask whose column 1 allows no key", masked_self_attention, I[:, :2], W, W, np.eye(2), np.array([[True, False], [True, False]]))
            check_raises("a (2, 2) mask for N = 3", masked_self_attention, I, W, W, np.eye(2), np.ones((2, 2), dtype=bool))
            """,
            cases=(
                Case("masked_self_attention", (I_a, Wq_a, Wk_a, Wv_a, causal(N)), {"scale": True}, label="causal mask, scale=True"),
                Case("masked_self_attention", (r(2, 2), r(2, 2), r(2, 2), r(2, 2), EMPTY), label="a column with no allowed key (must raise ValueError)"),
                Case("masked_self_attention", (I_a, Wq_a, Wk_a, Wv_a, np.ones((N, N - 1), dtype=bool)), label="a (6, 5) mask for N = 6 (must raise ValueError)"),
                Case("masked_self_attention", (I_a, Wq_a, Wk_a, Wv_a, np.ones((N, N))), label="a float mask (must raise ValueError)"),
            ),
        ),
        Part(
            id="conv_heads", title="Construct: a convolution from masked heads", points=5,
            behaviour=computes_the_convolution,
            prose="""
            Chapter 6 states that multi-head self-attention **can express** a convolution, with
            one head per offset of the kernel. Build it. `conv1d(I, W)` (in the set-up cell) is a
            1-d convolution of odd width w that wraps around at the ends: `W` has shape
            (w, d_out, d), `W[m]` is the weight matrix of the offset δ = m - w // 2, and column i
            of the result is the sum over m of `W[m] @ I[:, (i + δ) % N]`.

            Write `conv_as_heads(W, N)`: return `(masks, Wv, Wo)` for **w masked heads**: `masks`
            (w, N, N) boolean, one mask per head in A's layout; `Wv` (w, d_v, d); `Wo`
            (d_out, w·d_v). Head ℓ is `masked_self_attention(I, Wq[ℓ], Wk[ℓ], Wv[ℓ], masks[ℓ])`,
            the heads are stacked in order and multiplied by `Wo`, and the result must equal
            `conv1d(I, W)` **exactly** (up to rounding), for every input I of N columns and for
            **any** queries and keys: the grader picks them, not you. An even width raises
            `ValueError`. The hidden cases use other widths, sizes and kernels.

            <details><summary>Hint</summary>

            A masked head's output is a weighted average of its values, with weights decided
            by the scores. When do the scores stop mattering? Which matrix may differ from
            head to head, and which one sees all heads at once?
            </details>
            """,
            answers=("conv_as_heads",),
            visible="""
            rng = np.random.default_rng(6)
            W = rng.normal(size=(3, 2, 3))                  # width 3, d_out = 2, d = 3
            I = rng.normal(size=(3, 5))                     # d = 3, N = 5
            result = conv_as_heads(W, 5)
            check_true(isinstance(result, tuple) and len(result) == 3, "conv_as_heads should return a tuple (masks, Wv, Wo)")
            masks, Wv, Wo = result
            check_shape("masks for width 3, N = 5", masks, (3, 5, 5), "one (N, N) mask per head, one head per offset")
            check_true(np.asarray(masks).any(axis=1).all(),
                       "every query of every head needs a key it may see: a mask column with no True leaves the "
                       "softmax nothing to weigh (the convolution wraps around at the ends)")
            for trial in range(2):                          # any queries and keys: they must not matter
                Wq, Wk = rng.normal(size=(2, 3, 4, 3))
                heads = [masked_self_attention(I, Wq[h], Wk[h], Wv[h], masks[h])[0] for h in range(3)]   # your own
                O = np.asarray(Wo) @ np.concatenate(heads)
                check_unlike("your layer's output", O, conv1d(I, W[::-1]),
                             "which is the convolution with the kernel reversed: mask[j, i] lets query i see key j")
                check_close("your layer's output (the convolution conv1d(I, W))", O, conv1d(I, W),
                            "the grader picks the queries and keys: your heads must give the same output for any")
            check_raises("conv_as_heads with an even width", conv_as_heads, np.ones((2, 2, 3)), 5)
            """,
            cases=CONV_CASES,
        ),
    ),
    returns={"masked_self_attention": ("O", "A_prime"), "conv_as_heads": ("masks", "Wv", "Wo")},
    provided=("conv1d",),
    families=FAMILIES + (
        Family("kernel-reversed", "conv_as_heads", "your heads apply the kernel with its offsets reversed: in A's "
               "layout, mask[j, i] lets query i see key j", _kernel_reversed),
        Family("output-scaled", "conv_as_heads", "your layer gives the convolution times a constant: your values or "
               "Wo scale what the heads pass on, while a convolution adds each offset's contribution once",
               _output_scaled),),
    questions=(
        Question(
            id="one_head_not_a_convolution", after="masked_self_attention", points=2,
            prompt="""
            With a window mask of width 3, each output of your masked self-attention mixes only its
            neighbours, as a width-3 convolution does. Why can one masked head still not compute
            every width-3 convolution? What does a convolution do per offset that one head cannot?
            """,
            rubric="""
            2 points. (1 point) A convolution applies its own weight matrix to each offset
            (W₋₁ to the left neighbour, W₀ to the centre, W₊₁ to the right one). (1 point) One
            head applies the same Wv to every neighbour and only scales the results by scalar
            weights (at least 0, summing to 1, set by the input): its output is Wv times an average
            of the neighbours, so it cannot apply different matrices per offset. Naming the fix,
            one head per offset plus the output projection (Cordonnier et al., 2020), is a plus but
            not required.
            """,
        ),
    ),
    mistakes=(
        Mistake("window-off-by-one", "window_mask",
                "your window leaves out its edges (abs(i - j) < width // 2); a window of width w covers abs(i - j) <= w // 2",
                (("<= width // 2", "< width // 2"),), visible="which leaves out the window's edges"),
        Mistake("window-full-width", "window_mask",
                "your window reaches width positions on each side; it reaches width // 2 on each side (abs(i - j) <= width // 2)",
                (("<= width // 2", "<= width"),), visible="which is too wide"),
        Mistake("window-even-allowed", "window_mask",
                "your window_mask accepts an even (or zero) width; a centred window needs an odd, positive width (ValueError otherwise)",
                (('N, width = positive_int("N", N), positive_int("width", width)', "N, width = int(N), int(width)"),
                 ('    if width % 2 == 0:\n        raise ValueError(f"width must be odd so the window is centred, got {width}")\n', "")),
                visible="should raise ValueError"),
        Mistake("mask-after-softmax", "masked_self_attention",
                "you applied the mask after the softmax, so the columns of A′ no longer sum to 1; set masked scores to -inf before the softmax",
                (("A = np.where(m, scores(Q, K, scale), -np.inf)", "A = scores(Q, K, scale)"),
                 ("A_prime = softmax(A, axis=0)", "A_prime = np.where(m, softmax(A, axis=0), 0.0)")),
                visible="mask before the softmax"),
        Mistake("mask-transposed", "masked_self_attention",
                "you used the mask transposed; mask[j, i] is for key j (row) and query i (column), A's layout",
                (("np.where(m, scores(Q, K, scale)", "np.where(m.T, scores(Q, K, scale)"),),
                visible="which uses the mask transposed"),
        Mistake("mask-zero-scores", "masked_self_attention",
                "you set masked scores to 0, which still gets weight exp(0); set them to -inf so they get weight exactly 0",
                (("scores(Q, K, scale), -np.inf)", "scores(Q, K, scale), 0.0)"),), visible="setting them to 0 is not enough"),
        Mistake("mask-no-checks", "masked_self_attention",
                "your masked_self_attention does not check the mask: a column with no allowed key gives nan; it must raise ValueError, as must a mask of the wrong shape or type",
                (("    m = np.asarray(mask)\n", "    m = np.asarray(mask, dtype=bool)\n"),
                 ("    if m.shape != (N, N):", "    if False:"),
                 ("    if m.dtype != bool:", "    if False:"),
                 ("    if empty.size:", "    if False:")),
                visible="should raise ValueError"),
        Mistake("conv-mask-transposed", "conv_as_heads",
                "your heads apply the kernel reversed: each head's mask points at the key on the wrong side. In "
                "A's layout, mask[j, i] lets query i (column) see key j (row)",
                (("j == (i + delta) % N", "i == (j + delta) % N"),), visible="with the kernel reversed"),
        Mistake("conv-no-wrap", "conv_as_heads",
                "your masks leave the first and last positions of some heads with no key to see, so their softmax "
                "has nothing to weigh; the convolution wraps around at the ends",
                (("j == (i + delta) % N", "j == i + delta"),), visible="needs a key it may see"),
        Mistake("conv-one-head", "conv_as_heads",
                "your layer's output depends on the queries and keys, as that of one head seeing the whole window "
                "does: such a head applies one Wᵛ to a weighted average whose weights come from the scores, so it "
                "cannot apply a different matrix to each offset. A convolution needs one head per offset",
                (("masks = np.stack([j == (i + delta) % N for delta in offsets])",
                  "masks = np.any([j == (i + delta) % N for delta in offsets], axis=0)[None]"),
                 ("Wv = np.stack([np.eye(d)] * width)", "Wv = np.eye(d)[None]"),
                 ("Wo = np.concatenate(list(W), axis=1)", "Wo = W.sum(axis=0)")),
                visible="one head per offset"),
        Mistake("conv-heads-averaged", "conv_as_heads",
                "your output projection averages the heads, so your layer gives the convolution divided by the "
                "width; a convolution adds its offsets' contributions",
                (("Wo = np.concatenate(list(W), axis=1)", "Wo = np.concatenate(list(W), axis=1) / width"),),
                visible="your layer's output (the convolution"),
        Mistake("conv-even-allowed", "conv_as_heads",
                "your conv_as_heads accepts an even width, which has no centre offset; it must raise ValueError",
                (("    if width % 2 == 0:\n        raise ValueError(f\"W has shape {shape_str(W.shape)}: the kernel width (axis 0) must be odd\")\n    j, i",
                  "    j, i"),),
                visible="should raise ValueError"),
    ),
)
