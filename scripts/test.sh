#!/usr/bin/env bash
# Installs dependencies, builds, and runs every test through ctest: unit, e2e (real server over
# loopback) and interop (the real MLflow from PyPI, pinned, in a venv this script's tests make).
# Then the store and search unit tests again, built with AddressSanitizer and UBSan (build-asan/),
# and, on CI, one minute of the libFuzzer targets (scripts/fuzz.sh, build-fuzz/).
# The last lines it prints are the time each stage took.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
started=$SECONDS
stages=()
stage_done() { stages+=("$(printf '%-34s %5d s' "$1" $((SECONDS - $2)))"); }
report() {
  echo "== test.sh stages (wall time) =="
  printf '%s\n' "${stages[@]}"
  printf '%-34s %5d s\n' "total" $((SECONDS - started))
}
trap report EXIT

t=$SECONDS; "$repo/scripts/install-deps.sh"; stage_done "install-deps" "$t"
werror=OFF
[[ "${CI:-}" == "true" ]] && werror=ON
build="${BUILD_DIR:-$repo/build}"
# pip runs inside the tests (the model environments `models serve --env-manager virtualenv` makes)
# take the wheels make-venvs.sh downloaded from its wheel folder too; the index still picks versions.
export PIP_FIND_LINKS="${PIP_FIND_LINKS:+$PIP_FIND_LINKS }${MLFLOW_WHEELHOUSE:-${XDG_CACHE_HOME:-$HOME/.cache}/mlflow-cpp/wheelhouse}"
# The tests' Python venvs download and install while the compiler runs (scripts/make-venvs.sh);
# ctest starts once both are done. A venv that failed here is tried again by its own test.
# (Its own process group, stopped if this script stops early, e.g. on a build error.)
mkdir -p "$build"
setsid -w "$repo/scripts/make-venvs.sh" "$build/venv-logs" > "$build/venv-logs.txt" 2>&1 &
venvs=$!
side=
trap '[[ -n "$venvs" ]] && kill -- -"$venvs" 2>/dev/null; [[ -n "$side" ]] && kill -- -"$side" 2>/dev/null; report' EXIT
t=$SECONDS; "$repo/scripts/build.sh" -DMLFLOW_WERROR="$werror"; stage_done "build" "$t"
t=$SECONDS; wait "$venvs" || true; stage_done "venvs (after the build)" "$t"
venvs=
cat "$build/venv-logs.txt"

# The sanitizer build and its tests, and the fuzz targets' build, use what ctest leaves of the two
# cores (its tests wait on servers and databases about a fifth of the time): niced, beside it.
side_log="$build/sanitized-and-fuzz-build.log"
(
  s=$SECONDS
  nice -n 19 "$repo/scripts/test-sanitized.sh" || { echo "sanitized: FAILED" ; exit 1; }
  echo "sanitized build and tests: $((SECONDS - s)) s"
  if [[ "${CI:-}" == "true" ]]; then
    s=$SECONDS
    nice -n 19 "$repo/scripts/fuzz.sh" 0 || { echo "fuzz build: FAILED"; exit 1; }
    echo "fuzz build: $((SECONDS - s)) s"
  fi
) > "$side_log" 2>&1 &
side=$!

# The CPU's use while ctest runs (/proc/stat: user, nice, system, idle, iowait, ...), to tell
# whether the tests keep both cores busy (more jobs would not help) or wait.
cpu_ticks() { awk '/^cpu /{print $2+$4+$7+$8+$9, $3, $5+$6}' /proc/stat; }
cd "$build"
t=$SECONDS
read -r busy0 nice0 idle0 < <(cpu_ticks)
ctest_rc=0
ctest -j2 --output-on-failure --timeout 1800 "$@" || ctest_rc=$?
stage_done "ctest" "$t"
read -r busy1 nice1 idle1 < <(cpu_ticks)
total=$(( busy1 - busy0 + nice1 - nice0 + idle1 - idle0 ))
(( total > 0 )) && stages+=("$(printf '  CPU during ctest: tests %d%%, niced side builds %d%%, idle %d%%' \
  $(( 100 * (busy1 - busy0) / total )) $(( 100 * (nice1 - nice0) / total )) $(( 100 * (idle1 - idle0) / total )))")

t=$SECONDS
side_rc=0
wait "$side" || side_rc=$?
side=
stage_done "sanitizer/fuzz build (after ctest)" "$t"
echo "== sanitizer tests and fuzz build ($side_log) =="
cat "$side_log"
while read -r line; do stages+=("  beside ctest: $line"); done < <(grep -E '^(sanitized build and tests|fuzz build):' "$side_log" || true)
if [[ "${CI:-}" == "true" && $side_rc -eq 0 ]]; then
  t=$SECONDS; "$repo/scripts/fuzz.sh" 60 || side_rc=$?; stage_done "fuzz (60 s)" "$t"
fi
(( ctest_rc == 0 )) || exit "$ctest_rc"
exit "$side_rc"
