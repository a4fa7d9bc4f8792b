#!/usr/bin/env bash
# Runs the whole benchmark suite (20–30 minutes on 2 shared cores) and writes bench/RESULTS.md: direct, Braid
# and Portkey (the peer, installed from npm into bench/target/portkey on the first run) side by side.
# Builds the server jar and the bench module first (tests skipped); load goes to 127.0.0.1 only and
# stops by itself. Extra arguments go to dev.braid.bench.Suite:
#   bench/run.sh                   the real run
#   bench/run.sh --quick           every scenario for ~1 s, one round, no npm (what CI's BenchSmokeTest does),
#                                  report in bench/target/
#   bench/run.sh --no-peer         without Portkey
#   bench/run.sh --no-deploy-cost  without the deploy/restart cost scenario (issue #13; several minutes)
#   bench/run.sh --no-micro        without the JMH micro-benchmarks
#   bench/run.sh --deploy-cost-only  only the deploy/restart cost scenario, printed (add --quick first for small sizes)
set -euo pipefail
cd "$(dirname "$0")/.."
# one reactor build, so the classpath points at this checkout's jars, not at whatever ~/.m2 holds
./mvnw -B -q -pl bench -am package dependency:build-classpath -DskipTests -Dmdep.outputFile=target/classpath.txt
out=bench/RESULTS.md
for a in "$@"; do [[ "$a" == "--quick" ]] && out=bench/target/RESULTS-quick.md; done
exec java -cp "bench/target/classes:$(cat bench/target/classpath.txt)" dev.braid.bench.Suite --out "$out" "$@"
