#!/usr/bin/env bash
# The main job: synthesize every stage (cdk.out), lint the templates, and review each stage's
# changes against its baseline. Exits non-zero if synth fails, a template has lint findings, or
# the review finds a change that would lose data.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source scripts/env.sh

echo "== synthesize every stage"
scripts/cdk synth --quiet
echo "== cfn-lint"
cfn-lint --config-file .cfnlintrc.yaml cdk.out/*.template.json
echo "== review against baselines"
python -m release_cli review "$@"
