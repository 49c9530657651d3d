#!/usr/bin/env bash
# The interop suite (run_interop.sh: the real MLflow server against mlflow-cpp, same calls, answers
# compared) with both servers on MySQL: under a private MariaDB server (tests/mysql/with_mariadb.sh)
# the harness gives each server a fresh database (harness/mysql_backend.py). The real MLflow needs
# PyMySQL, which make_venv.sh's pinned MLflow venv holds.
#   run_suite.sh <mlflow-cpp binary> [pytest args...]
# MLFLOW_INTEROP_AREAS picks the areas (default: the store's core, see below).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
interop="$(cd "$here/.." && pwd)"
repo="$(cd "$interop/../.." && pwd)"
[[ $# -ge 1 ]] || { echo "usage: $0 <mlflow-cpp binary> [pytest args...]" >&2; exit 2; }
# Default: the store's core (experiments, runs, logging, search and its 2000-run paging, registry),
# which fits CI's time (the real MLflow is slow on MariaDB). The other store areas pass too and run
# with MLFLOW_INTEROP_AREAS=experiments,runs,logging,search,registry,logged_models,datasets,tracing,
# genai_datasets,stateful (about 20 minutes on 2 busy cores). Never on MySQL: http (its no-change
# checks count SQLite rows), db_roundtrip (SQLite files; the MySQL round trips are
# interop_db_roundtrip_mysql), harness (no server), artifacts (no store difference).
export MLFLOW_INTEROP_AREAS="${MLFLOW_INTEROP_AREAS:-experiments,runs,logging,search,registry}"
exec "$repo/tests/mysql/with_mariadb.sh" "$interop/run_interop.sh" "$@"
