#!/usr/bin/env bash
# HTTP benchmark of zeroheap-netty against Netty's own allocators: builds zeroheap-netty-demo,
# then for each allocator starts its HttpServer pinned to CPU 1 (taskset -c 1, one event loop)
# and drives it with wrk pinned to CPU 0, one run per body size (/body/1k, /body/16k,
# /body/256k; the "pooled+setzero" row is the pooled allocator on /zeroed/..., which zeroes each
# body buffer before writing it). Per allocator it records requests/s and p50/p99 latency
# (wrk --latency), the server's CPU time per request (less disturbed than requests/s by other
# processes on the same cores), the server's RSS (VmRSS) before the load, the most seen during each run and
# after an idle spell, the allocator's memory from /admin/stats right after the load and after
# the idle spell, and the stale-bytes demonstration (StaleBytesProbe: POST a secret, GET /buggy,
# count the non-zero bytes past the 16 written). Prints one Markdown table.
#
# Options (each also an environment variable, e.g. DURATION=2 IDLE=5 scripts/http-bench.sh):
#   --duration S      seconds of wrk per body size (DURATION, 10)
#   --warmup S        seconds of unrecorded wrk on /body/16k first (WARMUP, 3)
#   --idle S          seconds idle after the load before the idle RSS (IDLE, 30)
#   --connections N   wrk connections, and the probe's (CONNECTIONS, 8)
#   --allocators "A B" of zeroheap pooled pooled+setzero adaptive unpooled (ALLOCATORS, all)
#   --sizes "1k 16k 256k"                                       (SIZES, all three)
#   --stale-rounds N  secret+buggy rounds per probe connection (STALE_ROUNDS, 100)
#   --repeat N        rounds over every allocator, in a rotating order; the table shows medians
#                     (REPEAT, 1); memory and the probe are measured in the last round
#   --port N          the server's port (PORT, 18080)
#   --no-build        use the last build
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-10}
WARMUP=${WARMUP:-3}
IDLE=${IDLE:-30}
CONNECTIONS=${CONNECTIONS:-8}
ALLOCATORS=${ALLOCATORS:-"zeroheap pooled pooled+setzero adaptive unpooled"}
SIZES=${SIZES:-"1k 16k 256k"}
STALE_ROUNDS=${STALE_ROUNDS:-100}
REPEAT=${REPEAT:-1}
PORT=${PORT:-18080}
BUILD=1
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) DURATION=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --idle) IDLE=$2; shift 2 ;;
    --connections) CONNECTIONS=$2; shift 2 ;;
    --allocators) ALLOCATORS=$2; shift 2 ;;
    --sizes) SIZES=$2; shift 2 ;;
    --stale-rounds) STALE_ROUNDS=$2; shift 2 ;;
    --repeat) REPEAT=$2; shift 2 ;;
    --port) PORT=$2; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "http-bench: unknown option $1 (--help lists them)" >&2; exit 2 ;;
  esac
done

source scripts/env.sh
if ! command -v wrk >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "http-bench: installing wrk (apt-get install -y wrk)" >&2
    apt-get install -y -qq wrk >/dev/null
  else
    echo "http-bench: needs wrk; install it, e.g. sudo apt-get install wrk" >&2
    exit 1
  fi
fi
if [ "$(nproc)" -lt 2 ]; then
  echo "http-bench: needs 2 CPUs (server on CPU 1, wrk on CPU 0); this machine has $(nproc)" >&2
  exit 1
fi

if [ "$BUILD" = 1 ]; then
  echo "http-bench: building zeroheap-netty-demo" >&2
  "$MVN" -q -B -ntp -pl zeroheap-netty-demo -am package -DskipTests -Dmaven.javadoc.skip=true -Dmaven.source.skip=true
fi
CP="zeroheap-netty-demo/target/classes:$(ls zeroheap-netty-demo/target/lib/*.jar | tr '\n' ':')"
JAVA_OPTS=(--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -Xmx512m -XX:MaxDirectMemorySize=1g)
BASE="http://127.0.0.1:$PORT"
HZ=$(getconf CLK_TCK)
work=$(mktemp -d)
server=
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; } # utime + stime of every thread
rss_kib() { sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$1/status"; }
mib() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }
bytes_mib() { awk -v b="$1" 'BEGIN { if (b < 0) print "?"; else printf "%.1f", b / 1048576 }'; }
stat_field() { tr ' ' '\n' <<<"$1" | sed -n "s/^$2=//p"; }
# wrk's latency ("215.00us", "1.20ms", "2.00s") in microseconds.
to_us() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) u = n; else if (v ~ /ms$/) u = n * 1000;
                                  else if (v ~ /m$/) u = n * 60e6; else u = n * 1e6; printf "%.0f", u }'; }

start_server() { # $1: the allocator's implementation; sets server and transport
  taskset -c 1 "$JAVA_HOME/bin/java" "${JAVA_OPTS[@]}" -cp "$CP" io.zeroheap.netty.http.HttpServer \
    --allocator "$1" --port "$PORT" --event-loops 1 >"$work/server.log" 2>&1 &
  server=$!
  for _ in $(seq 100); do
    curl -sf "$BASE/admin/stats" >/dev/null 2>&1 && break
    kill -0 "$server" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
    sleep 0.2
  done
  transport=$(sed -n 's/.*transport=\([a-z]*\).*/\1/p' "$work/server.log")
}

stop_server() {
  kill "$server"; wait "$server" 2>/dev/null || true; server=
}

# One wrk run; appends "rps p50_us p99_us rss_max_kib cpu_us_per_request" to
# $work/cells/<allocator>_<size>.
measure() { # $1 allocator, $2 path prefix, $3 size
  echo 0 >"$work/rss_max"
  # The sampler renames a whole file into place, so a kill mid-write never leaves it empty.
  ( max=0; while kill -0 "$server" 2>/dev/null; do
      r=$(rss_kib "$server")
      if [ "${r:-0}" -gt "$max" ]; then max=$r; echo "$max" >"$work/rss_max.new"; mv -f "$work/rss_max.new" "$work/rss_max"; fi
      sleep 0.5
    done ) &
  local sampler=$! ticks
  ticks=$(cpu_ticks "$server")
  taskset -c 0 wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency "$BASE$2$3" >"$work/wrk.txt"
  ticks=$(( $(cpu_ticks "$server") - ticks ))
  kill "$sampler" 2>/dev/null || true; wait "$sampler" 2>/dev/null || true
  local errors
  errors=$(awk '/Socket errors|Non-2xx/ { sub(/^ */, ""); printf "%s; ", $0 }' "$work/wrk.txt")
  [ -n "$errors" ] && echo "http-bench: $1 $3: $errors" >&2
  echo "$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$work/wrk.txt")" \
    "$(to_us "$(awk '$1 == "50%" { print $2 }' "$work/wrk.txt")")" \
    "$(to_us "$(awk '$1 == "99%" { print $2 }' "$work/wrk.txt")")" \
    "$(cat "$work/rss_max")" \
    "$(awk -v t="$ticks" -v hz="$HZ" '/ requests in / { printf "%.1f", t * 1e6 / hz / $1 }' "$work/wrk.txt")" \
    >>"$work/cells/${1}_$3"
}

# The median of column $2 of file $1 (the lower middle for an even count).
median() { awk -v c="$2" '{ print $c }' "$1" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
range() { awk -v c="$2" '{ print $c }' "$1" | sort -n | awk 'NR == 1 { lo = $1 } { hi = $1 } END { print lo "-" hi }'; }

mkdir -p "$work/cells"
read -r -a order <<<"$ALLOCATORS"
for allocator in "${order[@]}"; do
  case "$allocator" in
    zeroheap|pooled|pooled+setzero|adaptive|unpooled) ;;
    *) echo "http-bench: unknown allocator $allocator" >&2; exit 2 ;;
  esac
done
for round in $(seq "$REPEAT"); do
  for allocator in "${order[@]}"; do
    impl=${allocator%+setzero}; prefix=/body/
    [ "$impl" != "$allocator" ] && prefix=/zeroed/
    echo "http-bench: round $round/$REPEAT: $allocator: the server on CPU 1, wrk -t1 -c$CONNECTIONS -d${DURATION}s per size" >&2
    start_server "$impl"
    echo "$allocator ($transport)" >"$work/name_$allocator"
    [ "$round" = 1 ] && rss_kib "$server" >"$work/before_$allocator"
    taskset -c 0 wrk -t1 -c"$CONNECTIONS" -d"${WARMUP}s" "$BASE${prefix}16k" >/dev/null
    for size in $SIZES; do
      measure "$allocator" "$prefix" "$size"
    done
    if [ "$round" = "$REPEAT" ]; then
      curl -sf "$BASE/admin/stats" >"$work/after_$allocator"
      echo "http-bench: $allocator: idle for ${IDLE} s" >&2
      sleep "$IDLE"
      rss_kib "$server" >"$work/idle_rss_$allocator"
      curl -sf "$BASE/admin/stats" >"$work/idle_$allocator"
      taskset -c 0 "$JAVA_HOME/bin/java" -cp "$CP" io.zeroheap.netty.http.StaleBytesProbe "$BASE" "$STALE_ROUNDS" \
        "$CONNECTIONS" >"$work/probe_$allocator"
    fi
    stop_server
  done
  order=("${order[@]:1}" "${order[0]}") # rotate, so no allocator always runs first or last
done

echo
echo "HTTP bench $(date -u +%Y-%m-%d): server on CPU 1 (one event loop), wrk -t1 -c$CONNECTIONS -d${DURATION}s --latency on CPU 0," \
  "$REPEAT round(s), allocators in a rotating order; req/s, p50, p99 and the server's CPU time (user + system, all its threads)" \
  "per request: the median over the rounds (req/s range: lowest-highest);" \
  "RSS in MiB (before: started, before any request; during: the most seen in that size's run, median; idle: ${IDLE} s after the last" \
  "round's load); held: the allocator's direct memory (zeroheap: the heap's reserved bytes) in MiB right after the last round's load" \
  "and after the idle spell; stale: non-zero bytes past the 16 written in ${STALE_ROUNDS}x${CONNECTIONS} /buggy responses after a secret"
echo
echo "| allocator | size | req/s | req/s range | p50 µs | p99 µs | server CPU µs/req | RSS during | RSS before | RSS idle | held after | held idle | stale bytes / responses |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
for allocator in $ALLOCATORS; do
  name=$(cat "$work/name_$allocator")
  after=$(cat "$work/after_$allocator"); idle=$(cat "$work/idle_$allocator"); probe=$(cat "$work/probe_$allocator")
  for size in $SIZES; do
    cell="$work/cells/${allocator}_$size"
    printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$name" "$size" "$(median "$cell" 1)" \
      "$(range "$cell" 1)" "$(median "$cell" 2)" "$(median "$cell" 3)" "$(median "$cell" 5)" "$(mib "$(median "$cell" 4)")" \
      "$(mib "$(cat "$work/before_$allocator")")" "$(mib "$(cat "$work/idle_rss_$allocator")")" \
      "$(bytes_mib "$(stat_field "$after" held)")" "$(bytes_mib "$(stat_field "$idle" held)")" \
      "$(stat_field "$probe" stale_bytes) / $(stat_field "$probe" responses)"
    name=""
  done
done
