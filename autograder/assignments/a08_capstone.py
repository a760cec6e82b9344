"""08-capstone: the backward pass of self-attention, dO → dI, dWq, dWk, dWv."""

import textwrap

import numpy as np

from . import Assignment, Case, Mistake, Part, Question

rng = np.random.default_rng(2008)


def r(*shape, scale=1.0):
    """Random inputs, rounded so the notebook's literals stay short."""
    return np.round(rng.normal(size=shape) * scale, 3)


def problem(d, d_k, d_v, N):
    """``(I, Wq, Wk, Wv, dO)`` with these sizes."""
    return r(d, N), r(d_k, d), r(d_k, d), r(d_v, d), r(d_v, N)


CAUSAL5 = np.triu(np.ones((5, 5), dtype=bool))         # key j <= query i: asymmetric
WINDOW6 = np.abs(np.subtract.outer(np.arange(6), np.arange(6))) <= 1

# The visible tests' inputs (d = 3, d_k = 2, d_v = 4, N = 5), and a causal mask.
P2 = problem(3, 2, 4, 5)
P3 = problem(4, 3, 2, 5)
P4 = problem(3, 2, 4, 5)

ONE_VECTOR = (np.array([[1.0], [2.0]]), np.eye(2), np.eye(2), np.diag([1.0, 3.0]), np.array([[1.0], [1.0]]))

PART1_CASES = (
    Case("self_attention_backward", ONE_VECTOR, label="N = 1, the example of the test cell"),
    Case("self_attention_backward", problem(3, 2, 4, 1), label="N = 1, d = 3, d_k = 2, d_v = 4"),
    Case("self_attention_backward", problem(5, 4, 2, 1), {"scale": True}, label="N = 1, scale=True"),
)

PART2_CASES = (
    Case("self_attention_backward", problem(3, 4, 5, 6), label="d = 3, d_k = 4, d_v = 5, N = 6"),
    Case("self_attention_backward", problem(5, 2, 3, 4), label="d = 5, d_k = 2, d_v = 3, N = 4"),
    Case("self_attention_backward", problem(4, 4, 4, 4), label="d = d_k = d_v = N = 4"),
    Case("self_attention_backward", problem(2, 3, 2, 7), label="d = 2, d_k = 3, d_v = 2, N = 7"),
    Case("self_attention_backward", problem(3, 2, 2, 3)[:4] + (r(3, 2),),
         label="dO of shape (3, 2) for O of shape (2, 3) (must raise ValueError)"),
    Case("self_attention_backward", (r(3, 4), r(2, 3), r(3, 3), r(5, 3), r(5, 4)),
         label="Wq (2, 3) and Wk (3, 3) differ (must raise ValueError)"),
)

PART3_CASES = (
    Case("self_attention_backward", problem(3, 4, 5, 6), {"scale": True}, label="scale=True, d_k = 4"),
    Case("self_attention_backward", problem(4, 9, 2, 3), {"scale": True}, label="scale=True, d_k = 9"),
    Case("self_attention_backward", problem(2, 3, 3, 5), {"scale": False}, label="scale=False, d_k = 3"),
)

PART4_CASES = (
    Case("self_attention_backward", problem(3, 2, 4, 5), {"mask": CAUSAL5}, label="a causal mask, N = 5"),
    Case("self_attention_backward", problem(4, 3, 2, 6), {"mask": WINDOW6}, label="a window mask of width 3, N = 6"),
    Case("self_attention_backward", problem(4, 3, 2, 5), {"mask": CAUSAL5, "scale": True},
         label="a causal mask with scale=True"),
    Case("self_attention_backward", problem(3, 2, 4, 5), {"mask": np.ones((5, 5), dtype=bool)},
         label="an all-True mask (same as no mask)"),
)

# The line of the reference that runs the softmax backwards (the catalogue patches it).
DA_LINE = "dA = A_prime * (dA_prime - np.sum(A_prime * dA_prime, axis=0, keepdims=True))"

# The lines of the reference that take A′ from the forward pass, with or without a mask.
MASK_BRANCH = """    if mask is None:
        A_prime = softmax(scores(Q, K, scale), axis=0)   # (N, N)
    else:
        _, A_prime = masked_self_attention(I, Wq, Wk, Wv, mask, scale)
"""

# The finite-difference check the visible tests use; defined in every test cell that needs it
# (indented like the visible code it is prepended to).
NUMERIC = textwrap.indent('''
def numeric_gradient(loss, X, eps=1e-6):
    """Central differences of loss() with respect to every entry of X (X is changed and restored)."""
    G = np.zeros_like(X)
    for idx in np.ndindex(X.shape):
        old = X[idx]
        X[idx] = old + eps
        up = loss()
        X[idx] = old - eps
        down = loss()
        X[idx] = old
        G[idx] = (up - down) / (2 * eps)
    return G
''', " " * 12)


ASSIGNMENT = Assignment(
    id="08-capstone",
    notebook="capstone",
    chapter=8,
    chapter_title="Capstone: tagging “I saw a saw”",
    page="ch08-capstone",
    sections={"self_attention_backward": "ch08-backward"},
    intro="""
    To train self-attention you need the derivative of the loss with respect to its weights.
    Given dO, the gradient of the loss with respect to the output O, you run the forward pass
    backwards, one line at a time, and **derive each step yourself** with the chain rule:

        Q = Wq I,  K = Wk I,  V = Wv I,  A = KᵀQ (÷ √d_k when scale=True),
        A′ = softmax of each column of A,  O = VA′.

    Vectors are columns: `I` is `(d, N)`, `Wq` and `Wk` are `(d_k, d)`, `Wv` is `(d_v, d)`,
    `dO` is `(d_v, N)`. The set-up cell provides the input checks, and the forward pass comes
    from your own answers of exercises 2, 3 and 6 (see the cell that asks for them). Every test
    compares your gradients with **finite differences**: nudge one entry by ±ε, recompute the
    loss, divide the change by 2ε. The loss used is L = Σ dO ⊙ O, whose gradient with respect
    to O is dO. The collapsed hints under each part give the steps if you are stuck; try
    without them first.
    """,
    parts=(
        Part(
            id="one_vector", title="One vector: the value path", points=2,
            prose="""
            Write `self_attention_backward(I, Wq, Wk, Wv, dO, scale=False, mask=None)`, returning
            `(dI, dWq, dWk, dWv)` with the shapes of `I, Wq, Wk, Wv`. A `dO` whose shape is not
            the shape of O, `(d_v, N)`, raises `ValueError` (your `qkv` already checks
            the weights). Leave `mask` aside until part 4.

            This first test uses one vector (N = 1). Then A′ = [[1]] whatever the scores, so
            the queries and keys have no effect: dWq and dWk must come out zero, and only the
            value path is left.

            <details><summary>Hint: the value path</summary>

            With N = 1, O = VA′ = V = WᵛI. For a product Y = WX, the gradient of L with respect
            to W is dY Xᵀ, and with respect to X it is Wᵀ dY: check the shapes.
            </details>
            """,
            answers=("self_attention_backward",),
            visible="""
            I, Wq, Wk, Wv, dO = «ONE_VECTOR»
            result = self_attention_backward(I, Wq, Wk, Wv, dO)
            check_true(isinstance(result, tuple) and len(result) == 4,
                       "self_attention_backward should return a tuple (dI, dWq, dWk, dWv)")
            dI, dWq, dWk, dWv = result
            for name, got, like in (("dI", dI, I), ("dWq", dWq, Wq), ("dWk", dWk, Wk), ("dWv", dWv, Wv)):
                check_shape(f"{name} (the shape of {name[1:]})", got, np.shape(like))
            check_close("dWq for N = 1", dWq, np.zeros((2, 2)),
                        "with one vector every column of A′ is [1], so the softmax Jacobian is 0 and so are dA, dQ, dK")
            check_close("dWv for N = 1", dWv, «S.self_attention_backward(*ONE_VECTOR)[3]»,
                        "O = V A′ = Wv I here, so dWv = dO Iᵀ")
            check_close("dI for N = 1", dI, «S.self_attention_backward(*ONE_VECTOR)[0]»,
                        "O = Wv I here, so dI = Wvᵀ dO")
            """,
            cases=PART1_CASES,
        ),
        Part(
            id="full_backward", title="The whole backward pass", points=4,
            prose="""
            Complete the function for any N: the path through the softmax and the scores, to
            dWq, dWk and the three terms of dI. Now N = 5 and d = 3, d_k = 2, d_v = 4 all differ,
            so a transposed product cannot pass. The test compares each of your four gradients
            with finite differences of L = Σ dO ⊙ O, where O comes from your `self_attention`.

            <details><summary>Hint 1: from O back to A′</summary>

            O = VA′ is a product: it gives dV and dA′ as in part 1.
            </details>

            <details><summary>Hint 2: through the softmax</summary>

            Column i of A′ is the softmax of column i of A, and its Jacobian is diag(a′) − a′a′ᵀ
            (a′ = column i of A′). Apply it to column i of dA′; written for all columns at once
            it needs one elementwise product, one sum over axis 0 and one subtraction.
            </details>

            <details><summary>Hint 3: through A = KᵀQ, and back to I</summary>

            A = KᵀQ is a product again, but with Kᵀ: work out dQ and dK from the shapes (dK
            has the shape of K). I is used three times, for Q, K and V: its gradient has one
            term for each.
            </details>
            """,
            answers=(),
            new_code=True,
            visible=NUMERIC + """
            I, Wq, Wk, Wv, dO = «P2»
            dI, dWq, dWk, dWv = self_attention_backward(I, Wq, Wk, Wv, dO)
            check_unlike("dWq", dWq, «M('jacobian-no-subtraction')(*P2)[1]»,
                         "which leaves out the subtracted term of the softmax Jacobian: dA = A′ ⊙ (dA′ − column sums of A′ ⊙ dA′), not A′ ⊙ dA′")
            check_unlike("dWq", dWq, «M('jacobian-rows')(*P2)[1]»,
                         "which subtracts row sums: the softmax runs down each column of A, so subtract the sum over each column (axis=0)")
            check_unlike("dWq", dWq, «M('dA-transposed')(*P2)[1]»,
                         "which uses dA transposed: A = KᵀQ gives dQ = K dA and dK = Q dAᵀ")
            check_unlike("dI", dI, «M('dI-no-key-path')(*P2)[0]»,
                         "which leaves out the path through the keys: I is used three times, dI = Wqᵀ dQ + Wkᵀ dK + Wvᵀ dV")

            def loss():
                return np.sum(dO * self_attention(I, Wq, Wk, Wv)[0])

            for name, got, X in (("dWv", dWv, Wv), ("dWq", dWq, Wq), ("dWk", dWk, Wk), ("dI", dI, I)):
                check_close(f"{name} (compared with finite differences)", got, numeric_gradient(loss, X))
            check_raises("self_attention_backward with dO of shape (5, 4) for O of shape (4, 5)",
                         self_attention_backward, I, Wq, Wk, Wv, dO.T)
            """,
            cases=PART2_CASES,
        ),
        Part(
            id="scaled", title="Scaled scores", points=2,
            prose="""
            Handle `scale=True`: the forward pass then divides the scores by √d_k,
            A = KᵀQ / √d_k. Where does the factor go in the backward pass, and how many times?
            """,
            answers=(),
            new_code=True,
            visible=NUMERIC + """
            I, Wq, Wk, Wv, dO = «P3»
            dI, dWq, dWk, dWv = self_attention_backward(I, Wq, Wk, Wv, dO, scale=True)
            check_unlike("dWq with scale=True", dWq, «M('no-scale')(*P3, scale=True)[1]»,
                         "which forgets the 1/√d_k: the scores are KᵀQ/√d_k, so dQ and dK are divided by √d_k too")

            def loss():
                return np.sum(dO * self_attention(I, Wq, Wk, Wv, scale=True)[0])

            for name, got, X in (("dWq", dWq, Wq), ("dWk", dWk, Wk), ("dWv", dWv, Wv), ("dI", dI, I)):
                check_close(f"{name} with scale=True (compared with finite differences)", got, numeric_gradient(loss, X))
            """,
            cases=PART3_CASES,
        ),
        Part(
            id="masked", title="With a mask", points=2,
            prose="""
            Handle `mask`: the chapter's models use masks (a window, and one block per sentence
            of a batch). When `mask` is given, the forward pass is your
            `masked_self_attention(I, Wq, Wk, Wv, mask, scale)`: masked scores are −∞ and get
            weight 0 in A′. What changes in the backward pass?

            <details><summary>Hint: the masked entries</summary>

            A masked score is the constant −∞, not a function of Q and K. Look at what the
            softmax Jacobian of a column does where A′ is 0.
            </details>
            """,
            answers=(),
            new_code=True,
            visible=NUMERIC + """
            I, Wq, Wk, Wv, dO = «P4»
            mask = «CAUSAL5»
            dI, dWq, dWk, dWv = self_attention_backward(I, Wq, Wk, Wv, dO, mask=mask)
            check_unlike("dWq with a causal mask", dWq, «M('mask-ignored')(*P4, mask=CAUSAL5)[1]»,
                         "which ignores the mask: take A′ from masked_self_attention(I, Wq, Wk, Wv, mask, scale) when a mask is given")

            def loss():
                return np.sum(dO * masked_self_attention(I, Wq, Wk, Wv, mask)[0])

            for name, got, X in (("dWq", dWq, Wq), ("dWk", dWk, Wk), ("dWv", dWv, Wv), ("dI", dI, I)):
                check_close(f"{name} with a causal mask (compared with finite differences)", got, numeric_gradient(loss, X))
            """,
            cases=PART4_CASES,
        ),
    ),
    returns={"self_attention_backward": ("dI", "dWq", "dWk", "dWv")},
    provided=("self_attention",),  # the finite-difference checks use it
    questions=(
        Question(
            id="finite_differences", points=2,
            prompt="""
            The tests compare your gradients with finite differences: nudge one entry by ±ε and
            recompute the loss. Why is that a good check of a backward pass? Why do we not train
            networks with finite differences instead of a backward pass?
            """,
            rubric="""
            2 points. (1 point) Finite differences need only the forward pass, so they check the
            backward pass independently of its derivation (a wrong derivation cannot fool them).
            (1 point) They cost two forward passes per entry of every input and weight (the
            backward pass gives all the gradients for about the cost of one more pass), and they
            are approximate: ε trades truncation error against rounding error.
            """,
        ),
    ),
    mistakes=(
        Mistake("jacobian-no-subtraction", "self_attention_backward",
                "your softmax backward is dA = A′ ⊙ dA′: it misses the subtracted term of the Jacobian diag(a′) − a′a′ᵀ, "
                "dA = A′ ⊙ (dA′ − column sums of A′ ⊙ dA′)",
                ((DA_LINE, "dA = A_prime * dA_prime"),), visible="subtracted term"),
        Mistake("jacobian-rows", "self_attention_backward",
                "your softmax backward subtracts the sums over each row of A′ ⊙ dA′; the softmax normalises each column, "
                "so subtract each column's sum (axis=0)",
                ((DA_LINE, DA_LINE.replace("axis=0", "axis=1")),), visible="subtracts row sums"),
        Mistake("dA-transposed", "self_attention_backward",
                "your dQ and dK use dA transposed; from A = KᵀQ, dQ = K dA and dK = Q dAᵀ",
                (("dQ = K @ dA ", "dQ = K @ dA.T "), ("dK = Q @ dA.T", "dK = Q @ dA ")), visible="uses dA transposed"),
        Mistake("dI-no-key-path", "self_attention_backward",
                "your dI leaves out the path through the keys; I is used for Q, K and V, so dI = Wqᵀ dQ + Wkᵀ dK + Wvᵀ dV",
                (("dI = Wq.T @ dQ + Wk.T @ dK + Wv.T @ dV", "dI = Wq.T @ dQ + Wv.T @ dV"),), visible="path through the keys"),
        Mistake("no-scale", "self_attention_backward",
                "with scale=True your gradients miss the 1/√d_k: the scores are KᵀQ/√d_k, so dA is divided by √d_k before dQ and dK",
                (("    if scale:\n        dA = dA / np.sqrt(Q.shape[0])\n", ""),), visible="forgets the 1/√d_k"),
        Mistake("mask-ignored", "self_attention_backward",
                "your backward pass ignores the mask; with a mask, A′ comes from masked_self_attention (0 where the mask is False)",
                ((MASK_BRANCH, "    A_prime = softmax(scores(Q, K, scale), axis=0)\n"),), visible="ignores the mask"),
    ),
)
