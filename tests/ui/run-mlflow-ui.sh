#!/usr/bin/env bash
# MLflow's own UI against `mlflow-cpp server --ui mlflow` and the real `mlflow server`
# (mlflow_ui.test.mjs). The pinned MLflow comes from tests/interop/make_venv.sh (MLFLOW_VENV_ROOT
# shares one venv between checkouts); Chromium from scripts/install-deps.sh.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
./install.sh
if [[ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]]; then
  echo "ui tests: ${CHROMIUM_PATH:-/usr/bin/chromium} not found: run scripts/install-deps.sh" >&2
  exit 1
fi
MLFLOW_REAL_VENV="$("$here/../interop/make_venv.sh" | tail -n 1)"
export MLFLOW_REAL_VENV
exec node --test "$@" mlflow_ui.test.mjs
