"""Synth-time check of the seed's one rule in a production stage: every way into the service function
goes through an alias on a published version, never ``$LATEST`` or the unqualified function.

``stages.toml`` already refuses ``target = "$LATEST"`` for a production stage; this check looks at
what was actually built, so a construct added later (another API integration, a permission, an alias
made outside ``StageAlias``) cannot slip past it. Checked on the synthesized values, as CloudFormation
will see them:

* every ``AWS::Lambda::Alias`` of the function: ``FunctionVersion`` (and any routed version) is not
  ``$LATEST``;
* every ``AWS::ApiGatewayV2::Integration``, ``AWS::Lambda::Permission``,
  ``AWS::Lambda::EventSourceMapping`` and ``AWS::Events::Rule`` target that refers to the
  function refers to it only through such an alias (a ``Ref`` to the alias, whose value is its ARN),
  never the function itself (``Ref``/``Fn::GetAtt``, its name or ARN), ``$LATEST`` or a bare version.

A violation stops synth (``Node.add_validation``) with a message naming each offending construct's path.
"""

from __future__ import annotations

import json
from typing import Any

import jsii
from aws_cdk import Stack
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_events as events
from aws_cdk import aws_lambda as lambda_
from constructs import IConstruct, IValidation

from service_model.alias_spec import LATEST


def production_target_problems(stack: Stack, function: lambda_.Function) -> list[str]:
    """Every place in ``stack`` where ``function`` could be reached other than through a published-version alias."""
    function_id = _logical_id(stack, function.node.default_child)
    name = function.function_name if not _is_token(function.function_name) else None
    aliases: dict[str, lambda_.CfnAlias] = {}
    problems: list[str] = []
    for node in stack.node.find_all():
        if isinstance(node, lambda_.CfnAlias) and function_id in _text(stack, node.function_name):
            aliases[_logical_id(stack, node)] = node
            if _runs_latest(stack, node):
                problems.append(f"{node.node.path}: alias {node.name} of the function runs $LATEST")
    latest_aliases = {logical_id for logical_id, alias in aliases.items() if _runs_latest(stack, alias)}
    for node in stack.node.find_all():
        for value, kind in _ways_in(node):
            resolved = stack.resolve(value)
            text = json.dumps(resolved)
            refs_function = function_id in text or (name is not None and _names(text, name))
            alias_id = _alias_referenced(resolved, aliases)
            if alias_id in aliases:
                if alias_id in latest_aliases:
                    alias_name = aliases[alias_id].name
                    problems.append(f"{node.node.path}: {kind} goes through alias {alias_name}, which runs $LATEST")
            elif refs_function:
                problems.append(f"{node.node.path}: {kind} targets the function itself ({text}), not a version's alias")
    return [
        f"{problem} (a production stage: every alias, API integration, permission, event source mapping and "
        "schedule target must go to an alias on a published version, never $LATEST or the unqualified function)"
        for problem in problems
    ]


@jsii.implements(IValidation)
class ProductionTargetsCheck:
    """``production_target_problems`` as a construct validation: CDK runs it at synth and stops on any."""

    def __init__(self, stack: Stack, function: lambda_.Function) -> None:
        self._stack = stack
        self._function = function

    def validate(self) -> list[str]:
        return production_target_problems(self._stack, self._function)


def _alias_referenced(resolved: Any, aliases: dict[str, lambda_.CfnAlias]) -> str | None:
    """The alias a value goes through: a ``Ref`` to it (its ARN), or a name cut out of that ARN
    (``Fn::Join`` of a ``Fn::Select`` over it, as CDK names an alias's function for a mapping)."""
    if isinstance(resolved, dict) and resolved.get("Ref") in aliases:
        return str(resolved["Ref"])
    text = json.dumps(resolved)
    found = [logical_id for logical_id in aliases if json.dumps({"Ref": logical_id}) in text]
    return found[0] if len(found) == 1 else None


def _ways_in(node: IConstruct) -> list[tuple[Any, str]]:
    """The values by which ``node`` (an integration, permission, mapping or rule) names a function."""
    if isinstance(node, apigwv2.CfnIntegration):
        return [(node.integration_uri, "API integration")]
    if isinstance(node, lambda_.CfnPermission):
        return [(node.function_name, "permission")]
    if isinstance(node, lambda_.CfnEventSourceMapping):
        return [(node.function_name, "event source mapping")]
    if isinstance(node, events.CfnRule):
        stack = Stack.of(node)
        targets = stack.resolve(node.targets) or []
        return [(t.get("arn", t.get("Arn")), "schedule target") for t in targets if isinstance(t, dict)]
    return []


def _runs_latest(stack: Stack, alias: lambda_.CfnAlias) -> bool:
    return LATEST in [stack.resolve(alias.function_version), *_routed(stack, alias)]


def _routed(stack: Stack, alias: lambda_.CfnAlias) -> list[Any]:
    routing = stack.resolve(alias.routing_config) or {}
    weights = routing.get("additionalVersionWeights") or routing.get("AdditionalVersionWeights") or []
    return [w.get("functionVersion", w.get("FunctionVersion")) for w in weights if isinstance(w, dict)]


def _logical_id(stack: Stack, node: IConstruct | None) -> str:
    return stack.get_logical_id(node)  # type: ignore[arg-type]


def _text(stack: Stack, value: Any) -> str:
    return json.dumps(stack.resolve(value))


def _is_token(value: str) -> bool:
    from aws_cdk import Token

    return Token.is_unresolved(value)


def _names(text: str, name: str) -> bool:
    """A literal function name or ARN (unqualified or ``:$LATEST``) in ``text``."""
    return f'"{name}"' in text or f':function:{name}"' in text or f"{name}:{LATEST}" in text
