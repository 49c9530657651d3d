#!/usr/bin/env bash
# Installs the pinned npm client (package-lock.json) and runs the node test file.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
if [[ ! -d node_modules/mlflow ]]; then
  npm ci --silent --no-audit --no-fund
fi
exec node --test npm_client.test.mjs
