#!/usr/bin/env bash
# Builds the unit tests of the areas that hand out raw memory (store: statement caches and pools;
# search: the parser) with AddressSanitizer and UBSan into build-asan/, and runs them. Any
# use-after-free, overflow or undefined behaviour fails the run.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${ASAN_BUILD_DIR:-$repo/build-asan}"
werror=OFF
[[ "${CI:-}" == "true" ]] && werror=ON
tests=(store_statement_cache_test store_tracking_test store_registry_test store_schema_test store_migrations_test
       search_unit_tests)
BUILD_DIR="$build" BUILD_TYPE=Debug BUILD_TARGETS="${tests[*]}" \
  "$repo/scripts/build.sh" -DMLFLOW_SANITIZE=ON -DMLFLOW_WERROR="$werror"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
cd "$build"
regex="^($(IFS='|'; echo "${tests[*]}"))\$"
ctest -j2 --output-on-failure --timeout 900 -R "$regex"
