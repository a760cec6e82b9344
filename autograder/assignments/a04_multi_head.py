"""04-multi-head: several heads, stacked in order, mixed by Wᵒ."""

import numpy as np

import solutions as S
from autograder.assignments.visible import attends_within_problem

from . import Assignment, Case, Family, Mistake, Part, Question

rng = np.random.default_rng(2004)


def r(*shape, scale=1.0):
    return np.round(rng.normal(size=shape) * scale, 3)


# The worked example: two heads with Wq = 0 attend uniformly, so each head outputs the mean of its values.
I2 = np.array([[1.0, 3.0]])
WQ2, WK2 = np.zeros((2, 1, 1)), np.ones((2, 1, 1))
WV2 = np.array([[[1.0]], [[10.0]]])
WO2 = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])

d, dk, dv, N = 3, 4, 2, 5
I_a = r(d, N)
# The visible tests of the batched version: h = 3, d = 3, d_k = 4, d_v = 2, N = 5, d_out = 6.
MH3 = (r(3, 5), r(3, 4, 3), r(3, 4, 3), r(3, 2, 3), r(6, 6))


def _heads(I, Wq, Wk, Wv, scale):
    import solutions

    return [solutions.self_attention(I, Wq[head], Wk[head], Wv[head], scale) for head in range(len(Wq))]


def _head_families(args, kwargs, reference):
    """What heads that share weights, come in reverse order, interleave or are summed give."""
    I, Wq, Wk, Wv, Wo = (np.asarray(a, dtype=float) for a in args)
    scale = kwargs.get("scale", False)
    if Wq.ndim != 3 or Wv.ndim != 3 or len(Wq) != len(Wv) or len(Wq) < 2:
        return {}
    try:
        heads = _heads(I, Wq, Wk, Wv, scale)
        O_ref, A_ref = reference(*args, **kwargs)
    except ValueError:
        return {}
    h, n_cols = len(Wq), I.shape[1]
    A = np.stack([a for _, a in heads])
    out = {"share": [], "reversed": [], "interleaved": [], "summed": []}
    for first in (0, h - 1):
        rep = [np.repeat(W[first:first + 1], h, axis=0) for W in (Wq, Wk, Wv)]
        out["share"].append(reference(I, *rep, Wo, **kwargs))
        for n in range(3):     # one of the three weights shared
            mixed = [rep[k] if k == n else W for k, W in enumerate((Wq, Wk, Wv))]
            out["share"].append(reference(I, *mixed, Wo, **kwargs))
    stacked = [O for O, _ in heads]
    out["reversed"] += [(Wo @ np.concatenate(stacked[::-1]), A), (Wo @ np.concatenate(stacked[::-1]), A[::-1])]
    out["interleaved"].append((Wo @ np.stack(stacked, axis=1).reshape(-1, n_cols), A))
    total = sum(stacked)
    out["summed"] += [(total, A), (total / h, A)]
    out["summed"].append((Wo[:, :total.shape[0]] @ total, A))
    return out


def _family(kind, message):
    return tuple(
        Family(f"heads-{kind}", fn, message, lambda args, kwargs, reference, k=kind: _head_families(args, kwargs, reference).get(k, []))
        for fn in ("multi_head_self_attention", "multi_head_self_attention_batched")
    )


HEAD_FAMILIES = (
    _family("share", "your heads share one head's weights; each head uses its own Wq[head], Wk[head], Wv[head]")
    + _family("reversed", "your heads are stacked in reverse order; stack them top to bottom in head order, [O¹; …; Oʰ]")
    + _family("interleaved", "your stacked heads interleave their rows; stack whole heads top to bottom, [O¹; …; Oʰ]")
    + _family("summed", "your heads are summed (or averaged); they are stacked, [O¹; …; Oʰ], and mixed by Wᵒ")
)

# ----------------------------------------------------------------------------- the construction part

# Chapter 4's toy input ("What the heads see"): six positions, 2 types and 2 groups.
TOY = ([0, 0, 1, 1, 0, 1], [0, 1, 0, 1, 1, 0], 2, 2)
MASS = 0.9   # the weight a head puts on the positions of the query's own type (group)


def _toy_case(types, groups, n_types, n_groups, label):
    return Case("type_group_weights", (n_types, n_groups), label=label,
                data={"I": S.type_group_input(types, groups, n_types, n_groups), "types": list(types),
                      "groups": list(groups)})


def _random_toy(N, n_types, n_groups, label):
    return _toy_case(rng.integers(n_types, size=N).tolist(), rng.integers(n_groups, size=N).tolist(),
                     n_types, n_groups, label)


def type_and_group_heads(case, result):
    """Behaviour: head 1 attends evenly to the query's own type, head 2 to its own group."""
    if not isinstance(result, tuple) or len(result) != 2:
        return "should return a tuple (Wq, Wk)"
    Wq, Wk = (np.asarray(W, dtype=float) for W in result)
    if Wq.ndim != 3 or len(Wq) != 2:
        return f"should return weights of two heads, Wq of shape (2, d_k, d); yours has shape {Wq.shape}"
    I = case.data["I"]
    d = I.shape[0]
    _, A_primes = S.multi_head_self_attention(I, Wq, Wk, np.stack([np.eye(d)] * 2), np.eye(2 * d))
    for head, key in ((0, "type"), (1, "group")):
        problem = attends_within_problem(A_primes[head], case.data[key + "s"], MASS, key)
        if problem:
            return f"in head {head + 1}, {problem}"
    return None


TYPE_GROUP_CASES = (
    _toy_case(*TOY, "chapter 4's six positions"),
    _random_toy(8, 3, 2, "3 types, 2 groups, N = 8"),
    _random_toy(9, 2, 4, "2 types, 4 groups, N = 9"),
    _toy_case([0, 1, 1, 2, 1, 1, 2], [2, 0, 1, 0, 1, 2, 2], 3, 3, "a type held by one position only"),
    _random_toy(12, 4, 1, "4 types, one group"),
    _toy_case([0, 1], [1, 0], 2, 2, "N = 2"),
)


def _heads_swapped(args, kwargs, reference):
    """The two heads in the other order."""
    Wq, Wk = reference(*args, **kwargs)
    return [(Wq[::-1], Wk[::-1])]


ASSIGNMENT = Assignment(
    id="04-multi-head",
    notebook="multi_head",
    chapter=4,
    chapter_title="Multi-head self-attention",
    page="ch04-multi-head",
    sections={"multi_head_self_attention": "ch04-two-heads",
              "multi_head_self_attention_batched": "ch04-two-heads",
              "type_group_weights": "ch04-what-heads-see"},
    intro="""
    One set of (Wq, Wk, Wv) finds one kind of relevance. **Multi-head** self-attention runs h
    heads side by side, each with its own weights: head ℓ gives $O^\\ell$ = self_attention(I, $W^{q,\\ell}$, $W^{k,\\ell}$, $W^{v,\\ell}$).
    The heads' outputs are **stacked top to bottom in head order**, [O¹; …; Oʰ], shape
    (h·d_v, N), and mixed by one more matrix: O = Wᵒ [O¹; …; Oʰ].

    Here the weights of all heads come in one array: `Wq[head]` is the Wq of head ℓ = `head`, so `Wq` and `Wk`
    are (h, d_k, d), `Wv` is (h, d_v, d), and `Wo` is (d_out, h·d_v). You write it twice:
    first one head after the other, with your `self_attention` from exercise 3; then all heads
    at once, without a Python loop, as a GPU runs them.
    """,
    parts=(
        Part(
            id="two_heads", title="Two heads by hand", points=3,
            prose="""
            Write `multi_head_self_attention(I, Wq, Wk, Wv, Wo, scale=False)`: return `(O, A_primes)`
            where `A_primes[head]` is the A′ of head ℓ = `head` (shape (h, N, N)) and O = Wᵒ [O¹; …; Oʰ]. The set-up
            cell's `multi_head_weights` checks the shapes (`ValueError` when `Wo` does not have
            h·d_v columns, or the heads disagree).

            The test works a small case by hand: I = [1 3], two heads with Wq = 0, so every head
            attends uniformly and outputs the mean of its values: head 1 has vʲ = aʲ (mean 2),
            head 2 has vʲ = 10aʲ (mean 20); stacked [2 2; 20 20]; Wᵒ = [[1, 0], [0, 1], [1, 1]].
            """,
            answers=("multi_head_self_attention",),
            visible="""
            I = np.array([[1.0, 3.0]])
            Wq, Wk = np.zeros((2, 1, 1)), np.ones((2, 1, 1))
            Wv = np.array([[[1.0]], [[10.0]]])
            Wo = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
            result = multi_head_self_attention(I, Wq, Wk, Wv, Wo)
            check_true(isinstance(result, tuple) and len(result) == 2, "multi_head_self_attention should return a tuple (O, A_primes)")
            O, A_primes = result
            check_shape("O for d_out = 3, N = 2", O, (3, 2),
                        "O = Wo @ [O¹; …; Oʰ] has d_out rows: did you forget to multiply the stacked heads by Wo?")
            check_unlike("O", O, «M('mh-heads-reversed')(I2, WQ2, WK2, WV2, WO2)[0]»,
                         "which stacks the heads in reverse order: [O¹; O²; …], head 1 on top")
            check_close("O", O, «S.multi_head_self_attention(I2, WQ2, WK2, WV2, WO2)[0]»)
            check_shape("A_primes for h = 2, N = 2", A_primes, (2, 2, 2))
            check_close("A_primes", A_primes, np.full((2, 2, 2), 0.5))
            """,
            cases=(
                Case("multi_head_self_attention", (I2, WQ2, WK2, WV2, WO2), label="the worked example"),
                Case("multi_head_self_attention", (I_a, r(1, dk, d), r(1, dk, d), r(1, dv, d), r(3, dv)), label="one head, d_out = 3"),
                Case("multi_head_self_attention", (r(2, 1), r(1, 3, 2), r(1, 3, 2), r(1, 2, 2), r(2, 2)), label="one head, N = 1"),
            ),
        ),
        Part(
            id="heads", title="Several heads, scaling and shapes", points=2,
            prose="""
            No new code: this part checks your function on h = 2 and h = 3 heads with distinct
            weights, d ≠ d_k ≠ d_v ≠ N, so that each head must use its own `Wq[head]`, `Wk[head]`,
            `Wv[head]` and the heads must be stacked in order; `scale=True` must reach every head,
            and shapes that do not fit must raise `ValueError`.
            """,
            answers=(),
            visible="""
            rng = np.random.default_rng(0)
            I = rng.normal(size=(3, 5))
            Wq, Wk, Wv = rng.normal(size=(3, 4, 3)), rng.normal(size=(3, 4, 3)), rng.normal(size=(3, 2, 3))
            Wo = rng.normal(size=(6, 6))
            O, A_primes = multi_head_self_attention(I, Wq, Wk, Wv, Wo)
            heads = [self_attention(I, Wq[head], Wk[head], Wv[head]) for head in range(3)]
            check_close("A_primes[2] (head 3)", A_primes[2], heads[2][1], "each head uses its own weights Wq[head], Wk[head], Wv[head]")
            stacked = np.concatenate([O_head for O_head, _ in heads], axis=0)
            check_unlike("O", O, Wo @ np.concatenate([O_head for O_head, _ in heads[::-1]], axis=0),
                         "which stacks the heads in reverse order: [O¹; O²; O³], head 1 on top")
            check_unlike("O", O, Wo @ np.stack([O_head for O_head, _ in heads], axis=1).reshape(6, 5),
                         "which interleaves the heads' rows: stack whole heads top to bottom (np.concatenate(..., axis=0))")
            check_close("O", O, Wo @ stacked, "O = Wo @ [O¹; O²; O³], the heads stacked top to bottom in order")
            _, A_scaled = multi_head_self_attention(I, Wq, Wk, Wv, Wo, scale=True)
            check_close("A_primes[1] with scale=True", A_scaled[1], self_attention(I, Wq[1], Wk[1], Wv[1], scale=True)[1],
                        "pass scale on to every head's self_attention")
            check_raises("multi_head_self_attention with Wo (6, 5) for h·d_v = 6", multi_head_self_attention, I, Wq, Wk, Wv, Wo[:, :5])
            """,
            cases=(
                Case("multi_head_self_attention", (I_a, r(2, dk, d), r(2, dk, d), r(2, dv, d), r(3, 2 * dv)), label="h = 2, d = 3, d_k = 4, d_v = 2, N = 5"),
                Case("multi_head_self_attention", (I_a, r(3, dk, d), r(3, dk, d), r(3, dv, d), r(4, 3 * dv)), label="h = 3, d_out = 4"),
                Case("multi_head_self_attention", (r(4, 3), r(3, 2, 4), r(3, 2, 4), r(3, 5, 4), np.eye(15)), label="h = 3, Wo = identity (the stacked heads themselves)"),
                Case("multi_head_self_attention", (r(2, 4, scale=30.0), r(2, 3, 2), r(2, 3, 2), r(2, 1, 2), r(2, 2)), label="h = 2, large inputs"),
                Case("multi_head_self_attention", (I_a, r(2, dk, d), r(2, dk, d), r(2, dv, d), r(3, 2 * dv)), {"scale": True}, label="h = 2, scale=True"),
                Case("multi_head_self_attention", (I_a, r(2, dk, d), r(2, dk, d), r(2, dv, d), r(3, 3)), label="Wo with 3 columns for h·d_v = 4 (must raise ValueError)"),
                Case("multi_head_self_attention", (I_a, r(2, dk, d), r(3, dk, d), r(2, dv, d), r(3, 2 * dv)), label="Wq with 2 heads, Wk with 3 (must raise ValueError)"),
            ),
        ),
        Part(
            id="batched", title="All heads at once, without a loop", points=5,
            prose="""
            A loop runs the heads one after the other. Write
            `multi_head_self_attention_batched(I, Wq, Wk, Wv, Wo, scale=False)`, with the same
            arguments and results, **without a Python loop** (no `for`, no `while`, no
            comprehension, and without calling `self_attention` or your looped version):
            numpy's `@` multiplies stacks of matrices, one per head, and `np.einsum`, `np.swapaxes`
            and your `softmax` (along the right axis) do the rest. Stacking the heads top to bottom is
            then one `reshape`. The test checks that the function has no loop and gives what
            the looped version gives.

            <details><summary>Hint: the shapes</summary>

            `Wq @ I` has shape (h, d_k, N): the Q of head ℓ = `head` is `(Wq @ I)[head]`. The scores of
            every head form an (h, N, N) array whose [head, j, i] entry is kʲ·qⁱ of that head. Which axis of it
            does the softmax run over? And which reshape puts the first head's d_v rows on top?
            </details>
            """,
            answers=("multi_head_self_attention_batched",),
            visible="""
            I, Wq, Wk, Wv, Wo = «MH3»
            check_no_loop("multi_head_self_attention_batched", multi_head_self_attention_batched,
                          forbidden=("self_attention", "multi_head_self_attention"),
                          hint="compute every head at once: @ multiplies stacks of matrices, and one reshape stacks the heads")
            result = multi_head_self_attention_batched(I, Wq, Wk, Wv, Wo)
            check_true(isinstance(result, tuple) and len(result) == 2, "multi_head_self_attention_batched should return a tuple (O, A_primes)")
            O, A_primes = result
            check_shape("A_primes for h = 3, N = 5", A_primes, (3, 5, 5))
            check_unlike("A_primes", A_primes, «M('batched-softmax-rows')(*MH3)[1]»,
                         "which normalises each row of every head: the softmax runs over the keys, axis 1 of the (h, N, N) scores")
            check_unlike("A_primes", A_primes, «M('batched-A-transposed')(*MH3)[1]»,
                         "which transposes every head's scores: A[head] = K[head]ᵀ Q[head], so that column i holds query i's scores")
            check_unlike("O", O, «M('batched-interleaved')(*MH3)[0]»,
                         "which interleaves the heads' rows: reshape (h, d_v, N) to (h·d_v, N) directly, head 1's rows on top")
            check_close("A_primes", A_primes, «S.multi_head_self_attention(*MH3)[1]»)
            check_close("O", O, «S.multi_head_self_attention(*MH3)[0]»)
            _, A_scaled = multi_head_self_attention_batched(I, Wq, Wk, Wv, Wo, scale=True)
            check_close("A_primes with scale=True", A_scaled, «S.multi_head_self_attention(*MH3, scale=True)[1]»,
                        "with scale=True every head's scores are divided by √d_k")
            O_loop, A_loop = multi_head_self_attention(I, Wq, Wk, Wv, Wo)
            check_close("O compared with your looped multi_head_self_attention", O, O_loop)
            """,
            cases=(
                Case("multi_head_self_attention_batched", (I2, WQ2, WK2, WV2, WO2), label="the worked example"),
                Case("multi_head_self_attention_batched", (I_a, r(2, dk, d), r(2, dk, d), r(2, dv, d), r(3, 2 * dv)), label="h = 2, d = 3, d_k = 4, d_v = 2, N = 5"),
                Case("multi_head_self_attention_batched", (I_a, r(3, dk, d), r(3, dk, d), r(3, dv, d), r(4, 3 * dv)), label="h = 3, d_out = 4"),
                Case("multi_head_self_attention_batched", (r(4, 3), r(3, 2, 4), r(3, 2, 4), r(3, 5, 4), np.eye(15)), label="h = 3, Wo = identity"),
                Case("multi_head_self_attention_batched", (I_a, r(2, dk, d), r(2, dk, d), r(2, dv, d), r(3, 2 * dv)), {"scale": True}, label="h = 2, scale=True"),
                Case("multi_head_self_attention_batched", (r(2, 1), r(2, 3, 2), r(2, 3, 2), r(2, 2, 2), r(2, 4)), label="h = 2, N = 1"),
                Case("multi_head_self_attention_batched", (r(2, 4, scale=30.0), r(2, 3, 2), r(2, 3, 2), r(2, 1, 2), r(2, 2)), label="h = 2, large inputs"),
                Case("multi_head_self_attention_batched", (I_a, r(2, dk, d), r(2, dk, d), r(3, dv, d), r(3, 2 * dv)), label="Wv with 3 heads for 2 (must raise ValueError)"),
            ),
        ),
        Part(
            id="type_group", title="Construct: the type head and the group head", points=4,
            behaviour=type_and_group_heads,
            prose="""
            Now **you** choose two heads' weights. Chapter 4's toy input gives each position a
            **type** and a **group**: `type_group_input(types, groups, n_types, n_groups)` (in
            the set-up cell) builds it, one-hot type in the first n_types rows, one-hot group in
            the next n_groups rows.

            Write `type_group_weights(n_types, n_groups)`: return `(Wq, Wk)`, each of shape
            (2, d_k, d), with which **head 1** lets every position attend to the positions of its
            own type, and **head 2** to those of its own group: in each head, every query puts at
            least 0.9 of its weight on the positions that share its type (group), spread evenly
            over them. The hidden cases use other numbers of types and groups and other
            positions; the grader checks the attention pattern each head produces, not your weights.

            <details><summary>Hint</summary>

            In chapter 4, one head that read every feature put its weight where both type and
            group matched. What should each head's queries and keys read, and what should they
            leave out? And how large must the matching score be for 0.9 of the weight?
            </details>
            """,
            answers=("type_group_weights",),
            visible="""
            # chapter 4's six positions: 2 types, 2 groups
            types, groups = «TOY[0]», «TOY[1]»
            I = type_group_input(types, groups, 2, 2)      # (4, 6)
            result = type_group_weights(2, 2)
            check_true(isinstance(result, tuple) and len(result) == 2, "type_group_weights should return a tuple (Wq, Wk)")
            Wq, Wk = result
            _, A_primes = multi_head_self_attention(I, Wq, Wk, np.stack([np.eye(4)] * 2), np.eye(8))  # your own function
            check_attends_within("head 1 (the type head)", A_primes[0], types, 0.9, "type",
                                 "each head's queries and keys should read one feature only")
            check_attends_within("head 2 (the group head)", A_primes[1], groups, 0.9, "group",
                                 "each head's queries and keys should read one feature only")
            """,
            cases=TYPE_GROUP_CASES,
        ),
    ),
    returns={"multi_head_self_attention": ("O", "A_primes"), "multi_head_self_attention_batched": ("O", "A_primes"),
             "type_group_weights": ("Wq", "Wk")},
    provided=("type_group_input",),
    families=HEAD_FAMILIES + (
        Family("type-group-swapped", "type_group_weights",
               "your heads are in the other order: head 1 should find the type, head 2 the group", _heads_swapped),),
    questions=(
        Question(
            id="why_heads", after="batched", points=2,
            prompt="""
            One head with d_k = 2, or two heads with d_k = 1 each: Wq and Wk have the same number of
            weights in both layers. What can the two heads do that the single head cannot? Use
            chapter 4's "type" head and "group" head as the example.
            """,
            rubric="""
            2 points. (1 point) Each head has its own softmax, so a query gets one distribution per
            head: one head can attend to the word of the right type while the other attends to the
            word of the same group, at the same time. (1 point) A single head gives each query one
            distribution, so its output is one weighted average that mixes what it attends to;
            the heads' outputs stay apart when they are stacked (and the output projection can
            weigh them). Answers about "more parameters" earn nothing (the counts are equal).
            """,
        ),
    ),
    mistakes=(
        Mistake("mh-no-wo", "multi_head_self_attention",
                "your O is the stacked heads without Wᵒ; O = Wᵒ [O¹; …; Oʰ]",
                (("return Wo @ stacked, A_primes", "return stacked, A_primes"),),
                visible="did you forget to multiply the stacked heads by Wo"),
        Mistake("mh-heads-reversed", "multi_head_self_attention",
                "your heads are stacked in reverse order; stack them top to bottom in head order, [O¹; …; Oʰ]",
                (("[O_head for O_head, _ in heads]", "[O_head for O_head, _ in heads[::-1]]"),), visible="stacks the heads in reverse order"),
        Mistake("mh-heads-interleaved", "multi_head_self_attention",
                "your stacked heads interleave their rows (np.stack(..., axis=1).reshape); stack whole heads top to bottom, [O¹; …; Oʰ]",
                (("np.concatenate([O_head for O_head, _ in heads], axis=0)", "np.stack([O_head for O_head, _ in heads], axis=1).reshape(-1, I.shape[1])"),),
                visible="interleaves the heads' rows"),
        Mistake("mh-first-head-weights", "multi_head_self_attention",
                "every one of your heads uses the first head's weights; each head uses its own Wq[head], Wk[head], Wv[head]",
                (("self_attention(I, Wq[head], Wk[head], Wv[head], scale)", "self_attention(I, Wq[0], Wk[0], Wv[0], scale)"),),
                visible="each head uses its own weights"),
        Mistake("mh-scale-ignored", "multi_head_self_attention",
                "your heads ignore scale=True; pass scale on to every head's self_attention",
                (("Wv[head], scale)", "Wv[head])"),), visible="pass scale on to every head"),
        Mistake("tg-heads-swapped", "type_group_weights",
                "your first head finds the positions of the same group and your second those of the same type: "
                "head 1 is the type head",
                (("np.stack([reads_type, reads_group])", "np.stack([reads_group, reads_type])"),),
                visible="on the positions of its own type"),
        Mistake("tg-reads-everything", "type_group_weights",
                "your heads read both features, so each query favours the positions where type and group both "
                "match: each head must read only its own feature",
                (("Wk = np.stack([reads_type, reads_group])", "Wk = np.stack([np.eye(n_types + n_groups)] * 2)"),),
                visible="spread its weight evenly"),
        Mistake("tg-too-soft", "type_group_weights",
                "your heads read the right features, but the matching scores are too small: the softmax still gives "
                "the other positions much of the weight (how large must a score be to win 0.9 of it?)",
                (("Wq = 9.0 * Wk", "Wq = 1.0 * Wk"),), visible="puts less than 0.9"),
        Mistake("tg-type-twice", "type_group_weights",
                "both of your heads find the positions of the same type; the second head must read the group",
                (("np.stack([reads_type, reads_group])", "np.stack([reads_type, reads_type])"),),
                visible="on the positions of its own group"),
        Mistake("batched-softmax-rows", "multi_head_self_attention_batched",
                "your A′ normalises each row of every head (the last axis); the softmax runs over the keys, axis 1 of the (h, N, N) scores",
                (("softmax(A, axis=1)", "softmax(A, axis=2)"),), visible="which normalises each row of every head"),
        Mistake("batched-A-transposed", "multi_head_self_attention_batched",
                "your scores are Q[head]ᵀ K[head], every head's A transposed; A[head] = K[head]ᵀ Q[head], column i for query i",
                (("A = np.swapaxes(K, 1, 2) @ Q", "A = np.swapaxes(Q, 1, 2) @ K"),), visible="which transposes every head's scores"),
        Mistake("batched-interleaved", "multi_head_self_attention_batched",
                "your reshape interleaves the heads' rows (the axes were swapped before it); reshape (h, d_v, N) to (h·d_v, N) directly",
                (("stacked = heads.reshape(-1, I.shape[1])", "stacked = np.swapaxes(heads, 0, 1).reshape(-1, I.shape[1])"),),
                visible="which interleaves the heads' rows"),
    ),
)
