#!/usr/bin/env bash
# Static checks the project runs in CI: ruff (lint + format) and mypy on the app, CLI and Lambda code.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy app.py service_model stacks constructs_lib release_cli lambda_src/order_api scripts/lib
