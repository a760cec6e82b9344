"""The committed notebooks are what the build makes from the specs and solutions/."""

import json
from pathlib import Path

import solutions
from autograder import assignments, build

ROOT = Path(__file__).resolve().parents[2]


def test_committed_notebooks_are_not_stale(capsys):
    assert build.main(["--check"]) == 0, capsys.readouterr().out


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
    from autograder import results

    for aid in assignments.ids():
        spec = assignments.get(aid)
        nb = json.loads((ROOT / "notebooks" / aid / f"{spec.notebook}.ipynb").read_text(encoding="utf-8"))
        setup = next(c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id") == "setup")
        namespace = {}
        exec(compile("".join(setup["source"]), f"{aid} set-up cell", "exec"), namespace)  # noqa: S102 - our notebook
        assert (namespace["RTOL"], namespace["ATOL"]) == (results.RTOL, results.ATOL), aid
        for name in ("check_close", "check_shape", "check_raises", "check_true", "check_unlike"):
            assert callable(namespace[name]), (aid, name)
