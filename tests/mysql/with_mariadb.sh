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
# ctest ends a test that runs out of time with SIGKILL, which skips the EXIT trap: a detached
# watchdog (polling every 2 s, for 3 hours at most) stops the server once this script is gone.
setsid bash -c 'for ((i = 0; i < 5400; i++)); do kill -0 "$1" 2>/dev/null || break; sleep 2; done
                "$2" stop "$3"' _ $$ "$here/mariadb_server.sh" "$dir" </dev/null >/dev/null 2>&1 &
server_env="$("$here/mariadb_server.sh" start "$dir")"  # a failed start stops here (set -e)
eval "$server_env"
export MLFLOW_CPP_TEST_BACKEND=mysql
"$@"
