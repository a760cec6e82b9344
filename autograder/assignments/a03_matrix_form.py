"""03-matrix-form: Q, K, V; A = KᵀQ; O = V softmax(A) for all queries at once."""

import numpy as np

import solutions as S
from autograder.assignments.visible import attends_most_problem

from . import WORKED_EXAMPLE as WORKED
from . import Assignment, Case, Family, Mistake, Part, Question

rng = np.random.default_rng(2003)


def r(*shape, scale=1.0):
    return np.round(rng.normal(size=shape) * scale, 3)



d, dk, dv, N = 3, 4, 5, 6
I_a, Wq_a, Wk_a, Wv_a = r(d, N), r(dk, d), r(dk, d), r(dv, d)


# ----------------------------------------------------------------------------- the construction part

SAW = list(S.SAW_SENTENCE)
MARGIN = 0.5  # the word before must lead every other word's weight by this much


def _sentence(words, I_words, label):
    """A hidden case: the sentence's word vectors I_words (d_word, N) over one-hot positions."""
    I_words = np.asarray(I_words, dtype=float)
    return Case("previous_word_weights", I_words.shape, label=label,
                data={"I": S.with_positions(I_words), "words": list(words)})


def attends_to_previous(case, result):
    """Behaviour: in A′ = softmax((Wk I)ᵀ (Wq I)) every word from the second on clearly favours the word before."""
    if not isinstance(result, tuple) or len(result) != 2:
        return "should return a tuple (Wq, Wk)"
    Wq, Wk = result
    I = case.data["I"]
    _, A_prime = S.self_attention(I, Wq, Wk, np.eye(I.shape[0]))
    N = I.shape[1]
    return attends_most_problem(A_prime, {i: i - 1 for i in range(1, N)}, MARGIN, case.data["words"])


def _vocab_embedding(words, d_word, scale=1.0):
    """Word vectors for a sentence: one random column per distinct word (repeated words share it)."""
    vocab = sorted(set(words))
    E = r(d_word, len(vocab), scale=scale)
    return S.embed(words, vocab, E)


PREVIOUS_CASES = (
    _sentence(SAW, S.embed(SAW, S.SAW_VOCAB, S.E_SAW), "I saw a saw, chapter 1's embeddings"),
    _sentence(SAW, _vocab_embedding(SAW, 5, scale=3.0), "I saw a saw, another embedding (d_word = 5)"),
    _sentence("the dog saw the cat".split(), _vocab_embedding("the dog saw the cat".split(), 3), "the dog saw the cat"),
    _sentence("a saw a saw a saw".split(), S.embed("a saw a saw a saw".split(), S.SAW_VOCAB, S.E_SAW),
              "a saw a saw a saw (words repeat)"),
    _sentence("she saw the saw she had bought there".split(),
              _vocab_embedding("she saw the saw she had bought there".split(), 2, scale=10.0),
              "eight words, large word vectors (d_word = 2)"),
    _sentence(["go", "home"], _vocab_embedding(["go", "home"], 4), "two words"),
    # word vectors chosen so that reading the words and attending to oneself fail differently
    _sentence(["x", "y", "z"], [[5.0, 1.0, 0.0], [0.0, 0.0, 1.0]], "three words, one with a long vector"),
)


def _swapped(args, kwargs, reference):
    """Queries and keys exchanged: every word then points at the word after it."""
    Wq, Wk = reference(*args, **kwargs)
    return [(Wk, Wq)]

ASSIGNMENT = Assignment(
    id="03-matrix-form",
    notebook="matrix_form",
    chapter=3,
    chapter_title="The matrix form",
    page="ch03-matrix-form",
    sections={"qkv": "ch03-qkv", "scores": "ch03-scores", "self_attention": "ch03-outputs",
              "previous_word_weights": "ch03-scores"},
    intro="""
    Chapter 3 computes every output bⁱ at once with matrices. With the inputs as the columns
    of `I` (d, N):

    - Q = Wq I, K = Wk I, V = Wv I, one column per input;
    - A = KᵀQ, shape (N, N): A[j, i] = kʲ·qⁱ, so **column i belongs to query i**;
    - A′ = softmax of each column of A (axis 0), so every column sums to 1;
    - O = VA′, shape (d_v, N): column i is bⁱ.

    The Transformer also divides A by √d_k (`scale=True`); the notes do not (`scale=False`).
    You also need your `softmax` from exercise 2.
    """,
    parts=(
        Part(
            id="qkv", title="Queries, keys and values", points=3,
            prose="""
            Write `qkv(I, Wq, Wk, Wv)`: return `(Q, K, V)` = (Wq I, Wk I, Wv I). The weights act from
            the left. Weights that do not fit `I`, or `Wq` and `Wk` of different shapes, raise `ValueError`.
            """,
            answers=("qkv",),
            visible="""
            I, Wq, Wk, Wv = «WORKED»   # the worked example of chapters 2 and 3: a¹ … a⁴ are the columns of I
            result = qkv(I, Wq, Wk, Wv)
            check_true(isinstance(result, tuple) and len(result) == 3, "qkv should return a tuple (Q, K, V)")
            Q, K, V = result
            check_shape("Q for d_k = 2, N = 4", Q, (2, 4), "Q = Wq @ I has one column per input vector (the weights act from the left)")
            check_unlike("K", K, «M('qkv-shared-weights')(*WORKED)[1]», "which is Wq @ I: K = Wk @ I")
            check_close("Q", Q, «S.qkv(*WORKED)[0]»)
            check_close("K", K, «S.qkv(*WORKED)[1]»)
            check_close("V", V, «S.qkv(*WORKED)[2]»)
            check_raises("qkv with Wq (3, 3) and Wk (2, 3)", qkv, I, np.ones((3, 3)), Wk, Wv)
            """,
            cases=(
                Case("qkv", (I_a, Wq_a, Wk_a, Wv_a), label="d = 3, d_k = 4, d_v = 5, N = 6"),
                Case("qkv", WORKED, label="the chapters' worked example"),
                Case("qkv", (r(2, 1), r(3, 2), r(3, 2), r(1, 2)), label="N = 1, d_v = 1"),
                Case("qkv", (I_a, r(4, 3), r(2, 3), Wv_a), label="Wq (4, 3) and Wk (2, 3) (must raise ValueError)"),
                Case("qkv", (I_a, Wq_a, Wk_a, r(5, 2)), label="Wv (5, 2) for d = 3 (must raise ValueError)"),
            ),
        ),
        Part(
            id="scores", title="The scores A = KᵀQ", points=3,
            prose="""
            Write `scores(Q, K, scale=False)`: A = KᵀQ, shape (N, N), so that A[j, i] = kʲ·qⁱ;
            with `scale=True`, divide by √d_k (d_k = the number of rows of Q).
            """,
            answers=("scores",),
            visible="""
            Q = np.array([[0.0, 1.0], [0.0, 0.0]])   # q¹ = 0, q² = (1, 0)
            K = np.eye(2)                           # k¹ = (1, 0), k² = (0, 1)
            A = scores(Q, K)
            check_shape("scores(Q, K) for N = 2", A, (2, 2))
            check_unlike("scores(Q, K)", A, «M('scores-qtk')(np.array([[0.0, 1.0], [0.0, 0.0]]), np.eye(2))»,
                         "which is QᵀK (A transposed): A = KᵀQ, so that column i holds query i's scores")
            check_close("scores(Q, K)", A, «S.scores(np.array([[0.0, 1.0], [0.0, 0.0]]), np.eye(2))»,
                        "A = KᵀQ, with no scaling unless scale=True")
            Q4 = np.full((4, 2), 1.0)
            check_close("scores(Q4, Q4) for d_k = 4", scores(Q4, Q4), np.full((2, 2), 4.0),
                        "without scale=True the notes do not divide the scores")
            check_close("scores(Q4, Q4, scale=True) for d_k = 4", scores(Q4, Q4, scale=True), np.full((2, 2), 2.0),
                        "with scale=True divide by √d_k = √4 = 2")
            """,
            cases=(
                Case("scores", (Wq_a @ I_a, Wk_a @ I_a), label="d_k = 4, N = 6"),
                Case("scores", (Wq_a @ I_a, Wk_a @ I_a), {"scale": True}, label="d_k = 4, N = 6, scale=True"),
                Case("scores", (r(9, 3), r(9, 3)), {"scale": True}, label="d_k = 9, N = 3, scale=True"),
                Case("scores", (r(5, 1), r(5, 1)), label="N = 1"),
                Case("scores", (r(3, 4, scale=100.0), r(3, 4, scale=100.0)), label="entries near 100"),
            ),
        ),
        Part(
            id="self_attention", title="Self-attention in matrix form", points=4,
            prose="""
            Write `self_attention(I, Wq, Wk, Wv, scale=False)`: return `(O, A_prime)` with
            A′ = softmax(A, axis=0) (each column sums to 1) and O = VA′. Use your `qkv` and
            `scores`, and `softmax` from exercise 2. The test uses the worked example of chapters 2
            and 3 (a¹ … a⁴ of d = 3), so you can compare with the pages.
            """,
            answers=("self_attention",),
            visible="""
            I, Wq, Wk, Wv = «WORKED»   # the worked example of chapters 2 and 3: a¹ … a⁴ are the columns of I
            result = self_attention(I, Wq, Wk, Wv)
            check_true(isinstance(result, tuple) and len(result) == 2, "self_attention should return a tuple (O, A_prime)")
            O, A_prime = result
            check_shape("A′ for N = 4", A_prime, (4, 4))
            check_close("the column sums of A′", np.sum(A_prime, axis=0), np.ones(4),
                        "A′ is the softmax of each column of A (axis=0): did you normalise the rows?")
            check_shape("O for d_v = 2, N = 4", O, (2, 4), "O = V @ A′ has one column bⁱ per input")
            check_unlike("A′", A_prime, «M('sa-qtk')(*WORKED)[1]», "which is the softmax of QᵀK: A = KᵀQ, A[j, i] = kʲ·qⁱ")
            check_unlike("O", O, «M('sa-O-transposed-A')(*WORKED)[0]», "which is V @ A′ᵀ: O = V @ A′ (column i of A′ weights the values for bⁱ)")
            check_close("A′ of the worked example", A_prime, «S.self_attention(*WORKED)[1]»)
            check_close("O = [b¹ b² b³ b⁴] of the worked example", O, «S.self_attention(*WORKED)[0]»)
            _, A3 = self_attention(I, Wq * 3, Wk * 3, Wv, scale=True)
            check_close("A′ with scale=True", A3, «S.self_attention(WORKED[0], WORKED[1] * 3, WORKED[2] * 3, WORKED[3], scale=True)[1]»,
                        "with scale=True the scores are divided by √d_k before the softmax")
            """,
            cases=(
                Case("self_attention", WORKED, label="the chapters' worked example"),
                Case("self_attention", (I_a, Wq_a, Wk_a, Wv_a), label="d = 3, d_k = 4, d_v = 5, N = 6"),
                Case("self_attention", (I_a, Wq_a, Wk_a, Wv_a), {"scale": True}, label="d = 3, d_k = 4, d_v = 5, N = 6, scale=True"),
                Case("self_attention", (r(3, 1), r(2, 3), r(2, 3), r(4, 3)), label="N = 1"),
                Case("self_attention", (r(2, 5, scale=100.0), r(2, 2), r(2, 2), r(3, 2)), label="inputs near 100 (scores near 1e4)"),
                Case("self_attention", (I_a, r(4, 2), Wk_a, Wv_a), label="Wq (4, 2) for d = 3 (must raise ValueError)"),
            ),
        ),
        Part(
            id="previous_word", title="Construct: attend to the word before", points=4,
            behaviour=attends_to_previous,
            prose="""
            Now **you** choose the weights. In *I saw a saw* the two *saw*s have the same word
            vector (chapter 1), so the same weights give them the same query. Give each word its
            position too: `with_positions(I_words)` (in the set-up cell) puts the word vectors `I_words`
            (d_word, N) over a one-hot position, so the input has d_word + N rows, and column i
            has a 1 in row d_word + i.

            Write `previous_word_weights(d_word, N)`: return `(Wq, Wk)` with which, in
            A′ = softmax(KᵀQ), **every word from the second on attends most to the word just
            before it**: the first *saw* to *I*, the second to *a*. That word's weight must beat
            every other word's by at least 0.5 in A′. Your weights may depend on d_word and N
            only, not on the words: the hidden cases use other sentences and other embeddings.
            The grader checks what self-attention does with your weights, not the weights.

            <details><summary>Hint</summary>

            A score A[j, i] = kʲ·qⁱ is large when the query of word i points the same way as the
            key of word j. Which rows of the input tell the two *saw*s apart? And what decides how
            far the winner leads after the softmax?
            </details>
            """,
            answers=("previous_word_weights",),
            visible="""
            # "I saw a saw" with chapter 1's embeddings (d_word = 3) over one-hot positions
            I = with_positions(«S.embed(list(S.SAW_SENTENCE), S.SAW_VOCAB, S.E_SAW)»)   # (7, 4)
            result = previous_word_weights(3, 4)
            check_true(isinstance(result, tuple) and len(result) == 2, "previous_word_weights should return a tuple (Wq, Wk)")
            Wq, Wk = result
            _, A_prime = self_attention(I, Wq, Wk, np.eye(7))   # your own self_attention
            check_attends_most("A′ of 'I saw a saw'", A_prime, {1: 0, 2: 1, 3: 2}, 0.5, ["I", "saw", "a", "saw"],
                               "the two saws differ only in their position rows")
            """,
            cases=PREVIOUS_CASES,
        ),
    ),
    returns={"qkv": ("Q", "K", "V"), "self_attention": ("O", "A_prime"), "scores": "A",
             "previous_word_weights": ("Wq", "Wk")},
    provided=("with_positions",),
    families=(Family("query-key-swapped", "previous_word_weights",
                     "with your weights each word attends most to the word after it: a query and a key have "
                     "swapped roles (A[j, i] = kʲ·qⁱ: column i holds what word i looks for)", _swapped),),
    questions=(
        Question(
            id="why_scale", after="scores", points=2,
            prompt="""
            `scores(Q, K, scale=True)` divides A by √d_k. Why does this matter more as d_k grows?
            Think of the entries of a query and a key as independent, with mean 0 and variance 1,
            and of what the softmax does with large scores.
            """,
            rubric="""
            2 points. (1 point) q·k is a sum of d_k products, each of variance 1, so its variance
            is d_k and its typical size √d_k: it grows with d_k. (1 point) Large scores push each
            column of the softmax towards one-hot (one weight near 1, the others near 0), where its
            gradients are tiny and learning stalls; dividing by √d_k keeps the scores' variance
            at 1 whatever d_k is. Source: Vaswani et al. (2017), section 3.2.1 and its footnote 4.
            """,
        ),
    ),
    mistakes=(
        Mistake("qkv-row-major", "qkv",
                "your Q, K, V have one row per input (I.T @ W.T); the notes' weights act from the left, Q = Wq @ I, one column per input",
                (("return Wq @ I, Wk @ I, Wv @ I", "return I.T @ Wq.T, I.T @ Wk.T, I.T @ Wv.T"),),
                visible="the weights act from the left"),
        Mistake("qkv-shared-weights", "qkv",
                "your K uses Wq; each of Q, K, V has its own weights: K = Wk @ I",
                (("return Wq @ I, Wk @ I, Wv @ I", "return Wq @ I, Wq @ I, Wv @ I"),), visible="K = Wk @ I"),
        Mistake("qkv-no-shape-check", "qkv",
                "your qkv accepts Wq and Wk of different shapes; qⁱ·kʲ needs both in the same space, so it must raise ValueError",
                (('    same_shape("Wq", Wq, "Wk", Wk)\n', ""),), visible="should raise ValueError"),
        Mistake("scores-qtk", "scores",
                "your A = QᵀK is transposed; the notes' A = KᵀQ puts query i's scores in column i (A[j, i] = kʲ·qⁱ)",
                (("A = K.T @ Q", "A = Q.T @ K"),), visible="which is QᵀK"),
        Mistake("scores-always-scaled", "scores",
                "your scores are always divided by √d_k; only scale=True divides (the notes do not scale)",
                (("    if scale:\n        A = A / np.sqrt", "    A = A / np.sqrt"),), visible="no scaling unless scale=True"),
        Mistake("scores-scale-by-dk", "scores",
                "with scale=True your scores are divided by d_k; the Transformer divides by √d_k",
                (("A = A / np.sqrt(Q.shape[0])", "A = A / Q.shape[0]"),), visible="divide by √d_k"),
        Mistake("sa-softmax-rows", "self_attention",
                "your A′ is the softmax over rows (axis=1); the notes normalise each column (axis=0), so column i holds query i's weights",
                (("softmax(A, axis=0)", "softmax(A, axis=1)"),), visible="did you normalise the rows"),
        Mistake("sa-qtk", "self_attention",
                "your A′ is the softmax of QᵀK; the scores are A = KᵀQ (A[j, i] = kʲ·qⁱ), then the softmax of each column",
                (("A = scores(Q, K, scale)", "A = scores(K, Q, scale)"),), visible="which is the softmax of QᵀK"),
        Mistake("sa-O-transposed-A", "self_attention",
                "your O = V @ A′ᵀ; the outputs are O = V @ A′, column i of A′ weighting the values for bⁱ",
                (("O = V @ A_prime", "O = V @ A_prime.T"),), visible="which is V @ A′ᵀ"),
        Mistake("prev-next-word", "previous_word_weights",
                "with your weights each word attends most to the word after it, not the one before: the query of "
                "word i must match the key of word i-1 (which way does your shift go?)",
                (("5.0 * np.eye(N, k=1)", "5.0 * np.eye(N, k=-1)"),), visible="attends most to position 3 ('a')"),
        Mistake("prev-itself", "previous_word_weights",
                "with your weights each word attends most to itself: the query of word i must match the key of "
                "another position, the one before it",
                (("5.0 * np.eye(N, k=1)", "5.0 * np.eye(N)"),), visible="attends most to position 2 ('saw')"),
        Mistake("prev-too-soft", "previous_word_weights",
                "your weights point each word at the word before, but the softmax spreads the weight: the scores "
                "are too close together for the word before to lead clearly (how do larger scores change A′?)",
                (("5.0 * np.eye(N, k=1)", "1.0 * np.eye(N, k=1)"),), visible="hardly more than"),
        Mistake("prev-reads-words", "previous_word_weights",
                "with your weights the words attend as they do when queries and keys read the word vectors: each "
                "word favours words like itself. The two saws have the same word vector: only the position rows "
                "tell them apart",
                (("np.hstack([np.zeros((N, d_word)), np.eye(N)])", "np.hstack([np.eye(N, d_word), np.zeros((N, N))])"),
                 ("np.hstack([np.zeros((N, d_word)), 5.0 * np.eye(N, k=1)])",
                  "np.hstack([5.0 * np.eye(N, d_word), np.zeros((N, N))])")),
                visible="attends most to position 2 ('saw')"),
        Mistake("sa-scale-ignored", "self_attention",
                "your self_attention ignores scale=True; pass it on so the scores are divided by √d_k",
                (("scores(Q, K, scale)", "scores(Q, K)"),), visible="with scale=True the scores are divided"),
    ),
)
