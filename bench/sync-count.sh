#!/usr/bin/env bash
# Counts the synchronous writes (fsync, fdatasync) and the renames and opens the ingester makes per upload:
# starts the server, attaches strace, sends N uploads of SIZE_KB at CONCURRENCY connections with curl, and
# divides. See docs/performance.md, "Synchronous writes".
#
#   bench/sync-count.sh                        # 100 uploads of 100 KB at 16 connections, one curl each
#   LOAD=wrk bench/sync-count.sh               # wrk for 5 s at 16 connections (curl's process start-ups
#                                              # keep fewer uploads in flight than connections)
#   UPLOADS=200 CONCURRENCY=32 bench/sync-count.sh
#
# Uploads are counted on the server's side (the lines its event log gained), so uploads still running when
# wrk stops are counted with their writes.
# Environment: LOAD (curl or wrk), UPLOADS (100, curl), DURATION (5s, wrk), SIZE_KB (100), CONCURRENCY (16),
# BENCH_JAR (this checkout's server jar), BENCH_DIR (/tmp/artstore-sync-count).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
JAR="${BENCH_JAR:-$ROOT/ingester-server/target/artstore-ingester.jar}"
LOAD="${LOAD:-curl}"
UPLOADS="${UPLOADS:-100}"
DURATION="${DURATION:-5s}"
SIZE_KB="${SIZE_KB:-100}"
CONCURRENCY="${CONCURRENCY:-16}"
WORK="${BENCH_DIR:-/tmp/artstore-sync-count}"

command -v strace >/dev/null || { echo "strace is needed: apt-get install -y strace" >&2; exit 2; }
[ -f "$JAR" ] || (cd "$ROOT" && ./mvnw -q -B -DskipTests package)

rm -rf "$WORK"; mkdir -p "$WORK/data"
PORT=$((21000 + RANDOM % 1000))
STRACE_PID=""
cleanup() {
    [ -z "$STRACE_PID" ] || kill "$STRACE_PID" 2>/dev/null || true
    [ -z "${SERVER_PID:-}" ] || { kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; }
    rm -rf "$WORK/data" "$WORK"/body*.bin
}
trap cleanup EXIT

INGESTER_PORT="$PORT" INGESTER_DATA_DIR="$WORK/data" java -jar "$JAR" > "$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 240); do
    curl -s -o /dev/null "http://127.0.0.1:$PORT/health/live" && break
    sleep 0.5
done
curl -s -o /dev/null "http://127.0.0.1:$PORT/health/live" || { echo "the server did not start" >&2; cat "$WORK/server.log" >&2; exit 1; }

head -c $((SIZE_KB * 1024)) /dev/urandom > "$WORK/body.bin"
upload() { curl -s -o /dev/null -w '%{http_code}\n' -F target_mode=edit -F "file=@$WORK/body.bin" \
    "http://127.0.0.1:$PORT/api/v1/files/upload"; }
export -f upload; export WORK PORT
# A few uploads first, so that class loading and first-time folders are not counted.
seq 1 4 | xargs -P 4 -I{} bash -c upload > /dev/null

EVENTS="$WORK/data/events/events.jsonl"
events_before="$(wc -l < "$EVENTS")"
strace -f -y --seccomp-bpf -p "$SERVER_PID" -e trace=fsync,fdatasync,rename,renameat,renameat2,openat -o "$WORK/trace.txt" 2> "$WORK/strace.err" &
STRACE_PID=$!
sleep 1
if [ "$LOAD" = wrk ]; then
    boundary="----artstore-sync-count"
    {
        printf -- '--%s\r\nContent-Disposition: form-data; name="target_mode"\r\n\r\nedit\r\n' "$boundary"
        printf -- '--%s\r\nContent-Disposition: form-data; name="file"; filename="b.bin"\r\n' "$boundary"
        printf 'Content-Type: application/octet-stream\r\n\r\n'
        cat "$WORK/body.bin"
        printf '\r\n--%s--\r\n' "$boundary"
    } > "$WORK/body-multipart.bin"
    BENCH_MODE=multipart BENCH_BODY="$WORK/body-multipart.bin" BENCH_BOUNDARY="$boundary" \
        wrk -t2 -c"$CONCURRENCY" -d"$DURATION" --timeout 60s -s "$ROOT/bench/upload.lua" \
        "http://127.0.0.1:$PORT/api/v1/files/upload" > "$WORK/wrk.txt" 2>&1
    grep '^BENCH' "$WORK/wrk.txt"
    sed -n 's/.* non201=\([0-9]*\).*/\1/p' "$WORK/wrk.txt" | grep -qx 0 || { echo "wrk saw answers other than 201" >&2; exit 1; }
else
    seq 1 "$UPLOADS" | xargs -P "$CONCURRENCY" -I{} bash -c upload > "$WORK/codes.txt"
    [ "$(grep -c '^201$' "$WORK/codes.txt" || true)" = "$UPLOADS" ] || { echo "not every upload answered 201" >&2; exit 1; }
fi
sleep 2
kill "$STRACE_PID"; wait "$STRACE_PID" 2>/dev/null || true; STRACE_PID=""
UPLOADS=$(( $(wc -l < "$EVENTS") - events_before ))

count() { grep -cE "$1" "$WORK/trace.txt" || true; }
fsyncs="$(count ' fsync\(')"; fdatasyncs="$(count ' fdatasync\(')"
renames="$(count ' rename(at2?)?\(')"; opens="$(count ' openat\(')"
per() { awk "BEGIN { printf \"%.2f\", $1 / $UPLOADS }"; }
echo "uploads stored while traced: $UPLOADS of $SIZE_KB KB at $CONCURRENCY connections ($LOAD)"
printf '%-28s %8s %12s\n' call total per-upload
printf '%-28s %8s %12s\n' fsync "$fsyncs" "$(per "$fsyncs")"
printf '%-28s %8s %12s\n' fdatasync "$fdatasyncs" "$(per "$fdatasyncs")"
printf '%-28s %8s %12s\n' "fsync + fdatasync" "$((fsyncs + fdatasyncs))" "$(per "$((fsyncs + fdatasyncs))")"
printf '%-28s %8s %12s\n' rename "$renames" "$(per "$renames")"
printf '%-28s %8s %12s\n' openat "$opens" "$(per "$opens")"
echo "trace: $WORK/trace.txt"
