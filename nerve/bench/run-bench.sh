#!/usr/bin/env bash
# Benchmark: one Nerve with 1000 services, each with an HTTP check every 0.5 s against a local HTTP server,
# registered in a local ZooKeeper. Prints Nerve's CPU (percent of one core), RSS, checks/s and check
# lateness after warm-up; then the same for a floor (an OkHttp client sending the same checks, nothing
# else, with the same JVM options) and the ratio. See nerve/bench/README.md.
#
#   nerve/bench/run-bench.sh [SERVICES] [INTERVAL_SECONDS] [WARMUP_SECONDS] [MEASURE_SECONDS] [JVM options...]
#   e.g. with the launchers' JVM options:
#   nerve/bench/run-bench.sh 1000 0.5 90 30 $(grep -v '^#' bin/jvm.options)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
mvn -q -B -pl nerve -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
classpath="nerve/target/test-classes:nerve/target/classes:common/target/test-classes:$(cat nerve/target/bench.classpath)"
exec java -cp "$classpath" io.smartstack.nerve.bench.NerveBenchmark "$@"
