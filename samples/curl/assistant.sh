#!/bin/sh
# Calls the shipped "assistant" pipeline the way any OpenAI SDK would: model "pipeline/assistant".
# The email is masked before the model sees it and restored in the answer (the mock model echoes).
# Usage: ./assistant.sh       (BRAID_URL defaults to http://localhost:8080; BRAID_KEY or BRAID_ADMIN_KEY is the API key)
set -eu
BRAID_URL="${BRAID_URL:-http://localhost:8080}"
BRAID_KEY="${BRAID_KEY:-${BRAID_ADMIN_KEY:?set BRAID_KEY (or BRAID_ADMIN_KEY) to an API key}}"
curl -sS -X POST "$BRAID_URL/v1/chat/completions" \
  -H "Authorization: Bearer $BRAID_KEY" \
  -H 'Content-Type: application/json' \
  -d '{"model":"pipeline/assistant","messages":[{"role":"user","content":"Please reply to jane.doe@example.com"}]}'
echo
