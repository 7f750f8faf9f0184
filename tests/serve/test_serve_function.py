"""``release serve --function``: only a function with an HTTP trigger is served; the stage's HTTP function
by default. A refusal comes before anything listens."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from release_cli.commands.serve import http_function
from release_cli.local_invoke import LocalInvokeError
from service_model.stages import load_stage
from tests.conftest import CliResult
from tests.order_api.conftest import TEMPLATE


class Listened(AssertionError):
    """serve got as far as binding a port."""


@pytest.fixture
def no_listening(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: object, **__: object) -> object:
        raise Listened("serve accepted the input and was about to listen")

    monkeypatch.setattr("release_cli.local_server.make_server", refuse)


@pytest.fixture
def template(tmp_path: Path) -> Path:
    path = tmp_path / "template.json"
    routes = {"DefaultRoute": {"Type": "AWS::ApiGatewayV2::Route", "Properties": {"RouteKey": "$default"}}}
    path.write_text(json.dumps({"Resources": {**TEMPLATE["Resources"], **routes}}))
    return path


@pytest.mark.parametrize("given", ["order-worker", "dev-OrderWorker"])
def test_a_function_without_an_http_trigger_is_refused_before_listening(
    given: str, no_listening: None, template: Path, run_cli: Callable[..., CliResult]
) -> None:
    result = run_cli("serve", "--function", given, "--template", template, "--port", "0")
    assert result.code == 2, result.err
    assert "function order-worker (dev-OrderWorker) has a table-stream trigger, not an HTTP one" in result.err
    assert "HTTP functions of stage dev: order-api" in result.err
    assert "release local --function order-worker" in result.err


ARN = "arn:aws:lambda:us-east-1:123456789012:function:dev-VersionedOrderAPI:dev"


@pytest.mark.parametrize(
    "given",
    [None, "order-api", "dev-VersionedOrderAPI", ARN],
)
def test_the_http_function_is_served_by_default_or_by_key_name_or_arn(
    given: str | None, no_listening: None, template: Path, run_cli: Callable[..., CliResult]
) -> None:
    with pytest.raises(Listened):
        run_cli("serve", *(["--function", given] if given else []), "--template", template, "--port", "0")


def test_an_unknown_function_is_refused_with_the_keys(
    no_listening: None, template: Path, run_cli: Callable[..., CliResult]
) -> None:
    result = run_cli("serve", "--function", "order-report", "--template", template, "--port", "0")
    assert result.code == 2 and "unknown function 'order-report'; functions: order-api" in result.err


def test_the_default_is_the_one_http_function_and_several_need_function() -> None:
    dev = load_stage("dev")
    api, worker = dev.functions
    assert http_function(dev, None) is api
    assert http_function(replace(dev, functions=(worker, api)), None) is api  # not merely the first function
    two = replace(dev, functions=(api, replace(api, key="admin-api", basename="AdminAPI"), worker))
    several = r"stage dev has 2 HTTP functions \(order-api, admin-api\): give --function"
    with pytest.raises(LocalInvokeError, match=several):
        http_function(two, None)
    assert http_function(two, "admin-api").key == "admin-api"
    with pytest.raises(LocalInvokeError, match="has no function with an HTTP trigger"):
        http_function(replace(dev, functions=(worker,)), None)


def test_the_served_function_is_found_in_the_template_by_its_name(
    template: Path, run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The worker comes first in this template and has the same Handler: the Order API is still the one served."""
    from release_cli.commands import serve as serve_command

    document = json.loads(template.read_text())
    resources = document["Resources"]
    document["Resources"] = {"OrderWorkerFunction": resources.pop("OrderWorkerFunction"), **resources}
    template.write_text(json.dumps(document))
    served: list[str] = []

    def local_aws_spy(*args: object, **kwargs: object) -> object:
        served.append(kwargs["function"].name)  # type: ignore[attr-defined]
        raise LocalInvokeError("stop here")

    class Server:
        server_address = ("127.0.0.1", 0)

        def server_close(self) -> None:
            pass

    monkeypatch.setattr("release_cli.local_server.make_server", lambda *a, **k: Server())
    monkeypatch.setattr(serve_command, "local_aws", local_aws_spy)
    assert run_cli("serve", "--template", template, "--port", "0").code == 2
    assert served == ["dev-VersionedOrderAPI"]
