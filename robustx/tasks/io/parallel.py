"""Sentence files in pairs, one sentence per line, read as one retrieval split and written back
byte for byte (unchanged lines identical, same names):

* Tatoeba as LASER ships it (``tatoeba.deu-eng.deu`` + ``tatoeba.deu-eng.eng``): line i of one
  is the translation of line i of the other, so each line pair is a gold row;
* Tatoeba as XTREME's download script leaves it (``de-en.de`` + ``de-en.en``): the English side
  is sorted, so nothing is aligned: every sentence is a row of its own side (unlabeled);
* BUCC 2018 (``de-en.test.de`` + ``de-en.test.en`` [+ ``de-en.test.gold``]): ``id<TAB>sentence``
  lines and ``source-id<TAB>target-id`` gold pairs. Rows follow the source file: a source with a
  gold partner is a gold row, one without has no target; then every target without a partner.
  The gold file is copied unchanged.

A row with one side has the other side's columns null (see the retrieval family).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...errors import InputError, InternalError
from .base import Format, register, rows, visible

LASER = re.compile(r"^tatoeba\.([a-z]{3})-([a-z]{3})\.\1$")
XTREME = re.compile(r"^([a-z]{2,3})-([a-z]{2,3})\.\1$")
BUCC = re.compile(r"^([a-z]{2})-([a-z]{2})\.([a-z]+)\.\1$")
COLUMNS = ("source_id", "source_sentence", "target_id", "target_sentence")


def _pair_name(path: Path, pattern: re.Pattern) -> re.Match | None:
    m = pattern.match(path.name)
    return m if m and m.group(1) != m.group(2) else None


def _other(path: Path, m: re.Match) -> Path:
    """The target side's file: the name with the source's language suffix replaced."""
    return path.with_name(path.name[: -len(m.group(1))] + m.group(2))


def _lines(path: Path, what: str) -> tuple[list[str], bool]:
    """A file's lines (without their ``\\n``) and whether the last one ends in a line break."""
    if not path.is_file():
        raise InputError(f"{path}: missing ({what}, read with the file beside it)")
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not valid UTF-8 ({exc.reason} at byte {exc.start})") from None
    lines = text.split("\n")
    final = text.endswith("\n")
    if final:
        lines.pop()
    return lines, final


@dataclass(frozen=True)
class LineLayout:
    """Where each row's sides go: per side file, the row index of each line in file order."""

    names: tuple[str, str]  # suffixes of the two side files (".deu", ".eng")
    final_eol: tuple[bool, bool]
    ids: tuple[list[str], list[str]] | None = None  # BUCC: each side's ids in file order
    gold: bytes | None = None  # BUCC: the gold file, copied


# -- Tatoeba -----------------------------------------------------------------------------------


def _tatoeba(path: Path) -> tuple[re.Match, bool] | None:
    m = _pair_name(path, LASER)
    if m:
        return m, True
    m = _pair_name(path, XTREME)
    return (m, False) if m else None


def read_tatoeba(path: Path, datasets: Any) -> tuple[Any, LineLayout]:
    m, aligned = _tatoeba(path)
    other = _other(path, m)
    src, fs = _lines(path, "the source side")
    tgt, ft = _lines(other, "the English side")
    if aligned and len(src) != len(tgt):
        raise InputError(f"{path}: {len(src)} line(s) but {other.name} has {len(tgt)}; line i of "
                         "one must be the translation of line i of the other")
    if aligned:
        cols = {"source_sentence": src, "target_sentence": tgt}
    else:
        cols = {"source_sentence": src + [None] * len(tgt),
                "target_sentence": [None] * len(src) + tgt}
    layout = LineLayout(("." + m.group(1), "." + m.group(2)), (fs, ft))
    return datasets.Dataset.from_dict(cols), layout


# -- BUCC 2018 ---------------------------------------------------------------------------------


def _id_lines(path: Path, what: str) -> tuple[list[str], list[str], bool]:
    lines, final = _lines(path, what)
    ids, texts = [], []
    for n, line in enumerate(lines, 1):
        sid, tab, text = line.partition("\t")
        if not tab:
            raise InputError(f"{path}:{n}: expected 'id<TAB>sentence'")
        ids.append(sid)
        texts.append(text)
    seen: set[str] = set()
    for n, sid in enumerate(ids, 1):
        if sid in seen:
            raise InputError(f"{path}:{n}: id {sid!r} appears twice")
        seen.add(sid)
    return ids, texts, final


def read_bucc(path: Path, datasets: Any) -> tuple[Any, LineLayout]:
    m = _pair_name(path, BUCC)
    other = _other(path, m)
    gold_path = path.with_name(path.name[: -len(m.group(1))] + "gold")
    sids, stexts, fs = _id_lines(path, "the source side")
    tids, ttexts, ft = _id_lines(other, "the English side")
    partner: dict[str, str] = {}
    gold = None
    if gold_path.is_file():
        gold = gold_path.read_bytes()
        known_s, known_t = set(sids), set(tids)
        for n, line in enumerate(gold.decode("utf-8", errors="replace").splitlines(), 1):
            s, tab, t = line.partition("\t")
            if not tab or s not in known_s or t not in known_t:
                raise InputError(f"{gold_path}:{n}: expected 'source-id<TAB>target-id' of "
                                 f"sentences in {path.name} and {other.name}")
            partner.setdefault(s, t)  # a source's first gold partner makes its row
    target_of = dict(zip(tids, ttexts, strict=True))
    taken: set[str] = set()
    cols: dict[str, list] = {c: [] for c in COLUMNS}
    for sid, text in zip(sids, stexts, strict=True):
        tid = partner.get(sid)
        if tid in taken:  # a target already paired with an earlier source keeps that row
            tid = None
        if tid is not None:
            taken.add(tid)
        for c, v in zip(COLUMNS, (sid, text, tid, target_of.get(tid)), strict=True):
            cols[c].append(v)
    for tid, text in zip(tids, ttexts, strict=True):
        if tid not in taken:
            for c, v in zip(COLUMNS, (None, None, tid, text), strict=True):
                cols[c].append(v)
    layout = LineLayout(("." + m.group(1), "." + m.group(2)), (fs, ft), (sids, tids), gold)
    return datasets.Dataset.from_dict(cols), layout


class LineWriter:
    """Collects each side's noisy sentences and writes both files, in their order, on close."""

    def __init__(self, path: Path, features: Any = None, layout: Any = None) -> None:
        if not isinstance(layout, LineLayout):
            raise InternalError(f"internal error writing {path.name}: no sentence-file layout")
        self.path, self.layout = path, layout
        self.sides: tuple[dict, dict] = ({}, {})  # BUCC: id -> text
        self.lines: tuple[list, list] = ([], [])  # Tatoeba: texts in row order

    def write(self, batch: dict[str, list]) -> None:
        for row in rows(visible(batch)):
            for side, (id_col, col) in enumerate((("source_id", "source_sentence"),
                                                  ("target_id", "target_sentence"))):
                text = row.get(col)
                if text is None:
                    continue
                if "\n" in text:
                    raise InternalError(f"internal error writing {self.path.name}: a noisy "
                                        "sentence has a line break (please report this)")
                if self.layout.ids is None:
                    self.lines[side].append(text)
                else:
                    self.sides[side][row[id_col]] = text

    def close(self) -> None:
        stem = self.path.name[: -len(self.layout.names[0])]
        for side in (0, 1):
            if self.layout.ids is None:
                lines = self.lines[side]
            else:
                texts = self.sides[side]
                lines = [f"{i}\t{texts[i]}" for i in self.layout.ids[side]]
            end = "\n" if self.layout.final_eol[side] and lines else ""
            target = self.path.with_name(stem + self.layout.names[side])
            target.write_text("\n".join(lines) + end, encoding="utf-8", newline="")
        if self.layout.gold is not None:
            self.path.with_name(stem + ".gold").write_bytes(self.layout.gold)


def _tatoeba_companions(path: Path) -> tuple[Path, ...]:
    found = _tatoeba(path)
    return (_other(path, found[0]),) if found else ()


def _bucc_companions(path: Path) -> tuple[Path, ...]:
    m = _pair_name(path, BUCC)
    if not m:
        return ()
    gold = path.with_name(path.name[: -len(m.group(1))] + "gold")
    return (_other(path, m),) + ((gold,) if gold.is_file() else ())


register(Format("bucc", "", read_bucc, LineWriter, match=lambda p: bool(_pair_name(p, BUCC)),
                companions=_bucc_companions))
register(Format("tatoeba", "", read_tatoeba, LineWriter,
                match=lambda p: _tatoeba(p) is not None, companions=_tatoeba_companions))
