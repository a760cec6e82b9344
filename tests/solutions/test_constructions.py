"""The constructions of exercises 3, 4 and 6, checked on what self-attention does with them."""

from pathlib import Path

import numpy as np
import pytest

import solutions as S

ROOT = Path(__file__).resolve().parents[2]


def test_chapter_1s_embedding_is_the_one_the_page_shows():
    page = (ROOT / "book" / "ch01-vector-sets.md").read_text(encoding="utf-8")
    assert "sentence = " + repr(list(S.SAW_SENTENCE)).replace("'", '"') in page
    for row in S.E_SAW.tolist():
        assert str(row) in page, row


@pytest.mark.parametrize("d_word, N", [(3, 4), (1, 2), (5, 9), (2, 40)])
def test_every_word_attends_most_to_the_word_before(d_word, N):
    rng = np.random.default_rng(N)
    I = S.with_positions(rng.normal(size=(d_word, N)) * 10)
    Wq, Wk = S.previous_word_weights(d_word, N)
    _, A_prime = S.self_attention(I, Wq, Wk, np.eye(d_word + N))
    for i in range(1, N):
        others = np.delete(A_prime[:, i], i - 1)
        assert A_prime[i - 1, i] - others.max() >= 0.5


def test_with_positions_puts_a_one_hot_position_under_the_words():
    I_words = np.arange(6.0).reshape(2, 3)
    I = S.with_positions(I_words)
    assert I.shape == (5, 3)
    assert np.array_equal(I[:2], I_words) and np.array_equal(I[2:], np.eye(3))


def test_the_type_and_the_group_head():
    rng = np.random.default_rng(4)
    types, groups = rng.integers(3, size=10), rng.integers(2, size=10)
    I = S.type_group_input(types, groups, 3, 2)
    Wq, Wk = S.type_group_weights(3, 2)
    _, A_primes = S.multi_head_self_attention(I, Wq, Wk, np.stack([np.eye(5)] * 2), np.eye(10))
    for head, labels in ((0, types), (1, groups)):
        same = labels[:, None] == labels[None, :]               # same[j, i]: key j shares query i's label
        assert np.all((A_primes[head] * same).sum(axis=0) >= 0.9)
        for i in range(10):
            assert np.ptp(A_primes[head][same[:, i], i]) < 1e-12  # evenly over them


def test_type_group_input_rejects_labels_out_of_range():
    with pytest.raises(ValueError, match="types must lie"):
        S.type_group_input([0, 2], [0, 0], 2, 1)


def _conv_by_loop(I, W):
    """The convolution written out, one output and one offset at a time (wrapping around)."""
    w, d_out, _ = W.shape
    N = I.shape[1]
    Y = np.zeros((d_out, N))
    for i in range(N):
        for m in range(w):
            Y[:, i] += W[m] @ I[:, (i + m - w // 2) % N]
    return Y


@pytest.mark.parametrize("w, d, d_out, N", [(3, 2, 3, 6), (5, 3, 2, 7), (1, 2, 2, 3), (3, 2, 2, 2), (7, 1, 1, 4)])
def test_masked_heads_compute_the_convolution_exactly_for_any_queries_and_keys(w, d, d_out, N):
    rng = np.random.default_rng(w * 100 + N)
    W = rng.normal(size=(w, d_out, d))
    masks, Wv, Wo = S.conv_as_heads(W, N)
    assert masks.shape == (w, N, N) and masks.dtype == bool
    for _ in range(3):
        I = rng.normal(size=(d, N))
        Wq, Wk = rng.normal(size=(2, w, 4, d)) * 5
        O, A_primes = S.heads_with_masks(I, Wq, Wk, Wv, Wo, masks)
        assert np.allclose(S.conv1d(I, W), _conv_by_loop(I, W), rtol=1e-12, atol=1e-12)
        assert np.allclose(O, S.conv1d(I, W), rtol=1e-12, atol=1e-12)
        assert np.array_equal(A_primes, masks.astype(float))


def test_heads_with_one_mask_are_chapter_8s_masked_multi_head_layer():
    rng = np.random.default_rng(8)
    I, Wq, Wk, Wv, Wo = rng.normal(size=(3, 5)), rng.normal(size=(2, 4, 3)), rng.normal(size=(2, 4, 3)), \
        rng.normal(size=(2, 2, 3)), rng.normal(size=(3, 4))
    mask = S.window_mask(5, 3)
    O, A = S.heads_with_masks(I, Wq, Wk, Wv, Wo, np.stack([mask, mask]))
    O8, A8 = S.masked_multi_head_self_attention(I, Wq, Wk, Wv, Wo, mask)
    assert np.allclose(O, O8) and np.allclose(A, A8)


def test_one_head_with_fixed_weights_cannot_fit_a_generic_kernel():
    """One head applies alpha_delta * M to offset delta: the kernel's rows must have rank 1."""
    rng = np.random.default_rng(6)
    W = rng.normal(size=(3, 2, 3))
    sigma = np.linalg.svd(W.reshape(3, -1), compute_uv=False)
    assert sigma[1] > 0.1 * sigma[0]                 # no (alpha, M) reaches it
    # a kernel that IS alpha_delta * M can be fitted by one head: the rank argument is not vacuous
    M, alpha = rng.normal(size=(2, 3)), np.array([0.2, 0.5, 0.3])
    assert np.linalg.matrix_rank((alpha[:, None, None] * M).reshape(3, -1)) == 1


@pytest.mark.parametrize("bad", [np.ones((2, 2, 3)), np.ones((3, 2))])
def test_conv_as_heads_rejects_an_even_width_or_a_flat_kernel(bad):
    with pytest.raises(ValueError):
        S.conv_as_heads(bad, 4)
    with pytest.raises(ValueError):
        S.conv1d(np.ones((3, 4)), bad)
