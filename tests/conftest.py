"""Fixtures shared by every test folder."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def toc_files():
    """The pages of _toc.yml, in reading order (``book/intro``, ``book/notation``, ...)."""
    return re.findall(r"(?:root|file):\s*(\S+)", (ROOT / "_toc.yml").read_text())


def course_env():
    """The environment scripts/env.sh sets: .venv/bin first on PATH (the course is installed there)."""
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.pop("MPLBACKEND", None)  # kernels must use the inline backend so figures reach the page
    return env


@pytest.fixture(scope="session")
def book_html():
    """Build the website once per test session, both editions (scripts/build_site.py), warnings
    as errors; return _build/html (the Chinese edition is its zh/ folder).

    The execution cache in _build makes a rebuild with unchanged pages take seconds.
    Set COURSE_BUILD_ROOT to build elsewhere (``<it>/_build/html``), so that two test runs
    in one checkout do not write to the same folder.
    """
    build_root = Path(os.environ.get("COURSE_BUILD_ROOT", ROOT))
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build_site.py"), "--path-output", str(build_root)],
        cwd=ROOT, env=course_env(), capture_output=True, text=True,
    )
    if result.returncode != 0:
        pytest.fail(
            "scripts/build_site.py (jupyter-book build -W, both editions) failed:\n" + result.stdout[-6000:] + "\n" + result.stderr[-6000:],
            pytrace=False,
        )
    return build_root / "_build" / "html"
