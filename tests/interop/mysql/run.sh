#!/usr/bin/env bash
# MySQL round trips with the real MLflow (test_mysql_roundtrip.py), on a private MariaDB server.
#   run.sh <mlflow-cpp binary> [pytest args...]
# The real MLflow needs PyMySQL: make_venv.sh's pinned MLflow venv holds it.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
interop="$(cd "$here/.." && pwd)"
repo="$(cd "$interop/../.." && pwd)"
[[ $# -ge 1 ]] || { echo "usage: $0 <mlflow-cpp binary> [pytest args...]" >&2; exit 2; }
candidate="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
shift
venv="$("$interop/make_venv.sh" | tail -n 1)"
export MLFLOW_INTEROP_CANDIDATE="$candidate"
cd "$interop"
exec "$repo/tests/mysql/with_mariadb.sh" "$venv/bin/python" -m pytest -c "$interop/pytest.ini" --rootdir "$interop" \
  "$here/test_mysql_roundtrip.py" "$@"
