#!/usr/bin/env bash
# Installs the client library from the build folder into a temporary prefix, builds
# examples/training_loop against it with find_package(mlflow-cpp) (and the same source with
# pkg-config), runs both on a local SQLite URI and against a real server, and checks what they logged.
#   installed_example_test.sh <build dir> <example dir>
set -euo pipefail
build="$1"; example="$2"
work="$(mktemp -d)"
server_pid=""
cleanup() {
  [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

cmake --install "$build" --prefix "$work/prefix" >/dev/null
test -f "$work/prefix/include/mlflow/mlflow.h"
test -f "$work/prefix/lib/cmake/mlflow-cpp/mlflow-cppConfig.cmake"
test -f "$work/prefix/lib/pkgconfig/mlflow-cpp.pc"
# Only the public API is exported: no symbol of the internals (mlflow::store, service, ...).
if nm -DC --defined-only "$work/prefix/lib/libmlflow-cpp.so" | grep -E ' mlflow::(store|service|artifacts|search|client_internal)::' >/dev/null; then
  echo "FAIL: libmlflow-cpp.so exports internal symbols" >&2; exit 1
fi

# 1. find_package, in a project that knows nothing of this repository.
cmake -S "$example" -B "$work/build" -G Ninja -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/build" >/dev/null
# 2. pkg-config.
PKG_CONFIG_PATH="$work/prefix/lib/pkgconfig" c++ -o "$work/train-pc" "$example/train.cc" \
  $(PKG_CONFIG_PATH="$work/prefix/lib/pkgconfig" pkg-config --cflags --libs mlflow-cpp) \
  -Wl,-rpath,"$work/prefix/lib"

# Local SQLite, no server.
mkdir "$work/local" && cd "$work/local"
out="$(MLFLOW_TRACKING_URI="sqlite:///$work/local/mlflow.db" "$work/build/train" 50)"
echo "$out"
grep -q "registered model cpp-linear version 1" <<<"$out"
out="$(MLFLOW_TRACKING_URI="sqlite:///$work/local/mlflow.db" "$work/train-pc" 50)"
grep -q "registered model cpp-linear version 2" <<<"$out"
n="$(sqlite3 "$work/local/mlflow.db" "SELECT COUNT(*) FROM metrics WHERE key='loss'")"
[[ "$n" == 100 ]] || { echo "FAIL: expected 100 loss points, found $n" >&2; exit 1; }
st="$(sqlite3 "$work/local/mlflow.db" "SELECT DISTINCT status FROM runs")"
[[ "$st" == FINISHED ]] || { echo "FAIL: run status $st" >&2; exit 1; }
ls "$work/local/mlruns"/*/*/artifacts/model/weights.txt >/dev/null

# A real server on 127.0.0.1.
mkdir "$work/srv"
"$MLFLOW_CPP_BINARY" server --host 127.0.0.1 --port 0 --backend-store-uri "sqlite:///$work/srv/mlflow.db" \
  --artifacts-destination "$work/srv/artifacts" 2>"$work/srv/log" &
server_pid=$!
port=""
for _ in $(seq 1 200); do
  port="$(grep -oE 'listening on http://127\.0\.0\.1:[0-9]+' "$work/srv/log" | grep -oE '[0-9]+$' || true)"
  [[ -n "$port" ]] && break
  sleep 0.05
done
[[ -n "$port" ]] || { echo "FAIL: server did not start" >&2; cat "$work/srv/log" >&2; exit 1; }
out="$(MLFLOW_TRACKING_URI="http://127.0.0.1:$port" "$work/build/train" 120)"
echo "$out"
grep -q "registered model cpp-linear version 1" <<<"$out"
n="$(sqlite3 "$work/srv/mlflow.db" "SELECT COUNT(*) FROM metrics WHERE key='loss'")"
[[ "$n" == 120 ]] || { echo "FAIL: expected 120 loss points on the server, found $n" >&2; exit 1; }
ls "$work/srv/artifacts"/*/*/artifacts/model/MLmodel >/dev/null
echo "OK"
