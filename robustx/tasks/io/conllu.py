"""CoNLL-U, the Universal Dependencies treebanks' own format, read into UD-POS rows (word forms
and UPOS tags) and written back with only the FORM fields rewritten.

Multiword tokens are read the way XTREME's conversion (``conllu_to_conll.py
--replace_subtokens_with_fused_forms``) reads them: the fused form (``del``) stands for its
span (``de`` + ``el``) with the UPOS of the span's head: the word of the span nearest the root,
ties broken by XTREME's POS precedence lists. Writing back puts a noisy fused form on the
multiword line and leaves the span's word lines as they were (they are the analysis). Empty
nodes (``8.1``) are not words. A ``# text =`` comment that spelled the sentence out is
rewritten from the noisy forms (spacing from ``SpaceAfter=No``); any other line is unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...errors import InputError, InternalError
from .base import Format, register, rows, visible

# XTREME's conllu_to_conll.py: which UPOS heads a multiword span when several words of the
# span are equally near the root.
PRECEDENCE = {
    "default": "VERB NOUN PROPN PRON ADJ NUM ADV INTJ AUX ADP DET PART CCONJ SCONJ X PUNCT".split(),
    "es": "VERB AUX PRON ADP DET".split(),
    "fr": "VERB AUX PRON NOUN ADJ ADV ADP DET PART SCONJ CONJ".split(),
    "it": "VERB AUX ADV PRON ADP DET INTJ".split(),
}


@dataclass(frozen=True)
class ConlluLayout:
    """The file's lines, and for each sentence the line holding each token's FORM and the line
    of its ``# text`` comment when that comment spelled the sentence out (else -1)."""

    lines: list[str]
    forms: list[list[int]]
    texts: list[int]
    spaces: list[list[str]]  # the space after each token ("" for SpaceAfter=No)


def _depth(word: int, heads: dict[int, int]) -> int:
    seen, n = set(), 0
    while word in heads and word not in seen:
        seen.add(word)
        word = heads[word]
        n += 1
    return n


def _span_head(span: list[int], heads: dict[int, int], upos: dict[int, str], lang: str) -> int:
    depths = [_depth(w, heads) for w in span]
    top = [w for w, d in zip(span, depths, strict=True) if d == min(depths)]
    if len(top) == 1:
        return top[0]
    order = PRECEDENCE.get(lang, PRECEDENCE["default"])
    return min(top, key=lambda w: order.index(upos[w]) if upos[w] in order else len(order))


def _lang(path: Path) -> str:
    """``de_gsd-ud-test.conllu`` -> ``de``: the treebank's language prefix."""
    return path.name.split("_", 1)[0].lower()


def read(path: Path, datasets: Any) -> tuple[Any, ConlluLayout]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not valid UTF-8 ({exc.reason} at byte {exc.start})") from None
    lines = text.split("\n")
    lang = _lang(path)
    tokens, tags, forms, texts, spaces = [], [], [], [], []
    block: list[int] = []

    def flush() -> None:
        if not any(not lines[i].startswith("#") for i in block):
            block.clear()
            return
        words: dict[int, tuple[int, list[str]]] = {}
        mwts: list[tuple[int, int, int]] = []
        text_line = -1
        for i in block:
            line = lines[i].rstrip("\r")
            if line.startswith("#"):
                if line.startswith("# text =") and text_line < 0:
                    text_line = i
                continue
            cols = line.split("\t")
            if len(cols) != 10:
                raise InputError(f"{path}:{i + 1}: {len(cols)} field(s); a CoNLL-U word line "
                                 "has 10")
            wid = cols[0]
            if "-" in wid:
                a, _, b = wid.partition("-")
                if not (a.isdigit() and b.isdigit()):
                    raise InputError(f"{path}:{i + 1}: bad multiword id {wid!r}")
                mwts.append((int(a), int(b), i))
            elif wid.isdigit():
                words[int(wid)] = (i, cols)
            elif "." not in wid:
                raise InputError(f"{path}:{i + 1}: bad word id {wid!r}")
        heads = {w: int(c[6]) for w, (_, c) in words.items() if c[6].isdigit()}
        upos = {w: c[3] for w, (_, c) in words.items()}
        fused: dict[int, tuple[int, int]] = {}  # span head -> (multiword line, span end)
        inside: set[int] = set()
        for a, b, i in mwts:
            span = [w for w in range(a, b + 1) if w in words]
            if span:
                fused[_span_head(span, heads, upos, lang)] = (i, b)
                inside.update(span)
        toks, tgs, where, gaps = [], [], [], []
        for w in sorted(words):
            i, cols = words[w]
            if w in inside and w not in fused:
                continue
            line = fused[w][0] if w in fused else i
            form_cols = lines[line].rstrip("\r").split("\t")
            toks.append(form_cols[1])
            tgs.append(cols[3])
            where.append(line)
            gaps.append("" if "SpaceAfter=No" in form_cols[9].split("|") else " ")
        said = lines[text_line].rstrip("\r")[len("# text ="):].strip() if text_line >= 0 else None
        spelled = "".join(t + g for t, g in zip(toks, gaps, strict=True)).rstrip(" ")
        tokens.append(toks)
        tags.append(tgs)
        forms.append(where)
        texts.append(text_line if said == spelled else -1)
        spaces.append(gaps)
        block.clear()

    for i, line in enumerate(lines):
        if line.strip("\r"):
            block.append(i)
        elif block:
            flush()
    if block:
        flush()
    if not tokens:
        raise InputError(f"{path}: no examples (no CoNLL-U sentences)")
    data = datasets.Dataset.from_dict({"tokens": tokens, "pos_tags": tags})
    return data, ConlluLayout(lines, forms, texts, spaces)


class ConlluWriter:
    """Fills the noisy forms into the kept lines and writes the file on close."""

    def __init__(self, path: Path, features: Any = None, layout: Any = None) -> None:
        if not isinstance(layout, ConlluLayout):
            raise InternalError(f"internal error writing {path.name}: no CoNLL-U layout")
        self.path, self.layout, self.n = path, layout, 0
        self.lines = list(layout.lines)

    def write(self, batch: dict[str, list]) -> None:
        for row in rows(visible(batch)):
            where = self.layout.forms[self.n]
            toks = row["tokens"]
            if len(toks) != len(where) or any(c in t for t in toks for c in "\t\n"):
                raise InternalError(f"internal error writing {self.path.name}: sentence "
                                    f"{self.n + 1} came out with {len(toks)} token(s) for "
                                    f"{len(where)} or a token with a tab or line break")
            for tok, i in zip(toks, where, strict=True):
                cols = self.lines[i].split("\t")
                cols[1] = tok
                self.lines[i] = "\t".join(cols)
            t = self.layout.texts[self.n]
            if t >= 0:
                end = "\r" if self.lines[t].endswith("\r") else ""
                spelled = "".join(tok + g for tok, g in zip(
                    toks, self.layout.spaces[self.n], strict=True)).rstrip(" ")
                self.lines[t] = f"# text = {spelled}{end}"
            self.n += 1

    def close(self) -> None:
        self.path.write_text("\n".join(self.lines), encoding="utf-8", newline="")


register(Format("conllu", ".conllu", read, ConlluWriter))
