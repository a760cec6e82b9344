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
