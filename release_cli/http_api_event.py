"""An HTTP request as API Gateway's HTTP API hands it to Lambda (payload format 2.0), and the answer back.

Request -> event, as the API Gateway developer guide's "payload format version 2.0" describes it:
header names lower-cased, repeated headers and query parameters joined with commas, ``Cookie``
headers moved to ``cookies``, ``pathParameters`` from the route's variables, ``requestContext.http``
with method, path, protocol, source IP and user agent. The body is text when its content type is
textual (``text/*``, JSON, XML, form data, JavaScript) or, with no content type, when it is valid
UTF-8; anything else is base64 with ``isBase64Encoded: true``.

Response -> HTTP, as API Gateway reads a 2.0 response: ``statusCode``, ``headers``, ``cookies`` (one
``Set-Cookie`` each) and ``body`` (base64-decoded when ``isBase64Encoded``); a response without
``statusCode`` is a 200 ``application/json`` whose body is the response itself; a malformed one is
API Gateway's 500 ``{"message":"Internal Server Error"}``.
"""

from __future__ import annotations

import base64
import binascii
import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

ACCOUNT_ID = "123456789012"
API_ID = "local"
TEXT_TYPES = ("application/json", "application/xml", "application/javascript", "application/x-www-form-urlencoded")
TEXT_SUFFIXES = ("+json", "+xml")


@dataclass(frozen=True)
class HttpRequest:
    method: str
    target: str
    """The request target as sent: raw path and query string, percent-encoding kept."""
    headers: list[tuple[str, str]]
    body: bytes = b""
    source_ip: str = "127.0.0.1"
    protocol: str = "HTTP/1.1"

    @property
    def raw_path(self) -> str:
        return self.target.split("?", 1)[0] or "/"

    @property
    def raw_query(self) -> str:
        return self.target.split("?", 1)[1] if "?" in self.target else ""


@dataclass(frozen=True)
class HttpResponse:
    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""


def gateway_error(status: int, message: str) -> HttpResponse:
    """An answer API Gateway itself gives (no Lambda involved): ``{"message": ...}`` as JSON."""
    body = json.dumps({"message": message}, separators=(",", ":")).encode()
    return HttpResponse(status, [("Content-Type", "application/json")], body)


def build_event(
    request: HttpRequest, route_key: str, path_parameters: dict[str, str], *, now: float | None = None
) -> dict[str, Any]:
    """The payload 2.0 event for ``request`` taking route ``route_key``."""
    now = time.time() if now is None else now
    headers = _joined([(name, value) for name, value in request.headers if name.lower() != "cookie"], lower=True)
    cookies = [
        part.strip()
        for name, value in request.headers
        if name.lower() == "cookie"
        for part in value.split(";")
        if part.strip()
    ]
    host = headers.get("host", "localhost")
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route_key,
        "rawPath": request.raw_path,
        "rawQueryString": request.raw_query,
        "headers": headers,
        "requestContext": {
            "accountId": ACCOUNT_ID,
            "apiId": API_ID,
            "domainName": host,
            "domainPrefix": host.split(".", 1)[0],
            "http": {
                "method": request.method,
                "path": request.raw_path,
                "protocol": request.protocol,
                "sourceIp": request.source_ip,
                "userAgent": headers.get("user-agent", ""),
            },
            "requestId": str(uuid.uuid4()),
            "routeKey": route_key,
            "stage": "$default",
            "time": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
            "timeEpoch": int(now * 1000),
        },
        "isBase64Encoded": False,
    }
    if cookies:
        event["cookies"] = cookies
    if request.raw_query:
        event["queryStringParameters"] = _joined(parse_qsl(request.raw_query, keep_blank_values=True), lower=False)
    if path_parameters:
        event["pathParameters"] = dict(path_parameters)
    if request.body:
        text = _as_text(request.body, headers.get("content-type"))
        event["body"] = text if text is not None else base64.b64encode(request.body).decode("ascii")
        event["isBase64Encoded"] = text is None
    return event


def http_response(result: Any) -> HttpResponse:
    """What the client receives for the function's ``result``."""
    if not isinstance(result, dict) or "statusCode" not in result:
        text = result if isinstance(result, str) else json.dumps(result)
        return HttpResponse(200, [("Content-Type", "application/json")], text.encode("utf-8"))
    status, headers, cookies, body = (result.get(key) for key in ("statusCode", "headers", "cookies", "body"))
    if isinstance(status, bool) or not isinstance(status, int) or not 100 <= status <= 599:
        return gateway_error(500, "Internal Server Error")
    if not isinstance(headers or {}, dict) or not isinstance(cookies or [], list):
        return gateway_error(500, "Internal Server Error")
    pairs = [(str(name), _header_value(value)) for name, value in (headers or {}).items()]
    pairs += [("Set-Cookie", str(cookie)) for cookie in cookies or []]
    if body is None:
        data = b""
    elif result.get("isBase64Encoded") is True:
        try:
            data = base64.b64decode(str(body), validate=True)
        except (binascii.Error, ValueError):
            return gateway_error(500, "Internal Server Error")
    else:
        data = (body if isinstance(body, str) else json.dumps(body)).encode("utf-8")
    return HttpResponse(status, pairs, data)


def _joined(pairs: Any, *, lower: bool) -> dict[str, str]:
    joined: dict[str, str] = {}
    for name, value in pairs:
        key = name.lower() if lower else name
        joined[key] = f"{joined[key]},{value}" if key in joined else value
    return joined


def _as_text(body: bytes, content_type: str | None) -> str | None:
    media = (content_type or "").split(";", 1)[0].strip().lower()
    textual = media.startswith("text/") or media in TEXT_TYPES or media.endswith(TEXT_SUFFIXES)
    if media and not textual:
        return None
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _header_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
