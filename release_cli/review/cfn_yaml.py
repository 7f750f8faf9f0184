"""A YAML loader for CloudFormation templates: short-form intrinsics (``!Ref``, ``!GetAtt a.b``, ``!Sub``...).

PyYAML's SafeLoader rejects unknown tags and turns ``2010-09-09`` into a date; CloudFormation does
neither, so the loader maps every ``!Tag`` to its long form and keeps dates as strings.
"""

from __future__ import annotations

from typing import Any

import yaml


class CfnYamlLoader(yaml.SafeLoader):
    """SafeLoader plus CloudFormation short tags, without the implicit timestamp resolver."""


CfnYamlLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _node_value(loader: CfnYamlLoader, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node, deep=True)
    raise yaml.constructor.ConstructorError(None, None, f"unexpected node {node.tag}", node.start_mark)


def _construct_short_tag(loader: CfnYamlLoader, tag_suffix: str, node: yaml.Node) -> dict[str, Any]:
    value = _node_value(loader, node)
    if tag_suffix in ("Ref", "Condition"):
        return {tag_suffix: value}
    if tag_suffix == "GetAtt" and isinstance(value, str):
        resource, _, attribute = value.partition(".")
        return {"Fn::GetAtt": [resource, attribute]}
    return {f"Fn::{tag_suffix}": value}


CfnYamlLoader.add_multi_constructor("!", _construct_short_tag)


def load_cfn_yaml(text: str) -> Any:
    """Parse ``text`` as a CloudFormation YAML template (raises ``yaml.YAMLError`` on bad YAML)."""
    return yaml.load(text, Loader=CfnYamlLoader)
