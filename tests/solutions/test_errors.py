"""Every ValueError path, and that its message names the shapes (or the bad value)."""

import numpy as np
import pytest

import solutions as S

I = np.zeros((3, 4))            # d = 3, N = 4
W2x3 = np.zeros((2, 3))         # d_k = 2
W5x3 = np.zeros((5, 3))         # d_v = 5


@pytest.mark.parametrize(
    "call, fragments",
    [
        (lambda: S.one_hot(["I", "sew"], ["I", "saw"]), ["'sew'"]),
        (lambda: S.one_hot(["a"], ["a", "a"]), ["repeated", "a"]),
        (lambda: S.embed(["a"], ["a", "b"], np.zeros((4, 3))), ["(4, 3)", "2 words"]),
        (lambda: S.embed(["a"], ["a"], np.zeros(3)), ["E", "(3,)"]),
        (lambda: S.cosine_similarity([1, 2], [1, 2, 3]), ["(2,)", "(3,)"]),
        (lambda: S.cosine_similarity([0, 0], [1, 2]), ["zero vector"]),
        (lambda: S.position_wise(I, np.zeros((2, 4)), np.zeros(2)), ["(2, 4)", "(3, 4)"]),
        (lambda: S.position_wise(I, W2x3, np.zeros(3)), ["c", "(3,)", "(2,)"]),
        (lambda: S.dot_product_score([1, 2], [1, 2, 3]), ["(2,)", "(3,)"]),
        (lambda: S.additive_score([1, 2], [1, 2], [1, 2, 3]), ["(2,)", "(3,)"]),
        (lambda: S.softmax(3.0), ["scalar"]),
        (lambda: S.softmax(np.zeros((2, 2)), axis=2), ["axis 2", "(2, 2)"]),
        (lambda: S.attend(I, W2x3, W2x3, W5x3, 4), ["N = 4", "(3, 4)"]),
        (lambda: S.attend(I, np.zeros((2, 4)), W2x3, W5x3, 0), ["Wq", "(2, 4)", "(3, 4)"]),
        (lambda: S.qkv(I, W2x3, np.zeros((3, 3)), W5x3), ["Wq", "(2, 3)", "Wk", "(3, 3)"]),
        (lambda: S.qkv(I, W2x3, W2x3, np.zeros((5, 2))), ["Wv", "(5, 2)", "(3, 4)"]),
        (lambda: S.qkv(np.zeros(3), W2x3, W2x3, W5x3), ["I", "(3,)"]),
        (lambda: S.self_attention(I, W2x3, W2x3, np.zeros((5, 4))), ["Wv", "(5, 4)"]),
        (lambda: S.self_attention_row_major(I, W2x3.T, W2x3.T, W5x3.T), ["I_r", "(3, 4)", "(3, 2)"]),
        (lambda: S.multi_head_self_attention(I, np.zeros((2, 2, 3)), np.zeros((2, 2, 3)), np.zeros((2, 5, 3)), np.zeros((4, 5))),
         ["Wo", "(4, 5)", "(d_out, 10)"]),
        (lambda: S.multi_head_self_attention(I, np.zeros((2, 2, 3)), np.zeros((3, 2, 3)), np.zeros((2, 5, 3)), np.zeros((4, 10))),
         ["(2, 2, 3)", "(3, 2, 3)"]),
        (lambda: S.multi_head_self_attention(I, np.zeros((2, 2, 3)), np.zeros((2, 2, 3)), np.zeros((3, 5, 3)), np.zeros((4, 15))),
         ["(2, 2, 3)", "(3, 5, 3)", "heads"]),
        (lambda: S.multi_head_self_attention(I, W2x3, W2x3, W5x3, np.zeros((4, 5))), ["Wq", "3-d", "(2, 3)"]),
        (lambda: S.multi_head_self_attention(I, np.zeros((2, 2, 4)), np.zeros((2, 2, 4)), np.zeros((2, 5, 4)), np.zeros((4, 10))),
         ["(2, 4)", "(3, 4)"]),
        (lambda: S.sinusoidal_encoding(0, 3), ["d", "0"]),
        (lambda: S.sinusoidal_encoding(4, 2.5), ["N", "2.5"]),
        (lambda: S.permute(I, [0, 1, 2]), ["0..3", "(3, 4)"]),
        (lambda: S.permute(I, [0, 1, 1, 2]), ["0..3", "[0, 1, 1, 2]"]),
        (lambda: S.permutation_gaps(I, W2x3, W2x3, W5x3, [0, 1, 1, 2]), ["0..3", "[0, 1, 1, 2]"]),
        (lambda: S.window_mask(4, 2), ["odd", "2"]),
        (lambda: S.window_mask(4, 0), ["width", "0"]),
        (lambda: S.masked_self_attention(I, W2x3, W2x3, W5x3, np.ones((3, 3), bool)), ["(3, 3)", "(4, 4)"]),
        (lambda: S.masked_self_attention(I, W2x3, W2x3, W5x3, np.ones((4, 4))), ["boolean"]),
        (lambda: S.masked_self_attention(I, W2x3, W2x3, W5x3, np.eye(4, dtype=bool) & [True, False, True, False]),
         ["[1, 3]", "no key"]),
        (lambda: S.rnn_forward(I, np.zeros((2, 4)), np.zeros((2, 2))), ["Wx", "(2, 4)", "(3, 4)"]),
        (lambda: S.rnn_forward(I, W2x3, np.zeros((3, 3))), ["Wh", "(3, 3)", "(2, 2)"]),
        (lambda: S.rnn_forward(I, W2x3, np.zeros((2, 2)), h0=np.zeros(3)), ["h0", "(3,)", "(2,)"]),
        (lambda: S.attention_influence(I, W2x3, np.zeros((3, 3)), W5x3), ["Wq", "Wk", "(2, 3)", "(3, 3)"]),
        (lambda: S.self_attention([["a", "b"]], W2x3, W2x3, W5x3), ["numeric"]),
    ],
)
def test_bad_input_raises_value_error_naming_it(call, fragments):
    with pytest.raises(ValueError) as info:
        call()
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} missing from {message!r}"
