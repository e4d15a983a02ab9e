"""docs/experiment.md and README stay true to `robustx train`: defaults and command lines."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from robustx.cli import build_parser
from robustx.experiment.adversarial import DEFAULTS

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "experiment.md"


def _commands(path: Path, name: str) -> list[list[str]]:
    """Every ``robustx NAME ...`` line of the bash blocks, continuations joined."""
    text = path.read_text(encoding="utf-8")
    out = []
    for block in re.findall(r"```bash\n(.*?)```", text, flags=re.S):
        for line in block.replace("\\\n", " ").splitlines():
            line = line.split("#", 1)[0].strip()
            if line.startswith(f"robustx {name} "):
                out.append(shlex.split(line)[1:])
    return out


def test_the_defaults_table_is_the_code():
    text = DOC.read_text(encoding="utf-8")
    rows = re.findall(r"^\| (\w+) \| ([\d.]+) \| (\d+) \| ([\d.]+) \|$", text, flags=re.M)
    table = {m: (float(e), int(k), float(lr)) for m, e, k, lr in rows}
    code = {m: (p.eps, p.steps, p.lr) for m, p in DEFAULTS.items() if m != "none"}
    assert table == code


@pytest.mark.parametrize("path", [DOC, ROOT / "README.md"])
def test_documented_train_commands_parse(path):
    cmds = _commands(path, "train")
    assert cmds
    parser = build_parser()
    for argv in cmds:
        args = parser.parse_args(argv)
        assert args.command == "train" and args.out


def test_help_lists_train():
    help_text = build_parser().format_help()
    assert "train" in help_text
    sub = build_parser()._subparsers._group_actions[0].choices["train"].format_help()
    for flag in ("--intermediate", "--adversarial", "--adv-eps", "--noise", "--precision"):
        assert flag in sub
