"""The nine XTREME tasks: plain data naming a family, languages, hub configs and a metric.

What a family means (columns, noise sides, head) is its record in :mod:`.families`; the metric
is a name in :mod:`robustx.eval.metrics`. Adding a task is one entry in the table below.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ..registry import Registry
from .families import FAMILIES, PAIR, QA, RETRIEVAL, TAGGING, Family, Role

__all__ = ["FAMILIES", "HUB_DATASET", "PAIR", "QA", "RETRIEVAL", "TAGGING", "TASKS", "Family", "Role",
           "Task", "get_task"]

HUB_DATASET = "google/xtreme"

NER_TAGS = ("O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC")
POS_TAGS = (
    "ADJ", "ADP", "ADV", "AUX", "CCONJ", "DET", "INTJ", "NOUN", "NUM", "PART", "PRON",
    "PROPN", "PUNCT", "SCONJ", "SYM", "VERB", "X",
)
XNLI_LABELS = ("entailment", "neutral", "contradiction")

XTREME_LANGS = (
    "af ar bg bn de el en es et eu fa fi fr he hi hu id it ja jv ka kk ko ml mr ms my nl pt "
    "ru sw ta te th tl tr ur vi yo zh"
).split()

UDPOS_NAMES = {
    "af": "Afrikans", "ar": "Arabic", "eu": "Basque", "bg": "Bulgarian", "nl": "Dutch",
    "en": "English", "et": "Estonian", "fi": "Finnish", "fr": "French", "de": "German",
    "el": "Greek", "he": "Hebrew", "hi": "Hindi", "hu": "Hungarian", "id": "Indonesian",
    "it": "Italian", "ja": "Japanese", "kk": "Kazakh", "ko": "Korean", "zh": "Chinese",
    "mr": "Marathi", "fa": "Persian", "pt": "Portuguese", "ru": "Russian", "es": "Spanish",
    "tl": "Tagalog", "ta": "Tamil", "te": "Telugu", "th": "Thai", "tr": "Turkish",
    "ur": "Urdu", "vi": "Vietnamese", "yo": "Yoruba",
}

TATOEBA_CODES = {
    "af": "afr", "ar": "ara", "bn": "ben", "bg": "bul", "de": "deu", "el": "ell", "es": "spa",
    "et": "est", "eu": "eus", "fa": "pes", "fi": "fin", "fr": "fra", "he": "heb", "hi": "hin",
    "hu": "hun", "id": "ind", "it": "ita", "ja": "jpn", "jv": "jav", "ka": "kat", "kk": "kaz",
    "ko": "kor", "ml": "mal", "mr": "mar", "nl": "nld", "pt": "por", "ru": "rus", "sw": "swh",
    "ta": "tam", "te": "tel", "th": "tha", "tl": "tgl", "tr": "tur", "ur": "urd", "vi": "vie",
    "zh": "cmn",
}

TYDIQA_NAMES = {
    "ar": "arabic", "bn": "bengali", "en": "english", "fi": "finnish", "id": "indonesian",
    "ko": "korean", "ru": "russian", "sw": "swahili", "te": "telugu",
}


@dataclass(frozen=True)
class Task:
    """One XTREME task: its family, languages, metric and where its data lives on the hub.

    ``hub_config`` and ``hub_filter`` are patterns: ``{lang}`` is the language code and
    ``{name}`` its entry in ``hub_names`` (the hub's own name for that language).
    """

    name: str
    family: str
    languages: tuple[str, ...]
    metric: str
    hub_config: str
    labels: tuple[str, ...] = ()
    split: str = "test"
    hub_names: Mapping[str, str] = field(default_factory=dict)
    hub_filter: tuple[str, str] | None = None  # (column, value prefix) in a multi-language config
    aliases: tuple[str, ...] = ()
    xtreme_name: str = ""  # the task's folder in XTREME's download and submission trees

    @property
    def submission_name(self) -> str:
        return self.xtreme_name or self.name

    def _fill(self, pattern: str, lang: str) -> str:
        return pattern.format(lang=lang, name=self.hub_names.get(lang, lang))

    def hub_config_for(self, lang: str) -> str:
        """The ``google/xtreme`` config that holds ``lang`` (some configs hold all languages)."""
        return self._fill(self.hub_config, lang)

    def hub_filter_for(self, lang: str) -> tuple[str, str] | None:
        """(column, value-prefix) that selects ``lang`` inside a multi-language config."""
        if self.hub_filter is None:
            return None
        column, pattern = self.hub_filter
        return column, self._fill(pattern, lang)


TASKS: Registry[Task] = Registry("task")

for _t in (
    Task("xnli", PAIR, tuple("ar bg de el en es fr hi ru sw th tr ur vi zh".split()), "accuracy",
         "XNLI", XNLI_LABELS, hub_filter=("language", "{lang}")),
    Task("pawsx", PAIR, tuple("de en es fr ja ko zh".split()), "accuracy", "PAWS-X.{lang}",
         ("0", "1"), aliases=("paws-x",)),
    Task("panx", TAGGING, tuple(XTREME_LANGS), "ner", "PAN-X.{lang}", NER_TAGS,
         aliases=("pan-x", "ner", "wikiann")),
    Task("udpos", TAGGING, tuple(sorted(UDPOS_NAMES)), "pos", "udpos.{name}", POS_TAGS,
         hub_names=UDPOS_NAMES, aliases=("ud-pos", "pos")),
    Task("xquad", QA, tuple("ar de el en es hi ru th tr vi zh".split()), "squad", "XQuAD.{lang}",
         split="validation"),
    Task("mlqa", QA, tuple("ar de en es hi vi zh".split()), "mlqa", "MLQA.{lang}.{lang}"),
    Task("tydiqa", QA, tuple(sorted(TYDIQA_NAMES)), "squad", "tydiqa", split="validation",
         hub_names=TYDIQA_NAMES, hub_filter=("id", "{name}-"), aliases=("tydiqa-goldp",)),
    Task("bucc", RETRIEVAL, ("de", "fr", "ru", "zh"), "bucc", "bucc18.{lang}",
         split="validation", aliases=("bucc18", "bucc2018"), xtreme_name="bucc2018"),
    Task("tatoeba", RETRIEVAL, tuple(sorted(TATOEBA_CODES)), "tatoeba", "tatoeba.{name}",
         split="validation", hub_names=TATOEBA_CODES),
):
    TASKS.add(_t.name, _t)


def get_task(name: str) -> Task:
    """Look a task up by name (case-insensitive, aliases accepted)."""
    key = name.lower()
    for task_name, task in TASKS.items():
        if key in task.aliases:
            return TASKS.get(task_name)
    return TASKS.get(key)
