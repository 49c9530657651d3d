#!/usr/bin/env bash
# Runs schema_compare.py with the two pinned real-MLflow venvs it needs (3.6.0: our schema's
# revision; the interop default: a newer MLflow that upgrades our database), made by make_venv.sh.
#   run_schema_compare.sh <mlflow_make_schema binary>
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export MLFLOW_VENV_360="$(MLFLOW_VERSION=3.6.0 "$here/make_venv.sh" | tail -n 1)"
export MLFLOW_VENV="$("$here/make_venv.sh" | tail -n 1)"
exec python3 "$here/schema_compare.py" --make-schema "$1"
