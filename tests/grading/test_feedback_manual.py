"""Feedback that sends students back to the book, families counted once, and points graded by hand.

One class of 03-matrix-form is graded for real (``python -m autograder grade``, sandboxed),
from a source notebook into which the test inserts a "Manually graded answer" cell (a Markdown
cell with nbgrader's grade and solution flags, 2 points), as the exercises will have:

- ``right``: the reference, and a written answer;
- ``rows``: the catalogued mistake "softmax over the rows" (its visible check fails too); no
  written answer (the cell is put back as handed out);
- ``ownrows``: the same mistake by another code path (its own softmax over axis 1);
- ``vkeys``: V computed with Wk, a mistake of no catalogue, named by its family ("roles").
"""

import copy
import csv
import json
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from autograder import assignments
from autograder.assignments.sections import reread_links, section_link
from tests.conftest import ROOT, course_env
from tests.grading.conftest import FAST
from tests.grading.downloads import mistake, notebook
from tests.grading.servers import formgrader

pytestmark = pytest.mark.slow

A3 = "03-matrix-form"
SITE = "https://course.example/site"
QUESTION = "written_question"
FULL = assignments.get(A3).total_points   # the automatic points
FULL_TEXT = f"{FULL:g}"
# A Markdown cell as nbgrader's "Manually graded answer" writes it.
MANUAL_META = {"nbgrader": {"grade": True, "solution": True, "locked": False, "points": 2, "grade_id": QUESTION,
                            "schema_version": 3, "task": False}}
OWN_ROWS = '''def self_attention(I, Wq, Wk, Wv, scale=False):
    Q, K, V = qkv(I, Wq, Wk, Wv)
    A = scores(Q, K, scale)                     # (N, N)
    E = np.exp(A - A.max(axis=1, keepdims=True))
    A_prime = E / E.sum(axis=1, keepdims=True)  # (N, N)
    return V @ A_prime, A_prime
'''
V_FROM_WK = '''def qkv(I, Wq, Wk, Wv):
    I, Wq, Wk, Wv = (np.asarray(x, dtype=float) for x in (I, Wq, Wk, Wv))
    if Wq.shape != Wk.shape or Wq.shape[1] != I.shape[0] or Wv.shape[1] != I.shape[0]:
        raise ValueError("the weights do not fit I")
    return Wq @ I, Wk @ I, Wk @ I
'''


def _with_question(nb, answer):
    """The notebook (JSON dict) with the written question's cell after the last test cell."""
    nb = copy.deepcopy(nb)
    cell = {"cell_type": "markdown", "id": "written-question", "metadata": copy.deepcopy(MANUAL_META),
            "source": answer}
    last = max(i for i, c in enumerate(nb["cells"]) if (c["metadata"].get("nbgrader") or {}).get("grade"))
    nb["cells"].insert(last + 1, cell)
    return nb


# The grade command, with the course's source notebooks taken from another folder.
GRADE = """
import sys
from pathlib import Path
import autograder.authoring.course
autograder.authoring.course.SOURCE = Path(sys.argv[1])
from autograder.cli import main
sys.exit(main(sys.argv[2:]))
"""


def run_grade(source, subs, out, *extra):
    result = subprocess.run([sys.executable, "-c", GRADE, str(source), "grade", A3, str(subs), "--out", str(out),
                             "--jobs", "2", *FAST, *extra], cwd=ROOT, env=course_env(), capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr[-4000:]
    return result


def export(*outs, to):
    result = subprocess.run([sys.executable, "-m", "autograder", "export", *map(str, outs), "--to", str(to),
                             "--site", SITE], cwd=ROOT, env=course_env(), capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr[-4000:]
    return result


def rows(path):
    with open(path, encoding="utf-8", newline="") as f:
        return {r.get("student_id"): r for r in csv.DictReader(f)}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    base = tmp_path_factory.mktemp("manual")
    spec = assignments.get(A3)
    source = base / "source"
    shutil.copytree(ROOT / "autograder" / "source" / A3, source / A3)
    path = source / A3 / f"{spec.notebook}.ipynb"
    # the spec's own written questions are left out: this test's one question is the only one
    nb = json.loads(path.read_text(encoding="utf-8"))
    nb["cells"] = [c for c in nb["cells"] if not ((c["metadata"].get("nbgrader") or {}).get("grade")
                                                  and (c["metadata"].get("nbgrader") or {}).get("solution"))]
    path.write_text(json.dumps(_with_question(nb, "YOUR ANSWER HERE"), indent=1), encoding="utf-8")
    work = {
        "right": _with_question(json.loads(notebook(A3)), "Each column of A′ holds one query's weights."),
        "rows": json.loads(notebook(A3, mistake(A3, "sa-softmax-rows"))),
        "ownrows": json.loads(notebook(A3, {"self_attention_answer": OWN_ROWS})),
        "vkeys": json.loads(notebook(A3, {"qkv_answer": V_FROM_WK})),
    }
    subs = base / "subs"
    for name, nb in work.items():
        (subs / name).mkdir(parents=True)
        (subs / name / f"{spec.notebook}.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    out = base / "out"
    run_grade(source, subs, out, "--book-url", SITE)
    return base, source, subs, out


def results(out):
    return {p.stem: json.loads(p.read_text()) for p in (out / ".grader" / "results").glob("*.json")}


def feedback(out, student):
    return (out / "feedback" / student / A3 / "matrix_form.html").read_text(encoding="utf-8")


def test_a_failing_visible_check_still_scores_0_and_explains(graded):
    _, _, _, out = graded
    r = results(out)["rows"]
    assert r["parts"]["self_attention"]["score"] == 0 and r["parts"]["qkv"]["score"] == 3
    nb = json.loads((out / "autograded" / "rows" / A3 / "matrix_form.ipynb").read_text(encoding="utf-8"))
    cell = next(c for c in nb["cells"] if (c["metadata"].get("nbgrader") or {}).get("grade_id") == "self_attention")
    assert [o["output_type"] for o in cell["outputs"]] == ["error"]  # nbgrader scores an error 0
    assert "softmax over rows" in cell["outputs"][0]["evalue"]


def test_results_carry_the_mistake_and_its_family(graded):
    _, _, _, out = graded
    r = results(out)
    assert {k: r["rows"]["parts"]["self_attention"][k] for k in ("mistake", "family", "function")} == \
        {"mistake": "sa-softmax-rows", "family": "wrong-axis", "function": "self_attention"}
    assert r["ownrows"]["parts"]["self_attention"]["family"] == "wrong-axis"
    assert r["vkeys"]["parts"]["qkv"]["mistake"] is None and r["vkeys"]["parts"]["qkv"]["family"] == "roles"
    assert all(p["mistake"] is None and p["family"] is None for p in r["right"]["parts"].values())


class Links(HTMLParser):
    """The "Reread:" lines of a page: [(href, text, emphasised text)]."""

    def __init__(self):
        super().__init__()
        self.found, self._in, self._em = [], False, False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "p" and attrs.get("class") == "reread":
            self.found.append(["", "", ""])
            self._in = True
        elif tag == "a" and self._in:
            self.found[-1][0] = attrs["href"]
        elif tag == "em" and self._in:
            self._em = True

    def handle_endtag(self, tag):
        if tag == "p":
            self._in = False
        elif tag == "em":
            self._em = False

    def handle_data(self, data):
        if self._in:
            self.found[-1][1] += data
            if self._em:
                self.found[-1][2] += data


def reread(page):
    parser = Links()
    parser.feed(page)
    return [tuple(x) for x in parser.found]


def test_each_named_mistake_sends_the_student_to_its_section(graded):
    _, _, _, out = graded
    spec = assignments.get(A3)
    outputs_url, outputs_text = section_link(spec, "self_attention", SITE)
    qkv_url, qkv_text = section_link(spec, "qkv", SITE)
    assert outputs_text == "Chapter 3, Step 3: all outputs at once, O = VA′"
    assert reread(feedback(out, "rows")) == [
        (outputs_url, f"Reread: {outputs_text}", "Step 3: all outputs at once, O = VA′")]
    assert reread(feedback(out, "ownrows")) == reread(feedback(out, "rows"))
    # qkv is wrong: its own part, and self_attention (which calls it) fails too, by no name
    assert [x[0] for x in reread(feedback(out, "vkeys"))][:1] == [qkv_url] and qkv_text.startswith("Chapter 3, ")
    assert reread(feedback(out, "right")) == []


def test_without_a_site_the_link_is_relative_and_still_names_the_section(tmp_path):
    spec = assignments.get(A3)
    links = reread_links(spec)
    assert links["scores"] == ["book/ch03-matrix-form.html#ch03-scores",
                               "Chapter 3, Step 2: all scores at once, A = KᵀQ"]
    assert set(links) == {f for p in spec.parts for f in p.functions}


def test_the_links_resolve_to_anchors_of_the_built_site(book_html, graded):
    _, _, _, out = graded
    hrefs = {x[0] for student in ("rows", "ownrows", "vkeys") for x in reread(feedback(out, student))}
    hrefs |= {url for aid in assignments.ids() for url, _ in reread_links(assignments.get(aid)).values()}
    assert hrefs
    for href in sorted(hrefs):
        path = urlsplit(href).path.removeprefix(urlsplit(SITE).path).lstrip("/")
        anchor = urlsplit(href).fragment
        page = book_html / path
        assert page.is_file(), f"{href}: no page {page}"
        assert anchor and re.search(rf'\bid="{re.escape(anchor)}"', page.read_text(encoding="utf-8")), \
            f"{href}: no element with id {anchor!r} in {page}"


def test_the_class_report_counts_a_family_once_whichever_code_path(graded, tmp_path):
    _, _, _, out = graded
    export(out, to=tmp_path)
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    found = re.findall(r"<tr><td>(\d+)</td><td><code>([^<]+)</code> <code>([^<]+)</code></td><td>([^<]*)"
                       r"<small>\(([^)]+)\)</small></td><td><a href=\"([^\"]+)\">", page)
    assert ("2", A3, "self_attention", "a sum or softmax over the wrong axis ", "family wrong-axis: sa-softmax-rows",
            f"{SITE}/book/ch03-matrix-form.html#ch03-outputs") in found
    assert ("1", A3, "qkv", "the roles of Q, K and V mixed up ", "family roles",
            f"{SITE}/book/ch03-matrix-form.html#ch03-qkv") in found


def test_every_family_of_the_grader_has_a_name_in_the_report():
    from autograder.reports import export as export_module
    from autograder.judge import families
    text = Path(families.__file__).read_text(encoding="utf-8")
    ids = set(re.findall(r'(?:yield|return) \("([a-z-]+)"', text))
    assert ids and ids <= set(export_module.FAMILY_NAMES), ids - set(export_module.FAMILY_NAMES)


def test_manual_points_stay_out_of_the_score_until_graded_then_reach_export(graded, tmp_path):
    base, source, subs, out = graded
    r = results(out)
    assert r["right"]["score"] == FULL and r["right"]["max_score"] == FULL
    assert r["right"]["manual"] == {QUESTION: {"max_score": 2.0, "answered": True}}
    assert r["rows"]["manual"] == {QUESTION: {"max_score": 2.0, "answered": False}}  # put back as handed out
    grades = rows(out / "grades.csv")
    assert list(grades["right"])[-4:] == ["manual_score", "manual_max_score", "manual_ungraded", "note"]
    assert (grades["right"]["score"], grades["right"]["manual_score"], grades["right"]["manual_max_score"],
            grades["right"]["manual_ungraded"]) == (FULL_TEXT, "", "2", "2")
    # an answer left as handed out: nbgrader's automatic 0, nothing to grade
    assert (grades["rows"]["manual_score"], grades["rows"]["manual_ungraded"]) == ("0", "0")
    assert "Graded by hand (2 points)" in feedback(out, "right") and "Score: 0.0 / 2.0" not in feedback(out, "right")
    report = (out / "report.html").read_text(encoding="utf-8")
    assert ("1 student(s) still have points to be graded by hand:</p>"
            "<ul id='manual-pending'><li>right: 2 point(s)") in report

    before = export(out, to=tmp_path / "before")
    assert "manual grading: 03-matrix-form: 1 student(s) have answers not graded by hand yet (right)" in before.stderr
    e = rows(tmp_path / "before" / "grades.csv")
    assert (e["right"][A3], e["right"][f"{A3} manual"], e["right"][f"{A3} manual ungraded"], e["right"]["total"],
            e["right"]["manual ungraded"]) == (FULL_TEXT, "", "2", FULL_TEXT, "2")

    # The instructor grades the answer in formgrader, served from OUT as the course folder.
    with formgrader(out, tmp_path / "home") as api:
        subs_ = {s["student"]: s for s in api("GET", f"/formgrader/api/submitted_notebooks/{A3}/matrix_form")}
        grades = {g["name"]: g for g in api("GET", f"/formgrader/api/grades?submission_id={subs_['right']['id']}")}
        assert grades[QUESTION]["needs_manual_grade"] and grades[QUESTION]["auto_score"] is None
        assert grades["self_attention"]["auto_score"] == 4 and not grades["self_attention"]["needs_manual_grade"]
        saved = api("PUT", f"/formgrader/api/grade/{grades[QUESTION]['id']}",
                    {"manual_score": 1.5, "extra_credit": None})
        assert saved["manual_score"] == 1.5 and not saved["needs_manual_grade"]
        assert api("GET", f"/formgrader/submissions/{subs_['right']['id']}/", raw=True)  # the page to grade on

    export(out, to=tmp_path / "after")
    e = rows(tmp_path / "after" / "grades.csv")
    assert (e["right"][A3], e["right"][f"{A3} manual"], e["right"][f"{A3} manual ungraded"], e["right"]["total"],
            e["right"]["manual ungraded"]) == (FULL_TEXT, "1.5", "0", f"{FULL + 1.5:g}", "0")
    canvas = {r["Student"]: r for r in csv.DictReader(open(tmp_path / "after" / "canvas.csv", encoding="utf-8"))}
    assert canvas["right"][A3] == f"{FULL + 1.5:g}"

    # Running grade again regrades nothing and keeps the manual grade, which grades.csv now shows.
    journal = {p.name: p.stat().st_mtime_ns for p in (out / ".grader" / "results").glob("*.json")}
    run_grade(source, subs, out, "--book-url", SITE)
    assert {p.name: p.stat().st_mtime_ns for p in (out / ".grader" / "results").glob("*.json")} == journal
    grades = rows(out / "grades.csv")
    assert (grades["right"]["score"], grades["right"]["manual_score"], grades["right"]["manual_ungraded"]) == \
        (FULL_TEXT, "1.5", "0")


def test_a_failing_visible_check_is_an_error_output_that_nbgrader_scores_0(tmp_path):
    """The kernel's error message for a failing check: the short lines of ``_render_traceback_``
    in ``traceback`` (what JupyterLab, the classic Notebook and VS Code show), and an error
    output, which nbgrader's ``determine_grade`` scores 0."""
    import nbformat
    from nbclient import NotebookClient
    from nbgrader.utils import determine_grade

    nb = nbformat.reads(notebook(A3, mistake(A3, "sa-softmax-rows")), as_version=4)
    NotebookClient(nb, allow_errors=True, kernel_name="python3", timeout=120,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    cell = next(c for c in nb.cells if (c.metadata.get("nbgrader") or {}).get("grade_id") == "self_attention")
    errors = [o for o in cell.outputs if o.output_type == "error"]
    assert len(errors) == 1 and errors[0].ename == "CheckFailed", cell.outputs
    shown = "\n".join(errors[0].traceback)
    assert shown.splitlines()[0] == "\x1b[1;31mPart 3: a check failed.\x1b[0m"
    assert "the column sums of A′ should be" in shown and "Hint: A′ is the softmax of each column" in shown
    assert not any(frame in shown for frame in ("check_close", "_fail", "Traceback", "File "))
    assert determine_grade(cell) == (0, 4)
