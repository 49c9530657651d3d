#!/usr/bin/env bash
# PostgreSQL and replica benchmark: the same workload (bench/pg_bench.cc: create-run, log-batch,
# log-metric, run search, metric history) against
#   sqlite      one server on SQLite (group commit),
#   pg-1        one server on PostgreSQL,
#   pg-2+nginx  two servers on one PostgreSQL behind nginx (round robin),
# with a private PostgreSQL cluster (tests/pg/pg_cluster.sh: fsync on, loopback) started and
# stopped here. Prints the figures side by side. Never fails on figures.
#
#   bench/pg_bench.sh [build-dir] [--clients 8] [--seconds 3] [--search-runs 2000] [--pool 10]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$root/build"
if [[ $# -gt 0 && "$1" != --* ]]; then build="$(cd "$1" && pwd)"; shift; fi
clients=8; seconds=3; search_runs=2000; pool=10
while [[ $# -gt 1 ]]; do
  case "$1" in
    --clients) clients="$2" ;; --seconds) seconds="$2" ;; --search-runs) search_runs="$2" ;; --pool) pool="$2" ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift 2
done
bin="$build/src/cli/mlflow-cpp"; driver="$build/bench/pg_bench"
[[ -x "$bin" && -x "$driver" ]] || { echo "build mlflow-cpp and pg_bench in $build first" >&2; exit 1; }
command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || { echo "nginx is not installed" >&2; exit 1; }
nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"

work="$(mktemp -d /tmp/mlflow-pgbench.XXXXXX)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  "$root/tests/pg/pg_cluster.sh" stop "$work/pg" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
chmod 755 "$work"  # the cluster runs as an unprivileged user
cluster_env="$("$root/tests/pg/pg_cluster.sh" start "$work/pg")"
eval "$cluster_env"

# start_server <name> <backend-uri>: starts a server, sets $port, appends its pid to pids.
start_server() {
  local dir="$work/$1"; mkdir -p "$dir"
  "$bin" server --host 127.0.0.1 --port 0 --backend-store-uri "$2" --artifacts-destination "$dir/art" \
    --db-pool-size "$pool" >"$dir/log" 2>&1 &
  pids+=($!)
  port=""
  for _ in $(seq 300); do
    port="$(grep -o 'listening on http://127.0.0.1:[0-9]*' "$dir/log" 2>/dev/null | grep -o '[0-9]*$' || true)"
    [[ -n "$port" ]] && return 0
    sleep 0.05
  done
  echo "server $1 did not start:"; cat "$dir/log"; exit 1
}
stop_servers() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  pids=()
}
run_driver() {  # <label> <port>
  "$driver" --port "$2" --label "$1" --clients "$clients" --seconds "$seconds" --search-runs "$search_runs" \
    | tee -a "$work/results"
}
pg_uri() {
  psql -q -c "CREATE DATABASE $1"
  echo "postgresql://postgres:${PGPASSWORD}@127.0.0.1:${PGPORT}/$1"
}

echo "pg_bench: $clients clients, $seconds s per phase, $search_runs runs searched, pool $pool, $(nproc) cores"
start_server sqlite "sqlite:///$work/sqlite/mlflow.db"
run_driver sqlite "$port"; stop_servers

start_server pg1 "$(pg_uri bench1)"
run_driver pg-1 "$port"; stop_servers

uri="$(pg_uri bench2)"
start_server pg2a "$uri"; p1="$port"
start_server pg2b "$uri"; p2="$port"
lb="$work/nginx"; mkdir -p "$lb"; chmod 777 "$lb"
lbport="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
cat >"$lb/nginx.conf" <<EOT
$([[ $(id -u) -eq 0 ]] && echo "user root;")
worker_processes 2;
daemon off;
pid $lb/nginx.pid;
error_log $lb/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $lb/body; proxy_temp_path $lb/proxy; fastcgi_temp_path $lb/fcgi;
  uwsgi_temp_path $lb/uwsgi; scgi_temp_path $lb/scgi;
  upstream mlflow { server 127.0.0.1:$p1 max_fails=0; server 127.0.0.1:$p2 max_fails=0; keepalive 64; }
  server {
    listen 127.0.0.1:$lbport;
    keepalive_requests 10000000; keepalive_timeout 600s;
    client_max_body_size 0;
    # The Host the client sent: the servers refuse a host outside --allowed-hosts (DNS-rebinding guard).
    location / { proxy_pass http://mlflow; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_set_header Host \$http_host; }
  }
}
EOT
"$nginx_bin" -p "$lb" -c "$lb/nginx.conf" >"$lb/stderr" 2>&1 &
pids+=($!)
for _ in $(seq 200); do
  curl -fs "http://127.0.0.1:$lbport/health" >/dev/null 2>&1 && break
  sleep 0.05
done
run_driver pg-2+nginx "$lbport"; stop_servers

echo
python3 - "$work/results" <<'EOT'
import sys
rows = {}
order = []
for line in open(sys.argv[1]):
    parts = line.split()
    if not parts or parts[0] != "RESULT":
        continue
    label = parts[1]
    order.append(label)
    rows[label] = dict(p.split("=") for p in parts[2:])
names = [("create_run_per_s", "create-run /s"), ("batch_points_per_s", "log-batch metric points /s (100/request)"),
         ("log_metric_per_s", "log-metric requests /s"), ("search_per_s", "search-runs /s (filter+order, 100 rows)"),
         ("search_p50_ms", "  search-runs p50 (ms)"), ("search_p95_ms", "  search-runs p95 (ms)"),
         ("search_page1000_ms", "search-runs, 1000 rows no filter (ms)"),
         ("history_100k_ms", "get-history 100k points (ms)")]
print(f"{'figure':44s}" + "".join(f"{l:>14s}" for l in order))
for key, name in names:
    print(f"{name:44s}" + "".join(f"{rows[l].get(key, '-'):>14s}" for l in order))
EOT
