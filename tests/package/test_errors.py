"""One error type for what a user can cause, one owner of OUT's paths, no ``sys.path`` surgery.

Every error a user can cause is a `GraderError`; the command line prints it as one line and
exits with its code; the names of OUT's state folder and gradebook are written in
``autograder/store/outdir.py`` alone; no file of the repository inserts into ``sys.path``.
"""

import ast
import re
import subprocess
import sys

import pytest

from autograder.errors import GraderError
from autograder.intake.roster import RosterError
from autograder.intake.zipnames import ZipNameError
from autograder.reports.export import ExportError
from autograder.reports.similarity import SimilarityError
from autograder.run.batch import GraderBusy
from autograder.run.cluster import ClusterUnavailable, WorkerRefused
from autograder.sandbox.bwrap import SandboxUnavailable
from autograder.store.gradebook import GradebookUnreachable
from tests.conftest import ROOT, course_env
from tests.grading.servers import free_port

USER_ERRORS = [SandboxUnavailable, ClusterUnavailable, WorkerRefused, GradebookUnreachable, ZipNameError,
               ExportError, GraderBusy, RosterError, SimilarityError]


@pytest.mark.parametrize("error", USER_ERRORS, ids=lambda e: e.__name__)
def test_every_user_error_is_a_grader_error_with_exit_code_2(error):
    assert issubclass(error, GraderError)
    assert error("what is wrong").exit_code == 2 and str(error("what is wrong")) == "what is wrong"


def test_an_exit_code_can_be_given():
    assert GraderError("x", exit_code=3).exit_code == 3 and GraderError("x").exit_code == 2


def test_every_error_class_of_the_grader_derives_from_grader_error_or_is_internal():
    """A new error class must either be a GraderError or be named here as internal (never shown
    to a user: the worker turns it into a result)."""
    internal = {"Corrupt", "ZygoteDied", "CheckFailed"}
    found = {}
    for path in sorted((ROOT / "autograder").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and any(
                    getattr(b, "id", getattr(b, "attr", "")).endswith(("Error", "Exception")) for b in node.bases):
                found[node.name] = path.relative_to(ROOT)
    named = {e.__name__ for e in USER_ERRORS} | {"GraderError"}
    assert set(found) - named - internal == set(), {n: str(p) for n, p in found.items() if n not in named | internal}


def grade(*args):
    return subprocess.run([sys.executable, "-m", "autograder", "grade", *args], cwd=ROOT, env=course_env(),
                          capture_output=True, text=True, timeout=300)


def one_line(result):
    """The one line of a refused run (``--no-sandbox``'s warning apart)."""
    lines = [x for x in result.stderr.strip().splitlines() if not x.startswith("WARNING: --no-sandbox")]
    assert result.returncode == 2, result.stderr
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert lines[0].startswith("python -m autograder grade: "), lines[0]
    return lines[0]


@pytest.fixture
def one_zip(tmp_path):
    from tests.grading.downloads import moodle_files, write_zip

    return write_zip(tmp_path / "m.zip", moodle_files({"Ada": "a"}, "dot_product.ipynb"))


def test_an_unknown_zip_encoding_is_one_line(one_zip, tmp_path):
    line = one_line(grade("02-dot-product", str(one_zip), "--out", str(tmp_path / "o"), "--zip-encoding", "klingon"))
    assert "unknown encoding 'klingon' for --zip-encoding" in line
    assert not (tmp_path / "o").exists()


def test_an_unreachable_db_is_one_line(tmp_path):
    (tmp_path / "subs" / "alice").mkdir(parents=True)
    port = free_port()  # nothing listens there
    line = one_line(grade("02-dot-product", str(tmp_path / "subs"), "--out", str(tmp_path / "o"), "--no-sandbox",
                          "--db", f"postgresql+psycopg://postgres@127.0.0.1:{port}/x"))
    assert "cannot be reached" in line and str(port) in line
    assert not (tmp_path / "o").exists()


def test_an_out_that_is_a_file_is_one_line(tmp_path):
    (tmp_path / "subs" / "alice").mkdir(parents=True)
    out = tmp_path / "out.txt"
    out.write_text("not a folder")
    line = one_line(grade("02-dot-product", str(tmp_path / "subs"), "--out", str(out), "--no-sandbox"))
    assert str(out) in line and "is a file, not a folder" in line
    assert out.read_text() == "not a folder"


def test_export_of_an_out_without_grades_is_one_line(tmp_path):
    result = subprocess.run([sys.executable, "-m", "autograder", "export", str(tmp_path), "--to", str(tmp_path / "x")],
                            cwd=ROOT, env=course_env(), capture_output=True, text=True, timeout=300)
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2 and len(lines) == 1, result.stderr
    assert lines[0].startswith("python -m autograder export: ") and "no grades.csv" in lines[0]


def test_library_code_never_raises_system_exit():
    """Only the command line decides how the process ends (``build.main``, a command of its own, included)."""
    allowed = {"autograder/cli.py", "autograder/__main__.py", "autograder/authoring/build.py"}
    wrong = []
    for path in sorted((ROOT / "autograder").rglob("*.py")):
        rel = str(path.relative_to(ROOT))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Raise) and node.exc is not None and rel not in allowed:
                call = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
                if getattr(call, "id", None) == "SystemExit":
                    wrong.append(f"{rel}:{node.lineno}")
    assert not wrong, wrong


def python_files(*tops):
    for top in tops:
        yield from (p for p in sorted((ROOT / top).rglob("*.py")) if ".venv" not in p.parts)


def test_out_state_and_gradebook_names_are_written_in_outdir_alone():
    """``".grader"`` and ``"gradebook.db"`` as strings in code: only in store/outdir.py (prose in a
    docstring or a help text may name the files)."""
    quoted = re.compile(r"""(["'])(\.grader|gradebook\.db)\1""")
    wrong = [f"{p.relative_to(ROOT)}:{n}" for p in python_files("autograder", "benchmarks")
             if p != ROOT / "autograder" / "store" / "outdir.py"
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if quoted.search(line)]
    assert not wrong, wrong


def test_no_file_inserts_into_sys_path():
    """The course is installed (editable) and the tests run with the repository as rootdir: no
    ``sys.path.insert`` is needed. Code a test hands to a student's kernel (a string) is not the repo's."""
    wrong = []
    for path in python_files("autograder", "solutions", "book", "benchmarks", "tests", "scripts", "_ext"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "insert"
                    and ast.unparse(node.func.value) == "sys.path"):
                wrong.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not wrong, wrong
