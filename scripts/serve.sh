#!/usr/bin/env bash
# Set everything up, build the website, and serve it on http://127.0.0.1:${PORT:-8000}/
# (English at /, Chinese at /zh/: scripts/build_site.py builds both editions)
#   bash scripts/serve.sh            # build and serve
#   bash scripts/serve.sh --no-serve # build only
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
. scripts/env.sh
python scripts/build_site.py
[ "${1:-}" = "--no-serve" ] && exit 0
PORT=${PORT:-8000}
echo
echo "The course is at http://127.0.0.1:$PORT/, in Chinese at http://127.0.0.1:$PORT/zh/ (Ctrl-C stops the server)."
echo "It needs no network: every script, stylesheet and font is served from _build/html."
exec python -m http.server "$PORT" --bind 127.0.0.1 --directory _build/html
