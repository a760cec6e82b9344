"""01-vector-sets: tokens as one-hot columns, embeddings, cosine similarity, a per-vector layer."""

import numpy as np

from . import Assignment, Case, Family, Mistake, Part, Question

rng = np.random.default_rng(2001)


def r(*shape, scale=1.0):
    return np.round(rng.normal(size=shape) * scale, 3)


SAW = ["I", "saw", "a", "saw"]
VOCAB = ["I", "saw", "a"]
VOCAB5 = ["the", "cat", "sat", "on", "mat"]
E_SAW = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])

def _cosines(args, kwargs, reference):
    """The dot product normalised by one length only, by none, or the cosine distance 1 - cos."""
    u, v = (np.asarray(a, dtype=float) for a in args)
    if u.shape != v.shape or u.ndim != 1 or not u.any() or not v.any():
        return []
    dot, nu, nv = float(u @ v), float(np.linalg.norm(u)), float(np.linalg.norm(v))
    return [dot / nu, dot / nv, dot / (nu * nv) ** 2, 1.0 - dot / (nu * nv)]


ASSIGNMENT = Assignment(
    id="01-vector-sets",
    notebook="vector_sets",
    chapter=1,
    chapter_title="A set of vectors as input",
    page="ch01-vector-sets",
    sections={
        "one_hot": "ch01-sentence",
        "embed": "ch01-sentence",
        "cosine_similarity": "ch01-sentence",
        "position_wise": "ch01-one-at-a-time",
    },
    intro="""
    Self-attention takes a **set of vectors** as input: a sentence becomes one vector per word,
    stored as the columns of `I = [a¹ … aᴺ]`, shape `(d, N)`. A word can be a **one-hot**
    vector (a 1 in the row of the word in the vocabulary) or an **embedding**, the matching
    column of a matrix `E`. The chapter then asks how to label every vector, and shows why a
    fully connected layer applied to each vector alone tags both words of "I saw a saw" alike:
    the same input vector always gives the same output.
    """,
    parts=(
        Part(
            id="one_hot", title="One-hot columns", points=2,
            prose="""
            Write `one_hot(tokens, vocab)`: a `(len(vocab), N)` array whose column n is the
            one-hot vector of `tokens[n]`. The set-up cell's `_index(tokens, vocab)` returns the
            vocabulary as a list and the row of every token, and raises `ValueError` naming
            an unknown token.
            """,
            answers=("one_hot",),
            visible="""
            X = one_hot(["I", "saw", "a", "saw"], ["I", "saw", "a"])
            check_shape('one_hot(["I", "saw", "a", "saw"], ["I", "saw", "a"])', X, (3, 4),
                        "one column per token and one row per vocabulary word: shape (len(vocab), N)")
            check_close('one_hot(["I", "saw", "a", "saw"], ["I", "saw", "a"])', X, «S.one_hot(SAW, VOCAB)»)
            check_raises('one_hot with the unknown token "cat"', one_hot, ["I", "cat"], ["I", "saw", "a"])
            """,
            cases=(
                Case("one_hot", (SAW, VOCAB), label='"I saw a saw"'),
                Case("one_hot", (["mat", "the", "cat", "sat", "on", "the", "mat"], VOCAB5), label="7 tokens, vocabulary of 5"),
                Case("one_hot", (["on"], VOCAB5), label="N = 1"),
                Case("one_hot", ([2, 0, 1, 1], [0, 1, 2]), label="integer tokens"),
                Case("one_hot", (["I", "dog"], VOCAB), label="an unknown token (must raise ValueError)"),
            ),
        ),
        Part(
            id="embed", title="Embeddings", points=2,
            prose="""
            Write `embed(tokens, vocab, E)`: `E` has shape `(d, len(vocab))` and column v is the
            embedding of `vocab[v]`; return the `(d, N)` array whose column n is the embedding of
            `tokens[n]`. An `E` without one column per word raises `ValueError`.
            """,
            answers=("embed",),
            visible="""
            E = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])    # d = 2, one column per word
            got = embed(["saw", "I", "saw"], ["I", "saw", "a"], E)
            check_shape('embed(["saw", "I", "saw"], vocab, E)', got, (2, 3),
                        "the embeddings are columns of E, and the result has one column per token: shape (d, N)")
            check_close('embed(["saw", "I", "saw"], vocab, E)', got, «S.embed(["saw", "I", "saw"], VOCAB, E_SAW)»,
                        "column v of E is the embedding of vocab[v]")
            check_raises("embed with E of shape (2, 4) for a vocabulary of 3 words", embed, ["I"], ["I", "saw", "a"], np.ones((2, 4)))
            """,
            cases=(
                Case("embed", (SAW, VOCAB, E_SAW), label='"I saw a saw", d = 2'),
                Case("embed", (["cat", "on", "the", "mat", "cat"], VOCAB5, r(7, 5)), label="d = 7, vocabulary of 5"),
                Case("embed", (["sat"], VOCAB5, r(3, 5)), label="N = 1"),
                Case("embed", (["a", "I"], VOCAB, r(3, 3)), label="d = 3 = len(vocab)"),
                Case("embed", (["I"], VOCAB, r(2, 4)), label="E with 4 columns for 3 words (must raise ValueError)"),
            ),
        ),
        Part(
            id="cosine_similarity", title="Cosine similarity", points=2,
            prose="""
            Write `cosine_similarity(u, v)`: u·v / (‖u‖ ‖v‖), a float in [-1, 1]. Vectors of
            different lengths, or a zero vector, raise `ValueError`.
            """,
            answers=("cosine_similarity",),
            visible="""
            got = cosine_similarity([3.0, 4.0], [4.0, 3.0])
            check_unlike("cosine_similarity((3, 4), (4, 3))", got, «M('cosine-no-normalisation')([3.0, 4.0], [4.0, 3.0])»,
                         "which is the plain dot product u·v: divide by the lengths ‖u‖ ‖v‖")
            check_unlike("cosine_similarity((3, 4), (4, 3))", got, «M('cosine-one-norm')([3.0, 4.0], [4.0, 3.0])»,
                         "which is u·v / ‖u‖: divide by both lengths, ‖u‖ ‖v‖")
            check_close("cosine_similarity((3, 4), (4, 3))", got, 24 / 25)
            check_close("cosine_similarity((1, 1), (2, 2))", cosine_similarity([1.0, 1.0], [2.0, 2.0]), 1.0)
            check_raises("cosine_similarity with a zero vector", cosine_similarity, [0.0, 0.0], [1.0, 2.0])
            """,
            cases=(
                Case("cosine_similarity", (r(5), r(5)), label="d = 5"),
                Case("cosine_similarity", (r(3, scale=1e3), r(3)), label="u a thousand times longer than v"),
                Case("cosine_similarity", ([2.0], [-3.0]), label="d = 1"),
                Case("cosine_similarity", ([1.0, 2.0, 2.0], [2.0, 4.0, 4.0]), label="parallel vectors"),
                Case("cosine_similarity", (np.zeros(3), r(3)), label="a zero vector (must raise ValueError)"),
                Case("cosine_similarity", (r(3), r(4)), label="lengths 3 and 4 (must raise ValueError)"),
            ),
        ),
        Part(
            id="position_wise", title="A fully connected layer on each vector", points=3,
            prose="""
            Write `position_wise(I, W, c)`: uⁱ = W aⁱ + c for every column i, i.e. `W @ I + c`
            with `c` added to every column; shape `(d_out, N)`. The test shows the chapter's
            point: both "saw"s of "I saw a saw" get the same output.
            """,
            answers=("position_wise",),
            visible="""
            I = «S.one_hot(SAW, VOCAB)»   # the one-hot columns of "I saw a saw", (3, 4)
            W = np.array([[1.0, 2.0, 3.0], [0.0, -1.0, 1.0]])         # (2, 3)
            c = np.array([10.0, 20.0])
            U = position_wise(I, W, c)
            check_shape("position_wise(I, W, c) with I (3, 4), W (2, 3)", U, (2, 4),
                        "uⁱ = W aⁱ + c is a column: the result has one column per input vector, shape (d_out, N)")
            check_unlike("position_wise(I, W, c)", U, «M('position-wise-no-bias')(S.one_hot(SAW, VOCAB), [[1.0, 2.0, 3.0], [0.0, -1.0, 1.0]], [10.0, 20.0])»,
                         "which is W @ I: the bias c is missing (add it to every column)")
            check_close("position_wise(I, W, c)", U, «S.position_wise(S.one_hot(SAW, VOCAB), [[1.0, 2.0, 3.0], [0.0, -1.0, 1.0]], [10.0, 20.0])»,
                        "c is added to every column: c[:, None]")
            check_close("the outputs of the two 'saw's", U[:, 3], U[:, 1])
            """,
            cases=(
                Case("position_wise", (r(3, 5), r(4, 3), r(4)), label="d = 3, d_out = 4, N = 5"),
                Case("position_wise", (r(2, 1), r(3, 2), r(3)), label="N = 1"),
                Case("position_wise", (r(3, 3), r(3, 3), r(3)), label="d = d_out = N = 3"),
                Case("position_wise", (r(2, 4), r(3, 2), r(2)), label="c of the wrong length (must raise ValueError)"),
                Case("position_wise", (r(2, 4), r(3, 5), r(3)), label="W of shape (3, 5) for d = 2 (must raise ValueError)"),
            ),
        ),
    ),
    families=(Family("cosine-normalisation", "cosine_similarity", "your result is not the cosine of the angle: "
                     "divide the dot product u·v by both lengths, ‖u‖ ‖v‖ (once each)", _cosines),),
    questions=(
        Question(
            id="fc_same_output", after="position_wise", points=2,
            prompt="""
            Your `position_wise` gave both "saw"s of "I saw a saw" the same output. Explain why no
            choice of W and c can tag the first "saw" as a verb and the second as a noun, and say
            what a layer needs in order to tell them apart.
            """,
            rubric="""
            2 points. (1 point) The layer sees one vector at a time, and both "saw"s have the same
            input vector aⁱ, so uⁱ = W aⁱ + c is the same for both whatever W and c are.
            (1 point) It needs information beyond the vector itself: the other words of the
            sentence (context, as self-attention mixes every input into every output) or the
            word's position. "More training" or "a larger W" earns nothing.
            """,
        ),
    ),
    mistakes=(
        Mistake("one-hot-transposed", "one_hot",
                "your one-hot array has one row per token; the notes put vectors in columns: shape (len(vocab), N)",
                (("X = np.zeros((len(vocab), len(rows)))", "X = np.zeros((len(rows), len(vocab)))"),
                 ("X[rows, np.arange(len(rows))] = 1.0", "X[np.arange(len(rows)), rows] = 1.0")),
                visible="one column per token"),
        Mistake("one-hot-unknown-ignored", "one_hot",
                "your one_hot gives an unknown token a column of zeros; it must raise ValueError naming the token",
                (("    vocab, rows = _index(tokens, vocab)\n    X = np.zeros((len(vocab), len(rows)))  # (V, N)\n    X[rows, np.arange(len(rows))] = 1.0",
                  "    position = {w: n for n, w in enumerate(vocab)}\n    X = np.zeros((len(vocab), len(tokens)))\n"
                  "    for n, t in enumerate(tokens):\n        if t in position:\n            X[position[t], n] = 1.0"),),
                visible="should raise ValueError"),
        Mistake("one-hot-bag-of-words", "one_hot",
                "your one_hot counts the words (a bag of words, one number per vocabulary word); it needs one one-hot column per token",
                (("    X = np.zeros((len(vocab), len(rows)))  # (V, N)\n    X[rows, np.arange(len(rows))] = 1.0\n    return X",
                  "    return np.bincount(rows, minlength=len(vocab)).astype(float)"),),
                visible="one column per token"),
        Mistake("embed-transposed", "embed",
                "your embeddings are rows (shape (N, d)); the result has one column per token, shape (d, N)",
                (("return E[:, rows]", "return E[:, rows].T"),), visible="shape (d, N)"),
        Mistake("embed-rows-of-E", "embed",
                "you took rows of E; E is (d, len(vocab)) and the embedding of vocab[v] is its column v",
                (("    if E.shape[1] != len(vocab):", "    if False:"), ("return E[:, rows]", "return E[rows, :].T")),
                visible="the embeddings are columns of E"),
        Mistake("embed-no-check", "embed",
                "your embed accepts an E whose number of columns is not the vocabulary size; it must raise ValueError",
                (("    if E.shape[1] != len(vocab):", "    if False:"),), visible="should raise ValueError"),
        Mistake("cosine-no-normalisation", "cosine_similarity",
                "your cosine similarity is the plain dot product u·v; divide by the lengths ‖u‖ ‖v‖",
                (("np.clip(u @ v / norms, -1.0, 1.0)", "u @ v"),), visible="which is the plain dot product"),
        Mistake("cosine-one-norm", "cosine_similarity",
                "your cosine similarity divides by ‖u‖ only; divide by both lengths, ‖u‖ ‖v‖",
                (("np.clip(u @ v / norms, -1.0, 1.0)", "u @ v / np.linalg.norm(u)"),), visible="divide by both lengths"),
        Mistake("cosine-zero-nan", "cosine_similarity",
                "your cosine similarity returns nan for a zero vector; it must raise ValueError (the angle is undefined)",
                (("    if norms == 0:\n        raise", "    if False:\n        raise"),
                 ("    return float(np.clip(u @ v / norms, -1.0, 1.0))",
                  "    with np.errstate(all=\"ignore\"):\n        return float(u @ v / norms)")),
                visible="should raise ValueError"),
        Mistake("position-wise-no-bias", "position_wise", "your layer forgets the bias: uⁱ = W aⁱ + c",
                (("return W @ I + c[:, None]", "return W @ I"),), visible="the bias c is missing"),
        Mistake("position-wise-row-major", "position_wise",
                "your layer returns one row per input vector (I.T @ W.T + c); the notes' outputs are columns, shape (d_out, N)",
                (("return W @ I + c[:, None]", "return I.T @ W.T + c"),), visible="one column per input vector"),
        Mistake("position-wise-bias-per-vector", "position_wise",
                "your bias is added along the wrong axis (c[n] to column n); c has one entry per output row and is added to every column: c[:, None]",
                (("return W @ I + c[:, None]", "U = W @ I\n    return U + np.resize(c, U.shape[1])[None, :]"),),
                visible="c is added to every column"),
    ),
)
