"""The nine XTREME tasks in four families, with languages, hub configs and column schemas.

A task only describes data; noise and evaluation dispatch on its ``family``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..registry import Registry

HUB_DATASET = "google/xtreme"

PAIR, TAGGING, QA, RETRIEVAL = "pair", "tagging", "qa", "retrieval"
FAMILIES = (PAIR, TAGGING, QA, RETRIEVAL)

# Text columns each family corrupts, in the google/xtreme schema, and the label column(s)
# that must survive untouched.
FAMILY_TEXT_FIELDS = {
    PAIR: ("sentence1", "sentence2"),
    TAGGING: ("tokens",),
    QA: ("context", "question"),
    RETRIEVAL: ("source_sentence", "target_sentence"),
}

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
    """One XTREME task: where its data lives on the hub and what its columns mean."""

    name: str
    family: str
    languages: tuple[str, ...]
    metric: str
    label_column: str | None
    labels: tuple[str, ...] = ()
    split: str = "test"
    aliases: tuple[str, ...] = field(default=())

    @property
    def text_fields(self) -> tuple[str, ...]:
        return FAMILY_TEXT_FIELDS[self.family]

    def hub_config(self, lang: str) -> str:
        """The ``google/xtreme`` config that holds ``lang`` (some configs hold all languages)."""
        n = self.name
        if n == "xnli":
            return "XNLI"
        if n == "pawsx":
            return f"PAWS-X.{lang}"
        if n == "panx":
            return f"PAN-X.{lang}"
        if n == "udpos":
            return f"udpos.{UDPOS_NAMES[lang]}"
        if n == "xquad":
            return f"XQuAD.{lang}"
        if n == "mlqa":
            return f"MLQA.{lang}.{lang}"
        if n == "tydiqa":
            return "tydiqa"
        if n == "bucc":
            return f"bucc18.{lang}"
        if n == "tatoeba":
            return f"tatoeba.{TATOEBA_CODES[lang]}"
        raise AssertionError(n)

    def hub_filter(self, lang: str) -> tuple[str, str] | None:
        """(column, value-prefix) that selects ``lang`` inside a multi-language config."""
        if self.name == "xnli":
            return ("language", lang)
        if self.name == "tydiqa":
            return ("id", TYDIQA_NAMES[lang] + "-")
        return None


TASKS: Registry[Task] = Registry("task")

for _t in (
    Task("xnli", PAIR, tuple("ar bg de el en es fr hi ru sw th tr ur vi zh".split()), "accuracy",
         "gold_label", XNLI_LABELS),
    Task("pawsx", PAIR, tuple("de en es fr ja ko zh".split()), "accuracy", "label", ("0", "1")),
    Task("panx", TAGGING, tuple(XTREME_LANGS), "f1", "ner_tags", NER_TAGS),
    Task("udpos", TAGGING, tuple(sorted(UDPOS_NAMES)), "accuracy", "pos_tags", POS_TAGS),
    Task("xquad", QA, tuple("ar de el en es hi ru th tr vi zh".split()), "f1", "answers",
         split="validation"),
    Task("mlqa", QA, tuple("ar de en es hi vi zh".split()), "f1", "answers"),
    Task("tydiqa", QA, tuple(sorted(TYDIQA_NAMES)), "f1", "answers", split="validation"),
    Task("bucc", RETRIEVAL, ("de", "fr", "ru", "zh"), "f1", None, split="validation"),
    Task("tatoeba", RETRIEVAL, tuple(sorted(TATOEBA_CODES)), "accuracy", None,
         split="validation"),
):
    TASKS.add(_t.name, _t)

TASK_ALIASES = {"paws-x": "pawsx", "pan-x": "panx", "ner": "panx", "wikiann": "panx",
                "ud-pos": "udpos", "pos": "udpos", "tydiqa-goldp": "tydiqa", "bucc18": "bucc"}


def get_task(name: str) -> Task:
    """Look a task up by name (case-insensitive, common aliases accepted)."""
    key = name.lower()
    return TASKS.get(TASK_ALIASES.get(key, key))
