#!/usr/bin/env bash
# Creates (or reuses) the Python venv for the models suites and benchmark: the pinned MLflow venv of
# tests/interop/make_venv.sh plus pinned model libraries (xgboost-cpu: the `xgboost` module without
# the CUDA/NCCL wheels). Prints the venv path as the last line of stdout; progress goes to stderr.
#   MLFLOW_MODELS_VENV   venv location (default <repo>/.venv-models-$MLFLOW_VERSION)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
version="${MLFLOW_VERSION:-3.17.2}"
export MLFLOW_INTEROP_VENV="${MLFLOW_MODELS_VENV:-$repo/.venv-models-$version}"
export MLFLOW_INTEROP_PIP_EXTRA="xgboost-cpu==3.2.0 scikit-learn==1.9.1 pandas==3.1.1 numpy==2.4.6 ${MLFLOW_MODELS_PIP_EXTRA:-}"
exec "$repo/tests/interop/make_venv.sh"
