#!/usr/bin/env bash
# The C++ client beside the Python client's async logging, on one mlflow-cpp server (SQLite) and
# one run; then the C++ client on a local SQLite URI (no server). Prints figures, never fails.
#   bench/client_bench.sh [build dir] [points]
set -uo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$(cd "${1:-$repo/build}" && pwd)"
points="${2:-1000000}"
work="$(mktemp -d)"
trap 'kill $server_pid 2>/dev/null; wait $server_pid 2>/dev/null; rm -rf "$work"' EXIT
venv="$(MLFLOW_VENV_ROOT="${MLFLOW_VENV_ROOT:-/work/venvs}" "$repo/tests/interop/make_venv.sh" 2>/dev/null | tail -n 1)"

"$build/src/cli/mlflow-cpp" server --host 127.0.0.1 --port 0 --backend-store-uri "sqlite:///$work/mlflow.db" \
  --artifacts-destination "$work/artifacts" 2>"$work/server.log" &
server_pid=$!
port=""
for _ in $(seq 1 200); do
  port="$(grep -oE 'listening on http://127\.0\.0\.1:[0-9]+' "$work/server.log" | grep -oE '[0-9]+$' || true)"
  [[ -n "$port" ]] && break
  sleep 0.05
done
uri="http://127.0.0.1:$port"
echo "== C++ client, mlflow-cpp server on SQLite (nproc $(nproc))"
out="$(MLFLOW_CPP_ASYNC_QUEUE_SIZE=$((points + 1)) "$build/bench/client_bench" "$uri" "$points")"
echo "$out" | grep -v '^RUN_ID'
run_id="$(echo "$out" | awk '/^RUN_ID/ {print $2}')"
if [[ -n "$venv" && -n "$run_id" ]]; then
  echo "== Python client, same server, same run"
  "$venv/bin/python" "$repo/bench/client_bench_python.py" "$uri" "$run_id" "${PY_POINTS:-20000}" 2>&1 | grep -v Warning
fi
echo "== C++ client, local SQLite URI (no server)"
(cd "$work" && MLFLOW_CPP_ASYNC_QUEUE_SIZE=$((points + 1)) "$build/bench/client_bench" "sqlite:///$work/local.db" "$points" | grep -v '^RUN_ID')
exit 0
