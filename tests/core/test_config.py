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


BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
    f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
    f"*{chr(97 + i)}]\n" for i in range(9))


@pytest.mark.parametrize(("text", "what"), [
    (BOMB, "anchor &a"),
    ("a: *x\n", "alias *x"),
    ("a: !!str 1\n", "tag tag:yaml.org,2002:str"),
    ("a: !!python/object/apply:os.system [ls]\n", "tag tag:yaml.org,2002:python/object/apply"),
    ("a: !custom x\n", "tag !custom"),
    ("name: &n typo\nother: *n\n", "anchor &n"),
])
def test_anchors_aliases_and_tags_are_refused_at_once(text, what):
    import time

    start = time.perf_counter()
    with pytest.raises(ConfigSyntaxError) as info:
        load_yaml(text)
    assert time.perf_counter() - start < 1.0
    assert info.value.problem.startswith(what) and "not allowed" in info.value.problem


def test_text_over_the_size_cap_is_refused():
    from robustx.core.config import MAX_BYTES

    with pytest.raises(ConfigSyntaxError, match="larger than"):
        load_yaml("a: " + "x" * MAX_BYTES)


@pytest.mark.parametrize(("text", "value"), [
    ("a: 1.0e300", 1e300), ("a: 1e3", 1000.0), ("a: 0755", 755), ("a: 0o17", 15),
    ("a: 0x1F", 31), ("a: 1:30", "1:30"), ("a: 1_000", "1_000"), ("a: .5", 0.5),
])
def test_numbers_follow_the_yaml_1_2_core_schema(text, value):
    assert load_yaml(text)["a"] == value
