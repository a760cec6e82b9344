"""The command line: help states the default limits, the instructors' page agrees, build delegates."""

import re
import subprocess
import sys

import pytest

from autograder import __main__ as cli
from autograder.sandbox import GiB, MiB, Limits
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


def test_build_delegates_to_x_build(monkeypatch):
    from autograder import build

    seen = []
    monkeypatch.setattr(build, "main", lambda argv: seen.append(argv) or 7)
    assert cli.main(["build", "--check", "02-dot-product"]) == 7
    assert seen == [["--check", "02-dot-product"]]


def test_every_option_of_grade_is_on_the_instructors_page():
    text = subprocess.run([sys.executable, "-m", "autograder", "grade", "--help"], cwd=ROOT, env=course_env(),
                          capture_output=True, text=True, check=True).stdout
    options = set(re.findall(r"(?<![\w-])(--[a-z][a-z-]*)", text)) - {"--help"}
    assert {"--scheduler", "--in-flight", "--db", "--jobs", "--no-sandbox"} <= options
    page = (ROOT / "book" / "grading.md").read_text(encoding="utf-8")
    assert not {o for o in options if f"`{o}" not in page}
