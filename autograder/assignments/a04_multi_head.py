"""04-multi-head: several heads, stacked in order, mixed by Wᵒ."""

import numpy as np

from . import Assignment, Case, Mistake, Part

rng = np.random.default_rng(2004)


def r(*shape, scale=1.0):
    return np.round(rng.normal(size=shape) * scale, 3)


# The worked example: two heads with Wq = 0 attend uniformly, so each head outputs the mean of its values.
I2 = np.array([[1.0, 3.0]])
WQ2, WK2 = np.zeros((2, 1, 1)), np.ones((2, 1, 1))
WV2 = np.array([[[1.0]], [[10.0]]])
WO2 = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])

d, dk, dv, N = 3, 4, 2, 5
I_a = r(d, N)

ASSIGNMENT = Assignment(
    id="04-multi-head",
    notebook="multi_head",
    chapter=4,
    chapter_title="Multi-head self-attention",
    page="ch04-multi-head",
    sections={"multi_head_self_attention": "ch04-two-heads"},
    intro="""
    One set of (Wᵠ, Wᵏ, Wᵛ) finds one kind of relevance. **Multi-head** self-attention runs h
    heads side by side, each with its own weights: head n gives Oⁿ = self_attention(I, Wᵠ,ⁿ, Wᵏ,ⁿ, Wᵛ,ⁿ).
    The heads' outputs are **stacked top to bottom in head order**, [O¹; …; Oʰ], shape
    (h·d_v, N), and mixed by one more matrix: O = Wᵒ [O¹; …; Oʰ].

    Here the weights of all heads come in one array: `Wq[n]` is head n's Wᵠ, so `Wq` and `Wk`
    are (h, d_k, d), `Wv` is (h, d_v, d), and `Wo` is (d_out, h·d_v). The set-up cell provides
    `self_attention` (and `qkv`, `scores`, `softmax`) from exercise 3.
    """,
    parts=(
        Part(
            id="two_heads", title="Two heads by hand", points=3,
            prose="""
            Write `multi_head_self_attention(I, Wq, Wk, Wv, Wo, scale=False)`: return `(O, A_primes)`
            where `A_primes[n]` is head n's A′ (shape (h, N, N)) and O = Wᵒ [O¹; …; Oʰ]. Check the
            shapes (`ValueError` when `Wo` does not have h·d_v columns, or the heads disagree).

            The test works a small case by hand: I = [1 3], two heads with Wᵠ = 0, so every head
            attends uniformly and outputs the mean of its values: head 1 has vʲ = aʲ (mean 2),
            head 2 has vʲ = 10aʲ (mean 20); stacked [2 2; 20 20]; Wᵒ = [[1, 0], [0, 1], [1, 1]].
            """,
            answers=("multi_head_self_attention",),
            visible="""
            I = np.array([[1.0, 3.0]])
            Wq, Wk = np.zeros((2, 1, 1)), np.ones((2, 1, 1))
            Wv = np.array([[[1.0]], [[10.0]]])
            Wo = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
            result = multi_head_self_attention(I, Wq, Wk, Wv, Wo)
            check_true(isinstance(result, tuple) and len(result) == 2, "multi_head_self_attention should return a tuple (O, A_primes)")
            O, A_primes = result
            check_shape("O for d_out = 3, N = 2", O, (3, 2),
                        "O = Wo @ [O¹; …; Oʰ] has d_out rows: did you forget to multiply the stacked heads by Wo?")
            check_unlike("O", O, «M('mh-heads-reversed')(I2, WQ2, WK2, WV2, WO2)[0]»,
                         "which stacks the heads in reverse order: [O¹; O²; …], head 1 on top")
            check_close("O", O, «S.multi_head_self_attention(I2, WQ2, WK2, WV2, WO2)[0]»)
            check_shape("A_primes for h = 2, N = 2", A_primes, (2, 2, 2))
            check_close("A_primes", A_primes, np.full((2, 2, 2), 0.5))
            """,
            cases=(
                Case("multi_head_self_attention", (I2, WQ2, WK2, WV2, WO2), label="the worked example"),
                Case("multi_head_self_attention", (I_a, r(1, dk, d), r(1, dk, d), r(1, dv, d), r(3, dv)), label="one head, d_out = 3"),
                Case("multi_head_self_attention", (r(2, 1), r(1, 3, 2), r(1, 3, 2), r(1, 2, 2), r(2, 2)), label="one head, N = 1"),
            ),
        ),
        Part(
            id="heads", title="Several heads with their own weights", points=4,
            prose="""
            No new code: this part checks your function on h = 2 and h = 3 heads with distinct
            weights, d ≠ d_k ≠ d_v ≠ N, so that each head must use its own `Wq[n]`, `Wk[n]`,
            `Wv[n]` and the heads must be stacked in order.
            """,
            answers=(),
            visible="""
            rng = np.random.default_rng(0)
            I = rng.normal(size=(3, 5))
            Wq, Wk, Wv = rng.normal(size=(3, 4, 3)), rng.normal(size=(3, 4, 3)), rng.normal(size=(3, 2, 3))
            Wo = rng.normal(size=(6, 6))
            O, A_primes = multi_head_self_attention(I, Wq, Wk, Wv, Wo)
            heads = [self_attention(I, Wq[n], Wk[n], Wv[n]) for n in range(3)]
            check_close("A_primes[2] (head 3)", A_primes[2], heads[2][1], "head n uses its own weights Wq[n], Wk[n], Wv[n]")
            stacked = np.concatenate([O_n for O_n, _ in heads], axis=0)
            check_unlike("O", O, Wo @ np.concatenate([O_n for O_n, _ in heads[::-1]], axis=0),
                         "which stacks the heads in reverse order: [O¹; O²; O³], head 1 on top")
            check_unlike("O", O, Wo @ np.stack([O_n for O_n, _ in heads], axis=1).reshape(6, 5),
                         "which interleaves the heads' rows: stack whole heads top to bottom (np.concatenate(..., axis=0))")
            check_close("O", O, Wo @ stacked, "O = Wo @ [O¹; O²; O³], the heads stacked top to bottom in order")
            """,
            cases=(
                Case("multi_head_self_attention", (I_a, r(2, dk, d), r(2, dk, d), r(2, dv, d), r(3, 2 * dv)), label="h = 2, d = 3, d_k = 4, d_v = 2, N = 5"),
                Case("multi_head_self_attention", (I_a, r(3, dk, d), r(3, dk, d), r(3, dv, d), r(4, 3 * dv)), label="h = 3, d_out = 4"),
                Case("multi_head_self_attention", (r(4, 3), r(3, 2, 4), r(3, 2, 4), r(3, 5, 4), np.eye(15)), label="h = 3, Wo = identity (the stacked heads themselves)"),
                Case("multi_head_self_attention", (r(2, 4, scale=30.0), r(2, 3, 2), r(2, 3, 2), r(2, 1, 2), r(2, 2)), label="h = 2, large inputs"),
            ),
        ),
        Part(
            id="scale_and_shapes", title="Scaling and shape checks", points=3,
            prose="""
            No new code either: `scale=True` must reach every head (each divides its scores by
            √d_k), and shapes that do not fit must raise `ValueError`.
            """,
            answers=(),
            visible="""
            I = np.array([[1.0, 0.0, 1.0, 0.0], [0.0, 1.0, 1.0, 0.0]])
            Wq = Wk = np.stack([np.eye(2) * 2, np.eye(2) * 3])
            Wv = np.stack([np.eye(2), np.eye(2)])
            O, A_primes = multi_head_self_attention(I, Wq, Wk, Wv, np.eye(4), scale=True)
            check_close("A_primes[1] with scale=True", A_primes[1], self_attention(I, Wq[1], Wk[1], Wv[1], scale=True)[1],
                        "pass scale on to every head's self_attention")
            check_raises("multi_head_self_attention with Wo (4, 3) for h·d_v = 4", multi_head_self_attention, I, Wq, Wk, Wv, np.ones((4, 3)))
            """,
            cases=(
                Case("multi_head_self_attention", (I_a, r(2, dk, d), r(2, dk, d), r(2, dv, d), r(3, 2 * dv)), {"scale": True}, label="h = 2, scale=True"),
                Case("multi_head_self_attention", (I_a, r(2, dk, d), r(2, dk, d), r(2, dv, d), r(3, 3)), label="Wo with 3 columns for h·d_v = 4 (must raise ValueError)"),
                Case("multi_head_self_attention", (I_a, r(2, dk, d), r(3, dk, d), r(2, dv, d), r(3, 2 * dv)), label="Wq with 2 heads, Wk with 3 (must raise ValueError)"),
                Case("multi_head_self_attention", (I_a, r(2, dk, d), r(2, dk, d), r(3, dv, d), r(3, 2 * dv)), label="Wv with 3 heads for 2 (must raise ValueError)"),
            ),
        ),
    ),
    returns={"multi_head_self_attention": ("O", "A_primes")},
    mistakes=(
        Mistake("mh-no-wo", "multi_head_self_attention",
                "your O is the stacked heads without Wᵒ; O = Wᵒ [O¹; …; Oʰ]",
                visible="did you forget to multiply the stacked heads by Wo", code='''
def multi_head_self_attention(I, Wq, Wk, Wv, Wo, scale=False):
    Wq, Wk, Wv = np.asarray(Wq, float), np.asarray(Wk, float), np.asarray(Wv, float)
    heads = [self_attention(I, Wq[n], Wk[n], Wv[n], scale) for n in range(Wq.shape[0])]
    return np.concatenate([O for O, _ in heads], axis=0), np.stack([A for _, A in heads])
'''),
        Mistake("mh-heads-reversed", "multi_head_self_attention",
                "your heads are stacked in reverse order; stack them top to bottom in head order, [O¹; …; Oʰ]",
                visible="stacks the heads in reverse order", code='''
def multi_head_self_attention(I, Wq, Wk, Wv, Wo, scale=False):
    Wq, Wk, Wv, Wo = np.asarray(Wq, float), np.asarray(Wk, float), np.asarray(Wv, float), matrix("Wo", Wo)
    if Wo.shape[1] != Wq.shape[0] * Wv.shape[1] or not Wq.shape[0] == Wk.shape[0] == Wv.shape[0]:
        raise ValueError("shapes do not fit")
    heads = [self_attention(I, Wq[n], Wk[n], Wv[n], scale) for n in range(Wq.shape[0])]
    return Wo @ np.concatenate([O for O, _ in heads[::-1]], axis=0), np.stack([A for _, A in heads])
'''),
        Mistake("mh-heads-interleaved", "multi_head_self_attention",
                "your stacked heads interleave their rows (np.stack(..., axis=1).reshape); stack whole heads top to bottom, [O¹; …; Oʰ]",
                visible="interleaves the heads' rows", code='''
def multi_head_self_attention(I, Wq, Wk, Wv, Wo, scale=False):
    Wq, Wk, Wv, Wo = np.asarray(Wq, float), np.asarray(Wk, float), np.asarray(Wv, float), matrix("Wo", Wo)
    if Wo.shape[1] != Wq.shape[0] * Wv.shape[1] or not Wq.shape[0] == Wk.shape[0] == Wv.shape[0]:
        raise ValueError("shapes do not fit")
    heads = [self_attention(I, Wq[n], Wk[n], Wv[n], scale) for n in range(Wq.shape[0])]
    N = heads[0][0].shape[1]
    return Wo @ np.stack([O for O, _ in heads], axis=1).reshape(-1, N), np.stack([A for _, A in heads])
'''),
        Mistake("mh-first-head-weights", "multi_head_self_attention",
                "every one of your heads uses the first head's weights; head n uses Wq[n], Wk[n], Wv[n]",
                visible="head n uses its own weights", code='''
def multi_head_self_attention(I, Wq, Wk, Wv, Wo, scale=False):
    Wq, Wk, Wv, Wo = np.asarray(Wq, float), np.asarray(Wk, float), np.asarray(Wv, float), matrix("Wo", Wo)
    if Wo.shape[1] != Wq.shape[0] * Wv.shape[1] or not Wq.shape[0] == Wk.shape[0] == Wv.shape[0]:
        raise ValueError("shapes do not fit")
    heads = [self_attention(I, Wq[0], Wk[0], Wv[0], scale) for n in range(Wq.shape[0])]
    return Wo @ np.concatenate([O for O, _ in heads], axis=0), np.stack([A for _, A in heads])
'''),
        Mistake("mh-scale-ignored", "multi_head_self_attention",
                "your heads ignore scale=True; pass scale on to every head's self_attention",
                visible="pass scale on to every head", code='''
def multi_head_self_attention(I, Wq, Wk, Wv, Wo, scale=False):
    Wq, Wk, Wv, Wo = np.asarray(Wq, float), np.asarray(Wk, float), np.asarray(Wv, float), matrix("Wo", Wo)
    if Wo.shape[1] != Wq.shape[0] * Wv.shape[1] or not Wq.shape[0] == Wk.shape[0] == Wv.shape[0]:
        raise ValueError("shapes do not fit")
    heads = [self_attention(I, Wq[n], Wk[n], Wv[n]) for n in range(Wq.shape[0])]
    return Wo @ np.concatenate([O for O, _ in heads], axis=0), np.stack([A for _, A in heads])
'''),
    ),
)
