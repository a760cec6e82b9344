"""The committed notebooks are what the build makes from the specs and solutions/."""

import dataclasses
import functools
import json
import shutil
from pathlib import Path

import nbformat
import numpy as np
import pytest

import solutions
from autograder import assignments
from autograder.authoring import build
from autograder.judge import probe
ROOT = Path(__file__).resolve().parents[2]


def test_committed_notebooks_are_not_stale(capsys):
    assert build.main(["--check"]) == 0, capsys.readouterr().out


class OtherMachine:
    """Floats as another CPU's BLAS might compute them: each one moved by 1 or 2 ulps, up or
    down, before the build writes it (``literal``) or embeds it in a hidden test (``probe.encode``)."""

    def __init__(self, seed, scale=None):
        self.rng, self.scale = np.random.default_rng(seed), scale
        self.moved = 0

    def move(self, x):
        if isinstance(x, np.ndarray) and x.dtype.kind == "f" and x.size:
            self.moved += x.size
            if self.scale is not None:
                return x * self.scale
            out = x.copy()
            for _ in range(2):
                step = self.rng.integers(-1, 2, size=x.shape)   # -1, 0 or +1 ulp, twice
                out = np.where(step > 0, np.nextafter(out, np.inf), np.where(step < 0, np.nextafter(out, -np.inf), out))
            return out
        if isinstance(x, float) and not isinstance(x, bool):
            return float(self.move(np.array([x]))[0])
        if isinstance(x, dict):
            return {k: self.move(v) for k, v in x.items()}
        return x

    def install(self, monkeypatch):
        literal, encode = build.literal, probe.encode

        def moved_literal(x):
            return literal(x) if isinstance(x, (tuple, list)) else literal(self.move(x))

        def moved_encode(x):
            if isinstance(x, (tuple, list)):
                return encode(type(x)(self.move(v) for v in x))
            return encode(self.move(x))

        monkeypatch.setattr(build, "literal", moved_literal)
        monkeypatch.setattr(probe, "encode", moved_encode)


def test_a_machine_that_rounds_differently_finds_the_notebooks_up_to_date(monkeypatch):
    machine = OtherMachine(seed=25)
    machine.install(monkeypatch)
    files = build.outputs(assignments.ids())
    assert machine.moved > 5000   # the expected values and the hidden inputs were all moved
    assert build.stale_files(files) == {}


def _stale_after(monkeypatch, change, aid="02-dot-product"):
    change(monkeypatch)
    files = build.outputs([aid], texts={})  # the English files (test_translations covers the Chinese)
    return {p.relative_to(ROOT).as_posix(): why for p, why in build.stale_files(files).items()}


def test_a_change_of_solutions_makes_the_notebooks_stale(monkeypatch):
    softmax = solutions.softmax

    @functools.wraps(softmax)   # the answer cell keeps the reference's text: only the values change
    def warmer(A, axis=0):
        return softmax(1.01 * np.asarray(A, dtype=float), axis)

    stale = _stale_after(monkeypatch, lambda mp: mp.setattr(solutions, "softmax", warmer))
    assert set(stale) == {"autograder/source/02-dot-product/dot_product.ipynb", "notebooks/02-dot-product/dot_product.ipynb"}
    assert all("the number" in why for why in stale.values()), stale


@pytest.mark.parametrize("factor", [1 + 1e-6, 1 - 1e-7])
def test_a_change_of_the_values_at_the_checks_tolerance_is_stale(monkeypatch, factor):
    stale = _stale_after(monkeypatch, OtherMachine(seed=0, scale=factor).install)
    assert len(stale) == 2, stale


def test_a_change_of_a_spec_makes_the_notebooks_stale(monkeypatch):
    module = __import__(f"autograder.assignments.{assignments.MODULES['02-dot-product']}", fromlist=["ASSIGNMENT"])
    spec = module.ASSIGNMENT
    part = dataclasses.replace(spec.parts[0], visible=spec.parts[0].visible + "\nprint('one more line')\n")
    changed = dataclasses.replace(spec, parts=(part,) + spec.parts[1:])
    stale = _stale_after(monkeypatch, lambda mp: mp.setattr(module, "ASSIGNMENT", changed))
    assert len(stale) == 2 and all("the text differs" in why for why in stale.values()), stale


def test_a_student_notebook_that_differs_from_its_source_in_one_digit_is_stale(tmp_path, monkeypatch):
    """The grader compares a student's test cells with the released ones as text: the student
    notebook must be what the committed source notebook makes, to the digit."""
    from nbgrader.utils import compute_checksum

    aid, name = "02-dot-product", "dot_product.ipynb"
    for folder, where in (("source", build.SOURCE), ("notebooks", build.NOTEBOOKS)):
        (tmp_path / folder / aid).mkdir(parents=True)
        shutil.copy(where / aid / name, tmp_path / folder / aid / name)
    monkeypatch.setattr(build, "SOURCE", tmp_path / "source")
    monkeypatch.setattr(build, "NOTEBOOKS", tmp_path / "notebooks")
    student = tmp_path / "notebooks" / aid / name
    nb = json.loads(student.read_text(encoding="utf-8"))
    cell = next(c for c in nb["cells"] if "checksum" in c["metadata"].get("nbgrader", {})
                and build.NUMBER.search("".join(c["source"])) and "." in build.NUMBER.search("".join(c["source"])).group())
    text = "".join(cell["source"])
    number = build.NUMBER.search(text)
    moved = repr(float(number.group()) * (1 + 1e-12) + 1e-15)
    cell["source"] = text[:number.start()] + moved + text[number.end():]
    cell["metadata"]["nbgrader"]["checksum"] = compute_checksum(nbformat.from_dict(cell))
    student.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    stale = build.stale_files(build.outputs([aid], texts={}))
    assert list(stale) == [student] and "to the digit" in stale[student], stale


def test_a_checksum_that_does_not_match_its_cell_is_stale(tmp_path):
    path = ROOT / "notebooks" / "02-dot-product" / "dot_product.ipynb"
    text = path.read_text(encoding="utf-8")
    nb = json.loads(text)
    locked = next(c for c in nb["cells"] if "checksum" in c["metadata"].get("nbgrader", {}))
    locked["metadata"]["nbgrader"]["checksum"] = "0" * 32
    assert "checksum" in build.difference(json.dumps(nb), text)
    assert build.difference(text, text) is None


def test_embedded_values_keep_ten_significant_digits_and_drop_rounding_noise():
    assert build.literal(0.25761657960732887) == build.literal(0.2576165796073288) == "0.2576165796"
    assert build.literal(np.array([[1e-17, -2e-18], [1.0, -0.5]])) == "np.array([[0.0, 0.0], [1.0, -0.5]])"
    assert build.literal((np.float64(2.0) / 3, [1, 2])) == "(0.6666666667, [1, 2])"
    assert build.literal(np.array([True, False])) == "np.array([True, False], dtype=bool)"
    assert build.embedded(123456.78901234) == 123456.789


def test_student_notebooks_have_no_outputs_and_no_solutions():
    for aid in assignments.ids():
        spec = assignments.get(aid)
        nb = json.loads((ROOT / "notebooks" / aid / f"{spec.notebook}.ipynb").read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            text = "".join(cell["source"])
            assert "BEGIN SOLUTION" not in text and "HIDDEN TESTS" not in text and "_sa_probe" not in text
            assert "import solutions" not in text and "from solutions" not in text
            if cell["cell_type"] == "code":
                assert cell["outputs"] == [] and cell["execution_count"] is None


def test_answer_cells_are_the_reference_functions():
    for aid in assignments.ids():
        spec = assignments.get(aid)
        nb = json.loads((ROOT / "autograder" / "source" / aid / f"{spec.notebook}.ipynb").read_text(encoding="utf-8"))
        answers = {c["metadata"]["nbgrader"]["grade_id"]: "".join(c["source"]) for c in nb["cells"]
                   if c["metadata"].get("nbgrader", {}).get("solution")}
        for fn in spec.answer_functions:
            header, body = build.split_function(getattr(solutions, fn))
            assert answers[f"{fn}_answer"].replace("    ### BEGIN SOLUTION\n", "").replace("    ### END SOLUTION\n", "") \
                == build.student_header(header) + body
            assert "Notes\n    -----" not in answers[f"{fn}_answer"]   # how the reference does it stays out


def test_every_exercise_function_has_three_catalogued_mistakes_and_three_parts():
    for aid in assignments.ids():
        spec = assignments.get(aid)
        assert len(spec.parts) >= 3, aid
        for fn in spec.answer_functions:
            assert sum(m.function == fn for m in spec.mistakes) >= 3, (aid, fn)


def test_setup_cells_run_and_check_with_the_graders_tolerances():
    from autograder.judge import compare as results
    for aid in assignments.ids():
        spec = assignments.get(aid)
        nb = json.loads((ROOT / "notebooks" / aid / f"{spec.notebook}.ipynb").read_text(encoding="utf-8"))
        setup = next(c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id") == "setup")
        namespace = {}
        exec(compile("".join(setup["source"]), f"{aid} set-up cell", "exec"), namespace)  # noqa: S102 - our notebook
        assert (namespace["RTOL"], namespace["ATOL"]) == (results.RTOL, results.ATOL), aid
        for name in ("check_close", "check_shape", "check_raises", "check_true", "check_unlike"):
            assert callable(namespace[name]), (aid, name)


def _nbgrader(cell):
    return cell["metadata"].get("nbgrader", {})


def test_every_exercise_asks_a_written_question_graded_by_hand():
    for aid in assignments.ids():
        spec = assignments.get(aid)
        assert spec.questions, aid
        ids = [q.id for q in spec.questions]
        assert len(set(ids)) == len(ids) and not set(ids) & {p.id for p in spec.parts}, aid
        for q in spec.questions:
            assert q.after in {"", *(p.id for p in spec.parts)}, (aid, q.id, q.after)
            assert q.points >= 1 and q.prompt.strip() and q.rubric.strip(), (aid, q.id)


def test_questions_are_manually_graded_answer_cells_after_their_part():
    """nbgrader's "Manually graded answer": a Markdown cell that is a grade and a solution cell, unlocked,
    after a locked prompt; the source holds the rubric, the student's notebook "YOUR ANSWER HERE"."""
    for aid in assignments.ids():
        spec = assignments.get(aid)
        source = json.loads((ROOT / "autograder" / "source" / aid / f"{spec.notebook}.ipynb").read_text(encoding="utf-8"))
        student = json.loads((ROOT / "notebooks" / aid / f"{spec.notebook}.ipynb").read_text(encoding="utf-8"))
        student_text = "\n".join("".join(c["source"]) for c in student["cells"])
        for nb, kind in ((source, "source"), (student, "student")):
            cells = nb["cells"]
            where = {_nbgrader(c).get("grade_id"): n for n, c in enumerate(cells)}
            for q in spec.questions:
                prompt, answer = cells[where[f"{q.id}_question"]], cells[where[q.id]]
                assert where[f"{q.id}_question"] + 1 == where[q.id], (aid, q.id)
                part = q.after or spec.parts[-1].id
                assert where[f"{q.id}_question"] > where[part], (aid, q.id, "goes after part", part)
                assert prompt["cell_type"] == answer["cell_type"] == "markdown"
                assert _nbgrader(prompt)["locked"] and not _nbgrader(prompt)["grade"]
                meta = {k: v for k, v in _nbgrader(answer).items() if k not in ("checksum", "cell_type")}  # nbgrader adds them
                assert meta == {"grade": True, "solution": True, "locked": False, "points": q.points,
                                "grade_id": q.id, "schema_version": 3, "task": False}, (aid, kind, meta)
                assert " ".join(q.prompt.split()) in " ".join("".join(prompt["source"]).split())
                rubric = " ".join(q.rubric.split())
                if kind == "source":
                    assert rubric in " ".join("".join(answer["source"]).split())
                else:
                    assert "".join(answer["source"]).strip() == "YOUR ANSWER HERE", (aid, q.id)
                    assert rubric[:60] not in " ".join(student_text.split()), (aid, q.id, "the rubric reached the student")
        intro = "".join(student["cells"][0]["source"])
        assert f"**Total: {spec.total_points + spec.manual_points} points**" in intro, aid
        assert f"{spec.manual_points} for {len(spec.questions)} written question" in intro and "graded by hand" in intro
