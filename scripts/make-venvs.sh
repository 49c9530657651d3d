#!/usr/bin/env bash
# Makes (or reuses) every Python venv the tests use, before ctest asks for them: scripts/test.sh
# runs this in the background while the C++ build runs, so on a new machine the downloads and
# installs overlap the compiler instead of holding up the first tests for twenty minutes.
# Each line below is the call a test runner makes (same script, same environment), so the runner
# then finds its venv ready (tests/interop/make_venv.sh's stamp); a venv missing here is still made
# by its runner, only later. Logs: <log dir>/venv-<name>.log.
#   make-venvs.sh [log dir (default: a temp folder)]
#   MLFLOW_VENV_JOBS   venvs made at once after the first (default 3)
set -uo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
logs="${1:-$(mktemp -d -t mlflow-venvs.XXXXXX)}"
mkdir -p "$logs"
jobs_max="${MLFLOW_VENV_JOBS:-3}"
mv="$repo/tests/interop/make_venv.sh"

declare -A pids=()
failed=()
# One venv: bounded in time like the tests that would otherwise make it (TIMEOUT 1800).
make_one() {
  local name="$1"; shift
  timeout 1800 env "$@" >"$logs/venv-$name.log" 2>&1
}
reap_one() {
  local pid
  wait -n -p pid "${!pids[@]}" || failed+=("${pids[$pid]}")
  unset "pids[$pid]"
}
start() {
  while (( ${#pids[@]} >= jobs_max )); do reap_one; done
  make_one "$@" &
  pids[$!]="$1"
}

started=$SECONDS
# First, alone: the pinned MLflow (tests/interop/CMakeLists.txt, fixture interop_venv); it fills
# the wheelhouse the others install from.
make_one interop "$mv" || failed+=(interop)
# db_upgrade (SQLite, PostgreSQL, MySQL) and the schema comparison: MLflow 3.6.0. This venv and
# the one above serve the auth, PostgreSQL and MySQL suites too (make_venv.sh gives each the drivers).
start interop-3.6.0 MLFLOW_VERSION=3.6.0 "$mv"
# e2e_models*, fixture models_venv.
start models "$repo/tests/models/make_venv.sh"
# e2e_cloud_artifacts, fixture cloud_artifacts_venv.
start cloud "$repo/tests/e2e/artifacts/make_cloud_venv.sh"
while (( ${#pids[@]} > 0 )); do reap_one; done

echo "make-venvs: $(( SECONDS - started )) s, logs in $logs"
if (( ${#failed[@]} > 0 )); then
  for name in "${failed[@]}"; do
    echo "make-venvs: venv '$name' failed (its tests will try again); log tail:"
    tail -n 20 "$logs/venv-$name.log"
  done
  exit 1
fi
