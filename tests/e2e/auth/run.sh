#!/usr/bin/env bash
# Runs the basic-auth suites. MLflow's auth app needs Flask-WTF, which the shared interop venv
# lacks: this venv is the interop one plus a pinned Flask-WTF, made by tests/interop/make_venv.sh
# under <MLFLOW_VENV_ROOT or the repo's .venv-auth>/auth-x (several checkouts share it like the interop venv).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
export MLFLOW_VENV_ROOT="${MLFLOW_VENV_ROOT:-$repo/.venv-auth}/auth-x"
unset MLFLOW_INTEROP_VENV MLFLOW_VERSION
venv="$(MLFLOW_INTEROP_PIP_EXTRA="flask-wtf==1.3.0" "$repo/tests/interop/make_venv.sh" | tail -n 1)"
export MLFLOW_AUTH_VENV="$venv"
cd "$here/.."
exec "$venv/bin/python" -m pytest -q -p no:cacheprovider "$@"
