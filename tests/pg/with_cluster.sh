#!/usr/bin/env bash
# Runs a command with a private PostgreSQL cluster up (pg_cluster.sh), and stops the cluster
# afterwards whatever happens. The command sees MLFLOW_TEST_PG_URI, PGHOST, PGPORT, ... and
# MLFLOW_CPP_TEST_BACKEND=postgresql (the e2e harness then gives each server a fresh database).
#   with_cluster.sh <command> [args...]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
dir="$(mktemp -d /tmp/mlflow-pg.XXXXXX)"
cleanup() { "$here/pg_cluster.sh" stop "$dir" || true; }
trap cleanup EXIT
trap 'exit 130' INT TERM
# ctest ends a test that runs out of time with SIGKILL, which skips the EXIT trap: a detached
# watchdog (polling every 2 s, for 3 hours at most) stops the server once this script is gone.
setsid bash -c 'for ((i = 0; i < 5400; i++)); do kill -0 "$1" 2>/dev/null || break; sleep 2; done
                "$2" stop "$3"' _ $$ "$here/pg_cluster.sh" "$dir" </dev/null >/dev/null 2>&1 &
cluster_env="$("$here/pg_cluster.sh" start "$dir")"  # a failed start stops here (set -e)
eval "$cluster_env"
export MLFLOW_CPP_TEST_BACKEND=postgresql
"$@"
