"""Construction parts: graded on what self-attention does with the student's weights, not on the weights.

Grader-side (``simulate.py``, no kernels): each construction part accepts the reference and
other right constructions, and rejects plausible wrong ones (roles swapped, ties, weights that
fit only the visible input), with a message that names what the weights do.
"""

import textwrap

import pytest

from autograder import assignments
from . import simulate
CONSTRUCTIONS = [(aid, p.id) for aid in assignments.ids() for p in assignments.get(aid).parts
                 if p.behaviour is not None]


def _verdict(aid, part_id, code):
    fn = assignments.get(aid).part(part_id).answers[0]
    return simulate.verdicts(aid, {fn: textwrap.dedent(code)})[part_id]


def _visible(aid, part_id, code):
    fn = assignments.get(aid).part(part_id).answers[0]
    return simulate.visible_errors(aid, {fn: textwrap.dedent(code)})[part_id]


def test_the_exercises_of_the_issue_have_construction_parts():
    assert {aid for aid, _ in CONSTRUCTIONS} >= {"03-matrix-form", "04-multi-head", "06-vs-cnn"}


@pytest.mark.parametrize("aid, part_id", CONSTRUCTIONS)
def test_a_construction_part_is_judged_on_behaviour_with_its_own_catalogue(aid, part_id):
    spec = assignments.get(aid)
    part = spec.part(part_id)
    assert part.asks_for_code and len(part.answers) == 1
    assert simulate.verdicts(aid)[part_id]["passed"]
    assert simulate.visible_errors(aid, {})[part_id] is None
    assert sum(m.function == part.answers[0] for m in spec.mistakes) >= 3
    assert all(c.data for c in part.cases if c.label and "ValueError" not in c.label)
    assert len({repr(c.args) for c in part.cases}) >= 4   # inputs of several sizes, not only the visible one


# ----------------------------------------------------------------------------- exercise 3

RIGHT_PREVIOUS = {
    "keys shifted instead of queries": """
        def previous_word_weights(d_word, N):
            P = np.hstack([np.zeros((N, d_word)), np.eye(N)])
            return 8.0 * P, np.eye(N, k=-1) @ P     # kʲ = one-hot of j + 1, qⁱ = 8 one-hot of i
        """,
    "a larger d_k with extra zero rows": """
        def previous_word_weights(d_word, N):
            Wq = np.zeros((N + 2, d_word + N))
            Wk = np.zeros((N + 2, d_word + N))
            for i in range(1, N):
                Wq[i - 1, d_word + i] = 3.0
                Wk[i - 1, d_word + i - 1] = 3.0
            return Wq, Wk
        """,
}

WRONG_PREVIOUS = {
    "queries and keys swapped (attends to the next word)": ("""
        def previous_word_weights(d_word, N):
            Wk = np.hstack([np.zeros((N, d_word)), 5.0 * np.eye(N, k=1)])
            Wq = np.hstack([np.zeros((N, d_word)), np.eye(N)])
            return Wq, Wk
        """, "after"),
    "all scores equal (a tie)": ("""
        def previous_word_weights(d_word, N):
            return np.zeros((2, d_word + N)), np.zeros((2, d_word + N))
        """, "hardly more than"),
    "right only on the visible input (I saw a saw, d_word = 3, N = 4)": ("""
        def previous_word_weights(d_word, N):
            Wq = np.zeros((4, 7))
            Wk = np.zeros((4, 7))
            Wq[[0, 1, 2], [4, 5, 6]] = 5.0
            Wk[[0, 1, 2], [3, 4, 5]] = 1.0
            return Wq, Wk
        """, "could not use"),
    "reads the words only": ("""
        def previous_word_weights(d_word, N):
            W = np.hstack([np.eye(d_word), np.zeros((d_word, N))])
            return 5.0 * W, W
        """, "attends most to"),
}


def test_exercise_3_accepts_other_right_constructions():
    for what, code in RIGHT_PREVIOUS.items():
        assert _verdict("03-matrix-form", "previous_word", code)["passed"], what
        assert _visible("03-matrix-form", "previous_word", code) is None, what


@pytest.mark.parametrize("what", WRONG_PREVIOUS)
def test_exercise_3_rejects_wrong_constructions(what):
    code, words = WRONG_PREVIOUS[what]
    verdict = _verdict("03-matrix-form", "previous_word", code)
    assert not verdict["passed"]
    assert words in verdict["message"], verdict["message"]
    if "visible input" not in what:
        assert _visible("03-matrix-form", "previous_word", code) is not None, what
    else:
        assert _visible("03-matrix-form", "previous_word", code) is None


def test_exercise_3_names_swapped_roles():
    verdict = _verdict("03-matrix-form", "previous_word", WRONG_PREVIOUS["queries and keys swapped (attends to the next word)"][0])
    assert verdict.get("mistake") == "prev-next-word" or verdict.get("family") == "query-key-swapped"


def test_exercise_3_requires_a_clear_lead_not_a_near_tie():
    near_tie = """
        def previous_word_weights(d_word, N):
            Wk = np.hstack([np.zeros((N, d_word)), np.eye(N)])
            Wq = np.hstack([np.zeros((N, d_word)), 0.3 * np.eye(N, k=1)])
            return Wq, Wk
        """
    verdict = _verdict("03-matrix-form", "previous_word", near_tie)
    assert not verdict["passed"] and "hardly more than" in verdict["message"]


# ----------------------------------------------------------------------------- exercise 4

RIGHT_TYPE_GROUP = """
    def type_group_weights(n_types, n_groups):
        d = n_types + n_groups
        Wq = np.zeros((2, max(n_types, n_groups), d))
        Wk = np.zeros((2, max(n_types, n_groups), d))
        Wq[0, :n_types, :n_types] = 6.0 * np.eye(n_types)
        Wk[0, :n_types, :n_types] = 2.0 * np.eye(n_types)
        Wq[1, :n_groups, n_types:] = 4.0 * np.eye(n_groups)
        Wk[1, :n_groups, n_types:] = 3.0 * np.eye(n_groups)
        return Wq, Wk
    """

WRONG_TYPE_GROUP = {
    "heads swapped": """
        def type_group_weights(n_types, n_groups):
            d = n_types + n_groups
            t = np.diag(np.r_[np.ones(n_types), np.zeros(n_groups)])
            g = np.diag(np.r_[np.zeros(n_types), np.ones(n_groups)])
            return 9.0 * np.stack([g, t]), np.stack([g, t])
        """,
    "one head reading every feature, twice": """
        def type_group_weights(n_types, n_groups):
            d = n_types + n_groups
            return 9.0 * np.stack([np.eye(d)] * 2), np.stack([np.eye(d)] * 2)
        """,
    "all scores equal (uniform heads)": """
        def type_group_weights(n_types, n_groups):
            d = n_types + n_groups
            return np.zeros((2, 1, d)), np.zeros((2, 1, d))
        """,
    "right only on the visible input (2 types, 2 groups)": """
        def type_group_weights(n_types, n_groups):
            t = np.diag([1.0, 1.0, 0.0, 0.0])
            g = np.diag([0.0, 0.0, 1.0, 1.0])
            return 9.0 * np.stack([t, g]), np.stack([t, g])
        """,
}


def test_exercise_4_accepts_another_right_construction():
    assert _verdict("04-multi-head", "type_group", RIGHT_TYPE_GROUP)["passed"]
    assert _visible("04-multi-head", "type_group", RIGHT_TYPE_GROUP) is None


@pytest.mark.parametrize("what", WRONG_TYPE_GROUP)
def test_exercise_4_rejects_wrong_heads(what):
    code = WRONG_TYPE_GROUP[what]
    assert not _verdict("04-multi-head", "type_group", code)["passed"], what
    visible = _visible("04-multi-head", "type_group", code)
    assert (visible is None) == ("visible input" in what), (what, visible)


# ----------------------------------------------------------------------------- exercise 6

RIGHT_CONV = """
    def conv_as_heads(W, N):
        W = np.asarray(W, dtype=float)
        w, d_out, d = W.shape
        if w % 2 == 0:
            raise ValueError("odd width only")
        masks = np.zeros((w, N, N), dtype=bool)
        for m in range(w):
            for i in range(N):
                masks[m, (i + m - w // 2) % N, i] = True
        return masks, W.copy(), np.hstack([np.eye(d_out)] * w)
    """

WRONG_CONV = {
    "masks transposed (the kernel reversed)": """
        def conv_as_heads(W, N):
            W = np.asarray(W, dtype=float)
            w, d_out, d = W.shape
            if w % 2 == 0:
                raise ValueError("odd width only")
            j, i = np.indices((N, N))
            masks = np.stack([i == (j + m - w // 2) % N for m in range(w)])
            return masks, W.copy(), np.hstack([np.eye(d_out)] * w)
        """,
    "one head over the whole window": """
        def conv_as_heads(W, N):
            W = np.asarray(W, dtype=float)
            w = len(W)
            if w % 2 == 0:
                raise ValueError("odd width only")
            j, i = np.indices((N, N))
            window = np.abs((j - i + N // 2) % N - N // 2) <= w // 2
            return window[None], W.sum(axis=0)[None], np.eye(W.shape[1])
        """,
    "right only on the visible input (width 3, N = 5)": """
        def conv_as_heads(W, N):
            W = np.asarray(W, dtype=float)
            if len(W) % 2 == 0:
                raise ValueError("odd width only")
            j, i = np.indices((5, 5))
            masks = np.stack([j == (i + delta) % 5 for delta in (-1, 0, 1)])
            return masks, np.stack([np.eye(W.shape[2])] * 3), np.concatenate(list(W), axis=1)
        """,
}


def test_exercise_6_accepts_another_right_construction():
    assert _verdict("06-vs-cnn", "conv_heads", RIGHT_CONV)["passed"]
    assert _visible("06-vs-cnn", "conv_heads", RIGHT_CONV) is None


@pytest.mark.parametrize("what", WRONG_CONV)
def test_exercise_6_rejects_wrong_heads(what):
    code = WRONG_CONV[what]
    verdict = _verdict("06-vs-cnn", "conv_heads", code)
    assert not verdict["passed"], what
    visible = _visible("06-vs-cnn", "conv_heads", code)
    assert (visible is None) == ("visible input" in what), (what, visible)
    if "one head" in what:
        assert "queries and keys change" in verdict["message"]
    if "reversed" in what:
        assert verdict.get("mistake") == "conv-mask-transposed"


def test_the_book_shows_no_construction_it_asks_for():
    """Chapter 6 checks the heads' construction at build time, in cells whose code the site hides."""
    import re
    from pathlib import Path

    import solutions
    from autograder.authoring import build
    root = Path(__file__).resolve().parents[2]
    bodies = [build.split_function(getattr(solutions, p.answers[0]))[1].strip()
              for aid, pid in CONSTRUCTIONS for p in [assignments.get(aid).part(pid)]]
    for page in sorted((root / "book").glob("*.md")):
        text = page.read_text(encoding="utf-8")
        assert not any(body in text for body in bodies), page.name
        for cell in re.findall(r"```\{code-cell\} ipython3\n(.*?)```", text, flags=re.S):
            if re.search(r"\b(conv_as_heads|previous_word_weights|type_group_weights)\(", cell):
                assert cell.startswith(":tags: [remove-input]"), (page.name, cell[:80])
