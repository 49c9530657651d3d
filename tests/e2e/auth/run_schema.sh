#!/usr/bin/env bash
# Runs test_auth_schema_servers.py: the auth schema MLflow 3.17.2's own auth migrations create on
# PostgreSQL or MariaDB against the one mlflow-cpp creates. MLflow needs a driver for each server
# (psycopg2, PyMySQL) and its auth package imports Flask-WTF: this venv is the interop one plus
# those, pinned, made by tests/interop/make_venv.sh under <MLFLOW_VENV_ROOT or the repo's
# .venv-auth>/auth-db-x. Only ever run under tests/pg/with_cluster.sh or tests/mysql/with_mariadb.sh.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
export MLFLOW_VENV_ROOT="${MLFLOW_VENV_ROOT:-$repo/.venv-auth}/auth-db-x"
unset MLFLOW_INTEROP_VENV MLFLOW_VERSION
venv="$(MLFLOW_INTEROP_PIP_EXTRA="psycopg2-binary==2.9.13 pymysql==1.1.1 flask-wtf==1.3.0" \
  "$repo/tests/interop/make_venv.sh" | tail -n 1)"
export MLFLOW_AUTH_VENV="$venv"
cd "$here/.."
exec "$venv/bin/python" -m pytest -q -p no:cacheprovider auth/test_auth_schema_servers.py "$@"
