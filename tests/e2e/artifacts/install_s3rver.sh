#!/usr/bin/env bash
# Installs the pinned test-only S3 server (s3rver, see s3rver/package-lock.json) into <dest> with
# `npm ci`, unless an identical install is already there. Prints the s3rver entry script path.
#   install_s3rver.sh <dest>
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dest="$1"
mkdir -p "$dest"
exec 9>"$dest/.install.lock"
flock -w 600 9
if [[ -x "$dest/node_modules/.bin/s3rver" ]] && cmp -s "$here/s3rver/package-lock.json" "$dest/package-lock.json"; then
  echo "$dest/node_modules/.bin/s3rver"
  exit 0
fi
cp "$here/s3rver/package.json" "$here/s3rver/package-lock.json" "$dest/"
(cd "$dest" && npm ci --no-audit --no-fund --loglevel=error >&2)
echo "$dest/node_modules/.bin/s3rver"
