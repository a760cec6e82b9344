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


def _attention_jacobian_numeric(I, Wq, Wk, Wv, j, eps=1e-6):
    """(N, d_v, d): ∂bⁱ/∂aʲ for every output i, by central differences of self_attention."""
    d, N = I.shape
    J = np.zeros((N, Wv.shape[0], d))
    for k in range(d):
        up, down = I.copy(), I.copy()
        up[k, j] += eps
        down[k, j] -= eps
        J[:, :, k] = ((S.self_attention(up, Wq, Wk, Wv)[0] - S.self_attention(down, Wq, Wk, Wv)[0]) / (2 * eps)).T
    return J


@given(problems())
def test_attention_influence_is_the_norm_of_the_jacobians_by_finite_differences(p):
    I, Wq, Wk, Wv = p
    N = I.shape[1]
    R = S.attention_influence(I, Wq, Wk, Wv)
    assert R.shape == (N, N)
    numeric = np.stack([np.linalg.norm(_attention_jacobian_numeric(I, Wq, Wk, Wv, j), axis=(1, 2)) for j in range(N)])
    assert_allclose(R, numeric, rtol=1e-5, atol=1e-7)


def test_attention_influence_has_no_zeros_where_the_rnn_has_them():
    """Every output of self-attention depends on every input; the RNN's states never on later inputs."""
    rng = np.random.default_rng(3)
    I = rng.normal(size=(3, 6))
    # small score weights keep the softmax away from one-hot, where some weights (and entries) are tiny
    R = S.attention_influence(I, *(0.5 * rng.normal(size=(2, 3)) for _ in range(2)), rng.normal(size=(4, 3)))
    assert (R > 0.1).all()
    assert_allclose(np.tril(S.rnn_influence(I, rng.normal(size=(4, 3)), 0.5 * rng.normal(size=(4, 4))), -1), 0.0)


def test_attention_influence_with_constant_weights_is_the_value_path():
    """Wq = 0 makes every score 0: the weights are 1/N whatever the inputs, so ∂bⁱ/∂aʲ = Wv / N."""
    rng = np.random.default_rng(4)
    I, Wk, Wv = rng.normal(size=(3, 5)), rng.normal(size=(2, 3)), rng.normal(size=(4, 3))
    R = S.attention_influence(I, np.zeros((2, 3)), Wk, Wv)
    assert_allclose(R, np.full((5, 5), np.linalg.norm(Wv) / 5), rtol=1e-12)


@given(problems(), st.randoms(use_true_random=False))
def test_permutation_gaps_are_zero_without_positions_and_match_the_definition_with_them(p, rnd):
    I, Wq, Wk, Wv = p
    d, N = I.shape
    perm = list(range(N))
    rnd.shuffle(perm)
    without, with_positions = S.permutation_gaps(I, Wq, Wk, Wv, perm)
    assert without.shape == with_positions.shape == (N,)
    assert_allclose(without, 0.0, atol=1e-10)
    P = S.sinusoidal_encoding(d, N)
    O, O_perm = S.self_attention(I + P, Wq, Wk, Wv)[0], S.self_attention(I[:, perm] + P, Wq, Wk, Wv)[0]
    assert_allclose(with_positions, np.sqrt(((O[:, perm] - O_perm) ** 2).sum(axis=0)), atol=1e-12)
    if perm == list(range(N)):
        assert_allclose(with_positions, 0.0, atol=1e-12)


def test_positions_break_equivariance_in_the_gaps():
    rng = np.random.default_rng(5)
    I, Wq, Wk, Wv = rng.normal(size=(4, 5)), rng.normal(size=(3, 4)), rng.normal(size=(3, 4)), rng.normal(size=(2, 4))
    without, with_positions = S.permutation_gaps(I, Wq, Wk, Wv, [4, 2, 0, 3, 1])
    assert without.max() < 1e-12 < 1e-3 < with_positions.min()
