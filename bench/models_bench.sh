#!/usr/bin/env bash
# Model scoring benchmark: `mlflow-cpp models serve` beside the real `mlflow models serve` (MLflow
# 3.17.2, uvicorn, --env-manager local) on the same models, in the same run, driven by
# models_bench (8 keep-alive connections, 5 s per figure after a 1 s warm-up). Besides throughput
# and latency it prints each server's CPU time per request (all its processes), which other load
# on the machine does not change.
#   XGBoost (100 trees): single-row requests/s and rows/s at 1,000 rows per request, p50/p99;
#   scikit-learn LogisticRegression through the python_function worker path, same figures.
# Prints figures; never fails a build.
#   bench/models_bench.sh [build dir] [seconds] [workers]
set -uo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$repo/build}"
seconds="${2:-5}"
workers="${3:-2}"
bin="$build/src/cli/mlflow-cpp"
load="$build/bench/models_bench"
venv="$("$repo/tests/models/make_venv.sh" 2>/dev/null | tail -n 1)"
py="$venv/bin/python"
work="$(mktemp -d)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -TERM -- "-$p" 2>/dev/null; done
  sleep 1
  for p in "${pids[@]}"; do kill -KILL -- "-$p" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT

"$py" "$repo/bench/models/make_models.py" "$work" 2>/dev/null || { echo "models_bench: cannot make the models"; exit 0; }

free_port() { "$py" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# start <name> <cmd...>: runs in its own session (its id = its pid, for CPU accounting); sets PORT
# once /ping answers and SID to the session.
start() {
  local name="$1"; shift
  setsid "$@" >"$work/$name.log" 2>&1 &
  pids+=($!)
  SID=$!
  local i
  for i in $(seq 1 1200); do
    [[ -z "${PORT:-}" ]] && PORT="$(grep -o 'listening on http://127.0.0.1:[0-9]*' "$work/$name.log" | grep -o '[0-9]*$')"
    if [[ -n "${PORT:-}" ]] && curl -sf "http://127.0.0.1:$PORT/ping" >/dev/null; then return 0; fi
    sleep 0.25
  done
  echo "models_bench: $name did not start:"; tail -5 "$work/$name.log"
  return 1
}

run() {  # run <label> <port> <body> <rows> <session>
  "$load" --port "$2" --body "$work/$3" --rows "$4" --connections 8 --seconds "$seconds" --label "$1" --sid "$5"
}

echo "models_bench: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $seconds s per figure, 8 connections"
PORT=""; start cpp_xgb "$bin" models serve -m "$work/xgb" --port 0 --env-manager local --python "$py" && \
  ours_xgb=$PORT && ours_xgb_sid=$SID
PORT=""; start cpp_sk "$bin" models serve -m "$work/sklearn" --port 0 --env-manager local --python "$py" \
  --workers "$workers" && ours_sk=$PORT && ours_sk_sid=$SID
export PATH="$venv/bin:$PATH"  # mlflow runs uvicorn from PATH
p=$(free_port); PORT=$p; start py_xgb "$py" -m mlflow models serve -m "$work/xgb" --env-manager local --port "$p" \
  --workers "$workers" && theirs_xgb=$p && theirs_xgb_sid=$SID
p=$(free_port); PORT=$p; start py_sk "$py" -m mlflow models serve -m "$work/sklearn" --env-manager local --port "$p" \
  --workers "$workers" && theirs_sk=$p && theirs_sk_sid=$SID

echo "--- XGBoost, 100 trees (mlflow-cpp: native libxgboost; mlflow: $workers uvicorn workers)"
[[ -n "${ours_xgb:-}" ]] && run "mlflow-cpp 1 row" "$ours_xgb" xgb_1.json 1 "$ours_xgb_sid"
[[ -n "${theirs_xgb:-}" ]] && run "mlflow 1 row" "$theirs_xgb" xgb_1.json 1 "$theirs_xgb_sid"
[[ -n "${ours_xgb:-}" ]] && run "mlflow-cpp 1,000 rows" "$ours_xgb" xgb_1000.json 1000 "$ours_xgb_sid"
[[ -n "${theirs_xgb:-}" ]] && run "mlflow 1,000 rows" "$theirs_xgb" xgb_1000.json 1000 "$theirs_xgb_sid"
echo "--- scikit-learn LogisticRegression, python_function ($workers workers each)"
[[ -n "${ours_sk:-}" ]] && run "mlflow-cpp 1 row" "$ours_sk" sk_1.json 1 "$ours_sk_sid"
[[ -n "${theirs_sk:-}" ]] && run "mlflow 1 row" "$theirs_sk" sk_1.json 1 "$theirs_sk_sid"
[[ -n "${ours_sk:-}" ]] && run "mlflow-cpp 1,000 rows" "$ours_sk" sk_1000.json 1000 "$ours_sk_sid"
[[ -n "${theirs_sk:-}" ]] && run "mlflow 1,000 rows" "$theirs_sk" sk_1000.json 1000 "$theirs_sk_sid"
echo "models_bench: load average after $(cut -d' ' -f1-3 /proc/loadavg)"
exit 0
