# Sourced by the other scripts: the course's environment.
# .venv/bin on PATH (nbgrader starts `alembic` by name), and the repository root on
# PYTHONPATH so the book and the tests can `import solutions`. Student kernels started by
# the grader get neither.
COURSE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$COURSE_ROOT/.venv/bin:$PATH"
export PYTHONPATH="$COURSE_ROOT${PYTHONPATH:+:$PYTHONPATH}"
