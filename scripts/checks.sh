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
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy app.py service_model stacks constructs_lib release_cli lambda_src/order_api scripts/lib
