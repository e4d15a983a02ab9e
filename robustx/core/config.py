"""The one YAML loader for configuration (profiles, gate files).

Configuration is small plain data, so the loader refuses everything else before it can cost
anything: anchors and aliases (an alias bomb expands to gigabytes from a few lines), explicit
tags (``!!python/...``, ``!!binary``), a key written twice (plain YAML keeps the last one
silently) and text over :data:`MAX_BYTES`. Scalars follow YAML 1.2's core schema: only
true/false are booleans (an unquoted ``on`` or ``no`` stays a string, as a gate's ``on: gap``
needs), ``1.0e300`` is a float and ``0755`` or ``1:30`` are not octal or sexagesimal numbers.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

MAX_BYTES = 1 << 20  # a profile or gate file is a few kB

# YAML 1.2 core schema (https://yaml.org/spec/1.2.2/#1032-tag-resolution)
_CORE = (
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
    ("tag:yaml.org,2002:float",
     r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
     r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$", "-+.0123456789"),
)


class ConfigSyntaxError(ValueError):
    """The text is not valid configuration YAML; ``line`` is 1-based when known."""

    def __init__(self, problem: str, line: int | None) -> None:
        super().__init__(problem)
        self.problem, self.line = problem, line


def _unique_mapping(loader: Any, node: Any, deep: bool = False) -> dict:
    import yaml  # type: ignore[import-untyped]

    seen = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


def _compose_node(loader: Any, parent: Any, index: Any) -> Any:
    """PyYAML's composer, refusing aliases, anchors and explicit tags as they are met."""
    import yaml

    event = loader.peek_event()
    what = None
    if isinstance(event, yaml.events.AliasEvent):
        what = f"alias *{event.anchor}"
    elif getattr(event, "anchor", None):
        what = f"anchor &{event.anchor}"
    elif getattr(event, "tag", None) not in (None, "!"):
        what = f"tag {event.tag}"
    if what:
        raise yaml.composer.ComposerError(
            None, None, f"{what}: anchors, aliases and tags are not allowed in configuration",
            event.start_mark)
    return yaml.SafeLoader.compose_node(loader, parent, index)


@cache
def _loader() -> Any:
    """Built on first use, so importing robustx does not import yaml."""
    import yaml

    class ConfigLoader(yaml.SafeLoader):
        compose_node = _compose_node

    ours = {tag for tag, _, _ in _CORE}
    ConfigLoader.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag not in ours]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}
    for tag, rx, first in _CORE:
        ConfigLoader.add_implicit_resolver(tag, re.compile(rx), list(first))
    ConfigLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _unique_mapping)
    ConfigLoader.add_constructor("tag:yaml.org,2002:int", _core_int)
    return ConfigLoader


def _core_int(loader: Any, node: Any) -> int:
    text = loader.construct_scalar(node)
    if text.startswith("0o"):
        return int(text[2:], 8)
    return int(text, 16) if text.startswith("0x") else int(text, 10)


def load_yaml(text: str) -> Any:
    """Parse configuration YAML; :class:`ConfigSyntaxError` on anything malformed."""
    import yaml

    if len(text) > MAX_BYTES or len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise ConfigSyntaxError(f"larger than {MAX_BYTES >> 10} KiB; configuration is small",
                                None)
    try:
        return yaml.load(text, Loader=_loader())  # safe: a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigSyntaxError(problem, mark.line + 1 if mark else None) from None
