"""Chapter 1: a set of vectors as input.

A sentence, a sound clip or a graph becomes a set of N vectors of dimension d,
stored as the columns of ``I = [a¹ … aᴺ]``, shape ``(d, N)``.
"""

import numpy as np

from .validate import matrix, shape_str, vector, weights_for

# Chapter 1's example: "I saw a saw" and a hand-made embedding of d = 3, one column per word
# of SAW_VOCAB (the page's E_saw; a test checks the page shows these numbers).
SAW_SENTENCE = ("I", "saw", "a", "saw")
SAW_VOCAB = ("I", "a", "saw")
E_SAW = np.array([[0.9, 0.1, 0.3],
                  [0.2, 0.8, 0.5],
                  [0.1, 0.3, 0.9]])


def _index(tokens, vocab):
    """Positions in ``vocab`` of every token; unknown tokens raise ``ValueError``."""
    vocab = list(vocab)
    if len(set(vocab)) != len(vocab):
        dupes = sorted({str(w) for w in vocab if vocab.count(w) > 1})
        raise ValueError(f"vocab has repeated entries: {', '.join(dupes)}")
    position = {word: n for n, word in enumerate(vocab)}
    unknown = [t for t in tokens if t not in position]
    if unknown:
        raise ValueError(f"token {unknown[0]!r} is not in the vocabulary {vocab!r}")
    return vocab, [position[t] for t in tokens]


def one_hot(tokens, vocab):
    """One-hot encode a sequence of tokens, one column per token.

    Parameters
    ----------
    tokens : sequence of hashable, length N
    vocab : sequence of hashable, length V, no repeats

    Returns
    -------
    X : (V, N) ndarray
        ``X[v, n] = 1`` where ``tokens[n] == vocab[v]``, else 0.

    Raises
    ------
    ValueError
        If a token is not in ``vocab`` (the message names it) or ``vocab`` repeats a word.
    """
    vocab, rows = _index(tokens, vocab)
    X = np.zeros((len(vocab), len(rows)))  # (V, N)
    X[rows, np.arange(len(rows))] = 1.0
    return X


def embed(tokens, vocab, E):
    """Look up the embedding of every token.

    Parameters
    ----------
    tokens : sequence of hashable, length N
    vocab : sequence of hashable, length V
    E : (d, V) array_like
        Column ``v`` is the embedding of ``vocab[v]``.

    Returns
    -------
    I : (d, N) ndarray
        Column n is ``E[:, vocab.index(tokens[n])]``.

    Notes
    -----
    Embedding is a matrix product with the one-hot columns: :math:`I = E X`.
    """
    E = matrix("E", E)
    vocab, rows = _index(tokens, vocab)
    if E.shape[1] != len(vocab):
        raise ValueError(
            f"E has shape {shape_str(E.shape)} but the vocabulary has {len(vocab)} words: "
            f"E must have one column per word, shape (d, {len(vocab)})"
        )
    return E[:, rows]  # (d, N)


def cosine_similarity(u, v):
    """Cosine of the angle between two vectors.

    Parameters
    ----------
    u, v : (d,) array_like
        Non-zero vectors of the same length.

    Returns
    -------
    float
        :math:`\\frac{u \\cdot v}{\\lVert u\\rVert\\,\\lVert v\\rVert}`, in [-1, 1].
    """
    u, v = vector("u", u), vector("v", v)
    if u.shape != v.shape:
        raise ValueError(f"u has shape {shape_str(u.shape)} but v has shape {shape_str(v.shape)}")
    norms = np.linalg.norm(u) * np.linalg.norm(v)
    if norms == 0:
        raise ValueError("cosine similarity is undefined for a zero vector")
    return float(np.clip(u @ v / norms, -1.0, 1.0))


def position_wise(I, W, c):
    """Apply one fully connected layer to every vector on its own.

    Parameters
    ----------
    I : (d, N) array_like
    W : (d_out, d) array_like
    c : (d_out,) array_like

    Returns
    -------
    U : (d_out, N) ndarray
        :math:`u^i = W a^i + c` for every column i: the same input vector always
        gives the same output, whatever its neighbours (the two "saw"s).
    """
    I, W, c = matrix("I", I), matrix("W", W), vector("c", c)
    weights_for("W", W, "I", I)
    if c.shape != (W.shape[0],):
        raise ValueError(
            f"c has shape {shape_str(c.shape)} but W has shape {shape_str(W.shape)}: "
            f"c must have shape ({W.shape[0]},)"
        )
    return W @ I + c[:, None]  # (d_out, N)
