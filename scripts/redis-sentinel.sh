#!/usr/bin/env bash
# Redis master + one replica + three sentinels on 127.0.0.1, from Debian's redis-server, redis-sentinel and
# redis-tools, for tests and for trying the ingester's Sentinel support by hand.
#
#   scripts/redis-sentinel.sh start DIR   start them with their files under DIR; print the addresses
#   scripts/redis-sentinel.sh stop DIR    stop every process started in DIR, by the PIDs recorded there
#   scripts/redis-sentinel.sh restart DIR master|replica
#                                         start a data node of DIR again that was stopped or killed, on its port, as a
#                                         replica of the master the sentinels name now (as after a crash and reboot)
#
# Ports are free ones unless given: REDIS_MASTER_PORT, REDIS_REPLICA_PORT, REDIS_SENTINEL_PORTS (three, comma-separated).
# REDIS_MASTER_NAME (default mymaster); REDIS_PASSWORD protects the data nodes, REDIS_SENTINEL_PASSWORD the sentinels.
# DIR/redis.env gets the variables an ingester needs (REDIS_SENTINEL_HOSTS, REDIS_SENTINEL_MASTER, …) and the ports.
# Ready (start returns) once the replica follows the master and every sentinel sees the replica and the two other
# sentinels; a start that does not get there within 30 s stops what it started and fails.
set -euo pipefail

usage() {
    echo "usage: $0 start|stop DIR | restart DIR master|replica" >&2
    exit 2
}

[ $# -ge 2 ] || usage
command=$1
dir=$2
master_name=${REDIS_MASTER_NAME:-mymaster}

# shellcheck source=ports.sh
source "$(dirname "${BASH_SOURCE[0]}")/ports.sh"

cli() {
    local port=$1 password=$2
    shift 2
    if [ -n "$password" ]; then
        REDISCLI_AUTH="$password" redis-cli -h 127.0.0.1 -p "$port" "$@" 2>/dev/null
    else
        redis-cli -h 127.0.0.1 -p "$port" "$@" 2>/dev/null
    fi
}

wait_for_pidfile() {
    local file=$1
    # Up to 20 s: a loaded machine (a whole test suite on two cores) can be slow to fork and write it.
    for _ in $(seq 1 400); do
        if [ -s "$file" ] && kill -0 "$(cat "$file")" 2>/dev/null; then
            return 0
        fi
        sleep 0.05
    done
    echo "no process wrote $file; see the logs in $(dirname "$file")" >&2
    tail -n 5 "$(dirname "$file")"/*.log >&2 2>/dev/null || true
    return 1
}

stop() {
    local pids=() pidfile pid
    for pidfile in "$dir"/*.pid; do
        [ -e "$pidfile" ] || continue
        pid=$(cat "$pidfile")
        if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
            kill "$pid" 2>/dev/null || true
            pids+=("$pid")
        fi
        rm -f "$pidfile"
    done
    for pid in "${pids[@]}"; do
        for _ in $(seq 1 100); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.05
        done
        if kill -0 "$pid" 2>/dev/null; then
            kill -9 "$pid" 2>/dev/null || true
        fi
    done
}

start() {
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    if compgen -G "$dir/*.pid" >/dev/null; then
        echo "$dir already holds PID files; stop that set first: $0 stop $dir" >&2
        exit 1
    fi
    local master_port=${REDIS_MASTER_PORT:-} replica_port=${REDIS_REPLICA_PORT:-} sentinel_ports s0 s1 s2
    [ -n "$master_port" ] || pick_port master_port
    [ -n "$replica_port" ] || pick_port replica_port
    if [ -n "${REDIS_SENTINEL_PORTS:-}" ]; then
        IFS=, read -r -a sentinel_ports <<<"$REDIS_SENTINEL_PORTS"
    else
        pick_port s0 && pick_port s1 && pick_port s2
        sentinel_ports=("$s0" "$s1" "$s2")
    fi
    [ "${#sentinel_ports[@]}" -eq 3 ] || { echo "REDIS_SENTINEL_PORTS needs three ports" >&2; exit 2; }
    local password=${REDIS_PASSWORD:-} sentinel_password=${REDIS_SENTINEL_PASSWORD:-}
    local auth=()
    if [ -n "$password" ]; then
        auth=(--requirepass "$password" --masterauth "$password")
    fi
    trap 'stop; exit 1' ERR INT TERM
    # set -u ends the script without ERR: stop what was started then too.
    trap 'status=$?; [ $status -eq 0 ] || stop' EXIT

    redis-server --bind 127.0.0.1 --port "$master_port" --daemonize yes --pidfile "$dir/master.pid" \
        --logfile "$dir/master.log" --dir "$dir" --dbfilename master.rdb --save "" --appendonly no "${auth[@]}"
    wait_for_pidfile "$dir/master.pid"
    redis-server --bind 127.0.0.1 --port "$replica_port" --daemonize yes --pidfile "$dir/replica.pid" \
        --logfile "$dir/replica.log" --dir "$dir" --dbfilename replica.rdb --save "" --appendonly no "${auth[@]}" \
        --replicaof 127.0.0.1 "$master_port"
    wait_for_pidfile "$dir/replica.pid"
    local i port
    for i in 0 1 2; do
        port=${sentinel_ports[$i]}
        mkdir -p "$dir/sentinel-$i"
        # Each sentinel rewrites its own file, so each gets its own.
        {
            echo "port $port"
            echo "bind 127.0.0.1"
            echo "daemonize yes"
            echo "pidfile $dir/sentinel-$i.pid"
            echo "logfile $dir/sentinel-$i/sentinel.log"
            echo "dir $dir/sentinel-$i"
            echo "sentinel monitor $master_name 127.0.0.1 $master_port 2"
            echo "sentinel down-after-milliseconds $master_name 1000"
            echo "sentinel failover-timeout $master_name 5000"
            [ -z "$password" ] || echo "sentinel auth-pass $master_name $password"
            [ -z "$sentinel_password" ] || echo "requirepass $sentinel_password"
        } >"$dir/sentinel-$i/sentinel.conf"
        redis-sentinel "$dir/sentinel-$i/sentinel.conf"
        wait_for_pidfile "$dir/sentinel-$i.pid"
    done

    local deadline=$((SECONDS + 30)) ready=0
    while [ $SECONDS -lt $deadline ]; do
        ready=1
        cli "$replica_port" "$password" INFO replication | grep -q '^master_link_status:up' || ready=0
        for port in "${sentinel_ports[@]}"; do
            local info
            info=$(cli "$port" "$sentinel_password" SENTINEL MASTER "$master_name" | tr -d '\r' | paste -sd' ' -)
            grep -q 'num-slaves 1 ' <<<"$info " || ready=0
            grep -q 'num-other-sentinels 2 ' <<<"$info " || ready=0
        done
        [ $ready -eq 1 ] && break
        sleep 0.2
    done
    if [ $ready -ne 1 ]; then
        echo "the Sentinel set in $dir did not become ready within 30 s; see its logs" >&2
        stop
        exit 1
    fi
    trap - ERR INT TERM EXIT

    local hosts
    hosts=$(printf '127.0.0.1:%s,' "${sentinel_ports[@]}")
    {
        echo "REDIS_SENTINEL_HOSTS=${hosts%,}"
        echo "REDIS_SENTINEL_MASTER=$master_name"
        echo "REDIS_MASTER_PORT=$master_port"
        echo "REDIS_REPLICA_PORT=$replica_port"
        echo "REDIS_SENTINEL_PORTS=$(IFS=,; echo "${sentinel_ports[*]}")"
    } >"$dir/redis.env"
    echo "master 127.0.0.1:$master_port, replica 127.0.0.1:$replica_port, sentinels ${hosts%,} (master name $master_name)"
    echo "variables for an ingester: $dir/redis.env; stop with: $0 stop $dir"
}

# A node's process comes back with its port and files but no data (no persistence): it must not serve as a master
# again, so it starts as a replica of the master the sentinels name now and loads the data from it.
restart() {
    local node=$1 port master password=${REDIS_PASSWORD:-} sentinel_password=${REDIS_SENTINEL_PASSWORD:-}
    case "$node" in
        master | replica) ;;
        *) usage ;;
    esac
    dir=$(cd "$dir" && pwd)
    [ -s "$dir/redis.env" ] || { echo "no Sentinel set in $dir" >&2; exit 1; }
    # A process just killed may take a moment to be gone.
    for _ in $(seq 1 100); do
        [ -s "$dir/$node.pid" ] && kill -0 "$(cat "$dir/$node.pid")" 2>/dev/null || break
        sleep 0.05
    done
    if [ -s "$dir/$node.pid" ] && kill -0 "$(cat "$dir/$node.pid")" 2>/dev/null; then
        echo "the $node of $dir still runs (PID $(cat "$dir/$node.pid"))" >&2
        exit 1
    fi
    local env_port_var sentinel_ports
    env_port_var=$([ "$node" = master ] && echo REDIS_MASTER_PORT || echo REDIS_REPLICA_PORT)
    port=$(sed -n "s/^$env_port_var=//p" "$dir/redis.env")
    IFS=, read -r -a sentinel_ports <<<"$(sed -n 's/^REDIS_SENTINEL_PORTS=//p' "$dir/redis.env")"
    local deadline=$((SECONDS + 30)) s
    master=""
    while [ -z "$master" ] || [ "${master##*:}" = "$port" ]; do
        for s in "${sentinel_ports[@]}"; do
            master=$(cli "$s" "$sentinel_password" SENTINEL get-master-addr-by-name "$master_name" | paste -sd: -) && break
        done
        if [ $SECONDS -ge $deadline ]; then
            echo "the sentinels name no master other than $node's port $port within 30 s" >&2
            exit 1
        fi
        [ -n "$master" ] && [ "${master##*:}" != "$port" ] || sleep 0.2
    done
    local auth=()
    if [ -n "$password" ]; then
        auth=(--requirepass "$password" --masterauth "$password")
    fi
    rm -f "$dir/$node.pid"
    redis-server --bind 127.0.0.1 --port "$port" --daemonize yes --pidfile "$dir/$node.pid" \
        --logfile "$dir/$node.log" --dir "$dir" --dbfilename "$node.rdb" --save "" --appendonly no "${auth[@]}" \
        --replicaof "${master%%:*}" "${master##*:}"
    wait_for_pidfile "$dir/$node.pid"
    until cli "$port" "$password" INFO replication | grep -q '^master_link_status:up'; do
        if [ $SECONDS -ge $deadline ]; then
            echo "the restarted $node did not follow $master within 30 s; see $dir/$node.log" >&2
            exit 1
        fi
        sleep 0.1
    done
    echo "$node restarted on 127.0.0.1:$port as a replica of $master"
}

case "$command" in
    start) [ $# -eq 2 ] || usage; start ;;
    stop) [ $# -eq 2 ] || usage; stop ;;
    restart) [ $# -eq 3 ] || usage; restart "$3" ;;
    *) usage ;;
esac
