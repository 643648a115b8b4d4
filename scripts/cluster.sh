#!/usr/bin/env bash
# N ingester instances (the shaded jar) behind nginx as a load balancer, all on 127.0.0.1, to try a cluster on
# one machine. Debian's nginx; nothing runs as a daemon of the system.
#
#   scripts/cluster.sh start N    start N instances and nginx in front of them; print the balancer's address
#   scripts/cluster.sh stop [N]   stop every process the last start recorded, by PID
#
# Build the jar first: ./mvnw -q -B package -DskipTests -pl ingester-server -am
# CLUSTER_DIR (default .cluster) holds each instance's data folder and log, nginx's config and logs, and the PIDs.
# Every instance gets the same key for temporary tokens (CLUSTER_DIR/token-signing-key.pem, created once) so that
# each accepts the tokens the others issue. All instances stage resumable uploads in one folder,
# INGESTER_UPLOADS_STAGING_DIR (default CLUSTER_DIR/staging), so that any of them continues any upload.
# CLUSTER_PORT is the balancer's port (default: a free one). INGESTER_JAR overrides the jar.
# JAVA_OPTS are the JVM options of every instance (default -Xmx256m). INSTANCE_<i>_JAVA_ARGS, when set, replaces
# "-jar JAR" for instance i only (e.g. "-Dname=value -cp JAR:MORE some.Main", as fault-injection tests do).
# Redis: without REDIS_HOST, REDIS_SENTINEL_HOSTS or REDIS_CLUSTER_NODES in the environment, a master, a replica
# and three sentinels are started with scripts/redis-sentinel.sh in CLUSTER_DIR/redis, and every instance is
# pointed at them. Every other variable (INGESTER_CONFIG, INGESTER_STATE, SERVICE_ACCOUNT_*, …) passes through to
# all instances; without a configuration file each instance keeps its own embedded storage elements.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
project=$(dirname "$here")
dir=${CLUSTER_DIR:-$project/.cluster}
jar=${INGESTER_JAR:-$project/ingester-server/target/artstore-ingester.jar}

usage() {
    echo "usage: $0 start N | stop [N]" >&2
    exit 2
}

# shellcheck source=ports.sh
source "$(dirname "${BASH_SOURCE[0]}")/ports.sh"

stop() {
    local pidfile pid pids=()
    if [ -s "$dir/nginx.pid" ]; then
        pid=$(cat "$dir/nginx.pid")
        kill -QUIT "$pid" 2>/dev/null || true
        pids+=("$pid")
    fi
    for pidfile in "$dir"/instance-*.pid; do
        [ -e "$pidfile" ] || continue
        pid=$(cat "$pidfile")
        kill "$pid" 2>/dev/null || true
        pids+=("$pid")
        rm -f "$pidfile"
    done
    for pid in "${pids[@]}"; do
        for _ in $(seq 1 200); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.05
        done
        kill -9 "$pid" 2>/dev/null || true
    done
    rm -f "$dir/nginx.pid"
    if [ -d "$dir/redis" ]; then
        "$here/redis-sentinel.sh" stop "$dir/redis"
    fi
}

# The instances' temporary-token signing key (an RSA private key, PKCS#8 PEM, as the server creates it): made once
# for the cluster (or taken from instance 1's data folder, where an earlier start may have created one) and put into
# every instance's data folder before it starts, since an instance creates its own only when it finds none.
share_signing_key() {
    local count=$1 key="$dir/token-signing-key.pem" first="$dir/instance-1/data/security/token-signing-key.pem" i
    if [ ! -s "$key" ]; then
        command -v openssl >/dev/null || { echo "openssl is missing: apt-get install -y openssl" >&2; exit 1; }
        if [ -s "$first" ]; then
            (umask 077 && cp "$first" "$key.tmp")
        else
            (umask 077 && openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$key.tmp" 2>/dev/null)
        fi
        mv "$key.tmp" "$key"
    fi
    for i in $(seq 1 "$count"); do
        (umask 077 && mkdir -p "$dir/instance-$i/data/security")
        install -m 600 "$key" "$dir/instance-$i/data/security/token-signing-key.pem"
    done
}

start() {
    local count=$1
    [[ "$count" =~ ^[1-9][0-9]*$ ]] || usage
    [ -f "$jar" ] || { echo "no $jar; build it: ./mvnw -q -B package -DskipTests -pl ingester-server -am" >&2; exit 1; }
    command -v nginx >/dev/null || { echo "nginx is missing: apt-get install -y nginx" >&2; exit 1; }
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    if compgen -G "$dir/instance-*.pid" >/dev/null || [ -s "$dir/nginx.pid" ]; then
        echo "$dir holds a running cluster; stop it first: $0 stop" >&2
        exit 1
    fi
    trap 'stop; exit 1' ERR INT TERM
    # set -u ends the script without ERR: stop what was started then too.
    trap 'status=$?; [ $status -eq 0 ] || stop' EXIT

    if [ -z "${REDIS_HOST:-}${REDIS_SENTINEL_HOSTS:-}${REDIS_CLUSTER_NODES:-}" ]; then
        "$here/redis-sentinel.sh" start "$dir/redis"
        set -a
        # shellcheck disable=SC1091
        . "$dir/redis/redis.env"
        set +a
    fi

    share_signing_key "$count"

    # One staging folder for the resumable uploads of all instances: any of them may continue any upload.
    local staging=${INGESTER_UPLOADS_STAGING_DIR:-$dir/staging}
    mkdir -p "$staging"
    local i port launch launch_var ports=() balancer=${CLUSTER_PORT:-}
    [ -n "$balancer" ] || pick_port balancer
    for i in $(seq 1 "$count"); do
        pick_port port
        ports+=("$port")
        mkdir -p "$dir/instance-$i"
        launch_var="INSTANCE_${i}_JAVA_ARGS"
        launch=(-jar "$jar")
        # shellcheck disable=SC2206
        [ -z "${!launch_var:-}" ] || launch=(${!launch_var})
        APP_HOST=127.0.0.1 APP_PORT=$port INGESTER_DATA_DIR="$dir/instance-$i/data" \
            INGESTER_UPLOADS_STAGING_DIR="$staging" \
            INGESTER_NODE_ID="${INGESTER_NODE_ID_PREFIX:-ingester}-$i" \
            setsid java ${JAVA_OPTS:--Xmx256m} "${launch[@]}" >"$dir/instance-$i/ingester.log" 2>&1 </dev/null &
        echo $! >"$dir/instance-$i.pid"
    done

    {
        [ "$(id -u)" -ne 0 ] || echo "user root;"
        echo "worker_processes 1;"
        echo "daemon on;"
        echo "pid $dir/nginx.pid;"
        echo "error_log $dir/nginx-error.log;"
        echo "events { worker_connections 1024; }"
        echo "http {"
        echo "  access_log $dir/nginx-access.log;"
        for temp in client_body proxy fastcgi uwsgi scgi; do
            echo "  ${temp}_temp_path $dir/nginx-temp/$temp;"
        done
        echo "  client_max_body_size 0;"
        echo "  upstream ingesters {"
        for port in "${ports[@]}"; do
            echo "    server 127.0.0.1:$port max_fails=1 fail_timeout=5s;"
        done
        echo "    keepalive 32;"
        echo "  }"
        echo "  server {"
        echo "    listen 127.0.0.1:$balancer;"
        echo "    location / {"
        echo "      proxy_pass http://ingesters;"
        echo "      proxy_http_version 1.1;"
        echo "      proxy_set_header Connection \"\";"
        echo "      proxy_set_header Host \$host;"
        echo "      proxy_set_header X-Forwarded-For \$remote_addr;"
        echo "      proxy_request_buffering off;"
        echo "      proxy_buffering off;"
        echo "      proxy_read_timeout 1h;"
        echo "      proxy_send_timeout 1h;"
        # Only requests that never reached an instance are tried on another one.
        echo "      proxy_next_upstream error;"
        echo "    }"
        echo "  }"
        echo "}"
    } >"$dir/nginx.conf"
    mkdir -p "$dir/nginx-temp"

    local deadline=$((SECONDS + 90))
    for i in $(seq 1 "$count"); do
        port=${ports[$((i - 1))]}
        until curl -fs "http://127.0.0.1:$port/health/live" >/dev/null 2>&1; do
            if ! kill -0 "$(cat "$dir/instance-$i.pid")" 2>/dev/null || [ $SECONDS -ge $deadline ]; then
                echo "instance $i did not start; see $dir/instance-$i/ingester.log" >&2
                tail -n 20 "$dir/instance-$i/ingester.log" >&2 || true
                stop
                exit 1
            fi
            sleep 0.2
        done
    done
    nginx -p "$dir" -c "$dir/nginx.conf"
    until curl -fs "http://127.0.0.1:$balancer/health/live" >/dev/null 2>&1; do
        if [ $SECONDS -ge $deadline ]; then
            echo "nginx did not answer; see $dir/nginx-error.log" >&2
            stop
            exit 1
        fi
        sleep 0.1
    done
    trap - ERR INT TERM EXIT
    echo "$count instances on 127.0.0.1 ports ${ports[*]} behind nginx at http://127.0.0.1:$balancer"
    echo "logs in $dir; stop with: $0 stop"
}

[ $# -ge 1 ] || usage
case "$1" in
    start) [ $# -eq 2 ] || usage; start "$2" ;;
    stop) stop ;;
    *) usage ;;
esac
