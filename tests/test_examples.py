"""examples/: the GitHub Actions workflow is valid and runs real robustx commands.

(train_demo.py and api_example.py run end to end in tests/eval/test_compare.py.)
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import yaml

from robustx.cli import build_parser
from robustx.eval.gate import load_config

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = ROOT / "examples" / "github-actions-gate.yml"


def workflow() -> dict:
    doc = yaml.load(WORKFLOW.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)  # on: stays
    assert isinstance(doc, dict)
    return doc


def steps() -> list[dict]:
    return workflow()["jobs"]["gate"]["steps"]


def run_lines() -> list[str]:
    """Shell commands of every run step, with line continuations joined."""
    out = []
    for s in steps():
        out += [ln.strip() for ln in s.get("run", "").replace("\\\n", " ").splitlines()]
    return [ln for ln in out if ln]


def test_workflow_is_a_valid_github_actions_file():
    doc = workflow()
    assert set(doc) >= {"name", "on", "jobs"} and "pull_request" in doc["on"]
    assert doc["permissions"]["checks"] == "write"  # the JUnit report action needs it
    job = doc["jobs"]["gate"]
    assert job["runs-on"].startswith("ubuntu")
    for s in job["steps"]:
        assert ("uses" in s) != ("run" in s), s  # each step either uses an action or runs
        if "uses" in s:
            assert re.fullmatch(r"[\w.-]+/[\w.-]+@v\d+", s["uses"]), s["uses"]


def test_workflow_installs_cpu_torch_pinned_before_robustx():
    lines = run_lines()
    torch = next(i for i, ln in enumerate(lines) if ln.startswith("pip install torch"))
    robustx = next(i for i, ln in enumerate(lines) if re.match(r"pip install (\S*robustx|\.)", ln))
    assert torch < robustx
    # robustx is not on PyPI: the workflow installs it from the repository
    assert "git+https://github.com/robustx/robustx" in lines[robustx]
    assert "torch==2.13.0" in lines[torch]
    assert "--index-url https://download.pytorch.org/whl/cpu" in lines[torch]
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"torch>=2.1,<2.14"' in pyproject  # the pin is inside robustx's range


def test_workflow_compare_command_parses_and_its_gate_file_is_valid():
    env = workflow()["jobs"]["gate"]["env"]
    line = next(ln for ln in run_lines() if ln.startswith("robustx compare"))
    argv = [re.sub(r"\$(\w+)", lambda m: env[m.group(1)], a) for a in shlex.split(line)[1:]]
    args = build_parser().parse_args(argv)
    assert args.command == "compare" and args.task == "xnli" and args.severity == [1, 2, 3, 4, 5]
    assert args.gate == env["GATE"] and load_config(ROOT / args.gate).checks
    cache = next(s for s in steps() if s.get("uses", "").startswith("actions/cache"))
    assert env["ROBUSTX_CACHE"].endswith(cache["with"]["path"])
    assert f"'{args.data}/**'" in cache["with"]["key"]  # the cache key follows the data used
    upload = next(s for s in steps() if s.get("uses", "").startswith("actions/upload-artifact"))
    assert f"{args.out}/report.json" in upload["with"]["path"]
    junit = next(s for s in steps() if "junit" in s.get("uses", ""))
    assert junit["with"]["report_paths"] == f"{args.out}/gate-junit.xml"
