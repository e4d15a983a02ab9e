"""The one YAML loader for configuration (profiles, gate files).

Safe (plain data only), a key written twice is an error (plain YAML keeps the last one
silently), and YAML 1.2 booleans: only true/false, so an unquoted key such as ``on`` or a value
such as ``no`` stays a string instead of becoming a boolean as under PyYAML's YAML 1.1 rules.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any


class ConfigSyntaxError(ValueError):
    """The text is not valid configuration YAML; ``line`` is 1-based when known."""

    def __init__(self, problem: str, line: int | None) -> None:
        super().__init__(problem)
        self.problem, self.line = problem, line


def _unique_mapping(loader: Any, node: Any, deep: bool = False) -> dict:
    import yaml

    seen = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


@cache
def _loader() -> Any:
    """Built on first use, so importing robustx does not import yaml."""
    import yaml

    class ConfigLoader(yaml.SafeLoader):
        pass

    bool_tag = "tag:yaml.org,2002:bool"
    ConfigLoader.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag != bool_tag]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}
    ConfigLoader.add_implicit_resolver(
        bool_tag, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
    ConfigLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _unique_mapping)
    return ConfigLoader


def load_yaml(text: str) -> Any:
    """Parse configuration YAML; :class:`ConfigSyntaxError` on anything malformed."""
    import yaml

    try:
        return yaml.load(text, Loader=_loader())  # safe: a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigSyntaxError(problem, mark.line + 1 if mark else None) from None
