#!/bin/sh
# Calls the shipped "customer-lookup" pipeline: an enrich step reads the customer from a local CRM,
# a transform step shapes the brief. Needs the stand-in CRM (python3 samples/crm/serve.py) and a server
# started with BRAID_ENRICH_ALLOWED_HOSTS=127.0.0.1:18081.
# Usage: ./customer-lookup.sh   (BRAID_URL defaults to http://localhost:8080; BRAID_KEY or BRAID_ADMIN_KEY is the API key)
set -eu
BRAID_URL="${BRAID_URL:-http://localhost:8080}"
BRAID_KEY="${BRAID_KEY:-${BRAID_ADMIN_KEY:?set BRAID_KEY (or BRAID_ADMIN_KEY) to an API key}}"
curl -sS -X POST "$BRAID_URL/v1/pipelines/customer-lookup/invoke" \
  -H "Authorization: Bearer $BRAID_KEY" \
  -H 'Content-Type: application/json' \
  -d '{"input":{"customerId":"c-42","text":"  Where is my order?  "}}'
echo
