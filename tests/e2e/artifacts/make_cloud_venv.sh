#!/usr/bin/env bash
# Makes (or reuses) the venv of the Azure / GCS artifact tests: the pinned MLflow of
# tests/interop/make_venv.sh plus the cloud SDKs the real `mlflow server` needs for wasbs:// and
# gs:// roots, and the GCS emulator. A venv of its own, never the shared interop one: it lives under
# <MLFLOW_VENV_ROOT or repo>/.venv-cloud-artifacts/. Prints the venv path as the last line of stdout.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
pins="azure-storage-blob==12.31.1 google-cloud-storage==3.17.1 gcp-storage-emulator==2026.7.19"
# MLFLOW_INTEROP_VENV names one exact venv (the shared one): it must not apply here.
unset MLFLOW_INTEROP_VENV MLFLOW_VERSION
MLFLOW_VENV_ROOT="${MLFLOW_VENV_ROOT:-$repo}/.venv-cloud-artifacts" MLFLOW_INTEROP_PIP_EXTRA="$pins" \
  exec "$repo/tests/interop/make_venv.sh"
