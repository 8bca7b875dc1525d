#!/usr/bin/env bash
# Banter against the bare baseline server (docs: BENCHMARKS.md, "The baseline in every run"),
# measured back to back with the same client settings, RUNS times; prints each run's JSON record
# and the ratios Banter/baseline with their median.
#
# Usage: bench/compare.sh SCENARIO [OPTIONS...]
#   bench/compare.sh fanout --rooms 100 --members 50 --rate 2000 --seconds 30 --warmup 30
#   bench/compare.sh connect --connections 10000 --hold 20
# The arguments are a banter-bench command line; this script appends
#   --url http://127.0.0.1:PORT --server-pid PID           for Banter
#   --bare --url http://127.0.0.1:PORT --server-pid PID    for the baseline (`banter-bench baseline`)
# Needs the jars of `./banter build` (server/target/banter.jar, bench/target/banter-bench.jar).
#
# Environment (defaults in brackets):
#   RUNS [3]               Banter/baseline pairs to run
#   SERVER_CPUS [0]        CPUs the server is pinned to (taskset -c); empty: not pinned
#   CLIENT_CPUS [1]        CPUs the client is pinned to; empty: not pinned
#   BANTER_BENCH_PORT [18610], BASELINE_PORT [18600]
#   SERVER_JAVA_OPTS, CLIENT_JAVA_OPTS   extra JVM options (the same for both servers)
#   OUT_DIR [a new temp dir]             where every process's output is kept
#   JAVA [the JDK ./banter picks]        the java binary for servers and client
set -euo pipefail

usage() { sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; }
if [[ $# -eq 0 ]]; then
  usage >&2
  exit 64
elif [[ "$1" == "-h" || "$1" == "--help" ]]; then
  usage
  exit 0
fi

cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
SERVER_CPUS=${SERVER_CPUS-0}
CLIENT_CPUS=${CLIENT_CPUS-1}
BANTER_BENCH_PORT=${BANTER_BENCH_PORT:-18610}
BASELINE_PORT=${BASELINE_PORT:-18600}
read -r -a server_java_opts <<< "${SERVER_JAVA_OPTS:-}"
read -r -a client_java_opts <<< "${CLIENT_JAVA_OPTS:-}"
OUT_DIR=${OUT_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/banter-compare.XXXXXX")}
mkdir -p "$OUT_DIR"
RATIO_KEYS="deliveries_per_s p50_ms p99_ms server_cpu_pct_of_one_core rss_kib_per_connection live_heap_kib_per_connection"

SERVER_JAR=server/target/banter.jar
BENCH_JAR=bench/target/banter-bench.jar
for jar in "$SERVER_JAR" "$BENCH_JAR"; do
  [[ -f "$jar" ]] || { echo "compare.sh: $jar is missing: run ./banter build first" >&2; exit 1; }
done
JAVA=${JAVA:-"$(./banter java-home)/bin/java"}
[[ -x "$JAVA" ]] || { echo "compare.sh: no java at $JAVA" >&2; exit 1; }

# Many connections need many files: the soft limit up to the hard one.
hard=$(ulimit -Hn)
ulimit -n "$hard" 2>/dev/null || echo "compare.sh: could not raise ulimit -n to $hard (now $(ulimit -n))" >&2

if [[ -n "$SERVER_CPUS$CLIENT_CPUS" ]] && ! command -v taskset >/dev/null 2>&1; then
  echo "compare.sh: taskset not found (util-linux): server and client run unpinned" >&2
  SERVER_CPUS="" CLIENT_CPUS=""
fi

server_pid=""
client_pid=""
data_dir=""
cleanup() {
  local pid
  for pid in "$client_pid" "$server_pid"; do
    if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    fi
  done
  if [[ -n "$data_dir" ]]; then
    rm -rf -- "$data_dir"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

pinned() { # pinned CPUS COMMAND...: runs COMMAND on CPUS (or anywhere when CPUS is empty); exec keeps the pid
  local cpus=$1
  shift
  if [[ -n "$cpus" ]]; then
    exec taskset -c "$cpus" "$@"
  else
    exec "$@"
  fi
}

healthy() { # healthy URL: true when URL/health answers 2xx
  if command -v curl >/dev/null 2>&1; then
    curl -fsS -o /dev/null --max-time 2 "$1/health" 2>/dev/null
  else
    python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1] + "/health", timeout=2)' "$1" 2>/dev/null
  fi
}

# start_server banter|baseline PORT LOG: starts it pinned, sets server_pid, waits for /health.
start_server() {
  local kind=$1 port=$2 log=$3 url="http://127.0.0.1:$2" i
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "compare.sh: something already listens on port $port: stop it or pick another port" >&2
    exit 1
  fi
  if [[ "$kind" == banter ]]; then
    data_dir=$(mktemp -d "${TMPDIR:-/tmp}/banter-compare-data.XXXXXX")
    (pinned "$SERVER_CPUS" env BANTER_DATA_DIR="$data_dir" BANTER_HOST=127.0.0.1 BANTER_PORT="$port" \
      BANTER_AUTH_RATE=1000000 BANTER_HTTP_RATE=1000000 BANTER_MESSAGE_RATE=100000 BANTER_MESSAGE_BURST=100000 \
      BANTER_USER_RATE_SCALE=100000 BANTER_HTTP_CONNECTIONS_PER_IP=0 \
      BANTER_WS_PER_IP=0 BANTER_GUEST_ACCESS=true \
      "$JAVA" "${server_java_opts[@]}" -jar "$SERVER_JAR") >"$log" 2>&1 &
  else
    (pinned "$SERVER_CPUS" "$JAVA" "${server_java_opts[@]}" -jar "$BENCH_JAR" baseline --host 127.0.0.1 \
      --port "$port") >"$log" 2>&1 &
  fi
  server_pid=$!
  for ((i = 0; i < 600; i++)); do
    if healthy "$url"; then
      return 0
    fi
    if ! kill -0 "$server_pid" 2>/dev/null; then
      echo "compare.sh: $kind exited before answering /health; its output ($log):" >&2
      tail -n 20 "$log" >&2
      exit 1
    fi
    sleep 0.1
  done
  echo "compare.sh: $kind did not answer $url/health within 60 s" >&2
  exit 1
}

stop_server() { # SIGTERM, then SIGKILL if it is still there after 30 s
  local i
  kill -TERM "$server_pid" 2>/dev/null || true
  for ((i = 0; i < 300; i++)); do
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
  if [[ -n "$data_dir" ]]; then
    rm -rf -- "$data_dir"
    data_dir=""
  fi
}

# measure banter|baseline RUN: one server, one client run; the client's JSON line goes to $OUT_DIR/KIND-RUN.json
measure() {
  local kind=$1 run=$2 port out="$OUT_DIR/$1-$2"
  local extra=()
  if [[ "$kind" == banter ]]; then
    port=$BANTER_BENCH_PORT
  else
    port=$BASELINE_PORT
    extra=(--bare)
  fi
  start_server "$kind" "$port" "$out.server.log"
  echo "run $run/$RUNS: $kind (pid $server_pid, port $port, server CPUs ${SERVER_CPUS:-any}, client CPUs ${CLIENT_CPUS:-any})"
  local status=0
  # In the background, so that a signal to this script is handled (and both stopped) without waiting for it.
  (pinned "$CLIENT_CPUS" "$JAVA" "${client_java_opts[@]}" -jar "$BENCH_JAR" "${scenario[@]}" "${extra[@]}" \
    --url "http://127.0.0.1:$port" --server-pid "$server_pid") >"$out.client.out" 2>"$out.client.err" &
  client_pid=$!
  wait "$client_pid" || status=$?
  client_pid=""
  stop_server
  local json
  json=$(grep -m1 '^{' "$out.client.out" || true)
  if [[ $status -ne 0 || -z "$json" ]]; then
    echo "compare.sh: the client failed against $kind (exit $status); its output ($out.client.*):" >&2
    tail -n 20 "$out.client.out" "$out.client.err" >&2
    exit 1
  fi
  printf '%s\n' "$json" >"$out.json"
  echo "  $(grep -m1 -A1 '^{' "$out.client.out" | tail -n +2)"
}

ratios() { # ratios BANTER_JSON BASELINE_JSON: prints "key banter/baseline" for the numeric keys in both
  if ! command -v jq >/dev/null 2>&1 && ! command -v python3 >/dev/null 2>&1; then
    echo "compare.sh: neither jq nor python3: no ratios" >&2
  elif command -v jq >/dev/null 2>&1; then
    jq -rn --argjson a "$1" --argjson b "$2" --arg keys "$RATIO_KEYS" '
      ($keys | split(" "))[] as $k
      | select(($a[$k] | type) == "number" and ($b[$k] | type) == "number" and $b[$k] != 0)
      | "\($k) \($a[$k] / $b[$k])"'
  else
    # shellcheck disable=SC2086 # the keys are meant to split
    python3 - "$1" "$2" $RATIO_KEYS <<'PY'
import json, sys
a, b = json.loads(sys.argv[1]), json.loads(sys.argv[2])
num = lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)
for k in sys.argv[3:]:
    if num(a.get(k)) and num(b.get(k)) and b[k] != 0:
        print(k, a[k] / b[k])
PY
  fi
}

scenario=("$@")
echo "compare.sh: banter-bench ${scenario[*]} — $RUNS runs, $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) CPUs," \
  "$("$JAVA" -version 2>&1 | head -n 1), output in $OUT_DIR"
: >"$OUT_DIR/ratios.txt"
for ((run = 1; run <= RUNS; run++)); do
  measure banter "$run"
  measure baseline "$run"
  ratios "$(cat "$OUT_DIR/banter-$run.json")" "$(cat "$OUT_DIR/baseline-$run.json")" \
    | sed "s/^/$run /" >>"$OUT_DIR/ratios.txt"
done

echo
echo "== JSON records (banter-bench ${scenario[*]})"
for ((run = 1; run <= RUNS; run++)); do
  echo "run $run banter:   $(cat "$OUT_DIR/banter-$run.json")"
  echo "run $run baseline: $(cat "$OUT_DIR/baseline-$run.json")"
done
echo
echo "== Banter / baseline (per run, then the median)"
for key in $RATIO_KEYS; do
  awk -v k="$key" '$2 == k { v[n++] = $3 } END {
    if (n == 0) exit
    line = sprintf("%-30s", k)
    for (i = 0; i < n; i++) line = line sprintf(" %8.3f", v[i])
    for (i = 1; i < n; i++) for (j = i; j > 0 && v[j - 1] > v[j]; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
    m = n % 2 ? v[(n - 1) / 2] : (v[n / 2 - 1] + v[n / 2]) / 2
    print line sprintf("   median %.3f", m)
  }' "$OUT_DIR/ratios.txt"
done
