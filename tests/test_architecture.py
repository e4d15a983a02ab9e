"""Structural rules of the package, checked on its source."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "robustx"

# Where family and metric names may be spelled out: the records and registries themselves.
DISPATCH_ALLOWED = (
    "eval/metrics/",
    "eval/heads/",
    "tasks/families.py",
)
DISPATCH_NAMES = ("family", "kind", "metric")


def _is_dispatch_name(node: ast.expr) -> bool:
    if isinstance(node, ast.Name):
        return node.id in DISPATCH_NAMES
    return isinstance(node, ast.Attribute) and node.attr in DISPATCH_NAMES


def _is_string_literal(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return bool(node.elts) and all(_is_string_literal(e) for e in node.elts)
    return False


def _dispatches(tree: ast.AST) -> list[int]:
    """Lines comparing a family/kind/metric name with string literals."""
    lines = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Compare):
            continue
        operands = [node.left, *node.comparators]
        for op, left, right in zip(node.ops, operands, operands[1:], strict=False):
            if not isinstance(op, (ast.Eq, ast.NotEq, ast.In, ast.NotIn)):
                continue
            if (_is_dispatch_name(left) and _is_string_literal(right)) or (
                    _is_dispatch_name(right) and _is_string_literal(left)):
                lines.append(node.lineno)
    return lines


def test_no_string_dispatch_on_family_or_metric():
    """Family and metric behaviour lives in their records (FAMILIES, METRICS, HEADS); code
    elsewhere looks it up instead of branching on a name, so adding one touches one file."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        if rel.startswith(DISPATCH_ALLOWED):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        found += [f"robustx/{rel}:{line}" for line in _dispatches(tree)]
    assert not found, "string dispatch on family/kind/metric:\n" + "\n".join(found)


def test_the_dispatch_check_sees_what_it_forbids():
    src = ("if kind == 'ner': pass\nif split.family in ('pair', 'qa'): pass\n"
           "if 'bucc' != task.metric: pass\nif kind in METRICS: pass\nif x == 'ner': pass\n")
    assert _dispatches(ast.parse(src)) == [1, 2, 3]
