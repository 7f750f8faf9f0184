"""Finds the deployed stage the integration tests talk to, or says in one sentence why there is none.

The stage comes from ``INTEGRATION_STAGE``; its stack name from ``service_model`` (the same name the
CDK app deploys); its outputs (``ApiUrl``) from CloudFormation, as the lab's buildspec reads them
with ``describe-stacks``. A stage whose API is ``api_auth = "iam"`` is called with SigV4-signed
requests, signed with the same credentials (the CI role needs ``execute-api:Invoke`` on it); a ``jwt``
stage's with ``Authorization: Bearer $INTEGRATION_TOKEN`` (no token: the tests skip, saying so).
No stage named, no credentials, or no such stack: the tests skip with that reason, so the default
(offline) test command stays green.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from release_cli.sigv4 import signed_headers
from service_model.stages import STAGE_NAMES, load_stage
from service_model.test_events import TestEvent
from tests.integration.loopback import loopback_target

STAGE_VARIABLE = "INTEGRATION_STAGE"
RUN_COMMAND = f"{STAGE_VARIABLE}=dev python -m pytest --confcutdir=tests/integration tests/integration"
NO_STAGE = (
    f"no deployed stage to test: set {STAGE_VARIABLE} to a deployed stage ({', '.join(STAGE_NAMES)}) "
    f"and give AWS credentials ({RUN_COMMAND})"
)
HIDDEN_CREDENTIALS = (
    "no AWS credentials: the offline suite's tests/conftest.py removes them; run the integration tests "
    f"on their own: {RUN_COMMAND}"
)
CREDENTIAL_VARIABLES = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")
"""Credentials given in the environment: they count even when the profile files are hidden (the local
emulator's environment, ``scripts/emulator.py``, sets them and hides the files so no real profile is used)."""
NO_CREDENTIALS = "no AWS credentials for {stack} (configure a profile, role or AWS_* variables)"
NOT_DEPLOYED = "no deployed stage: stack {stack} does not exist in {region} (deploy it first)"
TOKEN_VARIABLE = "INTEGRATION_TOKEN"
NO_TOKEN = (
    f"stage {{stage}}'s API takes JWTs (api_auth jwt): set {TOKEN_VARIABLE} to a token issued by {{issuer}} "
    "for one of the audiences {audiences}"
)
REFUSED_WITHOUT_CREDENTIALS = {"iam": (403, {"message": "Forbidden"}), "jwt": (401, {"message": "Unauthorized"})}
"""API Gateway's answer to a call without credentials, per api_auth type (none: the call goes through)."""
TIMEOUT_SECONDS = 30


class NotTestable(Exception):
    """Why there is nothing to test: the one skip reason every integration test shows."""


Signer = Callable[[str, str, bytes | None, dict[str, str]], dict[str, str]]
"""(method, url, body, headers) -> the headers to send (signed)."""


@dataclass(frozen=True)
class Deployment:
    stage: str
    stack_name: str
    region: str
    outputs: dict[str, str]
    signer: Signer | None = None
    """Adds the credentials the stage's API requires (SigV4 for ``iam``, the bearer token for ``jwt``);
    None: the API is open and requests are sent as they are."""
    refused: tuple[int, dict[str, str]] | None = None
    """What API Gateway answers a call without credentials (None: an open API lets it through)."""

    @property
    def api_url(self) -> str:
        return self.outputs["ApiUrl"].rstrip("/")

    def call(self, request: HttpRequest) -> dict[str, Any]:
        """``request`` to this stage's API, signed when the API requires IAM."""
        return call(self.api_url, request, signer=self.signer)


def chosen_stage(environ: Mapping[str, str]) -> str:
    """The stage ``INTEGRATION_STAGE`` names; a value that is not a stage is a usage error, not a skip."""
    stage = environ.get(STAGE_VARIABLE, "").strip()
    if not stage:
        raise NotTestable(NO_STAGE)
    if stage not in STAGE_NAMES:
        raise ValueError(f"{STAGE_VARIABLE}={stage!r} is not a stage; use one of {', '.join(STAGE_NAMES)}")
    return stage


def find_deployment(environ: Mapping[str, str], *, session: Any = None) -> Deployment:
    """The named stage's stack and outputs; ``NotTestable`` with the reason when there is none to test."""
    stage = chosen_stage(environ)
    if hides_credentials(environ):
        raise NotTestable(HIDDEN_CREDENTIALS)
    config = load_stage(stage)
    if session is None:
        import boto3

        session = boto3.Session(region_name=config.region)
    region = session.region_name or "(no Region configured)"
    if session.get_credentials() is None:
        raise NotTestable(NO_CREDENTIALS.format(stack=config.stack_name))
    from botocore.exceptions import ClientError

    try:
        stacks = session.client("cloudformation").describe_stacks(StackName=config.stack_name)["Stacks"]
    except ClientError as err:
        if "does not exist" in str(err):
            raise NotTestable(NOT_DEPLOYED.format(stack=config.stack_name, region=region)) from None
        raise
    outputs = {item["OutputKey"]: item["OutputValue"] for item in stacks[0].get("Outputs", [])}
    if "ApiUrl" not in outputs:
        raise AssertionError(f"stack {config.stack_name} has no ApiUrl output (outputs: {sorted(outputs)})")
    auth = config.api_auth
    signer: Signer | None = None
    if auth.type == "iam":
        signer = sigv4_signer(session.get_credentials(), region)
    elif auth.type == "jwt":
        token = environ.get(TOKEN_VARIABLE, "").strip()
        if not token:
            raise NotTestable(NO_TOKEN.format(stage=stage, issuer=auth.issuer, audiences=", ".join(auth.audiences)))
        signer = bearer_signer(token)
    return Deployment(
        stage=stage,
        stack_name=config.stack_name,
        region=region,
        outputs=outputs,
        signer=signer,
        refused=REFUSED_WITHOUT_CREDENTIALS.get(auth.type),
    )


def hides_credentials(environ: Mapping[str, str]) -> bool:
    """The offline suite's set-up (tests/conftest.py): both profile files hidden and no key in the
    environment. Hidden files with the keys set explicitly (the emulator's environment) are credentials."""
    hidden = environ.get("AWS_SHARED_CREDENTIALS_FILE") == os.devnull and environ.get("AWS_CONFIG_FILE") == os.devnull
    return hidden and not all(environ.get(name) for name in CREDENTIAL_VARIABLES)


def bearer_signer(token: str) -> Signer:
    """A ``Signer`` that adds ``Authorization: Bearer <token>`` (a JWT authorizer reads that header)."""

    def sign(method: str, url: str, body: bytes | None, headers: dict[str, str]) -> dict[str, str]:
        return {**headers, "Authorization": f"Bearer {token}"}

    return sign


def sigv4_signer(credentials: Any, region: str) -> Signer:
    """A ``Signer`` with these credentials (refreshed by botocore when they are temporary) for ``region``."""

    def sign(method: str, url: str, body: bytes | None, headers: dict[str, str]) -> dict[str, str]:
        frozen = credentials.get_frozen_credentials() if hasattr(credentials, "get_frozen_credentials") else credentials
        return signed_headers(method=method, url=url, body=body, headers=headers, credentials=frozen, region=region)

    return sign


@dataclass(frozen=True)
class HttpRequest:
    method: str
    path: str
    body: str | None = None


def http_request_for(event: TestEvent) -> HttpRequest | None:
    """The HTTP API call that is the same request as ``event``; None when the API has no such request.

    An API Gateway event (payload 2.0) is replayed as it is; a direct invoke (the lab's console events)
    becomes ``POST /orders`` with the create's fields or ``GET /orders/{orderId}``, the routes the
    handler serves (lambda_src/order_api/order_service/inbound.py).
    """
    payload = event.payload
    http = payload.get("requestContext", {}).get("http") if isinstance(payload.get("requestContext"), dict) else None
    if isinstance(http, dict):
        return HttpRequest(
            method=http["method"], path=payload.get("rawPath", http.get("path", "/")), body=payload.get("body")
        )
    action = payload.get("action")
    if action == "create":
        fields = {key: value for key, value in payload.items() if key != "action"}
        return HttpRequest(method="POST", path="/orders", body=json.dumps(fields))
    if action == "status" and isinstance(payload.get("orderId"), str):
        return HttpRequest(method="GET", path="/orders/" + urllib.parse.quote(payload["orderId"], safe=""))
    return None


def call(api_url: str, request: HttpRequest, *, signer: Signer | None = None) -> dict[str, Any]:
    """One HTTP call, answered as a Lambda proxy response (``statusCode``, ``body``) the matchers read;
    signed by ``signer`` when given (exactly what is sent: method, URL, body). A ``.localhost`` API (the
    local emulator's) is reached on the loopback address with its own ``Host`` (``loopback.py``)."""
    data = request.body.encode("utf-8") if request.body is not None else None
    url = api_url + request.path
    headers = {"content-type": "application/json"}
    if signer is not None:
        headers = signer(request.method, url, data, headers)
    connect_to, host = loopback_target(url)
    if host is not None:
        headers = {**headers, "Host": host}
    sent = urllib.request.Request(connect_to, data=data, method=request.method, headers=headers)
    try:
        with urllib.request.urlopen(sent, timeout=TIMEOUT_SECONDS) as response:
            return {"statusCode": response.status, "body": response.read().decode("utf-8")}
    except urllib.error.HTTPError as err:
        return {"statusCode": err.code, "body": err.read().decode("utf-8")}
