"""The ``typo`` family: keyboard typos on each language's real layout, plus casing and accents.

Words are handled as grapheme clusters (a base character and the combining marks after it), so
Hindi matras, Thai vowels and tone marks and Vietnamese stacked diacritics move with their base.
Korean is handled as Dubeolsik keystrokes: Hangul syllables are decomposed into the jamo typed
on the keyboard, perturbed, and recomposed with the standard two-set automaton; keystrokes that
no longer form a syllable come out as compatibility jamo (U+3131..U+318E), which is what a
Korean IME shows for them too.

Layouts are JSON generated from xkb-data by ``scripts/gen_layouts.py`` (see docs/layouts.md) and
loaded lazily. zh and ja are typed through input methods, so ``kbd``/``kbd_insert`` offer nothing
(None) for them; latin letters in a non-latin language use the us layout, as typists switch to it.
Chinese gets the typo its typists actually make instead: ``ime_homophone`` picks the wrong
candidate of a pinyin input method (在 -> 再).

Length: about 470 lines in one module on purpose: the keyboard, casing, accent and input-method ops
share the grapheme, layout and keystroke helpers above them.
"""

from __future__ import annotations

import bisect
import itertools
import json
import unicodedata
from collections.abc import Callable, Sequence
from functools import cache, lru_cache
from importlib import resources
from typing import Any, NamedTuple

from ..errors import ResourceError, Unavailable
from .base import op, package_version
from .units import LETTER_SPACELESS_LANGS, clusters, letter_runs

ZW_JOINERS = "\u200c\u200d"
SPACING_MARKS = "\u0e33\u0eb3"  # Thai and Lao AM: letters by category, cluster marks by UAX #29

# --------------------------------------------------------------------------- layouts


@cache
def _index() -> dict[str, str | None]:
    return json.loads(_read("langs.json"))["langs"]


def _read(name: str) -> str:
    try:
        return resources.files(__package__).joinpath("resources", "layouts", name).read_text(
            encoding="utf-8"
        )
    except OSError as exc:
        raise ResourceError(f"keyboard layout file {name} is missing: {exc}") from exc


@cache
def _load(name: str) -> dict[str, Any]:
    try:
        data = json.loads(_read(name))
        data["neighbours"] = {k: tuple(v) for k, v in data["neighbours"].items()}
    except (ValueError, KeyError, AttributeError) as exc:
        raise ResourceError(f"keyboard layout file {name} is malformed: {exc}") from exc
    return data


def layout_for(lang: str) -> dict[str, Any] | None:
    """The layout of ``lang`` (grid and neighbour map), or None where it is typed via an IME."""
    index = _index()
    if lang not in index:
        raise Unavailable(
            f"no keyboard layout for language {lang!r}; known: {', '.join(sorted(index))}",
            "no keyboard layout", "docs/layouts.md")
    name = index[lang]
    return _load(name) if name else None


@lru_cache(maxsize=65536)
def neighbours(lang: str, ch: str) -> tuple[str, ...]:
    """Characters on keys next to ``ch`` at the same shift level on ``lang``'s layout.

    A character missing from the layout in its own case uses its other case (É on AZERTY has
    no key; é does); an accented letter without a key uses its base letter's neighbours (a
    Telex typist types Vietnamese ầ as a, a, f); Latin letters missing from a non-latin layout
    use the us layout.
    """
    layout = layout_for(lang)
    if layout is None:
        return ()
    near = layout["neighbours"]
    if ch in near:
        return near[ch]
    for other, back in ((ch.lower(), str.upper), (ch.upper(), str.lower)):
        if other != ch and len(other) == 1 and other in near:
            return tuple(back(n) for n in near[other])
    base = unicodedata.normalize("NFD", ch)[0]
    if base != ch and _cls(base) == "L":
        return neighbours(lang, base)
    if lang != "en" and ch.isascii() and ch.isalpha():
        return neighbours("en", ch)
    return ()


def _check_layout(lang: str, params: Any) -> bool:
    """An error for a language with no known layout; False (switched off) for one typed
    through an input method, where a neighbouring key never makes a typo (zh, ja)."""
    return layout_for(lang) is not None


# --------------------------------------------------------------------------- units


@lru_cache(maxsize=65536)
def _cls(ch: str) -> str:
    """Coarse class used to keep substitutions shape-preserving: L letter, M mark, O other."""
    cat = unicodedata.category(ch[0])[0]
    return cat if cat in "LM" else "O"


def _attaches(ch: str) -> bool:
    return unicodedata.category(ch)[0] == "M" or ch in ZW_JOINERS or ch in SPACING_MARKS


# Hangul: syllable <-> Dubeolsik keystrokes (compatibility jamo).
LEADS = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
VOWELS = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ"
TAILS = ("", *"ㄱㄲㄳㄴㄵㄶㄷㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅄㅅㅆㅇㅈㅊㅋㅌㅍㅎ")
PAIRS = {
    "ㅘ": "ㅗㅏ", "ㅙ": "ㅗㅐ", "ㅚ": "ㅗㅣ", "ㅝ": "ㅜㅓ", "ㅞ": "ㅜㅔ", "ㅟ": "ㅜㅣ", "ㅢ": "ㅡㅣ",
    "ㄳ": "ㄱㅅ", "ㄵ": "ㄴㅈ", "ㄶ": "ㄴㅎ", "ㄺ": "ㄹㄱ", "ㄻ": "ㄹㅁ", "ㄼ": "ㄹㅂ", "ㄽ": "ㄹㅅ",
    "ㄾ": "ㄹㅌ", "ㄿ": "ㄹㅍ", "ㅀ": "ㄹㅎ", "ㅄ": "ㅂㅅ",
}
JOIN = {v: k for k, v in PAIRS.items()}
KEY_VOWELS = set(VOWELS) - set(PAIRS)


def is_hangul_syllable(ch: str) -> bool:
    return 0xAC00 <= ord(ch) <= 0xD7A3


def keystrokes(word: str) -> list[str]:
    """Dubeolsik keystrokes of a word; non-Hangul clusters stay whole as opaque units."""
    out: list[str] = []
    for unit in clusters(word):
        if len(unit) == 1 and is_hangul_syllable(unit):
            s = ord(unit) - 0xAC00
            jamo = LEADS[s // 588] + VOWELS[s % 588 // 28] + TAILS[s % 28]
            out += [k for j in jamo for k in PAIRS.get(j, j)]
        elif unit in PAIRS:
            out += list(PAIRS[unit])
        else:
            out.append(unit)
    return out


def compose(keys: list[str]) -> str:
    """Recompose keystrokes into syllables the way a two-set Hangul IME does."""
    out: list[str] = []
    lead = vowel = tail = ""

    def flush() -> None:
        nonlocal lead, vowel, tail
        if lead and vowel:
            index = (LEADS.index(lead) * 21 + VOWELS.index(vowel)) * 28 + TAILS.index(tail)
            out.append(chr(0xAC00 + index))
        else:
            out.append(lead + vowel)
        lead = vowel = tail = ""

    for k in keys:
        if k in LEADS:
            if lead and vowel and not tail and k in TAILS:
                tail = k
            elif tail and tail + k in JOIN:
                tail = JOIN[tail + k]
            else:
                if lead or vowel:
                    flush()
                lead = k
        elif k in KEY_VOWELS:
            if tail:
                pair = PAIRS.get(tail)  # a double tail: its two keystrokes
                first, last = (pair[0], pair[1]) if pair else ("", tail)
                tail = first
                flush()
                lead = last
            elif vowel and vowel + k in JOIN:
                vowel = JOIN[vowel + k]
                continue
            elif vowel:
                flush()
            vowel = k
        else:
            if lead or vowel:
                flush()
            out.append(k)
    if lead or vowel:
        flush()
    return "".join(out)


def _is_korean(word: str, lang: str) -> bool:
    return lang == "ko" and any(is_hangul_syllable(c) or 0x3131 <= ord(c) <= 0x318E for c in word)


def _units(word: str, lang: str, *, keys: bool) -> tuple[list[str], Any]:
    """Units an op edits and the function that joins them back into a word.

    Korean: keystrokes. Otherwise clusters, or single code points where ``keys`` is set (a
    key types one code point: a consonant, a matra, a tone mark...).
    """
    if lang == "ko" and _is_korean(word, lang):
        return keystrokes(word), compose
    return (list(word) if keys else clusters(word)), "".join


def _pick(rng: Any, items: Sequence[Any]) -> Any:
    return items[rng.integers(len(items))]  # a numpy integer indexes too


# --------------------------------------------------------------------------- keyboard ops


def _run_span(lang: str, params: Any):
    """In th/my/km/lo, 2-4 adjacent letters form one unit: about a word's worth of letters.

    Without spaces every character is a unit of its own; picking characters at a word rate
    would put several times more typos into a Thai sentence than into an English one, and
    swap/delete need two characters to act on.
    """
    if lang not in LETTER_SPACELESS_LANGS:
        return None
    return _letter_run


@lru_cache(maxsize=65536)
def _letter_run(run: str) -> bool:
    return 2 <= len(run) <= 4 and all(_cls(c) in "LM" for c in run)


_letter_run.max_len = _letter_run.max_chars = 4  # type: ignore[attr-defined]  # never longer


def _split_letter_runs(text: str) -> list[str]:
    """``pieces`` of a text with the runs ``_letter_run`` accepts as its units, by one regex:
    what the engine's greedy grouping would build (tests check the two agree)."""
    return letter_runs(_letter_run.max_chars).split(text)  # type: ignore[attr-defined]


_letter_run.split = _split_letter_runs  # type: ignore[attr-defined]


@lru_cache(maxsize=65536)
def _substitutes(lang: str, unit: str) -> tuple[str, ...]:
    """Neighbours of a one-character unit that keep its class (letter->letter, mark->mark)."""
    if len(unit) != 1 or _cls(unit) == "O":
        return ()
    return tuple(n for n in neighbours(lang, unit) if _cls(n) == _cls(unit))


@lru_cache(maxsize=4096)  # the frequent words; per-word entries must not grow with the split
def _key_spots(lang: str, word: str) -> tuple[tuple[int, tuple[str, ...]], ...]:
    """The keys of a word that have neighbours to slip to, with them (per word: words recur)."""
    units, _ = _units(word, lang, keys=True)
    return tuple((i, subs) for i, u in enumerate(units) if (subs := _substitutes(lang, u)))


@op("kbd", "typo", check=_check_layout, span=_run_span)
def kbd(word: str, lang: str, rng: Any) -> str | None:
    """Replace one character by a neighbouring key on the language's layout (same shift level).

    Letters become letters and combining marks become marks, so clusters stay well formed.
    """
    units, join = _units(word, lang, keys=True)
    spots = _key_spots(lang, word)
    if not spots:
        return None
    i, subs = _pick(rng, spots)
    units[i] = _pick(rng, subs)
    return join(units)


@op("kbd_insert", "typo", check=_check_layout, span=_run_span)
def kbd_insert(word: str, lang: str, rng: Any) -> str | None:
    """Insert the character of a neighbouring key just before or after a character.

    A base letter is inserted at a cluster boundary, a mark right next to the mark it neighbours.
    """
    units, join = _units(word, lang, keys=True)
    spots = _key_spots(lang, word)
    if not spots:
        return None
    i, subs = _pick(rng, spots)
    new = _pick(rng, subs)
    after = bool(rng.integers(2))
    at = i + 1 if after else i
    if after and _cls(new) != "M":
        while at < len(units) and len(units[at]) == 1 and _attaches(units[at]):
            at += 1
    units.insert(at, new)
    return join(units)


# --------------------------------------------------------------------------- edit ops


@op("swap", "typo", span=_run_span)
def swap(word: str, lang: str, rng: Any) -> str | None:
    """Transpose two adjacent clusters (Korean: keystrokes) that differ."""
    if len(word) < 2 and lang != "ko":  # one code point, one cluster (a Chinese character)
        return None
    units, join = _units(word, lang, keys=False)
    spots = [i for i in range(len(units) - 1) if units[i] != units[i + 1]]
    if not spots:
        return None
    i = _pick(rng, spots)
    units[i], units[i + 1] = units[i + 1], units[i]
    return join(units)


@op("delete", "typo", span=_run_span)
def delete(word: str, lang: str, rng: Any) -> str | None:
    """Drop one cluster (Korean: one keystroke); only in words of two units or more."""
    if len(word) < 2 and lang != "ko":  # one code point, one cluster (a Chinese character)
        return None
    units, join = _units(word, lang, keys=False)
    if len(units) < 2:
        return None
    del units[int(rng.integers(len(units)))]
    return join(units) or None


@op("repeat", "typo", span=_run_span)
def repeat(word: str, lang: str, rng: Any) -> str | None:
    """Type one cluster (Korean: one keystroke) twice."""
    units, join = _units(word, lang, keys=False)
    i = int(rng.integers(len(units)))
    units.insert(i, units[i])
    return join(units)


# --------------------------------------------------------------------------- accents and case

STRIPPABLE_SCRIPTS = ("LATIN", "GREEK", "CYRILLIC")
# Letters with a stroke or without a dot do not decompose; ASCII-only typing writes them so.
# Turkish ı is typed as i (and İ, which decomposes to I + dot, as I).
FOLD = {"đ": "d", "Đ": "D", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "ħ": "h", "Ħ": "H",
        "ı": "i", "ŧ": "t", "Ŧ": "T"}
# (base, mark) pairs that are letters of their own rather than accents: Cyrillic й.
KEEP = {("и", "\u0306"), ("И", "\u0306")}
# Combining diacritical mark blocks; marks of other scripts (a stray virama) are not accents.
DIACRITIC_BLOCKS = ((0x0300, 0x036F), (0x1AB0, 0x1AFF), (0x1DC0, 0x1DFF), (0x20D0, 0x20FF),
                    (0xFE20, 0xFE2F))


def _is_accent(base: str, mark: str) -> bool:
    return (base, mark) not in KEEP and any(a <= ord(mark) <= b for a, b in DIACRITIC_BLOCKS)


def _script(ch: str) -> str:
    return unicodedata.name(ch, "").split(" ")[0]


@lru_cache(maxsize=65536)
def _strip_cluster(unit: str) -> str:
    decomposed = unicodedata.normalize("NFD", unit)
    base = decomposed[0]
    if _script(base) not in STRIPPABLE_SCRIPTS:
        return unit
    marks = [m for m in decomposed[1:] if not _is_accent(base, m)]
    new = FOLD.get(base, base) + "".join(marks)
    return unit if new == decomposed else unicodedata.normalize("NFC", new)


@op("strip_diacritics", "typo", span=_run_span)
def strip_diacritics(word: str, lang: str, rng: Any, *, whole_word: bool = True) -> str | None:
    """Type a word without its accents (é->e, ü->u, ế->e, ş->s, ı->i, ё->е, ά->α).

    Only marks on Latin, Greek and Cyrillic letters go: Indic matras, Thai vowels and Arabic
    harakat are spelling, not accents. ``whole_word: false`` strips a single cluster.
    """
    if word.isascii():  # most picked words, at C speed: no accent and nothing to fold
        return None
    units = clusters(word)
    spots = [i for i, u in enumerate(units) if _strip_cluster(u) != u]
    if not spots:
        return None
    for i in spots if whole_word else [_pick(rng, spots)]:
        units[i] = _strip_cluster(units[i])
    return "".join(units)


CASELESS_SCRIPTS = {"GEORGIAN"}  # Mtavruli capitals exist but ordinary text never uses them
DOTTED_I_LANGS = {"tr", "az"}


# Called as a plain function so that the compiled engine (robustx.core.accel) runs CPython's
# own str.lower, whose final sigma (ΟΔΟΣ -> οδος) mypyc's per-character lowering lacks.
_str_lower: Callable[[str], str] = str.lower


def _lower(text: str, lang: str) -> str:
    if lang in DOTTED_I_LANGS:
        text = text.replace("I", "ı").replace("İ", "i")
    return _str_lower(text)


def _title(ch: str, lang: str) -> str:
    if lang in DOTTED_I_LANGS and ch == "i":
        return "İ"
    return ch.title()


@op("case", "typo", span=_run_span)
def case(word: str, lang: str, rng: Any) -> str | None:
    """Lowercase a capitalised word or capitalise a lowercase one; None for caseless scripts."""
    for i, ch in enumerate(word):
        cat = unicodedata.category(ch)
        if cat in ("Lu", "Lt", "Ll") and _script(ch) not in CASELESS_SCRIPTS:
            new = _lower(word, lang) if cat != "Ll" else word[:i] + _title(ch, lang) + word[i + 1:]
            return new if new != word and not any(c.isspace() for c in new) else None
    return None


# --------------------------------------------------------------------------- input methods

IME_LANGS = ("zh",)


@cache
def _homophones() -> dict[str, tuple[str, ...]]:
    """Toneless pinyin -> the common characters read so: GB2312 level 1, the 3,755 most
    frequent simplified hanzi (rows 0xB0-0xD7 of the codec Python ships), in pinyin order.

    Readings come from anyascii, as for translit: one reading per character, tones dropped, which
    is what a pinyin IME matches on when the typist types no tones.
    """
    from anyascii import anyascii

    out: dict[str, list[str]] = {}
    for hi in range(0xB0, 0xD8):
        for lo in range(0xA1, 0xFF):
            try:
                ch = bytes((hi, lo)).decode("gb2312")
            except UnicodeDecodeError:  # the unused end of row 0xD7
                continue
            out.setdefault(anyascii(ch).lower(), []).append(ch)
    return {k: tuple(v) for k, v in out.items()}


@cache
def _hanzi_counts() -> dict[str, int]:
    """How often each character of :func:`_homophones` is typed (resources/hanzi_freq.json,
    from jieba's word counts; see scripts/gen_hanzi_freq.py)."""
    path = resources.files("robustx.noise") / "resources" / "hanzi_freq.json"
    return json.loads(path.read_text(encoding="utf-8"))["counts"]


@lru_cache(maxsize=65536)
def homophones(ch: str) -> tuple[tuple[str, ...], tuple[float, ...]]:
    """Other common characters with the toneless reading of Han character ``ch``, most frequent
    first, with their cumulative share of that reading's typing frequency."""
    if not ("\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"):
        return (), ()
    from anyascii import anyascii

    counts = _hanzi_counts()
    cands = sorted((c for c in _homophones().get(anyascii(ch).lower(), ()) if c != ch),
                   key=lambda c: (-counts.get(c, 1), c))
    cum = list(itertools.accumulate(counts.get(c, 1) for c in cands))
    return tuple(cands), tuple(x / cum[-1] for x in cum) if cum else ()


def _check_ime(lang: str, params: Any) -> None:
    if lang not in IME_LANGS:
        raise Unavailable(f"ime_homophone: {lang!r} is not typed through a pinyin input "
                          f"method (only {', '.join(IME_LANGS)})", "no pinyin input method",
                          "docs/layouts.md")


@op("ime_homophone", "typo", check=_check_ime, fingerprint=package_version("anyascii"))
def ime_homophone(word: str, lang: str, rng: Any) -> str | None:
    """Pick the wrong pinyin-IME candidate: one Han character becomes a common homophone (在 -> 再).

    Chinese is typed as pinyin and the character chosen from a candidate list, so its typos are
    homophones, not neighbouring keys. The input method lists candidates most frequent first,
    so a wrong pick is drawn in proportion to how often each homophone is typed (在 -> 再 far
    more often than 年 -> 蔫).
    """
    spots = [(i, hs) for i, ch in enumerate(word) if (hs := homophones(ch))[0]]
    if not spots:
        return None
    i, (cands, cum) = _pick(rng, spots)
    return word[:i] + cands[min(bisect.bisect_right(cum, rng.random()), len(cands) - 1)] \
        + word[i + 1:]


class _Kanji(NamedTuple):
    """The Japanese conversion table (resources/ja_ime.tsv)."""

    words: dict[str, tuple[str, tuple[str, ...]]]  # word -> (reading, its candidate set)
    stems: dict[str, tuple[str, str, tuple[str, ...]]]  # stem -> (okurigana, reading, set)
    longest: int


@cache
def _kanji() -> _Kanji:
    path = resources.files("robustx.noise") / "resources" / "ja_ime.tsv"
    words: dict[str, tuple[str, tuple[str, ...]]] = {}
    stems: dict[str, tuple[str, str, tuple[str, ...]]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        head, *rest = line.split("\t")
        if head.startswith("-"):
            reading, *cands = rest
            for c in cands:
                stems[c] = (head[1:], reading, tuple(cands))
        else:
            for c in rest:
                words[c] = (head, tuple(rest))
    return _Kanji(words, stems, max(map(len, words)))


def _is_hiragana(ch: str) -> bool:
    return "\u3041" <= ch <= "\u309f"


def _kanji_span(lang: str, params: Any):
    """Runs the conversion table knows: a kanji word (機会), or a verb or adjective stem with the
    kana its inflection goes on with (会っ, 早く)."""
    if lang not in KANJI_IME_LANGS:
        return None
    table = _kanji()

    def pred(run: str) -> bool:
        if run in table.words:
            return True
        stem = table.stems.get(run[0]) if len(run) == 2 else None
        return stem is not None and run[1] in stem[0]

    pred.max_len = pred.max_chars = table.longest  # type: ignore[attr-defined]
    return pred


KANJI_IME_LANGS = ("ja",)


def _check_kanji(lang: str, params: Any) -> None:
    if lang not in KANJI_IME_LANGS:
        raise Unavailable(f"ime_kanji: {lang!r} is not typed through a kana-kanji input method "
                          f"(only {', '.join(KANJI_IME_LANGS)})", "no kana-kanji input method",
                          "docs/layouts.md")
    unconverted = params.get("unconverted", 0.2)
    if isinstance(unconverted, bool) or not 0 <= unconverted <= 1:
        raise ResourceError(f"ime_kanji: 'unconverted' must be a share in [0, 1], "
                            f"got {unconverted!r}")


@op("ime_kanji", "typo", check=_check_kanji, span=_kanji_span)
def ime_kanji(word: str, lang: str, rng: Any, *, unconverted: float = 0.2) -> str | None:
    """A kana-kanji conversion slip: the input method's other candidate for the same reading
    (機会 -> 機械, 会った -> 合った), or, with probability ``unconverted``, the reading left in
    kana (機会 -> きかい).

    Japanese is typed as kana and converted; its typos are wrong conversions, not neighbouring
    keys. The other candidates are drawn in proportion to 1/rank, the usual word first, as the
    input method lists them. Only words in resources/ja_ime.tsv are served; others give None.
    """
    table = _kanji()
    if word in table.words:
        reading, cands = table.words[word]
        tail = ""
    elif len(word) == 2 and word[0] in table.stems and word[1] in table.stems[word[0]][0]:
        _, reading, cands = table.stems[word[0]]
        tail, word = word[1], word[0]
    else:
        return None
    if rng.random() < unconverted:
        return reading + tail
    others = [c for c in cands if c != word]
    weights = list(itertools.accumulate(1 / (cands.index(c) + 1) for c in others))
    k = bisect.bisect_right(weights, rng.random() * weights[-1])
    return others[min(k, len(others) - 1)] + tail
