"""Language codes as users and datasets write them, turned into the one code robustx uses.

Accepted: ISO 639-1 (``de``), ISO 639-3 (``deu``, and the individual-language codes XTREME's
files use for macrolanguages: ``cmn``, ``pes``, ``swh``), and English names (``German``, the
hub's ``udpos.German``, TyDiQA's ``arabic``). The result is the ISO 639-1 code where the
language has one, else its ISO 639-3 code; every XTREME language has a 639-1 code.

The fast tables below cover XTREME; anything else is looked up in ISO 639 through ``pycountry``
(imported on first use, never at import time).
"""

from __future__ import annotations

import functools
import re

from . import TATOEBA_CODES, TYDIQA_NAMES, UDPOS_NAMES, XTREME_LANGS

# Individual languages whose macrolanguage has the ISO 639-1 code (ISO 639-3 macrolanguage
# mappings, for the ones multilingual corpora use).
MACRO = {"cmn": "zh", "yue": "zh", "wuu": "zh", "pes": "fa", "prs": "fa", "swh": "sw",
         "zsm": "ms", "arb": "ar", "arz": "ar", "ekk": "et", "lvs": "lv", "nob": "nb",
         "khk": "mn", "uzn": "uz", "azj": "az", "plt": "mg", "ydd": "yi", "quz": "qu"}

_FAST = ({c: c for c in XTREME_LANGS} | {v: k for k, v in TATOEBA_CODES.items()} | MACRO
         | {"eng": "en", "zho": "zh", "ara": "ar", "fas": "fa", "swa": "sw", "msa": "ms",
            "est": "et"}
         | {v.lower(): k for k, v in UDPOS_NAMES.items()}
         | {v.lower(): k for k, v in TYDIQA_NAMES.items()})
WORD = re.compile(r"[a-z]+")


@functools.cache
def _iso() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """(639-1 codes, 639-3 codes, lower-case English names) -> robustx code, from pycountry."""
    import pycountry

    two: dict[str, str] = {}
    three: dict[str, str] = {}
    names: dict[str, str] = {}
    for lang in pycountry.languages:
        code = getattr(lang, "alpha_2", None) or lang.alpha_3
        if hasattr(lang, "alpha_2"):
            two[lang.alpha_2] = code
        three[lang.alpha_3] = MACRO.get(lang.alpha_3, code)
        if hasattr(lang, "bibliographic"):
            three.setdefault(lang.bibliographic, code)
        names.setdefault(lang.name.lower(), code)
    return two, three, names


def code(value: str) -> str | None:
    """robustx's code for a language code or name (``deu`` -> ``de``), None if it is neither."""
    key = str(value).strip().lower().replace("_", "-")
    if key in _FAST:
        return _FAST[key]
    base = key.split("-", 1)[0]  # pt-BR, zh-Hans: the language part
    if base in _FAST:
        return _FAST[base]
    two, three, names = _iso()
    return two.get(base) or three.get(base) or names.get(key)


def in_name(part: str, known: frozenset[str] | set[str], *, any_iso: bool = True) -> list[str]:
    """Languages named in one part of a file name, in order: codes of ``known`` languages
    (``de``, ``deu``, ``German``), or failing those any ISO 639-1 code (``xquad.ro``).

    Three-letter words and names count only for ``known`` languages: ``dev`` and ``new``
    are ISO 639-3 codes too, and file names are full of such words.
    """
    words = WORD.findall(part.lower())
    hits = [c for w in words if (c := _FAST.get(w)) is not None and c in known]
    pairs = [w for w in words if len(w) == 2]
    if hits or not any_iso or not pairs:  # ISO's tables take about 0.3 s to load
        return hits
    two = _iso()[0]
    return [two[w] for w in pairs if w in two]


NAMES = ({v.lower(): k for k, v in UDPOS_NAMES.items()}
         | {v.lower(): k for k, v in TYDIQA_NAMES.items()})


def id_prefix_lang(ids: list[str]) -> list[str] | None:
    """Each row's language when every id starts with a language name (TyDiQA-GoldP's
    ``arabic-2387335860751143628-1``), else None."""
    out = []
    for i in ids:
        code = NAMES.get(str(i).split("-", 1)[0].lower())
        if code is None:
            return None
        out.append(code)
    return out or None
