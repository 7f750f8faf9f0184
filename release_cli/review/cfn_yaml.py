"""A YAML loader for CloudFormation templates: short-form intrinsics (``!Ref``, ``!GetAtt a.b``, ``!Sub``...).

PyYAML's SafeLoader rejects unknown tags and turns ``2010-09-09`` into a date; CloudFormation does
neither, so the loader maps every ``!Tag`` to its long form and keeps dates as strings. Mapping keys
are strings as in JSON: an unquoted ``123:`` or ``0123:`` key is kept as written ("123", "0123"),
never turned into a number (which would not sort with string keys, or would change its spelling).
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import yaml

PLAIN_SCALAR_TAGS = frozenset(f"tag:yaml.org,2002:{name}" for name in ("int", "float", "bool", "null"))
"""Tags YAML infers for a plain scalar that is not a string; as a key, such a scalar stays the text written."""


class CfnYamlLoader(yaml.SafeLoader):
    """SafeLoader plus CloudFormation short tags, without the implicit timestamp resolver, with string keys."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        """SafeConstructor's mapping (merge keys included), except that plain scalar keys keep their text."""
        self.flatten_mapping(node)
        mapping: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag in PLAIN_SCALAR_TAGS:
                key: Any = key_node.value
            else:
                key = self.construct_object(key_node, deep=deep)
            if not isinstance(key, Hashable):
                raise yaml.constructor.ConstructorError(
                    "while constructing a mapping", node.start_mark, "found unhashable key", key_node.start_mark
                )
            mapping[key] = self.construct_object(value_node, deep=deep)
        return mapping


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
