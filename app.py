#!/usr/bin/env python3
"""CDK entry point: ``cdk synth|diff|deploy [--context stage=dev|staging|prod]``.

With no ``stage`` every stage is synthesized (so ``cdk deploy`` alone refuses to guess which).
Synth needs no AWS credentials: nothing here calls AWS.
"""

import sys

from stacks.app_builder import project_app, synth_from_context

sys.exit(synth_from_context(project_app()))
