"""Invariants of self-attention, checked over random shapes with hypothesis.

The shapes are drawn so that d, d_k, d_v and N differ (a swapped axis cannot pass by
accident), and N = 1 is included.
"""

import tracemalloc

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

import solutions as S

settings.register_profile("course", max_examples=40, deadline=None, derandomize=True)
settings.load_profile("course")


@st.composite
def problems(draw, heads=1):
    """A random (I, Wq, Wk, Wv) with distinct d, d_k, d_v (and any N >= 1)."""
    d, d_k, d_v = draw(st.permutations([2, 3, 5]))
    N = draw(st.integers(1, 7))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    lead = (heads,) if heads > 1 else ()
    I = rng.normal(size=(d, N))
    Wq = rng.normal(size=lead + (d_k, d))
    Wk = rng.normal(size=lead + (d_k, d))
    Wv = rng.normal(size=lead + (d_v, d))
    return I, Wq, Wk, Wv


@given(problems())
def test_shapes_and_columns_of_A_prime_sum_to_one(p):
    I, Wq, Wk, Wv = p
    O, A_prime = S.self_attention(I, Wq, Wk, Wv)
    N = I.shape[1]
    assert O.shape == (Wv.shape[0], N)
    assert A_prime.shape == (N, N)
    assert O.dtype == A_prime.dtype == np.float64
    assert_allclose(A_prime.sum(axis=0), np.ones(N))
    assert (A_prime >= 0).all()


@given(problems())
def test_attend_equals_matrix_form_column_by_column(p):
    I, Wq, Wk, Wv = p
    O, A_prime = S.self_attention(I, Wq, Wk, Wv)
    for i in range(I.shape[1]):
        b, alpha_prime = S.attend(I, Wq, Wk, Wv, i)
        assert_allclose(b, O[:, i], atol=1e-12)
        assert_allclose(alpha_prime, A_prime[:, i], atol=1e-12)


@given(problems())
def test_the_loops_over_queries_equal_the_matrix_form(p):
    I, Wq, Wk, Wv = p
    O, A_prime = S.self_attention(I, Wq, Wk, Wv)
    assert_allclose(S.self_attention_by_query(I, Wq, Wk, Wv), O, atol=1e-12)
    O_loop, A_prime_loop = S.self_attention_loop(I, Wq, Wk, Wv)
    assert_allclose(O_loop, O, atol=1e-12)
    assert_allclose(A_prime_loop, A_prime, atol=1e-12)


def test_the_loop_over_queries_never_holds_an_n_by_n_matrix():
    """Chapter 3 compares memory: the query loop holds one column of scores, the matrix form all of A."""
    rng = np.random.default_rng(0)
    N, d = 400, 4
    args = (rng.normal(size=(d, N)), *rng.normal(size=(3, d, d)))
    peaks = {}
    for fn in (S.self_attention_by_query, S.self_attention):
        tracemalloc.start()
        fn(*args)
        peaks[fn.__name__] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert peaks["self_attention_by_query"] < 8 * N * N / 4 < 8 * N * N <= peaks["self_attention"]


@given(problems())
def test_column_form_equals_row_major_transposed(p):
    I, Wq, Wk, Wv = p
    for scale in (False, True):
        O, A_prime = S.self_attention(I, Wq, Wk, Wv, scale=scale)
        O_r, A_prime_r = S.self_attention_row_major(I.T, Wq.T, Wk.T, Wv.T, scale=scale)
        assert_allclose(O_r, O.T, atol=1e-12)
        assert_allclose(A_prime_r, A_prime.T, atol=1e-12)


@given(problems())
def test_scale_is_dividing_scores_by_sqrt_dk(p):
    I, Wq, Wk, Wv = p
    d_k = Wq.shape[0]
    scaled = S.self_attention(I, Wq, Wk, Wv, scale=True)
    by_hand = S.self_attention(I, Wq / np.sqrt(d_k), Wk, Wv)  # (Wq/√d_k) I gives Q/√d_k
    assert_allclose(scaled[0], by_hand[0], atol=1e-12)
    assert_allclose(scaled[1], by_hand[1], atol=1e-12)


@given(problems(), st.randoms(use_true_random=False))
def test_permutation_equivariance_without_positions(p, rnd):
    I, Wq, Wk, Wv = p
    N = I.shape[1]
    perm = list(range(N))
    rnd.shuffle(perm)
    O, A_prime = S.self_attention(I, Wq, Wk, Wv)
    O_p, A_p = S.self_attention(S.permute(I, perm), Wq, Wk, Wv)
    assert_allclose(O_p, O[:, perm], atol=1e-10)
    assert_allclose(A_p, A_prime[np.ix_(perm, perm)], atol=1e-10)


def test_positional_encoding_breaks_permutation_equivariance():
    rng = np.random.default_rng(1)
    d, N = 4, 5
    I = rng.normal(size=(d, N))
    Wq, Wk, Wv = (rng.normal(size=(3, d)) for _ in range(3))
    E = S.sinusoidal_encoding(d, N)
    perm = [4, 2, 0, 3, 1]
    O, _ = S.self_attention(I + E, Wq, Wk, Wv)
    O_p, _ = S.self_attention(S.permute(I, perm) + E, Wq, Wk, Wv)
    assert not np.allclose(O_p, O[:, perm], atol=1e-3)


@given(problems(heads=1))
def test_one_head_with_identity_Wo_is_single_head(p):
    I, Wq, Wk, Wv = p
    O, A_prime = S.self_attention(I, Wq, Wk, Wv)
    O_m, A_primes = S.multi_head_self_attention(I, Wq[None], Wk[None], Wv[None], np.eye(Wv.shape[0]))
    assert_allclose(O_m, O, atol=1e-12)
    assert_allclose(A_primes[0], A_prime, atol=1e-12)


@given(problems(heads=3), st.integers(1, 4))
def test_multi_head_stacks_heads_in_order(p, d_out):
    I, Wq, Wk, Wv = p
    h, d_v = Wv.shape[:2]
    Wo = np.random.default_rng(d_out).normal(size=(d_out, h * d_v))
    O, A_primes = S.multi_head_self_attention(I, Wq, Wk, Wv, Wo)
    heads = [S.self_attention(I, Wq[n], Wk[n], Wv[n]) for n in range(h)]
    expected = sum(Wo[:, n * d_v:(n + 1) * d_v] @ heads[n][0] for n in range(h))
    assert O.shape == (d_out, I.shape[1])
    assert_allclose(O, expected, atol=1e-10)
    for n in range(h):
        assert_allclose(A_primes[n], heads[n][1], atol=1e-12)


@given(problems())
def test_all_true_mask_equals_unmasked(p):
    I, Wq, Wk, Wv = p
    N = I.shape[1]
    O, A_prime = S.self_attention(I, Wq, Wk, Wv)
    O_m, A_m = S.masked_self_attention(I, Wq, Wk, Wv, np.ones((N, N), dtype=bool))
    assert_allclose(O_m, O, atol=1e-12)
    assert_allclose(A_m, A_prime, atol=1e-12)


@given(problems())
def test_causal_mask_zeroes_the_future_and_renormalises(p):
    I, Wq, Wk, Wv = p
    N = I.shape[1]
    causal = np.triu(np.ones((N, N), dtype=bool))      # mask[j, i] = j <= i
    O, A_prime = S.masked_self_attention(I, Wq, Wk, Wv, causal)
    assert (A_prime[~causal] == 0).all()
    assert_allclose(A_prime.sum(axis=0), np.ones(N))
    # Column i equals self-attention over the first i+1 inputs alone.
    for i in range(N):
        O_i, A_i = S.self_attention(I[:, : i + 1], Wq, Wk, Wv)
        assert_allclose(O[:, i], O_i[:, i], atol=1e-10)


@given(st.integers(1, 9), st.integers(0, 4))
def test_window_mask_is_a_band(N, half):
    mask = S.window_mask(N, 2 * half + 1)
    assert mask.dtype == bool and mask.shape == (N, N)
    assert (mask == mask.T).all()
    assert mask.diagonal().all()
    assert mask.sum(axis=0).max() <= 2 * half + 1


@given(st.integers(1, 12), st.integers(1, 9))
def test_sinusoidal_encoding_shape_and_pairs(d, N):
    E = S.sinusoidal_encoding(d, N)
    assert E.shape == (d, N)
    m = np.arange(d // 2)
    # each sin/cos pair lies on the unit circle
    assert_allclose(E[2 * m] ** 2 + E[2 * m + 1] ** 2, np.ones((d // 2, N)))
    assert_allclose(E[:, 0], [0.0 if r % 2 == 0 else 1.0 for r in range(d)])


@given(st.lists(st.floats(-1e4, 1e4), min_size=1, max_size=8))
def test_softmax_sums_to_one_and_keeps_order(x):
    y = S.softmax(x)
    assert np.isfinite(y).all()
    assert_allclose(y.sum(), 1.0)
    order = np.argsort(x, kind="stable")
    assert (np.diff(y[order]) >= -1e-15).all()
    assert_allclose(S.softmax(np.array(x) + 123.0), y, atol=1e-12)  # shift invariance


@given(problems())
def test_inputs_are_never_modified(p):
    I, Wq, Wk, Wv = p
    copies = [a.copy() for a in p]
    N = I.shape[1]
    S.self_attention(I, Wq, Wk, Wv, scale=True)
    S.masked_self_attention(I, Wq, Wk, Wv, np.ones((N, N), dtype=bool))
    S.attend(I, Wq, Wk, Wv, 0)
    S.softmax(I)
    S.permute(I, list(range(N)))
    for a, c in zip(p, copies):
        assert_allclose(a, c, rtol=0, atol=0)


@given(problems())
def test_rnn_step_t_depends_only_on_the_past(p):
    I, Wq, _, _ = p
    d, N = I.shape
    rng = np.random.default_rng(0)
    Wx, Wh = rng.normal(size=(3, d)), rng.normal(size=(3, 3)) * 0.5
    H = S.rnn_forward(I, Wx, Wh)
    assert H.shape == (3, N)
    changed = I.copy()
    changed[:, -1] += 1.0
    H2 = S.rnn_forward(changed, Wx, Wh)
    assert_allclose(H2[:, :-1], H[:, :-1])        # the future never reaches the past


def test_array_likes_are_accepted_and_floats_returned():
    O, A_prime = S.self_attention([[1, 2]], [[1]], [[1]], [[1]])
    assert O.dtype == np.float64 and A_prime.dtype == np.float64
    assert S.one_hot(["x"], ["x"]).dtype == np.float64
    assert isinstance(S.cosine_similarity([1, 2], [3, 4]), float)


@given(problems(heads=3), st.booleans())
def test_batched_multi_head_equals_the_loop_over_heads(p, scale):
    I, Wq, Wk, Wv = p
    h, d_v = Wv.shape[:2]
    Wo = np.random.default_rng(1).normal(size=(4, h * d_v))
    O, A_primes = S.multi_head_self_attention(I, Wq, Wk, Wv, Wo, scale=scale)
    O_b, A_b = S.multi_head_self_attention_batched(I, Wq, Wk, Wv, Wo, scale=scale)
    assert_allclose(O_b, O, atol=1e-10)
    assert_allclose(A_b, A_primes, atol=1e-12)


@given(problems())
def test_rnn_jacobians_match_finite_differences_and_vanish_for_the_future(p):
    I, _, _, _ = p
    d, N = I.shape
    rng = np.random.default_rng(2)
    Wx, Wh = rng.normal(size=(3, d)), rng.normal(size=(3, 3)) * 0.5
    H = S.rnn_forward(I, Wx, Wh)
    eps = 1e-6
    for j in range(N):
        J = S.rnn_jacobians(I, Wx, Wh, j)
        assert J.shape == (N, 3, d)
        assert_allclose(J[:j], 0.0)
        for k in range(d):
            nudged = I.copy()
            nudged[k, j] += eps
            numeric = (S.rnn_forward(nudged, Wx, Wh) - H) / eps        # (d_h, N)
            assert_allclose(J[:, :, k], numeric.T, atol=1e-5)
    R = S.rnn_influence(I, Wx, Wh)
    assert R.shape == (N, N)
    assert_allclose(np.tril(R, -1), 0.0)
    assert (np.diag(R) > 0).all()
