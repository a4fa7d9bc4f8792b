#!/bin/sh
# Invokes the shipped "summarize-and-classify" pipeline: a summary, then sentiment and
# moderation in parallel, combined into one answer.
# Usage: ./summarize-and-classify.sh ["text"]   (BRAID_URL defaults to http://localhost:8080; BRAID_KEY or BRAID_ADMIN_KEY is the API key)
set -eu
BRAID_URL="${BRAID_URL:-http://localhost:8080}"
BRAID_KEY="${BRAID_KEY:-${BRAID_ADMIN_KEY:?set BRAID_KEY (or BRAID_ADMIN_KEY) to an API key}}"
TEXT="${1:-The new release is great. Setup was easy and the team loved the faster builds.}"
ESCAPED=$(printf '%s' "$TEXT" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g')
curl -sS -X POST "$BRAID_URL/v1/pipelines/summarize-and-classify/invoke" \
  -H "Authorization: Bearer $BRAID_KEY" \
  -H 'Content-Type: application/json' \
  -d "{\"input\":{\"text\":\"$ESCAPED\"}}"
echo
