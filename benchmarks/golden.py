"""Hashes of what robustx produces, to show that a refactor changed no output byte.

Two parts, each run through the CLI as a user runs it:

- ``corrupt``: every shipped profile at severities 1, 3 and 5 on the built-in sample; the hash
  of every data file and of the manifest (less its ``command`` and ``versions``).
- ``compare`` (with ``--compare``): the README demo (``examples/train_demo.py``, then
  ``robustx compare ... --severity 1-5 --gate examples/gate.yaml``); the hash of ``report.json``
  and ``report.md`` and of both checkpoints' clean scores.

Paths are written as ``<tmp>`` (the run's folder) and ``<root>`` (the checkout: a manifest
records the profile file's path), and ``versions``/``command`` are left out, so hashes taken in
one checkout hold in any other.

    python benchmarks/golden.py --compare --out golden.json     # on the reference commit
    python benchmarks/golden.py --compare --check golden.json   # on the new one: exit 1 if any differ

``tests/test_golden.py`` checks the ``corrupt`` part against ``benchmarks/golden.json``. The hashes
are retaken only when an output changes on purpose; ``benchmarks/README.md`` lists each retake
and what it changed.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEVERITIES = (1, 3, 5)
VOLATILE = ("command", "versions")


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def _json_hash(path: Path, tmp: Path) -> str:
    doc = json.loads(path.read_text(encoding="utf-8"))
    for k in VOLATILE:
        doc.pop(k, None)
    return _sha(_local(json.dumps(doc, sort_keys=True, ensure_ascii=False), tmp).encode("utf-8"))


def _local(text: str, tmp: Path) -> str:
    """``text`` with this run's folder and the checkout's path (profiles record it) replaced:
    the checkout of the robustx that runs, which an editable install may put elsewhere."""
    import robustx

    package_root = str(Path(robustx.__file__).resolve().parents[1])
    return (text.replace(str(tmp), "<tmp>").replace(package_root, "<root>")
            .replace(str(ROOT), "<root>"))


def _robustx(argv: list[str]) -> int:
    from robustx.cli import main

    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        return main(argv)


def corrupt_hashes(profiles: list[str] | None = None) -> dict[str, str]:
    """``{"<profile>-s<sev>/<file>": hash}`` for every shipped profile and severity."""
    from robustx.api import list_profiles

    names = profiles or [p["name"] for p in list_profiles()]
    out: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        for name in names:
            for sev in SEVERITIES:
                dest = tmp / f"{name}-s{sev}"
                code = _robustx(["corrupt", "--profile", name, "--severity", str(sev),
                                 "--out", str(dest)])
                if code != 0:
                    raise SystemExit(f"golden: robustx corrupt --profile {name} exited {code}")
                for f in sorted(p for p in dest.rglob("*") if p.is_file()):
                    rel = f"{dest.name}/{f.relative_to(dest).as_posix()}"
                    out[rel] = (_json_hash(f, tmp) if f.name == "manifest.json"
                                else _sha(f.read_bytes()))
    return out


def compare_hashes() -> dict[str, str]:
    """Hashes of the README demo's report and of both checkpoints' clean scores."""
    out: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        demo = tmp / "demo"
        subprocess.run([sys.executable, str(ROOT / "examples" / "train_demo.py"), "--out",
                        str(demo)], check=True, capture_output=True)
        report = demo / "report"
        code = _robustx(["compare", str(demo / "standard"), str(demo / "noise-augmented"),
                         "--task", "xnli", "--data", str(demo / "test"), "--severity", "1-5",
                         "--out", str(report), "--gate", str(ROOT / "examples" / "gate.yaml"),
                         "--no-cache"])
        out["compare/exit"] = str(code)
        out["compare/report.json"] = _json_hash(report / "report.json", tmp)
        md = _local((report / "report.md").read_text(encoding="utf-8"), tmp)
        out["compare/report.md"] = _sha(md.encode("utf-8"))
        for ckpt in ("standard", "noise-augmented"):
            scores = tmp / f"{ckpt}.json"
            _robustx(["evaluate", str(demo / ckpt), "--task", "xnli", "--data",
                      str(demo / "test"), "--device", "cpu", "--no-cache", "--out", str(scores)])
            out[f"evaluate/{ckpt}"] = _json_hash(scores, tmp)
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--compare", action="store_true", help="also the demo compare (a minute)")
    p.add_argument("--out", type=Path, help="write the hashes here (JSON)")
    p.add_argument("--check", type=Path, help="compare with the hashes in this file")
    a = p.parse_args(argv)
    hashes = corrupt_hashes()
    if a.compare:
        hashes.update(compare_hashes())
    if a.out:
        a.out.write_text(json.dumps(hashes, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    if a.check:
        want = json.loads(a.check.read_text(encoding="utf-8"))
        keys = sorted(set(hashes) | set(want)) if a.compare else sorted(
            set(hashes) | {k for k in want if not k.startswith(("compare/", "evaluate/"))})
        bad = [k for k in keys if hashes.get(k) != want.get(k)]
        for k in bad:
            print(f"differs: {k}: {want.get(k)} -> {hashes.get(k)}")
        print(f"{len(keys) - len(bad)} of {len(keys)} hashes identical")
        return 1 if bad else 0
    if not a.out:
        print(json.dumps(hashes, indent=1, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
