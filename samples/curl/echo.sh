#!/bin/sh
# Invokes the shipped "echo" pipeline: the envelope's output is the input you sent.
# Usage: ./echo.sh            (BRAID_URL defaults to http://localhost:8080; BRAID_KEY or BRAID_ADMIN_KEY is the API key)
set -eu
BRAID_URL="${BRAID_URL:-http://localhost:8080}"
BRAID_KEY="${BRAID_KEY:-${BRAID_ADMIN_KEY:?set BRAID_KEY (or BRAID_ADMIN_KEY) to an API key}}"
curl -sS -X POST "$BRAID_URL/v1/pipelines/echo/invoke" \
  -H "Authorization: Bearer $BRAID_KEY" \
  -H 'Content-Type: application/json' \
  -d '{"input":{"text":"hello, Braid","tags":["demo"]}}'
echo
