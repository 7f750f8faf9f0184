"""The integration tests' own machinery, offline: which stage and outputs they find (moto CloudFormation),
the one skip reason when there is nothing to test, and how the lab's events become HTTP calls."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from service_model.test_events import load_events
from tests.integration.deployment import (
    HIDDEN_CREDENTIALS,
    NO_STAGE,
    HttpRequest,
    NotTestable,
    call,
    chosen_stage,
    find_deployment,
    http_request_for,
)

EVENTS = {event.name: event for event in load_events()}


@pytest.fixture
def session(moto_endpoint, monkeypatch):
    import boto3

    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_endpoint)
    return boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name="eu-west-1")


def deploy_stack(session, name: str, outputs: dict[str, str]) -> None:
    template = {
        "Resources": {"Topic": {"Type": "AWS::SNS::Topic"}},
        "Outputs": {key: {"Value": value} for key, value in outputs.items()},
    }
    session.client("cloudformation").create_stack(StackName=name, TemplateBody=json.dumps(template))


ENVIRON = {"INTEGRATION_STAGE": "staging"}


def test_without_a_stage_there_is_one_reason_to_skip():
    with pytest.raises(NotTestable, match="no deployed stage to test") as caught:
        chosen_stage({})
    assert str(caught.value) == NO_STAGE and "--confcutdir=tests/integration" in NO_STAGE


def test_a_stage_that_does_not_exist_is_a_usage_error_not_a_skip():
    with pytest.raises(ValueError, match="INTEGRATION_STAGE='qa' is not a stage"):
        chosen_stage({"INTEGRATION_STAGE": "qa"})


def test_the_offline_suite_hides_credentials_and_says_how_to_run():
    environ = {**ENVIRON, "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull}
    with pytest.raises(NotTestable) as caught:
        find_deployment(environ)
    assert str(caught.value) == HIDDEN_CREDENTIALS


def test_keys_in_the_environment_count_though_the_profile_files_are_hidden():
    """The emulator's environment hides the profile files too, but gives its keys explicitly."""
    from tests.integration.deployment import hides_credentials

    hidden = {**ENVIRON, "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull}
    assert hides_credentials(hidden)
    assert hides_credentials({**hidden, "AWS_ACCESS_KEY_ID": "test"})  # half a key pair is no credentials
    assert not hides_credentials({**hidden, "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test"})
    assert not hides_credentials({**ENVIRON, "AWS_CONFIG_FILE": os.devnull})


def test_no_credentials_is_a_skip():
    import boto3
    import botocore.session

    empty = botocore.session.Session()
    empty.get_credentials = lambda: None  # type: ignore[method-assign]
    with pytest.raises(NotTestable, match="no AWS credentials for version-demo-staging"):
        find_deployment(ENVIRON, session=boto3.Session(botocore_session=empty, region_name="eu-west-1"))


def test_a_stage_not_deployed_is_a_skip_naming_stack_and_region(session):
    with pytest.raises(NotTestable, match="stack version-demo-staging does not exist in eu-west-1"):
        find_deployment(ENVIRON, session=session)


def test_the_deployed_stages_outputs_are_read_from_its_stack(session):
    deploy_stack(session, "version-demo-staging", {"ApiUrl": "https://abc.example/", "FunctionName": "f"})
    deployment = find_deployment(ENVIRON, session=session)
    assert (deployment.stage, deployment.stack_name, deployment.api_url) == (
        "staging",
        "version-demo-staging",
        "https://abc.example",
    )
    session.client("cloudformation").delete_stack(StackName="version-demo-staging")


def test_an_iam_stage_is_called_signed_and_expects_the_403_unsigned(session):
    deploy_stack(session, "version-demo-staging", {"ApiUrl": "https://abc.example/"})
    deployment = find_deployment(ENVIRON, session=session)
    session.client("cloudformation").delete_stack(StackName="version-demo-staging")
    assert deployment.refused == (403, {"message": "Forbidden"})
    assert deployment.signer is not None
    headers = deployment.signer("GET", "https://abc.example/orders/X", None, {})
    assert headers["Authorization"].startswith("AWS4-HMAC-SHA256 ")


def test_a_jwt_stage_needs_a_token_and_sends_it_as_a_bearer(session, monkeypatch):
    from dataclasses import replace

    import tests.integration.deployment as harness
    from service_model.api_auth import ApiAuth
    from service_model.stages import load_stage

    jwt = ApiAuth(type="jwt", issuer="https://login.example.com", audiences=("orders-web",))
    monkeypatch.setattr(harness, "load_stage", lambda name: replace(load_stage(name), api_auth=jwt))
    deploy_stack(session, "version-demo-staging", {"ApiUrl": "https://abc.example/"})
    try:
        with pytest.raises(NotTestable) as caught:
            find_deployment(ENVIRON, session=session)
        assert str(caught.value) == (
            "stage staging's API takes JWTs (api_auth jwt): set INTEGRATION_TOKEN to a token issued by "
            "https://login.example.com for one of the audiences orders-web"
        )
        deployment = find_deployment({**ENVIRON, "INTEGRATION_TOKEN": "eyJ.token"}, session=session)
    finally:
        session.client("cloudformation").delete_stack(StackName="version-demo-staging")
    assert deployment.refused == (401, {"message": "Unauthorized"})
    assert deployment.signer is not None
    assert deployment.signer("GET", "https://abc.example/x", None, {"a": "b"}) == {
        "a": "b",
        "Authorization": "Bearer eyJ.token",
    }


def test_a_stack_without_api_url_fails_instead_of_skipping(session):
    deploy_stack(session, "version-demo-prod", {"FunctionName": "f"})
    with pytest.raises(AssertionError, match="has no ApiUrl output"):
        find_deployment({"INTEGRATION_STAGE": "prod"}, session=session)
    session.client("cloudformation").delete_stack(StackName="version-demo-prod")


def test_the_labs_console_events_become_the_apis_routes():
    create = http_request_for(EVENTS["CreateOrderValid"])
    assert create is not None and (create.method, create.path) == ("POST", "/orders")
    assert json.loads(create.body or "") == {
        k: v for k, v in EVENTS["CreateOrderValid"].payload.items() if k != "action"
    }
    status = http_request_for(EVENTS["GetOrderStatus"])
    assert status == HttpRequest("GET", "/orders/ORD-2024-001")
    malformed = http_request_for(EVENTS["HttpMalformedJson"])
    assert malformed == HttpRequest("POST", "/orders", EVENTS["HttpMalformedJson"].payload["body"])
    assert http_request_for(EVENTS["UnknownAction"]) is None, "no route means no HTTP test, not a wrong one"


class _Api(BaseHTTPRequestHandler):
    def _answer(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        status = 400 if self.path == "/orders" and "customerId" not in body else 200
        data = json.dumps(
            {
                "path": self.path,
                "method": self.command,
                "body": body,
                "authorization": self.headers.get("authorization"),
                "token": self.headers.get("x-amz-security-token"),
                "host": self.headers.get("host"),
            }
        ).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = _answer

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def local_api() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Api)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_call_returns_the_status_and_body_of_errors_too(local_api):
    ok = call(local_api, HttpRequest("POST", "/orders", '{"customerId": "C"}'))
    assert ok["statusCode"] == 200 and json.loads(ok["body"])["body"] == '{"customerId": "C"}'
    refused = call(local_api, HttpRequest("POST", "/orders", "{}"))
    assert refused["statusCode"] == 400 and json.loads(refused["body"])["method"] == "POST"


def test_a_signed_call_sends_the_signature_over_exactly_what_it_sends(local_api):
    from botocore.credentials import Credentials

    from tests.integration.deployment import sigv4_signer

    seen: list[tuple[str, str, bytes | None]] = []
    sign = sigv4_signer(Credentials("AKIDEXAMPLE", "secret", "token-1"), "eu-west-1")

    def recording(method: str, url: str, body: bytes | None, headers: dict[str, str]) -> dict[str, str]:
        seen.append((method, url, body))
        return sign(method, url, body, headers)

    reply = call(local_api, HttpRequest("POST", "/orders", '{"customerId": "C"}'), signer=recording)
    echoed = json.loads(reply["body"])
    assert seen == [("POST", f"{local_api}/orders", b'{"customerId": "C"}')]
    assert echoed["authorization"].startswith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
    assert "/eu-west-1/execute-api/aws4_request" in echoed["authorization"]
    assert echoed["token"] == "token-1", "temporary credentials carry their session token"
    assert echoed["body"] == '{"customerId": "C"}'
    unsigned = json.loads(call(local_api, HttpRequest("GET", "/orders/X"))["body"])
    assert unsigned["authorization"] is None


def test_a_localhost_api_is_called_on_loopback_with_its_own_host_and_signed_for_it(local_api):
    """RFC 6761: names under .localhost are loopback (the emulator's API URLs); Python's resolver does not
    know them, so the call goes to 127.0.0.1 with the original Host, signed over the original URL."""
    from botocore.credentials import Credentials

    from tests.integration.deployment import sigv4_signer

    port = local_api.rsplit(":", 1)[1]
    api_url = f"http://abc123.execute-api.localhost:{port}"
    seen: list[str] = []
    sign = sigv4_signer(Credentials("AKIDEXAMPLE", "secret"), "us-east-1")

    def recording(method: str, url: str, body: bytes | None, headers: dict[str, str]) -> dict[str, str]:
        seen.append(url)
        return sign(method, url, body, headers)

    echoed = json.loads(call(api_url, HttpRequest("GET", "/orders/X?a=1"), signer=recording)["body"])
    assert echoed["host"] == f"abc123.execute-api.localhost:{port}"
    assert (echoed["path"], echoed["method"]) == ("/orders/X?a=1", "GET")
    assert seen == [f"{api_url}/orders/X?a=1"]
    assert "SignedHeaders=content-type;host;x-amz-date" in echoed["authorization"]


def test_only_localhost_names_go_to_loopback():
    from tests.integration.loopback import loopback_target

    assert loopback_target("https://abc.execute-api.eu-west-1.amazonaws.com/orders") == (
        "https://abc.execute-api.eu-west-1.amazonaws.com/orders",
        None,
    )
    assert loopback_target("http://localhostx.example:9/o") == ("http://localhostx.example:9/o", None)
    assert loopback_target("http://A.LOCALHOST./o") == ("http://127.0.0.1/o", "A.LOCALHOST.")
    assert loopback_target("http://a.localhost:4566/o?x=1") == ("http://127.0.0.1:4566/o?x=1", "a.localhost:4566")
