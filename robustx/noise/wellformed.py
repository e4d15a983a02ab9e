"""The spelling rules of each script that a noisy word must keep, so that noise looks typed.

A native reader sees at once a vowel sign on a vowel sign (की -> कीि), two tone marks on one
Thai consonant (ที่ -> ท่่), or two harakat on one Arabic letter: no keyboard or input method
makes them. The engine rejects an op's output that breaks a rule its input kept (counted as
rejected, the word stays as it was), so every op, built in or user-supplied, keeps them.

The rules, by the class of each character (read from its Unicode name, cached):

* Indic scripts (Devanagari, Bengali, Gurmukhi, Gujarati, Oriya, Tamil, Telugu, Kannada,
  Malayalam, Sinhala): a vowel sign follows a consonant (or its nukta); a virama and a nukta
  follow a consonant; anusvara, candrabindu and visarga follow a consonant, a vowel sign or a
  vowel letter, once;
* Thai and Lao: an above or below vowel follows a consonant, one per consonant; a tone mark
  follows a consonant or that vowel, one per consonant;
* Arabic: a haraka follows a letter (or its shadda): one shadda and one other haraka at most;
* any script: the same combining mark twice in a row;
* a zero-width (non-)joiner put into an Arabic or Indic word, where it visibly cuts the word
  (قب‌لة): homoglyph noise must look the same.

Some letters exist in a script's block but not in a language's spelling: Devanagari's short e
and o and the nukta letters made for Dravidian names (ॆ ऎ ऒ ॊ ऩ ऱ ऴ) are on the Hindi InScript
keyboard but not in Hindi text. :func:`foreign` names them; the engine rejects an output that
brings one in.
"""

from __future__ import annotations

import functools
import re
import unicodedata

INDIC = ("DEVANAGARI", "BENGALI", "GURMUKHI", "GUJARATI", "ORIYA", "TAMIL", "TELUGU", "KANNADA",
         "MALAYALAM", "SINHALA")
VOWEL_LETTERS = frozenset((
    "A", "AA", "I", "II", "U", "UU", "E", "AI", "O", "AU", "AE", "AAE", "OE", "OOE", "UE", "UUE",
    "AW", "SHORT E", "SHORT O", "CANDRA E", "CANDRA O", "CANDRA A", "VOCALIC R", "VOCALIC RR",
    "VOCALIC L", "VOCALIC LL", "EE", "OO"))
ZW = {"\u200c", "\u200d"}

# Characters of a script's block that a language does not write (see the module docstring).
FOREIGN = {
    "hi": frozenset("\u0946\u094a\u090e\u0912\u0929\u0931\u0934"),
    "mr": frozenset("\u0946\u094a\u090e\u0912\u0929\u0934"),
}


@functools.lru_cache(maxsize=4096)
def _cls(ch: str) -> str:
    """One letter class: C consonant, I vowel letter, V vowel sign, H virama, N nukta, M
    anusvara/visarga; T tone mark, U above/below vowel (Thai, Lao); S shadda, K other haraka
    (Arabic); P Hebrew point; Z ZWJ/ZWNJ; L another letter; O anything else."""
    if ch in ZW:
        return "Z"
    name = unicodedata.name(ch, "")
    script = name.split(" ", 1)[0]
    if script in INDIC:
        if "VOWEL SIGN" in name:
            return "V"
        if name.endswith(("SIGN VIRAMA", "SIGN AL-LAKUNA")):
            return "H"
        if name.endswith("SIGN NUKTA"):
            return "N"
        if any(name.endswith(s) for s in ("ANUSVARA", "CANDRABINDU", "VISARGA")):
            return "M"
        if " LETTER " in name:
            rest = name.split(" LETTER ", 1)[1]
            return "I" if rest in VOWEL_LETTERS else "C"
        return "O"
    if script in ("THAI", "LAO"):
        cp = ord(ch)
        if 0x0E48 <= cp <= 0x0E4B or 0x0EC8 <= cp <= 0x0ECB:
            return "T"
        if cp in (0x0E31, 0x0E47, 0x0EB1, 0x0EBB) or 0x0E34 <= cp <= 0x0E3A or \
                0x0EB4 <= cp <= 0x0EB9:
            return "U"
        return "C" if (unicodedata.category(ch) == "Lo" and 0x0E01 <= cp <= 0x0E2E) or \
            0x0E81 <= cp <= 0x0EAE else "O"
    if script == "ARABIC":
        cp = ord(ch)
        if cp == 0x0651:
            return "S"
        if 0x064B <= cp <= 0x0652:
            return "K"
        return "L" if unicodedata.category(ch) == "Lo" else "O"
    if script == "HEBREW" and unicodedata.category(ch) == "Mn":
        return "P"
    return "L" if unicodedata.category(ch).startswith("L") else "O"


# Which class may come right after which (absent: any). A class missing from a rule's set
# breaks the rule.
_AFTER = {
    "V": frozenset("CN"),
    "H": frozenset("CNI"),  # after a vowel letter too: Bengali ya-phala (অ্যা)
    "N": frozenset("C"),
    "M": frozenset("CVIN"),
    "U": frozenset("C"),
    "T": frozenset("CU"),
    "S": frozenset("LK"),
    "K": frozenset("LS"),
    "P": frozenset("LP"),
}


# Every character whose class a rule constrains lies in these ranges (Hebrew to Lao, Devanagari
# Extended's spacing candrabindu and the Hebrew point varika; ``tests/noise/test_wellformed.py``
# scans all of Unicode), so a word without one breaks no rule, found at C speed.
_RULED = re.compile("[\u0591-\u0eff\ua8f2-\ua8ff\ufb1e]").search
_HAS_ZW = re.compile("[\u200c\u200d]").search


def malformed(word: str) -> bool:
    """Whether ``word`` breaks one of its script's rules (see the module docstring)."""
    if word.isascii() or _RULED(word) is None:
        return False
    prev, prev_cls, marks = "", "", ""  # the letter's marks so far (Arabic, Thai)
    for ch in word:
        c = "L" if ch < "\u0300" else _cls(ch)  # Latin-1 and Latin Extended: no marks
        allowed = _AFTER.get(c)
        if allowed is not None and (not prev or prev_cls not in allowed or ch == prev):
            return True
        if c in "SKTU":
            if c in marks:
                return True
            marks += c
        elif c not in "NP":
            marks = ""
        prev, prev_cls = ch, c
    return False


def foreign(lang: str) -> frozenset[str]:
    """Characters ``lang`` does not write although its keyboard has them."""
    return FOREIGN.get(lang, frozenset())


def breaks(word: str, out: str, lang: str) -> bool:
    """Whether rewriting ``word`` as ``out`` breaks a rule ``word`` kept, or brings in a
    character ``lang`` does not write."""
    if out.isascii():  # the common case: nothing to check
        return False
    bad = foreign(lang)
    if bad and any(ch in bad and ch not in word for ch in out):
        return True
    if _HAS_ZW(out) is not None and _HAS_ZW(word) is None and any(_joins(ch) for ch in word):
        return True  # a zero-width (non-)joiner visibly cuts an Arabic or Indic word
    return malformed(out) and not malformed(word)


def _joins(ch: str) -> bool:
    """Letters whose shape depends on their neighbours: Arabic script and the Indic scripts."""
    if unicodedata.category(ch)[0] not in "LM":
        return False
    script = unicodedata.name(ch, "").split(" ", 1)[0]
    return script == "ARABIC" or script in INDIC
