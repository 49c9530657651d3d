#!/usr/bin/env bash
# Runs a command with a private MariaDB server up (mariadb_server.sh), and stops the server
# afterwards whatever happens. The command sees MLFLOW_TEST_MYSQL_URI, MLFLOW_TEST_MYSQL_SOCKET and
# MLFLOW_CPP_TEST_BACKEND=mysql (the e2e harness then gives each server a fresh database).
#   with_mariadb.sh <command> [args...]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
dir="$(mktemp -d /tmp/mlflow-mariadb.XXXXXX)"
cleanup() { "$here/mariadb_server.sh" stop "$dir" || true; }
trap cleanup EXIT
trap 'exit 130' INT TERM
server_env="$("$here/mariadb_server.sh" start "$dir")"  # a failed start stops here (set -e)
eval "$server_env"
export MLFLOW_CPP_TEST_BACKEND=mysql
"$@"
