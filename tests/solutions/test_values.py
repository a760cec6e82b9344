"""Values worked out by hand, in the comments, for the reference implementation."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

import solutions as S

e = np.e

# An example small enough to work out by hand: four inputs a¹…a⁴ give four outputs b¹…b⁴.
#   a¹ = (1, 0), a² = (0, 1), a³ = (1, 1), a⁴ = (0, 0)
#   Wq = Wk = the 2×2 identity, so qⁱ = kⁱ = aⁱ;  Wv = diag(1, 2), so
#   v¹ = (1, 0), v² = (0, 2), v³ = (1, 2), v⁴ = (0, 0).
I4 = np.array([[1.0, 0.0, 1.0, 0.0],
               [0.0, 1.0, 1.0, 0.0]])
EYE = np.eye(2)
WV = np.diag([1.0, 2.0])

# Query 1, q¹ = (1, 0):  α₁,ⱼ = q¹·kʲ = 1, 0, 1, 0
#   α′₁ = (e, 1, e, 1) / (2e + 2)
#   b¹ = [e(1,0) + 1(0,2) + e(1,2) + 1(0,0)] / (2e+2) = (2e, 2+2e) / (2e+2) = (e/(e+1), 1)
# Query 2, q² = (0, 1):  α₂,ⱼ = 0, 1, 1, 0
#   α′₂ = (1, e, e, 1) / (2e + 2)
#   b² = [(1,0) + e(0,2) + e(1,2)] / (2e+2) = (1+e, 4e) / (2e+2) = (1/2, 2e/(e+1))
# Query 3, q³ = (1, 1):  α₃,ⱼ = 1, 1, 2, 0
#   α′₃ = (e, e, e², 1) / (e+1)²        since 2e + e² + 1 = (e+1)²
#   b³ = [e(1,0) + e(0,2) + e²(1,2)] / (e+1)² = (e(1+e), 2e(1+e)) / (e+1)² = (e/(e+1), 2e/(e+1))
# Query 4, q⁴ = (0, 0):  every α₄,ⱼ = 0, so α′₄ = (1/4, 1/4, 1/4, 1/4)
#   b⁴ = [(1,0) + (0,2) + (1,2) + (0,0)] / 4 = (1/2, 1)
ALPHA_PRIME = np.array([
    np.array([e, 1, e, 1]) / (2 * e + 2),
    np.array([1, e, e, 1]) / (2 * e + 2),
    np.array([e, e, e * e, 1]) / (e + 1) ** 2,
    [0.25, 0.25, 0.25, 0.25],
]).T  # column i belongs to query i
B = np.array([
    [e / (e + 1), 1.0],
    [0.5, 2 * e / (e + 1)],
    [e / (e + 1), 2 * e / (e + 1)],
    [0.5, 1.0],
]).T  # O = [b¹ b² b³ b⁴]


def test_hand_example_matrix_form():
    O, A_prime = S.self_attention(I4, EYE, EYE, WV)
    assert_allclose(A_prime, ALPHA_PRIME, rtol=1e-12)
    assert_allclose(O, B, rtol=1e-12)


@pytest.mark.parametrize("i", range(4))
def test_hand_example_one_query_at_a_time(i):
    b, alpha_prime = S.attend(I4, EYE, EYE, WV, i)
    assert_allclose(alpha_prime, ALPHA_PRIME[:, i], rtol=1e-12)
    assert_allclose(b, B[:, i], rtol=1e-12)


def test_hand_example_scores_are_k_transpose_q():
    Q, K, V = S.qkv(I4, EYE, EYE, WV)
    A = S.scores(Q, K)
    # A[j, i] = kʲ·qⁱ; column 3 (query a³ = (1,1)) is 1, 1, 2, 0
    assert_allclose(A[:, 2], [1, 1, 2, 0])
    assert_allclose(V, [[1, 0, 1, 0], [0, 2, 2, 0]])


def test_asymmetric_scores_catch_a_transposed_A():
    # With Wq ≠ Wk the scores are not symmetric: A[j, i] = kʲ·qⁱ, not qʲ·kⁱ.
    # a¹ = (1, 0), a² = (0, 1); Wq = [[0, 1], [0, 0]] so q¹ = (0, 0), q² = (1, 0); Wk = identity.
    #   A = KᵀQ = [[k¹·q¹, k¹·q²], [k²·q¹, k²·q²]] = [[0, 1], [0, 0]]
    #   column 1 (query 1): softmax(0, 0) = (1/2, 1/2)
    #   column 2 (query 2): softmax(1, 0) = (e, 1)/(e+1)
    I = np.eye(2)
    Wq = np.array([[0.0, 1.0], [0.0, 0.0]])
    O, A_prime = S.self_attention(I, Wq, np.eye(2), np.eye(2))
    assert_allclose(A_prime, [[0.5, e / (e + 1)], [0.5, 1 / (e + 1)]])
    # Vᵢ = aⁱ, so b¹ = (1/2, 1/2) and b² = (e, 1)/(e+1)
    assert_allclose(O, A_prime)


def test_scale_divides_scores_by_sqrt_dk():
    # d_k = 4; scores 4·x with x = 1 for key 1 and 0 for key 2; scaled: 4/√4 = 2.
    I = np.eye(2)
    Wq = np.array([[1.0, 0.0]] * 4)   # qⁱ = aⁱ₁·(1,1,1,1)
    Wk = np.array([[1.0, 0.0]] * 4)
    _, unscaled = S.self_attention(I, Wq, Wk, np.eye(2))
    _, scaled = S.self_attention(I, Wq, Wk, np.eye(2), scale=True)
    # query 1 = (1,1,1,1); keys (1,1,1,1) and 0: scores 4 and 0, scaled 2 and 0
    assert_allclose(unscaled[:, 0], [e**4 / (e**4 + 1), 1 / (e**4 + 1)])
    assert_allclose(scaled[:, 0], [e**2 / (e**2 + 1), 1 / (e**2 + 1)])


def test_softmax_by_hand_and_at_1e4():
    assert_allclose(S.softmax([0.0, np.log(3.0)]), [0.25, 0.75])
    assert_allclose(S.softmax([1e4, 1e4 - np.log(3.0)]), [0.75, 0.25])
    assert_allclose(S.softmax([-1e4, 0.0, 1e4]), [0.0, 0.0, 1.0])
    x = np.array([[1e4, 0.0], [1e4, 0.0]])
    assert_allclose(S.softmax(x, axis=0), [[0.5, 0.5], [0.5, 0.5]])
    assert_allclose(S.softmax(x, axis=1), [[1.0, 0.0], [1.0, 0.0]])


def test_scores_dot_and_additive():
    assert S.dot_product_score([1, 2, 3], [4, -5, 6]) == 4 - 10 + 18
    # w·tanh(q + k): q + k = (0, 1) → tanh = (0, tanh 1)
    assert S.additive_score([1, 0], [-1, 1], [5, 2]) == pytest.approx(2 * np.tanh(1))


def test_one_hot_and_embed():
    vocab = ["I", "saw", "a"]
    columns = S.one_hot(["I", "saw", "a", "saw"], vocab)  # one column per word, one row per vocabulary entry
    assert_allclose(columns, [[1, 0, 0, 0], [0, 1, 0, 1], [0, 0, 1, 0]])
    E = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    assert_allclose(S.embed(["saw", "I", "saw"], vocab, E), [[2, 1, 2], [5, 4, 5]])
    assert S.one_hot([], vocab).shape == (3, 0)


def test_cosine_similarity_by_hand():
    assert S.cosine_similarity([1, 0], [0, 3]) == pytest.approx(0.0)
    assert S.cosine_similarity([1, 1], [2, 2]) == pytest.approx(1.0)
    assert S.cosine_similarity([3, 4], [4, 3]) == pytest.approx(24 / 25)


def test_position_wise_tags_both_saws_alike():
    vocab = ["I", "saw", "a"]
    I = S.one_hot(["I", "saw", "a", "saw"], vocab)
    W = np.array([[1.0, 2.0, 3.0], [0.0, -1.0, 1.0]])
    U = S.position_wise(I, W, [10.0, 20.0])
    assert_allclose(U, [[11, 12, 13, 12], [20, 19, 21, 19]])
    assert_allclose(U[:, 1], U[:, 3])  # the verb and the noun get the same output


def test_sinusoidal_encoding_rows_by_hand():
    E = S.sinusoidal_encoding(5, 3)
    i = np.arange(3)
    # rows 0, 1 share frequency 1; rows 2, 3 share 1/10000^(2/5); row 4 uses 1/10000^(4/5)
    assert_allclose(E[0], np.sin(i))
    assert_allclose(E[1], np.cos(i))
    assert_allclose(E[2], np.sin(i / 10000 ** (2 / 5)))
    assert_allclose(E[3], np.cos(i / 10000 ** (2 / 5)))
    assert_allclose(E[4], np.sin(i / 10000 ** (4 / 5)))
    assert_allclose(E[:, 0], [0, 1, 0, 1, 0])  # position 0


def test_window_mask_by_hand():
    assert S.window_mask(4, 3).tolist() == [
        [True, True, False, False],
        [True, True, True, False],
        [False, True, True, True],
        [False, False, True, True],
    ]
    assert S.window_mask(3, 1).tolist() == np.eye(3, dtype=bool).tolist()


def test_causal_mask_by_hand():
    # Causal: query i sees keys j <= i, so mask[j, i] = j <= i (upper triangle in A's layout).
    # With Wq = 0 every allowed score is 0, so column i is uniform over keys 0..i.
    mask = np.triu(np.ones((3, 3), dtype=bool))
    I = np.array([[1.0, 2.0, 4.0]])
    O, A_prime = S.masked_self_attention(I, [[0.0]], [[1.0]], [[1.0]], mask)
    assert_allclose(A_prime, [[1, 1 / 2, 1 / 3], [0, 1 / 2, 1 / 3], [0, 0, 1 / 3]])
    assert_allclose(O, [[1, 1.5, 7 / 3]])  # running means: a transposed mask gives (7/3, 3, 4)


def test_rnn_forward_by_hand():
    # d = d_h = 1: h¹ = tanh(1·1 + 0.5·0), h² = tanh(1·0 + 0.5·h¹)
    H = S.rnn_forward([[1.0, 0.0]], [[1.0]], [[0.5]])
    h1 = np.tanh(1.0)
    assert_allclose(H, [[h1, np.tanh(0.5 * h1)]])
    H0 = S.rnn_forward([[0.0]], [[1.0]], [[1.0]], h0=[2.0])
    assert_allclose(H0, [[np.tanh(2.0)]])


def test_multi_head_two_heads_by_hand():
    # Two heads with Wq = 0 (uniform attention): head outputs are the mean of V over keys.
    I = np.array([[1.0, 3.0]])
    Wq = np.zeros((2, 1, 1))
    Wk = np.ones((2, 1, 1))
    Wv = np.array([[[1.0]], [[10.0]]])       # head 1 values a, head 2 values 10a
    Wo = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    O, A_primes = S.multi_head_self_attention(I, Wq, Wk, Wv, Wo)
    # head 1: mean(1, 3) = 2 at both positions; head 2: 20; stacked [2, 2; 20, 20]
    assert_allclose(O, [[2, 2], [20, 20], [22, 22]])
    assert_allclose(A_primes, np.full((2, 2, 2), 0.5))


def test_permute():
    I = np.array([[1.0, 2.0, 3.0]])
    assert_allclose(S.permute(I, [2, 0, 1]), [[3, 1, 2]])
