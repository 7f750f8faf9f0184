"""Shareable Lambda console test events for one function, as code.

The console stores shareable events as an EventBridge schema named ``_<function>-schema`` (type
OpenApi3, events as named examples) in the registry ``lambda-testevent-schemas``. That registry is
one per account and Region, created on first use by the console or another stack, so it cannot be
an ordinary resource of each stage's stack: a custom resource creates it if missing (a conflict
means it exists) and never deletes it, since other functions' events live there too.
"""

from __future__ import annotations

from aws_cdk import Stack
from aws_cdk import aws_eventschemas as eventschemas
from aws_cdk import custom_resources as cr
from constructs import Construct

from constructs_lib.nag_acknowledgments import acknowledge

REGISTRY = "lambda-testevent-schemas"
_PROVIDER_ID = "AWS679f53fac002430cb0da5b7982bd2287"
"""The construct id CDK gives the singleton function behind every AwsCustomResource in a stack."""
_BASIC_EXECUTION_ROLE_FINDING = (
    "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]"
)


def schema_name(function_name: str) -> str:
    """The name the Lambda console looks up for ``function_name``'s shareable events."""
    return f"_{function_name}-schema"


class ConsoleTestEvents(Construct):
    """Keyword-only props: function_name (static), content (the OpenApi3 document as a string).
    Exposes ``schema`` (``CfnSchema``) and ``registry`` (the ensuring custom resource)."""

    def __init__(self, scope: Construct, construct_id: str, *, function_name: str, content: str) -> None:
        super().__init__(scope, construct_id)
        stack = Stack.of(self)
        registry_arn = stack.format_arn(service="schemas", resource="registry", resource_name=REGISTRY)
        create_registry = cr.AwsSdkCall(
            service="Schemas",
            action="createRegistry",
            parameters={"RegistryName": REGISTRY, "Description": "Shareable Lambda console test events"},
            physical_resource_id=cr.PhysicalResourceId.of(REGISTRY),
            ignore_error_codes_matching="ConflictException",
        )
        self.registry = cr.AwsCustomResource(
            self,
            "EnsureRegistry",
            on_create=create_registry,
            on_update=create_registry,
            policy=cr.AwsCustomResourcePolicy.from_sdk_calls(resources=[registry_arn]),
            install_latest_aws_sdk=False,
        )
        self.schema = eventschemas.CfnSchema(
            self,
            "Schema",
            registry_name=REGISTRY,
            schema_name=schema_name(function_name),
            type="OpenApi3",
            content=content,
            description=f"Shareable test events of {function_name} (from test_events/)",
        )
        self.schema.node.add_dependency(self.registry)
        self._acknowledge_provider(stack)

    @staticmethod
    def _acknowledge_provider(stack: Stack) -> None:
        """CDK's shared AwsCustomResource provider function is not ours to configure; say why that is fine."""
        provider = stack.node.try_find_child(_PROVIDER_ID)
        assert provider is not None, "AwsCustomResource did not create its provider function"
        reasons = {
            _BASIC_EXECUTION_ROLE_FINDING: (
                "CDK's AwsCustomResource provider role; it runs only during deploys to call CreateRegistry."
            ),
            "Serverless-LambdaDefaultMemorySize": "CDK's provider makes one SDK call per deploy; 128 MB is enough.",
            "Serverless-LambdaTracing": "CDK's provider makes one SDK call per deploy; nothing there is worth tracing.",
            "Serverless-LambdaDLQ": "CloudFormation waits for the provider's answer; a failed call fails the deploy, "
            "so a dead-letter queue would hold nothing anyone acts on.",
        }
        acknowledge(provider, reasons)
