"""02-dot-product: relevance scores, softmax, and the output bⁱ of one query."""

import numpy as np

from . import WORKED_EXAMPLE as WORKED
from . import Assignment, Case, Family, Mistake, Part, Question

rng = np.random.default_rng(2002)


def r(*shape, scale=1.0):
    """Random inputs, rounded so the notebook's literals stay short."""
    return np.round(rng.normal(size=shape) * scale, 3)



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

def _other_axes(args, kwargs, reference):
    """The softmax along every other axis than the one asked for."""
    x = np.asarray(args[0], dtype=float)
    axis = kwargs.get("axis", 0)
    if x.ndim < 2 or not -x.ndim <= axis < x.ndim:
        return []
    return [reference(x, axis=a) for a in range(x.ndim) if a != axis % x.ndim]


def _scaled_scores(args, kwargs, reference):
    """attend with the scores divided by √d_k (the same as Wq divided by √d_k)."""
    I, Wq, Wk, Wv, i = args
    Wq = np.asarray(Wq, dtype=float)
    try:
        return [reference(I, Wq / np.sqrt(Wq.shape[0]), Wk, Wv, i)]
    except (ValueError, IndexError):
        return []


FAMILIES = (
    Family("softmax-axis", "softmax", "your softmax normalises another axis than the one asked for; use the axis "
           "argument (by default axis=0: each column sums to 1)", _other_axes),
    Family("scaled-scores", "attend", "your scores are divided by √d_k; the notes' score is the plain dot product "
           "qⁱ·kʲ (the scaled version is chapter 3's scale=True)", _scaled_scores),
)

Wq_a, Wk_a, Wv_a, I_a = r(4, 3), r(4, 3), r(5, 3), r(3, 6)
ATTEND_CASES = (
    Case("attend", WORKED + (0,), label="the chapter's worked example, query 1"),
    Case("attend", WORKED + (2,), label="the chapter's worked example, query 3"),
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

    - the **query** qⁱ = Wq aⁱ and the **key** kʲ = Wk aʲ give the score αᵢ,ⱼ = qⁱ·kʲ
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
            Write `attend(I, Wq, Wk, Wv, i)`: for query position `i`, compute qⁱ = Wq aⁱ, the scores
            αᵢ,ⱼ = qⁱ·kʲ against every key kʲ = Wᵏaʲ (with your `dot_product_score`), the weights
            α′ᵢ = softmax(αᵢ) (with your `softmax`), and bⁱ = Σⱼ α′ᵢ,ⱼ vʲ with vʲ = Wᵛaʲ. Return
            `(b, alpha_prime)`, shapes `(d_v,)` and `(N,)`. Shapes that do not fit, and `i` outside
            `0 … N-1`, raise `ValueError`.

            The test uses the chapter's worked example: the four inputs a¹ … a⁴ of d = 3 and the
            weights Wq, Wk, Wv of its section "Worked example", so you can compare with the page.
            """,
            answers=("attend",),
            visible="""
            I, Wq, Wk, Wv = «WORKED»   # the chapter's worked example: a¹ … a⁴ are the columns of I
            result = attend(I, Wq, Wk, Wv, 0)
            check_true(isinstance(result, tuple) and len(result) == 2, "attend should return a tuple (b, alpha_prime)")
            b, alpha_prime = result
            check_shape("alpha_prime for N = 4", alpha_prime, (4,))
            check_close("the sum of alpha_prime", np.sum(alpha_prime), 1.0,
                        "α′ are the scores after the softmax, so they sum to 1: did you forget the softmax?")
            check_shape("b for d_v = 2", b, (2,))
            check_unlike("b¹", b, «M('attend-keys-as-values')(*WORKED, 0)[0]»,
                         "which sums the keys kʲ: bⁱ is the weighted sum of the values vʲ = Wᵛaʲ")
            check_unlike("alpha_prime for query 1", alpha_prime, «M('attend-qk-swapped')(*WORKED, 0)[1]»,
                         "which uses kⁱ·qʲ: the score of key j for query i is qⁱ·kʲ (query from aⁱ, keys from every aʲ)")
            expected = «tuple(S.attend(*WORKED, i) for i in range(4))»
            for i, (b_expected, alpha_expected) in enumerate(expected):
                b, alpha_prime = attend(I, Wq, Wk, Wv, i)
                check_close(f"alpha_prime for query i = {i} (α′ of a{i + 1} in the worked example)", alpha_prime, alpha_expected)
                check_close(f"b for query i = {i} (b{i + 1} in the worked example)", b, b_expected)
            check_raises("attend with i = N = 4", attend, I, Wq, Wk, Wv, 4)
            """,
            cases=ATTEND_CASES,
        ),
    ),
    returns={"attend": ("b", "alpha_prime")},
    families=FAMILIES,
    questions=(
        Question(
            id="convex_outputs", after="attend", points=2,
            prompt="""
            The output bⁱ you computed is Σⱼ α′ᵢ,ⱼ vʲ, with weights from the softmax. The softmax's
            weights are at least 0 and sum to 1: what does that say about where bⁱ can lie,
            compared with the values v¹ … vᴺ? What could happen if the raw scores αᵢ,ⱼ were used
            as the weights instead?
            """,
            rubric="""
            2 points. (1 point) bⁱ is a weighted average (a convex combination) of the values: it
            lies in their convex hull, so each entry of bⁱ is between the smallest and the largest
            of that entry over the vʲ. (1 point) Raw scores can be negative and need not sum to 1,
            so Σⱼ αᵢ,ⱼ vʲ can point away from the values or grow with the size of the scores; it is
            no longer an average. Saying only "the weights are probabilities" earns 1 point at most.
            """,
        ),
    ),
    mistakes=(
        Mistake("dot-elementwise", "dot_product_score",
                "your score is the vector of products qₙkₙ; the score is one number, their sum q·k",
                (("return float(q @ k)", "return q * k"),), visible="should return one number"),
        Mistake("dot-cosine", "dot_product_score",
                "your score divides by the lengths of q and k (cosine similarity); the notes' score is the plain dot product q·k",
                (("return float(q @ k)", "return float(q @ k / (np.linalg.norm(q) * np.linalg.norm(k)))"),),
                visible="cosine similarity"),
        Mistake("dot-zip", "dot_product_score",
                "your score does not check the lengths (zip stops at the shorter vector); q and k of different lengths must raise ValueError",
                (('    q, k = vector("q", q), vector("k", k)\n    same_shape("q", q, "k", k)\n    return float(q @ k)',
                  "    return float(sum(a * b for a, b in zip(np.ravel(q), np.ravel(k))))"),),
                visible="should raise ValueError"),
        Mistake("additive-no-tanh", "additive_score",
                "your score is w·(q + k): tanh is missing, the score is w·tanh(q + k)",
                (("w @ np.tanh(q + k)", "w @ (q + k)"),), visible="apply tanh to q + k"),
        Mistake("additive-tanh-outside", "additive_score",
                "your score is tanh(w·(q + k)): tanh belongs inside, on q + k, the score is w·tanh(q + k)",
                (("float(w @ np.tanh(q + k))", "float(np.tanh(w @ (q + k)))"),), visible="tanh goes inside"),
        Mistake("additive-no-w", "additive_score",
                "your score adds up tanh(q + k) without w; the score is the dot product w·tanh(q + k)",
                (("float(w @ np.tanh(q + k))", "float(np.sum(np.tanh(q + k)))"),), visible="without w"),
        Mistake("softmax-last-axis", "softmax",
                "your softmax always normalises the last axis (each row of a matrix); use the axis argument: by default (axis=0) each column sums to 1",
                (("np.max(x, axis=axis, keepdims=True)", "np.max(x, axis=-1, keepdims=True)"),
                 ("np.sum(e, axis=axis, keepdims=True)", "np.sum(e, axis=-1, keepdims=True)")),
                visible="every column sums to 1"),
        Mistake("softmax-whole-array", "softmax",
                "your softmax divides by the sum over the whole array; normalise along the axis argument, so that each column (axis=0) sums to 1",
                (("np.max(x, axis=axis, keepdims=True)", "np.max(x)"), ("np.sum(e, axis=axis, keepdims=True)", "np.sum(e)")),
                visible="every column sums to 1"),
        Mistake("softmax-overflow", "softmax",
                "your softmax overflows for large scores (exp(1e4) is inf, inf/inf is nan); subtract the maximum along the axis before exp",
                (("shifted = x - np.max(x, axis=axis, keepdims=True)", "shifted = x"),), visible="overflows"),
        Mistake("softmax-global-max", "softmax",
                "your softmax subtracts the largest entry of the whole array, so a column far below it underflows to 0/0; subtract each slice's own maximum (keepdims=True)",
                (("np.max(x, axis=axis, keepdims=True)", "np.max(x)"),), visible="each column's own maximum"),
        Mistake("attend-no-softmax", "attend",
                "your bⁱ weights the values by the raw scores α; normalise them with the softmax first (α′ sums to 1)",
                (("alpha_prime = softmax(alpha)", "alpha_prime = alpha"),), visible="did you forget the softmax"),
        Mistake("attend-qk-swapped", "attend",
                "your scores are kⁱ·qʲ (query and key swapped); query i's score for key j is qⁱ·kʲ, with qⁱ = Wq aⁱ and kʲ = Wk aʲ",
                (("q = Wq @ I[:, i]", "q = Wk @ I[:, i]"), ("dot_product_score(q, Wk @ I[:, j])", "dot_product_score(q, Wq @ I[:, j])")),
                visible="which uses kⁱ·qʲ"),
        Mistake("attend-keys-as-values", "attend",
                "your bⁱ sums the keys kʲ = Wᵏaʲ; bⁱ is the weighted sum of the values vʲ = Wᵛaʲ",
                (("V = Wv @ I", "V = Wk @ I"),), visible="which sums the keys"),
    ),
)
