"""The capstone: hand-written backward passes against finite differences, the corpus, and training.

Shapes are chosen so that d, d_k, d_v and N all differ (a transposed gradient cannot
pass by accident), and N = 1 is included.
"""

import numpy as np
import pytest
from numpy.testing import assert_allclose

import solutions as S
from solutions import ch08_attention_backward as B, ch08_corpus, ch08_masked_multi_head as M, ch08_tagger as T

SAW = ("I", "saw", "a", "saw")


def numerical_gradient(f, x, eps=1e-6):
    """Central differences of the scalar function f() with respect to the array x (changed in place, restored)."""
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + eps
        up = f()
        x[idx] = old - eps
        down = f()
        x[idx] = old
        grad[idx] = (up - down) / (2 * eps)
    return grad


def attention_problem(N, seed, d=3, d_k=2, d_v=5):
    rng = np.random.default_rng(seed)
    return (rng.normal(size=(d, N)), rng.normal(size=(d_k, d)), rng.normal(size=(d_k, d)),
            rng.normal(size=(d_v, d)), rng.normal(size=(d_v, N)))


# --- self_attention_backward --------------------------------------------------


@pytest.mark.parametrize("N", [1, 4])
@pytest.mark.parametrize("scale", [False, True])
@pytest.mark.parametrize("shapes", [(3, 2, 5), (5, 4, 2)])
def test_self_attention_backward_matches_finite_differences(N, scale, shapes):
    d, d_k, d_v = shapes
    I, Wq, Wk, Wv, G = attention_problem(N, seed=N + 10 * scale + d, d=d, d_k=d_k, d_v=d_v)

    def loss():  # L = Σ G ⊙ O, so dL/dO = G
        return np.sum(G * S.self_attention(I, Wq, Wk, Wv, scale=scale)[0])

    grads = B.self_attention_backward(I, Wq, Wk, Wv, G, scale=scale)
    for name, x, g in zip(("dI", "dWq", "dWk", "dWv"), (I, Wq, Wk, Wv), grads):
        assert g.shape == x.shape, f"{name} has shape {g.shape}, expected {x.shape}"
        assert_allclose(g, numerical_gradient(loss, x), rtol=1e-5, atol=1e-7, err_msg=name)


def test_self_attention_backward_with_a_causal_mask_matches_finite_differences():
    I, Wq, Wk, Wv, G = attention_problem(5, seed=3)
    mask = np.triu(np.ones((5, 5), dtype=bool))  # key j <= query i: asymmetric, so a transposed mask fails

    def loss():
        return np.sum(G * S.masked_self_attention(I, Wq, Wk, Wv, mask)[0])

    grads = B.self_attention_backward(I, Wq, Wk, Wv, G, mask=mask)
    for name, x, g in zip(("dI", "dWq", "dWk", "dWv"), (I, Wq, Wk, Wv), grads):
        assert_allclose(g, numerical_gradient(loss, x), rtol=1e-5, atol=1e-7, err_msg=name)


def test_self_attention_backward_leaves_inputs_alone_and_returns_floats():
    I, Wq, Wk, Wv, G = attention_problem(4, seed=1)
    copies = [a.copy() for a in (I, Wq, Wk, Wv, G)]
    grads = B.self_attention_backward(I.tolist(), Wq, Wk, Wv, G.astype(np.float32))
    for a, b in zip((I, Wq, Wk, Wv, G), copies):
        assert_allclose(a, b, rtol=0, atol=0)
    assert all(g.dtype == np.float64 for g in grads)


def test_self_attention_backward_by_hand_for_one_vector():
    # N = 1: A′ = [[1]] whatever the scores, so dQ = dK = 0 and only the value path is left:
    # O = Wv a, so dWv = dO aᵀ and dI = Wvᵀ dO.
    I, Wq, Wk, Wv = np.array([[1.0], [2.0]]), np.eye(2), np.eye(2), np.array([[1.0, 0.0], [0.0, 3.0]])
    dO = np.array([[1.0], [1.0]])
    dI, dWq, dWk, dWv = B.self_attention_backward(I, Wq, Wk, Wv, dO)
    assert_allclose(dWq, 0, atol=1e-15)
    assert_allclose(dWk, 0, atol=1e-15)
    assert_allclose(dWv, [[1.0, 2.0], [1.0, 2.0]])
    assert_allclose(dI, [[1.0], [3.0]])


# --- multi-head ------------------------------------------------------------------


def multi_head_problem(N=4, seed=0, h=2, d=3, d_k=2, d_v=5, d_out=4):
    rng = np.random.default_rng(seed)
    return (rng.normal(size=(d, N)), rng.normal(size=(h, d_k, d)), rng.normal(size=(h, d_k, d)),
            rng.normal(size=(h, d_v, d)), rng.normal(size=(d_out, h * d_v)), rng.normal(size=(d_out, N)))


def test_masked_multi_head_with_an_all_true_mask_is_multi_head():
    I, Wq, Wk, Wv, Wo, _ = multi_head_problem()
    O, A_primes = M.masked_multi_head_self_attention(I, Wq, Wk, Wv, Wo, np.ones((4, 4), dtype=bool))
    O_ref, A_ref = S.multi_head_self_attention(I, Wq, Wk, Wv, Wo)
    assert_allclose(O, O_ref)
    assert_allclose(A_primes, A_ref)


@pytest.mark.parametrize("N, masked", [(1, False), (4, False), (4, True)])
def test_multi_head_backward_matches_finite_differences(N, masked):
    I, Wq, Wk, Wv, Wo, G = multi_head_problem(N=N, seed=N)
    mask = np.triu(np.ones((N, N), dtype=bool)) if masked else np.ones((N, N), dtype=bool)

    def loss():
        return np.sum(G * M.masked_multi_head_self_attention(I, Wq, Wk, Wv, Wo, mask)[0])

    grads = B.multi_head_self_attention_backward(I, Wq, Wk, Wv, Wo, G, mask=mask if masked else None)
    for name, x, g in zip(("dI", "dWq", "dWk", "dWv", "dWo"), (I, Wq, Wk, Wv, Wo), grads):
        assert g.shape == x.shape, f"{name} has shape {g.shape}, expected {x.shape}"
        assert_allclose(g, numerical_gradient(loss, x), rtol=1e-5, atol=1e-7, err_msg=name)


# --- the capstone exercise: masked heads, Wo and the residual ---------------------


def residual_problem(N=5, seed=0, h=2, d=4, d_k=3, d_v=2):
    """Inputs of ``residual_attention_backward``: Wo maps h*d_v rows back to d."""
    rng = np.random.default_rng(seed)
    return (rng.normal(size=(d, N)), rng.normal(size=(h, d_k, d)), rng.normal(size=(h, d_k, d)),
            rng.normal(size=(h, d_v, d)), rng.normal(size=(d, h * d_v)), rng.normal(size=(d, N)))


def padding_mask(N, real):
    return np.repeat((np.arange(N) < real)[:, None], N, axis=1)


MASKS = {
    "none": lambda N: np.ones((N, N), dtype=bool),
    "causal": lambda N: np.triu(np.ones((N, N), dtype=bool)),
    "padding": lambda N: padding_mask(N, N - 2),
    "causal and padding": lambda N: np.triu(np.ones((N, N), dtype=bool)) & padding_mask(N, N - 1),
}


def test_residual_attention_is_the_input_plus_the_masked_heads():
    I, Wq, Wk, Wv, Wo, _ = residual_problem()
    mask = MASKS["causal"](5)
    O, _ = M.masked_multi_head_self_attention(I, Wq, Wk, Wv, Wo, mask)
    assert_allclose(M.residual_attention(I, Wq, Wk, Wv, Wo, mask), I + O)
    with pytest.raises(ValueError, match="needs Wo with d = 4 rows"):
        M.residual_attention(I, Wq, Wk, Wv, Wo[:3], mask)


@pytest.mark.parametrize("mask", list(MASKS))
@pytest.mark.parametrize("scale", [False, True])
@pytest.mark.parametrize("h, d, d_k, d_v", [(1, 3, 2, 5), (2, 4, 3, 2), (3, 2, 4, 1)])
def test_residual_attention_backward_matches_finite_differences(mask, scale, h, d, d_k, d_v):
    N = 6
    I, Wq, Wk, Wv, Wo, G = residual_problem(N, seed=h + 10 * d + scale, h=h, d=d, d_k=d_k, d_v=d_v)
    m = MASKS[mask](N)

    def loss():  # L = Σ G ⊙ I_res, so dL/dI_res = G
        return np.sum(G * M.residual_attention(I, Wq, Wk, Wv, Wo, m, scale))

    grads = B.residual_attention_backward(I, Wq, Wk, Wv, Wo, G, m, scale)
    for name, x, g in zip(("dI", "dWq", "dWk", "dWv", "dWo"), (I, Wq, Wk, Wv, Wo), grads):
        assert g.shape == x.shape, f"{name} has shape {g.shape}, expected {x.shape}"
        assert_allclose(g, numerical_gradient(loss, x), rtol=1e-5, atol=1e-7, err_msg=name)


def test_residual_attention_backward_for_one_vector_by_hand():
    # N = 1: every A′ is [[1]], so Oˡ = Wv[ℓ] a and the queries and keys get no gradient.
    I, Wq, Wk = np.array([[1.0], [2.0]]), np.ones((2, 1, 2)), np.ones((2, 1, 2))
    Wv, Wo = np.array([[[1.0, 0.0]], [[0.0, 1.0]]]), np.array([[1.0, 0.0], [0.0, 3.0]])
    dI, dWq, dWk, dWv, dWo = B.residual_attention_backward(I, Wq, Wk, Wv, Wo, np.array([[1.0], [1.0]]), [[True]])
    assert_allclose(dWq, 0, atol=1e-15)
    assert_allclose(dWk, 0, atol=1e-15)
    assert_allclose(dWo, [[1.0, 2.0], [1.0, 2.0]])           # the heads' outputs are 1 and 2
    assert_allclose(dWv, [[[1.0, 2.0]], [[3.0, 6.0]]])       # head 2 is scaled by 3 on its way out
    assert_allclose(dI, [[2.0], [4.0]])                      # 1 around the heads, plus 1 and 3


def test_residual_attention_backward_checks_its_inputs_and_leaves_them_alone():
    I, Wq, Wk, Wv, Wo, G = residual_problem()
    copies = [a.copy() for a in (I, Wq, Wk, Wv, Wo, G)]
    grads = B.residual_attention_backward(I.tolist(), Wq, Wk, Wv, Wo, G.astype(np.float32), MASKS["none"](5))
    for a, b in zip((I, Wq, Wk, Wv, Wo, G), copies):
        assert_allclose(a, b, rtol=0, atol=0)
    assert all(g.dtype == np.float64 for g in grads)
    with pytest.raises(ValueError, match="dI_res must match I_res"):
        B.residual_attention_backward(I, Wq, Wk, Wv, Wo, G.T, MASKS["none"](5))
    with pytest.raises(ValueError, match="allow no key"):
        B.residual_attention_backward(I, Wq, Wk, Wv, Wo, G, np.zeros((5, 5), dtype=bool))


# --- the classifier, the loss and the whole tagger -------------------------------


def test_cross_entropy_value_and_gradient():
    rng = np.random.default_rng(0)
    logits, targets = rng.normal(size=(7, 5)), np.array([0, 3, 3, 6, 1])
    loss, dlogits = T.cross_entropy(logits, targets)
    P = np.exp(logits) / np.exp(logits).sum(axis=0)
    assert loss == pytest.approx(-np.mean(np.log(P[targets, range(5)])))
    assert_allclose(dlogits, numerical_gradient(lambda: T.cross_entropy(logits, targets)[0], logits), atol=1e-8)


def test_linear_backward_matches_finite_differences():
    rng = np.random.default_rng(1)
    I_in, W, b, G = rng.normal(size=(3, 4)), rng.normal(size=(5, 3)), rng.normal(size=5), rng.normal(size=(5, 4))

    def loss():
        return np.sum(G * S.position_wise(I_in, W, b))

    for name, x, g in zip(("dI_in", "dW", "db"), (I_in, W, b), T.linear_backward(I_in, W, G)):
        assert_allclose(g, numerical_gradient(loss, x), rtol=1e-6, atol=1e-8, err_msg=name)


CONFIGS = {
    "baseline": T.TaggerConfig(attention="none", positions="none"),
    "positions, no attention": T.TaggerConfig(attention="none", positions="learned"),
    "window": T.TaggerConfig(attention="window"),
    "full, no positions": T.TaggerConfig(positions="none"),
    "full, sinusoidal": T.TaggerConfig(positions="sinusoidal"),
    "full, learned": T.TaggerConfig(),
    "two heads": T.TaggerConfig(heads=2),
}


@pytest.mark.parametrize("name", list(CONFIGS))
def test_tagger_backward_matches_finite_differences(name):
    config = T.TaggerConfig(**{**CONFIGS[name].__dict__, "d": 4, "d_k": 3, "d_hidden": 5})
    params = T.init_params(config, seed=2)
    batch = ch08_corpus.make_corpus(3, seed=5)
    sentences = [tokens for tokens, _ in batch]
    targets = np.array([ch08_corpus.TAGS.index(t) for _, tags in batch for t in tags])

    def loss():
        return T.cross_entropy(T.forward(params, config, sentences)[0], targets)[0]

    logits, cache = T.forward(params, config, sentences)
    grads = T.backward(params, config, cache, T.cross_entropy(logits, targets)[1])
    assert set(grads) == set(params)
    for key, x in params.items():
        assert_allclose(grads[key], numerical_gradient(loss, x), rtol=1e-4, atol=1e-7, err_msg=key)


def test_sentences_of_a_batch_do_not_see_each_other():
    config = T.TaggerConfig()
    params = T.init_params(config, seed=0)
    alone = T.forward(params, config, [SAW])[0]
    together = T.forward(params, config, [("the", "dog", "sat"), SAW])[0][:, 3:]
    assert_allclose(together, alone, atol=1e-12)


def test_sentence_mask_by_hand():
    mask = T.sentence_mask([2, 3], width=3)
    expected = np.array([
        [1, 1, 0, 0, 0],
        [1, 1, 0, 0, 0],
        [0, 0, 1, 1, 0],
        [0, 0, 1, 1, 1],
        [0, 0, 0, 1, 1],
    ], dtype=bool)
    assert (mask == expected).all()


# --- bad input ----------------------------------------------------------------------

I34, W23, W53 = np.zeros((3, 4)), np.zeros((2, 3)), np.zeros((5, 3))


@pytest.mark.parametrize(
    "call, fragments",
    [
        (lambda: B.self_attention_backward(I34, W23, W23, W53, np.zeros((4, 5))), ["dO", "(4, 5)", "(5, 4)"]),
        (lambda: B.self_attention_backward(I34, W23, W23, W53, np.zeros(5)), ["dO", "(5,)"]),
        (lambda: B.self_attention_backward(I34, W23, np.zeros((3, 3)), W53, np.zeros((5, 4))), ["Wk", "(3, 3)", "(2, 3)"]),
        (lambda: B.self_attention_backward(I34, np.zeros((2, 4)), W23, W53, np.zeros((5, 4))), ["Wq", "(2, 4)", "(3, 4)"]),
        (lambda: B.self_attention_backward(I34, W23, W23, W53, np.zeros((5, 4)), mask=np.ones((3, 3), bool)),
         ["(3, 3)", "(4, 4)"]),
        (lambda: B.multi_head_self_attention_backward(I34, np.zeros((2, 2, 3)), np.zeros((2, 2, 3)), np.zeros((2, 5, 3)),
                                                      np.zeros((4, 5)), np.zeros((4, 4))), ["Wo", "(4, 5)", "(d_out, 10)"]),
        (lambda: B.multi_head_self_attention_backward(I34, np.zeros((2, 2, 3)), np.zeros((2, 2, 3)), np.zeros((2, 5, 3)),
                                                      np.zeros((4, 10)), np.zeros((5, 4))), ["dO", "(5, 4)", "(4, 4)"]),
        (lambda: M.masked_multi_head_self_attention(I34, np.zeros((2, 2, 3)), np.zeros((3, 2, 3)), np.zeros((2, 5, 3)),
                                                    np.zeros((4, 10)), np.ones((4, 4), bool)), ["(2, 2, 3)", "(3, 2, 3)"]),
        (lambda: T.init_params(T.TaggerConfig(attention="conv"), 0), ["attention", "'conv'"]),
        (lambda: T.init_params(T.TaggerConfig(positions="yes"), 0), ["positions", "'yes'"]),
        (lambda: T.forward(T.init_params(T.TaggerConfig(), 0), T.TaggerConfig(), [("the",) * 9]), ["9 tokens", "max_len = 8"]),
        (lambda: T.forward(T.init_params(T.TaggerConfig(), 0), T.TaggerConfig(), [("the", "zebra")]), ["'zebra'"]),
        (lambda: ch08_corpus.make_corpus(0, seed=0), ["n_sentences", "0"]),
        (lambda: T.attention_maps({}, T.TaggerConfig(attention="none"), SAW), ["baseline", "no attention"]),
    ],
)
def test_bad_input_raises_value_error_naming_it(call, fragments):
    with pytest.raises(ValueError) as info:
        call()
    for fragment in fragments:
        assert fragment in str(info.value), f"{fragment!r} missing from {str(info.value)!r}"


# --- the corpus ------------------------------------------------------------------------


def test_corpus_is_deterministic_for_a_seed():
    assert ch08_corpus.make_corpus(50, seed=7) == ch08_corpus.make_corpus(50, seed=7)
    assert ch08_corpus.make_corpus(50, seed=7) != ch08_corpus.make_corpus(50, seed=8)


def test_ambiguous_words_take_their_tag_from_context():
    corpus = ch08_corpus.make_corpus(500, seed=0)
    seen = {}
    for tokens, tags in corpus:
        assert len(tokens) == len(tags) and set(tokens) <= set(ch08_corpus.VOCAB) and set(tags) <= set(ch08_corpus.TAGS)
        for n, (word, tag) in enumerate(zip(tokens, tags)):
            if word in ch08_corpus.AMBIGUOUS:
                seen.setdefault(word, set()).add(tag)
                after_det_or_adj = n > 0 and tags[n - 1] in ("DET", "ADJ")
                assert (tag == "NOUN") == after_det_or_adj, f"{word!r} tagged {tag} in {' '.join(tokens)!r}"
    assert {w: sorted(t) for w, t in seen.items()} == {w: sorted(t) for w, t in ch08_corpus.AMBIGUOUS.items()}
    assert 0.5 < ch08_corpus.majority_rate(corpus) < 0.7  # context matters: no tag wins by much


def test_without_sentence_holds_out_i_saw_a_saw():
    corpus = ch08_corpus.make_corpus(20, seed=0) + [(SAW, ("PRON", "VERB", "DET", "NOUN"))] * 2
    held_out = ch08_corpus.without_sentence(corpus, SAW)
    assert SAW not in [t for t, _ in held_out] and len(held_out) == 20


# --- training: the done-when of the capstone ------------------------------------------------


def test_positions_without_attention_tag_a_word_from_itself_and_its_position_only():
    # Chapter 8's control: the same word at the same position gets the same scores in any
    # sentence, and the same word at another position may get others.
    config = T.TaggerConfig(attention="none", positions="learned")
    params = T.init_params(config, seed=4)
    logits, _ = T.forward(params, config, [("I", "saw", "a", "saw"), ("we", "saw", "the", "big", "dog")])
    assert_allclose(logits[:, 1], logits[:, 5])      # "saw" at position 2 in both sentences
    assert not np.allclose(logits[:, 1], logits[:, 3])  # "saw" at positions 2 and 4
    assert set(params) == {"E", "P", "W1", "c1", "W2", "c2"}


@pytest.fixture(scope="module")
def data():
    train = ch08_corpus.without_sentence(ch08_corpus.make_corpus(600, seed=0), SAW)
    test = ch08_corpus.make_corpus(300, seed=1)
    return train, test


def test_attention_with_positions_tags_both_saws_where_the_baseline_cannot(data):
    train, test = data
    assert SAW not in [t for t, _ in train]  # the model never meets the sentence itself
    attention = T.TaggerConfig()
    params, losses = T.train(attention, train, seed=0, epochs=30)
    assert losses[-1] < losses[0] / 10
    assert T.predict(params, attention, [SAW]) == [("PRON", "VERB", "DET", "NOUN")]
    assert T.accuracy(params, attention, test)["ambiguous"] >= 0.95

    baseline = T.TaggerConfig(attention="none", positions="none")
    params, _ = T.train(baseline, train, seed=0, epochs=30)
    _, first, _, second = T.predict(params, baseline, [SAW])[0]
    assert first == second  # one vector in, one tag out: the two "saw"s cannot differ
    assert T.accuracy(params, baseline, test)["ambiguous"] <= ch08_corpus.majority_rate(test)


def test_without_positions_attention_cannot_tell_the_saws_apart_either(data):
    train, _ = data
    config = T.TaggerConfig(positions="none")
    params, _ = T.train(config, train, seed=0, epochs=5)
    _, first, _, second = T.predict(params, config, [SAW])[0]
    assert first == second  # permutation equivariance: same word, same set around it
    A = T.attention_maps(params, config, SAW)[0]
    assert_allclose(A[:, 1], A[:, 3])  # the two "saw" queries attend identically
