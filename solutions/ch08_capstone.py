"""Chapter 8: a tiny self-attention tagger, trained in numpy, tells the two "saw"s apart.

Three parts, in reading order:

1. **The backward pass of self-attention** (the chapter's exercise). Given the
   gradient dO of a loss with respect to O = V A′, the chain rule runs the forward
   pass backwards: dO → dV, dA′ → dA (the softmax Jacobian, one column at a time)
   → dQ, dK → dWq, dWk, dWv and dI.
2. **A synthetic part-of-speech corpus** in which ambiguous words (saw, can, fly, …)
   take their tag from their neighbours.
3. **The tagger**: embedding, optional positional encoding, one self-attention layer
   (single-head or multi-head, full or windowed like a CNN, or none at all for the
   per-vector baseline), a residual connection and a per-vector classifier. Every
   layer has a forward function (from this package wherever it exists) and a
   backward function written out by hand; training is plain Adam.

A batch of sentences is laid side by side as one long set of vectors, and a
block-diagonal mask keeps every sentence's attention inside the sentence; that is
how the sentences of a batch share one call of ``masked_self_attention``.
"""

from dataclasses import dataclass

import numpy as np

from ._validate import as_array, matrix, positive_int, shape_str
from .ch01_vector_sets import embed, one_hot, position_wise
from .ch02_dot_product import softmax
from .ch03_matrix_form import qkv, scores
from .ch05_positional_encoding import sinusoidal_encoding
from .ch06_vs_cnn import masked_self_attention, window_mask

# ---------------------------------------------------------------------------
# 1. The backward pass of self-attention
# ---------------------------------------------------------------------------


def self_attention_backward(I, Wq, Wk, Wv, dO, scale=False, mask=None):
    """Gradients of a loss through one self-attention layer, in the notes' column form.

    The forward pass is :math:`Q = W^q I`, :math:`K = W^k I`, :math:`V = W^v I`,
    :math:`A = K^T Q` (divided by :math:`\\sqrt{d_k}` when ``scale``),
    :math:`A' = \\mathrm{softmax}(A)` over each column, :math:`O = V A'`.

    Parameters
    ----------
    I : (d, N) array_like
    Wq, Wk : (d_k, d) array_like
    Wv : (d_v, d) array_like
    dO : (d_v, N) array_like
        Gradient of the loss with respect to O.
    scale : bool, default False
        The forward pass divided the scores by :math:`\\sqrt{d_k}`.
    mask : (N, N) array_like of bool, optional
        The forward pass was ``masked_self_attention`` with this mask. Masked scores
        are the constant :math:`-\\infty`; their weights in A′ are 0, so the same
        chain rule gives them no gradient.

    Returns
    -------
    dI : (d, N) ndarray
    dWq, dWk : (d_k, d) ndarray
    dWv : (d_v, d) ndarray

    Notes
    -----
    Backwards through each line of the forward pass:

    .. math::

        dV = dO\\,A'^T, \\qquad dA' = V^T dO, \\\\
        dA_{:,i} = \\big(\\mathrm{diag}(a'_i) - a'_i a_i'^T\\big)\\, dA'_{:,i}
                 = A'_{:,i} \\odot \\big(dA'_{:,i} - A'_{:,i} \\cdot dA'_{:,i}\\big), \\\\
        dQ = K\\,dA, \\qquad dK = Q\\,dA^T, \\\\
        dW^q = dQ\\,I^T, \\quad dW^k = dK\\,I^T, \\quad dW^v = dV\\,I^T, \\\\
        dI = W^{qT} dQ + W^{kT} dK + W^{vT} dV,

    with dA multiplied by :math:`1/\\sqrt{d_k}` when ``scale``. I reaches the loss
    three ways (through Q, K and V), so dI has three terms.
    """
    I, dO = matrix("I", I), matrix("dO", dO)
    Wq, Wk, Wv = matrix("Wq", Wq), matrix("Wk", Wk), matrix("Wv", Wv)
    Q, K, V = qkv(I, Wq, Wk, Wv)                     # (d_k, N), (d_k, N), (d_v, N)
    if dO.shape != V.shape:
        raise ValueError(
            f"dO has shape {shape_str(dO.shape)} but O = Wv @ I has shape {shape_str(V.shape)} "
            f"(Wv {shape_str(Wv.shape)}, I {shape_str(I.shape)}): dO must match O"
        )
    if mask is None:
        A_prime = softmax(scores(Q, K, scale), axis=0)   # (N, N)
    else:
        _, A_prime = masked_self_attention(I, Wq, Wk, Wv, mask, scale)

    # O = V A'
    dV = dO @ A_prime.T                              # (d_v, N)
    dA_prime = V.T @ dO                              # (N, N)
    # A' = softmax of each column of A: the Jacobian of column i is diag(a') - a' a'ᵀ
    dA = A_prime * (dA_prime - np.sum(A_prime * dA_prime, axis=0, keepdims=True))  # (N, N)
    if scale:
        dA = dA / np.sqrt(Q.shape[0])
    # A = Kᵀ Q
    dQ = K @ dA                                      # (d_k, N)
    dK = Q @ dA.T                                    # (d_k, N)
    # Q = Wq I, K = Wk I, V = Wv I
    dWq = dQ @ I.T                                   # (d_k, d)
    dWk = dK @ I.T                                   # (d_k, d)
    dWv = dV @ I.T                                   # (d_v, d)
    dI = Wq.T @ dQ + Wk.T @ dK + Wv.T @ dV           # (d, N)
    return dI, dWq, dWk, dWv


def _check_heads(Wq, Wk, Wv, Wo):
    """Multi-head weights as float arrays, with a ValueError naming shapes that do not fit."""
    Wq, Wk, Wv = as_array("Wq", Wq, 3), as_array("Wk", Wk, 3), as_array("Wv", Wv, 3)
    Wo = matrix("Wo", Wo)
    h, d_v = Wq.shape[0], Wv.shape[1]
    if Wk.shape != Wq.shape or Wv.shape[0] != h or h == 0:
        raise ValueError(
            f"Wq {shape_str(Wq.shape)}, Wk {shape_str(Wk.shape)} and Wv {shape_str(Wv.shape)} "
            "must hold the same number (at least 1) of heads, and Wq and Wk must match"
        )
    if Wo.shape[1] != h * d_v:
        raise ValueError(
            f"Wo has shape {shape_str(Wo.shape)} but {h} heads of d_v = {d_v} stack to "
            f"{h * d_v} rows: Wo needs shape (d_out, {h * d_v})"
        )
    return Wq, Wk, Wv, Wo


def masked_multi_head_self_attention(I, Wq, Wk, Wv, Wo, mask, scale=False):
    """Multi-head self-attention in which every head uses ``masked_self_attention``.

    Parameters
    ----------
    I : (d, N) array_like
    Wq, Wk : (h, d_k, d) array_like
    Wv : (h, d_v, d) array_like
    Wo : (d_out, h*d_v) array_like
    mask : (N, N) array_like of bool
        ``mask[j, i]`` lets query i see key j, in every head.
    scale : bool, default False

    Returns
    -------
    O : (d_out, N) ndarray
        :math:`O = W^o [O^1; \\dots; O^h]`; equals ``multi_head_self_attention`` when
        the mask is all True.
    A_primes : (h, N, N) ndarray
    """
    Wq, Wk, Wv, Wo = _check_heads(Wq, Wk, Wv, Wo)
    stacked, A_primes = _stacked_heads(I, Wq, Wk, Wv, mask, scale)
    return Wo @ stacked, A_primes                    # (d_out, N), (h, N, N)


def _stacked_heads(I, Wq, Wk, Wv, mask, scale):
    """[O¹; …; Oʰ] stacked top to bottom, (h*d_v, N), and every head's A′, (h, N, N)."""
    heads = [masked_self_attention(I, Wq[n], Wk[n], Wv[n], mask, scale) for n in range(len(Wq))]
    return np.concatenate([O_n for O_n, _ in heads], axis=0), np.stack([A_n for _, A_n in heads])


def multi_head_self_attention_backward(I, Wq, Wk, Wv, Wo, dO, scale=False, mask=None):
    """Gradients through multi-head self-attention, :math:`O = W^o [O^1; \\dots; O^h]`.

    Parameters
    ----------
    I : (d, N) array_like
    Wq, Wk : (h, d_k, d) array_like
    Wv : (h, d_v, d) array_like
    Wo : (d_out, h*d_v) array_like
    dO : (d_out, N) array_like
    scale : bool, default False
    mask : (N, N) array_like of bool, optional

    Returns
    -------
    dI : (d, N) ndarray
        The sum of every head's dI: I feeds every head.
    dWq, dWk : (h, d_k, d) ndarray
    dWv : (h, d_v, d) ndarray
    dWo : (d_out, h*d_v) ndarray

    Notes
    -----
    With :math:`S = [O^1; \\dots; O^h]`: :math:`dW^o = dO\\,S^T`, :math:`dS = W^{oT} dO`,
    and rows ``n*d_v … (n+1)*d_v - 1`` of dS are head n's dOⁿ, which
    :func:`self_attention_backward` takes from there.
    """
    I, dO = matrix("I", I), matrix("dO", dO)
    Wq, Wk, Wv, Wo = _check_heads(Wq, Wk, Wv, Wo)
    if dO.shape != (Wo.shape[0], I.shape[1]):
        raise ValueError(
            f"dO has shape {shape_str(dO.shape)} but O = Wo @ [O¹; …] has shape "
            f"({Wo.shape[0]}, {I.shape[1]}) (Wo {shape_str(Wo.shape)}, I {shape_str(I.shape)})"
        )
    h, d_v = len(Wq), Wv.shape[1]
    all_true = np.ones((I.shape[1], I.shape[1]), dtype=bool)
    stacked, _ = _stacked_heads(I, Wq, Wk, Wv, all_true if mask is None else mask, scale)  # (h*d_v, N)
    dWo = dO @ stacked.T                             # (d_out, h*d_v)
    d_stacked = Wo.T @ dO                            # (h*d_v, N)
    per_head = [
        self_attention_backward(I, Wq[n], Wk[n], Wv[n], d_stacked[n * d_v:(n + 1) * d_v], scale, mask)
        for n in range(h)
    ]
    dI = sum(g[0] for g in per_head)                 # (d, N)
    dWq, dWk, dWv = (np.stack([g[k] for g in per_head]) for k in (1, 2, 3))
    return dI, dWq, dWk, dWv, dWo


# ---------------------------------------------------------------------------
# 2. A synthetic part-of-speech corpus
# ---------------------------------------------------------------------------

TAGS = ("PRON", "VERB", "NOUN", "DET", "ADJ", "AUX", "PREP")
"""The part-of-speech tags, in the order of the classifier's outputs."""

LEXICON = {
    "PRON": ("I", "you", "we", "they", "she", "he"),
    "DET": ("a", "the", "my", "our", "this"),
    "ADJ": ("old", "big", "red", "small", "new"),
    "NOUN": ("dog", "man", "kite", "boat", "tree", "bird", "box"),
    "VERB": ("found", "took", "sold", "made", "held", "liked"),
    "VERB_INTRANSITIVE": ("sat", "ran", "slept", "swam"),
    "AUX": ("will", "must", "should"),
    "PREP": ("on", "near", "over", "under", "with"),
}
"""Words that always take one tag (VERB_INTRANSITIVE words are tagged VERB)."""

AMBIGUOUS = {
    "saw": ("VERB", "NOUN"),
    "fly": ("VERB", "NOUN"),
    "watch": ("VERB", "NOUN"),
    "duck": ("VERB", "NOUN"),
    "park": ("VERB", "NOUN"),
    "can": ("AUX", "NOUN"),
}
"""Words that take either tag; in the corpus the context decides which."""

TEMPLATES = (
    ("PRON", "VERB", "DET", "NOUN"),                         # I saw a saw
    ("PRON", "VERB", "DET", "ADJ", "NOUN"),                  # we watch the old duck
    ("PRON", "AUX", "VERB", "DET", "NOUN"),                  # they can fly a kite
    ("DET", "NOUN", "VERB", "DET", "NOUN"),                  # the fly saw a can
    ("DET", "ADJ", "NOUN", "VERB_INTRANSITIVE", "PREP", "DET", "NOUN"),  # the old duck sat on the can
    ("PRON", "VERB_INTRANSITIVE", "PREP", "DET", "NOUN"),    # they fly over the park
    ("DET", "NOUN", "AUX", "VERB", "DET", "ADJ", "NOUN"),    # the man can saw the big tree
)
"""Sentence shapes as sequences of slots; each slot's tag is the slot name (VERB_INTRANSITIVE → VERB)."""

VOCAB = tuple(sorted({w for words in LEXICON.values() for w in words} | set(AMBIGUOUS)))
"""Every word of the corpus, in a fixed order (the columns of the embedding E)."""


def _ambiguous_for(slot):
    """The ambiguous words that can fill a slot (all intransitive-capable verbs fit either verb slot)."""
    tag = "VERB" if slot == "VERB_INTRANSITIVE" else slot
    return tuple(w for w, tags in AMBIGUOUS.items() if tag in tags and not (slot == "VERB_INTRANSITIVE" and w == "saw"))


def make_corpus(n_sentences, seed, p_ambiguous=0.5):
    """Generate tagged sentences in which the tag of an ambiguous word comes from its context.

    Parameters
    ----------
    n_sentences : int
    seed : int
        Seeds ``numpy.random.default_rng``: the same seed gives the same corpus.
    p_ambiguous : float, default 0.5
        Probability that a slot which an ambiguous word can fill gets one.

    Returns
    -------
    list of (tokens, tags)
        ``tokens`` and ``tags`` are tuples of strings of the same length; ``tags[n]``
        is the tag of ``tokens[n]``, one of :data:`TAGS`.
    """
    n_sentences = positive_int("n_sentences", n_sentences)
    rng = np.random.default_rng(seed)
    corpus = []
    for _ in range(n_sentences):
        template = TEMPLATES[rng.integers(len(TEMPLATES))]
        tokens, tags = [], []
        for slot in template:
            candidates = _ambiguous_for(slot)
            if candidates and rng.random() < p_ambiguous:
                word = candidates[rng.integers(len(candidates))]
            else:
                word = LEXICON[slot][rng.integers(len(LEXICON[slot]))]
            tokens.append(str(word))
            tags.append("VERB" if slot == "VERB_INTRANSITIVE" else slot)
        corpus.append((tuple(tokens), tuple(tags)))
    return corpus


def without_sentence(corpus, tokens):
    """The corpus with every copy of one sentence removed (to hold "I saw a saw" out of training)."""
    return [(t, g) for t, g in corpus if t != tuple(tokens)]


def majority_rate(corpus):
    """The best accuracy on ambiguous tokens of any tagger that ignores context.

    A per-vector model gives a word the same tag wherever it stands, so on each
    ambiguous word it is right at most as often as that word's commonest tag.

    Returns
    -------
    float
        :math:`\\sum_w \\max_t \\mathrm{count}(w, t) / \\sum_w \\mathrm{count}(w)` over ambiguous words w.
    """
    counts = {}
    for tokens, tags in corpus:
        for word, tag in zip(tokens, tags):
            if word in AMBIGUOUS:
                counts.setdefault(word, {}).setdefault(tag, 0)
                counts[word][tag] += 1
    total = sum(sum(c.values()) for c in counts.values())
    return sum(max(c.values()) for c in counts.values()) / total


# ---------------------------------------------------------------------------
# 3. The tagger: layers (forward from solutions/, backward by hand) and training
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TaggerConfig:
    """What the tagger is made of.

    Attributes
    ----------
    attention : {"none", "full", "window"}
        No attention (the per-vector baseline), attention over the whole sentence,
        or attention over a window of ``width`` positions (CNN-like).
    positions : {"none", "sinusoidal", "learned"}
        Add no position vector, the fixed sinusoidal eⁱ, or a learned eⁱ (column i
        of a parameter matrix P, trained like the embedding) to every aⁱ.
    heads : int
        1 for the single-head layer (Wq, Wk, Wv); more for the multi-head layer (with Wo).
    width : int
        Window width when ``attention == "window"`` (odd).
    d, d_k, d_hidden : int
        Embedding size (also the attention output size), query/key size, and the
        width of the classifier's hidden layer.
    max_len : int
        The longest sentence the tagger accepts (the columns of P).
    """

    attention: str = "full"
    positions: str = "learned"
    heads: int = 1
    width: int = 3
    d: int = 16
    d_k: int = 8
    d_hidden: int = 32
    max_len: int = 8


def init_params(config, seed):
    """Random weights for a tagger, scaled by 1/√fan-in.

    Returns
    -------
    dict of str to ndarray
        ``E`` (d, |VOCAB|); when there is attention ``Wq``, ``Wk``, ``Wv`` ((d_k, d),
        (d_k, d), (d, d)) or, for several heads, (h, d_k, d), (h, d_k, d), (h, d_v, d)
        and ``Wo`` (d, h*d_v) with d_v = d // h; then ``W1`` (d_hidden, d), ``b1``,
        ``W2`` (|TAGS|, d_hidden), ``b2``.
    """
    if config.attention not in ("none", "full", "window"):
        raise ValueError(f"attention must be 'none', 'full' or 'window', got {config.attention!r}")
    rng = np.random.default_rng(seed)
    d, d_k, h = config.d, config.d_k, config.heads

    def weights(*shape):
        return rng.normal(size=shape) / np.sqrt(shape[-1])

    if config.positions not in ("none", "sinusoidal", "learned"):
        raise ValueError(f"positions must be 'none', 'sinusoidal' or 'learned', got {config.positions!r}")
    params = {"E": rng.normal(size=(d, len(VOCAB)))}
    if config.positions == "learned":
        params["P"] = rng.normal(size=(d, config.max_len))
    if config.attention != "none":
        if h == 1:
            params.update(Wq=weights(d_k, d), Wk=weights(d_k, d), Wv=weights(d, d))
        else:
            d_v = d // h
            params.update(Wq=weights(h, d_k, d), Wk=weights(h, d_k, d), Wv=weights(h, d_v, d),
                          Wo=weights(d, h * d_v))
    params.update(W1=weights(config.d_hidden, d), b1=np.zeros(config.d_hidden),
                  W2=weights(len(TAGS), config.d_hidden), b2=np.zeros(len(TAGS)))
    return params


def sentence_mask(lengths, width=None):
    """The attention mask of sentences laid side by side: each query sees only its own sentence.

    Parameters
    ----------
    lengths : sequence of int
        Lengths of the sentences, in order; N is their sum.
    width : int, optional
        Also restrict each query to a window of this width (``window_mask``).

    Returns
    -------
    mask : (N, N) bool ndarray
        Block diagonal (and banded when ``width`` is given).
    """
    sentence = np.repeat(np.arange(len(lengths)), lengths)  # (N,): which sentence each token is in
    mask = sentence[:, None] == sentence[None, :]
    if width is not None:
        mask &= window_mask(len(sentence), width)
    return mask


def linear_backward(X, W, dY):
    """Backward pass of ``position_wise``, :math:`Y = W X + b` applied to every column.

    Returns
    -------
    dX : (d_in, N) ndarray
        :math:`W^T dY`.
    dW : (d_out, d_in) ndarray
        :math:`dY\\,X^T`.
    db : (d_out,) ndarray
        :math:`dY` summed over the columns.
    """
    return W.T @ dY, dY @ X.T, dY.sum(axis=1)


def cross_entropy(logits, targets):
    """Mean cross-entropy of per-column class scores, and its gradient.

    Parameters
    ----------
    logits : (C, N) ndarray
        Column n holds the scores of the C classes for token n.
    targets : (N,) int ndarray

    Returns
    -------
    loss : float
        :math:`-\\frac1N \\sum_n \\log P_{t_n, n}` with :math:`P = \\mathrm{softmax}(\\text{logits})` over each column.
    dlogits : (C, N) ndarray
        :math:`(P - Y) / N`, Y holding the one-hot target columns.
    """
    N = logits.shape[1]
    P = softmax(logits, axis=0)                      # (C, N)
    loss = -np.mean(np.log(P[targets, np.arange(N)]))
    Y = one_hot(targets, range(len(logits)))         # (C, N)
    return float(loss), (P - Y) / N


def _attention_forward(params, config, I, mask):
    """O and A′ of the model's attention layer (single-head or multi-head)."""
    if config.heads == 1:
        O, A_prime = masked_self_attention(I, params["Wq"], params["Wk"], params["Wv"], mask)
        return O, A_prime[None]
    return masked_multi_head_self_attention(I, params["Wq"], params["Wk"], params["Wv"], params["Wo"], mask)


def _attention_backward(params, config, I, mask, dO):
    """dI and the weight gradients of the model's attention layer."""
    if config.heads == 1:
        dI, dWq, dWk, dWv = self_attention_backward(I, params["Wq"], params["Wk"], params["Wv"], dO, mask=mask)
        return dI, {"Wq": dWq, "Wk": dWk, "Wv": dWv}
    dI, dWq, dWk, dWv, dWo = multi_head_self_attention_backward(
        I, params["Wq"], params["Wk"], params["Wv"], params["Wo"], dO, mask=mask)
    return dI, {"Wq": dWq, "Wk": dWk, "Wv": dWv, "Wo": dWo}


def forward(params, config, sentences):
    """Tag scores for a batch of sentences laid side by side.

    Parameters
    ----------
    params : dict
        From :func:`init_params`.
    config : TaggerConfig
    sentences : list of sequences of str
        Tokens of each sentence.

    Returns
    -------
    logits : (|TAGS|, N) ndarray
        N is the total number of tokens; column n scores the tags of token n.
    cache : dict
        What :func:`backward` needs, and ``A_primes`` (h, N, N) for plotting.

    Notes
    -----
    :math:`I = E X (+ P)`; :math:`Z = I + O` with O the attention output (Z = I
    without attention); :math:`H = \\mathrm{relu}(W_1 Z + b_1)`; logits :math:`= W_2 H + b_2`.
    """
    tokens = [t for s in sentences for t in s]
    lengths = [len(s) for s in sentences]
    if max(lengths) > config.max_len:
        raise ValueError(f"a sentence has {max(lengths)} tokens but the tagger takes at most max_len = {config.max_len}")
    positions = [i for n in lengths for i in range(n)]  # 0-based, restarting in every sentence
    I = embed(tokens, VOCAB, params["E"])            # (d, N)
    if config.positions == "sinusoidal":
        I = I + embed(positions, range(config.max_len), sinusoidal_encoding(config.d, config.max_len))  # aⁱ + eⁱ
    elif config.positions == "learned":
        I = I + embed(positions, range(config.max_len), params["P"])  # aⁱ + eⁱ
    cache = {"tokens": tokens, "positions": positions, "I": I}
    if config.attention == "none":
        Z = I
    else:
        mask = sentence_mask(lengths, config.width if config.attention == "window" else None)
        O, cache["A_primes"] = _attention_forward(params, config, I, mask)  # (d, N)
        cache["mask"] = mask
        Z = I + O                                    # residual: each vector keeps its own word
    U = position_wise(Z, params["W1"], params["b1"])  # (d_hidden, N)
    H = np.maximum(U, 0.0)
    logits = position_wise(H, params["W2"], params["b2"])  # (|TAGS|, N)
    cache.update(Z=Z, U=U, H=H)
    return logits, cache


def backward(params, config, cache, dlogits):
    """Gradients of the loss with respect to every parameter, given d(loss)/d(logits).

    Returns
    -------
    dict of str to ndarray
        One entry per entry of ``params``, of the same shape.
    """
    grads = {}
    dH, grads["W2"], grads["b2"] = linear_backward(cache["H"], params["W2"], dlogits)
    dU = dH * (cache["U"] > 0)                       # relu
    dZ, grads["W1"], grads["b1"] = linear_backward(cache["Z"], params["W1"], dU)
    dI = dZ                                          # Z = I (+ O): the identity path
    if config.attention != "none":
        dI_attention, attention_grads = _attention_backward(params, config, cache["I"], cache["mask"], dZ)
        dI = dI + dI_attention
        grads.update(attention_grads)
    grads["E"] = dI @ one_hot(cache["tokens"], VOCAB).T  # I = E X (+ P Xpos), so dE = dI Xᵀ
    if config.positions == "learned":
        grads["P"] = dI @ one_hot(cache["positions"], range(config.max_len)).T  # and dP = dI Xposᵀ
    return grads


def adam_step(params, grads, state, lr=0.01, beta1=0.9, beta2=0.999, eps=1e-8):
    """One Adam update of every parameter, in place; ``state`` holds the moments and the step count."""
    state["t"] = state.get("t", 0) + 1
    for name, g in grads.items():
        m = state.setdefault("m_" + name, np.zeros_like(g))
        v = state.setdefault("v_" + name, np.zeros_like(g))
        m[...] = beta1 * m + (1 - beta1) * g
        v[...] = beta2 * v + (1 - beta2) * g * g
        m_hat = m / (1 - beta1 ** state["t"])
        v_hat = v / (1 - beta2 ** state["t"])
        params[name] -= lr * m_hat / (np.sqrt(v_hat) + eps)


def _targets(corpus):
    return np.array([TAGS.index(t) for _, tags in corpus for t in tags])


def train(config, corpus, seed=0, epochs=30, batch_size=32, lr=0.01):
    """Train a tagger with Adam on mini-batches of sentences.

    Parameters
    ----------
    config : TaggerConfig
    corpus : list of (tokens, tags)
    seed : int
        Seeds the initial weights and the order of the batches.
    epochs, batch_size : int
    lr : float

    Returns
    -------
    params : dict
    losses : list of float
        Mean training loss of every epoch.
    """
    params = init_params(config, seed)
    rng = np.random.default_rng(seed + 1)
    state, losses = {}, []
    for _ in range(epochs):
        order = rng.permutation(len(corpus))
        epoch_loss = []
        for start in range(0, len(corpus), batch_size):
            batch = [corpus[k] for k in order[start:start + batch_size]]
            logits, cache = forward(params, config, [tokens for tokens, _ in batch])
            loss, dlogits = cross_entropy(logits, _targets(batch))
            adam_step(params, backward(params, config, cache, dlogits), state, lr)
            epoch_loss.append(loss)
        losses.append(float(np.mean(epoch_loss)))
    return params, losses


def predict(params, config, sentences):
    """The most likely tag of every token, sentence by sentence (list of tuples of str)."""
    logits, _ = forward(params, config, sentences)
    best = [TAGS[k] for k in np.argmax(logits, axis=0)]
    out, start = [], 0
    for s in sentences:
        out.append(tuple(best[start:start + len(s)]))
        start += len(s)
    return out


def accuracy(params, config, corpus):
    """Tagging accuracy on all tokens and on the ambiguous ones.

    Returns
    -------
    dict
        ``{"all": float, "ambiguous": float}``.
    """
    predicted = predict(params, config, [tokens for tokens, _ in corpus])
    right, right_ambiguous, n_ambiguous, n = 0, 0, 0, 0
    for (tokens, tags), guess in zip(corpus, predicted):
        for word, tag, g in zip(tokens, tags, guess):
            n += 1
            right += tag == g
            if word in AMBIGUOUS:
                n_ambiguous += 1
                right_ambiguous += tag == g
    return {"all": right / n, "ambiguous": right_ambiguous / n_ambiguous}


def attention_maps(params, config, tokens):
    """The learned A′ of every head for one sentence.

    Returns
    -------
    A_primes : (h, N, N) ndarray
        ``A_primes[n, j, i]`` is how much query i attends to key j in head n.
    """
    if config.attention == "none":
        raise ValueError("the per-vector baseline (attention='none') has no attention maps")
    _, cache = forward(params, config, [tokens])
    return cache["A_primes"]
