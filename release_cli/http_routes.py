"""The HTTP API's routes, read from the synthesized template, and the route a request takes.

Routes are the ``RouteKey`` of every ``AWS::ApiGatewayV2::Route``: ``$default``, or ``METHOD /path``
where METHOD may be ``ANY`` and a path segment may be a variable (``{orderId}``) or, last, a greedy
variable (``{proxy+}``). Selection follows API Gateway's HTTP API rules: the most specific route
wins (all-literal paths before paths with variables, more literal segments first, a greedy variable
last), a route naming the method before one with ``ANY``, and ``$default`` only when nothing else
matches. No match at all is what API Gateway answers with 404 ``{"message":"Not Found"}`` -- also
for a known path with a method no route has (HTTP APIs have no 405).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import unquote

DEFAULT_ROUTE = "$default"
ANY_METHOD = "ANY"
_VARIABLE = re.compile(r"\{([A-Za-z0-9._-]+)(\+?)\}")


class RouteError(ValueError):
    """A RouteKey the server cannot read; the message names the resource and the key."""


AUTHORIZATION_TYPES = ("NONE", "AWS_IAM", "JWT", "CUSTOM")


@dataclass(frozen=True)
class Route:
    key: str
    method: str = ""
    segments: tuple[str, ...] = ()
    authorization: str = "NONE"
    """The route's ``AuthorizationType``: ``NONE``, ``AWS_IAM`` (SigV4), ``JWT`` or ``CUSTOM`` (a Lambda authorizer)."""

    @property
    def is_default(self) -> bool:
        return self.key == DEFAULT_ROUTE

    @property
    def greedy(self) -> bool:
        return bool(self.segments) and self.segments[-1].endswith("+}")

    def specificity(self) -> tuple[int, int, int, int]:
        """Sort key, most specific first."""
        literals = sum(1 for segment in self.segments if not _VARIABLE.fullmatch(segment))
        has_variables = literals != len(self.segments)
        return (int(self.greedy), int(has_variables), -literals, int(self.method == ANY_METHOD))

    def path_parameters(self, path_segments: list[str]) -> dict[str, str] | None:
        """``{name: value}`` when ``path_segments`` fit this route's path, else None."""
        parameters: dict[str, str] = {}
        for index, pattern in enumerate(self.segments):
            variable = _VARIABLE.fullmatch(pattern)
            if variable and variable.group(2):
                rest = path_segments[index:]
                if not rest:
                    return None
                parameters[variable.group(1)] = unquote("/".join(rest))
                return parameters
            if index >= len(path_segments):
                return None
            if variable:
                if not path_segments[index]:
                    return None
                parameters[variable.group(1)] = unquote(path_segments[index])
            elif pattern != path_segments[index]:
                return None
        return parameters if len(path_segments) == len(self.segments) else None


@dataclass(frozen=True)
class RouteMatch:
    route_key: str
    path_parameters: dict[str, str]
    authorization: str = "NONE"


def parse_route_key(key: str, where: str = "route") -> Route:
    if key == DEFAULT_ROUTE:
        return Route(key)
    method, _, path = key.partition(" ")
    if not method or not method.isalpha() or not path.startswith("/"):
        raise RouteError(f"{where}: RouteKey {key!r} is not '$default' or 'METHOD /path'")
    segments = tuple(segment for segment in path.split("/") if segment)
    for index, segment in enumerate(segments):
        variable = _VARIABLE.fullmatch(segment)
        if variable and variable.group(2) and index != len(segments) - 1:
            raise RouteError(f"{where}: RouteKey {key!r} has a greedy variable before the last segment")
    return Route(key, method.upper(), segments)


def routes_from_template(template: dict[str, Any]) -> list[Route]:
    """Every route of the template's HTTP APIs, most specific first; ``$default`` (if any) last."""
    routes = []
    for logical_id, resource in template.get("Resources", {}).items():
        if isinstance(resource, dict) and resource.get("Type") == "AWS::ApiGatewayV2::Route":
            properties = resource.get("Properties") or {}
            key = properties.get("RouteKey")
            if not isinstance(key, str):
                raise RouteError(f"route {logical_id}: RouteKey must be a string")
            authorization = properties.get("AuthorizationType", "NONE")
            if authorization not in AUTHORIZATION_TYPES:
                raise RouteError(
                    f"route {logical_id}: AuthorizationType {authorization!r} is not one of "
                    f"{', '.join(AUTHORIZATION_TYPES)} (an HTTP API's)"
                )
            routes.append(replace(parse_route_key(key, f"route {logical_id}"), authorization=authorization))
    return sorted(routes, key=lambda route: (route.is_default, route.specificity(), route.key))


def match_route(routes: list[Route], method: str, raw_path: str) -> RouteMatch | None:
    """The route ``method raw_path`` takes, with its path parameters; None is API Gateway's 404."""
    path_segments = [segment for segment in raw_path.split("?", 1)[0].split("/")][1:]
    if path_segments and path_segments[-1] == "":
        path_segments = path_segments[:-1]
    method = method.upper()
    for route in routes:
        if route.is_default:
            return RouteMatch(route.key, {}, route.authorization)
        if route.method not in (method, ANY_METHOD):
            continue
        parameters = route.path_parameters(path_segments)
        if parameters is not None:
            return RouteMatch(route.key, parameters, route.authorization)
    return None
