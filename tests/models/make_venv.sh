#!/usr/bin/env bash
# Creates (or reuses) the Python venv for the models suites and benchmark: the pinned MLflow venv of
# tests/interop/make_venv.sh plus pinned model libraries (xgboost-cpu: the `xgboost` module without
# the CUDA/NCCL wheels; uv: for the tests of --env-manager uv). Prints the venv path as the last
# line of stdout; progress goes to stderr.
#   MLFLOW_VENV_ROOT     folder holding the venvs (default <repo>): <root>/.venv-models-3.17.2
#   MLFLOW_MODELS_VENV   exact venv location (overrides the root)
# Always the pinned MLflow: an MLFLOW_VERSION meant for another suite (db upgrade: 3.6.0) must not
# send these extra packages into that version's shared interop venv.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
export MLFLOW_VERSION=3.17.2
export MLFLOW_INTEROP_VENV="${MLFLOW_MODELS_VENV:-${MLFLOW_VENV_ROOT:-$repo}/.venv-models-$MLFLOW_VERSION}"
export MLFLOW_INTEROP_PIP_EXTRA="xgboost-cpu==3.2.0 scikit-learn==1.9.1 pandas==3.1.1 numpy==2.4.6 uv==0.13.9 ${MLFLOW_MODELS_PIP_EXTRA:-}"
exec "$repo/tests/interop/make_venv.sh"
