#!/bin/sh
# Invokes the shipped "customer-feedback" pipeline: mask -> guard -> reply, photo and mood in
# parallel -> aggregate. Runs offline on the mock and local providers.
# Usage: ./customer-feedback.sh ["your feedback text"]   (BRAID_URL defaults to http://localhost:8080; BRAID_KEY or BRAID_ADMIN_KEY is the API key)
set -eu
BRAID_URL="${BRAID_URL:-http://localhost:8080}"
BRAID_KEY="${BRAID_KEY:-${BRAID_ADMIN_KEY:?set BRAID_KEY (or BRAID_ADMIN_KEY) to an API key}}"
TEXT="${1:-The lamp arrived cracked and I am really disappointed. Email me at jane.doe@example.com.}"
# a 1x1 PNG, so the photo branch runs; leave "image" out and the branch is skipped
IMAGE='data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=='
# JSON-escape the text (backslashes and quotes) so any feedback can be passed
ESCAPED=$(printf '%s' "$TEXT" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g')
curl -sS -X POST "$BRAID_URL/v1/pipelines/customer-feedback/invoke" \
  -H "Authorization: Bearer $BRAID_KEY" \
  -H 'Content-Type: application/json' \
  -d "{\"input\":{\"text\":\"$ESCAPED\",\"image\":\"$IMAGE\"}}"
echo
