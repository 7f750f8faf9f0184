"""``version-demo-pipeline``: CDK Pipelines delivers every stage, in order, on AWS's own engine.

Source (the GitHub branch, through a CodeConnections connection) -> Synth (the project's set-up, static
checks and tests with JUnit reports, the offline review of prod, then this app's synth) -> the
pipeline updates itself -> Dev -> Staging, then ``release smoke`` against the staging alias ->
a manual approval whose note is the prod review -> Prod, every prod Region in one wave. In every
stage, ``release review --change-set`` reads the real change set between CloudFormation's Prepare
and Deploy, and stops the stage on a change that would lose data.

Each stage deploys to its own account and Region from ``stages.toml`` (``account``, ``region`` or
``regions``); a stage that names none goes where the pipeline lives. Cross-account deploys use the
CDK bootstrap trust: every target account is bootstrapped with ``--trust <pipeline account>``, and
``cross_account_keys`` gives the artifact bucket a KMS key those accounts can use.

Built only with ``--context stage=pipeline``; the default synth never includes it.
"""

from __future__ import annotations

import shlex
from typing import Any

from aws_cdk import CfnResource, Environment, Stack, Stage, pipelines
from aws_cdk import aws_codebuild as codebuild
from aws_cdk import aws_iam as iam
from constructs import Construct

from constructs_lib.nag_acknowledgments import acknowledge
from service_model.api_auth import execute_api_arns
from service_model.naming import PROJECT
from service_model.stages import StageConfig
from stacks.checkov_checks import acknowledge_checkov_findings, acknowledge_pipeline_checkov_findings
from stacks.ci_settings import DEFAULT_QUALIFIER, CiContextError, PipelineSettings
from stacks.nag_checks import acknowledge_findings
from stacks.pipeline_nag import acknowledge_pipeline_findings, partition_of, smoke_findings
from stacks.version_demo_stack import VersionDemoStack

STACK_NAME = f"{PROJECT}-pipeline"
PIPELINE_OUT = "cdk.out.pipeline"
REPORTS = "reports"
PROD_REVIEW = f"{REPORTS}/prod-review.md"
SMOKED_STAGE = "staging"
API_SMOKE = "tests/integration/test_http_api.py"
"""After ``release smoke``: a signed create and read back through the stage's HTTP API, and an unsigned
call refused with 403 (the integration tests, narrowed with -k)."""
API_SMOKE_TESTS = "create_then_read_back or unsigned"
PIPELINE_CHANGE_SET = "PipelineChange"
"""The change set CDK Pipelines' Prepare action creates and its Deploy action executes."""
REVIEW_PROFILE = "review"
APPROVED_STAGE = "prod"

RUNTIMES = {"python": "3.13", "nodejs": "22"}
"""CodeBuild runtimes: Python as the Lambda runtime (stages.toml), Node for the CDK CLI's set-up."""


def junit_reports(group: str) -> dict[str, Any]:
    """A buildspec ``reports`` section: every JUnit file under ``reports/`` goes to the report group."""
    return {group: {"files": ["**/*.xml"], "base-directory": REPORTS, "file-format": "JUNITXML"}}


class ServiceStage(Stage):
    """One stage of the service in one account and Region: the same stack the default synth builds."""

    def __init__(self, scope: Construct, construct_id: str, *, config: StageConfig, env: Environment) -> None:
        super().__init__(scope, construct_id, env=env)
        self.config = config
        self.stack = VersionDemoStack(
            self,
            config.stack_name,
            config=config,
            stack_name=config.stack_name,
            description=f"Version demo service, stage {config.name}",
        )
        acknowledge_findings(self.stack, config)
        acknowledge_checkov_findings(self.stack, config)


class PipelineStack(Stack):
    """The delivery pipeline. Exposes ``pipeline``, ``waves`` (stage name -> wave) and ``service_stages``."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        settings: PipelineSettings,
        stages: dict[str, StageConfig],
        **kwargs: Any,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.settings = settings
        self.source = pipelines.CodePipelineSource.connection(
            settings.trust.repository, settings.trust.branch, connection_arn=settings.connection_arn
        )
        self.pipeline = pipelines.CodePipeline(
            self,
            "Pipeline",
            pipeline_name=f"{PROJECT}-delivery",
            synth=self._synth_step(),
            cross_account_keys=True,
            enable_key_rotation=True,
            code_build_defaults=pipelines.CodeBuildOptions(
                build_environment=codebuild.BuildEnvironment(build_image=codebuild.LinuxBuildImage.STANDARD_7_0),
                partial_build_spec=codebuild.BuildSpec.from_object(
                    {"phases": {"install": {"runtime-versions": RUNTIMES}}}
                ),
            ),
        )
        self.waves: dict[str, pipelines.Wave] = {}
        self._smoke_rules: dict[str, str] = {}
        self.service_stages: dict[str, list[ServiceStage]] = {}
        for config in stages.values():
            self._add_wave(config)
        self.pipeline.build_pipeline()
        self._lint_settings()
        acknowledge_pipeline_findings(self, self.pipeline)
        acknowledge_pipeline_checkov_findings(self, self.pipeline)
        acknowledge(self.pipeline, self._smoke_rules)

    def _lint_settings(self) -> None:
        """cfn-lint's E3703 checks each action's RoleArn against the IAM role ARN format, and cannot evaluate
        the ``Fn::Join`` with ``AWS::Partition`` CDK Pipelines writes for the bootstrap roles (it suggests
        ``Fn::Sub``). CDK's output, not ours: ignored on the pipeline resource only, not on the template."""
        cfn_pipeline = self.pipeline.pipeline.node.default_child
        assert isinstance(cfn_pipeline, CfnResource)
        cfn_pipeline.add_metadata("cfn-lint", {"config": {"ignore_checks": ["E3703"]}})

    def _synth_step(self) -> pipelines.CodeBuildStep:
        """The tests run here, so nothing deploys from a commit whose tests fail; so does the prod review,
        whose text becomes the approval's note when the pipeline updates itself from this synth."""
        context = " ".join(
            [*self.settings.context_arguments(), "--context stage=pipeline", f"--context prod_review={PROD_REVIEW}"]
        )
        return pipelines.CodeBuildStep(
            "Synth",
            input=self.source,
            commands=[
                "bash scripts/setup.sh",
                "bash scripts/checks.sh",
                f"mkdir -p {REPORTS}",
                f".venv/bin/python -m pytest --junit-xml={REPORTS}/unit.xml",
                f".venv/bin/release review --stage {APPROVED_STAGE} --format markdown > {PROD_REVIEW}",
                f"scripts/cdk synth --quiet {context} -o {PIPELINE_OUT}",
            ],
            primary_output_directory=PIPELINE_OUT,
            partial_build_spec=codebuild.BuildSpec.from_object({"reports": junit_reports("unit-tests")}),
        )

    def _add_wave(self, config: StageConfig) -> None:
        pre: list[pipelines.Step] = []
        if config.name == APPROVED_STAGE:
            pre.append(
                pipelines.ManualApprovalStep(f"Approve{config.name.capitalize()}", comment=self.settings.approval_note)
            )
        wave = self.pipeline.add_wave(config.name.capitalize(), pre=pre)
        self.waves[config.name] = wave
        regions = config.deploy_regions(self.settings.region)
        self.service_stages[config.name] = []
        for region in regions:
            stage_id = config.name.capitalize() + (f"-{region}" if len(regions) > 1 else "")
            env = Environment(account=config.account or self.settings.account, region=region)
            stage = ServiceStage(self, stage_id, config=config, env=env)
            post = [self._smoke_step(config, env, stage_id)] if config.name == SMOKED_STAGE else []
            review = pipelines.StackSteps(stack=stage.stack, change_set=[self._review_step(config, env, stage_id)])
            wave.add_stage(stage, post=post, stack_steps=[review])
            self.service_stages[config.name].append(stage)

    def _review_step(self, config: StageConfig, env: Environment, stage_id: str) -> pipelines.CodeBuildStep:
        """``release review --change-set`` between CloudFormation's Prepare and Deploy of the stage's stack:
        the gate the README runs by hand, on the real change set; exit 1 (data loss) stops the stage.

        It reads the change set in the stage's account through that account's CDK bootstrap lookup
        role (read-only; ``cdk bootstrap --trust`` lets the pipeline account assume it).
        """
        region, account = str(env.region), str(env.account)
        lookup_role = (
            f"arn:{partition_of(self)}:iam::{account}:role/cdk-{DEFAULT_QUALIFIER}-lookup-role-{account}-{region}"
        )
        review = (
            f".venv/bin/release review --stage {config.name} --change-set {PIPELINE_CHANGE_SET} "
            f"--stack-name {config.stack_name} --region {region} --profile {REVIEW_PROFILE}"
        )
        return pipelines.CodeBuildStep(
            f"Review-{stage_id}",
            input=self.source,
            commands=["bash scripts/setup.sh", assume_role_profile(REVIEW_PROFILE, lookup_role), review],
            role_policy_statements=[iam.PolicyStatement(actions=["sts:AssumeRole"], resources=[lookup_role])],
        )

    def _smoke_step(self, config: StageConfig, env: Environment, stage_id: str) -> pipelines.CodeBuildStep:
        """``release smoke`` against the stage's API alias, then the signed API smoke (``API_SMOKE``), with
        the credentials that reach its account."""
        region = str(env.region)
        account = str(env.account)
        smoke = (
            f".venv/bin/release smoke --stage {config.name} --alias {config.api_alias} "
            f"--region {region} --junit-xml {REPORTS}/smoke.xml"
        )
        api_smoke = (
            f"AWS_REGION={region} INTEGRATION_STAGE={config.name} .venv/bin/python -m pytest "
            f"--confcutdir=tests/integration {API_SMOKE} -k {shlex.quote(API_SMOKE_TESTS)} "
            f"--junit-xml {REPORTS}/api-smoke.xml"
        )
        commands = ["bash scripts/setup.sh", f"mkdir -p {REPORTS}"]
        if self.settings.smoke_role_arn:
            commands += [
                assume_role_profile("smoke", self.settings.smoke_role_arn),
                f"{smoke} --profile smoke",
                f"AWS_PROFILE=smoke {api_smoke}",
            ]
            statements = [iam.PolicyStatement(actions=["sts:AssumeRole"], resources=[self.settings.smoke_role_arn])]
        elif account != self.settings.account:
            raise CiContextError(
                f"stage {config.name} lives in account {account}, not the pipeline's ({self.settings.account}): "
                "give --context smoke_role_arn=<a role there that trusts the pipeline account> for its smoke test"
            )
        else:
            commands += [smoke, api_smoke]
            statements = _smoke_permissions(self, config, account=account, region=region)
            self._smoke_rules.update(smoke_findings([r for s in statements for r in s.resources]))
        return pipelines.CodeBuildStep(
            f"Smoke-{stage_id}",
            input=self.source,
            commands=commands,
            role_policy_statements=statements,
            partial_build_spec=codebuild.BuildSpec.from_object({"reports": junit_reports("smoke-tests")}),
        )


def assume_role_profile(name: str, role_arn: str) -> str:
    """A shell command adding AWS profile ``name``: ``role_arn`` assumed with the CodeBuild project's credentials."""
    profile = f"[profile {name}]\\nrole_arn = {role_arn}\\ncredential_source = EcsContainer\\n"
    return f"mkdir -p ~/.aws && printf {shlex.quote(profile)} >> ~/.aws/config"


def _smoke_permissions(scope: Stack, config: StageConfig, *, account: str, region: str) -> list[iam.PolicyStatement]:
    """What ``release smoke`` reads and invokes in the stage (same account as the pipeline): every
    function of the service, each through its aliases (it smokes each one's production-safe events)."""
    partition = partition_of(scope)
    functions = [f"arn:{partition}:lambda:{region}:{account}:function:{f.name}" for f in config.functions]
    stack = f"arn:{partition}:cloudformation:{region}:{account}:stack/{config.stack_name}/*"
    statements = [
        iam.PolicyStatement(
            actions=["lambda:InvokeFunction", "lambda:GetAlias"],
            resources=[arn for function in functions for arn in (function, f"{function}:*")],
        ),
        iam.PolicyStatement(actions=["cloudformation:DescribeStacks"], resources=[stack]),
    ]
    if config.api_auth.type == "iam":  # the signed calls of the API smoke (API_SMOKE)
        arns = execute_api_arns(partition=partition, region=region, account=account)
        statements.append(iam.PolicyStatement(actions=["execute-api:Invoke"], resources=arns))
    return statements
