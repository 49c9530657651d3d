#!/usr/bin/env bash
# Runs test_auth_schema_servers.py: the auth schema MLflow 3.17.2's own auth migrations create on
# PostgreSQL or MariaDB against the one mlflow-cpp creates. MLflow needs a driver for each server
# (psycopg2, PyMySQL) and its auth package imports Flask-WTF: the pinned MLflow venv of
# tests/interop/make_venv.sh holds all three. Only ever run under tests/pg/with_cluster.sh or
# tests/mysql/with_mariadb.sh.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
unset MLFLOW_VERSION
venv="$("$repo/tests/interop/make_venv.sh" | tail -n 1)"
export MLFLOW_AUTH_VENV="$venv"
cd "$here/.."
exec "$venv/bin/python" -m pytest -q -p no:cacheprovider auth/test_auth_schema_servers.py "$@"
