#!/bin/sh
# Deploy a pipeline on merge, smoke-test it, roll back if the smoke test fails.
#
#   BRAID_SERVER=https://braid.example.com BRAID_KEY=bk_live_... \
#     samples/ci/deploy-and-smoke.sh pipelines/echo.yaml echo '{"text":"smoke test"}'
#
# Exit codes follow the CLI's: 0 deployed and healthy; 1 refused (invalid YAML, bad key); 2 usage;
# 3 server unreachable; 4 the new version failed its smoke test and was rolled back; 5 the smoke
# test failed and there was nothing to roll back to, or the rollback failed.
set -u
usage="usage: deploy-and-smoke.sh FILE NAME SMOKE_INPUT_JSON"
file=${1:?$usage}
name=${2:?$usage}
input=${3:?$usage}
braid=${BRAID_CLI:-"$(dirname -- "$0")/../../bin/braid"}

# 1. validate: every problem is printed as FILE:LINE:COLUMN: PATH: MESSAGE, which CI annotates
"$braid" validate "$file" || exit $?

# 2. remember what is live now (nothing for a brand-new pipeline), to roll back to exactly that
previous=$("$braid" versions "$name" --active 2>/dev/null || true)

# 3. store the YAML as a new version and switch to it; requests in flight finish on the old one
commit=$(git rev-parse --short HEAD 2>/dev/null || echo local)
"$braid" deploy "$file" --activate --message "CI deploy of $commit" || exit $?

# 4. smoke-test the active version; on failure (exit 1, 3 or 4) roll back to the one that was live
"$braid" invoke "$name" --input "$input"
status=$?
if [ "$status" -eq 0 ]; then
  echo "smoke test passed; $name is live"
  "$braid" versions "$name"
  exit 0
fi
echo "smoke test failed (exit $status)" >&2
if [ -z "$previous" ]; then
  echo "$name had no active version before this deploy: nothing to roll back to" >&2
  exit 5
fi
echo "rolling $name back to v$previous" >&2
if "$braid" rollback "$name" --to "$previous"; then
  "$braid" history "$name" >&2
  exit 4
fi
echo "the rollback failed too: act by hand (braid versions $name; braid activate $name V)" >&2
exit 5
