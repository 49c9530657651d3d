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
build="${BUILD_DIR:-$repo/build}"
# pip runs inside the tests (the model environments `models serve --env-manager virtualenv` makes)
# take the wheels make-venvs.sh downloaded from its wheel folder too; the index still picks versions.
export PIP_FIND_LINKS="${PIP_FIND_LINKS:+$PIP_FIND_LINKS }${MLFLOW_WHEELHOUSE:-$repo/.wheelhouse}"
# The tests' Python venvs download and install while the compiler runs (scripts/make-venvs.sh);
# ctest starts once both are done. A venv that failed here is tried again by its own test.
# (Its own process group, stopped if this script stops early, e.g. on a build error.)
mkdir -p "$build"
setsid -w "$repo/scripts/make-venvs.sh" "$build/venv-logs" > "$build/venv-logs.txt" 2>&1 &
venvs=$!
trap '[[ -n "$venvs" ]] && kill -- -"$venvs" 2>/dev/null; true' EXIT
"$repo/scripts/build.sh" -DMLFLOW_WERROR="$werror"
wait "$venvs" || true
venvs=
cat "$build/venv-logs.txt"
cd "$build"
ctest -j2 --output-on-failure --timeout 1800 "$@"

"$repo/scripts/test-sanitized.sh"
if [[ "${CI:-}" == "true" ]]; then "$repo/scripts/fuzz.sh" 60; fi
