#!/usr/bin/env bash
# Runs the UI's unit tests (vitest: smoothing, downsampling, filter helpers, run tree, CSV, Markdown,
# MLmodel parsing, grouping, x-axis pairing, chart layout, eval tables, logged models) after
# installing the pinned packages if needed.
set -euo pipefail
ui="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ui"
exec 9>"$ui/.npm-install.lock"
flock -w 900 9
if ! cmp -s package-lock.json node_modules/.installed-package-lock.json 2>/dev/null; then
  npm ci --no-audit --no-fund --loglevel=error --prefer-offline
  cp package-lock.json node_modules/.installed-package-lock.json
fi
flock -u 9
exec node_modules/.bin/vitest run
