"""08-capstone: the backward pass of the tagger's attention sub-layer (masked heads, Wo, residual).

Chapter 8 derives the backward pass of one head (section ``ch08-backward``); the exercise
asks for the whole sub-layer, I_res = I + Wo [O¹; …; Oʰ] with a mask in every head, and
judges the gradients by finite differences of the forward pass (``judges``). No cell of the
notebook and no message of the grader states a backward formula: the messages say what the
gradients do wrong (a test checks the notebooks, the catalogue and the family messages).
"""

import inspect
import textwrap

import numpy as np

import solutions as S

from . import finite_differences
from . import Assignment, Case, Mistake, Part, Question

rng = np.random.default_rng(2008)


def r(*shape):
    """Random inputs, rounded so the notebook's literals stay short."""
    return np.round(rng.normal(size=shape), 3)


def problem(d, h, d_k, d_v, N):
    """``(I, Wq, Wk, Wv, Wo, dI_res)`` with these sizes."""
    return r(d, N), r(h, d_k, d), r(h, d_k, d), r(h, d_v, d), r(d, h * d_v), r(d, N)


def every(N):
    """No mask: every query sees every key."""
    return np.ones((N, N), dtype=bool)


def causal(N):
    """Query i sees keys j <= i (asymmetric, so a transposed mask fails)."""
    return np.triu(np.ones((N, N), dtype=bool))


def padding(N, real):
    """The last N - real vectors are padding: no query sees them as keys."""
    return np.repeat((np.arange(N) < real)[:, None], N, axis=1)


def sentences(*lengths):
    """Sentences side by side, as in the tagger's batches: each query sees its own sentence."""
    ids = np.repeat(np.arange(len(lengths)), lengths)
    return ids[:, None] == ids[None, :]


def window(N, width):
    return np.abs(np.subtract.outer(np.arange(N), np.arange(N))) <= width // 2


ONE = np.array([[True]])

# The visible tests' inputs; d >= h*d_v in P1 so that every catalogued mistake runs on it.
P1 = problem(5, 2, 2, 2, 1)
P2 = problem(3, 2, 4, 2, 5)
P3 = problem(4, 2, 2, 3, 6)
MASK3 = causal(6) & padding(6, 5)     # causal, and the last vector is padding
P4 = problem(4, 2, 3, 2, 5)
MASK4 = causal(5)

PART1_CASES = (
    Case("residual_attention_backward", problem(5, 2, 2, 2, 1) + (ONE,), label="N = 1, h = 2, d = 5, d_k = d_v = 2"),
    Case("residual_attention_backward", problem(3, 3, 2, 2, 1) + (ONE,), label="N = 1, h = 3, d = 3, d_v = 2"),
    Case("residual_attention_backward", problem(4, 1, 3, 5, 1) + (ONE,), {"scale": True},
         label="N = 1, one head, d_v = 5 > d = 4, scale=True"),
    Case("residual_attention_backward", problem(3, 2, 2, 2, 4)[:5] + (r(4, 3), every(4)),
         label="dI_res of shape (4, 3) for I_res of shape (3, 4) (must raise ValueError)"),
    Case("residual_attention_backward", (r(3, 4), r(2, 2, 3), r(2, 2, 3), r(2, 2, 3), r(5, 4), r(3, 4), every(4)),
         label="Wo with 5 rows for d = 3: the residual cannot be added (must raise ValueError)"),
)

PART2_CASES = (
    Case("residual_attention_backward", problem(3, 2, 4, 2, 5) + (every(5),), label="h = 2, d = 3, d_k = 4, d_v = 2, N = 5"),
    Case("residual_attention_backward", problem(4, 3, 2, 3, 6) + (every(6),), label="h = 3, d = 4, d_k = 2, d_v = 3, N = 6"),
    Case("residual_attention_backward", problem(5, 1, 3, 4, 4) + (every(4),), label="one head, d = 5, d_k = 3, d_v = 4, N = 4"),
    Case("residual_attention_backward", problem(2, 2, 3, 1, 7) + (every(7),), label="h = 2, d = 2, d_k = 3, d_v = 1, N = 7"),
)

PART3_CASES = (
    Case("residual_attention_backward", problem(3, 2, 2, 4, 5) + (causal(5),), label="a causal mask, N = 5"),
    Case("residual_attention_backward", problem(4, 2, 3, 2, 6) + (padding(6, 4),),
         label="padding: the last 2 of 6 vectors are hidden as keys"),
    Case("residual_attention_backward", problem(3, 3, 2, 2, 7) + (sentences(3, 4),),
         label="two sentences side by side (3 and 4 words)"),
    Case("residual_attention_backward", problem(4, 1, 2, 3, 6) + (window(6, 3),), label="a window of width 3, one head"),
    Case("residual_attention_backward", problem(3, 2, 3, 2, 6) + (causal(6) & padding(6, 4),),
         label="causal, and the last 2 of 6 vectors are padding"),
)

PART4_CASES = (
    Case("residual_attention_backward", problem(3, 2, 4, 2, 5) + (every(5),), {"scale": True},
         label="scale=True, d_k = 4, no mask"),
    Case("residual_attention_backward", problem(4, 2, 9, 2, 4) + (causal(4),), {"scale": True},
         label="scale=True, d_k = 9, a causal mask"),
    Case("residual_attention_backward", problem(3, 3, 2, 2, 6) + (sentences(2, 4),), {"scale": True},
         label="scale=True, d_k = 2, two sentences"),
    Case("residual_attention_backward", problem(2, 2, 5, 3, 5) + (padding(5, 3),), {"scale": False},
         label="scale=False, d_k = 5, padding"),
)

# Lines of the reference the catalogue patches.
DA_LINE = "dA = A_prime * (dA_prime - np.sum(A_prime * dA_prime, axis=0, keepdims=True))"
HEAD_FORWARD = "O_head, A_prime = masked_self_attention(I, Wq[head], Wk[head], Wv[head], mask, scale)"
D_HEAD = "dO = Wo[:, rows].T @ dI_res"

# Central differences, as the grader computes them; defined in every test cell that needs them
# (indented like the visible code it is prepended to).
NUMERIC = textwrap.indent("\n" + inspect.getsource(finite_differences.central_differences), " " * 12)

NAMES = ("dI", "dWq", "dWk", "dWv", "dWo")


def compare_with_differences(options, what):
    """Visible code: each of the five gradients against central differences of the forward pass."""
    return f"""
            def loss():
                return np.sum(dI_res * residual_attention(I, Wq, Wk, Wv, Wo, {options}))

            for name, got, X in (("dWo", dWo, Wo), ("dWv", dWv, Wv), ("dWq", dWq, Wq), ("dWk", dWk, Wk), ("dI", dI, I)):
                check_close(f"{{name}} {what} (compared with finite differences)", got, central_differences(loss, X))
            """


ASSIGNMENT = Assignment(
    id="08-capstone",
    notebook="capstone",
    chapter=8,
    chapter_title="Capstone: tagging “I saw a saw”",
    page="ch08-capstone",
    sections={"residual_attention_backward": "ch08-backward"},
    intro="""
    To train the tagger of chapter 8 you need the derivative of the loss with respect to every
    weight. Chapter 8's section *Through self-attention* works out the backward pass of one
    head. The tagger's attention sub-layer has more: several heads, each with the same mask,
    the output projection Wᵒ, and the residual that adds the input back. Its backward pass is
    what you **derive** here, with the chain rule, one line of the forward pass at a time:

        head ℓ = 1 … h:  Qˡ = Wq[ℓ] I,  Kˡ = Wk[ℓ] I,  Vˡ = Wv[ℓ] I,
                         Aˡ = Kˡᵀ Qˡ (÷ √d_k when scale=True), −∞ where the mask is False,
                         A′ˡ = softmax of each column of Aˡ,  Oˡ = Vˡ A′ˡ;
        I_res = I + Wᵒ [O¹; …; Oʰ]   (the heads' outputs stacked top to bottom).

    Vectors are columns: `I` is `(d, N)`, `Wq` and `Wk` are `(h, d_k, d)`, `Wv` is
    `(h, d_v, d)`, `Wo` is `(d, h*d_v)`, and `dI_res`, the gradient of the loss with respect
    to I_res, is `(d, N)`. The set-up cell provides the forward pass,
    `residual_attention(I, Wq, Wk, Wv, Wo, mask, scale=False)`, built on your own answers
    of exercises 2, 3 and 6 (see the cell that asks for them).

    **Finite differences judge your gradients**, in the test cells and when your notebook is
    graded: nudge one entry by ±ε, recompute the loss L = Σ dI_res ⊙ I_res (whose gradient
    with respect to I_res is dI_res), and divide the change by 2ε. No formula for the answer
    is given anywhere in this notebook; when a check fails, its message says what your
    gradients do wrong. The collapsed hints point in a direction if you are stuck; try
    without them first.
    """,
    parts=(
        Part(
            id="around_heads", title="One vector: the residual, Wᵒ and the heads", points=3,
            prose="""
            Write `residual_attention_backward(I, Wq, Wk, Wv, Wo, dI_res, mask, scale=False)`,
            returning `(dI, dWq, dWk, dWv, dWo)` with the shapes of `I, Wq, Wk, Wv, Wo`. Inputs
            that `residual_attention` rejects (weights that do not fit, a `Wo` whose rows are
            not d), and a `dI_res` whose shape is not the shape of I, raise `ValueError`.

            This first test uses one vector (N = 1, `mask = [[True]]`). Then every head's A′ is
            [[1]] whatever its scores, so the queries and keys have no effect: dWq and dWk
            must come out zero. What is left is everything around the attention weights:
            the residual, Wᵒ, and which part of the gradient belongs to which head.

            <details><summary>Hint: the paths from I to I_res</summary>

            Write I_res for N = 1 as a sum of products and follow each term back to I. Chapter
            8's section *Training by hand* gives the rule for one product; when a quantity is
            used in several places, its gradient collects one term from each.
            </details>

            <details><summary>Hint: the heads</summary>

            Call the stack [O¹; …; Oʰ] one matrix. First ask what Wᵒ does to the gradient on its
            way from I_res to the stack; then ask which rows of the stack (and which columns of
            Wᵒ) belong to head ℓ.
            </details>
            """,
            answers=("residual_attention_backward",),
            visible=NUMERIC + """
            I, Wq, Wk, Wv, Wo, dI_res = «P1»
            mask = np.array([[True]])
            result = residual_attention_backward(I, Wq, Wk, Wv, Wo, dI_res, mask)
            check_true(isinstance(result, tuple) and len(result) == 5,
                       "residual_attention_backward should return a tuple (dI, dWq, dWk, dWv, dWo)")
            dI, dWq, dWk, dWv, dWo = result
            for name, got, like in (("dI", dI, I), ("dWq", dWq, Wq), ("dWk", dWk, Wk), ("dWv", dWv, Wv), ("dWo", dWo, Wo)):
                check_shape(f"{name} (the shape of {name[1:]})", got, np.shape(like))
            check_close("dWq for N = 1", dWq, np.zeros(Wq.shape),
                        "with one vector every head's A′ is [[1]]: the queries cannot change the output")
            check_unlike("dI", dI, «M('residual-forgotten')(*P1, ONE)[0]»,
                         "which misses the part of dI that flows around the attention: I_res holds I itself, "
                         "so nudging I moves I_res even where no head looks")
            check_unlike("dWv", dWv, «M('wo-not-applied')(*P1, ONE)[3]»,
                         "which hands each head rows of dI_res as they are, as if Wᵒ were not there: "
                         "a head's output reaches I_res only through Wᵒ")
            check_unlike("dWv", dWv, «M('heads-mixed')(*P1, ONE)[3]»,
                         "which gives every head the first head's share of the gradient: head 2's values "
                         "only reach I_res through head 2's rows of the stack")
            """ + compare_with_differences("mask", "for N = 1"),
            cases=PART1_CASES,
        ),
        Part(
            id="every_head", title="Through every head's attention", points=3,
            prose="""
            Complete the function for any N, still without a mask (`mask` all True) and
            without scaling: the gradient now also passes through every head's softmax and
            scores, to dWq, dWk and the rest of dI. The sizes d, d_k, d_v and N all differ, so
            a transposed product cannot pass.

            <details><summary>Hint: one head at a time</summary>

            On its own rows of the stack, head ℓ is exactly the single-head layer of chapter 8,
            section *Through self-attention*: once you know the gradient with respect to its
            output Oˡ, that section takes you back to its weights and to its share of dI.
            </details>

            <details><summary>Hint: checking a head</summary>

            Check one head on its own first, on inputs small enough to follow by hand (h = 1,
            N = 2, d = d_k = d_v = 1): compare each of your gradients with `central_differences`
            of a loss built on `residual_attention`, as the test cell below does.
            </details>
            """,
            answers=(),
            new_code=True,
            visible=NUMERIC + """
            I, Wq, Wk, Wv, Wo, dI_res = «P2»
            mask = «every(5)»
            dI, dWq, dWk, dWv, dWo = residual_attention_backward(I, Wq, Wk, Wv, Wo, dI_res, mask)
            check_unlike("dWq", dWq, «M('jacobian-no-subtraction')(*P2, every(5))[1]»,
                         "which forgets that the weights of a column sum to 1: adding the same number to every "
                         "score of a column changes nothing, so each column of the scores' gradient sums to 0; yours does not")
            check_unlike("dWq", dWq, «M('jacobian-rows')(*P2, every(5))[1]»,
                         "which makes the rows of the scores' gradient sum to 0 where the columns should: "
                         "the scores of one query form a column, and the softmax runs down it")
            check_unlike("dWq", dWq, «M('dA-transposed')(*P2, every(5))[1]»,
                         "which pairs queries and keys the other way round: A[j, i] pairs key j with query i")
            check_unlike("dI", dI, «M('dI-no-key-path')(*P2, every(5))[0]»,
                         "which misses the part of dI that reaches I through the keys: in every head, I is used "
                         "as queries, as keys and as values")
            check_unlike("dWo", dWo, «M('dwo-from-values')(*P2, every(5))[4]»,
                         "which uses the values before the attention weights mix them: what Wᵒ multiplies is "
                         "each head's output")
            """ + compare_with_differences("mask", "with N = 5"),
            cases=PART2_CASES,
        ),
        Part(
            id="masked", title="Masks: causal and padding", points=2,
            prose="""
            Handle any `mask`: causal masks, padding (vectors no query may see as keys) and
            the tagger's batches of sentences side by side. Masked scores are −∞ in the
            forward pass and get weight 0 in A′. What changes in the backward pass?

            <details><summary>Hint: the hidden keys</summary>

            A masked score is the constant −∞, not a function of Q and K: nudging a hidden key
            cannot move I_res through that score. Ask where your A′ comes from, and what the
            softmax's backward step does where A′ is 0.
            </details>
            """,
            answers=(),
            new_code=True,
            visible=NUMERIC + """
            I, Wq, Wk, Wv, Wo, dI_res = «P3»
            mask = «MASK3»
            dI, dWq, dWk, dWv, dWo = residual_attention_backward(I, Wq, Wk, Wv, Wo, dI_res, mask)
            check_unlike("dWk with a causal and padding mask", dWk, «M('mask-ignored')(*P3, MASK3)[2]»,
                         "which lets the keys the mask hides take part in the backward pass: your gradient is "
                         "nonzero for keys the mask hides, yet a hidden key gets weight 0 and cannot move I_res")
            """ + compare_with_differences("mask", "with a causal and padding mask"),
            cases=PART3_CASES,
        ),
        Part(
            id="scaled", title="Scaled scores", points=2,
            prose="""
            Handle `scale=True`: every head's scores are divided by √d_k before the mask and
            the softmax. Where does the factor act in the backward pass, and on which gradients?

            <details><summary>Hint: what the factor touches</summary>

            The factor sits between the scores and the product that makes them. Ask which of
            the five gradients reach I_res through that product, and which do not.
            </details>
            """,
            answers=(),
            new_code=True,
            visible=NUMERIC + """
            I, Wq, Wk, Wv, Wo, dI_res = «P4»
            mask = «MASK4»
            dI, dWq, dWk, dWv, dWo = residual_attention_backward(I, Wq, Wk, Wv, Wo, dI_res, mask, scale=True)
            check_unlike("dWq with scale=True", dWq, «M('no-scale')(*P4, MASK4, scale=True)[1]»,
                         "which is what the unscaled layer gives: with scale=True the scores react less to "
                         "a change of the queries and keys, and what passes back through them must follow")
            """ + compare_with_differences("mask, scale=True", "with scale=True"),
            cases=PART4_CASES,
        ),
    ),
    returns={"residual_attention_backward": NAMES},
    provided=("residual_attention",),  # the forward pass the finite differences use
    judges={"residual_attention_backward": finite_differences.backward_judge(S.residual_attention, 5, "I_res")},
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
        Mistake("residual-forgotten", "residual_attention_backward",
                "your dI misses the part that flows around the attention: I_res holds I itself, so a change of I "
                "moves I_res even where no head looks",
                (("dI = dI_res.copy()", "dI = np.zeros_like(dI_res)"),), visible="flows around the attention"),
        Mistake("wo-not-applied", "residual_attention_backward",
                "your heads receive rows of dI_res as they are, as if Wᵒ were not there: a head's output reaches "
                "I_res only through Wᵒ, which mixes every head into every row",
                ((D_HEAD, "dO = dI_res[rows]"),), visible="as if Wᵒ were not there"),
        Mistake("heads-mixed", "residual_attention_backward",
                "every head of yours gets the first head's share of the gradient: head ℓ's output reaches I_res "
                "only through its own rows of the stack [O¹; …; Oʰ]",
                ((D_HEAD, "dO = Wo[:, :d_v].T @ dI_res"),), visible="the first head's share"),
        Mistake("dwo-from-values", "residual_attention_backward",
                "your dWᵒ uses the values before the attention weights mix them: what Wᵒ multiplies is each "
                "head's output",
                (("dWo[:, rows] = dI_res @ O_head.T", "dWo[:, rows] = dI_res @ V.T"),),
                visible="before the attention weights mix them"),
        Mistake("jacobian-no-subtraction", "residual_attention_backward",
                "your gradient of the scores forgets that the weights of a column sum to 1: adding the same number "
                "to every score of a column changes nothing, so each column of that gradient must sum to 0",
                ((DA_LINE, "dA = A_prime * dA_prime"),), visible="the weights of a column sum to 1"),
        Mistake("jacobian-rows", "residual_attention_backward",
                "your gradient of the scores sums to 0 along each row where it should along each column: "
                "the scores of one query form a column, and the softmax runs down it",
                ((DA_LINE, DA_LINE.replace("axis=0", "axis=1")),), visible="the rows of the scores' gradient"),
        Mistake("dA-transposed", "residual_attention_backward",
                "your dWq and dWk pair queries and keys the other way round: A[j, i] pairs key j with query i",
                (("dQ = K @ dA ", "dQ = K @ dA.T "), ("dK = Q @ dA.T", "dK = Q @ dA ")),
                visible="pairs queries and keys the other way round"),
        Mistake("dI-no-key-path", "residual_attention_backward",
                "your dI misses the part that reaches I through the keys: in every head, I is used as queries, "
                "as keys and as values",
                (("dI += Wq[head].T @ dQ + Wk[head].T @ dK + Wv[head].T @ dV", "dI += Wq[head].T @ dQ + Wv[head].T @ dV"),),
                visible="through the keys"),
        Mistake("no-scale", "residual_attention_backward",
                "with scale=True your dWq, dWk and the query and key parts of dI are what the scores would give "
                "without the division: the forward pass divides them by √d_k, and what passes back through the "
                "scores must follow that division",
                (("        if scale:\n            dA = dA / np.sqrt(Q.shape[0])\n", ""),),
                visible="what the unscaled layer gives"),
        Mistake("mask-ignored", "residual_attention_backward",
                "your gradient is nonzero for keys the mask hides: a hidden key gets weight 0 in the forward pass "
                "and cannot move I_res through its score",
                ((HEAD_FORWARD, "O_head, _ = " + HEAD_FORWARD.split(" = ", 1)[1]
                  + "\n        A_prime = softmax(scores(Q, K, scale), axis=0)"),),
                visible="nonzero for keys the mask hides"),
    ),
    # The generic families of autograder.judge.families, in words that say what the gradients do
    # wrong: their own messages quote the reference's code, which here is the answer.
    family_messages={
        "transposed": "one of your gradients has its rows and columns exchanged (a gradient has the shape "
                      "of its variable, and A[j, i] pairs key j with query i)",
        "missing-transpose": "one of your products pairs the wrong indices: a row of one factor meets a row of "
                             "the other where it should meet a column (check which index of each matrix is the "
                             "row and which the column)",
        "extra-transpose": "one of your products pairs the wrong indices: a column of one factor meets a column "
                           "of the other where it should meet a row (check which index of each matrix is the row "
                           "and which the column)",
        "missing-term": "your gradient misses one of the paths from the loss to that variable: a quantity used in "
                        "several places collects a part of its gradient from each use",
        "wrong-axis": "a sum runs over the wrong axis: in the notes' layout each column belongs to one query, and "
                      "the weights of a column sum to 1",
        "scale": "your scaling is off: with scale=True the scores are divided by √d_k, with scale=False they are "
                 "not, and the gradients must follow the forward pass",
        "wrong-size": "a size is read from the wrong axis (for example N where d_k belongs)",
        "operator": "one step of your backward pass combines two quantities the wrong way (a sign or an operation "
                    "differs from what the forward pass implies)",
        "roles": "the roles of the queries, keys and values are mixed up in your backward pass (Q = Wq I, "
                 "K = Wk I, V = Wv I in every head, and A[j, i] pairs key j with query i)",
        "off-by-one": "a bound is off by one",
        "overflow": "your result has nan or inf where the gradient is finite",
        "missing-check": "your function returns gradients where the inputs do not fit together; raise ValueError "
                         "as the part asks",
    },
)
