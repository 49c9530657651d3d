#!/usr/bin/env bash
# Configures and builds mlflow-cpp into ./build (ccache makes rebuilds fast).
#   BUILD_DIR (default build), BUILD_TYPE (default RelWithDebInfo), extra CMake args as arguments.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${BUILD_DIR:-$repo/build}"
cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" "$@" >/dev/null
cmake --build "$build" -j"$(nproc)"
