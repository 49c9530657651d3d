#!/usr/bin/env bash
# Installs the pinned playwright-core (package-lock.json) into tests/ui/node_modules, once per lock change.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
exec 9>.npm-install.lock
flock -w 600 9
if ! cmp -s package-lock.json node_modules/.installed-package-lock.json 2>/dev/null; then
  npm ci --no-audit --no-fund --loglevel=error --prefer-offline
  cp package-lock.json node_modules/.installed-package-lock.json
fi
