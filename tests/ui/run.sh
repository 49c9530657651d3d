#!/usr/bin/env bash
# Installs the pinned playwright-core (package-lock.json) and runs the UI tests with node's test
# runner against MLFLOW_CPP_BINARY in Debian's headless Chromium (/usr/bin/chromium).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
exec 9>.npm-install.lock
flock -w 600 9
if ! cmp -s package-lock.json node_modules/.installed-package-lock.json 2>/dev/null; then
  npm ci --no-audit --no-fund --loglevel=error --prefer-offline
  cp package-lock.json node_modules/.installed-package-lock.json
fi
flock -u 9
if [[ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]]; then
  echo "ui tests: ${CHROMIUM_PATH:-/usr/bin/chromium} not found: run scripts/install-deps.sh" >&2
  exit 1
fi
exec node --test --test-concurrency=1 "$@" ui.test.mjs
