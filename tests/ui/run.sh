#!/usr/bin/env bash
# Runs the UI tests with node's test runner against MLFLOW_CPP_BINARY (the real server, UI built
# in) in Debian's headless Chromium (/usr/bin/chromium, or CHROMIUM_PATH).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
./install.sh
if [[ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]]; then
  echo "ui tests: ${CHROMIUM_PATH:-/usr/bin/chromium} not found: run scripts/install-deps.sh" >&2
  exit 1
fi
# One file: its suites run one after another (no --test-concurrency: Node 18 lacks it).
exec node --test "$@" ui.test.mjs
