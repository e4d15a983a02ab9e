"""The headerless TSVs of XTREME's download folder, read and written back byte for byte:

* sentence pairs (XNLI, PAWS-X ``test-de.tsv``): ``sentence1<TAB>sentence2[<TAB>label]``, as
  XTREME's ``utils_preprocess.py`` writes them with Python's ``csv`` module (a field with a
  quote or a tab is quoted, lines end in CRLF): read and written with the same dialect, so an
  unchanged line comes back identical;
* one token per line (PAN-X, UD-POS ``test-de.tsv``): ``token[<TAB>tag]``, sentences separated
  by blank lines (``-DOCSTART-`` lines too). Everything after the token on a line, and every
  separator line, is kept as it was; only tokens are rewritten.

A ``.tsv`` whose first line names a known column (``sentence1``, ``tokens``, ``language``...)
has a header and is the ``tsv`` format; one with a blank line or a single field per line is
tokens; any other is sentence pairs.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...errors import InputError, InternalError
from ..families import FAMILIES
from .base import Format, first_lines, register, rows, visible

SNIFF = 1000  # lines looked at to tell the layouts apart
HEADER_NAMES = frozenset({c for _, f in FAMILIES.items() for r in f.roles for c in r.columns}
                         | {"language", "lang", "id"})


def _text(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not valid UTF-8 ({exc.reason} at byte {exc.start})") from None


def has_header(lines: list[str]) -> bool:
    return bool(lines) and any(f.strip() in HEADER_NAMES
                               for f in lines[0].rstrip("\r\n").split("\t"))


def _is_separator(line: str) -> bool:
    return not line.strip("\r\n") or line.startswith("-DOCSTART-")


def is_tokens(path: Path) -> bool:
    lines = first_lines(path, SNIFF) if path.suffix.lower() == ".tsv" else []
    if not lines or has_header(lines):
        return False
    inner = lines[:-1] if len(lines) == SNIFF else lines
    return any(_is_separator(line) for line in inner) or all(
        "\t" not in line for line in lines)


def is_pairs(path: Path) -> bool:
    lines = first_lines(path, SNIFF) if path.suffix.lower() == ".tsv" else []
    return bool(lines) and not has_header(lines) and not is_tokens(path)


# -- sentence pairs ----------------------------------------------------------------------------

PAIR_COLUMNS = ("sentence1", "sentence2", "label")


@dataclass(frozen=True)
class PairLayout:
    eol: str  # the file's line ending
    final_eol: bool  # whether the last line has one


def read_pairs(path: Path, datasets: Any) -> tuple[Any, PairLayout]:
    text = _text(path)
    eol = "\r\n" if "\r\n" in text[: text.find("\n") + 1] else "\n"
    found = list(csv.reader(io.StringIO(text, newline=""), delimiter="\t"))
    width = len(found[0]) if found else 0
    if width not in (2, 3):
        raise InputError(f"{path}:1: {width} field(s); a headerless sentence-pair TSV has "
                         "sentence1, sentence2 and optionally a label (or give it a header "
                         "row naming its columns)")
    for n, row in enumerate(found, 1):
        if len(row) != width:
            raise InputError(f"{path}: row {n} has {len(row)} field(s), row 1 has {width}")
    cols = {c: [r[i] for r in found] for i, c in enumerate(PAIR_COLUMNS[:width])}
    return datasets.Dataset.from_dict(cols), PairLayout(eol, text.endswith("\n"))


class PairWriter:
    """Each row as Python's ``csv`` writes it with tabs (XTREME's own writer), same line ends."""

    def __init__(self, path: Path, features: Any = None, layout: Any = None) -> None:
        self.fh = path.open("w", encoding="utf-8", newline="")
        self.layout = layout if isinstance(layout, PairLayout) else PairLayout("\r\n", True)
        self.buf = io.StringIO()
        self.csv = csv.writer(self.buf, delimiter="\t", lineterminator="\r\n")
        self.pending = False

    def write(self, batch: dict[str, list]) -> None:
        for row in rows(visible(batch)):
            self.buf.seek(0)
            self.buf.truncate()
            self.csv.writerow([row[c] for c in PAIR_COLUMNS if c in row])
            line = self.buf.getvalue()[:-2]
            self.fh.write((self.layout.eol if self.pending else "") + line)
            self.pending = True

    def close(self) -> None:
        if self.pending and self.layout.final_eol:
            self.fh.write(self.layout.eol)
        self.fh.close()


# -- one token per line ------------------------------------------------------------------------


@dataclass(frozen=True)
class TokenLayout:
    """What a token file has besides its tokens: the separator lines before each sentence (and
    after the last, ``before[-1]``) and, per token, the rest of its line after the token."""

    before: list[str]
    rests: list[list[str]]


def read_tokens(path: Path, datasets: Any) -> tuple[Any, TokenLayout]:
    text = _text(path)
    lines = text.split("\n")
    ends = ["\n"] * (len(lines) - 1) + [""]
    before, rests, tokens, tags = [""], [], [], []
    tagged: tuple[bool, int] | None = None  # (lines have a tag, first line number)
    sentence: list[str] | None = None
    for n, (line, end) in enumerate(zip(lines, ends, strict=True), 1):
        if not line and not end:
            continue
        if _is_separator(line):
            if sentence is not None:
                before.append("")
                sentence = None
            before[-1] += line + end
            continue
        token, tab, rest = line.partition("\t")
        has_tag = bool(tab)
        if tagged is None:
            tagged = (has_tag, n)
        elif tagged[0] != has_tag:
            which = "has no tag" if tagged[0] else "has a tag"
            raise InputError(f"{path}:{n}: this token line {which}, unlike line {tagged[1]} "
                             "(every line is 'token' or every line is 'token<TAB>tag')")
        if sentence is None:
            sentence = []
            tokens.append(sentence)
            rests.append([])
            tags.append([])
        sentence.append(token)
        rests[-1].append(tab + rest + end)
        if has_tag:
            tags[-1].append(rest.rstrip("\r").rsplit("\t", 1)[-1])
    if not tokens:
        raise InputError(f"{path}: no examples (no token lines)")
    cols: dict[str, list] = {"tokens": tokens}
    if tagged and tagged[0]:
        cols["tags"] = tags
    if sentence is not None:
        before.append("")
    return datasets.Dataset.from_dict(cols), TokenLayout(before, rests)


class TokenWriter:
    """Each noisy token in place of its original, the rest of every line as it was."""

    def __init__(self, path: Path, features: Any = None, layout: Any = None) -> None:
        if not isinstance(layout, TokenLayout):
            raise InternalError(f"internal error writing {path.name}: no token layout")
        self.fh = path.open("w", encoding="utf-8", newline="")
        self.layout, self.n, self.name = layout, 0, path.name

    def write(self, batch: dict[str, list]) -> None:
        for row in rows(visible(batch)):
            rests = self.layout.rests[self.n]
            toks = row["tokens"]
            if len(toks) != len(rests) or any("\t" in t or "\n" in t for t in toks):
                raise InternalError(f"internal error writing {self.name}: sentence "
                                    f"{self.n + 1} came out with {len(toks)} token(s) for "
                                    f"{len(rests)} line(s) or a token with a tab or line "
                                    "break (please report this)")
            self.fh.write(self.layout.before[self.n] +
                          "".join(t + r for t, r in zip(toks, rests, strict=True)))
            self.n += 1

    def close(self) -> None:
        self.fh.write(self.layout.before[-1] if self.n == len(self.layout.rests) else "")
        self.fh.close()


register(Format("xtreme-tsv", ".tsv", read_pairs, PairWriter, match=is_pairs))
register(Format("token-tsv", ".tsv", read_tokens, TokenWriter, match=is_tokens))
