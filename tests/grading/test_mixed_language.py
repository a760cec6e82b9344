"""A class in which half the students hand in the Chinese notebook grades as if all had the English one.

The class is a Moodle download (a real zip) of pairs of students with the same code, one of each
pair in each language: right, partly wrong, blank, stuck in an infinite loop, and with a crash.
The Chinese notebook is the one the builder makes (``build.translated_notebook``, with the
committed Chinese texts, or with a sample translation while they have not landed); every
student also writes the same written answer, in Chinese.
"""

import csv
import json
import zipfile

import pytest

from autograder import assignments
from autograder.authoring import build
from autograder.intake import lms
from tests.exercises.translation import texts
from tests.grading.cases import mistake
from tests.grading.conftest import grade_new
from tests.grading.downloads import moodle_files, write_zip
from tests.grading.servers import formgrader
from tests.grading.students import ASSIGNMENT, NOTEBOOK, STUDENT_NB, submission

pytestmark = pytest.mark.slow

SPEC = assignments.get(ASSIGNMENT)
CHINESE_NB = build.translated_notebook(STUDENT_NB.read_text(encoding="utf-8"), SPEC, "zh", texts(SPEC))
ZH_NOTEBOOK = "dot_product.zh.ipynb"
WRITTEN = "输出是值向量的加权平均：权重非负、和为 1，所以 a < b & c 不会发生。\n"

# name -> (changes to the handed-out notebook, status, score); each is handed in in both languages
PAIRS = {
    "correct": ({}, "graded", 10),
    "additive wrong": ({"answers": mistake("additive-no-tanh")}, "graded", 8),
    "blank": ({"solved": False}, "graded", 0),
    "softmax loops": ({"answers": {"softmax_answer": "def softmax(x, axis=0):\n    while True:\n        pass\n"}},
                      "timeout", 4),
    "crash": ({"after": {"additive_score": "import os\nos._exit(1)\n"}}, "crashed", 4),
}
LANGUAGES = {"en": (NOTEBOOK, None), "zh": (ZH_NOTEBOOK, CHINESE_NB)}


def student(pair, lang):
    return f"{pair} {lang}"


@pytest.fixture(scope="module")
def graded(course_template, tmp_path_factory):
    base = tmp_path_factory.mktemp("mixed")
    files = {}
    for k, (lang, (name, notebook)) in enumerate(LANGUAGES.items()):
        class_ = {}
        for pair, (changes, _, _) in PAIRS.items():
            answers = {**changes.get("answers", {}), SPEC.questions[0].id: WRITTEN}
            class_[student(pair, lang)] = submission(**{**changes, "answers": answers}, base=notebook)
        files.update(moodle_files(class_, name, first_id=500 + 100 * k))
    download = write_zip(base / "moodle.zip", files)
    out = base / "out"
    result = grade_new(course_template, download, out)
    with open(out / "grades.csv", newline="", encoding="utf-8") as f:
        rows = {r["student_id"]: r for r in csv.DictReader(f)}
    return download, out, result, rows


def sid(pair, lang):
    return lms.safe_id(student(pair, lang))


def test_half_the_class_hands_in_the_chinese_notebook(graded):
    download, *_ = graded
    with zipfile.ZipFile(download) as zf:
        names = [n.rsplit("/", 1)[-1] for n in zf.namelist()]
        intros = [json.loads(zf.read(n))["cells"][0]["source"] for n in zf.namelist() if n.endswith(ZH_NOTEBOOK)]
    assert names.count(ZH_NOTEBOOK) == names.count(NOTEBOOK) == len(PAIRS)
    title = f"# 练习 {SPEC.chapter}：{texts(SPEC).chapter_title}"
    assert all("".join(intro).startswith(title) for intro in intros)


def test_every_student_is_graded(graded):
    _, _, result, rows = graded
    assert sorted(rows) == sorted(sid(p, lang) for p in PAIRS for lang in LANGUAGES)
    assert f"{2 * len(PAIRS)} student(s) (moodle layout)" in result.stdout


def test_each_pair_gets_the_same_scores_per_part_and_in_total(graded):
    _, _, _, rows = graded
    columns = ["score", "max_score", "status", *(p.id for p in SPEC.parts), "manual_max_score", "manual_ungraded"]
    for pair, (_, status, score) in PAIRS.items():
        en, zh = rows[sid(pair, "en")], rows[sid(pair, "zh")]
        assert {c: zh[c] for c in columns} == {c: en[c] for c in columns}, pair
        assert (en["status"], float(en["score"])) == (status, score), (pair, en)


def test_the_chinese_notebooks_test_cells_are_the_released_ones(graded):
    """The grader restores the test cells and says so when one was edited: it never has to for
    the Chinese notebook, whose tests are the English one's."""
    _, _, _, rows = graded
    for lang in LANGUAGES:
        assert rows[sid("correct", lang)]["note"] == "", rows[sid("correct", lang)]


def test_feedback_pages_exist_for_everyone_and_keep_the_chinese_written_answer(graded):
    _, out, _, _ = graded
    for pair in PAIRS:
        for lang in LANGUAGES:
            page = out / "feedback" / sid(pair, lang) / ASSIGNMENT / "dot_product.html"
            text = page.read_bytes().decode("utf-8")  # UTF-8, or this raises
            assert "输出是值向量的加权平均" in text and "a &lt; b &amp; c" in text, (pair, lang)
            assert "HIDDEN TESTS" not in text, (pair, lang)


def test_the_graded_notebook_keeps_the_written_answer_for_formgrader(graded):
    """nbgrader's formgrader shows the autograded notebook: the Chinese written answer is there,
    in its manually graded cell; the locked cells around it are restored from the (English) source."""
    import nbformat

    _, out, _, _ = graded
    for lang in LANGUAGES:
        nb = nbformat.read(out / "autograded" / sid("correct", lang) / ASSIGNMENT / NOTEBOOK, as_version=4)
        answer = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == SPEC.questions[0].id)
        assert answer.source == WRITTEN and answer.metadata["nbgrader"]["solution"]
        intro = next(c for c in nb.cells if c.id == "intro")
        assert intro.source == build.markdown_texts(SPEC)["intro"]


def test_formgrader_shows_the_chinese_written_answer_for_grading_by_hand(graded, tmp_path):
    """The instructor grades the written answers in nbgrader's formgrader, served from OUT."""
    _, out, _, rows = graded
    question = SPEC.questions[0].id
    with formgrader(out, tmp_path / "home") as api:
        subs = {s["student"]: s for s in api("GET", f"/formgrader/api/submitted_notebooks/{ASSIGNMENT}/{SPEC.notebook}")}
        for lang in LANGUAGES:
            sub = subs[sid("correct", lang)]
            grades = {g["name"]: g for g in api("GET", f"/formgrader/api/grades?submission_id={sub['id']}")}
            assert grades[question]["needs_manual_grade"] and grades[question]["auto_score"] is None, lang
            assert {p.id: grades[p.id]["auto_score"] for p in SPEC.parts} == {p.id: p.points for p in SPEC.parts}
            page = api("GET", f"/formgrader/submissions/{sub['id']}/", raw=True).decode("utf-8")
            assert "输出是值向量的加权平均" in page, lang
    assert rows[sid("correct", "zh")]["manual_ungraded"] == str(SPEC.questions[0].points)
