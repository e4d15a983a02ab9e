"""Bilingual lexicons behind one interface, for the code-switching op.

A :class:`Lexicon` maps a *normalised* source word (see :func:`normalise`) to its translations,
in file order. Formats live in :data:`FORMATS` (``muse``, ``tsv``, ``freedict``); the built-in
lexicons are TSV files under ``resources/lexicon/<xx>-en.tsv`` written for this project.
FreeDict dictionaries are GPL: they are read where Debian installs them, never copied here.

Everything is loaded lazily and cached per (source, format, languages): nothing happens at import.
"""

from __future__ import annotations

import gzip
import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterable
from functools import cache
from importlib import resources
from pathlib import Path

from ..errors import ResourceError, Unavailable
from ..registry import Registry
from ..tasks import TATOEBA_CODES

DICTD_DIR = Path("/usr/share/dictd")
BUILTIN = "builtin"
FREEDICT = "freedict"

# ISO 639-1 -> the ISO 639-3 codes FreeDict names its dictionaries with.
ISO3 = {**TATOEBA_CODES, "en": "eng", "yo": "yor", "my": "mya", "ms": "zsm", "zh": "zho"}


def normalise(word: str, lang: str) -> str:
    """The lookup key: NFC, caseless; Turkish dotted/dotless I kept apart; Greek accents dropped.

    Greek drops accents because upper-case Greek is written without them ("ΣΠΙΤΙ" is "σπίτι").
    """
    word = unicodedata.normalize("NFC", word)
    if lang in ("tr", "az"):
        word = word.replace("I", "ı").replace("İ", "i")
    word = word.casefold()
    if lang == "el":
        word = "".join(
            c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c)
        )
        word = unicodedata.normalize("NFC", word)
    return word


class Lexicon:
    """Source key -> translations (tuple, file order, no duplicates)."""

    def __init__(
        self,
        entries: dict[str, tuple[str, ...]],
        name: str,
        sources: dict[str, str] | None = None,
    ) -> None:
        self._entries = entries
        self.name = name
        self._sources = sources or {}  # key -> the source word as first written in the file

    def words(self) -> list[str]:
        """The source keys, sorted."""
        return sorted(self._entries)

    def get(self, key: str) -> tuple[str, ...]:
        return self._entries.get(key, ())

    def __contains__(self, key: object) -> bool:
        return bool(self.get(key)) if isinstance(key, str) else False

    def __len__(self) -> int:
        return len(self._entries)

    def inverted(self, name: str) -> Lexicon:
        """The reverse lexicon (target -> source), keyed by the caseless target word."""
        out: dict[str, list[str]] = {}
        for key, tgts in self._entries.items():
            for t in tgts:
                out.setdefault(t.casefold(), []).append(self._sources.get(key, key))
        return Lexicon({k: tuple(dict.fromkeys(v)) for k, v in out.items()}, name)


def _build(pairs: Iterable[tuple[str, str]], lang: str, name: str) -> Lexicon:
    out: dict[str, list[str]] = {}
    sources: dict[str, str] = {}
    for src, tgt in pairs:
        key = normalise(src, lang)
        sources.setdefault(key, unicodedata.normalize("NFC", src))
        out.setdefault(key, []).append(" ".join(tgt.split()))
    return Lexicon({k: tuple(dict.fromkeys(v)) for k, v in out.items()}, name, sources)


def _lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ResourceError(f"cannot read lexicon {path}: {exc}") from None


def read_tsv(path: Path, lang: str) -> Lexicon:
    """``source<TAB>target`` per line; ``#`` starts a comment line; one line per translation."""
    pairs = []
    for no, line in enumerate(_lines(path), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cols = [c.strip() for c in line.split("\t")]
        if len(cols) != 2 or not all(cols):
            raise ResourceError(
                f"{path}:{no}: malformed TSV lexicon line {line!r} (want 'source<TAB>target')"
            )
        pairs.append((cols[0], cols[1]))
    return _build(pairs, lang, str(path))


def read_muse(path: Path, lang: str) -> Lexicon:
    """MUSE dictionaries: ``source target`` per line, whitespace separated, one pair a line."""
    pairs = []
    for no, line in enumerate(_lines(path), 1):
        if not line.strip():
            continue
        cols = line.split()
        if len(cols) != 2:
            raise ResourceError(
                f"{path}:{no}: malformed MUSE lexicon line {line!r} (want 'source target')"
            )
        pairs.append((cols[0], cols[1]))
    return _build(pairs, lang, str(path))


# ---------------------------------------------------------------------------------------------
# FreeDict / dictd: an index of "headword<TAB>b64 offset<TAB>b64 length" into a (dictzip'd) text.

_B64 = {
    c: i for i, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
}
_META = ("note:", "see:", "synonym", "antonym", "example", '"', "{")
_BRACKETS = re.compile(r"\[[^\[\]]*\]|\([^()]*\)")
_HEAD = re.compile(r"^(.*?)(?:\s+[/<(\[]|$)")


def b64_number(text: str) -> int:
    """dictd's base-64 numbers (offsets and lengths in the index)."""
    n = 0
    for c in text:
        n = n * 64 + _B64[c]
    return n


def parse_dictd_entry(entry: str) -> tuple[str, tuple[str, ...]]:
    """(headword, translations) of one plain-text FreeDict entry.

    Line 1 is "headword /pronunciation/ <pos>"; the translation line(s) follow, comma separated,
    with <pos>, [domain] and (gloss) annotations that are dropped; notes, examples, synonyms and
    cross-references are skipped; a blank line ends the senses. Translations with a "/", an
    ellipsis or a dot are alternatives, fragments or abbreviations ("Sr."), not words: dropped.
    """
    lines = entry.strip("\n").split("\n")
    head = _HEAD.match(lines[0].strip())
    out: list[str] = []
    for line in lines[1:]:
        text = line.strip()
        if not text:
            break
        if text.casefold().startswith(_META):
            continue
        text = re.sub(r"^\d+\.\s*", "", text)
        while _BRACKETS.search(text):
            text = _BRACKETS.sub(" ", text)
        for part in re.split(r"[,;]", text):
            word = " ".join(part.split("<")[0].split())  # "avenue <n>Ave": abbreviation after <pos>
            if word and not any(c in word for c in "/….") and not word.startswith("-"):
                out.append(word)
    return (head.group(1) if head else ""), tuple(dict.fromkeys(out))


class DictdLexicon(Lexicon):
    """A dictd dictionary, decompressed once; entries parsed on first lookup and memoised."""

    def __init__(self, index: Path, lang: str) -> None:
        super().__init__({}, str(index))
        self.lang = lang
        self._offsets: dict[str, list[tuple[int, int]]] = {}
        self._memo: dict[str, tuple[str, ...]] = {}
        try:
            self._text = _dict_bytes(index)
            lines = index.read_text(encoding="utf-8").splitlines()
        except (OSError, EOFError, gzip.BadGzipFile, UnicodeDecodeError) as exc:
            raise ResourceError(f"cannot read FreeDict dictionary {index}: {exc}") from None
        for no, line in enumerate(lines, 1):
            cols = line.split("\t")
            try:
                span = (b64_number(cols[1]), b64_number(cols[2]))
            except (IndexError, KeyError):
                raise ResourceError(f"{index}:{no}: malformed dictd index line {line!r}") from None
            head = cols[0].strip()
            if head and " " not in head and not head.startswith("00"):
                self._offsets.setdefault(normalise(head, lang), []).append(span)

    def get(self, key: str) -> tuple[str, ...]:
        if key not in self._memo:
            found: list[str] = []
            for off, length in self._offsets.get(key, ()):
                entry = self._text[off : off + length].decode("utf-8", "replace")
                head, words = parse_dictd_entry(entry)
                if normalise(head, self.lang) == key:  # skips "Haus…" (a prefix) under "haus"
                    found.extend(words)
            self._memo[key] = tuple(dict.fromkeys(found))
        return self._memo[key]

    def __len__(self) -> int:
        return len(self._offsets)


def _dict_files(index: Path) -> list[Path]:
    """The index and its data file (``.dict.dz``, else ``.dict``)."""
    dz, plain = index.with_suffix(".dict.dz"), index.with_suffix(".dict")
    return [index, dz if dz.exists() or not plain.exists() else plain]


def _dict_bytes(index: Path) -> bytes:
    data = _dict_files(index)[1]
    if data.suffix == ".dz":
        with gzip.open(data) as fh:  # dictzip is gzip with a random-access table we ignore
            return fh.read()
    return data.read_bytes()


def _index_of(path: Path) -> Path:
    name = str(path)
    for suffix in (".dict.dz", ".dict"):
        if name.endswith(suffix):
            return Path(name.removesuffix(suffix) + ".index")
    return path


def read_freedict(path: Path, lang: str) -> Lexicon:
    """A FreeDict dictionary as Debian installs it: ``NAME.index`` next to ``NAME.dict.dz``."""
    index = _index_of(path)
    if not index.exists():
        raise ResourceError(f"FreeDict index {index} not found")
    return DictdLexicon(index, lang)


FORMATS: Registry[Callable[[Path, str], Lexicon]] = Registry("lexicon format")
FORMATS.add("muse", read_muse)
FORMATS.add("tsv", read_tsv)
FORMATS.add("freedict", read_freedict)


def sniff_format(path: Path) -> str:
    """``auto``: dictd by suffix, TSV by suffix or a tab in the first data line, else MUSE."""
    name = path.name
    if name.endswith((".index", ".dict.dz", ".dict")):
        return "freedict"
    if name.endswith(".tsv"):
        return "tsv"
    for line in _lines(path):
        if line.strip() and not line.startswith("#"):
            return "tsv" if "\t" in line else "muse"
    return "muse"


# ---------------------------------------------------------------------------------------------
# Resolution: (lexicon param, format param, source lang, target lang) -> Lexicon.


def _builtin_file(lang: str) -> Path:
    return Path(str(resources.files("robustx.noise").joinpath(f"resources/lexicon/{lang}-en.tsv")))


def builtin_languages() -> list[str]:
    """Languages with a built-in ``<xx>-en`` lexicon."""
    folder = Path(str(resources.files("robustx.noise").joinpath("resources/lexicon")))
    return sorted(p.name.removesuffix("-en.tsv") for p in folder.glob("*-en.tsv"))


def freedict_index(lang: str, target: str) -> Path:
    return DICTD_DIR / f"freedict-{ISO3.get(lang, lang)}-{ISO3.get(target, target)}.index"


DOC = "docs/codeswitch.md"


def _hint(lang: str, target: str) -> str:
    return (
        f"pass a MUSE/TSV file with params: {{lexicon: PATH}} or install "
        f"dict-freedict-{ISO3.get(lang, lang)}-{ISO3.get(target, target)} and use "
        f"{{lexicon: freedict}} (in a copy of the profile that lists {lang} under languages; "
        f"see {DOC})"
    )


@cache
def load(lexicon: str, fmt: str, lang: str, target: str) -> Lexicon:
    """The lexicon for ``lang -> target``; raises ResourceError (with a hint) when there is none."""
    if fmt != "auto":
        FORMATS.get(fmt)  # unknown format: UsageError with suggestions
    if lexicon == BUILTIN:
        if target == "en" and _builtin_file(lang).is_file():
            return read_tsv(_builtin_file(lang), lang)
        if lang == "en" and _builtin_file(target).is_file():
            return load(BUILTIN, "auto", target, "en").inverted(f"builtin:en-{target}")
        raise Unavailable(f"no built-in lexicon for {lang}->{target}; {_hint(lang, target)}",
                          "no lexicon", DOC)
    if lexicon == FREEDICT:
        index = freedict_index(lang, target)
        if not index.exists():
            raise Unavailable(
                f"no FreeDict dictionary for {lang}->{target} ({index} not found); "
                f"{_hint(lang, target)}", "no lexicon", DOC)
        return read_freedict(index, lang)
    path = Path(lexicon).expanduser()
    if not path.exists():
        raise ResourceError(f"lexicon file {path} not found; {_hint(lang, target)}")
    return FORMATS.get(sniff_format(path) if fmt == "auto" else fmt)(path, lang)


@cache
def _file_digest(path: str, size: int, mtime: float) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def digest(path: Path) -> str:
    """sha256 of a file's bytes (cached on path, size and mtime)."""
    try:
        st = path.stat()
        return _file_digest(str(path), st.st_size, st.st_mtime)
    except OSError as exc:
        raise ResourceError(f"cannot read lexicon {path}: {exc}") from None


def fingerprint(lexicon: str) -> str:
    """Short hash of what a ``lexicon`` param points to: "" for builtin (versioned with us).

    ``freedict`` is resolved per language pair at run time, so it hashes the names and sizes of
    every installed FreeDict dictionary: a new dictionary release changes the signature.
    """
    if lexicon == BUILTIN:
        return ""
    if lexicon == FREEDICT:
        files = sorted(DICTD_DIR.glob("freedict-*")) if DICTD_DIR.is_dir() else []
        text = "\n".join(f"{p.name}:{p.stat().st_size}" for p in files)
        return hashlib.sha256(text.encode()).hexdigest()[:12]
    path = Path(lexicon).expanduser()
    if not path.exists():
        raise ResourceError(f"lexicon file {path} not found")
    files = _dict_files(_index_of(path)) if sniff_format(path) == "freedict" else [path]
    return hashlib.sha256("".join(digest(p) for p in files).encode()).hexdigest()[:12]
