"""The done-when of LMS intake and export, graded for real.

The same 30 students, names in several scripts, hand in 02-dot-product through a Moodle zip,
a Canvas zip and a hand-collected folder: 30 rows each, with the right scores. A few of them
hand in 03-matrix-form too; ``export`` of the two assignments writes grades.csv, canvas.csv,
moodle.csv and report.html with each LMS's own ids.
"""

import csv
import datetime
import re
import subprocess
import sys

import pytest

from autograder import assignments

from autograder.intake import lms
from tests.conftest import ROOT, course_env
from tests.grading.conftest import FAST
from tests.grading.downloads import (NAMES, blank, canvas_files, canvas_name, mistake, moodle_files, notebook,
                                     write_folder, write_zip)

pytestmark = pytest.mark.slow

A2, A3 = "02-dot-product", "03-matrix-form"
FULL3 = assignments.get(A3).total_points  # full marks of exercise 3's automatic parts
# Four kinds of work, cycled over the class: (answers, score of 02-dot-product out of 10).
KINDS = [({}, 10), (mistake(A2, "additive-no-tanh"), 8), (mistake(A2, "attend-keys-as-values"), 7), (blank(A2), 0)]
FEW = NAMES[:3]  # the ones who also hand in 03-matrix-form: the reference, then a catalogued mistake twice
WORK3 = {FEW[0]: ({}, FULL3), FEW[1]: (mistake(A3, "scores-qtk"), None), FEW[2]: (mistake(A3, "scores-qtk"), None)}


def expected(name):
    return KINDS[NAMES.index(name) % len(KINDS)][1]


def run(*args):
    result = subprocess.run([sys.executable, "-m", "autograder", *map(str, args)], cwd=ROOT, env=course_env(),
                            capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout + result.stderr[-4000:]
    return result


def grade(aid, submissions, out):
    return run("grade", aid, submissions, "--out", out, "--jobs", "2", *FAST)


def read(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def downloads(tmp_path_factory):
    base = tmp_path_factory.mktemp("lms")
    texts = {kind: notebook(A2, answers) for kind, (answers, _) in enumerate(KINDS)}
    work = {name: texts[k % len(KINDS)] for k, name in enumerate(NAMES)}
    moodle = moodle_files(work, "dot_product.ipynb")
    moodle["Liu Yang_529_assignsubmission_file_/dot_product (1).ipynb"] = texts[0]  # a later, better upload
    moodle["README.ipynb"] = texts[0]  # of no one
    canvas = canvas_files(work, "dot_product.ipynb", late={"Zhang Wei"})
    canvas["stray_notebook.ipynb"] = texts[0]
    folder = {f"{name}/dot_product.ipynb": text for name, text in work.items()}
    folder["o'neil.anne/dot_product.ipynb"] = folder.pop("Anne O'Neil/dot_product.ipynb")
    work3 = {name: notebook(A3, answers) for name, (answers, _) in WORK3.items()}
    paths = {
        "moodle": write_zip(base / "moodle.zip", moodle),
        "canvas": write_zip(base / "canvas.zip", canvas),
        "folders": write_folder(base / "by-hand", folder),
        "moodle3": write_zip(base / "moodle3.zip", moodle_files(work3, "matrix_form.ipynb", first_id=800)),
        "canvas3": write_zip(base / "canvas3.zip", canvas_files(work3, "matrix_form.ipynb")),
    }
    outs, stdout = {}, {}
    for key, aid in [("moodle", A2), ("canvas", A2), ("folders", A2), ("moodle3", A3), ("canvas3", A3)]:
        outs[key] = base / f"out-{key}"
        stdout[key] = grade(aid, paths[key], outs[key]).stdout
    return base, outs, stdout


def scores_by_name(rows, name_of):
    return {name_of(r): float(r["score"]) for r in rows}


def test_moodle_zip_gives_30_rows_with_the_right_scores(downloads):
    _, outs, stdout = downloads
    rows = read(outs["moodle"] / "grades.csv")
    assert len(rows) == 30
    got = {r["name"]: r for r in rows}
    assert {n: float(got[n]["score"]) for n in NAMES} == {n: (10 if n == "Liu Yang" else expected(n)) for n in NAMES}
    assert {r["lms"] for r in rows} == {"moodle"} and got["张伟"]["lms_id"] == "500"
    assert all(lms.is_safe_id(r["student_id"]) for r in rows)
    assert "30 student(s) (moodle layout)" in stdout["moodle"]
    assert "1 file(s) matched no student: README.ipynb" in stdout["moodle"]


def test_canvas_zip_gives_30_rows_with_the_right_scores_and_the_late_one(downloads):
    _, outs, stdout = downloads
    rows = read(outs["canvas"] / "grades.csv")
    assert len(rows) == 30
    by_uid = {r["lms_id"]: r for r in rows}
    assert {uid: float(r["score"]) for uid, r in by_uid.items()} == {str(9000 + k): expected(n) for k, n in enumerate(NAMES)}
    late = [r for r in rows if r["late"]]
    assert [r["name"] for r in late] == [canvas_name("Zhang Wei")] and late[0]["status"] == "graded"
    assert "1 handed in late" in stdout["canvas"] and "stray_notebook.ipynb" in stdout["canvas"]


def test_hand_collected_folder_gives_30_rows_with_the_right_scores(downloads):
    _, outs, _ = downloads
    rows = read(outs["folders"] / "grades.csv")
    assert len(rows) == 30
    got = scores_by_name(rows, lambda r: r["name"])
    assert got.pop("o'neil.anne") == expected("Anne O'Neil")
    assert got == {n: expected(n) for n in NAMES if n != "Anne O'Neil"}
    # files are written under the safe id, never under the raw name
    feedback = sorted(p.parent.parent.name for p in (outs["folders"] / "feedback").glob("*/*/*.html"))
    assert feedback == sorted(r["student_id"] for r in rows)


def export(tmp_path, *outs):
    run("export", *outs, "--to", tmp_path, "--site", "https://course.example/site")
    return {name: read(tmp_path / name) for name in ("grades.csv", "canvas.csv", "moodle.csv")}


def test_export_of_moodle_grades_carries_participant_ids(downloads, tmp_path):
    _, outs, _ = downloads
    files = export(tmp_path, outs["moodle"], outs["moodle3"])
    grades = {r["name"]: r for r in files["grades.csv"]}
    assert len(grades) == 30 and list(files["grades.csv"][0])[8:10] == [A2, A3]
    assert float(grades["张伟"][A2]) == 10 and float(grades["张伟"][A3]) == FULL3
    assert grades["王芳"][A3] != "" and grades["Zhang Wei"][A3] == ""
    assert float(grades["王芳"]["total"]) == 8 + float(grades["王芳"][A3])
    moodle = {r["Full name"]: r for r in files["moodle.csv"]}
    assert list(files["moodle.csv"][0]) == ["Full name", "Email address", "ID number", f"participant id ({A2})",
                                            f"participant id ({A3})", A2, A3]
    assert moodle["张伟"][f"participant id ({A2})"] == "500" and moodle["张伟"][f"participant id ({A3})"] == "800"
    assert moodle["Zhang Wei"][f"participant id ({A3})"] == "" and float(moodle["Zhang Wei"][A2]) == expected("Zhang Wei")


def test_export_of_canvas_grades_carries_canvas_ids_and_the_reteach_report(downloads, tmp_path):
    _, outs, _ = downloads
    files = export(tmp_path, outs["canvas"], outs["canvas3"])
    canvas = files["canvas.csv"]
    assert list(canvas[0]) == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", A2, A3]
    by_id = {r["ID"]: r for r in canvas}
    assert {uid: float(r[A2]) for uid, r in by_id.items()} == {str(9000 + k): expected(n) for k, n in enumerate(NAMES)}
    assert float(by_id["9000"][A3]) == FULL3 and by_id["9005"][A3] == ""
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    links = [url for url in re.findall(r'(?:src|href)="([^"]*)"', page) if not url.startswith("#")]  # in-page
    assert links and all(url.startswith("https://course.example/site/book/") for url in links)  # nothing to fetch
    rows = re.findall(r"<tr><td>(\d+)</td><td><code>([^<]+)</code> <code>([^<]+)</code></td>.*?"
                      r'<small>\(([^)]+)\)</small></td><td><a href="([^"]+)">', page)
    # 30 students cycle over 4 kinds: 8 took the first mistake of 02, 7 the second; 2 made scores-qtk in 03;
    # each is counted under its family of mistakes, which names the catalogued mistake
    assert rows[:2] == [("8", A2, "additive_score", "family no-tanh: additive-no-tanh",
                         "https://course.example/site/book/ch02-dot-product.html#ch02-relevance"),
                        ("7", A2, "attend", "family roles: attend-keys-as-values",
                         "https://course.example/site/book/ch02-dot-product.html#ch02-weighted-sum")]
    assert ("2", A3, "scores", "family transposed: scores-qtk",
            "https://course.example/site/book/ch03-matrix-form.html#ch03-scores") in rows
    assert page.count("<figure>") == 2 and "Step 2: all scores at once" in page


def moodle_worksheet_import(path):
    """Read a worksheet as Moodle's "Upload grading worksheet" does (mod/assign/feedback/offline:
    importgradeslib.php finds the columns by their English headers and strips "Participant " off
    the identifier, locallib.php process_import_grades skips empty, negative or too large grades);
    returns {participant id: (grade, maximum, comment)} and fails on anything Moodle would refuse."""
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    columns = rows[0]
    index = {name: columns.index(name) for name in ("Identifier", "Grade", "Last modified (grade)")}  # else refused
    feedback = columns.index("Feedback comments")
    assert feedback != 0  # importgradeslib.php reads a feedback column only at a non-zero index
    got = {}
    for record in rows[1:]:
        ident = record[index["Identifier"]]
        assert ident.startswith("Participant ") and ident[len("Participant "):].isdigit(), ident
        grade, maximum = float(record[index["Grade"]]), float(record[columns.index("Maximum grade")])
        assert re.fullmatch(r"\d+\.\d\d", record[index["Grade"]]) and 0 <= grade <= maximum  # format_float($g, 2)
        datetime.datetime.strptime(record[index["Last modified (grade)"]], "%A, %d %B %Y, %I:%M %p")  # userdate()
        got[ident[len("Participant "):]] = (grade, maximum, record[feedback])
    return got


def test_export_writes_moodle_grading_worksheets_that_moodle_imports(downloads, tmp_path):
    _, outs, _ = downloads
    export(tmp_path, outs["moodle"], outs["moodle3"])
    for key, aid in [("moodle", A2), ("moodle3", A3)]:
        spec = assignments.get(aid)
        rows = read(outs[key] / "grades.csv")
        got = moodle_worksheet_import(tmp_path / f"moodle-{aid}-worksheet.csv")
        assert {pid: grade for pid, (grade, _, _) in got.items()} == {r["lms_id"]: float(r["score"]) for r in rows}
        maximum = spec.total_points + spec.manual_points
        assert {m for _, m, _ in got.values()} == {maximum}
        assert all(c.startswith(f"Score {g:g} / {maximum:g}.") for g, _, c in got.values())
    by_name = {r["name"]: r["lms_id"] for r in read(outs["moodle"] / "grades.csv")}
    comments = {name: moodle_worksheet_import(tmp_path / f"moodle-{A2}-worksheet.csv")[pid][2]
                for name, pid in by_name.items()}
    assert "additive_score: " in comments["王芳"] and "additive-no-tanh" in comments["王芳"]  # KINDS[1]
    assert "attend-keys-as-values" in comments["李娜"] and "Mistakes named" not in comments["张伟"]


def test_export_of_canvas_grades_writes_no_moodle_worksheet(downloads, tmp_path):
    _, outs, _ = downloads
    export(tmp_path, outs["canvas"])
    assert not list(tmp_path.glob("moodle-*-worksheet.csv"))
