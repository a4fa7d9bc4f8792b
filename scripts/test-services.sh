#!/usr/bin/env bash
# The services the test suite talks to (README, "Build, run, test"), on a Debian machine:
# PostgreSQL at 127.0.0.1:5432, Redis at 127.0.0.1:6379, headless Chromium + ChromeDriver.
# Starts what is installed but stopped; installs Chromium when missing. Idempotent.
set -euo pipefail

if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    # tolerant: "already running" (e.g. pg_isready missing) is fine; the tests report a real absence
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n 1)" main start \
      || echo "could not start PostgreSQL (it may already run)" >&2
  else
    echo "PostgreSQL is not running at 127.0.0.1:5432 and no local cluster was found" >&2
  fi
fi

if ! (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null; then
  if command -v redis-server >/dev/null; then
    mkdir -p /var/lib/redis /var/log/redis
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
      --dir /var/lib/redis --logfile /var/log/redis/ci.log || echo "could not start Redis" >&2
  else
    echo "Redis is not running at 127.0.0.1:6379 and redis-server is not installed" >&2
  fi
fi

# deploy/local-cluster.sh (LocalClusterTest) puts HAProxy in front of two instances
if ! command -v haproxy >/dev/null; then
  apt-get update -qq && apt-get install -y -qq haproxy
fi

if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  apt-get update -qq && apt-get install -y -qq chromium chromium-driver
fi
