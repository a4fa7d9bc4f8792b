#!/bin/sh
# Deploy a pipeline on merge, smoke-test it, roll back if the smoke test fails.
#
#   BRAID_URL=https://braid.example.com BRAID_DEPLOY_KEY=bk_live_... BRAID_INVOKE_KEY=bk_live_... \
#     samples/ci/deploy-and-smoke.sh pipelines/echo.yaml echo '{"text":"smoke test"}'
#
# Two keys, because CI's natural identities have different roles (braid keys create --role ...):
#   BRAID_DEPLOY_KEY  a deployer key: validate, deploy, activate, roll back (falls back to BRAID_KEY,
#                     then to BRAID_ADMIN_KEY, as the CLI does)
#   BRAID_INVOKE_KEY  an invoker key for the smoke call (falls back to the deploy key, which works only
#                     when that key is an admin key: a deployer key may not invoke)
#   BRAID_URL         the server (BRAID_SERVER, its deprecated name, still works)
#
# Exit codes follow the CLI's for the steps before the smoke test (0 ok, 1 refused (invalid YAML, …),
# 2 usage, 3 server unreachable, 6 a key was refused, 7 not found); then:
#   4  the new version failed its smoke test and was rolled back
#   5  the smoke test failed and there was nothing to roll back to, or the rollback failed
#   6  the smoke call's key was refused (401/403): nothing is rolled back, the version is not at fault
set -u
usage="usage: deploy-and-smoke.sh FILE NAME SMOKE_INPUT_JSON"
file=${1:?$usage}
name=${2:?$usage}
input=${3:?$usage}
braid=${BRAID_CLI:-"$(dirname -- "$0")/../../bin/braid"}
deploy_key=${BRAID_DEPLOY_KEY:-${BRAID_KEY:-}}
invoke_key=${BRAID_INVOKE_KEY:-$deploy_key}

# Keys travel in the environment, never on the command line (where ps would show them). An empty
# BRAID_KEY counts as unset, so the CLI then falls back to BRAID_ADMIN_KEY.
deployer() { BRAID_KEY="$deploy_key" "$braid" "$@"; }
invoker() { BRAID_KEY="$invoke_key" "$braid" "$@"; }

# 1. validate: every problem is printed as FILE:LINE:COLUMN: PATH: MESSAGE, which CI annotates
deployer validate "$file" || exit $?

# 2. remember what is live now (nothing for a brand-new pipeline), to roll back to exactly that
previous=$(deployer versions "$name" --active 2>/dev/null || true)

# 3. store the YAML as a new version and switch to it; requests in flight finish on the old one
commit=$(git rev-parse --short HEAD 2>/dev/null || echo local)
deployer deploy "$file" --activate --message "CI deploy of $commit" || exit $?

# 4. smoke-test the active version with the invoker key
invoker invoke "$name" --input "$input"
status=$?
case $status in
  0)
    echo "smoke test passed; $name is live"
    deployer versions "$name"
    exit 0 ;;
  6)
    # a refused key says nothing about the new version: rolling back would undo a good deploy
    echo "the smoke call's key was refused: set BRAID_INVOKE_KEY to an invoker key (braid keys create --role invoker)" >&2
    echo "$name stays on the version just deployed" >&2
    exit 6 ;;
  2|7)
    # the smoke input is not JSON, or NAME is not the pipeline FILE deploys: the script's call is wrong
    echo "the smoke call itself is wrong (exit $status): check NAME and SMOKE_INPUT_JSON; nothing rolled back" >&2
    exit "$status" ;;
esac

# 1 (the input was refused), 3 (the server failed), 4 (a provider failed it), 8 (the pipeline failed)
echo "smoke test failed (exit $status)" >&2
if [ -z "$previous" ]; then
  echo "$name had no active version before this deploy: nothing to roll back to" >&2
  exit 5
fi
echo "rolling $name back to v$previous" >&2
if deployer rollback "$name" --to "$previous"; then
  deployer history "$name" >&2
  exit 4
fi
echo "the rollback failed too: act by hand (braid versions $name; braid activate $name V)" >&2
exit 5
