#!/usr/bin/env bash
# Set up everything the course needs, on a fresh Debian machine that has only Python 3.11.
#   bash scripts/setup.sh          # Python environment in .venv (enough to build the book)
#   bash scripts/setup.sh --test   # also the system packages the tests need (Chromium, bubblewrap,
#                                  # PostgreSQL for the gradebook-in-a-database tests)
# Safe to run again: each step is skipped when it is already done.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
want_test=0
[ "${1:-}" = "--test" ] && want_test=1

apt_install() {
  # Install Debian packages that are missing; needs root (or sudo).
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "setup: installing system packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# 1. A virtual environment (Debian's Python needs python3-venv for it).
if [ ! -x .venv/bin/python ]; then
  if ! "$PYTHON" -m venv .venv 2>/dev/null; then
    rm -rf .venv
    apt_install python3-venv
    "$PYTHON" -m venv .venv
  fi
fi

# 2. The pinned Python packages, reinstalled only when requirements.txt changes.
stamp=.venv/.requirements.sha256
sum=$(sha256sum requirements.txt | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$sum" ]; then
  echo "setup: installing Python packages from requirements.txt"
  .venv/bin/python -m pip install -q --disable-pip-version-check -r requirements.txt
  .venv/bin/python -m pip check
  echo "$sum" > "$stamp"
fi

# 3. The course itself (solutions, autograder, book_figures), editable: imports read this
#    checkout, and `self-attention-grader` is on .venv/bin. Redone when pyproject.toml changes.
stamp=.venv/.project.sha256
sum=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$sum" ] || ! .venv/bin/python -c "import solutions, autograder, book_figures" 2>/dev/null; then
  echo "setup: installing the course's package (pip install -e .)"
  .venv/bin/python -m pip install -q --disable-pip-version-check --no-deps -e .
  echo "$sum" > "$stamp"
fi

# 4. A font for the Chinese edition's figures: matplotlib draws their Chinese labels with
#    Noto Sans CJK (book_figures.i18n checks at build time that it is found).
apt_install fonts-noto-cjk

# 5. For the tests: a browser for the site tests, bubblewrap for the grading sandbox, and a
#    PostgreSQL server that the cluster tests start themselves (nothing starts it otherwise).
if [ $want_test -eq 1 ]; then
  apt_install chromium bubblewrap fonts-dejavu-core postgresql
fi
