"""Informal romanisation: the way people type their language on a Latin keyboard.

Formal schemes (ISO 15919, ALA-LC...) give "pasaṃda" or "bhārata"; chat users type "pasand" and
"bharat", "mar7aba", "kalimera", "privet". Models pretrained on clean script meet this on social
media, so the op writes the informal form: no length marks or diacritics, Hindi-style schwa
deletion, Arabizi digits, Greeklish, chat-style Cyrillic, toneless pinyin, revised romanisation
of Hangul, RTGS-like Thai.

The rules are our own, small tables per script, except two building blocks: Han and kana readings
come from ``anyascii`` (ISC), which gives one toneless pinyin/Hepburn reading per character. Every
Brahmic block shares the ISCII layout of Devanagari, so one Indic engine serves Devanagari,
Bengali, Gurmukhi, Gujarati, Oriya, Tamil, Telugu, Kannada and Malayalam with per-language tweaks.
Abjads (Arabic, Persian, Urdu, Hebrew) do not write short vowels; we insert "a" by a syllable
heuristic (CV/CVC), which is what informal writers do too, inconsistently. Where usage varies
freely (Arabizi ق as 2 or 9, خ as 5 or kh, Russian щ as sch or shch) the given rng picks.

Length: about 700 lines in one module on purpose: one small table and transliterator per script family
behind one op, most of it data, sharing the run splitting and casing helpers.
"""

from __future__ import annotations

import bisect
import itertools
import unicodedata
from collections.abc import Callable, Mapping
from functools import cache
from importlib import resources
from typing import Any

from ..errors import Unavailable, UsageError
from .base import op, package_version

SCHEMES = ("informal", "ascii")

# Languages with a romaniser, and Latin-script languages (nothing to romanise: words give None).
SUPPORTED = (
    "ar", "bg", "bn", "el", "fa", "gu", "he", "hi", "ja", "ka", "kk", "kn", "ko", "ml", "mr",
    "ne", "or", "pa", "ru", "ta", "te", "th", "uk", "ur", "zh",
)
LATIN_LANGS = frozenset((
    "af", "az", "ca", "cs", "cy", "da", "de", "en", "es", "et", "eu", "fi", "fr", "ga", "gl",
    "hr", "hu", "id", "is", "it", "jv", "lt", "lv", "ms", "mt", "nl", "no", "pl", "pt", "ro",
    "sk", "sl", "sq", "sv", "sw", "tl", "tr", "uz", "vi", "yo",
))


# ---------------------------------------------------------------------------------------------
# Script detection


def script_of(ch: str) -> str | None:
    """Which romaniser serves ``ch`` (None: not ours, leave it as it is)."""
    o = ord(ch)
    if 0x0900 <= o <= 0x0D7F:
        return "indic"
    if 0x0600 <= o <= 0x077F or 0xFB50 <= o <= 0xFDFF or 0xFE70 <= o <= 0xFEFF:
        return "arabic"
    if 0x0590 <= o <= 0x05FF or 0xFB1D <= o <= 0xFB4F:
        return "hebrew"
    if 0x0370 <= o <= 0x03FF or 0x1F00 <= o <= 0x1FFF:
        return "greek"
    if 0x0400 <= o <= 0x052F:
        return "cyrillic"
    if 0x10A0 <= o <= 0x10FF or 0x1C90 <= o <= 0x1CBF:
        return "georgian"
    if 0xAC00 <= o <= 0xD7A3:
        return "hangul"
    if 0x0E00 <= o <= 0x0E7F:
        return "thai"
    if 0x3400 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or 0x20000 <= o <= 0x2FFFF:
        return "han"
    if 0x3040 <= o <= 0x30FF:
        return "kana"
    return None


def _runs(word: str) -> list[tuple[str | None, str]]:
    """Split ``word`` into (script, text) runs; marks and joiners stay with the run before them."""
    runs: list[tuple[str | None, str]] = []
    for ch in word:
        s = script_of(ch)
        if runs and (s == runs[-1][0] or (s is None and _clings(ch) and runs[-1][0] is not None)):
            runs[-1] = (runs[-1][0], runs[-1][1] + ch)
        else:
            runs.append((s, ch))
    return runs


def _clings(ch: str) -> bool:
    return unicodedata.category(ch)[0] == "M" or ch in "\u200c\u200d"


def _case_like(src: str, out: str) -> str:
    """Carry the source's capitalisation over (Москва -> Moskva, НАТО -> NATO)."""
    letters = [c for c in src if c.isalpha()]
    if len(letters) > 1 and all(c.isupper() for c in letters):
        return out.upper()
    if letters and letters[0].isupper():
        return out[:1].upper() + out[1:]
    return out


def _pick(rng: Any, options: tuple[str, ...]) -> str:
    return options[int(rng.integers(len(options)))] if len(options) > 1 else options[0]


# ---------------------------------------------------------------------------------------------
# Brahmic scripts (Devanagari layout offsets; every block is laid out the same way)

BLOCKS = {0x0900: "hi", 0x0980: "bn", 0x0A00: "pa", 0x0A80: "gu", 0x0B00: "or", 0x0B80: "ta",
          0x0C00: "te", 0x0C80: "kn", 0x0D00: "ml"}
DRAVIDIAN = frozenset({"ta", "te", "kn", "ml"})  # consonant-final words carry an explicit virama

CONS = {
    0x15: "k", 0x16: "kh", 0x17: "g", 0x18: "gh", 0x19: "n", 0x1A: "ch", 0x1B: "chh", 0x1C: "j",
    0x1D: "jh", 0x1E: "n", 0x1F: "t", 0x20: "th", 0x21: "d", 0x22: "dh", 0x23: "n", 0x24: "t",
    0x25: "th", 0x26: "d", 0x27: "dh", 0x28: "n", 0x29: "n", 0x2A: "p", 0x2B: "ph", 0x2C: "b",
    0x2D: "bh", 0x2E: "m", 0x2F: "y", 0x30: "r", 0x31: "r", 0x32: "l", 0x33: "l", 0x34: "zh",
    0x35: "v", 0x36: "sh", 0x37: "sh", 0x38: "s", 0x39: "h", 0x58: "q", 0x59: "kh", 0x5A: "gh",
    0x5B: "z", 0x5C: "r", 0x5D: "rh", 0x5E: "f", 0x5F: "y",
}
NUKTA_OF = {0x15: 0x58, 0x16: 0x59, 0x17: 0x5A, 0x1C: 0x5B, 0x21: 0x5C, 0x22: 0x5D, 0x2B: 0x5E,
            0x2F: 0x5F}
VSIGN = {0x3E: "a", 0x3F: "i", 0x40: "i", 0x41: "u", 0x42: "u", 0x43: "ri", 0x44: "ri",
         0x45: "e", 0x46: "e", 0x47: "e", 0x48: "ai", 0x49: "o", 0x4A: "o", 0x4B: "o", 0x4C: "au",
         0x57: "au", 0x62: "li", 0x63: "li"}
IVOWEL = {0x04: "a", 0x05: "a", 0x06: "a", 0x07: "i", 0x08: "i", 0x09: "u", 0x0A: "u", 0x0B: "ri",
          0x0C: "li", 0x0D: "e", 0x0E: "e", 0x0F: "e", 0x10: "ai", 0x11: "o", 0x12: "o", 0x13: "o",
          0x14: "au", 0x60: "ri", 0x61: "li", 0x72: "a", 0x73: "u"}
CHILLU = {0x7A: "n", 0x7B: "n", 0x7C: "r", 0x7D: "l", 0x7E: "l", 0x7F: "k"}  # Malayalam
LABIALS = frozenset({0x2A, 0x2B, 0x2C, 0x2D, 0x2E})
VIRAMA, NUKTA, NASALS = 0x4D, 0x3C, (0x01, 0x02, 0x70)

# Per-language informal spellings that differ from the Hindi defaults.
INDIC_CONS = {
    "bn": {0x2F: "j", 0x35: "b"},                  # য -> j
    "ta": {0x24: "th", 0x1E: "nj"},                # Tamil writes dental t as "th": thamizh
    "ml": {0x24: "th", 0x1E: "nj"},
}
INHERENT = {"bn": "o"}


def _indic(text: str, lang: str) -> str:
    """Informal romanisation of one Brahmic run (one block), with schwa deletion where spoken."""
    # one dict per akshara: c consonant, v vowel (None inherent, "" virama), n nasal, k offset
    syl: list[dict[str, Any]] = []
    block = ord(text[0]) & ~0x7F
    lang = lang if block == 0x0900 and lang in ("mr", "ne") else BLOCKS.get(block, "hi")
    table = {**CONS, **INDIC_CONS.get(lang, {})}
    for ch in unicodedata.normalize("NFC", text):
        k = ord(ch) - (ord(ch) & ~0x7F) if script_of(ch) == "indic" else -1
        last = syl[-1] if syl else None
        if k in table:
            val = table[k]
            if lang == "bn" and k == 0x2F and last and last["v"] == "":
                val = "y"  # য-phala after a virama is a glide
            syl.append({"c": val, "v": None, "n": "", "k": k})
        elif (lang == "bn" and k == 0x4E) or (lang == "ml" and k in CHILLU):  # ৎ, chillus
            syl.append({"c": "t" if k == 0x4E else CHILLU[k], "v": "", "n": "", "k": k})
        elif k == NUKTA and last and last["k"] in NUKTA_OF:
            last["c"], last["k"] = CONS[NUKTA_OF[last["k"]]], NUKTA_OF[last["k"]]
        elif k in VSIGN and last and last["c"] and last["v"] is None:
            last["v"] = VSIGN[k]
        elif k == VIRAMA and last and last["c"]:
            last["v"] = ""
        elif k in IVOWEL:
            syl.append({"c": "", "v": IVOWEL[k], "n": "", "k": k})
        elif k in NASALS and last:
            last["n"] = "n"
        elif k == 0x03 and last:
            last["n"] += "h"
        elif 0x66 <= k <= 0x6F:
            syl.append({"c": str(k - 0x66), "v": "", "n": "", "k": k})
        # anything else (avagraha, stress marks, joiners, dandas) is dropped
    inherent = INHERENT.get(lang, "a")
    if lang not in DRAVIDIAN:
        _delete_schwas(syl)
    out = []
    for i, s in enumerate(syl):
        v = s["v"]
        if v is None:
            v = inherent
        elif v == "" and lang == "ml" and i == len(syl) - 1 and s["k"] not in CHILLU:
            v = "u"  # Malayalam final virama is a half-u (samvruthokaram): enthu
        elif v == "-":
            v = ""
        nas = s["n"]
        if nas.startswith("n"):
            nxt = syl[i + 1]["k"] if i + 1 < len(syl) else None
            if lang == "bn":
                nas = "ng" + nas[1:]
            elif nxt in LABIALS or (nxt is None and lang in DRAVIDIAN):
                nas = "m" + nas[1:]
        out.append(s["c"] + v + nas)
    return "".join(out)


def _delete_schwas(syl: list[dict[str, Any]]) -> None:
    """Hindi-style schwa deletion: word-final, then medial in VC_CV, right to left (Ohala 1983).

    A deleted inherent vowel is marked "-"; a consonant after a virama (a conjunct) keeps it.
    """

    def conj(i: int) -> bool:
        return i > 0 and syl[i - 1]["v"] == ""

    def voiced(i: int) -> bool:
        return syl[i]["v"] not in ("", "-")

    n = len(syl)
    # final schwa goes (bharat), except after a conjunct ending in r/y/v (mitra, satya)
    if n > 1 and syl[-1]["v"] is None and syl[-1]["c"] and not syl[-1]["n"] and not (
        conj(n - 1) and syl[-1]["k"] in (0x2F, 0x30, 0x35)
    ):
        syl[-1]["v"] = "-"
    for i in range(n - 2, 0, -1):
        s = syl[i]
        if s["v"] is not None or s["n"] or not s["c"] or conj(i):
            continue
        # VC_CV only: not after a nasalised syllable (zindagi), never before a conjunct
        if voiced(i - 1) and not syl[i - 1]["n"] and syl[i + 1]["c"] and voiced(i + 1):
            s["v"] = "-"


# ---------------------------------------------------------------------------------------------
# Abjads: Arabic, Persian, Urdu, Hebrew

_AR_BASE = {
    "ب": "b", "ت": "t", "ث": "th", "ج": "j", "ح": "7", "خ": ("kh", "5"), "د": "d", "ذ": "th",
    "ر": "r", "ز": "z", "س": "s", "ش": "sh", "ص": "s", "ض": "d", "ط": "t", "ظ": "z", "ع": "3",
    "غ": "gh", "ف": "f", "ق": ("2", "9"), "ك": "k", "ل": "l", "م": "m", "ن": "n", "ه": "h",
    "ء": "2", "أ": "2", "إ": "2", "ؤ": "2", "ئ": "2", "ک": "k", "گ": "g", "پ": "p", "چ": "ch",
    "ژ": "zh", "ڤ": "v",
}
_FA = {**_AR_BASE, "ث": "s", "ح": "h", "خ": "kh", "ذ": "z", "ص": "s", "ض": "z", "ط": "t",
       "ظ": "z", "ع": "", "غ": "gh", "ق": "gh", "ه": "h", "ہ": "h", "ء": "", "أ": "", "إ": "",
       "ؤ": "", "ئ": "", "ژ": "zh"}
_UR = {**_FA, "ق": "q", "ٹ": "t", "ڈ": "d", "ڑ": "r", "ں": "n", "ھ": "h"}
ABJAD = {
    "ar": {"cons": _AR_BASE, "vowel": {"ا": "a", "ى": "a", "ة": "a", "آ": "a"},
           "glide": {"و": ("w", "o"), "ي": ("y", "i"), "ی": ("y", "i")}, "final": {}},
    "fa": {"cons": _FA, "vowel": {"ا": "a", "آ": "a", "ى": "a", "ة": "e"},
           "glide": {"و": ("v", "oo"), "ی": ("y", "i"), "ي": ("y", "i")},
           "final": {"ه": "e", "ہ": "e"}},
    "ur": {"cons": _UR, "vowel": {"ا": "a", "آ": "a", "ى": "a", "ے": "e", "ة": "a"},
           "glide": {"و": ("w", "o"), "ی": ("y", "i"), "ي": ("y", "i")},
           "final": {"ہ": "a", "ه": "a", "ۂ": "a"}},
    "he": {"cons": {"א": "", "ב": ("b", "v"), "ג": "g", "ד": "d", "ה": "h", "ז": "z", "ח": "ch",
                    "ט": "t", "כ": ("k", "ch"), "ך": "ch", "ל": "l", "מ": "m", "ם": "m", "נ": "n",
                    "ן": "n", "ס": "s", "ע": "", "פ": ("p", "f"), "ף": "f", "צ": "tz", "ץ": "tz",
                    "ק": "k", "ר": "r", "ש": "sh", "ת": "t"},
           "vowel": {}, "glide": {"ו": ("v", "o"), "י": ("y", "i")}, "final": {"ה": "a"}},
}
HEB_POSITIONAL = frozenset("בכפ")  # b/k/p word-initially, v/ch/f elsewhere (no dagesh written)
SHADDA = "\u0651"
HARAKAT = {"\u064e": "a", "\u064f": "o", "\u0650": "i", "\u064b": "an", "\u064c": "on",
           "\u064d": "in", "\u0652": "", "\u0670": "a"}  # fatha damma kasra, tanwin, sukun
INITIAL_ALEF = {"ا": "a", "أ": "a", "آ": "a", "إ": "i"}
DIGITS = {chr(base + i): str(i) for base in (0x0660, 0x06F0) for i in range(10)}


def _abjad(text: str, lang: str, rng: Any) -> str:
    """Romanise an abjad run, inserting the unwritten short vowels by a CV/CVC heuristic."""
    tab, hebrew = ABJAD[lang], lang == "he"
    # keep harakat (short vowels, when written) and shadda; drop other marks, tatweel, joiners
    chars = [c for c in unicodedata.normalize("NFC", text)
             if (unicodedata.category(c) != "Mn" or c in HARAKAT or c == SHADDA)
             and c not in "\u0640\u200c\u200d"]
    units: list[list[str]] = []  # [kind, value]: C consonant, V vowel, D digit
    i = 0
    if not hebrew and len(chars) > 2 and chars[0] == "ا" and chars[1] == "ل":
        units.append(["V", "al"])  # the article: al-
        units.append(["C", ""])
        i = 2
    while i < len(chars):
        c, nxt = chars[i], chars[i + 1] if i + 1 < len(chars) else ""
        first, last = i == 0, i == len(chars) - 1
        prev_kind = units[-1][0] if units else None
        if c in DIGITS:
            units.append(["D", DIGITS[c]])
        elif first and c in INITIAL_ALEF and not hebrew:
            if nxt in tab["glide"] and nxt != "و":
                units.append(["V", "i"])
                i += 1
            else:
                units.append(["V", INITIAL_ALEF[c]])
        elif c in HARAKAT:
            if HARAKAT[c]:
                units.append(["V", HARAKAT[c], "h"])
        elif c == SHADDA:  # geminate the last consonant, before any vowel written on it
            at = max((j for j, u in enumerate(units) if u[0] == "C"), default=None)
            if at is not None:
                units.insert(at + 1, ["C", units[at][1], "gem"])
        elif c == "ھ" and units and units[-1][0] == "C":
            units[-1][1] += "h"  # Urdu do-chashmi he: aspiration (bh, th...)
        elif c in tab["final"] and last and prev_kind == "C":
            _vowel_letter(units, tab["final"][c])
        elif c in tab["vowel"]:
            _vowel_letter(units, tab["vowel"][c])
        elif c in tab["glide"]:
            cons, vow = tab["glide"][c]
            vowel_next = nxt in tab["vowel"] or (nxt in tab["final"] and i + 1 == len(chars) - 1)
            if first or prev_kind in ("V", None) or vowel_next or nxt in (c, SHADDA):
                units.append(["C", cons])
            else:
                _vowel_letter(units, vow)
        elif c in tab["cons"]:
            val = tab["cons"][c]
            if isinstance(val, tuple):
                val = (val[0] if first else val[1]) if c in HEB_POSITIONAL else _pick(rng, val)
            units.append(["C", val])
        else:
            units.append(["D", c])
        i += 1
    return _insert_vowels(units, segolate=hebrew)


def _vowel_letter(units: list[list[str]], val: str) -> None:
    """A long-vowel letter after a written short vowel of the same quality adds nothing
    (كِتَاب -> kitab, شُكْرًا -> shokran: fatha + alif, tanwin + alif)."""
    if units and units[-1][2:] == ["h"] and units[-1][1][:1] == val[:1]:
        return
    units.append(["V", val])


def _insert_vowels(units: list[list[str]], *, segolate: bool) -> str:
    """Consonants without a written vowel get "a" when they must open a syllable.

    State machine over CV/CVC syllables: a consonant after a vowel closes the syllable (coda)
    unless a vowel letter follows; a consonant after a coda opens the next one; a doubled
    consonant (shadda) is written twice, between two vowels (أحبّ -> a7abb). Hebrew puts an
    "e" into a word-final cluster (boker, sefer), as its segolate nouns are spoken.
    """
    out, state = [], "start"
    for j, (letter, val, *_) in enumerate(units):
        nxt = units[j + 1][0] if j + 1 < len(units) else None
        if letter == "C" and units[j + 1:j + 2] and units[j + 1][2:] == ["gem"]:
            # the first half of a shadda's doubled consonant closes the syllable before it:
            # أحبّ -> a7abb, never a7bab
            out.append(("a" if state != "V" and out else "") + val)
            state = "coda"
            continue
        if letter != "C":
            out.append(val)
            state = "V" if letter == "V" else "start"
            continue
        if nxt == "V":
            out.append(val)
            state = "onset"
        elif state == "V":
            out.append(val)
            state = "coda"
        elif nxt is None and state == "coda":
            out.append(("e" if segolate else "") + val)
        elif nxt is None and state == "start":
            out.append(val)
        else:
            out.append(val + "a")
            state = "V"
    return "".join(out)


# ---------------------------------------------------------------------------------------------
# Alphabets: Greek, Cyrillic, Georgian

GREEK = {"α": "a", "β": "v", "γ": "g", "δ": "d", "ε": "e", "ζ": "z", "η": "i", "θ": "th", "ι": "i",
         "κ": "k", "λ": "l", "μ": "m", "ν": "n", "ξ": "ks", "ο": "o", "π": "p", "ρ": "r",
         "σ": "s", "ς": "s", "τ": "t", "υ": "y", "φ": "f", "χ": "x", "ψ": "ps", "ω": "o"}
GREEK_DI = {"ου": "ou", "αι": "ai", "ει": "ei", "οι": "oi", "γγ": "ng", "τσ": "ts", "τζ": "tz"}
GREEK_VOICELESS = frozenset("θκξπστφχψ")


def _greek(text: str) -> str:
    """Greeklish: η -> i, χ -> x, ου -> ou, ευ -> ev/ef, μπ/ντ word-initially -> b/d."""
    low = "".join(c for c in unicodedata.normalize("NFD", text.lower())
                  if unicodedata.category(c) != "Mn")
    out, i = [], 0
    while i < len(low):
        pair, nxt = low[i:i + 2], low[i + 2:i + 3]
        if pair in ("αυ", "ευ"):
            out.append(pair[0].replace("α", "a").replace("ε", "e")
                       + ("f" if not nxt or nxt in GREEK_VOICELESS else "v"))
            i += 2
        elif pair in ("μπ", "ντ", "γκ"):
            initial = {"μπ": "b", "ντ": "d", "γκ": "g"}[pair]
            out.append({"μπ": "mp", "ντ": "nt", "γκ": "gk"}[pair] if i else initial)
            i += 2
        elif pair in GREEK_DI:
            out.append(GREEK_DI[pair])
            i += 2
        else:
            out.append(GREEK.get(low[i], low[i]))
            i += 1
    return _case_like(text, "".join(out))


CYR_BASE = {"а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh",
            "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
            "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "h", "ц": "ts",
            "ч": "ch", "ш": "sh", "щ": ("sch", "shch"), "ъ": "", "ы": "y", "ь": "", "э": "e",
            "ю": "yu", "я": "ya", "є": "ye", "і": "i", "ї": "yi", "ґ": "g", "ј": "j", "љ": "lj",
            "њ": "nj", "ћ": "c", "ђ": "dj", "џ": "dz", "ў": "w", "ѓ": "gj", "ќ": "kj", "ѕ": "dz",
            "ә": "a", "ғ": "gh", "қ": "q", "ң": "ng", "ө": "o", "ұ": "u", "ү": "u", "һ": "h"}
CYR_LANG = {
    "bg": {"ъ": "a", "щ": "sht", "ь": "y"},
    "uk": {"г": "h", "и": "y", "х": "kh", "щ": "shch", "ї": "i"},
    "kk": {"х": "kh", "ц": "ts"},
}


def _cyrillic(text: str, lang: str, rng: Any) -> str:
    """Chat-style Latin for Cyrillic: ж -> zh, х -> h, щ -> sch/shch; per-language tweaks."""
    table = {**CYR_BASE, **CYR_LANG.get(lang, {})}
    out = []
    for c in text:
        val = table.get(c.lower(), "" if _clings(c) else c)
        val = _pick(rng, val) if isinstance(val, tuple) else val
        out.append(val.capitalize() if c.isupper() else val)
    return _case_like(text, "".join(out))


GEORGIAN = dict(zip(
    "აბგდევზთიკლმნოპჟრსტუფქღყშჩცძწჭხჯჰ",
    (
        "a", "b", "g", "d", "e", "v", "z", "t", "i", "k", "l", "m", "n", "o", "p", "zh", "r", "s",
        "t", "u", "p", "k", "gh", "q", "sh", "ch", "ts", "dz", "ts", "ch", "kh", "j", "h"
    ),
    strict=True,
))


def _georgian(text: str) -> str:
    """Informal Latin for Georgian (Mtavruli capitals are folded onto Mkhedruli first)."""
    folded = "".join(chr(ord(c) - 0x1C90 + 0x10D0) if 0x1C90 <= ord(c) <= 0x1CBF else c
                     for c in text)
    return "".join(GEORGIAN.get(c, "" if _clings(c) else c) for c in folded)


# ---------------------------------------------------------------------------------------------
# Hangul: Revised Romanization computed from the jamo

KO_INIT = (
    "g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "-", "j", "jj", "ch", "k", "t", "p",
    "h"
)
KO_VOWEL = (
    "a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we",
    "wi", "yu", "eu", "ui", "i"
)
KO_FINAL = (
    "-", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m", "p", "p",
    "t", "t", "ng", "t", "t", "k", "t", "p", "t"
)
KO_LIAISON = (
    "-", "g", "kk", "ks", "n", "nj", "n", "d", "r", "lg", "lm", "lb", "ls", "lt", "lp", "r", "m",
    "b", "ps", "s", "ss", "ng", "j", "ch", "k", "t", "p", "-"
)
KO_NASAL = {"k": "ng", "t": "n", "p": "m"}  # before ㄴ/ㅁ: 합니다 -> hamnida


def _hangul(text: str) -> str | None:
    """Revised Romanization with liaison, nasalisation and ㄹ/ㄴ assimilation (안녕 -> annyeong).

    None for a run that holds anything but precomposed syllables (a stray combining mark).
    """
    if not all(0xAC00 <= ord(c) <= 0xD7A3 for c in text):
        return None
    jamo = [divmod(ord(c) - 0xAC00, 588) for c in text]
    jamo = [(lead, *divmod(rest, 28)) for lead, rest in jamo]
    out = []
    for i, (lead, vow, fin) in enumerate(jamo):
        init = KO_INIT[lead]
        prev_final = jamo[i - 1][2] if i else 0
        if (prev_final in (4, 8) and lead == 5) or (prev_final == 8 and lead == 2):
            init = "l"  # ㄴ/ㄹ + ㄹ and ㄹ + ㄴ -> ll (seollal, silla)
        nxt = jamo[i + 1][0] if i + 1 < len(jamo) else None
        if nxt == 11:
            final = KO_LIAISON[fin]
        else:
            final = KO_FINAL[fin]
            if nxt in (2, 6) and final in KO_NASAL:
                final = KO_NASAL[final]
            elif nxt == 5 and fin == 4:
                final = "l"
        out.append(init.strip("-") + KO_VOWEL[vow] + final.strip("-"))
    return "".join(out)


# ---------------------------------------------------------------------------------------------
# Thai: RTGS-like, syllable by syllable

TH_INIT = dict(zip(
    "กขฃคฅฆงจฉชซฌญฎฏฐฑฒณดตถทธนบปผฝพฟภมยรฤลฦวศษสหฬอฮ",
    (
        "k", "kh", "kh", "kh", "kh", "kh", "ng", "ch", "ch", "ch", "s", "ch", "y", "d", "t", "th",
        "th", "th", "n", "d", "t", "th", "th", "th", "n", "b", "p", "ph", "f", "ph", "f", "ph", "m",
        "y", "r", "rue", "l", "lue", "w", "s", "s", "s", "h", "l", "-", "h"
    ),
    strict=True,
))
TH_FINAL = {**dict.fromkeys("กขคฆ", "k"), "ง": "ng", **dict.fromkeys("จชซฌฎฏฐฑฒดตถทธศษส", "t"),
            **dict.fromkeys("ญณนรลฬ", "n"), **dict.fromkeys("บปพฟภ", "p"), "ม": "m", "ย": "i",
            "ว": "o", "อ": ""}
TH_LEAD = frozenset("เแโใไ")
TH_FOLLOW = frozenset("ะัาำิีึืุู")
TH_SIMPLE = {"ะ": "a", "า": "a", "ำ": "am", "ิ": "i", "ี": "i", "ึ": "ue", "ื": "ue", "ุ": "u",
             "ู": "u"}
TH_CLUSTER_1, TH_CLUSTER_2 = frozenset("กขคตปผพ"), frozenset("รลว")
TH_SONORANT = frozenset("งญนมยรลว")


def _thai(text: str) -> str:
    """RTGS-like romanisation: leading vowels, inherent a/o, clusters, final consonant classes."""
    return "".join(_thai_syllables(text)[0])


def _thai_syllables(text: str) -> tuple[list[str], bool, bool]:
    """(romanised syllables, whether a stray character had to be dropped, whether the last
    syllable is complete: closed by a final consonant or with a vowel that takes none).

    Thai is written without spaces, so a run cut out of running text may start or end inside a
    syllable (ก่อ|นรอบ for ก่อน|รอบ); the flags let the span predicate refuse such runs.
    """
    raw = [c for c in text if c not in "\u0e46\u0e2f\u0e4d\u0e4e"]
    raw = [c for i, c in enumerate(raw)  # a letter under thanthakhat (์) is silent
           if c != "\u0e4c" and not (i + 1 < len(raw) and raw[i + 1] == "\u0e4c")]
    s: list[str] = []
    toned = set()  # a consonant under a tone mark or maitaikhu opens its syllable: never a final
    for c in raw:
        if c in "\u0e48\u0e49\u0e4a\u0e4b\u0e47":
            toned.add(len(s) - 1)
        else:
            s.append(c)
    n, i, out = len(s), 0, []
    stray = complete = False

    def cons(j: int) -> bool:
        return j < n and s[j] in TH_INIT

    def vowel_next(j: int) -> bool:  # a vowel follows at j (ว between consonants is "ua")
        return j < n and (s[j] in TH_FOLLOW or (s[j] == "ว" and cons(j + 1)))

    while i < n:
        if "\u0e50" <= s[i] <= "\u0e59":
            out.append(str(ord(s[i]) - 0x0E50))
            i += 1
            complete = True
            continue
        lead = s[i] if s[i] in TH_LEAD else None
        i += lead is not None
        if not cons(i):
            i += lead is None  # a stray mark (or a leading vowel with no consonant): drop it
            stray = True
            continue
        onset = s[i]
        i += 1
        # ห/อ leading a sonorant is silent (หนึ่ง -> nueng, อย่า -> ya, หน่อย -> noi: the vowel
        # -อ- counts), unless the tone mark is its own: then it is the onset and the sonorant
        # the final (แห่ง -> haeng)
        if onset in "หอ" and cons(i) and s[i] in TH_SONORANT and (
                vowel_next(i + 1) or lead or (s[i + 1:i + 2] == ["อ"] and not (
                    i + 2 < n and s[i + 2] in TH_FOLLOW))) and i - 1 not in toned:
            onset, i = s[i], i + 1
        init = TH_INIT[onset].strip("-")
        if onset in TH_CLUSTER_1 and cons(i) and s[i] in TH_CLUSTER_2 and i + 1 < n and (
            s[i + 1] in TH_FOLLOW or lead or i in toned  # ครั้ง, เพลง, ตร้อ
            or (s[i] != "ว" and cons(i + 1) and not vowel_next(i + 2))  # ตรง -> trong
        ):
            init += TH_INIT[s[i]]
            i += 1
        vowel, closable, bare = "", True, False
        nx = s[i] if i < n else ""
        if lead == "เ":
            if s[i:i + 2] == ["ี", "ย"]:
                vowel, i = "ia", i + 2
            elif s[i:i + 2] == ["ื", "อ"]:
                vowel, i = "uea", i + 2
            elif nx == "า":  # เ-า, or เ-าะ (เพราะ -> phro)
                vowel, i, closable = ("o", i + 2, False) if s[i + 1:i + 2] == ["ะ"] else \
                    ("ao", i + 1, False)
            elif nx == "ิ":
                vowel, i = "oe", i + 1
            elif nx == "ะ":
                vowel, i, closable = "e", i + 1, False
            else:
                vowel = "e"
        elif lead in ("แ", "โ"):
            vowel = "ae" if lead == "แ" else "o"
            if nx == "ะ":
                i, closable = i + 1, False
        elif lead:
            vowel = "ai"
            if nx == "ย" and not (i + 1 < n and s[i + 1] in TH_FOLLOW):
                i += 1
            closable = False
        elif nx == "ั":
            vowel, i = ("ua", i + 2) if s[i + 1:i + 2] == ["ว"] else ("a", i + 1)
            closable = vowel == "a"  # ตัว: ua takes no final (ขวด writes it without ั)
            stray |= vowel == "a" and not (cons(i) and i not in toned)  # ั needs its final
        elif nx in TH_SIMPLE:
            vowel, i = TH_SIMPLE[nx], i + 1
            closable = nx not in "ะำ"
            if nx == "ื" and s[i:i + 1] == ["อ"]:
                i += 1
        elif nx == "ว" and cons(i + 1) and not (i + 2 < n and s[i + 2] in TH_FOLLOW):
            vowel, i = "ua", i + 1
        elif nx == "อ" and not (i + 1 < n and s[i + 1] in TH_FOLLOW):
            vowel, i = "o", i + 1
        elif cons(i) and i not in toned and (i + 1 >= n or cons(i + 1) or s[i + 1] in TH_LEAD):
            vowel = "o"  # closed syllable with inherent o: khon
        else:
            vowel, closable, bare = "a", False, True  # open syllable with inherent a: sa-bai
        final = ""
        if closable and cons(i) and i not in toned and not (i + 1 < n and s[i + 1] in TH_FOLLOW):
            final = TH_FINAL.get(s[i], TH_INIT[s[i]].strip("-"))
            i += 1
        complete = bool(final) or not (closable or bare)
        out.append(init + vowel + final)
    return out, stray, complete


# ---------------------------------------------------------------------------------------------
# The op


def _anyascii(text: str) -> str:
    from anyascii import anyascii

    return anyascii(text).lower()


def _run(script: str, text: str, lang: str, rng: Any) -> str | None:
    if script == "indic":
        return _indic(text, lang)
    if script in ("arabic", "hebrew"):
        key = "he" if script == "hebrew" else (lang if lang in ("ar", "fa", "ur") else "ar")
        return _abjad(text, key, rng)
    if script == "greek":
        return _greek(text)
    if script == "cyrillic":
        return _cyrillic(text, lang, rng)
    if script == "georgian":
        return _georgian(text)
    if script == "hangul":
        return _hangul(text)
    if script == "thai":  # a fragment (a lone consonant, a run starting mid-syllable): none
        syllables, stray, _ = _thai_syllables(text)
        return None if stray or len(text) == 1 else "".join(syllables)
    if script == "han":
        return None if lang == "ja" else _anyascii(text)  # kanji readings are not pinyin
    if script == "kana":
        return _kana(text)
    return None


SMALL_Y = {"ゃ": "a", "ゅ": "u", "ょ": "o"}
SMALL_V = {"ぁ": "a", "ぃ": "i", "ぅ": "u", "ぇ": "e", "ぉ": "o"}
SOKUON = "っ"


def _kana(text: str) -> str:
    """Hepburn as people type it, from anyascii's reading of each kana: a small ya/yu/yo
    joins the kana before it (ちょっと -> chotto, きょう -> kyou, シャツ -> shatsu), a small
    vowel replaces its vowel (ファ -> fa, ティ -> ti), and the small tsu doubles the next
    consonant (がっこう -> gakkou; before ch, t: matcha)."""
    hira = "".join(chr(ord(c) - 0x60) if "\u30a1" <= c <= "\u30f6" else c for c in text)
    out: list[str] = []
    double = False
    for c in hira:
        if c in SMALL_Y and out and out[-1].endswith("i") and len(out[-1]) > 1:
            base = out[-1][:-1]
            out[-1] = base + ("" if base.endswith(("sh", "ch", "j")) else "y") + SMALL_Y[c]
            continue
        if c in SMALL_V and out and len(out[-1]) > 1:
            out[-1] = out[-1][:-1] + SMALL_V[c]
            continue
        if c == SOKUON:
            double = True
            continue
        roman = _anyascii(c)
        if double and roman[:1].isalpha() and roman[:1] not in "aeiou":
            roman = ("t" if roman.startswith("ch") else roman[0]) + roman
        double = False
        out.append(roman)
    return "".join(out)


def check(lang: str, params: Mapping[str, Any]) -> None:
    """Fail early for a non-Latin language we cannot romanise, or an unknown scheme."""
    scheme = params.get("scheme", "informal")
    if scheme not in SCHEMES:
        raise UsageError(f"translit: unknown scheme {scheme!r} (valid: {', '.join(SCHEMES)})")
    if lang not in SUPPORTED and lang not in LATIN_LANGS:
        raise Unavailable(
            f"translit: no romaniser for language {lang!r}; supported: {', '.join(SUPPORTED)} "
            "(Latin-script languages are accepted and left as they are)",
            "no romaniser", "docs/translit.md")


SPAN_MAX = {"zh": 4, "ja": 8, "th": 8}  # Chinese words are short; 8 is the engine's cap
def _thai_whole(run: str) -> bool:
    """Could ``run`` be whole syllables cut from running text? Only if it starts a syllable
    (nothing stray) and its last syllable cannot go on: closed by a final consonant (ก่อน, not
    ก่อ before น) or with a vowel that takes none (ไป, นะ). A run ending on an open long vowel
    (มา, ดี) may be missing its final, so it is refused; the engine then tries a shorter run."""
    syllables, stray, complete = _thai_syllables(run)
    return bool(syllables) and not stray and complete


@cache
def _chat_spellings() -> dict[tuple[str, str], tuple[str, ...]]:
    """(lang, word) -> how people spell it in chat, most common first (resources/
    chat_spellings.tsv): the most frequent words, where the letter rules give a spelling nobody
    types (Hinglish में ``mein``, not ``men``; Hebrew של ``shel``, not ``shal``)."""
    path = resources.files("robustx.noise") / "resources" / "chat_spellings.tsv"
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            lang, word, *spellings = line.split("\t")
            out[lang, word] = tuple(spellings)
    return out


@cache
def _zh_words() -> frozenset[str]:
    """The 40,000 most frequent Chinese words (resources/zh_words.txt, from jieba's counts)."""
    path = resources.files("robustx.noise") / "resources" / "zh_words.txt"
    return frozenset(w for w in path.read_text(encoding="utf-8").split("\n")
                     if w and not w.startswith("#"))


def span(lang: str, params: Mapping[str, Any]) -> Callable[[str], bool] | None:
    """Take whole words: Chinese by the longest frequent word (forward maximum matching over
    resources/zh_words.txt: 开展 -> kaizhan, typed apart from its neighbours), Thai by whole
    syllables (สวัสดี -> sawatdi), Japanese by kana runs, where a kanji word keeps the kana that
    follow it (its okurigana and particles: 叱りました is one word, left alone)."""
    want = {"zh": "han", "th": "thai", "ja": "kana"}.get(lang)
    if want is None:
        return None
    words = _zh_words() if lang == "zh" else frozenset()

    def pred(run: str) -> bool:
        base = [c for c in run if not _clings(c)]
        if not base or len(base) > SPAN_MAX[lang]:
            return False
        scripts = [script_of(c) for c in base]
        if lang == "ja":  # kana, or kanji then kana: the op leaves the latter alone
            lead = next((i for i, s in enumerate(scripts) if s != "han"), len(scripts))
            return all(s == want for s in scripts[lead:]) and (lead == 0 or lead < len(scripts))
        if any(s != want for s in scripts):
            return False
        if lang == "zh":
            return len(base) == 1 or run in words
        return _thai_whole(run)

    pred.max_len = SPAN_MAX[lang]  # type: ignore[attr-defined]
    return pred


@op("translit", "translit", check=check, span=span, fingerprint=package_version("anyascii"),
    digits=True)
def translit(word: str, lang: str, rng: Any, *, scheme: str = "informal") -> str | None:
    """Romanise a word the way people type it (Hinglish, Arabizi, Greeklish, pinyin...).

    ``scheme="ascii"`` uses plain anyascii instead (formal-ish, language-blind) as a contrast.
    Latin-script words give None; so does a word with nothing we can romanise.
    """
    if scheme not in SCHEMES:
        raise UsageError(f"translit: unknown scheme {scheme!r} (valid: {', '.join(SCHEMES)})")
    runs = _runs(word)
    if all(s is None for s, _ in runs):
        return None
    if lang == "ja" and any(s == "han" for s, _ in runs):
        return None
    chat = _chat_spellings().get((lang, word)) if scheme == "informal" else None
    if chat:
        weights = list(itertools.accumulate(3.0 ** -k for k in range(len(chat))))
        return chat[min(bisect.bisect_right(weights, rng.random() * weights[-1]), len(chat) - 1)]
    if scheme == "ascii":
        out = _anyascii(word)
    else:
        parts = []
        for script, text in runs:
            roman = _run(script, text, lang, rng) if script else None
            parts.append(text if roman is None else roman)
        out = "".join(parts)
    out = "".join(c for c in out if not c.isspace() and unicodedata.category(c) != "Cc")
    return out if out and out != word else None
