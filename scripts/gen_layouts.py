"""Generate the keyboard layouts of the ``typo`` noise family from Debian's xkb-data.

Run from the repository root (needs the ``xkb-data`` and ``x11proto-dev`` packages)::

    python scripts/gen_layouts.py [--xkb /usr/share/X11/xkb/symbols] [--out DIR]

It parses the ``xkb_symbols`` blocks of each layout, resolves ``include`` statements, keeps
the first two shift levels of the main typing keys, places them on a standard ANSI or ISO
geometry, derives the neighbour map and writes one compact JSON per layout plus
``langs.json`` (language -> layout file). xkb has no Hangul mapping, so the Korean Dubeolsik
layout is the fixed KS X 5002 table below, laid over the US keys.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import unicodedata
from pathlib import Path

XKB_DIR = Path("/usr/share/X11/xkb/symbols")
KEYSYMDEF = Path("/usr/include/X11/keysymdef.h")
OUT_DIR = Path(__file__).resolve().parents[1] / "robustx" / "noise" / "resources" / "layouts"

# lang -> (xkb layout, variant or "" for the file's default block, geometry)
LANGS: dict[str, tuple[str, str, str] | None] = {
    "af": ("us", "", "ansi"), "ar": ("ara", "", "ansi"), "bg": ("bg", "", "iso"),
    "bn": ("in", "ben_inscript", "ansi"), "de": ("de", "", "iso"), "el": ("gr", "", "iso"),
    "en": ("us", "", "ansi"), "es": ("es", "", "iso"), "et": ("ee", "", "iso"),
    "eu": ("es", "", "iso"), "fa": ("ir", "pes", "ansi"), "fi": ("fi", "", "iso"),
    "fr": ("fr", "", "iso"), "he": ("il", "", "ansi"), "hi": ("in", "deva", "ansi"),
    "hu": ("hu", "", "iso"), "id": ("us", "", "ansi"), "it": ("it", "", "iso"),
    "jv": ("us", "", "ansi"), "ka": ("ge", "", "ansi"), "kk": ("kz", "", "iso"),
    "ko": ("kr", "dubeolsik", "ansi"), "ml": ("in", "mal", "ansi"),
    "mr": ("in", "marathi", "ansi"), "ms": ("us", "", "ansi"), "my": ("mm", "", "ansi"),
    "nl": ("us", "", "ansi"), "pt": ("br", "", "iso"), "ru": ("ru", "", "ansi"),
    "sw": ("us", "", "ansi"), "ta": ("in", "tam", "ansi"), "te": ("in", "tel", "ansi"),
    "th": ("th", "", "ansi"), "tl": ("us", "", "ansi"), "tr": ("tr", "", "iso"),
    "ur": ("pk", "", "ansi"), "vi": ("us", "", "ansi"), "yo": ("ng", "yoruba", "ansi"),
    "zh": None, "ja": None,  # typed through input methods, no layout neighbours
}

# Korean Dubeolsik (KS X 5002): US key -> (unshifted, shifted) compatibility jamo.
DUBEOLSIK = {
    "q": "ㅂㅃ", "w": "ㅈㅉ", "e": "ㄷㄸ", "r": "ㄱㄲ", "t": "ㅅㅆ", "y": "ㅛㅛ", "u": "ㅕㅕ",
    "i": "ㅑㅑ", "o": "ㅐㅒ", "p": "ㅔㅖ", "a": "ㅁㅁ", "s": "ㄴㄴ", "d": "ㅇㅇ", "f": "ㄹㄹ",
    "g": "ㅎㅎ", "h": "ㅗㅗ", "j": "ㅓㅓ", "k": "ㅏㅏ", "l": "ㅣㅣ", "z": "ㅋㅋ", "x": "ㅌㅌ",
    "c": "ㅊㅊ", "v": "ㅍㅍ", "b": "ㅠㅠ", "n": "ㅜㅜ", "m": "ㅡㅡ",
}


def geometry(kind: str) -> dict[str, tuple[int, float]]:
    """Keycode -> (row, x) in key widths on a standard board; rows 0..3 from the digit row."""
    pos = {"TLDE": (0, 0.0)}
    pos.update({f"AE{i:02d}": (0, float(i)) for i in range(1, 13)})
    pos.update({f"AD{i:02d}": (1, 0.5 + i) for i in range(1, 13)})
    pos.update({f"AC{i:02d}": (2, 0.75 + i) for i in range(1, 12)})
    pos.update({f"AB{i:02d}": (3, 1.25 + i) for i in range(1, 12)})
    if kind == "iso":
        pos["BKSL"] = (2, 12.75)
        pos["LSGT"] = (3, 1.25)
    else:
        pos["BKSL"] = (1, 13.5)
    return pos


def keysym_table(path: Path = KEYSYMDEF) -> dict[str, str]:
    """Keysym name -> character, from the ``U+XXXX`` comments of keysymdef.h."""
    table = {}
    pat = re.compile(r"#define XK_(\w+)\s+0x([0-9a-fA-F]+)\s*(?:/\*\s*\(?U\+([0-9A-Fa-f]+))?")
    for line in path.read_text(encoding="latin-1").splitlines():
        m = pat.match(line)
        if not m:
            continue
        name, value, uni = m.groups()
        if uni:
            table[name] = chr(int(uni, 16))
        elif 0x20 <= int(value, 16) <= 0xFF:
            table[name] = chr(int(value, 16))
    return table


def to_char(sym: str, table: dict[str, str]) -> str:
    """One keysym -> the text it types ("" for dead keys, NoSymbol and non-characters)."""
    sym = sym.strip()
    if re.fullmatch(r"U[0-9A-Fa-f]{4,6}", sym):
        ch = chr(int(sym[1:], 16))
    elif re.fullmatch(r"0x0*1[0-9A-Fa-f]{6}", sym):
        ch = chr(int(sym, 16) - 0x1000000)
    elif len(sym) == 1:
        ch = sym
    else:
        ch = table.get(sym, "")
    if not ch or unicodedata.category(ch)[0] in "CZ":
        return ""
    if 0xFB50 <= ord(ch) <= 0xFEFF:  # Arabic presentation forms (the lam-alef key)
        ch = unicodedata.normalize("NFKC", ch)
    return ch


def strip_comments(text: str) -> str:
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    return re.sub(r"//[^\n]*", " ", text)


def blocks(path: Path) -> tuple[dict[str, str], str]:
    """Variant name -> block body of one symbols file, and the default variant's name."""
    text = strip_comments(path.read_text(encoding="utf-8", errors="replace"))
    out, default = {}, ""
    for m in re.finditer(r"((?:[\w]+\s+)*)xkb_symbols\s+\"([^\"]+)\"\s*\{", text):
        depth, i = 1, m.end()
        while depth and i < len(text):
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            i += 1
        out[m.group(2)] = text[m.end() : i - 1]
        if not default and "default" in m.group(1).split():
            default = m.group(2)
    return out, default or next(iter(out))


def key_syms(body: str) -> list[str]:
    """The Group1 keysyms of one ``key <X> { ... }`` body."""
    m = re.search(r"symbols\[\s*group1\s*\]\s*=\s*\[([^\]]*)\]", body, flags=re.I)
    if not m:
        body = re.sub(r"\w+\[\s*group\d\s*\]\s*=\s*\[[^\]]*\]", " ", body, flags=re.I)
        body = re.sub(r"\w+\[\s*group\d\s*\]", " ", body, flags=re.I)
        m = re.search(r"\[([^\]]*)\]", body)
    return [s.strip() for s in m.group(1).split(",")] if m else []


def resolve(layout: str, variant: str, xkb: Path, seen: frozenset = frozenset()) -> dict:
    """Keycode -> list of keysyms after resolving includes (later definitions override)."""
    path = xkb / layout
    if (layout, variant) in seen or not path.is_file():
        return {}
    found, default = blocks(path)
    body = found.get(variant or default, "")
    keys: dict[str, list[str]] = {}
    item = re.compile(r"include\s+\"([^\"]+)\"|key\s*<(\w+)>\s*\{(.*?)\}\s*;", re.S)
    for m in item.finditer(body):
        if m.group(1):
            for part in re.split(r"[+|]", m.group(1)):
                part = part.split(":")[0].strip()
                lay, var = re.fullmatch(r"([\w/-]+)(?:\(([\w-]+)\))?", part).groups()
                for k, syms in resolve(lay, var or "", xkb, seen | {(layout, variant)}).items():
                    keys[k] = merge(keys.get(k, []), syms)
        else:
            name = "BKSL" if m.group(2) == "AC12" else m.group(2)
            keys[name] = merge(keys.get(name, []), key_syms(m.group(3)))
    return keys


def merge(old: list[str], new: list[str]) -> list[str]:
    """Override semantics: a level given as NoSymbol keeps the previous definition."""
    out = list(old) + [""] * max(0, len(new) - len(old))
    for i, sym in enumerate(new):
        if sym and sym != "NoSymbol":
            out[i] = sym
    return out


def neighbour_map(grid: list[list]) -> dict[str, list[str]]:
    """Char -> characters on adjacent keys at the same shift level (lowest level wins)."""
    out: dict[str, list[str]] = {}
    for level in (3, 4):
        found: dict[str, list[str]] = {}
        for key in grid:
            ch = key[level]
            if not ch or ch in out:
                continue
            near = [
                other[level]
                for other in grid
                if other is not key and other[level] and other[level] != ch and adjacent(key, other)
            ]
            found.setdefault(ch, [])
            found[ch] += [n for n in near if n not in found[ch]]
        out.update(found)
    return out


def adjacent(a: list, b: list) -> bool:
    drow, dx = abs(a[1] - b[1]), abs(a[2] - b[2])
    return (drow == 0 and abs(dx - 1) < 0.01) or (drow == 1 and dx < 0.99)


def build(lang_spec: tuple[str, str, str], xkb: Path, table: dict[str, str]) -> dict:
    layout, variant, kind = lang_spec
    pos = geometry(kind)
    if layout == "kr":
        keys = resolve("us", "", xkb)
        for letter, jamo in DUBEOLSIK.items():
            code = next(k for k, s in keys.items() if s[:1] == [letter])
            keys[code] = [jamo[0], jamo[1]]
        source = "KS X 5002 Dubeolsik over xkb us(basic)"
    else:
        keys = resolve(layout, variant, xkb)
        source = f"xkb-data symbols/{layout}({variant or 'default'})"
    grid = []
    for code, (row, x) in sorted(pos.items(), key=lambda kv: kv[1]):
        syms = [*keys.get(code, []), "", ""][:2]
        chars = [to_char(s, table) if s else "" for s in syms]
        if any(chars):
            grid.append([code, row, x, *chars])
    if not grid:
        raise SystemExit(f"no keys found for {layout}({variant})")
    return {"layout": layout, "variant": variant, "geometry": kind, "source": source,
            "grid": grid, "neighbours": neighbour_map(grid)}


def file_name(spec: tuple[str, str, str]) -> str:
    return f"{spec[0]}_{spec[1]}.json" if spec[1] else f"{spec[0]}.json"


def xkb_version() -> str:
    try:
        out = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "xkb-data"],
                             capture_output=True, text=True, check=True)
        return out.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--xkb", type=Path, default=XKB_DIR)
    ap.add_argument("--keysymdef", type=Path, default=KEYSYMDEF)
    ap.add_argument("--out", type=Path, default=OUT_DIR)
    args = ap.parse_args()
    table = keysym_table(args.keysymdef)
    args.out.mkdir(parents=True, exist_ok=True)
    langs = {lang: spec and file_name(spec) for lang, spec in sorted(LANGS.items())}
    for spec in sorted({spec for spec in LANGS.values() if spec}):
        data = build(spec, args.xkb, table)
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        (args.out / file_name(spec)).write_text(text + "\n", encoding="utf-8")
    index = {"xkb_data": xkb_version(), "langs": langs}
    text = json.dumps(index, ensure_ascii=False, indent=1, sort_keys=True)
    (args.out / "langs.json").write_text(text + "\n", encoding="utf-8")
    print(f"wrote {len(set(filter(None, langs.values())))} layouts to {args.out}")


if __name__ == "__main__":
    main()
