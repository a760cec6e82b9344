"""The command line: help states the default limits, the instructors' page agrees, build delegates,
course writes a course or names the unknown assignment."""

import re
import subprocess
import sys

import pytest

from autograder import cli
from autograder.sandbox.limits import GiB, MiB, Limits
from tests.conftest import ROOT, course_env

D = Limits()


def test_help_states_every_default_limit():
    text = subprocess.run([sys.executable, "-m", "autograder", "grade", "--help"], cwd=ROOT, env=course_env(),
                          capture_output=True, text=True, check=True).stdout
    text = " ".join(text.split())
    for phrase in [f"(default: {D.memory // GiB} GiB)", f"(default: {D.cpu})", f"(default: {D.cell_timeout})",
                   f"(default: {D.wall})", f"(default: {D.procs})", f"(default: {D.output // MiB} MiB)",
                   f"(default: {D.disk // MiB} MiB)", "--no-sandbox", "UNSAFE"]:
        assert phrase in text, phrase


def test_instructors_page_states_the_same_defaults():
    page = (ROOT / "book" / "grading.md").read_text(encoding="utf-8")
    table = dict(re.findall(r"^\| [^|]*\(`(--[a-z-]+)`\) \| ([^|]+) \|", page, re.MULTILINE))
    assert table == {
        "--memory": f"{D.memory // GiB} GiB of address space", "--cpu": f"{D.cpu} s",
        "--cell-timeout": f"{D.cell_timeout} s of wall clock", "--timeout": f"{D.wall} s of wall clock",
        "--procs": f"{D.procs}", "--max-output": f"{D.output // MiB} MiB per notebook",
        "--disk": f"{D.disk // MiB} MiB for each writable folder and for any one file",
    }


@pytest.mark.parametrize("text, value", [("2G", 2 * GiB), ("512M", 512 * MiB), ("64k", 65536), ("100", 100),
                                         ("1.5GiB", int(1.5 * GiB))])
def test_sizes(text, value):
    assert cli.size(text) == value


def test_build_delegates_to_autograder_build(monkeypatch):
    from autograder.authoring import build
    seen = []
    monkeypatch.setattr(build, "main", lambda argv: seen.append(argv) or 7)
    assert cli.main(["build", "--check", "02-dot-product"]) == 7
    assert seen == [["--check", "02-dot-product"]]


def test_course_writes_config_and_source_notebooks(tmp_path, capsys):
    assert cli.main(["course", str(tmp_path / "c"), "02-dot-product", "03-matrix-form"]) == 0
    written = sorted(str(p.relative_to(tmp_path / "c")) for p in (tmp_path / "c").rglob("*") if p.is_file())
    assert written == ["nbgrader_config.py", "source/02-dot-product/dot_product.ipynb",
                       "source/03-matrix-form/matrix_form.ipynb"]
    assert "nbgrader generate_assignment" in capsys.readouterr().out


def test_course_names_an_unknown_assignment(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["course", str(tmp_path / "c"), "02-dot-product", "09-nope"])
    assert exc.value.code == 2
    assert "09-nope" in capsys.readouterr().err
    assert not (tmp_path / "c").exists()


def _help(command):
    text = subprocess.run([sys.executable, "-m", "autograder", command, "--help"], cwd=ROOT, env=course_env(),
                          capture_output=True, text=True, check=True).stdout
    return " ".join(text.split())


def test_layouts_in_help_and_page_agree():
    from autograder.intake.lms import LAYOUTS

    page = (ROOT / "book" / "grading.md").read_text(encoding="utf-8")
    block = page[page.index("| layout |"):].split("\n\n")[0]
    table = re.findall(r"^\| `([a-z]+)` \|", block, re.MULTILINE)
    assert table == list(LAYOUTS)
    assert "--layout {" + ",".join(LAYOUTS) + "}" in _help("grade")


def test_export_help_and_page_agree():
    """The export's help and the page name the same files and the same CSV columns as the code writes."""
    from autograder.reports import export
    text, page = _help("export"), " ".join((ROOT / "book" / "grading.md").read_text(encoding="utf-8").split())
    for name in ["grades.csv", "canvas.csv", "moodle.csv", "report.html"]:
        assert f"DIR/{name}" in text and f"`export/{name}`" in page
    students = {"s1": {"name": "S", "lms": {"canvas"}, "moodle_ids": {}, "scores": {}, "late": [],
                       **dict.fromkeys(export.FIELDS, "")}}
    graded = [type("G", (), {"spec": type("S", (), {"id": "02-dot-product"})})()]
    for write, lead in [(export.canvas_csv, "Canvas's gradebook import"), (export.moodle_csv, "Moodle's grade import")]:
        header = write(graded, students).splitlines()[0].split(",")
        fixed = [h for h in header if "02-dot-product" not in h]
        assert lead in text and ", ".join(fixed) in text, (fixed, text)
        assert all(f"`{h}`" in page for h in fixed), fixed
    for option in ["--site URL", "--roster CSV"]:
        assert option in text and f"`{option}`" in page, option

def test_every_option_of_grade_is_on_the_instructors_page():
    text = subprocess.run([sys.executable, "-m", "autograder", "grade", "--help"], cwd=ROOT, env=course_env(),
                          capture_output=True, text=True, check=True).stdout
    options = set(re.findall(r"(?<![\w-])(--[a-z][a-z-]*)", text)) - {"--help"}
    assert {"--scheduler", "--in-flight", "--db", "--jobs", "--no-sandbox"} <= options
    page = (ROOT / "book" / "grading.md").read_text(encoding="utf-8")
    assert not {o for o in options if f"`{o}" not in page}
