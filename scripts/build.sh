#!/usr/bin/env bash
# Configures and builds mlflow-cpp into ./build (ccache makes rebuilds fast).
#   BUILD_DIR (default build), BUILD_TYPE (default RelWithDebInfo), BUILD_TARGETS (default all),
#   extra CMake args as arguments.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${BUILD_DIR:-$repo/build}"
source "$repo/scripts/ccache-env.sh"
cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" "$@" >/dev/null
targets=()
for t in ${BUILD_TARGETS:-}; do targets+=(--target "$t"); done
cmake --build "$build" -j"$(nproc)" "${targets[@]}"
