#!/usr/bin/env bash
# Upload benchmark: the ingester against nginx's WebDAV PUT and dd on the same machine, in one run.
# See docs/performance.md. Not part of the build or of CI: run it by hand.
#
#   bench/run.sh                 # full run (1 GiB file, 15 s per load test)
#   bench/run.sh --quick         # smoke test (64 MiB, 5 s)
#   bench/run.sh --only large    # one scenario: large | small | remote
#
# Environment: BENCH_DIR (/tmp/artstore-bench), BENCH_LARGE_MB (1024), BENCH_DURATION (15s),
# BENCH_CONNECTIONS (64), BENCH_ROUNDS (3), BENCH_JAR (the server jar of this checkout; another build's jar
# measures that build against the same baselines), BENCH_REMOTE_CONNECTIONS (16), BENCH_REMOTE_SEQ (50).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
JAR="${BENCH_JAR:-$ROOT/ingester-server/target/artstore-ingester.jar}"

ONLY=""
QUICK=0
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) QUICK=1 ;;
        --only) ONLY="${2:?--only needs a scenario: large, small or remote}"; shift ;;
        -h|--help) sed -n 2,11p "$0"; exit 0 ;;
        *) echo "unknown argument: $1 (use --quick, --only large|small|remote)" >&2; exit 2 ;;
    esac
    shift
done
case "$ONLY" in ""|large|small|remote) ;; *) echo "unknown scenario: $ONLY (large, small or remote)" >&2; exit 2 ;; esac

if [ "$QUICK" = 1 ]; then
    LARGE_MB="${BENCH_LARGE_MB:-64}"; DURATION="${BENCH_DURATION:-5s}"
else
    LARGE_MB="${BENCH_LARGE_MB:-1024}"; DURATION="${BENCH_DURATION:-15s}"
fi
CONNECTIONS="${BENCH_CONNECTIONS:-64}"
ROUNDS="${BENCH_ROUNDS:-3}"
REMOTE_CONNECTIONS="${BENCH_REMOTE_CONNECTIONS:-16}"
REMOTE_SEQ="${BENCH_REMOTE_SEQ:-50}"
SE_TOKEN="fixture-token"
WORK="${BENCH_DIR:-/tmp/artstore-bench}"
RESULTS="$WORK/results.txt"

PIDS=()
SUMMARY=()     # lines of the final table
FAILURES=()    # every non-201 answer, printed loudly at the end

log() { printf '[bench %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
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
        "$WORK/remote-ingester-data" "$WORK/se-edit" "$WORK/se-rw" "$WORK/small-10k.bin"
}
trap cleanup EXIT

install_tools() {
    local missing=()
    command -v nginx >/dev/null 2>&1 || missing+=(nginx)
    command -v wrk >/dev/null 2>&1 || missing+=(wrk)
    command -v curl >/dev/null 2>&1 || missing+=(curl)
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

start_ingester() {
    ensure_jar
    INGESTER_PORT="$(free_port)"
    mkdir -p "$WORK/ingester-data"
    log "starting the ingester on 127.0.0.1:$INGESTER_PORT"
    (cd "$WORK" && exec env INGESTER_PORT="$INGESTER_PORT" INGESTER_DATA_DIR="$WORK/ingester-data" \
        java -jar "$JAR" > "$WORK/ingester.log" 2>&1) &
    INGESTER_PID=$!
    PIDS+=("$INGESTER_PID")
    wait_http "http://127.0.0.1:$INGESTER_PORT/health/live" ingester
    UPLOAD_URL="http://127.0.0.1:$INGESTER_PORT/api/v1/files/upload"
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

# ---- scenario "large": one large file, three ways, alternating ----
scenario_large() {
    local f="$WORK/large.bin" bytes i out code secs t0 t1
    local up_sum=0 put_sum=0 dd_sum=0
    bytes=$((LARGE_MB * 1024 * 1024))
    log "writing a random file of $LARGE_MB MiB"
    head -c "$bytes" /dev/urandom > "$f"
    mkdir -p "$WORK/dd"
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

# ---- scenario "small": 1 MiB files at many connections, wrk ----
make_bodies() {
    local boundary="----artstore-bench-7f3a9c"
    head -c $((1024 * 1024)) /dev/urandom > "$WORK/body-raw.bin"
    {
        printf -- '--%s\r\n' "$boundary"
        printf 'Content-Disposition: form-data; name="target_mode"\r\n\r\nedit\r\n'
        printf -- '--%s\r\n' "$boundary"
        printf 'Content-Disposition: form-data; name="file"; filename="bench.bin"\r\n'
        printf 'Content-Type: application/octet-stream\r\n\r\n'
        cat "$WORK/body-raw.bin"
        printf '\r\n--%s--\r\n' "$boundary"
    } > "$WORK/body-multipart.bin"
    BOUNDARY="$boundary"
}

# Runs wrk, leaves its "BENCH key=value ..." line in WRK_LINE.
run_wrk() {  # name, url, mode, body file[, connections[, bearer token]]
    local out="$WORK/wrk-$1.txt"
    BENCH_MODE="$3" BENCH_BODY="$4" BENCH_BOUNDARY="$BOUNDARY" BENCH_TOKEN="${6:-}" \
        wrk -t2 -c"${5:-$CONNECTIONS}" -d"$DURATION" --timeout 60s --latency \
        -s "$ROOT/bench/upload.lua" "$2" > "$out" 2>&1 || { log "wrk failed:"; cat "$out" >&2; return 1; }
    WRK_LINE="$(grep '^BENCH requests=' "$out" | tail -1)"
    log "$1: $WRK_LINE"
    local k
    for k in connect_err read_err write_err timeouts; do
        [ "$(field "$k")" = 0 ] || fail "wrk $1 had $(field "$k") socket $k ($WRK_LINE)"
    done
}
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<< " $WRK_LINE"; }

scenario_small() {
    make_bodies
    local ing_rps ing_p50 ing_p99 ing_bad ngx_rps ngx_p50 ngx_p99 ngx_bad
    log "wrk: ingester, $CONNECTIONS connections, $DURATION, 1 MiB multipart uploads"
    run_wrk ingester "$UPLOAD_URL" multipart "$WORK/body-multipart.bin"
    ing_rps="$(field rps)"; ing_p50="$(field p50_ms)"; ing_p99="$(field p99_ms)"; ing_bad="$(field non201)"
    [ "$ing_bad" = 0 ] || fail "small: ingester answered $ing_bad of $(field requests) uploads with a status other than 201 ($WRK_LINE)"
    log "wrk: nginx, $CONNECTIONS connections, $DURATION, 1 MiB PUTs"
    run_wrk nginx "http://127.0.0.1:$NGINX_PORT/up/" put "$WORK/body-raw.bin"
    ngx_rps="$(field rps)"; ngx_p50="$(field p50_ms)"; ngx_p99="$(field p99_ms)"; ngx_bad="$(field non201)"
    [ "$ngx_bad" = 0 ] || fail "small: nginx answered $ngx_bad of $(field requests) PUTs with a status other than 201 ($WRK_LINE)"
    rm -rf "$WORK/nginx/www/up/w"
    row "small (1 MiB, c=$CONNECTIONS, $DURATION) ingester" "$ing_rps req/s  p50 $ing_p50 ms  p99 $ing_p99 ms  non-201 $ing_bad"
    row "small nginx PUT" "$ngx_rps req/s  p50 $ngx_p50 ms  p99 $ngx_p99 ms  non-201 $ngx_bad"
    row "small ratio ingester/nginx req/s" "$(calc "$ing_rps / $ngx_rps")"
    row "small ratio ingester/nginx p99" "$(calc "$ing_p99 / $ngx_p99")"
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

start_se() {  # id, mode; leaves the port in SE_PORT
    local log_file="$WORK/$1.log"
    SE_PORT="$(free_port)"
    log "starting storage element $1 ($2) on 127.0.0.1:$SE_PORT"
    java -cp "$SE_CP" io.artstore.ingester.storage.http.fixture.StorageElementServer \
        --id "$1" --mode "$2" --port "$SE_PORT" --folder "$WORK/$1" --token "$SE_TOKEN" > "$log_file" 2>&1 &
    PIDS+=("$!")
    for _ in $(seq 1 120); do
        grep -q '^storage element' "$log_file" && return 0
        sleep 0.5
    done
    log "storage element $1 did not start within 60 s (see $log_file)"; return 1
}

start_remote() {
    ensure_jar
    fixture_classpath
    start_se se-edit edit; SE_EDIT_PORT="$SE_PORT"
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

# N uploads of one 10 KB file, one at a time; leaves the median time_total in ms in MEDIAN_MS.
upload_latency() {  # name, url[, bearer token]
    local out="$WORK/latency-$1.txt" i res code
    local auth=()
    [ -z "${3:-}" ] || auth=(-H "Authorization: Bearer $3")
    : > "$out"
    for i in $(seq 1 "$REMOTE_SEQ"); do
        res="$(curl -s -o /dev/null --max-time 30 -w '%{http_code} %{time_total}' "${auth[@]}" \
            -F target_mode=edit -F "file=@$WORK/small-10k.bin" "$2")" || res="000 0"
        code="${res% *}"
        [ "$code" = 201 ] || fail "remote latency: $1 upload $i answered $code"
        echo "${res#* }" >> "$out"
    done
    MEDIAN_MS="$(sort -g "$out" | awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.1f", m * 1000 }')"
    log "$1: median of $REMOTE_SEQ sequential 10 KB uploads $MEDIAN_MS ms"
}

scenario_remote() {
    [ -n "${BOUNDARY:-}" ] || make_bodies
    local rem_rps rem_p50 rem_p99 rem_bad se_rps se_p50 se_p99 se_bad rem_med se_med
    log "wrk: remote-SE ingester, $REMOTE_CONNECTIONS connections, $DURATION, 1 MiB multipart uploads"
    run_wrk remote-ingester "$REMOTE_URL" multipart "$WORK/body-multipart.bin" "$REMOTE_CONNECTIONS"
    rem_rps="$(field rps)"; rem_p50="$(field p50_ms)"; rem_p99="$(field p99_ms)"; rem_bad="$(field non201)"
    [ "$rem_bad" = 0 ] || fail "remote: ingester answered $rem_bad of $(field requests) uploads with a status other than 201 ($WRK_LINE)"
    # the same body: the SE drops the target_mode part, as it drops every part it does not know
    log "wrk: SE $SE_URL directly, $REMOTE_CONNECTIONS connections, $DURATION, 1 MiB multipart uploads"
    run_wrk remote-se-direct "$SE_URL" multipart "$WORK/body-multipart.bin" "$REMOTE_CONNECTIONS" "$SE_TOKEN"
    se_rps="$(field rps)"; se_p50="$(field p50_ms)"; se_p99="$(field p99_ms)"; se_bad="$(field non201)"
    [ "$se_bad" = 0 ] || fail "remote: the SE answered $se_bad of $(field requests) uploads with a status other than 201 ($WRK_LINE)"

    head -c 10000 /dev/urandom > "$WORK/small-10k.bin"
    log "latency: $REMOTE_SEQ sequential 10 KB uploads through the ingester, then straight to the SE"
    upload_latency remote-ingester "$REMOTE_URL"; rem_med="$MEDIAN_MS"
    upload_latency remote-se-direct "$SE_URL" "$SE_TOKEN"; se_med="$MEDIAN_MS"

    row "remote (1 MiB, c=$REMOTE_CONNECTIONS, $DURATION) ingester" "$rem_rps req/s  p50 $rem_p50 ms  p99 $rem_p99 ms  non-201 $rem_bad"
    row "remote SE upload direct" "$se_rps req/s  p50 $se_p50 ms  p99 $se_p99 ms  non-201 $se_bad"
    row "remote ratio ingester/direct req/s" "$(calc "$rem_rps / $se_rps")"
    row "remote 10 KB x $REMOTE_SEQ sequential, median" "ingester $rem_med ms  direct $se_med ms  difference $(calc "$rem_med - $se_med") ms"
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
        echo "settings: BENCH_LARGE_MB=$LARGE_MB BENCH_DURATION=$DURATION connections=$CONNECTIONS rounds=$ROUNDS remote_connections=$REMOTE_CONNECTIONS remote_seq=$REMOTE_SEQ${ONLY:+ only=$ONLY}"
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

main() {
    install_tools
    mkdir -p "$WORK"
    # only what an earlier run left here, never the whole folder (BENCH_DIR may be shared)
    rm -rf "$WORK/ingester-data" "$WORK/nginx" "$WORK/dd" "$WORK"/upload-*.json "$WORK"/wrk-*.txt
    rm -rf "$WORK/remote-ingester-data" "$WORK/se-edit" "$WORK/se-rw" "$WORK"/latency-*.txt
    if [ "$ONLY" != remote ]; then
        start_ingester
        start_nginx
    fi
    if [ -z "$ONLY" ] || [ "$ONLY" = large ]; then scenario_large; fi
    if [ -z "$ONLY" ] || [ "$ONLY" = small ]; then scenario_small; fi
    if [ "$ONLY" != remote ]; then peak_rss ingester "$INGESTER_PID"; fi
    if [ -z "$ONLY" ] || [ "$ONLY" = remote ]; then
        start_remote
        scenario_remote
        peak_rss "remote ingester" "$REMOTE_PID"
    fi
    report
    log "results in $RESULTS, logs in $WORK"
    [ ${#FAILURES[@]} -eq 0 ]
}

main
