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
cluster_env="$("$here/pg_cluster.sh" start "$dir")"  # a failed start stops here (set -e)
eval "$cluster_env"
export MLFLOW_CPP_TEST_BACKEND=postgresql
"$@"
