#!/usr/bin/env bash
# A private MariaDB server for tests: mariadb-install-db in a temp folder, run as a non-root user,
# listening on 127.0.0.1 at a free port with its socket in the same folder.
#
#   eval "$(tests/mysql/mariadb_server.sh start /tmp/x)"   # prints export lines
#   tests/mysql/mariadb_server.sh stop /tmp/x              # stops it and deletes the folder
#
# start prints, for the caller to eval:
#   MLFLOW_TEST_MYSQL_URI   admin URI (user mlflow, all privileges, password over TCP), no database:
#                           mysql://mlflow:<pw>@127.0.0.1:<port>/
#   MLFLOW_TEST_MYSQL_DIR   the server folder (for stop)
#   MLFLOW_TEST_MYSQL_SOCKET  its socket (the `mariadb` client as root: -S <socket> -u root)
set -euo pipefail

cmd="${1:-}"; dir="${2:-}"
[[ -n "$cmd" && -n "$dir" ]] || { echo "usage: $0 start|stop <dir>" >&2; exit 2; }
for b in mariadbd mariadb-install-db mariadb; do
  command -v "$b" >/dev/null 2>&1 || [[ -x /usr/sbin/$b ]] || { echo "mariadb_server: $b not found (apt-get install mariadb-server)" >&2; exit 1; }
done
mariadbd_bin="$(command -v mariadbd || echo /usr/sbin/mariadbd)"

# As root, the server runs as a dedicated unprivileged user.
run_user=""
if [[ $(id -u) -eq 0 ]]; then
  run_user="${MLFLOW_MYSQL_USER:-mlflowmy}"
  if ! id -u "$run_user" >/dev/null 2>&1; then
    useradd --system --no-create-home --shell /usr/sbin/nologin "$run_user" 2>/dev/null || id -u "$run_user" >/dev/null
  fi
fi
as_user() {
  if [[ -n "$run_user" ]]; then runuser -u "$run_user" -- "$@"; else "$@"; fi
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

case "$cmd" in
  start)
    mkdir -p "$dir"
    chmod 755 "$dir"
    [[ -n "$run_user" ]] && chown -R "$run_user" "$dir"
    # Small logs and buffer pool: a test server starts in a couple of seconds; commits stay durable
    # (innodb_flush_log_at_trx_commit=1, the default).
    opts=(--no-defaults --datadir="$dir/data" --socket="$dir/mysqld.sock" --pid-file="$dir/mysqld.pid"
          --log-error="$dir/server.log" --bind-address=127.0.0.1 --skip-name-resolve
          --innodb-buffer-pool-size=64M --innodb-log-file-size=16M --max-connections=300 --max-prepared-stmt-count=100000
          --character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci)
    as_user mariadb-install-db --no-defaults --datadir="$dir/data" --auth-root-authentication-method=normal \
      --skip-test-db --skip-name-resolve >"$dir/install.log" 2>&1 || { cat "$dir/install.log" >&2; exit 1; }
    started=""
    for attempt in 1 2 3 4 5; do
      port="$(free_port)"
      as_user "$mariadbd_bin" "${opts[@]}" --port="$port" >/dev/null 2>&1 &
      for _ in $(seq 1 300); do  # up to 30 s
        if mariadb --no-defaults -S "$dir/mysqld.sock" -u root -e 'SELECT 1' >/dev/null 2>&1; then
          started=1; break
        fi
        kill -0 $! 2>/dev/null || break
        sleep 0.1
      done
      [[ -n "$started" ]] && break
      # Not up: stop this attempt (the pid file names the server) before trying another port.
      if [[ -f "$dir/mysqld.pid" ]]; then kill "$(cat "$dir/mysqld.pid")" 2>/dev/null || true; fi
      kill $! 2>/dev/null || true
      wait $! 2>/dev/null || true
    done
    [[ -n "$started" ]] || { echo "mariadb_server: could not start MariaDB:" >&2; tail -20 "$dir/server.log" >&2; exit 1; }
    password="pw$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
    mariadb --no-defaults -S "$dir/mysqld.sock" -u root -e \
      "CREATE USER 'mlflow'@'127.0.0.1' IDENTIFIED BY '$password'; GRANT ALL PRIVILEGES ON *.* TO 'mlflow'@'127.0.0.1' WITH GRANT OPTION;"
    echo "$run_user" > "$dir/run_user"
    cat <<EOT
export MLFLOW_TEST_MYSQL_URI='mysql://mlflow:${password}@127.0.0.1:${port}/'
export MLFLOW_TEST_MYSQL_DIR='${dir}'
export MLFLOW_TEST_MYSQL_SOCKET='${dir}/mysqld.sock'
EOT
    ;;
  stop)
    if [[ -f "$dir/mysqld.pid" ]]; then
      pid="$(cat "$dir/mysqld.pid")"
      if [[ "$pid" =~ ^[0-9]+$ ]]; then
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null || true
      fi
    fi
    rm -rf "$dir"
    ;;
  *)
    echo "usage: $0 start|stop <dir>" >&2; exit 2 ;;
esac
