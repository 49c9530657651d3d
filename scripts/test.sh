#!/usr/bin/env bash
# Installs dependencies, builds, and runs every test through ctest: unit, e2e (real server over
# loopback) and interop (the real MLflow from PyPI, pinned, in a venv this script's tests make).
# Then the store and search unit tests again, built with AddressSanitizer and UBSan (build-asan/),
# and, on CI, one minute of the libFuzzer targets (scripts/fuzz.sh, build-fuzz/).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$repo/scripts/install-deps.sh"
werror=OFF
[[ "${CI:-}" == "true" ]] && werror=ON
"$repo/scripts/build.sh" -DMLFLOW_WERROR="$werror"
cd "${BUILD_DIR:-$repo/build}"
ctest -j2 --output-on-failure --timeout 1800 "$@"

"$repo/scripts/test-sanitized.sh"
if [[ "${CI:-}" == "true" ]]; then "$repo/scripts/fuzz.sh" 60; fi
