#!/usr/bin/env bash
# Static checks the project runs in CI: ruff (lint + format) and mypy on the app, CLI and Lambda code.
set -euo pipefail
case "${1:-}" in
  -h | --help)
    echo "usage: bash scripts/checks.sh"
    echo "Static checks: ruff (lint and format) and mypy. Exit non-zero on any finding."
    exit 0
    ;;
esac
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# mypy spends about a minute on aws-cdk-lib's types with a cold cache and about a second with a warm
# one. The cache lives outside the checkout (like pip's and npm's) so a fresh clone on the same
# machine starts warm; mypy checks every cached module's content hash, so a stale entry is rechecked,
# never trusted. MYPY_CACHE_DIR, when set, wins.
export MYPY_CACHE_DIR="${MYPY_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/version-demo/mypy}"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy app.py service_model stacks constructs_lib release_cli lambda_src/order_api scripts/lib scripts/checkov.py scripts/emulator.py
# Each Lambda asset is its own top-level (handler.py, version.py): one mypy run per asset, or the names collide.
.venv/bin/mypy lambda_src/order_worker
