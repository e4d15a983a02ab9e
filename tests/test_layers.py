"""The layers run one way: CLI -> API -> experiment -> noise | eval -> tasks -> core.

Every import of every module is read from its syntax tree, lazy imports inside functions too,
so a cycle cannot hide behind a function-level import.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[1] / "robustx"

# package -> rank; a module imports only lower ranks, or its own package
RANKS = {"core": 0, "tasks": 1, "noise": 2, "eval": 2, "experiment": 3, "api": 4, "cli": 5}
CORE = {"robustx", "robustx.errors", "robustx.registry"}  # below everything
CLI_MAY_IMPORT = {"robustx.api", "robustx.errors", "robustx"}


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PKG.rglob("*.py")):
        rel = path.relative_to(PKG.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _imports(name: str, path: Path) -> list[tuple[str, int]]:
    """Absolute names of the robustx modules that ``name`` imports, with their lines."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(a.name, node.lineno) for a in node.names if a.name.startswith("robustx")]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            if not mod.startswith("robustx"):
                continue
            # `from . import x` may name a submodule: count it as that module
            for a in node.names:
                sub = f"{mod}.{a.name}"
                out.append((sub if sub in MODULES else mod, node.lineno))
    return out


MODULES = _modules()


def layer(module: str) -> str:
    if module in CORE:
        return "core"
    return module.split(".")[1]


def _allowed(src: str, dst: str) -> bool:
    a, b = layer(src), layer(dst)
    if a == "cli":
        return b == "cli" or dst in CLI_MAY_IMPORT or dst.startswith("robustx.cli")
    if a == b:
        return True
    return RANKS[b] < RANKS[a]  # noise and eval share a rank: neither imports the other


def test_every_module_belongs_to_a_layer():
    assert {layer(m) for m in MODULES} <= set(RANKS)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_upward_or_sideways_import(module):
    bad = [f"{module}:{line} imports {dst} ({layer(module)} -> {layer(dst)})"
           for dst, line in _imports(module, MODULES[module]) if not _allowed(module, dst)]
    assert bad == []


def test_eval_imports_nothing_from_noise_and_the_cli_only_the_api():
    for module, path in MODULES.items():
        dsts = {d for d, _ in _imports(module, path)}
        if layer(module) == "eval":
            assert not {d for d in dsts if layer(d) == "noise"}, module
        if layer(module) == "cli":
            assert {d for d in dsts if not d.startswith("robustx.cli")} <= CLI_MAY_IMPORT, module


def test_the_import_reader_sees_lazy_and_relative_imports(tmp_path):
    src = tmp_path / "m.py"
    src.write_text("from ..errors import X\ndef f():\n    from ..noise import engine\n"
                   "    import robustx.api\n", encoding="utf-8")
    got = {d for d, _ in _imports("robustx.eval.m", src)}
    assert got == {"robustx.errors", "robustx.noise.engine", "robustx.api"}


MAX_LINES = 400


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_module_over_400_lines_without_a_reason_at_its_top(module):
    path = MODULES[module]
    n = len(path.read_text(encoding="utf-8").splitlines())
    if n <= MAX_LINES:
        return
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    assert "Length:" in doc, (f"{module} has {n} lines; split it, or say in its docstring "
                              "why it is one module ('Length: ...')")
