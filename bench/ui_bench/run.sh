#!/usr/bin/env bash
# UI benchmark, mlflow-cpp's UI against MLflow's own UI on the same data (see ui_bench.mjs).
#   bench/ui_bench/run.sh [build/src/cli/mlflow-cpp] [venv]   (venv default /work/venvs/mlflow-3.17.2,
#   or $MLFLOW_INTEROP_VENV, or the one tests/interop/make_venv.sh makes)
# The data (10,000 runs; 10 runs x 100,000 points) is seeded once, through mlflow-cpp's REST API,
# into one SQLite file in MLflow's schema (seed.db). Each server then opens its own copy of it:
# mlflow-cpp serves ours.db as it is, the real `mlflow server` serves mlflow.db after
# `mlflow db upgrade` (MLflow 3.17.2's head). Both are measured in the same run, in headless
# Chromium; prints, never fails. UI_BENCH_DIR=DIR keeps the three databases in DIR, so a second run
# only measures (extra arguments go to ui_bench.mjs, e.g. --repeat 5).
set -uo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
binary="${1:-$repo/build/src/cli/mlflow-cpp}"
venv="${2:-${MLFLOW_INTEROP_VENV:-}}"
if [[ -z "$venv" ]]; then venv="$("$repo/tests/interop/make_venv.sh" 2>/dev/null | tail -1)"; fi
tmp="${UI_BENCH_DIR:-$(mktemp -d)}"
mkdir -p "$tmp"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; [[ -n "${UI_BENCH_DIR:-}" ]] || rm -rf "$tmp"; }
trap cleanup EXIT
"$repo/tests/ui/install.sh" || { echo "ui_bench: cannot install playwright-core (tests/ui)" >&2; exit 0; }

# Starts mlflow-cpp on DB (a file in $tmp); prints its URL and records its pid in $ours_pid.
start_ours() {
  local db="$1" log="$tmp/${1%.db}.log" port=""
  "$binary" server --host 127.0.0.1 --port 0 --backend-store-uri "sqlite:///$tmp/$db" \
    --artifacts-destination "$tmp/ours-artifacts" 2>"$log" &
  ours_pid=$!
  pids+=("$ours_pid")
  for _ in $(seq 300); do
    port="$(sed -n 's/.*listening on http:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$log" 2>/dev/null | head -1)"
    [[ -n "$port" ]] && break
    sleep 0.1
  done
  ours="http://127.0.0.1:$port"
}

if [[ ! -f "$tmp/seed.db" ]]; then
  t0=$(date +%s)
  rm -f "$tmp/seeding.db" "$tmp/seeding.db-wal" "$tmp/seeding.db-shm"
  start_ours seeding.db
  if node "$repo/bench/ui_bench/ui_bench.mjs" --ours "$ours" --seed-only "${@:3}"; then
    # SIGTERM: the server checkpoints the WAL into the file and closes it before exiting.
    kill "$ours_pid"; wait "$ours_pid" 2>/dev/null
    mv "$tmp/seeding.db" "$tmp/seed.db"
    echo "ui_bench: seeded $tmp/seed.db through mlflow-cpp in $(( $(date +%s) - t0 )) s" >&2
  else
    echo "ui_bench: seeding failed (see above)" >&2
    exit 0
  fi
fi
[[ -f "$tmp/ours.db" ]] || cp "$tmp/seed.db" "$tmp/ours.db"
start_ours ours.db

mlflow_url=""
if [[ -x "$venv/bin/mlflow" ]]; then
  if [[ ! -f "$tmp/mlflow.db" ]]; then
    t0=$(date +%s)
    cp "$tmp/seed.db" "$tmp/mlflow-upgrading.db"
    if MLFLOW_DISABLE_TELEMETRY=true "$venv/bin/mlflow" db upgrade "sqlite:///$tmp/mlflow-upgrading.db" >"$tmp/mlflow-upgrade.log" 2>&1; then
      mv "$tmp/mlflow-upgrading.db" "$tmp/mlflow.db"
      echo "ui_bench: mlflow db upgrade of the copy took $(( $(date +%s) - t0 )) s" >&2
    else
      echo "ui_bench: mlflow db upgrade failed (see $tmp/mlflow-upgrade.log)" >&2
    fi
  fi
  if [[ -f "$tmp/mlflow.db" ]]; then
    mport="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    MLFLOW_DISABLE_TELEMETRY=true DO_NOT_TRACK=true "$venv/bin/mlflow" server --host 127.0.0.1 --port "$mport" \
      --backend-store-uri "sqlite:///$tmp/mlflow.db" --artifacts-destination "$tmp/mlflow-artifacts" --workers 4 \
      >"$tmp/mlflow.log" 2>&1 &
    pids+=($!)
    for _ in $(seq 600); do
      curl -sf "http://127.0.0.1:$mport/health" >/dev/null 2>&1 && break
      sleep 0.2
    done
    mlflow_url="http://127.0.0.1:$mport"
  fi
else
  echo "ui_bench: no MLflow venv at '$venv': measuring mlflow-cpp only" >&2
fi
node "$repo/bench/ui_bench/ui_bench.mjs" --ours "$ours" ${mlflow_url:+--mlflow "$mlflow_url"} "${@:3}" || echo "ui_bench: failed (see above)"
exit 0
