#!/usr/bin/env bash
# UI benchmark, mlflow-cpp's UI against MLflow's own UI on the same data (see ui_bench.mjs).
#   bench/ui_bench/run.sh [build/src/cli/mlflow-cpp] [venv]   (venv default /work/venvs/mlflow-3.17.2,
#   or $MLFLOW_INTEROP_VENV, or the one tests/interop/make_venv.sh makes)
# Starts both servers on 127.0.0.1 with SQLite in a temp dir, seeds them through the REST API
# (10,000 runs; 10 runs x 100,000 points), measures in headless Chromium, prints, never fails.
# Seeding MLflow's server takes 10-20 minutes: UI_BENCH_DIR=DIR keeps both databases in DIR, so a
# second run only measures (extra arguments go to ui_bench.mjs, e.g. --seed-only, --repeat 5).
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

"$binary" server --host 127.0.0.1 --port 0 --backend-store-uri "sqlite:///$tmp/ours.db" \
  --artifacts-destination "$tmp/ours-artifacts" 2>"$tmp/ours.log" &
pids+=($!)
port=""
for _ in $(seq 100); do
  port="$(sed -n 's/.*listening on http:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$tmp/ours.log" | head -1)"
  [[ -n "$port" ]] && break
  sleep 0.1
done
ours="http://127.0.0.1:$port"

mlflow_url=""
if [[ -x "$venv/bin/mlflow" ]]; then
  # Create MLflow's schema once, before its workers start (several workers migrating one new SQLite
  # file at once fail).
  [[ -f "$tmp/mlflow.db" ]] || MLFLOW_DISABLE_TELEMETRY=true "$venv/bin/python" -c "import sys; from mlflow.store.tracking.sqlalchemy_store import SqlAlchemyStore; SqlAlchemyStore(sys.argv[1], sys.argv[2])" \
    "sqlite:///$tmp/mlflow.db" "$tmp/mlflow-artifacts" >"$tmp/mlflow-init.log" 2>&1 || cat "$tmp/mlflow-init.log" >&2
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
else
  echo "ui_bench: no MLflow venv at '$venv': measuring mlflow-cpp only" >&2
fi
node "$repo/bench/ui_bench/ui_bench.mjs" --ours "$ours" ${mlflow_url:+--mlflow "$mlflow_url"} "${@:3}" || echo "ui_bench: failed (see above)"
exit 0
