"""CodeDeploy BeforeAllowTraffic hook for the Order API (``hook.lambda_handler``).

Invokes the version a deployment is about to shift traffic to with the production-safe test events,
compares each response with its expectation, and reports ``Succeeded`` only if every one matched,
so a version that fails its own events never receives traffic. Anything unexpected (missing
configuration, an AppSpec that does not name our function, a crashed invocation) reports ``Failed``.

Environment (set by the CDK construct):
    FUNCTION_NAME   the Order API function's name (not ARN)
    ALIAS_NAME      the alias this deployment group shifts
    EVENTS_JSON     JSON array of {name, payload, expected} (service_model.test_events.events_for_hook)
IAM: codedeploy:GetDeployment and codedeploy:PutLifecycleEventHookExecutionStatus on the deployment
group; lambda:InvokeFunction on ``arn:...:function:<FUNCTION_NAME>:*`` (versions only).
"""

from __future__ import annotations

import json
import logging
import os
from typing import Any

import boto3
from botocore.config import Config
from pre_traffic.checks import CheckResult, parse_events, run_checks
from pre_traffic.target_version import find_target

LOGGER = logging.getLogger("pre_traffic_hook")
LOGGER.setLevel(logging.INFO)
logging.getLogger("pre_traffic").setLevel(logging.INFO)

# A test invocation may take the function's whole timeout. botocore counts max_attempts as retries after
# the first call: two retries, three attempts in all, cover a transient failure.
LAMBDA_CONFIG = Config(retries={"mode": "standard", "max_attempts": 2}, read_timeout=30, connect_timeout=3)
CODEDEPLOY_CONFIG = Config(retries={"mode": "standard", "max_attempts": 5})

_clients: dict[str, Any] = {}


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    deployment_id = event["DeploymentId"]
    execution_id = event["LifecycleEventHookExecutionId"]
    codedeploy = _client("codedeploy", CODEDEPLOY_CONFIG)
    status = verify(codedeploy, _client("lambda", LAMBDA_CONFIG), deployment_id, os.environ)
    report(codedeploy, deployment_id, execution_id, status)
    return {"status": status}


def verify(codedeploy: Any, lambda_client: Any, deployment_id: str, env: Any, invoke: Any = None) -> str:
    """``Succeeded`` or ``Failed``; never raises, so the status is always reported."""
    try:
        function_name, alias = env["FUNCTION_NAME"], env["ALIAS_NAME"]
        events = parse_events(env["EVENTS_JSON"])
        target = find_target(codedeploy, deployment_id, function_name, alias)
        LOGGER.info(
            "deployment %s: checking %s version %s (alias %s, now on %s) with %d events",
            deployment_id,
            function_name,
            target.target_version,
            alias,
            target.current_version,
            len(events),
        )
        invoker = invoke or lambda_invoker(lambda_client, function_name)
        results = run_checks(events, target.target_version, invoker)
    except Exception:
        LOGGER.exception("deployment %s: pre-traffic checks could not run", deployment_id)
        return "Failed"
    return summarize(deployment_id, results)


def summarize(deployment_id: str, results: list[CheckResult]) -> str:
    failed = [result for result in results if not result.passed]
    LOGGER.info(
        json.dumps(
            {
                "deploymentId": deployment_id,
                "passed": len(results) - len(failed),
                "failed": {result.name: result.problems for result in failed},
            }
        )
    )
    return "Failed" if failed or not results else "Succeeded"


def lambda_invoker(lambda_client: Any, function_name: str) -> Any:
    """Invoke ``function_name:<version>`` synchronously; a function error raises (and fails the check)."""

    def invoke(version: str, payload: dict[str, Any]) -> Any:
        response = lambda_client.invoke(
            FunctionName=function_name, Qualifier=version, Payload=json.dumps(payload).encode("utf-8")
        )
        body = response["Payload"].read()
        if response.get("FunctionError"):
            raise RuntimeError(f"function error {response['FunctionError']}: {body[:500]!r}")
        return json.loads(body)

    return invoke


def report(codedeploy: Any, deployment_id: str, execution_id: str, status: str) -> None:
    """Tell CodeDeploy the verdict; if this call fails the hook raises and CodeDeploy fails the deployment."""
    codedeploy.put_lifecycle_event_hook_execution_status(
        deploymentId=deployment_id, lifecycleEventHookExecutionId=execution_id, status=status
    )
    LOGGER.info("deployment %s: reported %s", deployment_id, status)


def _client(service: str, config: Config) -> Any:
    if service not in _clients:
        _clients[service] = boto3.client(service, config=config)
    return _clients[service]
