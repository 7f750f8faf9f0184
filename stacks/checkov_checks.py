"""The checkov findings we accept, each on the resources that make it expected, with its reason.

checkov (``scripts/checkov.py``, run by the main job) scans every synthesized stage and the CI stacks;
a finding that is neither fixed nor acknowledged here fails it. This is the one reviewed place for
checkov's acknowledgments, next to cdk-nag's (``stacks/nag_checks.py``, ``stacks/pipeline_nag.py``):
each rule names the construct or resource type it applies to inside this app, never a whole stack or
a check id everywhere (no ``--skip-check``). The README's table lists them, and a test keeps the two equal.
"""

from __future__ import annotations

from typing import TypeVar

from aws_cdk import Stack, pipelines
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sqs as sqs
from constructs import IConstruct

from constructs_lib.checkov_acknowledgments import acknowledge_checkov
from service_model.stages import StageConfig
from stacks.nag_checks import SCHEDULE_DLQ, STREAM_ON_FAILURE, SYNCHRONOUS_ONLY
from stacks.version_demo_stack import VersionDemoStack

CDK_PROVIDER_ID = "AWS679f53fac002430cb0da5b7982bd2287"
"""The construct id CDK gives the singleton function behind every AwsCustomResource in a stack."""

NO_VPC = (
    "The function reaches only AWS service APIs (DynamoDB, Lambda, CodeDeploy, CloudWatch, X-Ray) over "
    "their public endpoints with IAM-signed TLS requests and no private resource exists to reach; a VPC "
    "would add NAT gateways or interface endpoints and cold-start cost and protect nothing."
)
NO_PITR = (
    "Point-in-time recovery is a per-stage setting in stages.toml; only prod keeps continuous backups, "
    "and this stage's tables hold test data (the same choice cdk-nag's DDB3 acknowledgment records)."
)
NO_RESERVATION = (
    "The stage reserves no concurrency for this function (stages.toml reserved_concurrency, set in prod): "
    "Lambda keeps 100 executions unreserved, so a reservation fails in an account with the new-account "
    "quota, and the API stage's throttle bounds what callers can start."
)
SQS_MANAGED_ENCRYPTION = (
    "The queue is encrypted at rest with SQS-managed keys (SqsManagedSseEnabled), which this check does not "
    "recognize; it holds only failure descriptions (stream positions, CodeDeploy hook events), no order data."
)
NO_STAGE_KEY = (
    "This stage has customer_managed_key = false in stages.toml: its tables go with the stack and hold test "
    "data, so AWS-managed keys encrypt them, their log groups and environments; staging and prod use their key."
)
PROVIDER_NO_VPC = (
    "CDK's AwsCustomResource provider function makes one Schemas CreateRegistry call per deploy over the "
    "public AWS endpoint; it reaches no private resource, so a VPC would protect nothing."
)
PROVIDER_NO_DLQ = (
    "CloudFormation invokes CDK's AwsCustomResource provider function during a deploy and waits for its "
    "answer; the handler reports any error to CloudFormation, which fails the deploy, so a dead-letter "
    "queue would hold nothing anyone acts on."
)
PROVIDER_NO_CONCURRENCY_LIMIT = (
    "CDK's AwsCustomResource provider function runs only when CloudFormation creates or updates the "
    "custom resource, once per deploy; reserving concurrency for it would only take from the account's pool."
)
PROVIDER_LOG_GROUP_KEY = (
    "CDK's AwsCustomResource provider log group holds only its own deploy-time request and response log "
    "lines (the registry name), no service data; CloudWatch Logs encrypts it at rest with its own key."
)
ARTIFACTS_NO_ACCESS_LOGS = (
    "The artifact bucket holds only the pipeline's transient artifacts, encrypted with its KMS key and "
    "blocked from public access; CloudTrail records its API use, so server access logs add a bucket for nothing."
)
ARTIFACTS_NO_VERSIONING = (
    "CodePipeline writes every artifact of every execution under a new unique key and never overwrites "
    "one; an artifact is rebuilt from the source commit, so versions would only keep copies nobody reads."
)
ASSET_PUBLISHING_START_BUILD = (
    "CDK Pipelines' asset-publishing role starts and stops the pipeline's own asset CodeBuild projects, "
    "whose names CDK generates at synth; CodeBuild's StartBuild on '*' is CDK's grant, not ours."
)

CROSS_REGION_KEYS = (
    "The pipeline role encrypts artifacts with each other Region's replication key, which CDK refers to by "
    "alias (its ARN is unknown to this stack), hence kms:Encrypt on '*'; that key's own policy limits its use."
)


def _functions(stack: VersionDemoStack) -> list[lambda_.Function]:
    """Every function of the stage the service runs: each service function and its pre-traffic hooks."""
    found: list[lambda_.Function] = []
    for service_function in stack.functions.values():
        found.append(service_function.function.function)
        found.extend(hook.function for hook in service_function.hooks.values())
    return found


T = TypeVar("T")


def _of_type(scope: IConstruct, kind: type[T]) -> list[T]:
    return [node for node in scope.node.find_all() if isinstance(node, kind)]


def acknowledge_checkov_findings(stack: VersionDemoStack, config: StageConfig) -> None:
    """Acknowledge, on the resources of one stage stack, exactly the checkov findings its design and
    settings make expected; everything else checkov finds fails the main job."""
    for function in _functions(stack):
        acknowledge_checkov(function, {"CKV_AWS_117": NO_VPC})
        cfn_function = function.node.default_child
        assert isinstance(cfn_function, lambda_.CfnFunction)
        if cfn_function.reserved_concurrent_executions is None:
            acknowledge_checkov(function, {"CKV_AWS_115": NO_RESERVATION})
        if stack.key is None:
            acknowledge_checkov(function, {"CKV_AWS_173": NO_STAGE_KEY})
    for service_function in stack.functions.values():
        own_dlq = SYNCHRONOUS_ONLY  # its hooks have a dead-letter queue: CodeDeploy invokes them asynchronously
        if service_function.stream is not None:
            own_dlq = STREAM_ON_FAILURE
        elif service_function.schedule is not None:
            own_dlq = SCHEDULE_DLQ
        acknowledge_checkov(service_function.function.function, {"CKV_AWS_116": own_dlq})
        for queue in _of_type(service_function, sqs.CfnQueue):
            if queue.sqs_managed_sse_enabled:
                acknowledge_checkov(queue, {"CKV_AWS_27": SQS_MANAGED_ENCRYPTION})
        if stack.key is None:
            for log_group in _of_type(service_function, logs.CfnLogGroup):
                acknowledge_checkov(log_group, {"CKV_AWS_158": NO_STAGE_KEY})
    if stack.key is None:
        for table in _of_type(stack.tables, dynamodb.CfnTable):
            acknowledge_checkov(table, {"CKV_AWS_119": NO_STAGE_KEY})
    if not config.point_in_time_recovery:
        for table in _of_type(stack.tables, dynamodb.CfnTable):
            acknowledge_checkov(table, {"CKV_AWS_28": NO_PITR})
    acknowledge_cdk_provider(stack)


def acknowledge_cdk_provider(stack: Stack) -> None:
    """CDK's singleton AwsCustomResource provider (function and log group), when the stack has one: CDK
    configures it, not us, and it runs once per deploy."""
    provider = stack.node.try_find_child(CDK_PROVIDER_ID)
    if provider is None:
        return
    acknowledge_checkov(
        provider,
        {"CKV_AWS_117": PROVIDER_NO_VPC, "CKV_AWS_116": PROVIDER_NO_DLQ, "CKV_AWS_115": PROVIDER_NO_CONCURRENCY_LIMIT},
    )
    for log_group in _of_type(provider, logs.CfnLogGroup):
        acknowledge_checkov(log_group, {"CKV_AWS_158": PROVIDER_LOG_GROUP_KEY})


def acknowledge_pipeline_checkov_findings(stack: Stack, pipeline: pipelines.CodePipeline) -> None:
    """The findings CDK Pipelines makes by design: its artifact buckets (the pipeline's and each other
    Region's replication bucket), the pipeline role's grant of the other Regions' keys (only when a stage
    lives in another Region) and its asset-publishing role's CodeBuild grant."""
    buckets: list[s3.IBucket] = [pipeline.pipeline.artifact_bucket]
    buckets += [support.replication_bucket for support in pipeline.pipeline.cross_region_support.values()]
    for bucket in buckets:
        acknowledge_checkov(bucket, {"CKV_AWS_18": ARTIFACTS_NO_ACCESS_LOGS, "CKV_AWS_21": ARTIFACTS_NO_VERSIONING})
    if pipeline.pipeline.cross_region_support:
        for policy in _of_type(pipeline.pipeline.role, iam.CfnPolicy):
            acknowledge_checkov(policy, {"CKV_AWS_111": CROSS_REGION_KEYS})
    assets = pipeline.node.find_child("Assets")
    for policy in _of_type(assets, iam.CfnPolicy):
        acknowledge_checkov(policy, {"CKV_AWS_111": ASSET_PUBLISHING_START_BUILD})
