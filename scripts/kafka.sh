#!/usr/bin/env bash
# A single-node Apache Kafka broker in KRaft mode (broker and controller in one process, no ZooKeeper) on
# 127.0.0.1, run from the org.apache.kafka:kafka_2.13 jars of Maven Central, for tests and for trying the
# ingester's Kafka support by hand.
#
#   scripts/kafka.sh start DIR    start a broker whose files (config, data, log, PID) live under DIR
#   scripts/kafka.sh stop DIR     stop it by the PID recorded in DIR (SIGTERM, SIGKILL after 20 s)
#   scripts/kafka.sh status DIR   exit 0 and print the address when it runs, 1 otherwise
#
# Ports are free ones unless given: KAFKA_PORT (clients), KAFKA_CONTROLLER_PORT. A DIR that held a broker
# before keeps its data and its ports (from DIR/kafka.env), so that a broker stopped or killed comes back as
# the same broker with the same topics. DIR/kafka.env gets KAFKA_BOOTSTRAP_SERVERS and the ports.
# The jars are fetched once into a git-ignored cache (KAFKA_LIBS, default .cache/kafka-<version>/libs in the
# project) by a throwaway POM and the Maven wrapper; the version is the parent POM's kafka.version.
# Start returns once the broker accepts connections and says it started; one that does not within
# KAFKA_START_TIMEOUT seconds (default 60) is stopped and the start fails.
set -euo pipefail

usage() {
    echo "usage: $0 start|stop|status DIR" >&2
    exit 2
}

[ $# -eq 2 ] || usage
command=$1
dir=$2
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# shellcheck source=ports.sh
source "$root/scripts/ports.sh"

version=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$root/pom.xml" | head -n 1)
[ -n "$version" ] || { echo "no kafka.version in $root/pom.xml" >&2; exit 1; }
# The broker's slf4j 1.7 API logs through log4j2; this is the binding of Kafka's own log4j version.
log4j_version=2.24.3
libs=${KAFKA_LIBS:-$root/.cache/kafka-$version/libs}

fetch_libs() {
    if [ -f "$libs/kafka_2.13-$version.jar" ] && [ -f "$libs/.complete" ]; then
        return 0
    fi
    local work
    work=$(dirname "$libs")/fetch
    mkdir -p "$work" "$libs"
    cat >"$work/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.kafka</groupId>
  <artifactId>kafka-broker-libs</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>$version</version></dependency>
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-slf4j-impl</artifactId><version>$log4j_version</version></dependency>
  </dependencies>
</project>
EOF
    local goal=org.apache.maven.plugins:maven-dependency-plugin:3.9.0:copy-dependencies
    # Offline first: a warm local repository needs no network.
    if ! "$root/mvnw" -q -B -o -f "$work/pom.xml" "$goal" -DoutputDirectory="$libs" >/dev/null 2>&1; then
        "$root/mvnw" -q -B -f "$work/pom.xml" "$goal" -DoutputDirectory="$libs"
    fi
    touch "$libs/.complete"
}

pid_of() {
    [ -s "$dir/kafka.pid" ] || return 1
    local pid
    pid=$(cat "$dir/kafka.pid")
    alive "$pid" || return 1
    echo "$pid"
}

# A killed process whose parent has not reaped it yet is a zombie: gone for our purposes.
alive() {
    local state
    state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
    [ -n "$state" ] && [ "$state" != Z ]
}

stop() {
    local pid
    if pid=$(pid_of); then
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 1 400); do
            alive "$pid" || break
            sleep 0.05
        done
        if alive "$pid"; then
            kill -9 "$pid" 2>/dev/null || true
        fi
    fi
    rm -f "$dir/kafka.pid"
}

status() {
    local pid
    if pid=$(pid_of); then
        # shellcheck disable=SC1091
        source "$dir/kafka.env"
        echo "Kafka broker $pid on $KAFKA_BOOTSTRAP_SERVERS"
        return 0
    fi
    echo "no Kafka broker runs in $dir"
    return 1
}

start() {
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    if pid_of >/dev/null; then
        echo "a broker runs in $dir already; stop it first: $0 stop $dir" >&2
        exit 1
    fi
    fetch_libs
    local port=${KAFKA_PORT:-} controller_port=${KAFKA_CONTROLLER_PORT:-}
    if [ -f "$dir/kafka.env" ]; then
        # shellcheck disable=SC1091
        source "$dir/kafka.env"
        port=${port:-$KAFKA_PORT_RECORDED}
        controller_port=${controller_port:-$KAFKA_CONTROLLER_PORT_RECORDED}
    fi
    [ -n "$port" ] || pick_port port
    [ -n "$controller_port" ] || pick_port controller_port
    mkdir -p "$dir/data"
    cat >"$dir/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller_port
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$dir/data
num.partitions=3
auto.create.topics.enable=true
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
# After a SIGKILL the restarted broker registers only once the controller has fenced its old session: keep
# that session short so that a restart takes seconds, not the default 9 s more.
broker.session.timeout.ms=2000
broker.heartbeat.interval.ms=500
EOF
    cat >"$dir/log4j2.properties" <<EOF
status = warn
appender.file.type = File
appender.file.name = file
appender.file.fileName = $dir/kafka.log
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = info
rootLogger.appenderRef.file.ref = file
EOF
    {
        echo "KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:$port"
        echo "KAFKA_PORT_RECORDED=$port"
        echo "KAFKA_CONTROLLER_PORT_RECORDED=$controller_port"
    } >"$dir/kafka.env"
    if [ ! -f "$dir/data/meta.properties" ]; then
        # A fixed cluster id (22 characters, base64 of 16 bytes): the data folder is formatted once.
        java -cp "$libs/*" -Dlog4j2.configurationFile="$dir/log4j2.properties" kafka.tools.StorageTool format \
            -t ArtStoreIngesterKafka0 -c "$dir/server.properties" >"$dir/format.out" 2>&1 \
            || { cat "$dir/format.out" >&2; exit 1; }
    fi
    : >"$dir/kafka.log"
    # setsid: the broker outlives this script and the shell that ran it, and is stopped by its PID only.
    setsid java -Xms128m -Xmx512m -XX:+UseSerialGC -cp "$libs/*" -Dlog4j2.configurationFile="$dir/log4j2.properties" \
        kafka.Kafka "$dir/server.properties" >"$dir/kafka.out" 2>&1 </dev/null &
    echo $! >"$dir/kafka.pid"
    trap 'stop; exit 1' ERR INT TERM
    local deadline=$((SECONDS + ${KAFKA_START_TIMEOUT:-60})) ready=0
    while [ $SECONDS -lt $deadline ]; do
        if ! pid_of >/dev/null; then
            echo "the broker in $dir exited while starting; see $dir/kafka.out and $dir/kafka.log" >&2
            tail -n 20 "$dir/kafka.out" >&2 || true
            stop
            exit 1
        fi
        if grep -q 'Kafka Server started' "$dir/kafka.log" 2>/dev/null && ! port_free "$port"; then
            ready=1
            break
        fi
        sleep 0.1
    done
    if [ $ready -ne 1 ]; then
        echo "the broker in $dir did not start within ${KAFKA_START_TIMEOUT:-60} s; see $dir/kafka.log" >&2
        stop
        exit 1
    fi
    trap - ERR INT TERM
    echo "Kafka broker $(cat "$dir/kafka.pid") on 127.0.0.1:$port (controller $controller_port); variables: $dir/kafka.env;" \
        "stop with: $0 stop $dir"
}

case "$command" in
    start) start ;;
    stop) stop ;;
    status) status ;;
    *) usage ;;
esac
