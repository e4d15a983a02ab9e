"""The optional compiled noise engine: the same source built with mypyc, the same bytes, faster.

The pure-Python modules are the reference and the default. ``python -m robustx.core.accel
build`` compiles :data:`MODULES` (the engine, its random streams, the word units, the script
rules, the keyboard ops and the measurements) with mypyc into a cache folder named by a hash of
every robustx source file and of the interpreter's ABI. On import, :mod:`robustx.noise` puts a
folder whose name matches the running sources first on its module path
(:func:`activate`), so an edited checkout runs its own pure Python again instead of stale
binaries, until it is built again. It needs ``pip install "robustx[accel]"`` (mypy, which
brings mypyc) and a C compiler; ``ROBUSTX_ACCEL=0`` turns it off, ``ROBUSTX_ACCEL_DIR`` moves
the cache. ``tests/test_accel.py`` builds it and checks the golden hashes of every shipped
profile byte for byte.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import sysconfig
from pathlib import Path

from ..errors import UsageError

PKG = Path(__file__).resolve().parents[1]  # the robustx package folder
MODULES = ("noise/rng.py", "noise/wellformed.py", "noise/units.py", "noise/protect.py",
           "noise/engine.py", "noise/typo.py", "noise/intensity.py")
READY = "build.json"  # written last: a folder without it (a build cut short) is never used
ACTIVE: str | None = None  # the folder in use in this process, if any


def cache_root() -> Path:
    env = os.environ.get("ROBUSTX_ACCEL_DIR")
    if env:
        return Path(env).expanduser().resolve()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "robustx" / "accel"


def fingerprint(pkg: Path = PKG) -> str:
    """A hash of every source file of the package and of the interpreter's extension ABI: the
    compiled modules call into the rest of robustx, so any edit anywhere invalidates them."""
    h = hashlib.blake2b(digest_size=10)
    h.update(f"{sys.implementation.cache_tag}|{sysconfig.get_config_var('EXT_SUFFIX')}".encode())
    for path in sorted(pkg.rglob("*.py")):
        h.update(path.relative_to(pkg).as_posix().encode() + b"\0")
        h.update(path.read_bytes())
    return h.hexdigest()


def built_dir(pkg: Path = PKG) -> Path:
    return cache_root() / fingerprint(pkg)


def activate(noise_path: list[str]) -> str | None:
    """Put the compiled modules first on ``robustx.noise``'s ``__path__`` when a complete build
    of exactly these sources exists and ``ROBUSTX_ACCEL`` is not 0; returns its folder."""
    global ACTIVE
    if os.environ.get("ROBUSTX_ACCEL", "1") == "0" or not cache_root().is_dir():
        return None  # nothing built: no need to hash the sources
    try:
        folder = built_dir()
    except OSError:  # sources unreadable (a zipped install): pure Python
        return None
    if not (folder / READY).is_file():
        return None
    noise_path.insert(0, str(folder / "robustx" / "noise"))
    if str(folder) not in sys.path:  # mypyc's shared library is a top-level module
        sys.path.append(str(folder))
    ACTIVE = str(folder)
    return ACTIVE


def build(verbose: bool = False) -> Path:
    """Compile :data:`MODULES` with mypyc into :func:`built_dir`; returns the folder."""
    import json
    import subprocess
    import tempfile

    try:
        from mypy.version import __version__ as mypy_version
    except ModuleNotFoundError:
        raise UsageError('the compiled engine needs mypyc: pip install "robustx[accel]"') from None
    target = built_dir()
    if (target / READY).is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)  # an unwritable cache fails before mypyc
    with tempfile.TemporaryDirectory(prefix="robustx-accel-") as tmp:
        work = Path(tmp)
        shutil.copytree(PKG, work / "robustx", ignore=shutil.ignore_patterns(
            "__pycache__", "*.so", "sample", "resources", "_profiles"))
        proc = subprocess.run([sys.executable, "-m", "mypyc", *(f"robustx/{m}" for m in MODULES)],
                              cwd=work, capture_output=True, text=True)
        if proc.returncode != 0:
            tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-15:])
            raise UsageError(f"mypyc could not build the compiled engine (a C compiler is "
                             f"needed; the pure-Python engine still works):\n{tail}")
        if verbose:
            print(proc.stdout[-2000:], file=sys.stderr)
        stage = target.with_name(target.name + ".tmp")
        shutil.rmtree(stage, ignore_errors=True)
        (stage / "robustx" / "noise").mkdir(parents=True)
        suffix = sysconfig.get_config_var("EXT_SUFFIX")
        for m in MODULES:
            so = Path(m).with_suffix("").name + suffix
            shutil.copy2(work / "robustx" / "noise" / so, stage / "robustx" / "noise" / so)
        for lib in work.glob(f"*__mypyc{suffix}"):
            shutil.copy2(lib, stage / lib.name)
        (stage / READY).write_text(json.dumps({"mypyc": mypy_version, "modules": MODULES,
                                               "python": sys.version.split()[0]}, indent=1))
        if target.exists():
            shutil.rmtree(target)
        stage.rename(target)
    return target


def status() -> str:
    folder = built_dir()
    if os.environ.get("ROBUSTX_ACCEL", "1") == "0":
        return "off (ROBUSTX_ACCEL=0): pure Python"
    if (folder / READY).is_file():
        return f"compiled engine built for these sources: {folder}"
    return ("pure Python (no compiled engine built for these sources; "
            "python -m robustx.core.accel build)")


def main(argv: list[str] | None = None) -> int:
    import argparse

    ap = argparse.ArgumentParser(prog="python -m robustx.core.accel",
                                 description=__doc__.split("\n\n")[0])
    ap.add_argument("action", choices=("build", "status", "clear"), nargs="?", default="status")
    ap.add_argument("-v", "--verbose", action="store_true", help="show mypyc's output")
    args = ap.parse_args(argv)
    try:
        if args.action == "build":
            print(f"built: {build(args.verbose)}")
        elif args.action == "clear":
            shutil.rmtree(cache_root(), ignore_errors=True)
            print(f"removed {cache_root()}")
        else:
            print(status())
    except (UsageError, OSError) as exc:  # OSError: a cache folder that cannot be written
        print(f"robustx: error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
