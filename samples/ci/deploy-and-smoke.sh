#!/bin/sh
# Deploy a pipeline on merge, smoke-test it, roll back if the smoke test fails.
#
#   BRAID_SERVER=https://braid.example.com BRAID_KEY=bk_live_... \
#     samples/ci/deploy-and-smoke.sh pipelines/customer-feedback.yaml customer-feedback '{"text":"smoke test"}'
#
# Exit codes follow the CLI's: 0 deployed and healthy; 1 refused (invalid YAML, bad key); 3 server
# unreachable; 4 the new version failed its smoke test and was rolled back; 5 the rollback failed too.
set -u
file=${1:?usage: deploy-and-smoke.sh FILE NAME SMOKE_INPUT_JSON}
name=${2:?usage: deploy-and-smoke.sh FILE NAME SMOKE_INPUT_JSON}
input=${3:?usage: deploy-and-smoke.sh FILE NAME SMOKE_INPUT_JSON}
braid=${BRAID_CLI:-"$(dirname -- "$0")/../../bin/braid"}

# 1. validate first: every problem is printed as FILE:LINE:COLUMN: PATH: MESSAGE (CI annotates it)
"$braid" validate "$file" || exit $?

# 2. store the YAML as a new version and switch to it (in-flight requests finish on the old one).
#    --json keeps the answer machine-readable; an identical YAML stores nothing and still activates.
commit=$(git rev-parse --short HEAD 2>/dev/null || echo local)
"$braid" deploy "$file" --activate --message "CI deploy of $commit" || exit $?

# 3. smoke test the now-active version; on any failure, roll back to the previously active version
if "$braid" invoke "$name" --input "$input" > smoke-output.json; then
  echo "smoke test passed; $name is live:"
  "$braid" versions "$name"
  exit 0
else
  status=$?
  echo "smoke test failed (exit $status); rolling back $name" >&2
  cat smoke-output.json >&2
  if "$braid" rollback "$name"; then
    "$braid" history "$name" >&2
    exit 4
  fi
  echo "rollback failed too: act by hand (braid versions $name; braid activate $name V)" >&2
  exit 5
fi
