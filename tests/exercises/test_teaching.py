"""Exercises that teach: points for new code, feedback that names mistakes, no answers given away.

These run grader-side, without kernels (``simulate.py``); ``test_grading.py`` checks the
catalogue through nbgrader and the sandbox.
"""

import ast
import inspect
import json
import re
from pathlib import Path

import numpy as np
import pytest

import solutions
from autograder import assignments
from autograder.authoring import build
from autograder.assignments.visible import check_no_loop

from . import simulate
from .wrong_answers import VISIBLE_ONLY, WRONG

ROOT = Path(__file__).resolve().parents[2]
NAMED_RATE = 0.8
ALL_ANSWERS = {f for aid in assignments.ids() for f in assignments.get(aid).answer_functions}


def _named(verdict):
    return bool(verdict.get("mistake") or verdict.get("family"))


def _student_cells(aid):
    spec = assignments.get(aid)
    nb = json.loads((ROOT / "notebooks" / aid / f"{spec.notebook}.ipynb").read_text(encoding="utf-8"))
    return [(c["cell_type"], "".join(c["source"])) for c in nb["cells"]]


# ----------------------------------------------------------------------------- points

def _raises_value_error(case):
    try:
        with np.errstate(all="ignore"):
            getattr(solutions, case.fn)(*case.args, **case.kwargs)
    except ValueError:
        return True
    return False


def checks_only_errors_or_shapes(part):
    """A part that checks little beyond ``ValueError`` handling or shapes: at least half of its
    hidden cases must raise, or its visible tests check nothing but shapes and raises."""
    raising = sum(_raises_value_error(c) for c in part.cases)
    checks = set(re.findall(r"\b(check_\w+)\(", part.visible))
    return 2 * raising >= len(part.cases) or checks <= {"check_shape", "check_raises"}


@pytest.mark.parametrize("aid", assignments.ids())
def test_parts_with_no_new_code_or_only_checks_carry_at_most_a_fifth_of_the_points(aid):
    spec = assignments.get(aid)
    light = sum(p.points for p in spec.parts if not p.full_weight)
    assert 5 * light <= spec.total_points, [(p.id, p.points, p.asks_for_code, p.checks_only) for p in spec.parts]
    for p in spec.parts:
        says_none = "no new code" in p.prose.lower()
        assert says_none == (not p.asks_for_code), (p.id, "the prose and new_code disagree")
        if checks_only_errors_or_shapes(p):
            assert p.checks_only, (p.id, "checks mostly ValueError or shapes: set checks_only=True")


def test_the_rule_finds_a_part_that_checks_only_errors():
    """The detector of the test above is not vacuous: a part of ValueError cases, or of shape checks, is found."""
    spec = assignments.get("05-positional-encoding")
    edges = spec.part("sinusoidal_edges")
    errors = assignments.Part("errors", "Bad arguments", 3, "", ("sinusoidal_encoding",), "check_close(1, 1, 1)",
                              tuple(c for c in edges.cases if _raises_value_error(c)))
    shapes = assignments.Part("shapes", "Shapes", 3, "", ("sinusoidal_encoding",), "check_shape(P, (2, 3))",
                              spec.part("sinusoidal").cases)
    assert errors.cases and checks_only_errors_or_shapes(errors) and checks_only_errors_or_shapes(shapes)
    assert not checks_only_errors_or_shapes(spec.part("sinusoidal"))
    assert not assignments.Part("x", "x", 3, "", ("f",), "", (), checks_only=True).full_weight


# ----------------------------------------------------------------------------- notation

SUPERSCRIPT_PHI = "\u1d60"  # MODIFIER LETTER SMALL GREEK PHI: Unicode has no superscript q


def test_no_page_notebook_or_spec_writes_a_superscript_phi_for_q():
    """Wq (W^q in math) is the query weight; W with U+1D60 would read as W-phi."""
    folders = ("book", "notebooks", "autograder/source", "autograder/assignments")
    files = [f for folder in folders for f in sorted((ROOT / folder).rglob("*"))
             if f.suffix in (".md", ".ipynb", ".py") and "_build" not in f.parts]
    assert len(files) > 30
    found = [f"{f.relative_to(ROOT)}:{n}" for f in files
             for n, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1) if SUPERSCRIPT_PHI in line]
    assert not found, f"U+1D60 (a superscript phi) where Wq is meant: {found}"


# ----------------------------------------------------------------------------- feedback

WRONG_CASES = [(aid, n) for aid, items in WRONG.items() for n in range(len(items))]


@pytest.fixture(scope="module")
def wrong_verdicts():
    out = {}
    for aid, n in WRONG_CASES:
        fn, patch, _ = WRONG[aid][n]
        out[aid, n] = simulate.verdicts(aid, {fn: assignments.patched(fn, patch)})
    return out


def test_the_reference_passes_grader_side():
    for aid in assignments.ids():
        assert all(v["passed"] for v in simulate.verdicts(aid).values()), aid


@pytest.mark.parametrize("aid, n", WRONG_CASES, ids=[f"{a}-{WRONG[a][n][2]}" for a, n in WRONG_CASES])
def test_every_plausible_wrong_answer_loses_points(wrong_verdicts, aid, n):
    verdicts = wrong_verdicts[aid, n]
    assert not all(v["passed"] for v in verdicts.values()), WRONG[aid][n][2]


def test_the_feedback_names_the_mistake_of_most_plausible_wrong_answers(wrong_verdicts):
    named = {key: any(_named(v) for v in verdicts.values() if not v["passed"]) for key, verdicts in wrong_verdicts.items()}
    rate = sum(named.values()) / len(named)
    missed = [WRONG[aid][n][2] for (aid, n), ok in named.items() if not ok]
    assert rate >= NAMED_RATE, f"named {rate:.0%}; not named: {missed}"
    assert len(WRONG_CASES) >= 50 and all(len(items) >= 6 for items in WRONG.values())


def test_the_families_of_the_issue_are_named(wrong_verdicts):
    """A transposed dK, keys made with Wq, a window one too wide, a softmax without the max subtracted."""
    def family_of(aid, what):
        n = next(n for n, item in enumerate(WRONG[aid]) if item[2] == what)
        # a catalogued mistake carries its family too: either name counts
        return [name for v in wrong_verdicts[aid, n].values() if not v["passed"]
                for name in (v.get("family"), v.get("mistake")) if name]

    assert "missing-transpose" in family_of("08-capstone", "dK without the transpose")
    assert "transposed" in family_of("08-capstone", "dWk transposed")
    assert "roles" in family_of("03-matrix-form", "keys made with Wq")
    assert "window-too-wide" in family_of("06-vs-cnn", "one too wide")
    assert "softmax-overflow" in family_of("02-dot-product", "no max subtracted, other code")


@pytest.mark.parametrize("aid", assignments.ids())
def test_every_catalogued_mistake_is_named_and_loses_points_grader_side(aid):
    spec = assignments.get(aid)
    for m in spec.mistakes:
        verdicts = simulate.verdicts(aid, {m.function: m.code})
        assert any(v.get("mistake") == m.id and not v["passed"] for v in verdicts.values()), m.id


def test_a_family_is_never_named_for_a_right_answer():
    for aid in assignments.ids():
        assert not any(v.get("family") for v in simulate.verdicts(aid).values())


# ----------------------------------------------------------------------------- answers not given away

@pytest.mark.parametrize("aid", assignments.ids())
def test_no_student_notebook_holds_the_answer_of_any_exercise(aid):
    """Every definition of an answer function, in any cell, is a stub; no reference body appears."""
    bodies = {f: build.split_function(getattr(solutions, f))[1].strip() for f in ALL_ANSWERS}
    for kind, text in _student_cells(aid):
        if kind != "code":
            continue
        for body in bodies.values():
            assert body not in text
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef) and node.name in ALL_ANSWERS:
                rest = node.body[1:] if isinstance(node.body[0], ast.Expr) else node.body
                assert len(rest) == 1 and isinstance(rest[0], ast.Raise), (aid, node.name)
                assert "NotImplementedError" in ast.unparse(rest[0])


@pytest.mark.parametrize("aid", assignments.ids())
def test_earlier_answers_are_the_students_own_and_the_policy_is_stated(aid):
    spec = assignments.get(aid)
    _, provided, earlier = build.split_helpers(spec)
    assert not {f.__name__ for f in provided} & ALL_ANSWERS
    cells = _student_cells(aid)
    if earlier:
        text = "\n".join(t for k, t in cells if k == "markdown")
        assert "never hands out an earlier exercise's answer" in text
        for fn in earlier:
            assert f"def {fn.__name__}(" in "\n".join(t for k, t in cells if k == "code")
    policy = " ".join((ROOT / "book" / "exercises.md").read_text(encoding="utf-8").split())
    assert "never contains the answer of an earlier exercise" in policy and "paste your own earlier functions" in policy


def test_the_capstone_leaves_the_derivation_to_the_student():
    cells = _student_cells("08-capstone")
    formulas = ["dQ = K", "dK = Q", "dV = dO", "Vᵀ dO", "dWᵛ = dV", "dI = W", "a′a′ᵀ"]
    answer = next(t for k, t in cells if k == "code" and "def residual_attention_backward(" in t)
    for formula in formulas[:-1]:
        assert formula not in answer
    for kind, text in cells:
        if kind != "markdown":
            continue
        outside = re.sub(r"<details>.*?</details>", "", text, flags=re.S)
        for formula in formulas:
            assert formula not in outside, formula
    assert sum("<details>" in t for k, t in cells if k == "markdown") >= 3


def test_exercise_5_does_not_give_permute_away():
    for kind, text in _student_cells("05-positional-encoding"):
        assert "I[:, perm]" not in text and "I[:, p]" not in text


def test_the_batched_heads_check_rejects_a_loop():
    check_no_loop("batched", solutions.multi_head_self_attention_batched,
                  forbidden=("self_attention", "multi_head_self_attention"))
    with pytest.raises(AssertionError, match="loop"):
        check_no_loop("looped", solutions.multi_head_self_attention)


# ----------------------------------------------------------------------------- the book agrees

#: Each edition's pages, the heading of a chapter's exercise section, and the notebook it links.
EDITIONS = {"en": (ROOT / "book", "## Exercise", "{name}.ipynb"), "zh": (ROOT / "zh" / "book", "## 练习", "{name}.zh.ipynb")}


def _exercise_section(page, lang="en"):
    folder, heading, _ = EDITIONS[lang]
    text = (folder / f"{page}.md").read_text(encoding="utf-8")
    return text.split(f"\n{heading}\n", 1)[1].split("\n## ", 1)[0]


def _named_functions(text):
    return {name for name in re.findall(r"`(\w+)(?:\(|`)", text) if name in ALL_ANSWERS}


@pytest.mark.parametrize("lang", EDITIONS)
@pytest.mark.parametrize("aid", assignments.ids())
def test_the_book_lists_what_the_notebook_grades(aid, lang):
    spec = assignments.get(aid)
    folder, _, notebook = EDITIONS[lang]
    link = f"notebooks/{aid}/{notebook.format(name=spec.notebook)}>"     # the edition's own notebook
    graded = set(spec.answer_functions)
    section = _exercise_section(spec.page, lang)
    assert _named_functions(section) == graded, spec.page
    assert link in section, f"{folder.relative_to(ROOT)}/{spec.page}.md: its exercise section does not link {link[:-1]}"
    table = (folder / "exercises.md").read_text(encoding="utf-8")
    row = next((line for line in table.splitlines() if link in line), None)
    assert row, f"{folder.relative_to(ROOT)}/exercises.md has no row linking {link[:-1]}"
    assert _named_functions(row.split("|")[-2]) == graded, row
    for fn in graded:   # a signature the page gives is the reference's
        for shown in re.findall(rf"`{fn}(\([^`]*\))`", section):
            assert shown == str(inspect.signature(getattr(solutions, fn))), (fn, shown)


def test_exercises_2_and_3_use_the_chapters_worked_example():
    for page in ("ch02-dot-product", "ch03-matrix-form"):   # one definition, in solutions
        text = (ROOT / "book" / f"{page}.md").read_text(encoding="utf-8")
        assert "I, Wq, Wk, Wv = worked_example()" in text, page
        assert "I = np.array(" not in text, f"{page} defines its own example"
    for mine, reference in zip(assignments.WORKED_EXAMPLE, solutions.worked_example()):
        assert np.array_equal(mine, reference)
    for aid in ("02-dot-product", "03-matrix-form"):
        assert "notes' example" not in json.dumps(_student_cells(aid))
        labels = [c.label for p in assignments.get(aid).parts for c in p.cases]
        assert not any("notes'" in label for label in labels)


@pytest.mark.parametrize("aid", assignments.ids())
def test_an_answer_right_only_on_the_visible_inputs_loses_points(aid):
    fn, patch, what = VISIBLE_ONLY[aid]
    answers = {fn: assignments.patched(fn, patch)}
    errors = simulate.visible_errors(aid, answers)
    assert not any(errors.values()), (what, errors)
    assert all(e is None for e in simulate.visible_errors(aid, {}).values())
    verdicts = simulate.verdicts(aid, answers)
    assert not all(v["passed"] for v in verdicts.values()), what
