#!/usr/bin/env bash
# Set everything up (system packages included) and run all the tests.
#   bash scripts/test.sh              # everything
#   bash scripts/test.sh -k softmax   # extra arguments go to pytest
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
. scripts/env.sh
exec python -m pytest "$@"
