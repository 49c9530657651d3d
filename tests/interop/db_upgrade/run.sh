#!/usr/bin/env bash
# Runs the `mlflow-cpp db upgrade` interop checks (dbupgrade_checks.py) in the interop venv
# (MLflow 3.17.2), with the MLflow 3.6.0 venv for the reference migrations; both from make_venv.sh.
#   run.sh <mlflow-cpp binary> <mlflow_make_schema binary> [pytest args...]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
interop="$here/.."
abs() { echo "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; }
export MLFLOW_CPP_BINARY="$(abs "$1")"
export MLFLOW_MAKE_SCHEMA="$(abs "$2")"
shift 2
export MLFLOW_VENV_360="$(MLFLOW_VERSION=3.6.0 "$interop/make_venv.sh" | tail -n 1)"
venv="$("$interop/make_venv.sh" | tail -n 1)"
cd "$here"
# The file name does not match the interop suite's test_*.py pattern: this runs on its own.
# Exit 5 (nothing collected) stays a failure.
exec "$venv/bin/python" -m pytest -q -c "$here/pytest.ini" --rootdir "$here" "$here/dbupgrade_checks.py" "$@"
