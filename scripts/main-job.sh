#!/usr/bin/env bash
# The main job: synthesize every stage (cdk.out), lint the templates, scan them and the CI stacks
# with checkov, and review each stage's changes against its baseline. Exits non-zero if synth fails,
# a template has lint findings, checkov has an unacknowledged finding, or the review finds a change
# that would lose data. It always synthesizes before it reviews, so the
# review never judges templates an earlier synth left behind.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source scripts/env.sh
started=$SECONDS
step() { printf '== %s (%ds)\n' "$1" "$((SECONDS - started))"; }

step "synthesize every stage into cdk.out (cdk-nag runs on each)"
# The CLI ends a multi-stack synth with "Supply a stack id ... to display its template": advice for
# an interactive `cdk synth`, noise here. Everything else it prints (errors included) goes through.
scripts/cdk synth --quiet 2> >(grep -v -E '^Supply a stack id ' >&2)
step "cfn-lint every template"
cfn-lint --config-file .cfnlintrc.yaml cdk.out/*.template.json
step "checkov every stage and the CI stacks (offline; acknowledgments in stacks/checkov_checks.py)"
python scripts/checkov.py
step "review every stage against its baseline"
release review "$@"
