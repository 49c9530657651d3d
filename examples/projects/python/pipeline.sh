#!/usr/bin/env bash
# Two steps, each `mlflow-cpp run` of the main entry point: they become child runs of this run.
set -euo pipefail
runner="${MLFLOW_CPP:-mlflow-cpp}"
"$runner" run . -e main --env-manager local -P epochs="$1" -P learning_rate=0.1 --run-name step-1
"$runner" run . -e main --env-manager local -P epochs="$1" -P learning_rate=0.2 --run-name step-2
