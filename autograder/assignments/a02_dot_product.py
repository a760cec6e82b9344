"""02-dot-product: relevance scores, softmax, and the output bⁱ of one query."""

import numpy as np

from . import Assignment, Case, Mistake, Part

rng = np.random.default_rng(2002)


def r(*shape, scale=1.0):
    """Random inputs, rounded so the notebook's literals stay short."""
    return np.round(rng.normal(size=shape) * scale, 3)


# The notes' example: a¹ = (1, 0), a² = (0, 1), a³ = (1, 1), a⁴ = (0, 0); Wq = Wk = identity, Wv = diag(1, 2).
I4 = np.array([[1.0, 0.0, 1.0, 0.0], [0.0, 1.0, 1.0, 0.0]])
EYE2 = np.eye(2)
WV4 = np.diag([1.0, 2.0])

DOT_CASES = (
    Case("dot_product_score", (r(5), r(5)), label="d_k = 5"),
    Case("dot_product_score", (r(1), r(1)), label="d_k = 1"),
    Case("dot_product_score", ([1, 2, 3], [4, -5, 6]), label="lists of ints"),
    Case("dot_product_score", (r(7, scale=100.0), r(7, scale=100.0)), label="d_k = 7, entries near 100"),
    Case("dot_product_score", (r(3), r(4)), label="q of length 3, k of length 4 (must raise ValueError)"),
    Case("dot_product_score", (r(2, 3), r(2, 3)), label="2-d q and k (must raise ValueError)"),
)

ADD_CASES = (
    Case("additive_score", (r(4), r(4), r(4)), label="d_k = 4"),
    Case("additive_score", (r(1), r(1), r(1)), label="d_k = 1"),
    Case("additive_score", (r(5, scale=10.0), r(5, scale=10.0), r(5)), label="d_k = 5, large q and k (tanh saturates)"),
    Case("additive_score", (r(3), r(3), r(4)), label="w of another length (must raise ValueError)"),
)

SOFTMAX_CASES = (
    Case("softmax", (r(5),), label="a vector of 5 scores"),
    Case("softmax", (r(4, 3),), label="a (4, 3) matrix, default axis"),
    Case("softmax", (r(4, 3),), {"axis": 1}, label="a (4, 3) matrix, axis=1"),
    Case("softmax", (r(3, 5),), {"axis": -1}, label="a (3, 5) matrix, axis=-1"),
    Case("softmax", (r(2, 3, 2),), {"axis": 1}, label="a (2, 3, 2) array, axis=1"),
    Case("softmax", (np.array([1e4, 1e4 - 1.0, 0.0, -1e4]),), label="scores near 1e4 (overflow)"),
    Case("softmax", (np.array([[1e4, 0.0, -3.0], [1e4 - 2.0, -1.0, -1e4]]),), label="a (2, 3) matrix with one column near 1e4"),
    Case("softmax", (r(1),), label="a single score (N = 1)"),
    Case("softmax", (r(1, 4),), label="a (1, 4) matrix: one key per column"),
    Case("softmax", (3.0,), label="a scalar (must raise ValueError)"),
    Case("softmax", (r(3, 2),), {"axis": 2}, label="axis 2 of a matrix (must raise ValueError)"),
)

Wq_a, Wk_a, Wv_a, I_a = r(4, 3), r(4, 3), r(5, 3), r(3, 6)
ATTEND_CASES = (
    Case("attend", (I4, EYE2, EYE2, WV4, 0), label="the notes' example a¹…a⁴, query 1"),
    Case("attend", (I4, EYE2, EYE2, WV4, 2), label="the notes' example a¹…a⁴, query 3"),
    Case("attend", (I_a, Wq_a, Wk_a, Wv_a, 0), label="d = 3, d_k = 4, d_v = 5, N = 6, first query"),
    Case("attend", (I_a, Wq_a, Wk_a, Wv_a, 5), label="d = 3, d_k = 4, d_v = 5, N = 6, last query"),
    Case("attend", (I_a, Wq_a, Wk_a, Wv_a, 3), label="d = 3, d_k = 4, d_v = 5, N = 6, query 4"),
    Case("attend", (r(3, 1), r(2, 3), r(2, 3), r(4, 3), 0), label="N = 1"),
    Case("attend", (r(2, 5, scale=100.0), r(3, 2), r(3, 2), r(2, 2), 1), label="inputs near 100 (scores near 1e4)"),
    Case("attend", (I_a, Wq_a, Wk_a, Wv_a, 6), label="i = N (must raise ValueError)"),
    Case("attend", (I_a, r(4, 2), Wk_a, Wv_a, 0), label="Wq of shape (4, 2) for d = 3 (must raise ValueError)"),
)

ASSIGNMENT = Assignment(
    id="02-dot-product",
    notebook="dot_product",
    chapter=2,
    chapter_title="Relevance by dot product",
    page="ch02-dot-product",
    sections={
        "dot_product_score": "ch02-relevance",
        "additive_score": "ch02-relevance",
        "softmax": "ch02-softmax",
        "attend": "ch02-weighted-sum",
    },
    intro="""
    Self-attention computes, for one input vector aⁱ, how relevant every vector aʲ is to it,
    and mixes the vectors by that relevance. The chapter builds it in four steps, and so do you:

    - the **query** qⁱ = Wᵠaⁱ and the **key** kʲ = Wᵏaʲ give the score αᵢ,ⱼ = qⁱ·kʲ
      (the dot product; the additive method w·tanh(q + k) is the alternative);
    - the **softmax** turns the scores of query i into weights α′ᵢ,ⱼ that are positive and sum to 1;
    - the output is the weighted sum of the **values** vʲ = Wᵛaʲ: bⁱ = Σⱼ α′ᵢ,ⱼ vʲ.

    Vectors are columns: the inputs are the columns of `I`, shape `(d, N)`. Positions are
    0-based in code (the notes' b¹ is `i = 0`).
    """,
    parts=(
        Part(
            id="dot_product_score", title="The dot-product score", points=2,
            prose="""
            Write `dot_product_score(q, k)`: the score α = q·k as a Python float. Vectors of
            different lengths (or anything that is not a vector) must raise `ValueError`;
            the set-up cell's `vector` and `same_shape` do the checking for you.
            """,
            answers=("dot_product_score",),
            visible="""
            got = dot_product_score([1.0, 2.0, 3.0], [4.0, -5.0, 6.0])
            check_true(np.ndim(got) == 0, f"dot_product_score should return one number, yours returned shape {np.shape(got)}",
                       "the score is the sum of the products, q·k = Σ qₙkₙ, not the vector of products")
            check_unlike("dot_product_score((1, 2, 3), (4, -5, 6))", got, «M('dot-cosine')([1.0, 2.0, 3.0], [4.0, -5.0, 6.0])»,
                         "which is the cosine similarity: do not divide by the lengths, the score is the plain dot product q·k")
            check_close("dot_product_score((1, 2, 3), (4, -5, 6))", got, «S.dot_product_score([1, 2, 3], [4, -5, 6])»)
            check_raises("dot_product_score of vectors of lengths 3 and 4", dot_product_score, [1.0, 2.0, 3.0], [1.0, 2.0, 3.0, 4.0])
            """,
            cases=DOT_CASES,
        ),
        Part(
            id="additive_score", title="The additive score", points=2,
            prose="""
            Write `additive_score(q, k, w)`: α = w·tanh(q + k), where `tanh` acts on each entry.
            `q`, `k` and `w` must have the same length (`ValueError` otherwise).
            """,
            answers=("additive_score",),
            visible="""
            q, k, w = [1.0, 0.0], [-1.0, 1.0], [5.0, 2.0]
            got = additive_score(q, k, w)
            check_true(np.ndim(got) == 0, f"additive_score should return one number, yours returned shape {np.shape(got)}")
            check_unlike("additive_score((1, 0), (-1, 1), (5, 2))", got, «M('additive-no-tanh')([1.0, 0.0], [-1.0, 1.0], [5.0, 2.0])»,
                         "which is w·(q + k): apply tanh to q + k before the dot product with w")
            check_unlike("additive_score((1, 0), (-1, 1), (5, 2))", got, «M('additive-tanh-outside')([1.0, 0.0], [-1.0, 1.0], [5.0, 2.0])»,
                         "which is tanh(w·(q + k)): tanh goes inside, on q + k, and w·… comes last")
            check_unlike("additive_score((1, 0), (-1, 1), (5, 2))", got, «M('additive-no-w')([1.0, 0.0], [-1.0, 1.0], [5.0, 2.0])»,
                         "which is the sum of tanh(q + k) without w: the score is the dot product w·tanh(q + k)")
            check_close("additive_score((1, 0), (-1, 1), (5, 2))", got, «S.additive_score([1.0, 0.0], [-1.0, 1.0], [5.0, 2.0])»)
            check_raises("additive_score with w of length 3 for q, k of length 2", additive_score, q, k, [1.0, 2.0, 3.0])
            """,
            cases=ADD_CASES,
        ),
        Part(
            id="softmax", title="Softmax", points=3,
            prose="""
            Write `softmax(x, axis=0)`: exp(xⱼ) / Σⱼ′ exp(xⱼ′) along `axis`, same shape as `x`.
            In the notes' layout the scores of query i are column i, so the default `axis=0`
            makes every **column** sum to 1. It must stay exact for scores as large as 1e4:
            subtracting the maximum of each slice first changes nothing mathematically and
            keeps `exp` from overflowing. A scalar or an axis out of range raises `ValueError`.
            """,
            answers=("softmax",),
            visible="""
            check_close("softmax([0, log 3])", softmax(np.array([0.0, np.log(3.0)])), [0.25, 0.75])
            x = np.array([[1.0, 2.0, 0.0], [3.0, 0.0, 0.0]])
            got = softmax(x)
            check_shape("softmax(x) for x of shape (2, 3)", got, (2, 3))
            check_close("the column sums of softmax(x) (axis=0)", np.sum(got, axis=0), [1.0, 1.0, 1.0],
                        "with axis=0 every column sums to 1; normalise along the axis argument, not over rows or the whole array")
            check_close("softmax(x)", got, «S.softmax([[1.0, 2.0, 0.0], [3.0, 0.0, 0.0]])»)
            check_close("softmax(x, axis=1)", softmax(x, axis=1), «S.softmax([[1.0, 2.0, 0.0], [3.0, 0.0, 0.0]], axis=1)»,
                        "use the axis argument: with axis=1 every row sums to 1")
            big = np.array([1e4, 1e4 - np.log(3.0)])
            check_close("softmax([1e4, 1e4 - log 3])", softmax(big), [0.75, 0.25],
                        "exp(1e4) overflows to inf, and inf/inf is nan: subtract the largest score first")
            far = np.array([[1e4, 0.0], [1e4 - np.log(3.0), np.log(3.0)]])
            check_close("softmax of a column near 1e4 beside a column near 0", softmax(far), [[0.75, 0.25], [0.25, 0.75]],
                        "subtract each column's own maximum (np.max(..., axis=axis, keepdims=True)), not the largest entry of the whole array")
            check_raises("softmax of a scalar", softmax, 3.0)
            """,
            cases=SOFTMAX_CASES,
        ),
        Part(
            id="attend", title="The output bⁱ of one query", points=3,
            prose="""
            Write `attend(I, Wq, Wk, Wv, i)`: for query position `i`, compute qⁱ = Wᵠaⁱ, the scores
            αᵢ,ⱼ = qⁱ·kʲ against every key kʲ = Wᵏaʲ (with your `dot_product_score`), the weights
            α′ᵢ = softmax(αᵢ) (with your `softmax`), and bⁱ = Σⱼ α′ᵢ,ⱼ vʲ with vʲ = Wᵛaʲ. Return
            `(b, alpha_prime)`, shapes `(d_v,)` and `(N,)`. Shapes that do not fit, and `i` outside
            `0 … N-1`, raise `ValueError`.

            The test uses the notes' example: a¹ = (1, 0), a² = (0, 1), a³ = (1, 1), a⁴ = (0, 0),
            Wᵠ = Wᵏ = the identity, Wᵛ = diag(1, 2).
            """,
            answers=("attend",),
            visible="""
            I = np.array([[1.0, 0.0, 1.0, 0.0], [0.0, 1.0, 1.0, 0.0]])   # a¹ … a⁴ as columns
            Wq = Wk = np.eye(2)
            Wv = np.diag([1.0, 2.0])
            result = attend(I, Wq, Wk, Wv, 0)
            check_true(isinstance(result, tuple) and len(result) == 2, "attend should return a tuple (b, alpha_prime)")
            b, alpha_prime = result
            check_shape("alpha_prime for N = 4", alpha_prime, (4,))
            check_close("the sum of alpha_prime", np.sum(alpha_prime), 1.0,
                        "α′ are the scores after the softmax, so they sum to 1: did you forget the softmax?")
            check_shape("b for d_v = 2", b, (2,))
            check_unlike("b¹", b, «M('attend-keys-as-values')(I4, EYE2, EYE2, WV4, 0)[0]»,
                         "which sums the keys kʲ: bⁱ is the weighted sum of the values vʲ = Wᵛaʲ")
            expected = «tuple(S.attend(I4, EYE2, EYE2, WV4, i) for i in range(4))»
            for i, (b_expected, alpha_expected) in enumerate(expected):
                b, alpha_prime = attend(I, Wq, Wk, Wv, i)
                check_close(f"alpha_prime for query i = {i} (the notes' α′ of a{i + 1})", alpha_prime, alpha_expected)
                check_close(f"b for query i = {i} (the notes' b{i + 1})", b, b_expected)
            # With Wq ≠ Wk the scores qⁱ·kʲ are not symmetric.
            Wq2 = np.array([[0.0, 1.0], [0.0, 0.0]])
            b, alpha_prime = attend(np.eye(2), Wq2, np.eye(2), np.eye(2), 1)
            check_unlike("alpha_prime for query 2 with Wq ≠ Wk", alpha_prime,
                         «M('attend-qk-swapped')(np.eye(2), np.array([[0.0, 1.0], [0.0, 0.0]]), np.eye(2), np.eye(2), 1)[1]»,
                         "which uses kⁱ·qʲ: the score of key j for query i is qⁱ·kʲ (query from aⁱ, keys from every aʲ)")
            check_close("alpha_prime for query 2 with Wq ≠ Wk", alpha_prime,
                        «S.attend(np.eye(2), np.array([[0.0, 1.0], [0.0, 0.0]]), np.eye(2), np.eye(2), 1)[1]»)
            check_raises("attend with i = N = 4", attend, I, Wq, Wk, Wv, 4)
            """,
            cases=ATTEND_CASES,
        ),
    ),
    returns={"attend": ("b", "alpha_prime")},
    mistakes=(
        Mistake(
            id="dot-elementwise", function="dot_product_score",
            message="your score is the vector of products qₙkₙ; the score is one number, their sum q·k",
            visible="should return one number",
            code='''
def dot_product_score(q, k):
    q, k = vector("q", q), vector("k", k)
    same_shape("q", q, "k", k)
    return q * k
''',
        ),
        Mistake(
            id="dot-cosine", function="dot_product_score",
            message="your score divides by the lengths of q and k (cosine similarity); the notes' score is the plain dot product q·k",
            visible="cosine similarity",
            code='''
def dot_product_score(q, k):
    q, k = vector("q", q), vector("k", k)
    same_shape("q", q, "k", k)
    return float(q @ k / (np.linalg.norm(q) * np.linalg.norm(k)))
''',
        ),
        Mistake(
            id="dot-zip", function="dot_product_score",
            message="your score does not check the lengths (zip stops at the shorter vector); q and k of different lengths must raise ValueError",
            visible="should raise ValueError",
            code='''
def dot_product_score(q, k):
    return float(sum(a * b for a, b in zip(np.ravel(q), np.ravel(k))))
''',
        ),
        Mistake(
            id="additive-no-tanh", function="additive_score",
            message="your score is w·(q + k): tanh is missing, the score is w·tanh(q + k)",
            visible="apply tanh to q + k",
            code='''
def additive_score(q, k, w):
    q, k, w = vector("q", q), vector("k", k), vector("w", w)
    same_shape("q", q, "k", k)
    same_shape("q", q, "w", w)
    return float(w @ (q + k))
''',
        ),
        Mistake(
            id="additive-tanh-outside", function="additive_score",
            message="your score is tanh(w·(q + k)): tanh belongs inside, on q + k, the score is w·tanh(q + k)",
            visible="tanh goes inside",
            code='''
def additive_score(q, k, w):
    q, k, w = vector("q", q), vector("k", k), vector("w", w)
    same_shape("q", q, "k", k)
    same_shape("q", q, "w", w)
    return float(np.tanh(w @ (q + k)))
''',
        ),
        Mistake(
            id="additive-no-w", function="additive_score",
            message="your score adds up tanh(q + k) without w; the score is the dot product w·tanh(q + k)",
            visible="without w",
            code='''
def additive_score(q, k, w):
    q, k, w = vector("q", q), vector("k", k), vector("w", w)
    same_shape("q", q, "k", k)
    same_shape("q", q, "w", w)
    return float(np.sum(np.tanh(q + k)))
''',
        ),
        Mistake(
            id="softmax-last-axis", function="softmax",
            message="your softmax always normalises the last axis (each row of a matrix); use the axis argument: by default (axis=0) each column sums to 1",
            visible="every column sums to 1",
            code='''
def softmax(x, axis=0):
    x = np.array(x, dtype=float)
    if x.ndim == 0:
        raise ValueError("softmax needs at least a vector")
    e = np.exp(x - np.max(x, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)
''',
        ),
        Mistake(
            id="softmax-whole-array", function="softmax",
            message="your softmax divides by the sum over the whole array; normalise along the axis argument, so that each column (axis=0) sums to 1",
            visible="every column sums to 1",
            code='''
def softmax(x, axis=0):
    x = np.array(x, dtype=float)
    if x.ndim == 0:
        raise ValueError("softmax needs at least a vector")
    e = np.exp(x - np.max(x))
    return e / np.sum(e)
''',
        ),
        Mistake(
            id="softmax-overflow", function="softmax",
            message="your softmax overflows for large scores (exp(1e4) is inf, inf/inf is nan); subtract the maximum along the axis before exp",
            visible="overflows",
            code='''
def softmax(x, axis=0):
    x = np.array(x, dtype=float)
    if x.ndim == 0:
        raise ValueError("softmax needs at least a vector")
    e = np.exp(x)
    return e / np.sum(e, axis=axis, keepdims=True)
''',
        ),
        Mistake(
            id="softmax-global-max", function="softmax",
            message="your softmax subtracts the largest entry of the whole array, so a column far below it underflows to 0/0; subtract each slice's own maximum (keepdims=True)",
            visible="each column's own maximum",
            code='''
def softmax(x, axis=0):
    x = np.array(x, dtype=float)
    if x.ndim == 0:
        raise ValueError("softmax needs at least a vector")
    e = np.exp(x - np.max(x))
    return e / np.sum(e, axis=axis, keepdims=True)
''',
        ),
        Mistake(
            id="attend-no-softmax", function="attend",
            message="your bⁱ weights the values by the raw scores α; normalise them with the softmax first (α′ sums to 1)",
            visible="did you forget the softmax",
            code='''
def attend(I, Wq, Wk, Wv, i):
    I = matrix("I", I)
    Wq, Wk, Wv = matrix("Wq", Wq), matrix("Wk", Wk), matrix("Wv", Wv)
    for name, W in (("Wq", Wq), ("Wk", Wk), ("Wv", Wv)):
        weights_for(name, W, "I", I)
    N = I.shape[1]
    if not 0 <= i < N:
        raise ValueError(f"i must be in 0..{N - 1}")
    q = Wq @ I[:, i]
    alpha = np.array([dot_product_score(q, Wk @ I[:, j]) for j in range(N)])
    return (Wv @ I) @ alpha, alpha
''',
        ),
        Mistake(
            id="attend-qk-swapped", function="attend",
            message="your scores are kⁱ·qʲ (query and key swapped); query i's score for key j is qⁱ·kʲ, with qⁱ = Wᵠaⁱ and kʲ = Wᵏaʲ",
            visible="which uses kⁱ·qʲ",
            code='''
def attend(I, Wq, Wk, Wv, i):
    I = matrix("I", I)
    Wq, Wk, Wv = matrix("Wq", Wq), matrix("Wk", Wk), matrix("Wv", Wv)
    for name, W in (("Wq", Wq), ("Wk", Wk), ("Wv", Wv)):
        weights_for(name, W, "I", I)
    N = I.shape[1]
    if not 0 <= i < N:
        raise ValueError(f"i must be in 0..{N - 1}")
    k = Wk @ I[:, i]
    alpha_prime = softmax(np.array([dot_product_score(k, Wq @ I[:, j]) for j in range(N)]))
    return (Wv @ I) @ alpha_prime, alpha_prime
''',
        ),
        Mistake(
            id="attend-keys-as-values", function="attend",
            message="your bⁱ sums the keys kʲ = Wᵏaʲ; bⁱ is the weighted sum of the values vʲ = Wᵛaʲ",
            visible="which sums the keys",
            code='''
def attend(I, Wq, Wk, Wv, i):
    I = matrix("I", I)
    Wq, Wk, Wv = matrix("Wq", Wq), matrix("Wk", Wk), matrix("Wv", Wv)
    for name, W in (("Wq", Wq), ("Wk", Wk), ("Wv", Wv)):
        weights_for(name, W, "I", I)
    N = I.shape[1]
    if not 0 <= i < N:
        raise ValueError(f"i must be in 0..{N - 1}")
    q = Wq @ I[:, i]
    alpha_prime = softmax(np.array([dot_product_score(q, Wk @ I[:, j]) for j in range(N)]))
    return (Wk @ I) @ alpha_prime, alpha_prime
''',
        ),
    ),
)
