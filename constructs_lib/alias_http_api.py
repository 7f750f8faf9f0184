"""An HTTP API whose only integration invokes a Lambda alias, never the bare function.

Consumers call the alias so that promoting or rolling back is an alias update, not a
reconfiguration of every consumer (the seed's Part II). Access logs go to a log group with a
retention, and the default stage is throttled so a runaway client cannot exhaust concurrency.
Its one route is authorized as the stage's ``api_auth`` says (``service_model.api_auth``): ``iam``
answers an unsigned request with 403 before the function runs, ``jwt`` a request without a valid
token with 401; only ``none`` (never in production) leaves it open.
"""

from __future__ import annotations

from aws_cdk import RemovalPolicy
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_apigatewayv2_authorizers as authorizers
from aws_cdk import aws_apigatewayv2_integrations as integrations
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from service_model.api_auth import ApiAuth

ACCESS_LOG_FORMAT = (
    '{"requestId":"$context.requestId","ip":"$context.identity.sourceIp","requestTime":"$context.requestTime",'
    '"method":"$context.httpMethod","path":"$context.path","status":"$context.status",'
    '"latencyMs":"$context.responseLatency","integrationError":"$context.integrationErrorMessage"}'
)


class AliasHttpApi(Construct):
    """HTTP API (payload format 2.0) with a ``$default`` route to ``alias``.

    Keyword-only props: api_name, alias, auth (default ``iam``), throttle_rate (default 100 req/s),
    throttle_burst (default 200), log_retention (default one month), encryption_key (the access logs';
    default AWS-managed). Exposes ``api``, ``url`` and ``auth``.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        api_name: str,
        alias: lambda_.IFunction,
        auth: ApiAuth | None = None,
        throttle_rate: int = 100,
        throttle_burst: int = 200,
        log_retention: logs.RetentionDays = logs.RetentionDays.ONE_MONTH,
        encryption_key: kms.IKey | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        self.auth = auth or ApiAuth()
        self.api = apigwv2.HttpApi(
            self,
            "Api",
            api_name=api_name,
            default_integration=integrations.HttpLambdaIntegration("AliasIntegration", alias),
            default_authorizer=route_authorizer(self.auth),
        )
        access_logs = logs.LogGroup(
            self,
            "AccessLogs",
            retention=log_retention,
            removal_policy=RemovalPolicy.DESTROY,
            encryption_key=encryption_key,
        )
        stage = self.api.default_stage.node.default_child  # type: ignore[union-attr]
        assert isinstance(stage, apigwv2.CfnStage)
        stage.access_log_settings = apigwv2.CfnStage.AccessLogSettingsProperty(
            destination_arn=access_logs.log_group_arn, format=ACCESS_LOG_FORMAT
        )
        stage.default_route_settings = apigwv2.CfnStage.RouteSettingsProperty(
            throttling_rate_limit=throttle_rate, throttling_burst_limit=throttle_burst
        )
        self.url = self.api.api_endpoint


def route_authorizer(auth: ApiAuth) -> apigwv2.IHttpRouteAuthorizer | None:
    """CDK's authorizer for ``auth``; None leaves the route open (``AuthorizationType: NONE``)."""
    if auth.type == "iam":
        return authorizers.HttpIamAuthorizer()
    if auth.type == "jwt":
        return authorizers.HttpJwtAuthorizer("JwtAuthorizer", auth.issuer, jwt_audience=list(auth.audiences))
    return None
