"""The CI stacks, each synthesized once per session, as ``cdk synth --context stage=...`` builds them.

The pipeline is built from a stages.toml variant that uses what the pipeline supports beyond the
project's own file: staging in another account and Region (so its smoke step assumes a role there),
prod in a third account across two Regions (one wave), and a prod review note given to the synth.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, cdk_json_context

PIPELINE_ACCOUNT = "111111111111"
STAGING_ACCOUNT = "222222222222"
PROD_ACCOUNT = "333333333333"
PIPELINE_REGION = "eu-west-1"
STAGING_REGION = "eu-central-1"
PROD_REGIONS = ("us-east-1", "eu-west-1")
REPOSITORY = "octo-org/version-demo"
BRANCH = "main"
CONNECTION = (
    f"arn:aws:codeconnections:{PIPELINE_REGION}:{PIPELINE_ACCOUNT}:connection/12345678-1234-1234-1234-123456789012"
)
SMOKE_ROLE = f"arn:aws:iam::{STAGING_ACCOUNT}:role/version-demo-smoke"
PROD_REVIEW_TEXT = "### Change review: stage prod\n\n**SAFE: 2 changes** (Modify OrderApiFunction, Add OrderApiVersion)"

PIPELINE_CONTEXT = {
    "stage": "pipeline",
    "repository": REPOSITORY,
    "branch": BRANCH,
    "connection_arn": CONNECTION,
    "pipeline_account": PIPELINE_ACCOUNT,
    "pipeline_region": PIPELINE_REGION,
    "smoke_role_arn": SMOKE_ROLE,
}
BOOTSTRAP_CONTEXT = {"stage": "ci-bootstrap", "repository": REPOSITORY, "branch": BRANCH}


@dataclass
class CiSynth:
    """One synthesized CI app: its stack object, its template(s) and its cloud-assembly folder."""

    stack: Any
    outdir: Path

    def template(self, name: str | None = None) -> dict[str, Any]:
        path = self.outdir / f"{name or self.stack.stack_name}.template.json"
        return json.loads(path.read_text())

    def templates(self) -> list[Path]:
        return sorted(self.outdir.glob("*.template.json"))


def multi_account_stages() -> dict[str, Any]:
    from service_model.stages import load_stages

    stages = load_stages()
    stages["staging"] = dataclasses.replace(stages["staging"], account=STAGING_ACCOUNT, region=STAGING_REGION)
    stages["prod"] = dataclasses.replace(stages["prod"], account=PROD_ACCOUNT, regions=PROD_REGIONS)
    return stages


@pytest.fixture(scope="session")
def pipeline_synth(tmp_path_factory: pytest.TempPathFactory) -> CiSynth:
    from stacks.app_builder import build_pipeline, project_app

    review = tmp_path_factory.mktemp("review") / "prod-review.md"
    review.write_text(PROD_REVIEW_TEXT)
    outdir = tmp_path_factory.mktemp("cdk.out.pipeline")
    app = project_app(
        context={**cdk_json_context(), **PIPELINE_CONTEXT, "prod_review": str(review)}, outdir=str(outdir)
    )
    stack = build_pipeline(app, stages=multi_account_stages(), environ={})
    app.synth()
    return CiSynth(stack=stack, outdir=outdir)


@pytest.fixture(scope="session")
def bootstrap_synth(tmp_path_factory: pytest.TempPathFactory) -> CiSynth:
    from stacks.app_builder import build_ci_bootstrap, project_app

    outdir = tmp_path_factory.mktemp("cdk.out.bootstrap")
    app = project_app(context={**cdk_json_context(), **BOOTSTRAP_CONTEXT}, outdir=str(outdir))
    stack = build_ci_bootstrap(app)
    app.synth()
    return CiSynth(stack=stack, outdir=outdir)


def load_yaml(path: Path) -> Any:
    import yaml

    return yaml.safe_load(path.read_text(encoding="utf-8"))


WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
BUILDSPEC = ROOT / "buildspec.yml"
