#!/usr/bin/env bash
# Runs pytest files of the models suites (from tests/e2e, so its conftest.py applies) in the models
# venv (tests/models/make_venv.sh: pinned MLflow, xgboost-cpu, scikit-learn, pandas).
#   run_pytest.sh <tests/e2e dir> <test files...>
set -euo pipefail
dir="$1"; shift
venv="$("$dir/../models/make_venv.sh" 2>/dev/null | tail -n 1)"
cd "$dir"
# -p no:cacheprovider: keep the source tree clean. Exit 5 (nothing collected) is a failure here.
exec "$venv/bin/python" -m pytest -q -p no:cacheprovider "$@"
