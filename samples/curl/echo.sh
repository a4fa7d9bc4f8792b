#!/bin/sh
# Invokes the shipped "echo" pipeline: the envelope's output is the input you sent.
# Usage: ./echo.sh            (BRAID_URL defaults to http://localhost:8080)
set -eu
BRAID_URL="${BRAID_URL:-http://localhost:8080}"
curl -sS -X POST "$BRAID_URL/v1/pipelines/echo/invoke" \
  -H 'Content-Type: application/json' \
  -d '{"input":{"text":"hello, Braid","tags":["demo"]}}'
echo
