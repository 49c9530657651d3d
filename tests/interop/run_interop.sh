#!/usr/bin/env bash
# Runs the interop suites: real MLflow (pinned, in its own venv) against a candidate server.
#   run_interop.sh <path to mlflow-cpp | real> [pytest args...]
# 'real' runs the harness real-vs-real (two real MLflow servers), to check the harness itself.
# MLFLOW_VERSION picks the MLflow release (default 3.17.2); see README.md.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [[ $# -lt 1 ]]; then
  echo "usage: $0 <mlflow-cpp binary | real> [pytest args...]" >&2
  exit 2
fi
candidate="$1"
shift
if [[ "$candidate" != real ]]; then
  candidate="$(cd "$(dirname "$candidate")" && pwd)/$(basename "$candidate")"
fi

venv="$("$here/make_venv.sh" | tail -n 1)"
export MLFLOW_INTEROP_CANDIDATE="$candidate"
export MLFLOW_INTEROP_VENV="$venv"
cd "$here"
# pytest.ini limits collection to this directory's test_*.py (schema/, db_upgrade/ have their own tests).
# exec: a timeout that kills this script kills pytest too (and pytest's servers die with it).
# conftest.py turns pytest's exit 5 (nothing collected) into a failure.
exec "$venv/bin/python" -m pytest -c "$here/pytest.ini" --rootdir "$here" "$@"
