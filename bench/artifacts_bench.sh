#!/usr/bin/env bash
# Artifact throughput through the server vs. `cp` on the same disk (issue 4, item 7).
#   bench/artifacts_bench.sh <path to mlflow-cpp> [size in MB, default 1024] [work dir, default $TMPDIR]
# Starts `mlflow-cpp server --port 0` on 127.0.0.1 with its artifacts destination in the work dir,
# then times, for a file of random bytes:
#   cp          cp src dst                      (page cache)
#   upload      curl PUT  /api/2.0/mlflow-artifacts/artifacts/...   (server writes to the same disk)
#   download    curl GET  to a file on the same disk
#   cli-*       the same through `mlflow-cpp artifacts log-artifact / download` (libcurl, 512 KB buffers)
# each twice: as is (page cache) and including `sync` of the written file (the disk). Prints MB/s,
# the ratio to cp, and the server's peak RSS. Informational: always exits 0.
set -u
bin="${1:?usage: artifacts_bench.sh <mlflow-cpp binary> [size MB] [work dir]}"
size_mb="${2:-1024}"
work="$(mktemp -d "${3:-${TMPDIR:-/tmp}}/artifacts-bench.XXXXXX")"
server_pid=""
cleanup() {
  [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

now() { date +%s.%N; }
mbps() { awk -v mb="$1" -v s="$2" 'BEGIN { if (s <= 0) s = 1e-9; printf "%.0f", mb / s }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b <= 0) b = 1; printf "%.2f", a / b }'; }

echo "artifacts bench: ${size_mb} MB file, work dir $work ($(df -h --output=source "$work" | tail -1))"
head -c "$((size_mb * 1024 * 1024))" /dev/urandom > "$work/src.bin" || { echo "cannot create the test file"; exit 0; }

"$bin" server --host 127.0.0.1 --port 0 --backend-store-uri "sqlite:///$work/mlflow.db" \
  --artifacts-destination "$work/mlartifacts" 2> "$work/server.log" &
server_pid=$!
port=""
for _ in $(seq 1 200); do
  port="$(grep -o 'listening on http://127.0.0.1:[0-9]*' "$work/server.log" 2>/dev/null | sed 's/.*://')"
  [[ -n "$port" ]] && break
  sleep 0.05
done
if [[ -z "$port" ]]; then echo "server did not start: $(cat "$work/server.log")"; exit 0; fi
url="http://127.0.0.1:$port/api/2.0/mlflow-artifacts/artifacts/0/bench/artifacts"
rss() { awk '/^VmHWM/ { printf "%.1f", $2 / 1024 }' "/proc/$server_pid/status"; }
base_rss="$(awk '/^VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$server_pid/status")"

export MLFLOW_TRACKING_URI="http://127.0.0.1:$port"
run_id="$(curl -sS -X POST -H 'Content-Type: application/json' -d '{"experiment_id": "0"}' \
  "$MLFLOW_TRACKING_URI/api/2.0/mlflow/runs/create" | sed 's/.*"run_id":"\([0-9a-f]*\)".*/\1/')"
run_dir="$work/mlartifacts/0/$run_id/artifacts"

run_case() {  # name, with_sync(0|1): sets the global seconds
  local name="$1" with_sync="$2" t0 t1 out
  rm -rf "$work/cp.bin" "$work/down.bin" "$work/dl" "$work/mlartifacts/0/bench/artifacts/up.bin" "$run_dir"
  sync
  t0="$(now)"
  case "$name" in
    cp) cp "$work/src.bin" "$work/cp.bin"; out="$work/cp.bin" ;;
    upload) curl -sS -o /dev/null -X PUT -T "$work/src.bin" "$url/up.bin"; out="$work/mlartifacts/0/bench/artifacts/up.bin" ;;
    download) curl -sS -o "$work/down.bin" "$url/src-copy.bin"; out="$work/down.bin" ;;
    cli-upload) "$bin" artifacts log-artifact -l "$work/src.bin" -r "$run_id" 2>/dev/null; out="$run_dir/src.bin" ;;
    cli-download) "$bin" artifacts download -u "mlflow-artifacts:/0/bench/artifacts/src-copy.bin" -d "$work/dl" >/dev/null
                  out="$work/dl/src-copy.bin" ;;
  esac
  [[ "$with_sync" == 1 ]] && sync "$out"
  t1="$(now)"
  seconds="$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')"
}

# The download source lives in the destination already.
mkdir -p "$work/mlartifacts/0/bench/artifacts"
cp "$work/src.bin" "$work/mlartifacts/0/bench/artifacts/src-copy.bin"

for with_sync in 0 1; do
  label=$([[ $with_sync == 1 ]] && echo "with sync (disk)" || echo "page cache")
  declare -A speed=()
  for name in cp upload download cli-upload cli-download; do
    best=0
    for _ in 1 2; do  # best of two
      run_case "$name" "$with_sync"
      s="$(mbps "$size_mb" "$seconds")"
      (( s > best )) && best=$s
    done
    speed[$name]=$best
  done
  if [[ -s "$work/mlartifacts/0/bench/artifacts/up.bin" ]] && ! cmp -s "$work/src.bin" "$work/mlartifacts/0/bench/artifacts/up.bin"; then
    echo "WARNING: uploaded file differs from the source"
  fi
  echo "[$label] cp: ${speed[cp]} MB/s"
  echo "  curl client:       upload ${speed[upload]} MB/s (x$(ratio "${speed[upload]}" "${speed[cp]}") of cp)," \
       "download ${speed[download]} MB/s (x$(ratio "${speed[download]}" "${speed[cp]}") of cp)"
  echo "  mlflow-cpp client: upload ${speed[cli-upload]} MB/s (x$(ratio "${speed[cli-upload]}" "${speed[cp]}") of cp)," \
       "download ${speed[cli-download]} MB/s (x$(ratio "${speed[cli-download]}" "${speed[cp]}") of cp)"
done
echo "server RSS: ${base_rss} MB at start, $(rss) MB peak ($(awk -v a="$(rss)" -v b="$base_rss" 'BEGIN { printf "%.1f", a - b }') MB growth)"
echo "target: upload and download at least 0.5 x cp; RSS growth under 64 MB"
exit 0
