#!/usr/bin/env bash
# Sleeps for $1 seconds in one-second steps, announcing itself first.
set -euo pipefail
if [[ -n "${PIDFILE:-}" ]]; then echo $$ > "$PIDFILE"; fi
echo "sleeping for $1 seconds"
for ((i = 0; i < $1; i++)); do sleep 1; done
