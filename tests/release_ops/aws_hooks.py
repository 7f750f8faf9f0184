"""botocore event hooks on the clients the CLI makes: answer one call with an AWS error (AccessDenied
on the Nth DeleteFunction, on the audit write, ...) while every other call reaches the moto server.

``before-call.<service>.<Operation>`` handlers may return ``(http_response, parsed)`` instead of
letting the request go; botocore then raises the ``ClientError`` it would raise for that answer.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from release_cli.ops.clients import AwsContext

Handler = Callable[..., Any]


def aws_error(code: str, message: str, status: int = 400) -> tuple[Any, dict[str, Any]]:
    """What a before-call handler returns to make the call fail as AWS would answer it."""
    from botocore.awsrequest import AWSResponse

    parsed = {"Error": {"Code": code, "Message": message}, "ResponseMetadata": {"HTTPStatusCode": status}}
    return AWSResponse("https://hooked.invalid", status, {}, None), parsed


def request_body(params: dict[str, Any]) -> dict[str, Any]:
    """The JSON body of a before-call request (DynamoDB's PutItem parameters, as sent)."""
    body = params.get("body") or b"{}"
    return json.loads(body)


def hook_cli_clients(monkeypatch: pytest.MonkeyPatch, hooks: dict[str, Handler]) -> None:
    """Register ``hooks`` (event name -> handler) on every client an ``AwsContext`` makes from now on."""
    original = AwsContext.client

    def client(self: AwsContext, service: str) -> Any:
        fresh = service not in self._clients
        made = original(self, service)
        if fresh:
            for event, handler in hooks.items():
                made.meta.events.register(event, handler)
        return made

    monkeypatch.setattr(AwsContext, "client", client)


def deny_update_alias_of(function_name: str) -> Handler:
    """A ``before-call.lambda.UpdateAlias`` hook that refuses, as IAM would, every UpdateAlias of one function."""

    def deny(params: dict[str, Any], **_: Any) -> Any:
        if function_name in params.get("url_path", ""):
            return aws_error("AccessDeniedException", "not authorized to perform: lambda:UpdateAlias")
        return None

    return deny
