#!/usr/bin/env bash
# Deploys every integ test to the one region the README has the user bootstrap: left to itself,
# integ-runner spreads the tests over us-east-1, us-east-2 and us-west-2.
set -euo pipefail
region="${AWS_REGION:-${AWS_DEFAULT_REGION:-}}"
if [ -z "$region" ]; then
  echo "integ:deploy: set AWS_REGION to the region you bootstrapped with 'npx cdk bootstrap'." >&2
  exit 1
fi
exec integ-runner --directory integ --language typescript --force --no-update-workflow --parallel-regions "$region" "$@"
