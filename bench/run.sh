#!/usr/bin/env bash
# Upload benchmark: the ingester against nginx's WebDAV PUT and dd on the same machine, in one run.
# See docs/performance.md. Not part of the build or of CI: run it by hand.
#
#   bench/run.sh                 # full run (1 GiB file, 15 s per load test, the 10 GiB heap scenario)
#   bench/run.sh --quick         # smoke test (64 MiB, 5 s, 1,000 small files; no heap scenario)
#   bench/run.sh --only large    # one scenario: large | small | many | codec | transfer | heap | remote | tus
#
# Environment: BENCH_DIR (/tmp/artstore-bench), BENCH_LARGE_MB (1024), BENCH_DURATION (15s),
# BENCH_CONNECTIONS (64), BENCH_CONNECTIONS_HIGH (256), BENCH_ROUNDS (3), BENCH_JAR (the server jar of this
# checkout; another build's jar measures that build against the same baselines), BENCH_MANY_FILES (10000),
# BENCH_MANY_CONNECTIONS (64), BENCH_TEXT_MB (256), BENCH_GZIP_LEVEL (1), BENCH_BROTLI_QUALITY (1),
# BENCH_TRANSFER_MB (1024), BENCH_HEAP_GB (10), BENCH_HEAP_XMX (128m), BENCH_REMOTE_CONNECTIONS (16),
# BENCH_REMOTE_SEQ (50), BENCH_TUS_CHUNK_MB (16), BENCH_WARMUP (60s; 5s with --quick; 0 for none).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
JAR="${BENCH_JAR:-$ROOT/ingester-server/target/artstore-ingester.jar}"

ONLY=""
QUICK=0
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) QUICK=1 ;;
        --only) ONLY="${2:?--only needs a scenario: large, small, many, codec, transfer, heap, remote or tus}"; shift ;;
        -h|--help) sed -n 2,14p "$0"; exit 0 ;;
        *) echo "unknown argument: $1 (use --quick, --only large|small|many|codec|transfer|heap|remote|tus)" >&2; exit 2 ;;
    esac
    shift
done
case "$ONLY" in
    ""|large|small|many|codec|transfer|heap|remote|tus) ;;
    *) echo "unknown scenario: $ONLY (large, small, many, codec, transfer, heap, remote or tus)" >&2; exit 2 ;;
esac

if [ "$QUICK" = 1 ]; then
    LARGE_MB="${BENCH_LARGE_MB:-64}"; DURATION="${BENCH_DURATION:-5s}"; MANY_FILES="${BENCH_MANY_FILES:-1000}"
    TEXT_MB="${BENCH_TEXT_MB:-64}"; TRANSFER_MB="${BENCH_TRANSFER_MB:-64}"; HEAP_GB="${BENCH_HEAP_GB:-1}"
    WARMUP="${BENCH_WARMUP:-5s}"
else
    LARGE_MB="${BENCH_LARGE_MB:-1024}"; DURATION="${BENCH_DURATION:-15s}"; MANY_FILES="${BENCH_MANY_FILES:-10000}"
    TEXT_MB="${BENCH_TEXT_MB:-256}"; TRANSFER_MB="${BENCH_TRANSFER_MB:-1024}"; HEAP_GB="${BENCH_HEAP_GB:-10}"
    WARMUP="${BENCH_WARMUP:-60s}"
fi
CONNECTIONS="${BENCH_CONNECTIONS:-64}"
CONNECTIONS_HIGH="${BENCH_CONNECTIONS_HIGH:-256}"
MANY_CONNECTIONS="${BENCH_MANY_CONNECTIONS:-64}"
GZIP_LEVEL="${BENCH_GZIP_LEVEL:-1}"
BROTLI_QUALITY="${BENCH_BROTLI_QUALITY:-1}"
HEAP_XMX="${BENCH_HEAP_XMX:-128m}"
ROUNDS="${BENCH_ROUNDS:-3}"
REMOTE_CONNECTIONS="${BENCH_REMOTE_CONNECTIONS:-16}"
REMOTE_SEQ="${BENCH_REMOTE_SEQ:-50}"
TUS_CHUNK_MB="${BENCH_TUS_CHUNK_MB:-16}"
SE_TOKEN="fixture-token"
WORK="${BENCH_DIR:-/tmp/artstore-bench}"
RESULTS="$WORK/results.txt"

PIDS=()
SUMMARY=()     # lines of the final table
FAILURES=()    # every non-201 answer, printed loudly at the end

log() { printf '[bench %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
# Written inputs are flushed before anything is timed: the kernel would otherwise write them back (after 30 s) during
# the timed uploads, on the same disk.
settle() { sync; }
row() { SUMMARY+=("$(printf '%-44s %s' "$1" "$2")"); }
fail() { FAILURES+=("$*"); log "NOT 201: $*"; }
now() { date +%s.%N; }
calc() { awk "BEGIN { printf \"%.2f\", $1 }"; }

cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${PIDS[@]}"; do
        # at most 10 s per process, then force it
        for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null || true
    done
    # the big files go; logs and results.txt stay
    rm -rf "$WORK/ingester-data" "$WORK/nginx/www" "$WORK/dd" "$WORK/large.bin" "$WORK"/body-*.bin \
        "$WORK/remote-ingester-data" "$WORK/se-edit" "$WORK/se-rw" "$WORK/small-10k.bin" "$WORK/text.txt" \
        "$WORK/transfer.bin" "$WORK/cp" "$WORK/heap.bin" "$WORK/heap-ingester-data" "$WORK/tus.bin"
}
trap cleanup EXIT

install_tools() {
    local missing=()
    command -v nginx >/dev/null 2>&1 || missing+=(nginx)
    command -v wrk >/dev/null 2>&1 || missing+=(wrk)
    command -v curl >/dev/null 2>&1 || missing+=(curl)
    command -v ss >/dev/null 2>&1 || missing+=(iproute2)
    if [ -z "$ONLY" ] || [ "$ONLY" = tus ]; then
        command -v node >/dev/null 2>&1 || missing+=(nodejs)
        command -v npm >/dev/null 2>&1 || missing+=(npm)
    fi
    if [ ${#missing[@]} -gt 0 ]; then
        log "installing ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -q >/dev/null
        apt-get install -y -q "${missing[@]}" >/dev/null
    fi
}

# A TCP port nobody listens on, among 20000-20999.
free_port() {
    local port
    for _ in $(seq 1 200); do
        port=$((20000 + RANDOM % 1000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"; return 0
        fi
    done
    echo "no free port found" >&2; return 1
}

wait_http() {  # url, name
    for _ in $(seq 1 120); do
        curl -s -o /dev/null "$1" && return 0
        sleep 0.5
    done
    log "$2 did not answer at $1 within 60 s"; return 1
}

ensure_jar() {
    if [ ! -f "$JAR" ]; then
        [ -z "${BENCH_JAR:-}" ] || { log "BENCH_JAR names no file: $JAR"; return 1; }
        log "building $JAR"
        (cd "$ROOT" && ./mvnw -q -B -DskipTests package)
    fi
}

# An ingester with embedded defaults (local edit and rw elements) and its own data folder.
launch_ingester() {  # name, data folder, java options...; leaves LAUNCHED_PORT and LAUNCHED_PID
    local name="$1" data="$2"
    shift 2
    ensure_jar
    LAUNCHED_PORT="$(free_port)"
    mkdir -p "$data"
    log "starting the $name on 127.0.0.1:$LAUNCHED_PORT${*:+ with $*}"
    (cd "$WORK" && exec env INGESTER_PORT="$LAUNCHED_PORT" INGESTER_DATA_DIR="$data" \
        INGESTER_COMPRESSION_GZIP_LEVEL="$GZIP_LEVEL" INGESTER_COMPRESSION_BROTLI_QUALITY="$BROTLI_QUALITY" \
        java "$@" -jar "$JAR" > "$WORK/$name.log" 2>&1) &
    LAUNCHED_PID=$!
    PIDS+=("$LAUNCHED_PID")
    wait_http "http://127.0.0.1:$LAUNCHED_PORT/health/live" "$name"
}

start_ingester() {
    launch_ingester ingester "$WORK/ingester-data"
    INGESTER_PORT="$LAUNCHED_PORT"; INGESTER_PID="$LAUNCHED_PID"
    BASE_URL="http://127.0.0.1:$INGESTER_PORT"
    UPLOAD_URL="$BASE_URL/api/v1/files/upload"
}

stop_pid() {  # pid: stops one process this script started, waiting at most 10 s
    kill "$1" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
    kill -9 "$1" 2>/dev/null || true
}

start_nginx() {
    NGINX_PORT="$(free_port)"
    local d="$WORK/nginx"
    mkdir -p "$d/www/up" "$d/tmp" "$d/logs"
    # Workers run as www-data unless told otherwise, and cannot write root's folders: every PUT is a 500.
    cat > "$d/nginx.conf" <<EOF
user root;
worker_processes 2;
daemon off;
pid $d/nginx.pid;
error_log $d/logs/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    client_max_body_size 0;
    client_body_temp_path $d/tmp;
    proxy_temp_path $d/tmp;
    fastcgi_temp_path $d/tmp;
    uwsgi_temp_path $d/tmp;
    scgi_temp_path $d/tmp;
    server {
        listen 127.0.0.1:$NGINX_PORT;
        root $d/www;
        location /up/ { dav_methods PUT; create_full_put_path on; }
    }
}
EOF
    log "starting nginx on 127.0.0.1:$NGINX_PORT"
    nginx -c "$d/nginx.conf" -p "$d" > "$d/logs/stdout.log" 2>&1 &
    NGINX_PID=$!
    PIDS+=("$NGINX_PID")
    wait_http "http://127.0.0.1:$NGINX_PORT/" nginx
}

# nginx finishes a PUT (creates its folders, renames the body into place) after wrk has stopped waiting for it:
# a folder removed meanwhile gains entries again ("Directory not empty"). So wait until nginx holds no client
# connection, then remove, retrying for a while; a folder still there is left for the end (cleanup).
nginx_quiet() {  # waits at most 30 s for nginx to close its last client connection
    local i
    for i in $(seq 1 300); do
        [ -z "$(ss -Htn state connected exclude time-wait "( sport = :$NGINX_PORT )")" ] && return 0
        sleep 0.1
    done
    log "nginx still had client connections 30 s after the load ended"
    return 1
}

remove_put_folder() {  # folder under nginx's www
    nginx_quiet || true
    local i
    for i in $(seq 1 50); do
        rm -rf "$1" 2>/dev/null && return 0
        sleep 0.2
    done
    log "could not remove $1 yet; it goes when the run ends"
}

# ---- scenario "large": one large file, three ways, alternating ----
scenario_large() {
    local f="$WORK/large.bin" bytes i out code secs t0 t1
    local up_sum=0 put_sum=0 dd_sum=0
    bytes=$((LARGE_MB * 1024 * 1024))
    log "writing a random file of $LARGE_MB MiB"
    head -c "$bytes" /dev/urandom > "$f"
    settle
    mkdir -p "$WORK/dd"
    warm_up_rounds large-upload upload_untimed "$f"
    for i in $(seq 1 "$ROUNDS"); do
        out="$(curl -s -o "$WORK/upload-$i.json" -w '%{http_code} %{time_total}' \
            -F target_mode=edit -F "file=@$f" "$UPLOAD_URL")"
        code="${out% *}"; secs="${out#* }"
        [ "$code" = 201 ] || fail "large round $i: ingester upload answered $code: $(head -c 300 "$WORK/upload-$i.json")"
        up_sum="$(calc "$up_sum + $bytes / $secs / 1e6")"
        log "round $i ingester upload: $code in $secs s = $(calc "$bytes / $secs / 1e6") MB/s"

        out="$(curl -s -o /dev/null -w '%{http_code} %{time_total}' -T "$f" \
            "http://127.0.0.1:$NGINX_PORT/up/large-$i.bin")"
        code="${out% *}"; secs="${out#* }"
        [ "$code" = 201 ] || fail "large round $i: nginx PUT answered $code"
        put_sum="$(calc "$put_sum + $bytes / $secs / 1e6")"
        log "round $i nginx PUT: $code in $secs s = $(calc "$bytes / $secs / 1e6") MB/s"
        rm -f "$WORK/nginx/www/up/large-$i.bin"

        t0="$(now)"
        dd if="$f" of="$WORK/dd/large-$i.bin" bs=1M conv=fsync status=none
        t1="$(now)"
        secs="$(calc "$t1 - $t0")"
        dd_sum="$(calc "$dd_sum + $bytes / ($t1 - $t0) / 1e6")"
        log "round $i dd conv=fsync: $secs s = $(calc "$bytes / ($t1 - $t0) / 1e6") MB/s"
        rm -f "$WORK/dd/large-$i.bin"
    done
    local up put ddr
    up="$(calc "$up_sum / $ROUNDS")"; put="$(calc "$put_sum / $ROUNDS")"; ddr="$(calc "$dd_sum / $ROUNDS")"
    row "large ($LARGE_MB MiB, mean of $ROUNDS) ingester" "$up MB/s"
    row "large nginx PUT" "$put MB/s"
    row "large dd bs=1M conv=fsync" "$ddr MB/s"
    row "large ratio ingester/dd" "$(calc "$up / $ddr")"
    row "large ratio ingester/nginx" "$(calc "$up / $put")"
}

# ---- scenario "tus": one large file through tus in 16 MiB PATCHes against the same file as one multipart upload ----
# Two tus clients, each timed from its first request to the final PATCH's answer, which the server sends once the
# file is stored (the add saga has run):
# - curl, the client of the multipart upload it is compared with: one process creates the upload, one more sends
#   every PATCH over one connection (`--next`), each from its slice of the file (split beforehand, not timed);
# - tus-js-client in Node (scripts/tus-node.sh), the client browsers and Node applications use. On two cores its own
#   CPU (about 3 s per GiB, against under 1 s for curl) competes with the server's.
# The target (>= 0.8 x multipart) is read on the curl row: same client, same file, only the protocol differs.
# tus_with_curl prints what went wrong and fails, or leaves the stored file's id in TUS_FILE_ID.
tus_with_curl() {
    local f="$1" bytes="$2" chunk="$3" parts="$4" headers location id offset=0 args=() codes bad
    headers="$(curl -s -D - -o /dev/null -X POST -H 'Tus-Resumable: 1.0.0' -H "Upload-Length: $bytes" \
        -H "Upload-Metadata: filename $(printf tus.bin | base64),target_mode $(printf edit | base64)" \
        "$BASE_URL/api/v1/uploads" | tr -d '\r')"
    location="$(sed -n 's/^[Ll]ocation: *//p' <<< "$headers")"
    [ -n "$location" ] || { echo "creation answered without Location: $(head -c 300 <<< "$headers")"; return 1; }
    id="${location##*/}"
    for part in "$parts"/part-*; do
        [ "${#args[@]}" = 0 ] || args+=(--next)
        args+=(-s -o /dev/null -w '%{http_code}\n' -X PATCH -H 'Tus-Resumable: 1.0.0' -H 'Expect:'
            -H 'Content-Type: application/offset+octet-stream' -H "Upload-Offset: $offset" -T "$part"
            "$BASE_URL/api/v1/uploads/$id")
        offset=$((offset + chunk)) # every part but the last is one chunk long; no process per part inside the timing
    done
    codes="$(curl "${args[@]}")"
    bad="$(grep -cv '^204$' <<< "$codes" || true)"
    [ "$bad" = 0 ] || { echo "PATCH answers: $(sort <<< "$codes" | uniq -c | tr '\n' ' ')"; return 1; }
    TUS_FILE_ID="$(curl -s "$BASE_URL/api/v1/uploads/$id" | sed -n 's/.*"file_id" *: *"\([^"]*\)".*/\1/p')"
    [ -n "$TUS_FILE_ID" ] || { echo "upload $id has no file after its last PATCH"; return 1; }
}

tus_round_untimed() {  # file, bytes, chunk, parts: the multipart upload and the curl tus upload of a round, deleted again
    upload_untimed "$1" || return 1
    # not in a subshell: TUS_FILE_ID must reach this shell
    tus_with_curl "$@" > "$WORK/warm-up-tus.txt" || { log "warm-up tus upload: $(head -c 300 "$WORK/warm-up-tus.txt")"; return 1; }
    delete_stored "$TUS_FILE_ID"
}

scenario_tus() {
    local f="$WORK/tus.bin" parts="$WORK/tus-parts" bytes i out code secs json state tus_rate up_sum=0 tus_sum=0
    local curl_sum=0 t0 err
    bytes=$((LARGE_MB * 1024 * 1024))
    "$ROOT/scripts/tus-node.sh" install
    log "writing a random file of $LARGE_MB MiB"
    head -c "$bytes" /dev/urandom > "$f"
    rm -rf "$parts"; mkdir -p "$parts"
    split -b "$((TUS_CHUNK_MB * 1024 * 1024))" -d -a 5 "$f" "$parts/part-"
    settle
    warm_up_rounds tus-upload tus_round_untimed "$f" "$bytes" "$((TUS_CHUNK_MB * 1024 * 1024))" "$parts"
    for i in $(seq 1 "$ROUNDS"); do
        out="$(curl -s -o "$WORK/tus-multipart-$i.json" -w '%{http_code} %{time_total}' \
            -F target_mode=edit -F "file=@$f" "$UPLOAD_URL")"
        code="${out% *}"; secs="${out#* }"
        [ "$code" = 201 ] || fail "tus round $i: multipart upload answered $code: $(head -c 300 "$WORK/tus-multipart-$i.json")"
        up_sum="$(calc "$up_sum + $bytes / $secs / 1e6")"
        log "round $i multipart upload: $code in $secs s = $(calc "$bytes / $secs / 1e6") MB/s"

        t0="$(now)"
        if err="$(tus_with_curl "$f" "$bytes" "$((TUS_CHUNK_MB * 1024 * 1024))" "$parts")"; then
            secs="$(calc "$(now) - $t0")"
            curl_sum="$(calc "$curl_sum + $bytes / $secs / 1e6")"
            log "round $i tus upload with curl (${TUS_CHUNK_MB} MiB PATCHes): $secs s = $(calc "$bytes / $secs / 1e6") MB/s"
        else
            fail "tus round $i: the curl tus upload failed: $err"
        fi

        json="$("$ROOT/scripts/tus-node.sh" upload --endpoint "$BASE_URL/api/v1/uploads" --file "$f" \
            --chunk-size $((TUS_CHUNK_MB * 1024 * 1024)) --retry-delays 0 \
            --metadata filename=tus.bin --metadata target_mode=edit 2>"$WORK/tus-node-$i.err")" || true
        echo "$json" > "$WORK/tus-$i.json"
        state="$(sed -n 's/.*"state":"\([a-z]*\)".*/\1/p' <<< "$json")"
        tus_rate="$(sed -n 's/.*"mb_per_s":\([0-9.]*\).*/\1/p' <<< "$json")"
        if [ "$state" != finished ] || [ -z "$tus_rate" ]; then
            fail "tus round $i: tus-js-client did not finish: $(head -c 300 <<< "$json") $(head -c 300 "$WORK/tus-node-$i.err")"
            tus_rate=0
        fi
        tus_sum="$(calc "$tus_sum + $tus_rate")"
        log "round $i tus upload (${TUS_CHUNK_MB} MiB PATCHes): $state = $(calc "$tus_rate") MB/s, the last PATCH" \
            "(its bytes, then storing the file) $(sed -n 's/.*"final_request_seconds":\([0-9.]*\).*/\1/p' <<< "$json") s"
    done
    rm -rf "$parts"
    local up tus tc
    up="$(calc "$up_sum / $ROUNDS")"; tus="$(calc "$tus_sum / $ROUNDS")"; tc="$(calc "$curl_sum / $ROUNDS")"
    row "tus with curl ($LARGE_MB MiB, ${TUS_CHUNK_MB} MiB PATCHes, mean of $ROUNDS)" "$tc MB/s"
    row "tus with tus-js-client (the same)" "$tus MB/s"
    row "tus multipart upload of the same file" "$up MB/s"
    row "tus ratio curl tus/multipart (target >= 0.8)" "$(calc "$tc / $up")"
    row "tus ratio tus-js-client/multipart" "$(calc "$tus / $up")"
    # What the disk alone allows both write patterns, without HTTP (bench/WritePatternRate.java).
    local patterns line disk_mp disk_tus disk_ratio
    patterns="$(java "$ROOT/bench/WritePatternRate.java" "$WORK" "$LARGE_MB" 5 "$TUS_CHUNK_MB")"
    while IFS= read -r line; do log "write patterns $line"; done <<< "$patterns"
    read -r disk_mp disk_tus disk_ratio <<< "$(sed -n 's/^WRITE_PATTERN multipart \([0-9.]*\) tus \([0-9.]*\) ratio \([0-9.]*\)$/\1 \2 \3/p' <<< "$patterns")"
    [ -n "$disk_ratio" ] || { fail "tus: bench/WritePatternRate.java printed no medians"; disk_mp=1; disk_tus=1; disk_ratio=0; }
    row "tus disk alone, medians of 5 (WritePatternRate)" "multipart pattern $disk_mp MB/s, tus pattern $disk_tus MB/s, ratio $disk_ratio"
    row "tus server over its disk pattern" "multipart $(calc "$up / $disk_mp"), tus with curl $(calc "$tc / $disk_tus")"
}

# ---- scenario "small": 1 MiB files at many connections, wrk ----
# A random file of the given size and the multipart body of its upload (target_mode=edit, then the file).
make_body() {  # bytes, raw file, multipart file
    BOUNDARY="----artstore-bench-7f3a9c"
    head -c "$1" /dev/urandom > "$2"
    {
        printf -- '--%s\r\n' "$BOUNDARY"
        printf 'Content-Disposition: form-data; name="target_mode"\r\n\r\nedit\r\n'
        printf -- '--%s\r\n' "$BOUNDARY"
        printf 'Content-Disposition: form-data; name="file"; filename="bench.bin"\r\n'
        printf 'Content-Type: application/octet-stream\r\n\r\n'
        cat "$2"
        printf '\r\n--%s--\r\n' "$BOUNDARY"
    } > "$3"
}

make_bodies() {
    make_body $((1024 * 1024)) "$WORK/body-raw.bin" "$WORK/body-multipart.bin"
}

# Runs wrk, leaves its "BENCH key=value ..." line in WRK_LINE. With a count, each of the 2 threads stops after
# half of it instead of after BENCH_DURATION, and wrk (which would sleep out its duration) is sent SIGINT
# within 0.1 s of the last thread's stop; it then prints its figures as at the end of a duration.
run_wrk() {  # name, url, mode, body file[, connections[, bearer token[, count]]]
    local out="$WORK/wrk-${1// /-}.txt" duration="$DURATION" limit="" done_dir="$WORK/wrk-done" wpid
    if [ -n "${7:-}" ]; then duration=3600s; limit=$(( ($7 + 1) / 2 )); fi
    rm -rf "$done_dir"; mkdir -p "$done_dir"
    BENCH_MODE="$3" BENCH_BODY="$4" BENCH_BOUNDARY="$BOUNDARY" BENCH_TOKEN="${6:-}" BENCH_LIMIT="$limit" BENCH_PUT_SLOTS="$PUT_SLOTS" \
        BENCH_DONE_DIR="$done_dir" wrk -t2 -c"${5:-$CONNECTIONS}" -d"$duration" --timeout 60s --latency \
        -s "$ROOT/bench/upload.lua" "$2" > "$out" 2>&1 &
    wpid=$!
    PIDS+=("$wpid")
    if [ -n "$limit" ]; then
        while kill -0 "$wpid" 2>/dev/null; do
            if [ "$(find "$done_dir" -name 'thread-*' | wc -l)" -ge 2 ]; then kill -INT "$wpid"; break; fi
            sleep 0.1
        done
    fi
    wait "$wpid" || { log "wrk failed:"; cat "$out" >&2; return 1; }
    WRK_LINE="$(grep '^BENCH requests=' "$out" | tail -1)"
    log "$1: $WRK_LINE"
    # wrk counts only the answers that came within the run: none means the figures say nothing
    [ "$(field requests)" != 0 ] || fail "wrk $1: no request was answered within the run ($WRK_LINE)"
    local k
    for k in connect_err read_err write_err timeouts; do
        [ "$(field "$k")" = 0 ] || fail "wrk $1 had $(field "$k") socket $k ($WRK_LINE)"
    done
}
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<< " $WRK_LINE"; }

# A JVM compiles its hot code while it serves: on two cores shared with the load generator, the JIT still takes a
# fifth of the CPU 30 s after the first request. Every server a load test measures (the ingester, nginx, the SE) is
# therefore sent the same load once, untimed, before its first timed run; WARMED lists those already warmed.
WARMED=" "
PUT_SLOTS=""
warm_up() {  # key, url, mode, body file, connections[, bearer token]
    case "$WARMED" in *" $1 "*) return 0 ;; esac
    WARMED="$WARMED$1 "
    [ "$WARMUP" = 0 ] && return 0
    local saved="$DURATION" line
    log "warming $1 up: $WARMUP of the same load, not counted"
    DURATION="$WARMUP"
    # PUTs replace files on one path per connection instead of filling the disk (a minute at nginx's rate: ~54 GB)
    PUT_SLOTS="${5:-$CONNECTIONS}"
    run_wrk "warm-up-$1" "$2" "$3" "$4" "$5" "${6:-}"
    PUT_SLOTS=""
    DURATION="$saved"
    line="$WRK_LINE"
    [ "$(sed -n 's/.* non201=\([0-9]*\).*/\1/p' <<< " $line")" = 0 ] || fail "warm-up of $1: answers other than 201 ($line)"
}

# The single-upload scenarios (large, tus) warm the ingester up the same way: their own uploads, untimed, repeated
# until BENCH_WARMUP has passed (at least once), each stored file deleted again. In one run of 1 GiB uploads without
# it, the multipart upload went 441, 598, 657 MB/s and tus 353, 431, 542 MB/s in rounds 1 to 3: the JIT again.
warm_up_rounds() {  # key, command and arguments of one untimed round
    case "$WARMED" in *" $1 "*) return 0 ;; esac
    WARMED="$WARMED$1 "
    [ "$WARMUP" = 0 ] && return 0
    local key="$1" until rounds=0
    shift
    until="$(calc "$(now) + $(seconds_of "$WARMUP")")"
    log "warming $key up: the same uploads for $WARMUP, not counted"
    while :; do
        "$@" || { fail "warm-up of $key: a round failed"; return 1; }
        rounds=$((rounds + 1))
        awk "BEGIN { exit !($(now) >= $until) }" && break
    done
    log "warmed $key up with $rounds rounds"
}

seconds_of() {  # a wrk duration (90, 90s, 2m) in seconds
    case "$1" in *m) echo $(( ${1%m} * 60 )) ;; *s) echo "${1%s}" ;; *) echo "$1" ;; esac
}

delete_stored() {  # file id: removes a warm-up's file from the edit element, so that warming up fills no disk
    local code
    code="$(curl -s -o /dev/null -w '%{http_code}' -X DELETE "$BASE_URL/api/v1/files/$1")"
    [ "$code" = 200 ] || [ "$code" = 204 ] || { log "deleting warm-up file $1 answered $code"; return 1; }
}

upload_untimed() {  # file: one multipart upload to edit, deleted again
    local code id
    code="$(curl -s -o "$WORK/warm-up.json" -w '%{http_code}' -F target_mode=edit -F "file=@$1" "$UPLOAD_URL")"
    [ "$code" = 201 ] || { log "warm-up upload answered $code: $(head -c 300 "$WORK/warm-up.json")"; return 1; }
    id="$(sed -n 's/.*"file_id" *: *"\([^"]*\)".*/\1/p' "$WORK/warm-up.json")"
    [ -n "$id" ] || { log "warm-up upload: no file_id in $(head -c 300 "$WORK/warm-up.json")"; return 1; }
    delete_stored "$id"
}

# wrk against the ingester, then the same files as nginx PUTs; one block of rows.
wrk_pair() {  # label, multipart body, raw body, connections[, count]
    local ing_rps ing_p50 ing_p99 ing_bad ing_n ngx_rps ngx_p50 ngx_p99 ngx_bad ngx_n
    local what="${5:+$5 files}"
    what="${what:-$DURATION}"
    warm_up ingester "$UPLOAD_URL" multipart "$2" "$4"
    log "wrk: ingester, $4 connections, $what, $1"
    local ticks0 ing_cpu
    ticks0="$(cpu_ticks "$INGESTER_PID")"
    run_wrk "$1-c$4-ingester" "$UPLOAD_URL" multipart "$2" "$4" "" "${5:-}"
    ing_rps="$(field rps)"; ing_p50="$(field p50_ms)"; ing_p99="$(field p99_ms)"; ing_bad="$(field non201)"; ing_n="$(field requests)"
    # the server's CPU per upload (user + system): steadier than req/s on a shared machine, where wrk, nginx's
    # writeback and whatever else runs take a share of the two cores that changes from run to run
    ing_cpu="$(cpu_per_upload "$ticks0" "$(cpu_ticks "$INGESTER_PID")" "$ing_n")"
    [ "$ing_bad" = 0 ] || fail "$1: ingester answered $ing_bad of $ing_n uploads with a status other than 201 ($WRK_LINE)"
    # a folder of its own per part: one part's late writes cannot collide with the next part's
    local part="${1// /-}-c$4"
    if warm_up nginx "http://127.0.0.1:$NGINX_PORT/up/warm-up/" put "$3" "$4"; then
        remove_put_folder "$WORK/nginx/www/up/warm-up"
    fi
    log "wrk: nginx, $4 connections, $what, $1"
    run_wrk "$part-nginx" "http://127.0.0.1:$NGINX_PORT/up/$part/" put "$3" "$4" "" "${5:-}"
    ngx_rps="$(field rps)"; ngx_p50="$(field p50_ms)"; ngx_p99="$(field p99_ms)"; ngx_bad="$(field non201)"; ngx_n="$(field requests)"
    [ "$ngx_bad" = 0 ] || fail "$1: nginx answered $ngx_bad of $ngx_n PUTs with a status other than 201 ($WRK_LINE)"
    remove_put_folder "$WORK/nginx/www/up/$part"
    row "$1 (c=$4, $what) ingester" "$ing_rps req/s  p50 $ing_p50 ms  p99 $ing_p99 ms  ($ing_n requests, non-201 $ing_bad)  server CPU $ing_cpu ms per upload"
    row "$1 (c=$4) nginx PUT" "$ngx_rps req/s  p50 $ngx_p50 ms  p99 $ngx_p99 ms  ($ngx_n requests, non-201 $ngx_bad)"
    row "$1 (c=$4) ratio ingester/nginx req/s" "$(calc "$ing_rps / $ngx_rps")"
    row "$1 (c=$4) ratio ingester/nginx p99" "$(calc "$ing_p99 / $ngx_p99")"
}

# ---- scenario "small": 1 MiB files at 64 and 256 connections, wrk ----
scenario_small() {
    make_bodies
    wrk_pair "small 1 MiB" "$WORK/body-multipart.bin" "$WORK/body-raw.bin" "$CONNECTIONS"
    wrk_pair "small 1 MiB" "$WORK/body-multipart.bin" "$WORK/body-raw.bin" "$CONNECTIONS_HIGH"
}

# ---- scenario "many": a fixed number of 4 KiB files (the fixed cost of an upload) ----
scenario_many() {
    make_body 4096 "$WORK/body-raw-4k.bin" "$WORK/body-multipart-4k.bin"
    wrk_pair "many 4 KiB" "$WORK/body-multipart-4k.bin" "$WORK/body-raw-4k.bin" "$MANY_CONNECTIONS" "$MANY_FILES"
}

# ---- scenario "codec": gzip and Brotli uploads of text against the codec's own single-core rate ----
# The rate is that of the classes the ingester compresses with (bench/CodecRate.java, run against the same
# jar): the JDK's zlib for gzip, brotli4j for Brotli, on one thread, from the page cache into a counting sink.
scenario_codec() {
    local f="$WORK/text.txt" bytes algo level line rate stored out code secs up applied ticks0 cpu
    bytes=$((TEXT_MB * 1024 * 1024))
    log "writing $TEXT_MB MiB of text (bench/CodecRate.java corpus)"
    java -cp "$JAR" "$ROOT/bench/CodecRate.java" corpus "$f" "$bytes"
    settle
    for algo in gzip brotli; do
        level="$GZIP_LEVEL"; [ "$algo" = gzip ] || level="$BROTLI_QUALITY"
        line="$(java -cp "$JAR" "$ROOT/bench/CodecRate.java" rate "$algo" "$level" "$f" | grep '^CODEC ')"
        log "$algo level $level on one core: $line"
        rate="$(sed -n 's/.* mb_per_s=\([^ ]*\).*/\1/p' <<< "$line")"
        stored="$(sed -n 's/.* stored=\([^ ]*\).*/\1/p' <<< "$line")"
        # Warmed up to a steady state, as CodecRate is before it is timed: one untimed upload of the same text with the
        # same codec. The upload path's methods run once per received block, so after 32 MiB the JIT was still compiling
        # them during the timed upload (0.4-0.7 s of C2 CPU per 256 MiB on two cores); CodecRate's loop is compiled
        # after its 32 MiB pass, the rest of its work is native.
        code="$(curl -s -o "$WORK/codec-warm.json" -w '%{http_code}' \
            -F target_mode=edit -F compression_algorithm="$algo" -F "file=@$f;type=text/plain" "$UPLOAD_URL")" || true
        [ "$code" = 201 ] || fail "codec $algo: the warm-up upload answered $code: $(head -c 300 "$WORK/codec-warm.json")"
        ticks0="$(cpu_ticks "$INGESTER_PID")"
        out="$(curl -s -o "$WORK/codec-$algo.json" -w '%{http_code} %{time_total}' \
            -F target_mode=edit -F compression_algorithm="$algo" -F "file=@$f;type=text/plain" "$UPLOAD_URL")" || true
        # CPU seconds of the server per GiB of text: the least noisy figure on a shared machine
        cpu="$(calc "($(cpu_ticks "$INGESTER_PID") - $ticks0) / $(getconf CLK_TCK) * 1024 / $TEXT_MB")"
        code="${out% *}"; secs="${out#* }"
        [ "$code" = 201 ] || fail "codec $algo: ingester upload answered $code: $(head -c 300 "$WORK/codec-$algo.json")"
        applied="$(sed -n 's/.*"applied":"\([a-z]*\)".*/\1/p' "$WORK/codec-$algo.json")"
        [ "$code" != 201 ] || [ "$applied" = "$algo" ] || fail "codec $algo: the upload was stored with compression '$applied'"
        up="$(calc "$bytes / $secs / 1e6")"
        log "ingester $algo upload: $code in $secs s = $up MB/s of text, applied $applied"
        row "codec $algo-$level ($TEXT_MB MiB text) ingester" "$up MB/s  stored $(sed -n 's/.*"stored_size":\([0-9]*\).*/\1/p' "$WORK/codec-$algo.json") bytes  server CPU $cpu s/GiB"
        row "codec $algo-$level one core (CodecRate)" "$rate MB/s  stored $stored bytes"
        row "codec $algo-$level ratio ingester/codec" "$(calc "$up / $rate")"
    done
}

# ---- scenario "transfer": a file moved edit -> rw against cp + sync of the same file ----
scenario_transfer() {
    local f="$WORK/transfer.bin" bytes out code id tx state t0 t1 secs up cps
    bytes=$((TRANSFER_MB * 1024 * 1024))
    log "writing a random file of $TRANSFER_MB MiB and uploading it to edit"
    head -c "$bytes" /dev/urandom > "$f"
    settle
    code="$(curl -s -o "$WORK/transfer-upload.json" -w '%{http_code}' -F target_mode=edit -F "file=@$f" "$UPLOAD_URL")"
    [ "$code" = 201 ] || { fail "transfer: the upload answered $code: $(head -c 300 "$WORK/transfer-upload.json")"; return 0; }
    id="$(sed -n 's/.*"file_id":"\([^"]*\)".*/\1/p' "$WORK/transfer-upload.json")"
    t0="$(now)"
    code="$(curl -s -o "$WORK/transfer.json" -w '%{http_code}' -X POST "$BASE_URL/api/v1/files/$id/transfer")"
    [ "$code" = 202 ] || { fail "transfer: the transfer answered $code: $(head -c 300 "$WORK/transfer.json")"; return 0; }
    tx="$(sed -n 's/.*"transaction_id":"\([^"]*\)".*/\1/p' "$WORK/transfer.json")"
    state=""
    for _ in $(seq 1 12000); do  # 20 min at most
        state="$(curl -s "$BASE_URL/api/v1/transfers/$tx" | sed -n 's/.*"status":"\([a-z]*\)".*/\1/p')"
        case "$state" in committed|aborted|heuristic) break ;; esac
        sleep 0.1
    done
    t1="$(now)"
    [ "$state" = committed ] || fail "transfer: transaction $tx ended $state, not committed"
    secs="$(calc "$t1 - $t0")"; up="$(calc "$bytes / ($t1 - $t0) / 1e6")"
    log "transfer $tx: $state in $secs s = $up MB/s"
    mkdir -p "$WORK/cp"
    t0="$(now)"
    cp "$f" "$WORK/cp/transfer.bin" && sync "$WORK/cp/transfer.bin"
    t1="$(now)"
    cps="$(calc "$bytes / ($t1 - $t0) / 1e6")"
    log "cp + sync: $(calc "$t1 - $t0") s = $cps MB/s"
    rm -rf "$WORK/cp" "$f"
    row "transfer edit->rw ($TRANSFER_MB MiB) ingester" "$up MB/s  ($secs s from the POST to committed, polled every 0.1 s)"
    row "transfer cp + sync FILE" "$cps MB/s"
    row "transfer ratio ingester/cp" "$(calc "$up / $cps")"
}

# ---- scenario "heap": one very large upload through a small heap; resident memory sampled throughout ----
scenario_heap() {
    local f="$WORK/heap.bin" bytes sum pid url sampler out code secs got up t0 t1 ddr
    bytes=$((HEAP_GB * 1024 * 1024 * 1024))
    log "writing a random file of $HEAP_GB GiB"
    sum="$(head -c "$bytes" /dev/urandom | tee "$f" | sha256sum | cut -c1-64)"
    settle
    launch_ingester heap-ingester "$WORK/heap-ingester-data" "-Xmx$HEAP_XMX"
    pid="$LAUNCHED_PID"; url="http://127.0.0.1:$LAUNCHED_PORT/api/v1/files/upload"
    # VmRSS every 0.5 s while the upload runs
    (while kill -0 "$pid" 2>/dev/null; do
        awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || true
        sleep 0.5
    done) > "$WORK/heap-rss.txt" &
    sampler=$!
    PIDS+=("$sampler")
    out="$(curl -s -o "$WORK/heap-upload.json" -w '%{http_code} %{time_total}' -F target_mode=edit -F "file=@$f" "$url")" || true
    kill "$sampler" 2>/dev/null || true
    code="${out% *}"; secs="${out#* }"
    [ "$code" = 201 ] || fail "heap: the $HEAP_GB GiB upload with -Xmx$HEAP_XMX answered $code: $(head -c 300 "$WORK/heap-upload.json")"
    got="$(sed -n 's/.*"checksum":"\([0-9a-f]*\)".*/\1/p' "$WORK/heap-upload.json")"
    [ "$code" != 201 ] || [ "$got" = "$sum" ] || fail "heap: the upload's checksum $got is not the file's $sum"
    up="$(calc "$bytes / $secs / 1e6")"
    log "heap upload: $code in $secs s = $up MB/s, checksum ${got:-none} (file: $sum)"
    peak_rss "heap ingester (-Xmx$HEAP_XMX)" "$pid"
    stop_pid "$pid"
    rm -rf "$WORK/heap-ingester-data"
    mkdir -p "$WORK/dd"
    t0="$(now)"
    dd if="$f" of="$WORK/dd/heap.bin" bs=1M conv=fsync status=none
    t1="$(now)"
    ddr="$(calc "$bytes / ($t1 - $t0) / 1e6")"
    rm -f "$WORK/dd/heap.bin" "$f"
    row "heap ($HEAP_GB GiB, -Xmx$HEAP_XMX) ingester" "$up MB/s  checksum $([ "$got" = "$sum" ] && echo right || echo WRONG)"
    row "heap dd bs=1M conv=fsync" "$ddr MB/s"
    row "heap ratio ingester/dd" "$(calc "$up / $ddr")"
    # flat: the largest sample of the upload's second half is no more than 10 % above that of its first half
    row "heap RSS during the upload" "$(awk '{ v[NR] = int($1 / 1024) } END {
        if (NR < 4) { print "too few samples (" NR ")"; exit }
        h = int(NR / 2); a = 0; b = 0
        for (i = 1; i <= h; i++) if (v[i] > a) a = v[i]
        for (i = h + 1; i <= NR; i++) if (v[i] > b) b = v[i]
        printf "%d samples; MiB at 10/25/50/75/100 %%: %d %d %d %d %d; max first half %d, second half %d: %s",
            NR, v[int(NR * .1) + 1], v[int(NR * .25) + 1], v[int(NR * .5)], v[int(NR * .75)], v[NR], a, b,
            (b <= a * 1.1) ? "flat" : "GROWING" }' "$WORK/heap-rss.txt")"
}

# ---- scenario "remote": a second ingester whose elements are two fixture SEs over plain HTTP ----
# The fixture SE (docs/storage-element-fixture.md) runs from the test class path of
# ingester-adapters-storage; plain HTTP keeps TLS out of the comparison.
fixture_classpath() {
    local m="$ROOT/ingester-adapters-storage"
    if [ ! -f "$m/target/test-classpath.txt" ] || [ ! -d "$m/target/test-classes" ]; then
        log "building the storage element fixture's class path"
        (cd "$ROOT" && ./mvnw -q -B -pl ingester-adapters-storage -am test-compile dependency:build-classpath \
            -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt)
    fi
    SE_CP="$m/target/test-classes:$m/target/classes:$(cat "$m/target/test-classpath.txt")"
}

start_se() {  # id, mode; leaves the port in SE_PORT and the process in SE_PID
    local log_file="$WORK/$1.log"
    SE_PORT="$(free_port)"
    log "starting storage element $1 ($2) on 127.0.0.1:$SE_PORT"
    java -cp "$SE_CP" io.artstore.ingester.storage.http.fixture.StorageElementServer \
        --id "$1" --mode "$2" --port "$SE_PORT" --folder "$WORK/$1" --token "$SE_TOKEN" > "$log_file" 2>&1 &
    SE_PID=$!
    PIDS+=("$SE_PID")
    for _ in $(seq 1 120); do
        grep -q '^storage element' "$log_file" && return 0
        sleep 0.5
    done
    log "storage element $1 did not start within 60 s (see $log_file)"; return 1
}

start_remote() {
    ensure_jar
    fixture_classpath
    start_se se-edit edit; SE_EDIT_PORT="$SE_PORT"; SE_EDIT_PID="$SE_PID"
    start_se se-rw rw; SE_RW_PORT="$SE_PORT"
    cat > "$WORK/remote.yaml" <<EOF
storage:
  data_dir: $WORK/remote-ingester-data
  elements:
    - id: se-edit
      mode: edit
      type: http
      url: http://127.0.0.1:$SE_EDIT_PORT
      token: $SE_TOKEN
    - id: se-rw
      mode: rw
      type: http
      url: http://127.0.0.1:$SE_RW_PORT
      token: $SE_TOKEN
EOF
    REMOTE_PORT="$(free_port)"
    mkdir -p "$WORK/remote-ingester-data"
    log "starting the remote-SE ingester on 127.0.0.1:$REMOTE_PORT"
    (cd "$WORK" && exec env INGESTER_PORT="$REMOTE_PORT" \
        java -jar "$JAR" --config "$WORK/remote.yaml" > "$WORK/remote-ingester.log" 2>&1) &
    REMOTE_PID=$!
    PIDS+=("$REMOTE_PID")
    wait_http "http://127.0.0.1:$REMOTE_PORT/health/live" "remote-SE ingester"
    REMOTE_URL="http://127.0.0.1:$REMOTE_PORT/api/v1/files/upload"
    SE_URL="http://127.0.0.1:$SE_EDIT_PORT/api/v1/files/upload"
}

# CPU time (user + system) a process has used so far, in clock ticks.
cpu_ticks() {  # pid
    awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0
}

# Milliseconds of CPU per upload between two cpu_ticks readings.
cpu_per_upload() {  # ticks before, ticks after, uploads
    awk -v a="$1" -v b="$2" -v n="$3" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.1f", (n > 0 ? (b - a) * 1000 / hz / n : 0) }'
}

# N uploads of one 10 KB file, one at a time; leaves the median time_total in ms in MEDIAN_MS and the CPU time
# per upload of the remote ingester and of se-edit (ms; the least noisy figures on a shared machine) in
# CPU_INGESTER_MS and CPU_SE_MS.
upload_latency() {  # name, url[, bearer token]
    local out="$WORK/latency-$1.txt" i res code ingester0 se0
    local auth=()
    [ -z "${3:-}" ] || auth=(-H "Authorization: Bearer $3")
    : > "$out"
    ingester0="$(cpu_ticks "$REMOTE_PID")"; se0="$(cpu_ticks "$SE_EDIT_PID")"
    for i in $(seq 1 "$REMOTE_SEQ"); do
        res="$(curl -s -o /dev/null --max-time 30 -w '%{http_code} %{time_total}' "${auth[@]}" \
            -F target_mode=edit -F "file=@$WORK/small-10k.bin" "$2")" || res="000 0"
        code="${res% *}"
        [ "$code" = 201 ] || fail "remote latency: $1 upload $i answered $code"
        echo "${res#* }" >> "$out"
    done
    MEDIAN_MS="$(sort -g "$out" | awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.1f", m * 1000 }')"
    CPU_INGESTER_MS="$(cpu_per_upload "$ingester0" "$(cpu_ticks "$REMOTE_PID")" "$REMOTE_SEQ")"
    CPU_SE_MS="$(cpu_per_upload "$se0" "$(cpu_ticks "$SE_EDIT_PID")" "$REMOTE_SEQ")"
    log "$1: median of $REMOTE_SEQ sequential 10 KB uploads $MEDIAN_MS ms; CPU per upload: ingester $CPU_INGESTER_MS ms, se-edit $CPU_SE_MS ms"
}

scenario_remote() {
    [ -n "${BOUNDARY:-}" ] || make_bodies
    local rem_rps rem_p50 rem_p99 rem_bad se_rps se_p50 se_p99 se_bad rem_med se_med rem_cpu rem_se_cpu se_cpu
    local t0 s0 big_cpu
    row "remote: load average at the start" "$(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
    warm_up remote-ingester "$REMOTE_URL" multipart "$WORK/body-multipart.bin" "$REMOTE_CONNECTIONS"
    warm_up remote-se-direct "$SE_URL" multipart "$WORK/body-multipart.bin" "$REMOTE_CONNECTIONS" "$SE_TOKEN"
    log "wrk: remote-SE ingester, $REMOTE_CONNECTIONS connections, $DURATION, 1 MiB multipart uploads"
    t0="$(cpu_ticks "$REMOTE_PID")"; s0="$(cpu_ticks "$SE_EDIT_PID")"
    run_wrk remote-ingester "$REMOTE_URL" multipart "$WORK/body-multipart.bin" "$REMOTE_CONNECTIONS"
    rem_rps="$(field rps)"; rem_p50="$(field p50_ms)"; rem_p99="$(field p99_ms)"; rem_bad="$(field non201)"
    big_cpu="ingester $(cpu_per_upload "$t0" "$(cpu_ticks "$REMOTE_PID")" "$(field requests)"), se-edit $(cpu_per_upload "$s0" "$(cpu_ticks "$SE_EDIT_PID")" "$(field requests)")"
    [ "$rem_bad" = 0 ] || fail "remote: ingester answered $rem_bad of $(field requests) uploads with a status other than 201 ($WRK_LINE)"
    # the same body: the SE drops the target_mode part, as it drops every part it does not know
    log "wrk: SE $SE_URL directly, $REMOTE_CONNECTIONS connections, $DURATION, 1 MiB multipart uploads"
    s0="$(cpu_ticks "$SE_EDIT_PID")"
    run_wrk remote-se-direct "$SE_URL" multipart "$WORK/body-multipart.bin" "$REMOTE_CONNECTIONS" "$SE_TOKEN"
    se_rps="$(field rps)"; se_p50="$(field p50_ms)"; se_p99="$(field p99_ms)"; se_bad="$(field non201)"
    big_cpu="$big_cpu  direct: se-edit $(cpu_per_upload "$s0" "$(cpu_ticks "$SE_EDIT_PID")" "$(field requests)")"
    [ "$se_bad" = 0 ] || fail "remote: the SE answered $se_bad of $(field requests) uploads with a status other than 201 ($WRK_LINE)"

    head -c 10000 /dev/urandom > "$WORK/small-10k.bin"
    log "latency: $REMOTE_SEQ sequential 10 KB uploads through the ingester, then straight to the SE"
    upload_latency remote-ingester "$REMOTE_URL"; rem_med="$MEDIAN_MS"; rem_cpu="$CPU_INGESTER_MS"; rem_se_cpu="$CPU_SE_MS"
    upload_latency remote-se-direct "$SE_URL" "$SE_TOKEN"; se_med="$MEDIAN_MS"; se_cpu="$CPU_SE_MS"

    row "remote (1 MiB, c=$REMOTE_CONNECTIONS, $DURATION) ingester" "$rem_rps req/s  p50 $rem_p50 ms  p99 $rem_p99 ms  non-201 $rem_bad"
    row "remote SE upload direct" "$se_rps req/s  p50 $se_p50 ms  p99 $se_p99 ms  non-201 $se_bad"
    row "remote ratio ingester/direct req/s" "$(calc "$rem_rps / $se_rps")"
    row "remote 1 MiB, CPU ms per upload" "through: $big_cpu"
    row "remote 10 KB x $REMOTE_SEQ sequential, median" "ingester $rem_med ms  direct $se_med ms  difference $(calc "$rem_med - $se_med") ms"
    row "remote 10 KB, CPU ms per upload" "through: ingester $rem_cpu, se-edit $rem_se_cpu  direct: se-edit $se_cpu"
}

peak_rss() {  # label, pid
    local kb
    kb="$(awk '/^VmHWM:/ { print $2 }' "/proc/$2/status" 2>/dev/null || echo 0)"
    row "$1 peak RSS (VmHWM)" "$((kb / 1024)) MiB"
}

report() {
    {
        echo "ArtStore ingester upload benchmark — $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
        echo "commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$ROOT" diff --quiet 2>/dev/null || echo ' (with local changes)')"
        echo "ingester jar: $JAR"
        echo "machine: $(nproc) cores, $(free -m | awk '/^Mem:/ { print $2 }') MiB memory, kernel $(uname -r)"
        echo "java: $(java -version 2>&1 | head -1); nginx: $(nginx -v 2>&1 | sed 's/.*: //')"
        echo "settings: BENCH_LARGE_MB=$LARGE_MB BENCH_DURATION=$DURATION connections=$CONNECTIONS,$CONNECTIONS_HIGH rounds=$ROUNDS many=$MANY_FILES@$MANY_CONNECTIONS text=${TEXT_MB}MiB gzip=$GZIP_LEVEL brotli=$BROTLI_QUALITY transfer=${TRANSFER_MB}MiB heap=${HEAP_GB}GiB@$HEAP_XMX remote_connections=$REMOTE_CONNECTIONS remote_seq=$REMOTE_SEQ warmup=$WARMUP tus_chunk=${TUS_CHUNK_MB}MiB${ONLY:+ only=$ONLY}$([ "$QUICK" = 1 ] && echo " --quick")"
        echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
        echo "MB = 10^6 bytes; latencies as wrk measures them (the remote 10 KB latencies as curl's time_total)"
        echo "--------------------------------------------------------------------------------"
        printf '%s\n' "${SUMMARY[@]}"
        echo "--------------------------------------------------------------------------------"
        if [ ${#FAILURES[@]} -gt 0 ]; then
            echo "!!! INVALID RUN: ${#FAILURES[@]} check(s) saw answers other than 201 — the figures above do not measure uploads:"
            printf '!!!   %s\n' "${FAILURES[@]}"
        else
            echo "every upload answered 201"
        fi
    } | tee "$RESULTS"
}

want() { [ -z "$ONLY" ] || [ "$ONLY" = "$1" ]; }

main() {
    install_tools
    mkdir -p "$WORK"
    # only what an earlier run left here, never the whole folder (BENCH_DIR may be shared)
    rm -rf "$WORK/ingester-data" "$WORK/nginx" "$WORK/dd" "$WORK"/upload-*.json "$WORK"/wrk-*.txt
    rm -rf "$WORK/remote-ingester-data" "$WORK/se-edit" "$WORK/se-rw" "$WORK"/latency-*.txt
    rm -rf "$WORK/heap-ingester-data" "$WORK/cp" "$WORK"/codec-*.json "$WORK/text-warm.txt" "$WORK"/transfer*.json "$WORK"/heap-*
    rm -rf "$WORK"/tus-*.json "$WORK"/tus-node-*.err
    if want large || want small || want many || want codec || want transfer || want tus; then start_ingester; fi
    if want large || want small || want many; then start_nginx; fi
    if want large; then scenario_large; fi
    if want small; then scenario_small; fi
    if want many; then scenario_many; fi
    if want codec; then scenario_codec; fi
    if want transfer; then scenario_transfer; fi
    if want tus; then scenario_tus; fi
    if [ -n "${INGESTER_PID:-}" ]; then peak_rss ingester "$INGESTER_PID"; fi
    if want heap; then
        if [ "$QUICK" = 1 ] && [ -z "$ONLY" ]; then
            log "--quick: no heap scenario (run it with --only heap)"
        else
            scenario_heap
        fi
    fi
    if want remote; then
        start_remote
        scenario_remote
        peak_rss "remote ingester" "$REMOTE_PID"
    fi
    report
    log "results in $RESULTS, logs in $WORK"
    [ ${#FAILURES[@]} -eq 0 ]
}

main
