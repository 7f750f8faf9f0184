#!/usr/bin/env bash
# Deploys one stage the way the README does it by hand, for CI (buildspec.yml, .github/workflows):
#   1. cdk deploy --method=prepare-change-set   (CloudFormation computes the real change set)
#   2. release review --change-set              (exit 1 on a change that would lose data: nothing is
#                                                executed and the change set is deleted)
#   3. cdk deploy --method=execute-change-set   (CodeDeploy then shifts the alias as stages.toml says)
#   4. the stack's outputs (ApiUrl, FunctionName, NewVersion, ...)
# A commit that changes nothing in the stage makes no change set: the script says so and succeeds.
# Needs `bash scripts/setup.sh` first and credentials for the stage's account (OIDC, CodeBuild's role).
# CDK, RELEASE and AWS name the three commands it runs (default: the project's pinned CDK CLI, the
# project's release CLI, the AWS CLI); the tests replace them with recorders.
set -euo pipefail

usage() {
  cat <<'EOF'
usage: scripts/ci/deploy-stage.sh STAGE [CHANGE_SET_NAME]

Deploy stage STAGE (dev, staging, prod) through a change set that `release review` checks first.
CHANGE_SET_NAME defaults to ci-<UTC time>; CI passes its run id so a change set names its build.
The Region is the stage's `region` in stages.toml, else AWS_REGION / AWS_DEFAULT_REGION.
Exit codes: 0 deployed (or nothing to change), 1 the review refused the change set, 2 bad input or
the change set could not be read (nothing reviewed or deployed).
EOF
}

case "${1:-}" in
  -h | --help) usage; exit 0 ;;
  "") usage >&2; exit 2 ;;
esac
stage=$1
change_set=${2:-ci-$(date -u +%Y%m%d%H%M%S)}
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
cdk=${CDK:-scripts/cdk}
release=${RELEASE:-.venv/bin/release}
aws=${AWS:-aws}
if [ ! -x "$release" ]; then
  echo "error: the project is not set up here; run \`bash scripts/setup.sh\` first" >&2
  exit 2
fi

# Stack name and Region from the one place a stage is described (an unknown stage exits 2 here).
stage_info=$(.venv/bin/python - "$stage" <<'PY'
import sys
from service_model.stages import StageConfigError, load_stage
try:
    config = load_stage(sys.argv[1])
except StageConfigError as err:
    sys.exit(f"error: {err}")
print(config.stack_name, config.region or "-")
PY
) || exit 2
read -r stack region <<<"$stage_info"
if [ "$region" != "-" ]; then
  export AWS_REGION="$region" AWS_DEFAULT_REGION="$region"
fi

cdk_deploy() { "$cdk" deploy "$stack" --context stage="$stage" --require-approval never "$@"; }

echo "== prepare change set $change_set of $stack"
cdk_deploy --method=prepare-change-set --change-set-name "$change_set"
# The CDK CLI deletes a change set that changes nothing, so only ChangeSetNotFound means "nothing to
# deploy"; any other failure to read it (access denied, throttling, a wrong Region) is an error: the
# stage was neither reviewed nor deployed, and CI must not say it was.
if ! describe_error=$("$aws" cloudformation describe-change-set --stack-name "$stack" --change-set-name "$change_set" 2>&1 >/dev/null); then
  if ! grep -q "ChangeSetNotFound" <<<"$describe_error"; then
    echo "error: could not read change set $change_set of $stack, so nothing was reviewed or deployed: $describe_error" >&2
    exit 2
  fi
  echo "== no change set: $stack already matches this commit"
else
  echo "== review change set $change_set"
  status=0
  "$release" review --stage "$stage" --change-set "$change_set" || status=$?
  if [ "$status" -ne 0 ]; then
    "$aws" cloudformation delete-change-set --stack-name "$stack" --change-set-name "$change_set" || true
    echo "error: the review refused change set $change_set of $stack (deleted it; nothing was deployed)" >&2
    exit "$status"
  fi
  echo "== execute change set $change_set"
  cdk_deploy --method=execute-change-set --change-set-name "$change_set"
fi
echo "== outputs of $stack"
"$aws" cloudformation describe-stacks --stack-name "$stack" --query 'Stacks[0].Outputs' --output table
