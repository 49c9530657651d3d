#!/usr/bin/env bash
# Installs the pinned test-only Azure Blob Storage server (Azurite, see azurite/package-lock.json)
# into <dest> with `npm ci`, unless an identical install is already there. Prints the azurite-blob
# entry script path.
#   install_azurite.sh <dest>
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dest="$1"
mkdir -p "$dest"
exec 9>"$dest/.install.lock"
flock -w 600 9
if [[ -x "$dest/node_modules/.bin/azurite-blob" ]] && cmp -s "$here/azurite/package-lock.json" "$dest/package-lock.json"; then
  echo "$dest/node_modules/.bin/azurite-blob"
  exit 0
fi
cp "$here/azurite/package.json" "$here/azurite/package-lock.json" "$dest/"
(cd "$dest" && npm ci --no-audit --no-fund --loglevel=error >&2)
echo "$dest/node_modules/.bin/azurite-blob"
