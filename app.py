#!/usr/bin/env python3
"""CDK entry point: ``cdk synth|diff|deploy [--context stage=dev|staging|prod]``.

With no ``stage`` every stage is synthesized (so ``cdk deploy`` alone refuses to guess which).
Synth needs no AWS credentials: nothing here calls AWS.
"""

import sys

from aws_cdk import App

from stacks.app_builder import synth_from_context

sys.exit(synth_from_context(App()))
