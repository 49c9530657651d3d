#!/usr/bin/env bash
# Installs everything mlflow-cpp needs to build and test, from Debian 12's packages. Idempotent:
# packages already present are skipped, so a second run takes a second.
set -euo pipefail

# Boost: only Asio and Beast (headers) and Boost.System are used; libboost1.81-all-dev would also
# pull MPI, Python and ICU development packages that nothing here needs.
packages=(
  build-essential cmake ninja-build ccache pkg-config git ca-certificates curl
  libboost1.81-dev libboost-system1.81-dev nlohmann-json3-dev libyaml-cpp-dev libsqlite3-dev sqlite3
  libcurl4-openssl-dev libssl-dev zlib1g-dev libspdlog-dev libfmt-dev libcli11-dev
  libgtest-dev libgmock-dev libpq-dev libpqxx-dev postgresql nginx
  libmariadb-dev mariadb-server
  libxgboost-dev
  clang libclang-rt-14-dev
  python3 python3-venv python3-pip
  chromium fonts-dejavu-core
)
# Node.js + npm build the web UI (ui/, Vite) and run the S3 test server (s3rver), the npm client
# interop test and the UI tests (Chromium); keep a newer Node if present.
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}" >&2
  if [[ $(id -u) -ne 0 ]]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
else
  echo "install-deps: all packages present" >&2
fi
