#!/usr/bin/env bash
# Load and fault test: bench/fault_bench.cc's clients (create run, log-batch, log-metric, set-tag,
# run search) against
#   sqlite  one server on SQLite, SIGKILLed and restarted (same port, same database) --kills times,
#   pg      two servers on one PostgreSQL behind nginx; one of them SIGKILLed and restarted,
# then every acknowledged write is looked up through the API. Prints requests served, errors,
# refused connections and acknowledged-but-lost writes. Never fails on figures, except with
# --check (the ctest variants: tests/e2e e2e_fault_sqlite, tests/pg e2e_fault_pg), which fails
# when an acknowledged write is lost, nothing was acknowledged, or a restart did not come up.
#
#   bench/fault_bench.sh [build-dir] [--backend sqlite|pg] [--clients 200] [--seconds 60] [--kills 3] [--check]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$root/build"
if [[ $# -gt 0 && "$1" != --* ]]; then build="$(cd "$1" && pwd)"; shift; fi
backend=sqlite; clients=200; seconds=60; kills=3; check=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --backend) backend="$2"; shift ;; --clients) clients="$2"; shift ;; --seconds) seconds="$2"; shift ;;
    --kills) kills="$2"; shift ;; --check) check=1 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
bin="${MLFLOW_CPP_BINARY:-$build/src/cli/mlflow-cpp}"; driver="${FAULT_BENCH_BINARY:-$build/bench/fault_bench}"
[[ -x "$bin" && -x "$driver" ]] || { echo "build mlflow-cpp and fault_bench in $build first" >&2; exit 1; }

work="$(mktemp -d /tmp/mlflow-faultbench.XXXXXX)"
declare -A server_pid=()
other_pids=()
cleanup() {
  for p in "${server_pid[@]}" "${other_pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  for p in "${server_pid[@]}" "${other_pids[@]}"; do wait "$p" 2>/dev/null || true; done
  [[ "$backend" == pg ]] && "$root/tests/pg/pg_cluster.sh" stop "$work/pg" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
chmod 755 "$work"  # the PostgreSQL cluster runs as an unprivileged user
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# start_server <name> <port> <backend-uri>: (re)starts a server on a fixed port; returns once
# /health answers (at most 30 s; a restart that does not come up fails the run).
start_server() {
  local dir="$work/$1"; mkdir -p "$dir"
  "$bin" server --host 127.0.0.1 --port "$2" --backend-store-uri "$3" --artifacts-destination "$dir/art" \
    >>"$dir/log" 2>&1 &
  server_pid[$1]=$!
  for _ in $(seq 600); do
    curl -fs "http://127.0.0.1:$2/health" >/dev/null 2>&1 && return 0
    kill -0 "${server_pid[$1]}" 2>/dev/null || break
    sleep 0.05
  done
  echo "fault_bench: server $1 did not come up on port $2:" >&2; tail -20 "$dir/log" >&2
  return 1
}
kill_server() {  # <name>
  kill -9 "${server_pid[$1]}"
  wait "${server_pid[$1]}" 2>/dev/null || true
}

victim=server
if [[ "$backend" == sqlite ]]; then
  port="$(free_port)"; uri="sqlite:///$work/mlflow.db"
  start_server server "$port" "$uri"
  target_port="$port"
elif [[ "$backend" == pg ]]; then
  command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || { echo "nginx is not installed" >&2; exit 1; }
  nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"
  cluster_env="$("$root/tests/pg/pg_cluster.sh" start "$work/pg")"
  eval "$cluster_env"
  psql -q -c "CREATE DATABASE faultbench"
  uri="postgresql://postgres:${PGPASSWORD}@127.0.0.1:${PGPORT}/faultbench"
  port="$(free_port)"; port_b="$(free_port)"
  start_server server "$port" "$uri"
  start_server replica_b "$port_b" "$uri"
  # nginx as in bench/pg_bench.sh: round robin, POSTs never re-sent to the other replica once sent.
  lb="$work/nginx"; mkdir -p "$lb"; chmod 777 "$lb"
  target_port="$(free_port)"
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
  upstream mlflow { server 127.0.0.1:$port max_fails=0; server 127.0.0.1:$port_b max_fails=0; keepalive 64; }
  server {
    listen 127.0.0.1:$target_port;
    keepalive_requests 10000000; keepalive_timeout 600s;
    # The client's Host (not the upstream's name): the servers' DNS-rebinding check reads it.
    location / { proxy_pass http://mlflow; proxy_http_version 1.1; proxy_set_header Connection "";
                 proxy_set_header Host 127.0.0.1:$target_port; }
  }
}
EOT
  "$nginx_bin" -p "$lb" -c "$lb/nginx.conf" >"$lb/stderr" 2>&1 &
  other_pids+=($!)
  for _ in $(seq 200); do
    curl -fs "http://127.0.0.1:$target_port/health" >/dev/null 2>&1 && break
    sleep 0.05
  done
else
  echo "unknown backend $backend" >&2; exit 2
fi

echo "fault_bench: $backend, $clients clients, ${seconds}s, $kills SIGKILL+restart of '$victim', $(nproc) cores"
"$driver" --port "$target_port" --clients "$clients" --seconds "$seconds" --label "$backend" >"$work/driver.out" 2>&1 &
driver_pid=$!
other_pids+=($driver_pid)
start=$(date +%s.%N)
restarts=0
for k in $(seq "$kills"); do
  at=$(python3 -c "print($seconds * $k / ($kills + 1))")
  now=$(python3 -c "import time; print(time.time() - $start)")
  python3 -c "import time; time.sleep(max(0, $at - $now))"
  kill -0 "$driver_pid" 2>/dev/null || break
  kill_server "$victim"
  echo "  t=$(python3 -c "import time; print(round(time.time() - $start, 1))")s killed $victim (SIGKILL)"
  sleep 1  # down for a second: clients see refused connections (sqlite) or the other replica (pg)
  start_server "$victim" "$port" "$uri"
  restarts=$((restarts + 1))
  echo "  t=$(python3 -c "import time; print(round(time.time() - $start, 1))")s restarted $victim"
done
status=0
wait "$driver_pid" || status=$?
cat "$work/driver.out"
((status == 0)) || { echo "fault_bench: the driver failed ($status)" >&2; exit 1; }

if ((check)); then
  result="$(grep '^RESULT ' "$work/driver.out")"
  lost="$(grep -o 'lost=[0-9]*' <<<"$result" | cut -d= -f2)"
  acked="$(grep -o 'acked=[0-9]*' <<<"$result" | cut -d= -f2)"
  checked="$(grep -o 'checked=[0-9]*' <<<"$result" | cut -d= -f2)"
  [[ "$restarts" == "$kills" ]] || { echo "CHECK FAILED: $restarts of $kills restarts done" >&2; exit 1; }
  [[ "$lost" == 0 ]] || { echo "CHECK FAILED: $lost acknowledged writes lost" >&2; exit 1; }
  ((acked > 0 && checked == acked)) || { echo "CHECK FAILED: acked=$acked checked=$checked" >&2; exit 1; }
  echo "CHECK OK: $acked acknowledged writes, none lost, $restarts restarts"
fi
