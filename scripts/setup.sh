#!/usr/bin/env bash
# Sets up everything from the project's own files, then runs the main job (synthesize every stage,
# lint the templates, review the changes against the baselines). Needs no AWS account.
#   1. a virtualenv on the Lambda runtime's Python (3.13) when the machine has it (scripts/lib/find-python.sh)
#   2. uv (pinned in requirements-dev.txt) installs the pinned requirements and the project itself
#      (`pip install -e .`: the `release` command); seconds where pip takes a minute and a half
#   3. the pinned CDK CLI from package-lock.json (npm ci), skipped when node_modules already matches
#   4. checkov, pinned in requirements-checkov.txt, in its own .venv-checkov (skipped when it matches)
#   5. the local AWS emulator, pinned in requirements-emulator.txt, in its own .venv-emulator (likewise)
#   6. scripts/main-job.sh
# Re-running it is safe and fast; a .venv on another Python than the chosen one is rebuilt.
set -euo pipefail
case "${1:-}" in
  -h | --help)
    echo "usage: bash scripts/setup.sh [release review options]"
    echo "Set up .venv and the pinned CDK CLI, then synthesize every stage, cfn-lint them and review them"
    echo "against the baselines (options go to \`release review\`). Exit non-zero if any of it fails."
    exit 0
    ;;
esac
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
started=$SECONDS
step() { printf '== %s (%ds)\n' "$1" "$((SECONDS - started))"; }
quiet_pip() { grep -v -E "^WARNING: Location '.*' is ignored" >&2 || true; }

step "choose Python"
python=$(bash scripts/lib/find-python.sh)
want=$("$python" -c 'import platform; print(platform.python_version())')
if [ -x .venv/bin/python ]; then
  have=$(.venv/bin/python -c 'import platform; print(platform.python_version())' 2>/dev/null || echo broken)
  if [ "$have" != "$want" ]; then
    echo "   .venv is on Python $have, not $want: rebuilding it"
    rm -rf .venv
  fi
fi
if [ ! -x .venv/bin/python ]; then
  step "create .venv"
  "$python" -m venv --without-pip .venv
fi

uv_pin=$(grep -E '^uv==' requirements-dev.txt)
if ! .venv/bin/uv --version 2>/dev/null | grep -q "^uv ${uv_pin#uv==}\b"; then
  step "install $uv_pin into .venv (pip)"
  "$python" -m pip --python .venv/bin/python install --quiet --disable-pip-version-check "$uv_pin" 2> >(quiet_pip)
fi

step "install the pinned Python packages and the project (uv pip install -r requirements-dev.txt -e .)"
# copy: the uv cache may sit on another filesystem; without it uv warns that it falls back to copying.
UV_LINK_MODE=copy .venv/bin/uv pip install --quiet --python .venv/bin/python -r requirements-dev.txt -e .
ln -sf ../../scripts/cdk .venv/bin/cdk  # `cdk` in an activated .venv is the project's pinned CLI on Node 24

lock_stamp=node_modules/.setup-package-lock.sha256
lock_sum=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat "$lock_stamp" 2>/dev/null)" != "$lock_sum" ]; then
  step "install the pinned CDK CLI (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_sum" > "$lock_stamp"
fi

# Tools whose pins conflict with ours get a virtualenv each, on the same Python, holding exactly the
# packages their requirements file pins (uv pip sync); re-synced only when that file changes.
side_venv() {
  local venv=$1 requirements=$2 marker=$3 what=$4
  local stamp="$venv/.setup-$(basename "$requirements").sha256" sum have
  sum=$(sha256sum "$requirements" | cut -d' ' -f1)
  if [ -x "$venv/bin/python" ]; then
    have=$("$venv/bin/python" -c 'import platform; print(platform.python_version())' 2>/dev/null || echo broken)
    if [ "$have" != "$want" ]; then
      echo "   $venv is on Python $have, not $want: rebuilding it"
      rm -rf "$venv"
    fi
  fi
  if [ "$(cat "$stamp" 2>/dev/null)" != "$sum" ] || [ ! -x "$venv/bin/$marker" ]; then
    step "install $what into $venv (uv pip sync $requirements)"
    [ -x "$venv/bin/python" ] || "$python" -m venv --without-pip "$venv"
    UV_LINK_MODE=copy .venv/bin/uv pip sync --quiet --python "$venv/bin/python" "$requirements"
    echo "$sum" > "$stamp"
  fi
}
# checkov (the second scanner): its pins (boto3, packaging, ...) conflict with ours.
side_venv .venv-checkov requirements-checkov.txt checkov "the pinned checkov"
# The local AWS emulator (ministack) for the lab walkthrough: it pins an older botocore. Its Python also
# runs the Lambda handlers it hosts, so it is the Lambda runtime's Python (the one chosen above).
side_venv .venv-emulator requirements-emulator.txt ministack "the pinned AWS emulator"

step "set-up done; the main job"
exec scripts/main-job.sh "$@"
