#!/usr/bin/env bash
# JMH micro-benchmarks of the upload path's pieces: multipart parsing, digests, codecs (module ingester-bench).
# See docs/performance.md. Not part of the build's test run: the build only compiles them.
#
#   bench/jmh.sh                          # every benchmark, with the settings of its class
#   bench/jmh.sh MultipartBenchmark       # a regular expression of benchmark names
#   bench/jmh.sh Codec -p data=text -rf json -rff /tmp/codec.json   # any JMH option (bench/jmh.sh -h lists them)
#
# Builds the modules it needs (./mvnw compile, online unless BENCH_MVN_OFFLINE=1) and runs JMH's runner on
# their class path. JMH forks one JVM per benchmark with the same class path.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"

OFFLINE=()
[ "${BENCH_MVN_OFFLINE:-0}" = 1 ] && OFFLINE=(-o)
./mvnw -q -B "${OFFLINE[@]}" -pl ingester-bench -am compile dependency:build-classpath \
    -Dmdep.outputFile=target/jmh-classpath.txt -Dmdep.includeScope=runtime

CP="$ROOT/ingester-bench/target/classes:$(cat "$ROOT/ingester-bench/target/jmh-classpath.txt")"
exec java -cp "$CP" org.openjdk.jmh.Main "$@"
