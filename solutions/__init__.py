"""The course's reference implementation of self-attention, in the notes' notation.

One module per chapter (chapter 8 has four: the masked multi-head layer, the
backward pass, the corpus and the tagger); every public function is re-exported here, so
``from solutions import softmax`` works. Column vectors throughout: the inputs
are the columns of ``I`` (d, N), ``A = K.T @ Q`` and the softmax runs over axis 0.
"""

from .ch01_vector_sets import E_SAW, SAW_SENTENCE, SAW_VOCAB, cosine_similarity, embed, one_hot, position_wise
from .ch02_dot_product import additive_score, attend, dot_product_score, softmax, worked_example
from .ch03_matrix_form import (
    online_softmax_update, previous_word_weights, qkv, scores, self_attention, self_attention_by_query,
    self_attention_loop, self_attention_online, self_attention_row_major, with_positions,
)
from .ch04_multi_head import (
    multi_head_self_attention, multi_head_self_attention_batched, multi_head_weights, type_group_input,
    type_group_weights,
)
from .ch05_positional_encoding import permutation_gaps, permute, position_rotation, rotary, sinusoidal_encoding
from .ch06_vs_cnn import conv1d, conv_as_heads, heads_with_masks, masked_self_attention, window_mask
from .ch07_vs_rnn import attention_influence, rnn_forward, rnn_influence, rnn_jacobians
from .ch08_attention_backward import (
    multi_head_self_attention_backward, residual_attention_backward, self_attention_backward,
)
from .ch08_corpus import make_corpus
from .ch08_masked_multi_head import masked_multi_head_self_attention, residual_attention
from .ch08_tagger import TaggerConfig

__all__ = [
    "one_hot", "embed", "cosine_similarity", "position_wise", "SAW_SENTENCE", "SAW_VOCAB", "E_SAW",
    "dot_product_score", "additive_score", "softmax", "attend", "worked_example",
    "qkv", "scores", "self_attention", "self_attention_by_query", "self_attention_loop",
    "self_attention_row_major", "online_softmax_update", "self_attention_online", "with_positions",
    "previous_word_weights",
    "multi_head_weights", "multi_head_self_attention", "multi_head_self_attention_batched",
    "type_group_input", "type_group_weights",
    "sinusoidal_encoding", "permute", "permutation_gaps", "position_rotation", "rotary",
    "window_mask", "masked_self_attention", "conv1d", "heads_with_masks", "conv_as_heads",
    "rnn_forward", "rnn_jacobians", "rnn_influence", "attention_influence",
    "self_attention_backward", "multi_head_self_attention_backward", "masked_multi_head_self_attention",
    "residual_attention", "residual_attention_backward",
    "make_corpus", "TaggerConfig",
]
