#!/usr/bin/env bash
# Quick start: install dependencies, build, and run the tracking server on SQLite at
# http://127.0.0.1:5000 (database ./mlflow.db, artifacts ./mlartifacts). Extra arguments go to
# `mlflow-cpp server` (e.g. --host 0.0.0.0 --port 8080).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$repo/scripts/install-deps.sh"
"$repo/scripts/build.sh"
exec "$repo/build/src/cli/mlflow-cpp" server --log-level info "$@"
