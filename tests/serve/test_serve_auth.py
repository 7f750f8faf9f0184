"""``release serve --check-auth``: a client that forgot to sign meets the 403 the deployed API gives it."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.credentials import Credentials

from release_cli.http_api_event import HttpRequest
from release_cli.http_routes import Route, routes_from_template
from release_cli.local_server import LocalApi
from release_cli.sigv4 import signed_headers
from tests.serve.conftest import Served, request, start_server

ORDER = json.dumps({"customerId": "CUST-001", "items": [{"productId": "PROD-A", "quantity": 1}]})
JSON = {"Content-Type": "application/json"}


@pytest.fixture(scope="module")
def checking(dev_template: Path) -> Iterator[Served]:
    server = start_server("--template", str(dev_template), "--check-auth")
    yield server
    server.stop()


def test_the_stage_templates_route_is_iam_authorized(dev_template: Path) -> None:
    routes = routes_from_template(json.loads(dev_template.read_text()))
    assert [(route.key, route.authorization) for route in routes] == [("$default", "AWS_IAM")]


def test_an_unsigned_request_gets_api_gateways_403_and_runs_nothing(checking: Served) -> None:
    reply = request(f"{checking.url}/orders", "POST", ORDER, JSON)
    assert (reply.status, reply.json()) == (403, {"message": "Forbidden"})
    # The sample order is there, so a 403 on it is the gateway's refusal, not the handler's answer.
    assert request(f"{checking.url}/orders/ORD-2024-001").status == 403
    assert request(f"{checking.url}/orders/ORD-2024-001", headers={"Authorization": "  "}).status == 403


def test_a_signed_request_reaches_the_function(checking: Served) -> None:
    url = f"{checking.url}/orders"
    headers = signed_headers(
        method="POST",
        url=url,
        body=ORDER.encode(),
        headers=JSON,
        credentials=Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
        region="eu-west-1",
    )
    assert headers["Authorization"].startswith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
    assert "/eu-west-1/execute-api/aws4_request" in headers["Authorization"]
    reply = request(url, "POST", ORDER, headers)
    assert reply.status == 200 and reply.json()["orderId"].startswith("ORD-")


def test_the_start_up_line_says_what_is_checked_and_what_is_not(dev_template: Path) -> None:
    plain = start_server("--template", str(dev_template))
    try:
        unsigned = request(f"{plain.url}/orders/ORD-2024-001")
        assert unsigned.status == 200, "without --check-auth every request reaches the function"
    finally:
        _, plain_err = plain.stop()
    _, checked_err = start_server("--template", str(dev_template), "--check-auth").stop()
    assert (
        "auth: routes require AWS_IAM when deployed; not checked here "
        "(--check-auth refuses requests without an Authorization header)"
    ) in plain_err
    assert (
        "auth: routes require AWS_IAM; a request without an Authorization header is refused as API Gateway "
        "refuses it (signatures and tokens are not verified)"
    ) in checked_err


def test_signing_without_credentials_says_so() -> None:
    with pytest.raises(ValueError, match="no AWS credentials to sign with"):
        signed_headers(
            method="GET", url="https://x.example/orders", body=None, headers={}, credentials=None, region="us-east-1"
        )


def _api(authorization: str, calls: list[dict[str, Any]]) -> LocalApi:
    return LocalApi([Route(key="$default", authorization=authorization)], calls.append, io.StringIO(), check_auth=True)


@pytest.mark.parametrize(
    ("authorization", "status", "message"),
    [("AWS_IAM", 403, "Forbidden"), ("JWT", 401, "Unauthorized"), ("CUSTOM", 401, "Unauthorized")],
)
def test_each_authorized_route_refuses_a_request_without_credentials(
    authorization: str, status: int, message: str
) -> None:
    calls: list[dict[str, Any]] = []
    response, route_key = _api(authorization, calls).respond(HttpRequest("GET", "/orders/X", [("Accept", "*/*")]))
    assert (response.status, json.loads(response.body), route_key, calls) == (
        status,
        {"message": message},
        "$default",
        [],
    )
    _api(authorization, calls).respond(HttpRequest("GET", "/orders/X", [("authorization", "Bearer t")]))
    assert len(calls) == 1, "any Authorization header (any case) goes through: nothing is verified"


def test_an_open_route_is_open_with_check_auth() -> None:
    calls: list[dict[str, Any]] = []
    _api("NONE", calls).respond(HttpRequest("GET", "/orders/X", []))
    assert len(calls) == 1
