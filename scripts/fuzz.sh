#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/, clang with ASan + UBSan) into build-fuzz/ and runs each for
# its share of the time: scripts/fuzz.sh [seconds-total] (default 60; 0 only builds). Each target starts from its
# seed corpus (fuzz/corpus/<target>/, kept unchanged) plus what earlier runs found
# (build-fuzz/corpus/<target>/). A crash, sanitizer report, leak or timeout fails the run; the
# input that caused it is saved as build-fuzz/crashes/<target>-crash-<sha1> (rerun: the target
# binary with that file as its argument).
#   FUZZ_BUILD_DIR (default build-fuzz), FUZZ_TARGETS (default all), FUZZ_JOBS (build jobs),
#   FUZZ_SEED (libFuzzer's -seed; default 1 when CI=true, so a CI failure replays locally with the
#   same commit and seed; random otherwise, to explore further).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
total="${1:-60}"
build="${FUZZ_BUILD_DIR:-$repo/build-fuzz}"
# handlers_fuzz (the whole server stack under clang 14) is not in the default list until it has
# been built and run here: FUZZ_TARGETS=handlers_fuzz scripts/fuzz.sh 60.
targets=(${FUZZ_TARGETS:-filter_fuzz mlmodel_fuzz mlproject_fuzz path_fuzz otlp_fuzz})
werror=OFF
[[ "${CI:-}" == "true" ]] && werror=ON

source "$repo/scripts/ccache-env.sh"
command -v clang++ >/dev/null || { echo "fuzz: clang++ not found (scripts/install-deps.sh)" >&2; exit 1; }
CC=clang CXX=clang++ cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DMLFLOW_FUZZ=ON -DMLFLOW_BUILD_UI=OFF -DMLFLOW_WERROR="$werror" >/dev/null
build_args=()
for t in "${targets[@]}"; do build_args+=(--target "$t"); done
cmake --build "$build" -j"${FUZZ_JOBS:-$(nproc)}" "${build_args[@]}"
(( total > 0 )) || exit 0

share=$(( total / ${#targets[@]} ))
(( share >= 1 )) || share=1
mkdir -p "$build/crashes"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
seed_args=()
seed="${FUZZ_SEED:-}"
[[ -z "$seed" && "${CI:-}" == "true" ]] && seed=1
[[ -n "$seed" ]] && seed_args=(-seed="$seed")
failed=()
for t in "${targets[@]}"; do
  seeds="$repo/fuzz/corpus/$t"
  work="$build/corpus/$t"
  mkdir -p "$work"
  # The handler target keeps its database in a temporary folder: one per run, removed after.
  tmp="$(mktemp -d "$build/tmp-$t.XXXXXX")"
  echo "fuzz: $t for ${share}s" >&2
  if TMPDIR="$tmp" "$build/fuzz/$t" "${seed_args[@]}" -max_total_time="$share" -timeout=20 -rss_limit_mb=2048 \
       -artifact_prefix="$build/crashes/$t-" -print_final_stats=1 "$work" "$seeds" >"$build/$t.log" 2>&1; then
    grep -E "^(stat::number_of_executed_units|stat::new_units_added)" "$build/$t.log" | tr '\n' ' ' >&2
    echo >&2
  else
    failed+=("$t")
    tail -n 60 "$build/$t.log" >&2
    echo "fuzz: $t FAILED; reproducer: $(ls -t "$build/crashes/$t-"* 2>/dev/null | head -1)" >&2
  fi
  rm -rf "$tmp"
done
if ((${#failed[@]})); then
  echo "fuzz: failures in ${failed[*]} (logs: $build/<target>.log)" >&2
  exit 1
fi
echo "fuzz: ${#targets[@]} targets, ${share}s each, no failures" >&2
