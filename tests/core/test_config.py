"""The configuration YAML loader: plain data, YAML 1.2 booleans, duplicate keys refused."""

from __future__ import annotations

import pytest

from robustx.core.config import ConfigSyntaxError, load_yaml


@pytest.mark.parametrize(("text", "value"), [
    ("on: gap", {"on": "gap"}),
    ("a: no", {"a": "no"}),
    ("a: yes", {"a": "yes"}),
    ("a: true", {"a": True}),
    ("a: False", {"a": False}),
    ("a: 0.5", {"a": 0.5}),
    ("- 1\n- x", [1, "x"]),
])
def test_values(text, value):
    assert load_yaml(text) == value


@pytest.mark.parametrize(("text", "problem", "line"), [
    ("a: 1\na: 2\n", "duplicate key 'a'", 2),
    ("a: [1, 2\n", None, None),
    ("a: !!python/object:os.system x\n", None, None),
])
def test_errors(text, problem, line):
    with pytest.raises(ConfigSyntaxError) as info:
        load_yaml(text)
    if problem:
        assert info.value.problem == problem and info.value.line == line
