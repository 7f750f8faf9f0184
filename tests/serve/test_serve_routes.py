"""Routes come from the template's HTTP API: parsing RouteKeys, API Gateway's choice among them, and a
served template with explicit routes answering 404 ``{"message":"Not Found"}`` for what it lacks."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from release_cli.http_routes import RouteError, match_route, parse_route_key, routes_from_template
from tests.conftest import Synthesized
from tests.serve.conftest import Served, request, start_server

ROUTES = [
    "GET /orders/{orderId}",
    "POST /orders",
    "GET /orders/latest",
    "ANY /files/{path+}",
    "GET /files/{name}",
    "ANY /orders",
]


def template_with(*keys: str) -> dict[str, Any]:
    from tests.order_api.conftest import TEMPLATE

    template = json.loads(json.dumps(TEMPLATE))
    for index, key in enumerate(keys):
        template["Resources"][f"Route{index}"] = {"Type": "AWS::ApiGatewayV2::Route", "Properties": {"RouteKey": key}}
    return template


def chosen(method: str, path: str, *keys: str) -> tuple[str, dict[str, str]] | None:
    found = match_route(routes_from_template(template_with(*(keys or ROUTES))), method, path)
    return (found.route_key, found.path_parameters) if found else None


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        ("GET", "/orders/ORD-1", ("GET /orders/{orderId}", {"orderId": "ORD-1"})),
        ("GET", "/orders/latest", ("GET /orders/latest", {})),  # a literal path beats a variable
        ("POST", "/orders", ("POST /orders", {})),  # the method-specific route beats ANY
        ("DELETE", "/orders", ("ANY /orders", {})),
        ("GET", "/files/a/b%20c.txt", ("ANY /files/{path+}", {"path": "a/b c.txt"})),
        ("GET", "/files/one", ("GET /files/{name}", {"name": "one"})),  # a variable beats a greedy one
        ("GET", "/orders/A%2FB", ("GET /orders/{orderId}", {"orderId": "A/B"})),
        ("GET", "/orders/ORD-1?x=1", ("GET /orders/{orderId}", {"orderId": "ORD-1"})),
        ("GET", "/orders/ORD-1?next=/a?b", ("GET /orders/{orderId}", {"orderId": "ORD-1"})),  # the first ? ends it
        ("GET", "/orders/ORD-1/", ("GET /orders/{orderId}", {"orderId": "ORD-1"})),  # a trailing slash is the same path
        ("GET", "/files/a/b/", ("ANY /files/{path+}", {"path": "a/b"})),
        ("POST", "/orders/", ("POST /orders", {})),
    ],
)
def test_the_most_specific_route_wins(method: str, path: str, expected: tuple[str, dict[str, str]]) -> None:
    assert chosen(method, path) == expected


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/customers"), ("PUT", "/orders/ORD-1"), ("GET", "/files"), ("GET", "/orders/ORD-1/items")],
)
def test_no_route_is_none(method: str, path: str) -> None:
    assert chosen(method, path) is None


def test_more_literal_segments_win_among_routes_with_variables() -> None:
    # Sorted by key alone, "GET /orders/{id}/items" would come first anyway: list the other one first.
    routes = ("GET /{kind}/{id}/items", "GET /orders/{id}/items")
    assert chosen("GET", "/orders/1/items", *routes) == ("GET /orders/{id}/items", {"id": "1"})
    assert chosen("GET", "/carts/1/items", *routes) == ("GET /{kind}/{id}/items", {"kind": "carts", "id": "1"})


def test_default_route_takes_what_nothing_else_does() -> None:
    assert chosen("GET", "/customers", "POST /orders", "$default") == ("$default", {})
    assert chosen("POST", "/orders", "$default", "POST /orders") == ("POST /orders", {})


def test_the_stages_api_has_only_the_default_route(synthesized: Synthesized) -> None:
    from release_cli.local_invoke import load_template, template_path

    for stage in ("dev", "staging", "prod"):
        template = load_template(template_path(stage, cdk_out=synthesized.outdir))
        assert [route.key for route in routes_from_template(template)] == ["$default"]


@pytest.mark.parametrize("key", ["orders", "GET orders", "GET /a/{p+}/b", "/orders", "G-T /x"])
def test_unreadable_route_keys_are_refused(key: str) -> None:
    with pytest.raises(RouteError, match="RouteKey"):
        parse_route_key(key)


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("orders", "route Route0: RouteKey 'orders' is not '$default' or 'METHOD /path'"),
        (7, "route Route0: RouteKey must be a string"),
    ],
)
def test_an_unreadable_route_key_names_its_resource(key: object, message: str) -> None:
    template = {"Resources": {"Route0": {"Type": "AWS::ApiGatewayV2::Route", "Properties": {"RouteKey": key}}}}
    with pytest.raises(RouteError) as refused:
        routes_from_template(template)
    assert str(refused.value) == message


@pytest.fixture(scope="module")
def explicit(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    path = tmp_path_factory.mktemp("routes") / "template.json"
    path.write_text(json.dumps(template_with("POST /orders", "GET /orders/{orderId}")))
    server = start_server("--template", str(path), "--alias", "dev")
    yield server
    server.stop()


def test_a_route_the_template_lacks_is_api_gateways_404(explicit: Served) -> None:
    reply = request(f"{explicit.url}/customers")
    assert (reply.status, reply.json()) == (404, {"message": "Not Found"})


def test_a_method_no_route_has_is_api_gateways_404_not_a_405(explicit: Served) -> None:
    reply = request(f"{explicit.url}/orders", "DELETE")
    assert (reply.status, reply.json()) == (404, {"message": "Not Found"})


def test_the_routes_the_template_has_reach_the_handler(explicit: Served) -> None:
    created = request(f"{explicit.url}/orders", "POST", '{"customerId":"C7"}', {"Content-Type": "application/json"})
    assert created.status == 200
    reply = request(f"{explicit.url}/orders/{created.json()['orderId']}")
    assert (reply.status, reply.json()["customerId"]) == (200, "C7")


def test_a_template_without_routes_is_an_input_error(tmp_path: Path) -> None:
    from release_cli.cli import main

    path = tmp_path / "template.json"
    path.write_text(json.dumps(template_with()))
    assert main(["serve", "--port", "0", "--template", str(path)]) == 2


def test_the_cli_parser_loads_no_server_and_no_aws_sdk() -> None:
    # `release --help` stays fast: serve and seed-data import http.server and boto3 only when they run.
    import subprocess
    import sys

    from tests.serve.conftest import ROOT

    code = (
        "import sys; from release_cli.cli import build_parser; build_parser(); "
        "print(sorted(m for m in ('boto3', 'botocore', 'moto', 'http.server') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
