#!/usr/bin/env bash
# A private PostgreSQL cluster for tests: initdb in a temp folder, run as a non-root user, listening
# on 127.0.0.1 at a free port (socket in the same folder), fsync on.
#
#   eval "$(tests/pg/pg_cluster.sh start /tmp/x)"   # prints export lines: PGHOST PGPORT ...
#   tests/pg/pg_cluster.sh stop /tmp/x              # stops it and deletes the folder
#
# start prints, for the caller to eval:
#   MLFLOW_TEST_PG_URI  admin URI (user postgres, password auth over TCP) of database "postgres"
#   MLFLOW_TEST_PG_DIR  the cluster folder (for stop)
#   PGHOST PGPORT PGUSER PGPASSWORD  so psql/createdb reach it
set -euo pipefail

cmd="${1:-}"; dir="${2:-}"
[[ -n "$cmd" && -n "$dir" ]] || { echo "usage: $0 start|stop <dir>" >&2; exit 2; }

pgbin="${MLFLOW_PG_BIN:-}"
if [[ -z "$pgbin" ]]; then
  for v in 17 16 15 14 13; do
    if [[ -x /usr/lib/postgresql/$v/bin/initdb ]]; then pgbin=/usr/lib/postgresql/$v/bin; break; fi
  done
fi
[[ -x "$pgbin/initdb" ]] || { echo "pg_cluster: PostgreSQL server binaries not found (apt-get install postgresql)" >&2; exit 1; }

# As root, the cluster runs as a dedicated unprivileged user (PostgreSQL refuses root).
run_user=""
if [[ $(id -u) -eq 0 ]]; then
  run_user="${MLFLOW_PG_USER:-mlflowpg}"
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
    password="pw$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
    printf '%s\n' "$password" > "$dir/pwfile"
    [[ -n "$run_user" ]] && chown -R "$run_user" "$dir"
    chmod 600 "$dir/pwfile"
    # --no-sync: only initdb's own flush of the fresh files; the server runs with fsync on.
    as_user "$pgbin/initdb" -D "$dir/data" -U postgres --pwfile="$dir/pwfile" -E UTF8 --locale=C \
      --auth-host=scram-sha-256 --auth-local=trust --no-sync >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    rm -f "$dir/pwfile"
    started=""
    for attempt in 1 2 3 4 5; do
      port="$(free_port)"
      if as_user "$pgbin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
           -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=on -c synchronous_commit=on -c max_connections=300 -c shared_buffers=128MB" \
           start >/dev/null 2>&1; then
        started=1; break
      fi
      as_user "$pgbin/pg_ctl" -D "$dir/data" -m immediate -w -t 10 stop >/dev/null 2>&1 || true
    done
    [[ -n "$started" ]] || { echo "pg_cluster: could not start PostgreSQL:" >&2; tail -20 "$dir/server.log" >&2; exit 1; }
    echo "$pgbin" > "$dir/pgbin"
    echo "$run_user" > "$dir/run_user"
    cat <<EOT
export MLFLOW_TEST_PG_URI='postgresql://postgres:${password}@127.0.0.1:${port}/postgres'
export MLFLOW_TEST_PG_DIR='${dir}'
export PGHOST=127.0.0.1 PGPORT=${port} PGUSER=postgres PGPASSWORD='${password}'
EOT
    ;;
  stop)
    [[ -d "$dir/data" ]] || { rm -rf "$dir"; exit 0; }
    as_user "$pgbin/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >/dev/null 2>&1 || {
      # Last resort: the postmaster's pid is the first line of postmaster.pid.
      if [[ -f "$dir/data/postmaster.pid" ]]; then
        pid="$(head -n1 "$dir/data/postmaster.pid")"
        [[ "$pid" =~ ^[0-9]+$ ]] && kill -9 "$pid" 2>/dev/null || true
      fi
    }
    rm -rf "$dir"
    ;;
  *)
    echo "usage: $0 start|stop <dir>" >&2; exit 2 ;;
esac
