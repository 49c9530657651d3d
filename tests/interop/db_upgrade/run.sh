#!/usr/bin/env bash
# Runs the `mlflow-cpp db upgrade` interop checks in the interop venv (MLflow 3.17.2), with an
# MLflow 3.6.0 venv for the reference migrations; venvs from make_venv.sh.
#   run.sh <mlflow-cpp binary> <mlflow_make_schema binary> [checks file] [pytest args...]
# checks file: dbupgrade_checks.py (SQLite, default) or dbupgrade_pg_checks.py (PostgreSQL: run
# under tests/pg/with_cluster.sh) or dbupgrade_mysql_checks.py (MySQL: run under
# tests/mysql/with_mariadb.sh); make_venv.sh's venvs hold both database drivers.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
interop="$here/.."
abs() { echo "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; }
export MLFLOW_CPP_BINARY="$(abs "$1")"
export MLFLOW_MAKE_SCHEMA="$(abs "$2")"
shift 2
checks="dbupgrade_checks.py"
if [[ $# -gt 0 && "$1" == dbupgrade_*checks.py ]]; then checks="$1"; shift; fi
export MLFLOW_VENV_360="$(MLFLOW_VERSION=3.6.0 "$interop/make_venv.sh" | tail -n 1)"
venv="$("$interop/make_venv.sh" | tail -n 1)"
cd "$here"
# The file names do not match the interop suite's test_*.py pattern: these run on their own.
# Exit 5 (nothing collected) stays a failure.
exec "$venv/bin/python" -m pytest -q -c "$here/pytest.ini" --rootdir "$here" "$here/$checks" "$@"
