"""MLQA: SQuAD's scores with MLQA's language-aware normalisation (Unicode punctuation,
per-language articles, Chinese split per character)."""

from __future__ import annotations

import re
import string
import sys
import unicodedata
from functools import lru_cache, partial

from . import METRICS
from .squad import Squad


@lru_cache(maxsize=1)
def _unicode_punct() -> frozenset[str]:
    chars = {chr(i) for i in range(sys.maxunicode + 1)
             if unicodedata.category(chr(i)).startswith("P")}
    return frozenset(chars | set(string.punctuation))


_ARTICLES = {
    "en": r"\b(a|an|the)\b",
    "es": r"\b(un|una|unos|unas|el|la|los|las)\b",
    "vi": r"\b(của|là|cái|chiếc|những)\b",
    "de": r"\b(ein|eine|einen|einem|eines|einer|der|die|das|den|dem|des)\b",
    "ar": r"\sال^|ال",
}
_CJK = re.compile(r"[\u4e00-\u9fa5]")


def mixed_segmentation(text: str) -> list[str]:
    """Chinese characters and punctuation become single tokens; other runs split on spaces."""
    punct = _unicode_punct()
    out, run = [], ""
    for ch in text:
        if _CJK.match(ch) or ch in punct:
            out.extend(run.split())
            run = ""
            out.append(ch)
        else:
            run += ch
    out.extend(run.split())
    return out


def mlqa_normalize(text: str, lang: str) -> str:
    """MLQA's answer normalisation for ``lang`` (languages outside MLQA: no article removal)."""
    punct = _unicode_punct()
    text = "".join(ch for ch in text.lower() if ch not in punct)
    if lang in _ARTICLES:
        text = re.sub(_ARTICLES[lang], " ", text)
    tokens = mixed_segmentation(text) if lang == "zh" else text.split()
    return " ".join(t for t in tokens if t.strip())


class Mlqa(Squad):
    name = "mlqa"

    def normalizer(self, split):
        return partial(mlqa_normalize, lang=split.lang)


METRICS.add(Mlqa.name, Mlqa())
