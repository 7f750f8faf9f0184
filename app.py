#!/usr/bin/env python3
"""CDK entry point: ``cdk synth|diff|deploy [--context stage=dev|staging|prod]``.

With no ``stage`` every stage is synthesized (so ``cdk deploy`` alone refuses to guess which).
Synth needs no AWS credentials: nothing here calls AWS.
"""

import sys

from aws_cdk import App

from stacks.app_builder import build_app
from stacks.stage_config import StageConfigError

app = App()
try:
    build_app(app, stage=app.node.try_get_context("stage"))
except StageConfigError as err:
    print(f"error: {err}", file=sys.stderr)
    sys.exit(1)
app.synth()
