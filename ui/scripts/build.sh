#!/usr/bin/env bash
# Builds the web UI and writes the C++ table of its files (called by the CMake build, see
# cmake/ui.cmake; usable by hand too):
#   ui/scripts/build.sh <out dir> <assets.cc>
# Installs the pinned packages (npm ci from package-lock.json, only when the lock file changed since
# the last install), type-checks, builds with Vite into <out dir>, then embeds it.
set -euo pipefail
ui="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$(realpath -m "$1")"
cc="$(realpath -m "$2")"
cd "$ui"
# Two build trees may build the UI at once: one npm ci at a time in ui/node_modules.
exec 9>"$ui/.npm-install.lock"
flock -w 900 9
if ! cmp -s package-lock.json node_modules/.installed-package-lock.json 2>/dev/null; then
  npm ci --no-audit --no-fund --loglevel=error --prefer-offline
  cp package-lock.json node_modules/.installed-package-lock.json
fi
flock -u 9
node_modules/.bin/tsc --noEmit -p .
node_modules/.bin/vite build --outDir "$out" --emptyOutDir --logLevel warn
node scripts/embed-assets.mjs "$out" "$cc"
