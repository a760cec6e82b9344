"""05-positional-encoding: sinusoidal position vectors, and permuting the inputs."""

import numpy as np

from . import Assignment, Case, Family, Mistake, Part, Question

rng = np.random.default_rng(2005)


def r(*shape, scale=1.0):
    return np.round(rng.normal(size=shape) * scale, 3)


def _frequencies(args, kwargs, reference):
    """Position vectors with another frequency per row pair: another base, or another exponent."""
    d, N = args
    if not (isinstance(d, int) and isinstance(N, int) and d > 0 and N > 0):
        return []
    i, row = np.arange(N)[None, :], np.arange(d)[:, None]
    two_m = row - row % 2
    out = []
    for base, exponent in ((1000.0, two_m / d), (10000.0, row // 2 / d), (10000.0, two_m / (2 * d)),
                           (10000.0, two_m / max(d - 1, 1)), (10000.0, row / d)):
        angle = i / base ** exponent
        out.append(np.where(row % 2 == 0, np.sin(angle), np.cos(angle)))
    return out


# The visible test of part 4: inputs (2, 3) and weights Wq, Wk, Wv of a 2-d self-attention.
DEMO = (np.array([[1.0, 2.0, 3.0], [10.0, 20.0, 30.0]]) / 10.0, r(2, 2), r(2, 2), r(2, 2))

ASSIGNMENT = Assignment(
    id="05-positional-encoding",
    notebook="positional_encoding",
    chapter=5,
    chapter_title="Positional encoding",
    page="ch05-positional-encoding",
    sections={"sinusoidal_encoding": "ch05-sinusoidal", "permute": "ch05-order", "permutation_gaps": "ch05-order"},
    intro="""
    Self-attention treats its input as a **set**: permute the columns of `I` and the columns
    of O are permuted the same way; nothing in it knows which vector came first. To give it
    order, each aⁱ gets a **position vector** eⁱ added to it, aⁱ + eⁱ. The Transformer's
    eⁱ are sinusoids, the columns of the position matrix P = [e¹ ⋯ eᴺ] (positions count from 1
    in the text, as on the course's notation page, and from 0 in code: e¹ is `P[:, 0]`). Rows
    2m and 2m+1 share one frequency 1/10000^(2m/d): in code, for the columns i = 0 … N-1,

        P[2m, i] = sin(i / 10000^(2m/d)),   P[2m+1, i] = cos(i / 10000^(2m/d)).

    Learned encodings are the alternative.
    """,
    parts=(
        Part(
            id="sinusoidal", title="Sinusoidal position vectors", points=4,
            prose="""
            Write `sinusoidal_encoding(d, N)`: the (d, N) position matrix P above, one column per position.
            Odd d is allowed (the last row is a sine). `d` and `N` must be positive integers
            (`ValueError` otherwise; the set-up cell's `positive_int` checks it).
            """,
            answers=("sinusoidal_encoding",),
            visible="""
            P = sinusoidal_encoding(4, 3)
            check_shape("sinusoidal_encoding(4, 3)", P, (4, 3), "one column eⁱ per position: shape (d, N)")
            check_close("P[:, 0], the first position's vector e¹", P[:, 0], [0.0, 1.0, 0.0, 1.0],
                        "at position 0, sin rows are 0 and cos rows are 1: even rows (2m) are sines, odd rows (2m+1) cosines")
            check_close("row 3 (a cosine of frequency 1/10000^(2/4))", P[3], np.cos(np.arange(3) / 10000 ** (2 / 4)),
                        "rows 2m and 2m+1 share the frequency 1/10000^(2m/d): row 3 uses m = 1, the exponent is 2m/d = 2/4, not 3/4")
            check_close("row 1 (a cosine of frequency 1)", P[1], np.cos([0.0, 1.0, 2.0]),
                        "positions are i = 0 … N-1, and row 2m+1 is cos(i / 10000^(2m/d))")
            check_close("sinusoidal_encoding(4, 3)", P, «S.sinusoidal_encoding(4, 3)»)
            """,
            cases=(
                Case("sinusoidal_encoding", (8, 6), label="d = 8, N = 6"),
                Case("sinusoidal_encoding", (2, 50), label="d = 2, N = 50"),
                Case("sinusoidal_encoding", (16, 1), label="N = 1"),
                Case("sinusoidal_encoding", (6, 20), label="d = 6, N = 20"),
            ),
        ),
        Part(
            id="sinusoidal_edges", title="Odd d and bad arguments", points=1,
            checks_only=True,
            prose="""
            No new code: this part checks `sinusoidal_encoding` with odd `d`, `d = 1`, and
            arguments that must raise `ValueError` (0, negative, not an integer).
            """,
            answers=(),
            visible="""
            P = sinusoidal_encoding(5, 3)
            check_shape("sinusoidal_encoding(5, 3)", P, (5, 3))
            check_close("row 4 (the last, a sine of frequency 1/10000^(4/5))", P[4], np.sin(np.arange(3) / 10000 ** (4 / 5)))
            check_raises("sinusoidal_encoding(0, 3)", sinusoidal_encoding, 0, 3)
            check_raises("sinusoidal_encoding(4, 2.5)", sinusoidal_encoding, 4, 2.5)
            """,
            cases=(
                Case("sinusoidal_encoding", (5, 7), label="d = 5 (odd), N = 7"),
                Case("sinusoidal_encoding", (1, 4), label="d = 1"),
                Case("sinusoidal_encoding", (9, 2), label="d = 9, N = 2"),
                Case("sinusoidal_encoding", (0, 3), label="d = 0 (must raise ValueError)"),
                Case("sinusoidal_encoding", (4, -1), label="N = -1 (must raise ValueError)"),
                Case("sinusoidal_encoding", (4.0, 3), label="d = 4.0, not an int (must raise ValueError)"),
            ),
        ),
        Part(
            id="permute", title="Permuting the inputs", points=3,
            prose="""
            Write `permute(I, perm)`: the input vectors in a new order, so that column n of the
            result is the input's column `perm[n]`. `perm` must be a permutation of 0 … N-1
            (`ValueError` otherwise: a repeated position, a missing one, or the wrong length).
            """,
            answers=("permute",),
            visible="""
            I = np.array([[1.0, 2.0, 3.0], [10.0, 20.0, 30.0]])
            got = permute(I, [2, 0, 1])
            check_shape("permute(I, [2, 0, 1]) for I (2, 3)", got, (2, 3), "permute reorders the columns of I, it keeps the shape")
            check_unlike("permute(I, [2, 0, 1])", got, «M('permute-inverse')(np.array([[1.0, 2.0, 3.0], [10.0, 20.0, 30.0]]), [2, 0, 1])»,
                         "which applies the inverse permutation: column n of the result is the input's column perm[n]")
            check_close("permute(I, [2, 0, 1])", got, [[3.0, 1.0, 2.0], [30.0, 10.0, 20.0]])
            check_raises("permute with [0, 0, 1], not a permutation", permute, I, [0, 0, 1])
            """,
            cases=(
                Case("permute", (r(3, 5), [4, 2, 0, 1, 3]), label="d = 3, N = 5"),
                Case("permute", (r(4, 4), [1, 2, 3, 0]), label="d = N = 4, a cycle"),
                Case("permute", (r(2, 1), [0]), label="N = 1"),
                Case("permute", (r(2, 3), [0, 0, 1]), label="[0, 0, 1], not a permutation (must raise ValueError)"),
                Case("permute", (r(2, 3), [0, 1]), label="perm of length 2 for N = 3 (must raise ValueError)"),
            ),
        ),
        Part(
            id="equivariance", title="Your self-attention, without and with positions", points=4,
            prose="""
            Now see it with your own code. Write `permutation_gaps(I, Wq, Wk, Wv, perm)`. Run your
            `self_attention` (from exercise 3) on `I` and on `permute(I, perm)`, move the outputs
            of the first run with `permute`, and compare them with those of the second: the
            **gap** of output n is the Euclidean norm of column n of the difference. Return two
            (N,) arrays of gaps: `without` positions, and `with_positions`, where the two runs
            get the inputs I + P and `permute(I, perm)` + P, with P the sinusoidal position
            matrix of part 1. Without positions every gap should be 0 up to rounding; with
            them, which outputs change?

            <details><summary>Hint: if every gap with positions is 0</summary>

            Then each word kept its own eⁱ when it moved: the positions went through `permute`
            together with the words. A position belongs to a place in the sequence, not to the
            word standing there.
            </details>
            """,
            answers=("permutation_gaps",),
            visible="""
            I, Wq, Wk, Wv = «DEMO»
            without, with_positions = permutation_gaps(I, Wq, Wk, Wv, [2, 0, 1])
            check_shape("without, for N = 3", without, (3,), "one gap per output column: shape (N,)")
            check_close("without: the gaps with no positions, from your self_attention", without, np.zeros(3),
                        "without positions, self-attention is permutation equivariant: compare permute(O, perm) with "
                        "the outputs of permute(I, perm)")
            check_true(np.min(with_positions) > 1e-3,
                       f"with positions every output should change, but your gaps are {with_positions}: "
                       "add P to the inputs of both runs, after permuting (P stays where it is)")
            check_unlike("with_positions", with_positions, «M('gaps-positions-on-outputs')(*DEMO, [2, 0, 1])[1]»,
                         "which adds P to the outputs: positions go into the inputs, aⁱ + eⁱ, before self-attention")
            check_unlike("with_positions", with_positions, «M('gaps-positions-one-run')(*DEMO, [2, 0, 1])[1]»,
                         "which adds P to the inputs of one run only: add P to the inputs of both runs")
            check_close("with_positions", with_positions, «S.permutation_gaps(*DEMO, [2, 0, 1])[1]»)
            print("The gaps of each output, without and with positions:")
            print(np.round(without, 6), np.round(with_positions, 4))
            """,
            cases=(
                Case("permutation_gaps", (r(4, 5), r(3, 4), r(3, 4), r(2, 4), [4, 2, 0, 1, 3]), label="d = 4, N = 5"),
                Case("permutation_gaps", (r(2, 4, scale=0.5), r(2, 2), r(2, 2), r(2, 2), [1, 0, 3, 2]), label="d = 2, N = 4, two swaps"),
                Case("permutation_gaps", (r(6, 6), r(4, 6), r(4, 6), r(6, 6), [0, 1, 2, 3, 5, 4]), label="d = 6, N = 6, one swap"),
                Case("permutation_gaps", (r(3, 3), r(2, 3), r(2, 3), r(3, 3), [0, 1, 2]), label="the identity permutation"),
                Case("permutation_gaps", (r(3, 3), r(2, 3), r(2, 3), r(3, 3), [0, 0, 1]),
                     label="[0, 0, 1], not a permutation (must raise ValueError)"),
            ),
        ),
    ),
    returns={"sinusoidal_encoding": "P", "permutation_gaps": ("without", "with_positions")},
    families=(Family("pe-frequency", "sinusoidal_encoding", "your frequencies differ from the Transformer's: rows 2m "
                     "and 2m+1 share the frequency 1/10000^(2m/d) (base 10000, exponent 2m/d)", _frequencies),),
    questions=(
        Question(
            id="why_positions", after="equivariance", points=2,
            prompt="""
            Without positions, permuting the inputs only permuted the outputs of your
            self-attention. Why is that a problem for tagging "I saw a saw"? Why does adding eⁱ to
            each aⁱ help, and why would adding the same vector e to every aⁱ not help?
            """,
            rubric="""
            2 points. (1 point) Equivariance means an output depends only on its own vector and on
            the set of the others, not on where it stands: the two "saw"s have the same vector and
            the same set of other words, so they get the same output and the same tag. (1 point)
            With aⁱ + eⁱ the two "saw"s become different inputs (e² ≠ e⁴), so their scores and
            outputs can differ; one vector e added everywhere moves every input alike and keeps
            the two "saw"s equal.
            """,
        ),
    ),
    mistakes=(
        Mistake("pe-sin-cos-swapped", "sinusoidal_encoding",
                "your sines and cosines are swapped; even rows 2m are sines, odd rows 2m+1 cosines",
                (("P[0::2] = np.sin(angles)", "P[0::2] = np.cos(angles)"),
                 ("P[1::2] = np.cos(angles[: d // 2])", "P[1::2] = np.sin(angles[: d // 2])")),
                visible="even rows (2m) are sines"),
        Mistake("pe-row-exponent", "sinusoidal_encoding",
                "your frequency uses the row number in the exponent (10000^(row/d)); rows 2m and 2m+1 share one frequency, 1/10000^(2m/d)",
                (("P[1::2] = np.cos(angles[: d // 2])", "P[1::2] = np.cos(i[None, :] / 10000.0 ** (np.arange(1, d, 2)[:, None] / d))"),),
                visible="rows 2m and 2m+1 share the frequency"),
        Mistake("pe-one-based", "sinusoidal_encoding",
                "your positions start at 1; in code they are i = 0 … N-1 (the first column is sin 0 = 0, cos 0 = 1)",
                (("i = np.arange(N)", "i = np.arange(1, N + 1)"),), visible="at position 0"),
        Mistake("pe-transposed", "sinusoidal_encoding",
                "your P has one row per position; the position vectors eⁱ are its columns, shape (d, N)",
                (("    return P\n", "    return P.T\n"),), visible="one column eⁱ per position"),
        Mistake("permute-inverse", "permute",
                "your permute applies the inverse permutation (result[:, perm] = I); column n of the result is the input's column perm[n]",
                (("    return I[:, p]", "    out = np.empty_like(I)\n    out[:, p] = I\n    return out"),),
                visible="which applies the inverse permutation"),
        Mistake("permute-rows", "permute",
                "your permute reorders rows (I[perm]); the input vectors are the columns: I[:, perm]",
                (("return I[:, p]", "return I[p % I.shape[0]]"),), visible="permute reorders the columns"),
        Mistake("permute-no-check", "permute",
                "your permute accepts a perm that is not a permutation of 0 … N-1; it must raise ValueError",
                (("if p.shape != (N,) or not np.issubdtype(p.dtype, np.integer) or sorted(p.tolist()) != list(range(N)):",
                  "if p.ndim != 1:"),), visible="should raise ValueError"),
        Mistake("gaps-positions-travel", "permutation_gaps",
                "your positions travel with the words (you permuted I + P), so every gap with positions is 0; a "
                "position belongs to a place: add P after permuting, to both runs' inputs",
                (("for before, after in ((I, moved), (I + P, moved + P)):",
                  "for before, after in ((I, moved), (I + P, permute(I + P, perm))):"),),
                visible="add P to the inputs of both runs, after permuting"),
        Mistake("gaps-not-moved-back", "permutation_gaps",
                "your gaps compare O with the outputs of the permuted inputs without moving O: even without "
                "positions they are not 0; compare permute(O, perm) with them",
                (("np.linalg.norm(permute(O, perm) - O_perm, axis=0)", "np.linalg.norm(O - O_perm, axis=0)"),),
                visible="compare permute(O, perm) with"),
        Mistake("gaps-positions-on-outputs", "permutation_gaps",
                "your positions are added to the outputs; they go into the inputs, aⁱ + eⁱ, before self-attention",
                (("for before, after in ((I, moved), (I + P, moved + P)):", "for before, after in ((I, moved), (I, moved)):"),
                 ("O = self_attention(before, Wq, Wk, Wv)[0]              # (d_v, N)",
                  "O = self_attention(before, Wq, Wk, Wv)[0] + (P[: Wv.shape[0]] if gaps else 0)"),
                 ("O_perm = self_attention(after, Wq, Wk, Wv)[0]          # (d_v, N)",
                  "O_perm = self_attention(after, Wq, Wk, Wv)[0] + (P[: Wv.shape[0]] if gaps else 0)")),
                visible="which adds P to the outputs"),
        Mistake("gaps-positions-one-run", "permutation_gaps",
                "your second run gets no positions: with positions, both runs' inputs get P (I + P, and the "
                "permuted I + P), so that only the places of the words differ",
                (("for before, after in ((I, moved), (I + P, moved + P)):",
                  "for before, after in ((I, moved), (I + P, moved)):"),),
                visible="add P to the inputs of both runs"),
    ),
)
