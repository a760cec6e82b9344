"""08-capstone beyond the shared checks of test_grading.py: a derivation judged by finite differences.

test_grading.py autogrades the capstone like every assignment (solution, blank, each
catalogued mistake, cheats). These tests check, grader-side and without nbgrader, that

- the grader's judge (finite differences of the forward pass) is exact enough to give the
  reference full marks, and each catalogued mistake is wrong by it and costs the parts it should;
- the hidden cases cover several shapes, head counts, masks (causal, padding, sentences) and
  scale on and off;
- nothing the student sees states a backward formula: not the notebooks (student and
  source, outside the source's solution cells), not the catalogue's messages, not the
  messages of the mistake families the grader can name for this assignment.
"""

import json
import re

import numpy as np
import pytest
from numpy.testing import assert_allclose

import solutions as S
from autograder import assignments
from autograder.judge import families
from autograder.judge.check import expected_results, mistake_function
from autograder.assignments.finite_differences import central_differences
from autograder.judge.compare import Raised, compare
from autograder.assignments.visible import ATOL, RTOL
from tests.conftest import ROOT

AID = "08-capstone"
SPEC = assignments.get(AID)
FN = "residual_attention_backward"
CASES = [(p.id, n, c) for p in SPEC.parts for n, c in enumerate(p.cases)]


def _raises(case):
    try:
        S.residual_attention_backward(*case.args, **case.kwargs)
    except ValueError:
        return True
    return False


# ----------------------------------------------------------------------------- the judge

def test_central_differences_are_exact_to_far_below_the_tolerance():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(3, 4))
    G = central_differences(lambda: float(np.sum(np.exp(X)) * 7.0), X)
    assert_allclose(G, 7.0 * np.exp(X), rtol=0, atol=1e-10)


@pytest.mark.parametrize("part_id, n, case", CASES, ids=[f"{p}-{n}" for p, n, _ in CASES])
def test_the_judge_gives_the_reference_full_marks_on_every_hidden_case(part_id, n, case):
    judged = expected_results(AID, part_id)[n]
    if _raises(case):
        assert isinstance(judged, Raised) and "ValueError" in judged.names, case.label
        return
    reference = S.residual_attention_backward(*case.args, **case.kwargs)
    assert compare(judged, reference, SPEC.returns[FN]) is None, case.label
    for name, j, g in zip(SPEC.returns[FN], judged, reference):   # within a twentieth of the tolerance
        assert np.all(np.abs(j - g) <= 0.05 * (ATOL + RTOL * np.abs(g))), (case.label, name)


def test_the_hidden_cases_cover_shapes_heads_masks_and_scale():
    runs = [c for _, _, c in CASES if not _raises(c)]
    heads = {np.shape(c.args[1])[0] for c in runs}
    sizes = {np.shape(c.args[0]) for c in runs}
    scaled = {bool(c.kwargs.get("scale", False)) for c in runs}
    assert heads >= {1, 2, 3} and len(sizes) >= 6 and scaled == {False, True}
    masks = [np.asarray(c.args[6]) for c in runs]
    N = [m.shape[0] for m in masks]
    assert any(np.array_equal(m, np.triu(np.ones((n, n), dtype=bool))) for m, n in zip(masks, N))  # causal
    assert any((~m.any(axis=1)).any() for m in masks)                                      # padding: hidden keys
    assert any(not m.all() and np.array_equal(m, m.T) for m in masks)                       # sentences, windows
    assert sum(1 for c in CASES if _raises(c[2])) >= 2


@pytest.mark.parametrize("mistake", SPEC.mistakes, ids=[m.id for m in SPEC.mistakes])
def test_every_mistake_is_wrong_by_finite_differences(mistake):
    wrong = mistake_function(AID, mistake.id)
    judge = SPEC.judges[FN]
    rng = np.random.default_rng(8)
    I, Wq, Wk, Wv, Wo, dI_res = (rng.normal(size=s) for s in ((5, 6), (2, 2, 5), (2, 2, 5), (2, 2, 5), (5, 4), (5, 6)))
    mask = np.triu(np.ones((6, 6), dtype=bool))  # every mistake shows under these
    got = wrong(I, Wq, Wk, Wv, Wo, dI_res, mask, scale=True)
    numeric = judge(I, Wq, Wk, Wv, Wo, dI_res, mask, scale=True)
    assert compare(numeric, got, SPEC.returns[FN]) is not None, mistake.id


# Which parts each mistake must fail (and so lose), and which it must pass.
EXPECTED_FAILS = {
    "residual-forgotten": {"around_heads", "every_head", "masked", "scaled"},
    "wo-not-applied": {"around_heads", "every_head", "masked", "scaled"},
    "heads-mixed": {"around_heads", "every_head", "masked", "scaled"},
    "dwo-from-values": {"every_head", "masked", "scaled"},  # N = 1: a head's output is its values
    "jacobian-no-subtraction": {"around_heads", "every_head", "masked", "scaled"},  # N = 1: the term is all there is
    "jacobian-rows": {"every_head", "masked", "scaled"},
    "dA-transposed": {"every_head", "masked", "scaled"},
    "dI-no-key-path": {"every_head", "masked", "scaled"},
    "no-scale": {"scaled"},  # part 1's scaled case has N = 1, where the scores do not matter
    "mask-ignored": {"masked", "scaled"},  # part 4 has masked cases
}


@pytest.mark.parametrize("mistake", SPEC.mistakes, ids=[m.id for m in SPEC.mistakes])
def test_each_mistake_costs_exactly_the_parts_it_should(mistake):
    failed = set()
    for part in SPEC.parts:
        reference = expected_results(AID, part.id)
        wrong = expected_results(AID, part.id, mistake.id)
        if any(compare(e, g, SPEC.returns[FN]) for e, g in zip(reference, wrong)):
            failed.add(part.id)
    assert failed == EXPECTED_FAILS[mistake.id]


def test_the_catalogue_covers_the_issue_s_mistakes():
    ids = {m.id for m in SPEC.mistakes}
    assert {"mask-ignored", "residual-forgotten", "wo-not-applied", "heads-mixed", "no-scale"} <= ids


# ----------------------------------------------------------------------------- no formula given away

# A formula that answers the backward pass: a gradient defined by an expression with a product
# or a transpose (code or math), a transpose meeting a gradient, or the softmax Jacobian.
GRADIENT = r"d(?:I_res|I|Q|K|V|A|A_prime|A′|A'|O\w*|W\w*|S)"
FORMULAS = [
    re.compile(rf"\b{GRADIENT}(?:\[[^\]]*\])?\s*\+?=\s*[^=\n]*?(?:@|ᵀ|\.T\b|⊙|\\odot|\^T|\^\{{)"),
    re.compile(rf"(?:ᵀ|\.T\b|\^T|\^\{{\w*T\}})\s*(?:@\s*)?\\?,?\s*{GRADIENT}\b"),
    re.compile(rf"\b{GRADIENT}\s*(?:@\s*)?\\?,?\s*[A-Z]\w*(?:\[[^\]]*\])?(?:ᵀ|\.T\b|\^T)"),
    re.compile(r"diag\(a|a′\s*a′ᵀ|a'\s*a'\^T|A′\s*⊙\s*dA′|A_prime \* dA_prime|column sums of"),
    # a gradient written in terms of another (not the call that returns them all)
    re.compile(rf"\b{GRADIENT}(?:\[[^\]]*\])?\s*\+?=(?!\s*[a-z_]\w*\()[^=\n]*\b{GRADIENT}\b"),
]


def test_the_formula_patterns_catch_what_they_should():
    for formula in ("dQ = K @ dA", "dK = Q dAᵀ", "dI = Wqᵀ dQ + Wkᵀ dK", "dWo[:, rows] = dI_res @ O_head.T",
                    "Wo.T @ dI_res", "W^{oT} dO", "dV = dO A'^T", "dA = A′ ⊙ (dA′ − column sums of A′ ⊙ dA′)",
                    "dWᵛ = dV Iᵀ", "dI += Wq[head].T @ dQ", "dO Iᵀ", "diag(a′) − a′a′ᵀ", "dQ = K dA",
                    "dI = dI_res + the heads' dI", "dWq = dQ\\, I^T"):
        assert any(p.search(formula) for p in FORMULAS), formula
    for fine in ("dI, dWq, dWk, dWv, dWo = residual_attention_backward(I, Wq, Wk, Wv, Wo, dI_res, mask)",
                 "I, Wq, Wk, Wv, Wo, dI_res = (np.array([[0.1]]),)",
                 "A = KᵀQ", "I_res = I + Wᵒ [O¹; …; Oʰ]", "Q = Wq I", "dWq = np.zeros(Wq.shape)"):
        assert not any(p.search(fine) for p in FORMULAS), fine


def _formulas_in(text):
    return [m.group(0) for p in FORMULAS for m in p.finditer(text)]


SOLUTION = re.compile(r"### BEGIN SOLUTION.*?### END SOLUTION", re.S)


@pytest.mark.parametrize("folder", ["notebooks", "autograder/source"])
def test_the_capstone_notebooks_state_no_backward_formula(folder):
    nb = json.loads((ROOT / folder / AID / f"{SPEC.notebook}.ipynb").read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        text = SOLUTION.sub("", "".join(cell["source"]))   # the source's answer cells hold the reference
        assert not _formulas_in(text), (cell["metadata"].get("nbgrader", {}).get("grade_id"), _formulas_in(text))


def test_no_message_of_the_grader_states_a_backward_formula():
    texts = [m.message for m in SPEC.mistakes] + list(SPEC.family_messages.values())
    texts += [c.label for _, _, c in CASES] + [p.prose for p in SPEC.parts] + [SPEC.intro]
    for text in texts:
        assert not _formulas_in(text), text


def test_every_family_the_grader_can_name_here_speaks_in_this_assignment_s_words():
    """The generic families quote the reference's code; for the capstone, each has its own message."""
    named = {m.family for m in families.mutants(FN)} | {"transposed", "scale", "missing-check", "overflow"}
    assert named <= set(SPEC.family_messages), named - set(SPEC.family_messages)
    assert not SPEC.families   # no assignment-specific family with a message of its own to check


def test_a_family_is_named_in_the_assignment_s_words():
    from tests.exercises import simulate

    patch = (("dK = Q @ dA.T", "dK = Q @ dA"),)
    verdicts = simulate.verdicts(AID, {FN: assignments.patched(FN, patch)})
    messages = [v["message"] for v in verdicts.values() if v.get("family") == "missing-transpose"]
    assert messages and all(SPEC.family_messages["missing-transpose"] in m for m in messages)
    assert not any("dA" in m for m in messages)


# ----------------------------------------------------------------------------- the notebook

def test_the_student_notebook_asks_for_the_forward_pass_and_cites_the_page():
    import nbformat

    nb = nbformat.read(ROOT / "notebooks" / AID / f"{SPEC.notebook}.ipynb", as_version=4)
    gids = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in nb.cells}
    # the forward pass's pieces are the student's own earlier answers, asked for after the set-up cell
    for fn in ("qkv", "softmax", "scores", "masked_self_attention"):
        assert f"def {fn}(" in gids[f"{fn}_answer"].source
        assert f"def {fn}(" not in gids["setup"].source
    assert "def residual_attention(" in gids["setup"].source   # the forward pass the checks differentiate
    for fn in ("self_attention_backward", "multi_head_self_attention_backward", FN):
        assert f"def {fn}(" not in gids["setup"].source
    answer = gids[f"{FN}_answer"].source
    assert "raise NotImplementedError()" in answer and "dA_prime" not in answer
    assert [p.id for p in SPEC.parts if p.answers] == ["around_heads"]
    # the exercise cites the page's single-head derivation by its section
    page = (ROOT / "book" / f"{SPEC.page}.md").read_text(encoding="utf-8")
    heading = page.split(f"({SPEC.sections[FN]})=\n", 1)[1].splitlines()[0].lstrip("# ").strip()
    assert f"*{heading}*" in gids["intro"].source
    hints = [c.source for c in nb.cells if c.cell_type == "markdown" and "<details>" in c.source]
    assert len(hints) == len(SPEC.parts)
