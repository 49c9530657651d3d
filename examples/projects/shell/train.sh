#!/usr/bin/env bash
# Prints what `mlflow-cpp run` hands a project command, and logs one metric per step through the
# tracking server's REST API when it is one (a project needs no MLflow client to log).
set -euo pipefail
alpha="$1"; message="$2"; steps="$3"
echo "alpha=$alpha message=$message steps=$steps"
echo "run=$MLFLOW_RUN_ID experiment=$MLFLOW_EXPERIMENT_ID tracking=$MLFLOW_TRACKING_URI"
case "$MLFLOW_TRACKING_URI" in
  http://*|https://*)
    for ((step = 0; step < steps; step++)); do
      value=$(awk -v a="$alpha" -v s="$step" 'BEGIN { printf "%.6f", a * (s + 1) }')
      curl -sf -X POST "$MLFLOW_TRACKING_URI/api/2.0/mlflow/runs/log-metric" \
        -H 'Content-Type: application/json' \
        -d "{\"run_id\": \"$MLFLOW_RUN_ID\", \"key\": \"score\", \"value\": $value, \"step\": $step, \"timestamp\": $(date +%s)000}" \
        >/dev/null
    done
    ;;
esac
