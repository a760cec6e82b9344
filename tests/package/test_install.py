"""``pip install`` of a clean clone (not editable) into a fresh venv, then the commands from another folder.

The clone is of the committed HEAD. The fresh venv sees the dependencies already installed in
this test's environment through a ``.pth`` file (so nothing is downloaded and pip finds them
satisfied); the course's own packages come only from the clone's install.
"""

import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from autograder import assignments
from tests.conftest import ROOT, course_env

pytestmark = pytest.mark.slow


def run(cmd, cwd, check=True, timeout=600):
    result = subprocess.run([str(c) for c in cmd], cwd=cwd, env=course_env() | {"PIP_NO_INPUT": "1"},
                            capture_output=True, text=True, timeout=timeout)
    if check:
        assert result.returncode == 0, f"{' '.join(map(str, cmd))} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """``(venv python, another folder)`` after ``pip install <clone>`` into a fresh venv."""
    base = tmp_path_factory.mktemp("install")
    clone, venv, elsewhere = base / "clone", base / "venv", base / "elsewhere"
    elsewhere.mkdir()
    run(["git", "clone", "--quiet", ROOT, clone], cwd=base)
    run([sys.executable, "-m", "venv", venv], cwd=base)
    python = venv / "bin" / "python"
    site_packages = Path(run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             cwd=base).stdout.strip())
    (site_packages / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    run([python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", clone], cwd=elsewhere)
    return python, elsewhere, site_packages


def test_packages_come_from_the_install_with_the_source_notebooks(installed):
    python, elsewhere, site_packages = installed
    code = "import autograder, book_figures.figures_a, solutions; print(autograder.__file__, solutions.__file__, " \
           "book_figures.figures_a.__file__)"
    for path in run([python, "-c", code], cwd=elsewhere).stdout.split():
        assert Path(path).is_relative_to(site_packages), path
    for aid in assignments.ids():
        notebook = site_packages / "autograder" / "source" / aid / f"{assignments.get(aid).notebook}.ipynb"
        assert notebook.read_bytes() == (ROOT / "autograder" / "source" / aid / notebook.name).read_bytes()


def test_cli_and_console_script_work_from_another_folder(installed):
    python, elsewhere, _ = installed
    for cmd in ([python, "-m", "autograder", "--help"], [python.parent / "self-attention-grader", "--help"]):
        text = run(cmd, cwd=elsewhere).stdout
        assert "grade" in text and "course" in text
    assert "usage: self-attention-grader grade" in run([python.parent / "self-attention-grader", "grade", "--help"],
                                                       cwd=elsewhere).stdout
    run([python.parent / "self-attention-grader", "course", "course", "02-dot-product"], cwd=elsewhere)
    assert (elsewhere / "course" / "source" / "02-dot-product" / "dot_product.ipynb").is_file()
    assert "ProbeCheck" in (elsewhere / "course" / "nbgrader_config.py").read_text()
    # build rewrites a clone's notebooks: from an install it says so instead of writing into site-packages
    result = run([python, "-m", "autograder", "build", "--check"], cwd=elsewhere, check=False)
    assert result.returncode == 2 and "clone of the course" in result.stderr


def test_sandbox_hides_the_installed_reference_and_hidden_tests(installed, tmp_path):
    """The kernel's sandbox shows it site-packages, where the install put solutions/ and autograder/."""
    from autograder.sandbox.bwrap import SandboxUnavailable, check_sandbox

    try:
        check_sandbox()
    except SandboxUnavailable as exc:
        pytest.skip(str(exc))
    python, elsewhere, site_packages = installed
    probe = ("import os, sys; d = sys.argv[1]; "
             "print([sorted(os.listdir(os.path.join(d, p))) for p in ('solutions', 'autograder', 'book_figures')])")
    runner = f"""
import os, subprocess, sys, tempfile
from autograder.sandbox.bwrap import sandbox_command
from autograder.sandbox.limits import Limits
from autograder.sandbox.uids import UidLease
uid = UidLease().next_uid()
ipc = tempfile.mkdtemp()
os.chown(ipc, uid, uid)
cmd = sandbox_command([sys.executable, "-c", {probe!r}, {str(site_packages)!r}], limits=Limits(), uid=uid,
                      ipc_dir=ipc)
sys.exit(subprocess.run(cmd).returncode)
"""
    result = run([python, "-c", runner], cwd=elsewhere)
    assert result.stdout.strip() == "[[], [], []]", result.stdout + result.stderr
    assert (site_packages / "solutions" / "__init__.py").is_file()  # there, outside the sandbox
