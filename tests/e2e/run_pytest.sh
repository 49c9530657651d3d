#!/usr/bin/env bash
# Runs pytest files from the e2e folder in the project's Python venv.
#   run_pytest.sh <e2e dir> <test files...>
set -euo pipefail
dir="$1"; shift
venv="$("$dir/../interop/make_venv.sh" 2>/dev/null | tail -n 1)"
cd "$dir"
# -p no:cacheprovider: keep the source tree clean. Exit 5 (nothing collected) is a failure here.
exec "$venv/bin/python" -m pytest -q -p no:cacheprovider --durations=10 "$@"
