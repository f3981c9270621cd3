#!/usr/bin/env bash
# Deploys every integ test to the one region the README has the user bootstrap: left to itself,
# integ-runner spreads the tests over us-east-1, us-east-2 and us-west-2.
set -euo pipefail
region="${AWS_REGION:-${AWS_DEFAULT_REGION:-}}"
if [ -z "$region" ]; then
  echo "integ:deploy: set AWS_REGION to the region you bootstrapped with 'npx cdk bootstrap'." >&2
  exit 1
fi
runner=(integ-runner --directory integ --language typescript --force --no-update-workflow --parallel-regions "$region")
# The front-door test's certificate validates only in a public zone of yours (docs/testing.md):
# without one, its placeholder zone would leave the deployment waiting, so it is left out.
if [ $# -eq 0 ] && [ -z "${FRONT_DOOR_ZONE_NAME:-}" ]; then
  echo "integ:deploy: leaving out integ.front-door.ts; set FRONT_DOOR_ZONE_NAME and FRONT_DOOR_ZONE_ID to a public hosted zone of the account to deploy it too." >&2
  exec "${runner[@]}" --exclude integ.front-door.ts
fi
exec "${runner[@]}" "$@"
