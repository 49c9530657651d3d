#!/usr/bin/env bash
# Creates (or reuses) the Python venv holding the pinned real MLflow used by the interop suites.
# Prints the venv path as the last line of stdout; progress goes to stderr.
#   MLFLOW_VERSION        MLflow release to pin (default 3.17.2, the newest 3.x that installs here)
#   MLFLOW_VENV_ROOT      folder holding the venvs (default <repo>): <root>/.venv-interop-$MLFLOW_VERSION
#                         (several checkouts can share one root and its venvs)
#   MLFLOW_INTEROP_VENV   exact venv location; honoured only for the default version, so that a
#                         suite asking for another MLflow (db upgrade: 3.6.0) never rebuilds it
#   PYTHON                interpreter used to create the venv (default python3)
#   MLFLOW_WHEELHOUSE     folder of downloaded wheels shared by every venv made here (default
#                         ${XDG_CACHE_HOME:-~/.cache}/mlflow-cpp/wheelhouse, outside the clone, so a
#                         fresh clone on the same machine or a CI runner that keeps ~/.cache does not
#                         download them again): each file is downloaded once, not once per venv
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
default_version=3.17.2
version="${MLFLOW_VERSION:-$default_version}"
venv="${MLFLOW_VENV_ROOT:-$repo}/.venv-interop-$version"
if [[ -n "${MLFLOW_INTEROP_VENV:-}" && "$version" == "$default_version" ]]; then
  venv="$MLFLOW_INTEROP_VENV"
fi
python="${PYTHON:-python3}"
pytest_pin="pytest==9.2.0"
# MLflow releases before 3.17 import names that SQLAlchemy 2.1 removed (FallbackAsyncAdaptedQueuePool)
# but do not cap it: keep them on 2.0.x. MLFLOW_INTEROP_PIP_EXTRA adds further requirements.
extra=()
if [[ "$(printf '%s\n' "$version" 3.17.0 | sort -V | head -n 1)" != "3.17.0" ]]; then
  extra+=("sqlalchemy<2.1")
fi
# One venv per MLflow version serves every suite: the database drivers (PostgreSQL, MySQL suites) and
# the auth app's Flask-WTF are small and change nothing for the others (only mlflow/server/auth
# imports flask_wtf), where separate venvs cost CI a full MLflow install each.
extra+=("psycopg2-binary==2.9.13" "pymysql==1.1.1" "flask-wtf==1.3.0")
# shellcheck disable=SC2206
extra+=(${MLFLOW_INTEROP_PIP_EXTRA:-})
# The stamp records what was installed; a venv is reused only when it matches exactly.
want="mlflow==$version $pytest_pin requests pyyaml ${extra[*]}"

is_ready() {
  [[ -x "$venv/bin/python" && -f "$venv/.interop-stamp" ]] || return 1
  [[ "$(cat "$venv/.interop-stamp")" == "$want" ]] || return 1
  "$venv/bin/python" - "$version" <<'PY' >/dev/null 2>&1
import sys
import mlflow, pytest, requests, yaml  # noqa: F401
sys.exit(0 if mlflow.__version__ == sys.argv[1] else 1)
PY
}

mkdir -p "$(dirname "$venv")"
# Several ctest jobs may ask for the venv at once: serialise on a lock file.
lock="${TMPDIR:-/tmp}/interop-venv-$(printf '%s' "$venv" | md5sum | cut -c1-12).lock"
exec 9>"$lock"
flock -w 1800 9 || { echo "make_venv: timed out waiting for $lock" >&2; exit 1; }

if is_ready; then
  echo "make_venv: reusing $venv (mlflow $version)" >&2
  echo "$venv"
  exit 0
fi

echo "make_venv: creating $venv with mlflow==$version" >&2
rm -rf "$venv"
reqs=("mlflow==$version" "$pytest_pin" requests pyyaml "${extra[@]}")
pip=("$venv/bin/python" -m pip --disable-pip-version-check)

# uv (pinned, from PyPI) installs the wheels in about half the CPU time of pip (measured: 38 s
# against 68 s for the MLflow venv, nearly all of it the byte-compiling both do; without it, every
# test's Python would compile MLflow again, since PYTHONDONTWRITEBYTECODE may be set). It is made once
# into its own small venv beside the wheelhouse; pip is the fallback when that fails.
wheels="${MLFLOW_WHEELHOUSE:-${XDG_CACHE_HOME:-$HOME/.cache}/mlflow-cpp/wheelhouse}"
mkdir -p "$wheels"
uv_pin=0.13.9
uv_home="${MLFLOW_UV_HOME:-$wheels.uv-$uv_pin}"
uv=""
find_uv() {
  [[ -x "$uv_home/bin/uv" ]] && { uv="$uv_home/bin/uv"; return 0; }
  exec 7>"$uv_home.lock"
  flock -w 600 7 || return 1
  if [[ ! -x "$uv_home/bin/uv" ]]; then
    rm -rf "$uv_home"
    "$python" -m venv "$uv_home" >&2 &&
      "$uv_home/bin/python" -m pip install --quiet --disable-pip-version-check "uv==$uv_pin" >&2 ||
      { rm -rf "$uv_home"; flock -u 7; return 1; }
  fi
  flock -u 7
  uv="$uv_home/bin/uv"
}
# The venv itself is always Python's own (ensurepip's pip and setuptools, no wheel): the real
# MLflow records its environment's pip, setuptools and wheel in the models it logs (the promptlab
# interop compares them), so `uv venv --seed` (the newest of each) would change its answers.
"$python" -m venv "$venv"
if [[ "${MLFLOW_VENV_USE_PIP:-}" == 1 ]] || ! find_uv; then uv=""; fi
# Installs into the venv from the given sources (pip's arguments, which uv takes alike here).
install_into_venv() {
  if [[ -n "$uv" ]]; then
    VIRTUAL_ENV="$venv" "$uv" pip install --quiet --compile-bytecode "$@"
  else
    "${pip[@]}" install --quiet "$@"
  fi
}
# The package index here sends no caching headers, so pip's own cache stays empty and every venv would
# download its ~100 wheels again (CI makes eight venvs: half an hour at ~1 MB/s). The wheels go to
# one folder instead, and every venv installs from there, offline: the first venv downloads, the
# others download only what the folder lacks (`pip wheel` skips the files it already holds).
# Downloads take the folder's lock exclusively, installs shared: no install reads a half-written wheel.
exec 8>"$wheels/.lock"
from_wheelhouse() {
  flock -s -w 1800 8 || return 1
  local rc=0
  install_into_venv --no-index --find-links "$wheels" "${reqs[@]}" || rc=$?
  flock -u 8
  return "$rc"
}
if from_wheelhouse 2>/dev/null; then
  echo "make_venv: installed from $wheels" >&2
else
  flock -w 1800 8 || { echo "make_venv: timed out waiting for $wheels/.lock" >&2; exit 1; }
  fetched=0
  # Another venv may have fetched what this one lacks while it waited for the lock. If not, fetch
  # the extra requirements alone first: their index pages only, not those of all ~100 packages.
  # (Only resolved here, --dry-run: the install itself runs under the shared lock, alongside others.)
  servable() { "${pip[@]}" install --dry-run --quiet --no-index --find-links "$wheels" "${reqs[@]}" >/dev/null 2>&1; }
  servable && fetched=1
  if [[ "$fetched" != 1 && ${#extra[@]} -gt 0 ]]; then
    echo "make_venv: fetching ${extra[*]} into $wheels" >&2
    "${pip[@]}" wheel --quiet --wheel-dir "$wheels" "${extra[@]}" >&2 && servable && fetched=1
  fi
  if [[ "$fetched" != 1 ]]; then
    echo "make_venv: fetching ${reqs[*]} into $wheels" >&2
    "${pip[@]}" wheel --quiet --wheel-dir "$wheels" "${reqs[@]}" >&2 && fetched=1
  fi
  flock -u 8
  if [[ "$fetched" != 1 ]] || ! from_wheelhouse >&2; then
    # A wheelhouse that cannot serve (a damaged file): install straight from the index, as before.
    echo "make_venv: wheelhouse $wheels failed; installing from the index" >&2
    install_into_venv "${reqs[@]}" >&2
  fi
fi
echo "$want" > "$venv/.interop-stamp"
if ! is_ready; then
  echo "make_venv: $venv does not import mlflow $version after install" >&2
  exit 1
fi
echo "make_venv: ready $venv" >&2
echo "$venv"
