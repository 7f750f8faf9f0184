"""The cdk-nag findings CDK Pipelines makes by design, acknowledged one by one, each with its reason.

cdk-nag names a wildcard finding after the exact action or resource (``AwsSolutions-IAM5[Action::s3:List*]``,
``...[Resource::<PipelineArtifactsBucketAEA9A052.Arn>/*]``), and an acknowledgment must match that id.
The ids are computed here from the pipeline's own constructs (logical IDs, account, Region), so a new
kind of wildcard -- one CDK did not make before, or one of ours -- still fails synth.
"""

from __future__ import annotations

from aws_cdk import Stack, pipelines
from aws_cdk import aws_codebuild as codebuild
from constructs import IConstruct

from constructs_lib.nag_acknowledgments import acknowledge

ARTIFACT_ACTIONS = ("s3:Abort*", "s3:DeleteObject*", "s3:GetBucket*", "s3:GetObject*", "s3:List*")
KEY_ACTIONS = ("kms:GenerateDataKey*", "kms:ReEncrypt*")

ARTIFACTS = (
    "CDK's grant of the pipeline's artifact bucket and its KMS key to the pipeline's own roles: they read "
    "and write artifacts of any name under that one bucket, with that one key."
)
BUILD_LOGS = (
    "A CodeBuild project writes its own log streams and JUnit reports; CodeBuild names them at run time "
    "under the project's log group and report-group prefix, so only the suffix is a wildcard."
)
ASSET_PUBLISHING = (
    "CDK Pipelines' asset-publishing role: it assumes the CDK bootstrap file-publishing roles of the "
    "target accounts (named per account and Region) and runs one CodeBuild project per asset."
)
SELF_MUTATION = (
    "CDK Pipelines' self-mutation step assumes the CDK bootstrap roles (cdk-*-role-*) of the pipeline's "
    "account to update the pipeline stack, and reads any stack's state during `cdk deploy`."
)
CROSS_REGION_KEYS = (
    "The pipeline role encrypts artifacts with each other Region's replication key, which CDK refers to "
    "by alias (its ARN is unknown to this stack); that key's own policy limits its use to this pipeline."
)
NO_ACCESS_LOGS = (
    "The artifact bucket holds only the pipeline's transient artifacts, encrypted with its KMS key and "
    "blocked from public access; CloudTrail records its API use, so server access logs add a bucket for nothing."
)
SMOKE = (
    "release smoke invokes the stage's API alias and reads the stage's stack: the function's qualifiers "
    "(function:name:alias) and the stack id CloudFormation generates are the wildcards. The API smoke signs "
    "GET and POST calls to the stage's HTTP API, whose id is generated at deploy: any API's $default stage "
    "in the account and Region, any path, those two methods only."
)


def partition_of(stack: Stack) -> str:
    """The stack's partition as cdk-nag prints it: literal in a stack with a known Region, else a placeholder."""
    resolved = stack.resolve(stack.partition)
    return resolved if isinstance(resolved, str) else "<AWS::Partition>"


def _logical_arn(stack: Stack, construct: IConstruct) -> str:
    return f"<{stack.get_logical_id(construct)}.Arn>"  # type: ignore[arg-type]


def acknowledge_pipeline_findings(stack: Stack, pipeline: pipelines.CodePipeline) -> None:
    """Acknowledge, on ``pipeline`` (which holds every role CDK Pipelines makes), exactly its wildcard findings."""
    arn = f"arn:{partition_of(stack)}"
    where = f"{stack.region}:{stack.account}"
    bucket = pipeline.pipeline.artifact_bucket.node.default_child
    assert bucket is not None
    rules = {f"AwsSolutions-IAM5[Action::{action}]": ARTIFACTS for action in (*ARTIFACT_ACTIONS, *KEY_ACTIONS)}
    rules[f"AwsSolutions-IAM5[Resource::{_logical_arn(stack, bucket)}/*]"] = ARTIFACTS
    for project in pipeline.node.find_all():
        if isinstance(project, codebuild.CfnProject):
            name = f"<{stack.get_logical_id(project)}>"
            rules[f"AwsSolutions-IAM5[Resource::{arn}:logs:{where}:log-group:/aws/codebuild/{name}:*]"] = BUILD_LOGS
            rules[f"AwsSolutions-IAM5[Resource::{arn}:codebuild:{where}:report-group/{name}-*]"] = BUILD_LOGS
    acknowledge(pipeline, rules)
    acknowledge(bucket, {"AwsSolutions-S1": NO_ACCESS_LOGS})
    _acknowledge_cross_region(stack, pipeline)
    # The two steps CDK Pipelines adds itself, acknowledged on those steps only.
    assets, update = pipeline.node.find_child("Assets"), pipeline.node.find_child("UpdatePipeline")
    acknowledge(
        assets,
        {
            f"AwsSolutions-IAM5[Resource::{arn}:logs:{where}:log-group:/aws/codebuild/*]": ASSET_PUBLISHING,
            f"AwsSolutions-IAM5[Resource::{arn}:codebuild:{where}:report-group/*]": ASSET_PUBLISHING,
            "AwsSolutions-IAM5[Resource::*]": ASSET_PUBLISHING,
        },
    )
    acknowledge(
        update,
        {
            "AwsSolutions-IAM5[Resource::*]": SELF_MUTATION,
            f"AwsSolutions-IAM5[Resource::arn:*:iam::{stack.account}:role/*]": SELF_MUTATION,
        },
    )


def _acknowledge_cross_region(stack: Stack, pipeline: pipelines.CodePipeline) -> None:
    """A stage in another Region gets a support stack with a replication bucket and key (CDK's design)."""
    supports = pipeline.pipeline.cross_region_support
    if not supports:
        return
    for support in supports.values():
        bucket = support.replication_bucket
        acknowledge(bucket, {"AwsSolutions-S1": NO_ACCESS_LOGS})
        name = stack.resolve(bucket.bucket_name)
        acknowledge(
            pipeline.pipeline.role,
            {f"AwsSolutions-IAM5[Resource::arn:{partition_of(stack)}:s3:::{name}/*]": ARTIFACTS},
        )
    acknowledge(pipeline.pipeline.role, {"AwsSolutions-IAM5[Resource::*]": CROSS_REGION_KEYS})


def smoke_findings(resources: list[str]) -> dict[str, str]:
    """The smoke step's own wildcards (an alias qualifier, a stack id), as acknowledgment rules."""
    return {f"AwsSolutions-IAM5[Resource::{resource}]": SMOKE for resource in resources if "*" in resource}
