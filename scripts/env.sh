# Sourced by the other scripts: the course's environment. .venv/bin goes first on PATH
# (nbgrader starts `alembic` by name). The course's packages are installed in .venv by
# scripts/setup.sh (editable), so nothing else is needed to import them.
COURSE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$COURSE_ROOT/.venv/bin:$PATH"
