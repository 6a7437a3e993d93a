#!/usr/bin/env bash
# Benchmark: one Nerve with 200 services, each with an HTTP check every 0.5 s against a local HTTP server,
# registered in a local ZooKeeper. Prints Nerve's CPU (percent of one core) and RSS after warm-up.
#
#   nerve/bench/run-bench.sh [SERVICES] [INTERVAL_SECONDS] [WARMUP_SECONDS] [MEASURE_SECONDS] [JVM options...]
#   e.g. nerve/bench/run-bench.sh 200 0.5 30 30 -Xmx64m
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
mvn -q -B -pl nerve -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
classpath="nerve/target/test-classes:nerve/target/classes:common/target/test-classes:$(cat nerve/target/bench.classpath)"
exec java -cp "$classpath" io.smartstack.nerve.bench.NerveBenchmark "$@"
