"""The functions behind three sections added by issue 20: why sinusoids (chapter 5's
position_rotation and rotary), and memory-efficient attention (chapter 3's online softmax)."""

import tracemalloc

import numpy as np
import pytest
from numpy.testing import assert_allclose

import solutions as S

# --------------------------------------------------------------------------- chapter 5


@pytest.mark.parametrize("d", [2, 8, 64])
def test_a_rotation_moves_every_sinusoidal_vector_by_the_same_offset(d):
    P = S.sinusoidal_encoding(d, 80)                     # (d, 80)
    for delta in (-7, -1, 0, 1, 3, 25):
        R = S.position_rotation(d, delta)
        for i in range(max(0, -delta), min(80, 80 - delta), 9):
            assert_allclose(R @ P[:, i], P[:, i + delta], atol=1e-12)


def test_position_rotation_is_a_rotation_in_each_pair_and_composes():
    d = 10
    assert_allclose(S.position_rotation(d, 0), np.eye(d))
    for a, b in ((1, 2), (5, -5), (-3, 11)):
        Ra, Rb = S.position_rotation(d, a), S.position_rotation(d, b)
        assert_allclose(Ra.T @ Ra, np.eye(d), atol=1e-12)           # orthogonal
        assert_allclose(Ra @ Rb, S.position_rotation(d, a + b), atol=1e-12)
        assert_allclose(Ra.T, S.position_rotation(d, -a), atol=1e-12)
    R = S.position_rotation(d, 3)
    blocks = np.kron(np.eye(d // 2), np.ones((2, 2)))               # the 2 x 2 diagonal blocks
    assert np.all(R[blocks == 0] == 0) and np.count_nonzero(R) == 2 * d


@pytest.mark.parametrize("d, delta", [(7, 1), (0, 1), (4, 1.5), (4, True)])
def test_position_rotation_rejects_bad_arguments_by_name(d, delta):
    with pytest.raises(ValueError, match="d must|delta must"):
        S.position_rotation(d, delta)


def test_rotary_turns_column_i_by_the_rotation_of_position_i():
    X = np.random.default_rng(0).normal(size=(6, 5))
    out = S.rotary(X)
    assert out.shape == (6, 5)
    assert_allclose(out[:, 0], X[:, 0])
    for i in range(5):
        assert_allclose(out[:, i], S.position_rotation(6, i) @ X[:, i], atol=1e-12)
    with pytest.raises(ValueError, match="even"):
        S.rotary(np.ones((5, 3)))


def test_rotary_scores_depend_on_the_positions_only_through_the_offset():
    rng = np.random.default_rng(1)
    d_k, N = 8, 9
    q, k = rng.normal(size=d_k), rng.normal(size=d_k)
    # The same query and key at every position: the scores form a Toeplitz matrix.
    A = S.rotary(np.tile(k[:, None], N)).T @ S.rotary(np.tile(q[:, None], N))   # (N, N), A[j, i]
    for j in range(N):
        for i in range(N):
            assert_allclose(A[j, i], q @ (S.position_rotation(d_k, j - i) @ k), atol=1e-12)
            if i > 0 and j > 0:
                assert_allclose(A[j, i], A[j - 1, i - 1], atol=1e-12)
    assert not np.allclose(A, A[0, 0])                 # the offset does matter


# --------------------------------------------------------------------------- chapter 3


@pytest.mark.parametrize("N", [1, 5, 64, 130])
@pytest.mark.parametrize("blocks", [(1, 1), (3, 7), (64, 16), (500, 500)])
def test_online_softmax_gives_the_matrix_form(N, blocks):
    rng = np.random.default_rng(N)
    args = (rng.normal(size=(5, N)), rng.normal(size=(3, 5)), rng.normal(size=(3, 5)), rng.normal(size=(4, 5)))
    for scale in (False, True):
        assert_allclose(S.self_attention_online(*args, *blocks, scale=scale),
                        S.self_attention(*args, scale=scale)[0], atol=1e-12)


def test_one_update_per_block_equals_one_update_with_every_key():
    rng = np.random.default_rng(4)
    A, V = rng.normal(size=(9, 3)) * 5, rng.normal(size=(2, 9))        # 9 keys, 3 queries, d_v = 2
    start = (np.full(3, -np.inf), np.zeros(3), np.zeros((2, 3)))
    m_all, s_all, acc_all = S.online_softmax_update(*start, A, V)
    state = start
    for k0 in (0, 4, 5):                                              # blocks of 4, 1 and 4 keys
        stop = {0: 4, 4: 5, 5: 9}[k0]
        state = S.online_softmax_update(*state, A[k0:stop], V[:, k0:stop])
    assert_allclose(state[0], A.max(axis=0))                          # the running maximum
    for got, want in zip(state, (m_all, s_all, acc_all)):
        assert_allclose(got, want, rtol=1e-12)
    assert_allclose(state[2] / state[1], V @ S.softmax(A, axis=0), rtol=1e-12)


def test_online_softmax_keeps_the_running_maximum_for_huge_scores():
    # Scores near 1e4: exp would overflow without the running maximum, and a key block
    # that raises the maximum must rescale the sums of the blocks before it.
    rng = np.random.default_rng(3)
    I = rng.normal(size=(2, 40)) * 100
    I[:, -1] *= 3                                      # the largest scores come in the last block
    args = (I, rng.normal(size=(2, 2)), rng.normal(size=(2, 2)), rng.normal(size=(2, 2)))
    with np.errstate(over="raise", invalid="raise"):
        O = S.self_attention_online(*args, query_block=8, key_block=8)
    assert_allclose(O, S.self_attention(*args)[0], atol=1e-9)


def test_online_softmax_never_holds_an_n_by_n_matrix():
    rng = np.random.default_rng(0)
    N, d = 512, 4
    args = (rng.normal(size=(d, N)), *rng.normal(size=(3, d, d)))
    tracemalloc.start()
    S.self_attention_online(*args, query_block=64, key_block=64)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 8 * N * N / 4


@pytest.mark.parametrize("kwargs", [{"query_block": 0}, {"key_block": -1}, {"key_block": 2.5}])
def test_online_softmax_rejects_bad_block_sizes_by_name(kwargs):
    I = np.ones((2, 3))
    with pytest.raises(ValueError, match="block"):
        S.self_attention_online(I, np.ones((2, 2)), np.ones((2, 2)), np.ones((2, 2)), **kwargs)
