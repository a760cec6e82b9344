"""Chapter 8: a tiny self-attention tagger, trained in numpy, tells the two "saw"s apart.

The tagger: embedding, optional positional encoding, one self-attention layer
(single-head or multi-head, full or windowed like a CNN, or none at all for the
per-vector baseline), a residual connection and a per-vector classifier. Every layer
has a forward function (from this package wherever it exists) and a backward
function written out by hand; training is plain Adam.

A batch of sentences is laid side by side as one long set of vectors, and a
block-diagonal mask keeps every sentence's attention inside the sentence; that is
how the sentences of a batch share one call of ``masked_self_attention``.
"""

from dataclasses import dataclass

import numpy as np

from .ch01_vector_sets import embed, one_hot, position_wise
from .ch02_dot_product import softmax
from .ch05_positional_encoding import sinusoidal_encoding
from .ch06_vs_cnn import masked_self_attention, window_mask
from .ch08_attention_backward import multi_head_self_attention_backward, self_attention_backward
from .ch08_corpus import AMBIGUOUS, TAGS, VOCAB
from .ch08_masked_multi_head import masked_multi_head_self_attention


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
        and ``Wo`` (d, h*d_v) with d_v = d // h; then ``W1`` (d_hidden, d), ``c1``,
        ``W2`` (|TAGS|, d_hidden), ``c2`` (the biases are c, since b is an output of attention).
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
    params.update(W1=weights(config.d_hidden, d), c1=np.zeros(config.d_hidden),
                  W2=weights(len(TAGS), config.d_hidden), c2=np.zeros(len(TAGS)))
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


def linear_backward(I_in, W, dU):
    """Backward pass of ``position_wise``, :math:`U = W I_{in} + c` applied to every column.

    Returns
    -------
    dI_in : (d_in, N) ndarray
        :math:`W^T dU`.
    dW : (d_out, d_in) ndarray
        :math:`dU\\,I_{in}^T`.
    dc : (d_out,) ndarray
        :math:`dU` summed over the columns.
    """
    return W.T @ dU, dU @ I_in.T, dU.sum(axis=1)


def cross_entropy(logits, targets):
    """Mean cross-entropy of per-column class scores, and its gradient.

    Parameters
    ----------
    logits : (C, N) ndarray
        Column n holds the scores of the C classes for token n.
    targets : (N,) int ndarray
        :math:`y_n`, the index of the right class of token n.

    Returns
    -------
    loss : float
        :math:`-\\frac1N \\sum_n \\log \\hat Y_{y_n, n}` with :math:`\\hat Y = \\mathrm{softmax}(\\text{logits})` over each column.
    dlogits : (C, N) ndarray
        :math:`(\\hat Y - Y) / N`, Y holding the one-hot target columns.
    """
    N = logits.shape[1]
    Y_hat = softmax(logits, axis=0)                  # (C, N)
    loss = -np.mean(np.log(Y_hat[targets, np.arange(N)]))
    Y = one_hot(targets, range(len(logits)))         # (C, N)
    return float(loss), (Y_hat - Y) / N


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
    :math:`I = E X (+ P X_{pos})`; :math:`I_{res} = I + O` with O the attention output (:math:`I_{res} = I`
    without attention); :math:`U = W_1 I_{res} + c_1`, :math:`F = \\mathrm{relu}(U)`; logits :math:`= W_2 F + c_2`.
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
        I_res = I
    else:
        mask = sentence_mask(lengths, config.width if config.attention == "window" else None)
        O, cache["A_primes"] = _attention_forward(params, config, I, mask)  # (d, N)
        cache["mask"] = mask
        I_res = I + O                                    # residual: each vector keeps its own word
    U = position_wise(I_res, params["W1"], params["c1"])  # (d_hidden, N)
    F = np.maximum(U, 0.0)                           # (d_hidden, N)
    logits = position_wise(F, params["W2"], params["c2"])  # (|TAGS|, N)
    cache.update(I_res=I_res, U=U, F=F)
    return logits, cache


def backward(params, config, cache, dlogits):
    """Gradients of the loss with respect to every parameter, given d(loss)/d(logits).

    Returns
    -------
    dict of str to ndarray
        One entry per entry of ``params``, of the same shape.
    """
    grads = {}
    dF, grads["W2"], grads["c2"] = linear_backward(cache["F"], params["W2"], dlogits)
    dU = dF * (cache["U"] > 0)                       # relu
    dI_res, grads["W1"], grads["c1"] = linear_backward(cache["I_res"], params["W1"], dU)
    dI = dI_res                                          # I_res = I (+ O): the identity path
    if config.attention != "none":
        dI_attention, attention_grads = _attention_backward(params, config, cache["I"], cache["mask"], dI_res)
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
        ``A_primes[l, j, i]`` is how much query i attends to key j in head l.
    """
    if config.attention == "none":
        raise ValueError("the per-vector baseline (attention='none') has no attention maps")
    _, cache = forward(params, config, [tokens])
    return cache["A_primes"]
