"""08-capstone beyond the shared checks of test_grading.py: its cases and mistakes against finite differences.

test_grading.py autogrades the capstone like every assignment (solution, blank, each
catalogued mistake, cheats). These tests check, grader-side and without nbgrader, that
what the assignment calls right is right and what it calls wrong is wrong by the
finite-difference standard, and that each mistake costs exactly the parts it should.
"""

import numpy as np
import pytest
from numpy.testing import assert_allclose

import solutions as S
from autograder import assignments
from autograder.check import expected_results, mistake_function
from tests.solutions.test_capstone import numerical_gradient

AID = "08-capstone"
SPEC = assignments.get(AID)
CASES = [(p.id, n, c) for p in SPEC.parts for n, c in enumerate(p.cases)]


def numerical_gradients(I, Wq, Wk, Wv, dO, scale=False, mask=None):
    """Finite differences of L = Σ dO ⊙ O with respect to I, Wq, Wk, Wv."""
    arrays = [np.array(a, dtype=float) for a in (I, Wq, Wk, Wv)]

    def loss():
        if mask is None:
            O, _ = S.self_attention(*arrays, scale=scale)
        else:
            O, _ = S.masked_self_attention(*arrays, mask, scale=scale)
        return np.sum(dO * O)

    return [numerical_gradient(loss, X) for X in arrays]


def _raises(case):
    try:
        S.self_attention_backward(*case.args, **case.kwargs)
    except ValueError:
        return True
    return False


@pytest.mark.parametrize("part_id, n, case", CASES, ids=[f"{p}-{n}" for p, n, _ in CASES])
def test_every_hidden_case_of_the_reference_agrees_with_finite_differences(part_id, n, case):
    if _raises(case):
        pytest.skip("a ValueError case: nothing to differentiate")
    got = S.self_attention_backward(*case.args, **case.kwargs)
    for name, g, numeric in zip(("dI", "dWq", "dWk", "dWv"), got, numerical_gradients(*case.args, **case.kwargs)):
        assert_allclose(g, numeric, rtol=1e-5, atol=1e-7, err_msg=f"{case.label}: {name}")


def test_the_catalogue_covers_the_issue_s_mistakes():
    ids = {m.id for m in SPEC.mistakes}
    assert {"jacobian-no-subtraction", "dA-transposed", "dI-no-key-path", "no-scale"} <= ids
    assert len(ids) >= 3


@pytest.mark.parametrize("mistake", SPEC.mistakes, ids=[m.id for m in SPEC.mistakes])
def test_every_mistake_is_wrong_by_finite_differences(mistake):
    wrong = mistake_function(AID, mistake.id)
    rng = np.random.default_rng(8)
    I, Wq, Wk, Wv, dO = rng.normal(size=(3, 5)), rng.normal(size=(2, 3)), rng.normal(size=(2, 3)), \
        rng.normal(size=(4, 3)), rng.normal(size=(4, 5))
    options = {"scale": True, "mask": np.triu(np.ones((5, 5), dtype=bool))}  # every mistake shows under these
    got = wrong(I, Wq, Wk, Wv, dO, **options)
    numeric = numerical_gradients(I, Wq, Wk, Wv, dO, **options)
    assert not all(np.allclose(g, e, rtol=1e-5, atol=1e-7) for g, e in zip(got, numeric)), mistake.id


# Which parts each mistake must fail (and so lose), and which it must pass.
EXPECTED_FAILS = {
    "jacobian-no-subtraction": {"one_vector", "full_backward", "scaled", "masked"},  # N = 1: dA = dA′ ≠ 0
    "jacobian-rows": {"full_backward", "scaled", "masked"},
    "dA-transposed": {"full_backward", "scaled", "masked"},
    "dI-no-key-path": {"full_backward", "scaled", "masked"},
    "no-scale": {"scaled", "masked"},  # part 4 has a masked case with scale=True
    "mask-ignored": {"masked"},
}


@pytest.mark.parametrize("mistake", SPEC.mistakes, ids=[m.id for m in SPEC.mistakes])
def test_each_mistake_costs_exactly_the_parts_it_should(mistake):
    from autograder.results import compare

    failed = set()
    for part in SPEC.parts:
        reference = expected_results(AID, part.id)
        wrong = expected_results(AID, part.id, mistake.id)
        what = SPEC.returns["self_attention_backward"]
        if any(compare(e, g, what) for e, g in zip(reference, wrong)):
            failed.add(part.id)
    assert failed == EXPECTED_FAILS[mistake.id]


def test_the_student_notebook_asks_for_the_forward_pass_and_has_one_graded_answer():
    import nbformat

    from tests.conftest import ROOT

    nb = nbformat.read(ROOT / "notebooks" / AID / f"{SPEC.notebook}.ipynb", as_version=4)
    gids = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in nb.cells}
    # the forward pass is the student's own earlier answers, asked for after the set-up cell
    for fn in ("qkv", "softmax", "scores", "self_attention", "masked_self_attention"):
        assert f"def {fn}(" in gids[f"{fn}_answer"].source
        assert f"def {fn}(" not in gids["setup"].source
    assert "def self_attention_backward(" not in gids["setup"].source
    answer = gids["self_attention_backward_answer"].source
    assert "raise NotImplementedError()" in answer
    assert "dA_prime" not in answer.split('"""')[-1]  # the body of the reference is not handed out
    assert [p.id for p in SPEC.parts if p.answers] == ["one_vector"]
