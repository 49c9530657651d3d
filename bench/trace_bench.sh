#!/usr/bin/env bash
# Tracing benchmark: mlflow-cpp beside the real `mlflow server` (MLflow 3.17.2, its default 4
# uvicorn workers), both on SQLite in a temp dir. Prints figures, never fails.
#
#   bench/trace_bench.sh [build-dir] [venv]      (defaults: build, /work/venvs/mlflow-3.17.2 or
#                                                 $MLFLOW_INTEROP_VENV)
#   TRACE_BENCH_SECONDS=10 TRACE_BENCH_TRACES=100000 TRACE_BENCH_ITERATIONS=10 (searches per query)
#   TRACE_BENCH_MLFLOW_ITERATIONS=3 (MLflow's searches over 100,000 traces take tens of seconds each)
#   TRACE_BENCH_PHASES="ingest search"; TRACE_BENCH_DIR=DIR keeps the databases (a second run
#   reuses the seeded search database and its upgraded copy)
#
# 1. Ingestion, traces of 10 spans, 8 clients, each server on a fresh database:
#    (a) MLflow's own client exporter (8 processes, synchronous export: one OTLP request per span
#        and StartTraceV3 per trace), (b) the same request pattern from the C++ driver,
#    (c) OTLP with one request per trace (an OTel SDK batch exporter).
# 2. SearchTracesV3 over TRACE_BENCH_TRACES traces: seeded once through mlflow-cpp, then the same
#    file served by both: a copy upgraded by `mlflow db upgrade` (MLflow 3.17's layout) is served
#    by MLflow and by mlflow-cpp, and mlflow-cpp also serves the original (MLflow 3.6's layout).
set -uo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$repo/build}"
venv="${2:-${MLFLOW_INTEROP_VENV:-/work/venvs/mlflow-3.17.2}}"
seconds="${TRACE_BENCH_SECONDS:-10}"
traces="${TRACE_BENCH_TRACES:-100000}"
binary="$build/src/cli/mlflow-cpp"
driver="$build/bench/trace_bench"
tmp="${TRACE_BENCH_DIR:-$(mktemp -d)}"
mkdir -p "$tmp"
pids=()
stop() { kill -- "-$1" 2>/dev/null || kill "$1" 2>/dev/null; for _ in $(seq 50); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.2; done; kill -9 -- "-$1" 2>/dev/null || kill -9 "$1" 2>/dev/null; }
cleanup() { for p in "${pids[@]}"; do stop "$p"; done; wait 2>/dev/null; [[ -n "${TRACE_BENCH_DIR:-}" ]] || rm -rf "$tmp"; }
trap cleanup EXIT
export MLFLOW_DISABLE_TELEMETRY=true DO_NOT_TRACK=true

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_health() {
  for _ in $(seq 900); do curl -sf "http://127.0.0.1:$1/health" >/dev/null 2>&1 && return 0; sleep 0.2; done
  return 1
}
# start_ours NAME DB -> port in $port, pid appended to pids
start_ours() {
  port="$(free_port)"
  "$binary" server --host 127.0.0.1 --port "$port" --backend-store-uri "sqlite:///$2" \
    --artifacts-destination "$tmp/$1-artifacts" >"$tmp/$1.log" 2>&1 &
  pids+=($!)
  wait_health "$port" || echo "trace_bench: $1 did not start (see $tmp/$1.log)"
}
start_mlflow() {
  port="$(free_port)"
  # Create the schema before the workers start (workers migrating one new file at once fail).
  [[ -f "$2" ]] || "$venv/bin/python" -c "import sys; from mlflow.store.tracking.sqlalchemy_store import SqlAlchemyStore; SqlAlchemyStore(sys.argv[1], sys.argv[2])" \
    "sqlite:///$2" "$tmp/$1-artifacts" >"$tmp/$1-init.log" 2>&1
  # Its own process group: uvicorn's workers are stopped with it.
  setsid "$venv/bin/mlflow" server --host 127.0.0.1 --port "$port" --backend-store-uri "sqlite:///$2" \
    --artifacts-destination "$tmp/$1-artifacts" >"$tmp/$1.log" 2>&1 &
  pids+=($!)
  wait_health "$port" || echo "trace_bench: $1 did not start (see $tmp/$1.log)"
}
stop_last() { stop "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null; unset 'pids[-1]'; }
experiment() {  # experiment PORT NAME -> id
  curl -s -X POST "http://127.0.0.1:$1/api/2.0/mlflow/experiments/create" -H 'Content-Type: application/json' \
    -d "{\"name\": \"$2\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin).get("experiment_id", "0"))'
}

have_mlflow=1
[[ -x "$venv/bin/mlflow" ]] || { have_mlflow=0; echo "trace_bench: no MLflow venv at '$venv': mlflow-cpp only"; }
echo "trace_bench: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), ${seconds} s a phase, work dir $tmp"

ingest() {  # ingest LABEL PORT
  echo "== ingestion: $1"
  local e
  e="$(experiment "$2" client-exporter)"
  "$venv/bin/python" "$repo/bench/trace_bench_client.py" "http://127.0.0.1:$2" client-exporter \
    --processes 8 --seconds "$seconds" --spans 10 2>"$tmp/client-$1.err" || echo "client exporter failed (see $tmp/client-$1.err)"
  e="$(experiment "$2" per-span)"
  "$driver" otlp --port "$2" --experiment "$e" --clients 8 --seconds "$seconds" --spans 10 --per-span
  e="$(experiment "$2" otlp)"
  "$driver" otlp --port "$2" --experiment "$e" --clients 8 --seconds "$seconds" --spans 10
}

phases="${TRACE_BENCH_PHASES:-ingest search}"
if [[ " $phases " == *" ingest "* ]]; then
  rm -rf "$tmp"/ours-ingest.db* "$tmp"/mlflow-ingest.db* "$tmp"/*-ingest-artifacts
  start_ours ours-ingest "$tmp/ours-ingest.db"
  ingest mlflow-cpp "$port"
  stop_last
  if (( have_mlflow )); then
    start_mlflow mlflow-ingest "$tmp/mlflow-ingest.db"
    ingest "mlflow server" "$port"
    stop_last
  fi
fi
[[ " $phases " == *" search "* ]] || exit 0

echo "== search: $traces traces (3 spans each, tags and metadata), seeded through mlflow-cpp"
if [[ ! -f "$tmp/search-36.db" ]]; then
  start_ours ours-seed "$tmp/search-36.db"
  e="$(experiment "$port" search)"
  "$driver" seed --port "$port" --experiment "$e" --traces "$traces" --clients 8
  stop_last
fi
e=1
echo "-- mlflow-cpp, MLflow 3.6 layout (our schema)"
start_ours ours-search "$tmp/search-36.db"
e="$(curl -s "http://127.0.0.1:$port/api/2.0/mlflow/experiments/get-by-name?experiment_name=search" | python3 -c 'import json,sys; print(json.load(sys.stdin)["experiment"]["experiment_id"])')"
"$driver" search --port "$port" --experiment "$e" --iterations "${TRACE_BENCH_ITERATIONS:-10}"
stop_last
if (( have_mlflow )); then
  if [[ ! -f "$tmp/search-317.db" ]]; then
    cp "$tmp/search-36.db" "$tmp/search-317.db"
    t0=$(date +%s)
    "$venv/bin/mlflow" db upgrade "sqlite:///$tmp/search-317.db" >"$tmp/upgrade.log" 2>&1 || echo "mlflow db upgrade failed (see $tmp/upgrade.log)"
    echo "(mlflow db upgrade to MLflow 3.17.2's head: $(( $(date +%s) - t0 )) s)"
  fi
  cp "$tmp/search-317.db" "$tmp/search-317-ours.db"
  echo "-- mlflow-cpp, MLflow 3.17 layout (the upgraded copy)"
  start_ours ours-search317 "$tmp/search-317-ours.db"
  "$driver" search --port "$port" --experiment "$e" --iterations "${TRACE_BENCH_ITERATIONS:-10}"
  stop_last
  echo "-- mlflow server, MLflow 3.17 layout (the upgraded copy)"
  start_mlflow mlflow-search "$tmp/search-317.db"
  "$driver" search --port "$port" --experiment "$e" --iterations "${TRACE_BENCH_MLFLOW_ITERATIONS:-3}"
  stop_last
fi
exit 0
