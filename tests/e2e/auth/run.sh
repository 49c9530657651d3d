#!/usr/bin/env bash
# Runs the basic-auth suites in the pinned MLflow venv of tests/interop/make_venv.sh (it holds the
# Flask-WTF that MLflow's auth app imports).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
unset MLFLOW_VERSION
venv="$("$repo/tests/interop/make_venv.sh" | tail -n 1)"
export MLFLOW_AUTH_VENV="$venv"
cd "$here/.."
exec "$venv/bin/python" -m pytest -q -p no:cacheprovider "$@"
