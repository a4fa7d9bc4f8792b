#!/usr/bin/env bash
# Runs the whole benchmark suite (about 5 minutes) and writes bench/RESULTS.md.
# Builds the server jar and the bench module first; load goes to 127.0.0.1 only and stops by itself.
#   bench/run.sh            the real run
#   bench/run.sh --quick    every scenario for ~1 s (what CI's BenchSmokeTest does), report to target/
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q -pl bench -am install -DskipTests
./mvnw -B -q -pl bench dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
out=bench/RESULTS.md
if [[ "${1:-}" == "--quick" ]]; then out=bench/target/RESULTS-quick.md; fi
exec java -cp "bench/target/classes:$(cat bench/target/classpath.txt)" dev.braid.bench.Suite --out "$out" "$@"
