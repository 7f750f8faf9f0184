#!/usr/bin/env bash
# Sets up everything from the project's own files (virtualenv with pinned Python deps, the pinned CDK
# CLI from package-lock.json, Node 24 from PyPI for jsii and the CLI), then runs the main job:
# synthesize every stage and review the changes. Needs no AWS account.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

python=$(command -v python3.11 || command -v python3)
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
npm ci --no-audit --no-fund --loglevel=error

exec scripts/main-job.sh "$@"
