#!/usr/bin/env bash
# Runs the Azure Blob / GCS artifact tests in their own venv (make_cloud_venv.sh: the pinned MLflow
# plus azure-storage-blob, google-cloud-storage and gcp-storage-emulator).
#   run_cloud_pytest.sh <test files...>
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$("$here/make_cloud_venv.sh" | tail -n 1)"
cd "$here/.."
# -p no:cacheprovider: keep the source tree clean. Exit 5 (nothing collected) is a failure here.
exec "$venv/bin/python" -m pytest -q -p no:cacheprovider "$@"
