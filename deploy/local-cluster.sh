#!/usr/bin/env bash
# local-cluster.sh: deploy/compose.yaml's topology as plain processes, no Docker, and a smoke test:
# two Braid instances (bin/braid-server, the image's launcher) on one PostgreSQL database and one Redis,
# behind HAProxy with deploy/haproxy/haproxy.cfg. A pipeline deployed on instance 1 must be served by
# instance 2 (registry notifications) and calls through the balancer must reach both.
#
# Needs: the server jar (./mvnw -DskipTests package), PostgreSQL on $PGHOST:$PGPORT (user postgres,
# trust or PGPASSWORD; a fresh database braid_cluster_<pid> is created and dropped), Redis on 6379,
# haproxy (apt-get install -y haproxy), curl, psql.
#   deploy/local-cluster.sh          # start, smoke-test, stop (exit 0 when the smoke test passes)
#   KEEP=1 deploy/local-cluster.sh   # leave it running after the smoke test; Ctrl-C stops it
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
export PGHOST PGPORT PGUSER
REDIS_URI=${REDIS_URI:-redis://127.0.0.1:6379/9}   # database 9: apart from the test suite's keys
LB_PORT=${LB_PORT:-18180} PORT_1=${PORT_1:-18181} PORT_2=${PORT_2:-18182}
CALLS=${CALLS:-10}
db=braid_cluster_$$
work=$(mktemp -d "${TMPDIR:-/tmp}/braid-cluster.XXXXXX")
admin_key=bk_live_cluster$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
secret_key=$(head -c 32 /dev/urandom | base64)
pids=()

for tool in haproxy psql curl; do
  command -v "$tool" >/dev/null || { echo "local-cluster: $tool is missing (apt-get install -y haproxy postgresql-client curl)" >&2; exit 2; }
done
[ -f "$root/dashboard-api/target/braid-server.jar" ] || { echo "local-cluster: build first: ./mvnw -DskipTests package" >&2; exit 2; }

stop() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  psql -q -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true
  [ -n "${KEEP_LOGS:-}" ] && echo "logs in $work" || rm -rf "$work"
}
trap stop EXIT
trap 'exit 130' INT TERM

ms() { date +%s%3N; }
t0=$(ms)
psql -q -d postgres -c "CREATE DATABASE $db" >/dev/null

start_instance() { # name port
  mkdir -p "$work/$1"
  # the compose file's environment, with local addresses
  (cd "$work/$1" && exec env \
    MICRONAUT_SERVER_PORT="$2" \
    DATASOURCES_DEFAULT_URL="jdbc:postgresql://$PGHOST:$PGPORT/$db" \
    DATASOURCES_DEFAULT_USERNAME="$PGUSER" DATASOURCES_DEFAULT_PASSWORD="${PGPASSWORD:-postgres}" \
    DATASOURCES_DEFAULT_DRIVER_CLASS_NAME=org.postgresql.Driver \
    BRAID_REDIS_URI="$REDIS_URI" BRAID_ADMIN_KEY="$admin_key" BRAID_SECRET_KEY="$secret_key" \
    BRAID_JAVA_OPTS="${BRAID_JAVA_OPTS:--Xmx256m}" \
    "$root/bin/braid-server" >"$work/$1.log" 2>&1) &
  pids+=($!)
}
start_instance braid-1 "$PORT_1"
start_instance braid-2 "$PORT_2"

sed -e "s/bind :8080/bind 127.0.0.1:$LB_PORT/" \
    -e "s/braid-1:8080/127.0.0.1:$PORT_1/" -e "s/braid-2:8080/127.0.0.1:$PORT_2/" \
    "$root/deploy/haproxy/haproxy.cfg" >"$work/haproxy.cfg"
haproxy -f "$work/haproxy.cfg" -db >"$work/haproxy.log" 2>&1 &
pids+=($!)

wait_health() { # url
  for _ in $(seq 1 240); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$1/health")" = 200 ] && return 0
    sleep 0.5
  done
  echo "local-cluster: $1/health never answered 200" >&2; tail -30 "$work"/braid-*.log >&2; return 1
}
wait_health "http://127.0.0.1:$PORT_1"; wait_health "http://127.0.0.1:$PORT_2"
sleep 2.5  # HAProxy's first check round (inter 2s) marks both up
wait_health "http://127.0.0.1:$LB_PORT"
echo "up: 2 instances and the balancer in $(( $(ms) - t0 )) ms (database $db)"

auth="Authorization: Bearer $admin_key"
pipeline="apiVersion: braid/v1
kind: Pipeline
name: cluster-smoke
input: { type: object }
steps:
  - id: shout
    transform: { jsonata: '{\"text\": \$uppercase(input.text)}' }"
deployed=$(curl -s -w ' %{http_code}' -H "$auth" -H 'Content-Type: application/yaml' \
  -X POST "http://127.0.0.1:$PORT_1/api/pipelines" --data-binary "$pipeline")
case $deployed in *' 201') ;; *) echo "local-cluster: deploy on braid-1 failed: $deployed" >&2; exit 1 ;; esac
deployed_at=$(ms)
echo "deployed cluster-smoke v1 on braid-1"

invoke() { # base-url → prints "status instance body"
  curl -s -D "$work/headers" -o "$work/body" -w '%{http_code}' -H "$auth" -H 'Content-Type: application/json' \
    -X POST "$1/v1/pipelines/cluster-smoke/invoke" -d '{"input":{"text":"hello cluster"}}'
  printf ' %s %s\n' "$(tr -d '\r' <"$work/headers" | sed -n 's/^[Xx]-[Bb]raid-[Ii]nstance: //p')" "$(cat "$work/body")"
}
# the other instance learns of the deploy from PostgreSQL (NOTIFY, else its reconcile interval)
for _ in $(seq 1 100); do
  case $(invoke "http://127.0.0.1:$PORT_2") in 200*) break ;; esac
  sleep 0.1
done
echo "braid-2 serves it $(( $(ms) - deployed_at )) ms after the deploy on braid-1"

declare -A seen=()
for i in $(seq 1 "$CALLS"); do
  read -r status instance body < <(invoke "http://127.0.0.1:$LB_PORT")
  echo "call $i through the balancer: $status from $instance: $body"
  [ "$status" = 200 ] || { echo "local-cluster: call $i failed" >&2; exit 1; }
  case $body in *'"text":"HELLO CLUSTER"'*) ;; *) echo "local-cluster: wrong output" >&2; exit 1 ;; esac
  seen[$instance]=1
done
[ -n "${seen[braid-1]:-}" ] && [ -n "${seen[braid-2]:-}" ] || { echo "local-cluster: not both instances answered: ${!seen[*]}" >&2; exit 1; }

# usage from both instances lands in the one database
sleep 1
rows=$(psql -tA -d "$db" -c "SELECT count(*) FROM usage_records WHERE pipeline = 'cluster-smoke'" 2>/dev/null || echo '?')
echo "smoke test passed: $CALLS calls, both instances answered; usage rows in PostgreSQL: $rows; total $(( $(ms) - t0 )) ms"

if [ -n "${KEEP:-}" ]; then
  echo "running: balancer http://127.0.0.1:$LB_PORT, admin key $admin_key; Ctrl-C stops"
  wait
fi
