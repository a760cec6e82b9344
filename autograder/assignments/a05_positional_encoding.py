"""05-positional-encoding: sinusoidal position vectors, and permuting the inputs."""

import numpy as np

from . import Assignment, Case, Mistake, Part

rng = np.random.default_rng(2005)


def r(*shape, scale=1.0):
    return np.round(rng.normal(size=shape) * scale, 3)


ASSIGNMENT = Assignment(
    id="05-positional-encoding",
    notebook="positional_encoding",
    chapter=5,
    chapter_title="Positional encoding",
    page="ch05-positional-encoding",
    sections={"sinusoidal_encoding": "ch05-sinusoidal", "permute": "ch05-order"},
    intro="""
    Self-attention treats its input as a **set**: permute the columns of `I` and the columns
    of O are permuted the same way; nothing in it knows which vector came first. To give it
    order, each aⁱ gets a **position vector** eⁱ added to it, aⁱ + eⁱ. The Transformer's
    eⁱ are sinusoids: rows 2m and 2m+1 share one frequency 1/10000^(2m/d),

        E[2m, i] = sin(i / 10000^(2m/d)),   E[2m+1, i] = cos(i / 10000^(2m/d)),

    for positions i = 0 … N-1 (0-based in code). Learned encodings are the alternative.
    """,
    parts=(
        Part(
            id="sinusoidal", title="Sinusoidal position vectors", points=4,
            prose="""
            Write `sinusoidal_encoding(d, N)`: the (d, N) array E above, one column eⁱ per position.
            Odd d is allowed (the last row is a sine). `d` and `N` must be positive integers
            (`ValueError` otherwise; the set-up cell's `positive_int` checks it).
            """,
            answers=("sinusoidal_encoding",),
            visible="""
            E = sinusoidal_encoding(4, 3)
            check_shape("sinusoidal_encoding(4, 3)", E, (4, 3), "one column eⁱ per position: shape (d, N)")
            check_close("e⁰, the column of position 0", E[:, 0], [0.0, 1.0, 0.0, 1.0],
                        "at position 0, sin rows are 0 and cos rows are 1: even rows (2m) are sines, odd rows (2m+1) cosines")
            check_close("row 3 (a cosine of frequency 1/10000^(2/4))", E[3], np.cos(np.arange(3) / 10000 ** (2 / 4)),
                        "rows 2m and 2m+1 share the frequency 1/10000^(2m/d): row 3 uses m = 1, the exponent is 2m/d = 2/4, not 3/4")
            check_close("row 1 (a cosine of frequency 1)", E[1], np.cos([0.0, 1.0, 2.0]),
                        "positions are i = 0 … N-1, and row 2m+1 is cos(i / 10000^(2m/d))")
            check_close("sinusoidal_encoding(4, 3)", E, «S.sinusoidal_encoding(4, 3)»)
            """,
            cases=(
                Case("sinusoidal_encoding", (8, 6), label="d = 8, N = 6"),
                Case("sinusoidal_encoding", (2, 50), label="d = 2, N = 50"),
                Case("sinusoidal_encoding", (16, 1), label="N = 1"),
                Case("sinusoidal_encoding", (6, 20), label="d = 6, N = 20"),
            ),
        ),
        Part(
            id="sinusoidal_edges", title="Odd d and bad arguments", points=2,
            prose="""
            No new code: this part checks `sinusoidal_encoding` with odd `d`, `d = 1`, and
            arguments that must raise `ValueError` (0, negative, not an integer).
            """,
            answers=(),
            visible="""
            E = sinusoidal_encoding(5, 3)
            check_shape("sinusoidal_encoding(5, 3)", E, (5, 3))
            check_close("row 4 (the last, a sine of frequency 1/10000^(4/5))", E[4], np.sin(np.arange(3) / 10000 ** (4 / 5)))
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
            Write `permute(I, perm)`: `I[:, perm]`, so that column n of the result is the input's
            column `perm[n]`. `perm` must be a permutation of 0 … N-1 (`ValueError` otherwise).
            The test then shows that self-attention without positions is permutation equivariant.
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
            # Without positions, permuting the inputs permutes the outputs:
            rng = np.random.default_rng(1)
            W = rng.normal(size=(3, 2, 2))
            O, _ = self_attention(I, *W)
            O_perm, _ = self_attention(permute(I, [2, 0, 1]), *W)
            check_close("self-attention of the permuted inputs", O_perm, permute(O, [2, 0, 1]))
            """,
            cases=(
                Case("permute", (r(3, 5), [4, 2, 0, 1, 3]), label="d = 3, N = 5"),
                Case("permute", (r(4, 4), [1, 2, 3, 0]), label="d = N = 4, a cycle"),
                Case("permute", (r(2, 1), [0]), label="N = 1"),
                Case("permute", (r(2, 3), [0, 0, 1]), label="[0, 0, 1], not a permutation (must raise ValueError)"),
                Case("permute", (r(2, 3), [0, 1]), label="perm of length 2 for N = 3 (must raise ValueError)"),
            ),
        ),
    ),
    returns={"sinusoidal_encoding": "E"},
    provided=("self_attention",),
    mistakes=(
        Mistake("pe-sin-cos-swapped", "sinusoidal_encoding",
                "your sines and cosines are swapped; even rows 2m are sines, odd rows 2m+1 cosines",
                visible="even rows (2m) are sines", code='''
def sinusoidal_encoding(d, N):
    d, N = positive_int("d", d), positive_int("N", N)
    E = np.empty((d, N))
    for row in range(d):
        angle = np.arange(N) / 10000.0 ** ((row - row % 2) / d)
        E[row] = np.cos(angle) if row % 2 == 0 else np.sin(angle)
    return E
'''),
        Mistake("pe-row-exponent", "sinusoidal_encoding",
                "your frequency uses the row number in the exponent (10000^(row/d)); rows 2m and 2m+1 share one frequency, 1/10000^(2m/d)",
                visible="rows 2m and 2m+1 share the frequency", code='''
def sinusoidal_encoding(d, N):
    d, N = positive_int("d", d), positive_int("N", N)
    E = np.empty((d, N))
    for row in range(d):
        angle = np.arange(N) / 10000.0 ** (row / d)
        E[row] = np.sin(angle) if row % 2 == 0 else np.cos(angle)
    return E
'''),
        Mistake("pe-one-based", "sinusoidal_encoding",
                "your positions start at 1; in code they are i = 0 … N-1 (the first column is sin 0 = 0, cos 0 = 1)",
                visible="at position 0", code='''
def sinusoidal_encoding(d, N):
    d, N = positive_int("d", d), positive_int("N", N)
    E = np.empty((d, N))
    for row in range(d):
        angle = np.arange(1, N + 1) / 10000.0 ** ((row - row % 2) / d)
        E[row] = np.sin(angle) if row % 2 == 0 else np.cos(angle)
    return E
'''),
        Mistake("pe-transposed", "sinusoidal_encoding",
                "your E has one row per position; the notes' position vectors are columns, shape (d, N)",
                visible="one column eⁱ per position", code='''
def sinusoidal_encoding(d, N):
    d, N = positive_int("d", d), positive_int("N", N)
    E = np.empty((d, N))
    for row in range(d):
        angle = np.arange(N) / 10000.0 ** ((row - row % 2) / d)
        E[row] = np.sin(angle) if row % 2 == 0 else np.cos(angle)
    return E.T
'''),
        Mistake("permute-inverse", "permute",
                "your permute applies the inverse permutation (result[:, perm] = I); column n of the result is the input's column perm[n]",
                visible="which applies the inverse permutation", code='''
def permute(I, perm):
    I = matrix("I", I)
    p = np.asarray(perm)
    if p.shape != (I.shape[1],) or sorted(p.tolist()) != list(range(I.shape[1])):
        raise ValueError("perm must be a permutation")
    out = np.empty_like(I)
    out[:, p] = I
    return out
'''),
        Mistake("permute-rows", "permute",
                "your permute reorders rows (I[perm]); the input vectors are the columns: I[:, perm]",
                visible="permute reorders the columns", code='''
def permute(I, perm):
    I = matrix("I", I)
    return I[np.asarray(perm) % I.shape[0]]
'''),
        Mistake("permute-no-check", "permute",
                "your permute accepts a perm that is not a permutation of 0 … N-1; it must raise ValueError",
                visible="should raise ValueError", code='''
def permute(I, perm):
    I = matrix("I", I)
    return I[:, np.asarray(perm)]
'''),
    ),
)
