"""Build Splits and data files for evaluation tests without the hub."""

from __future__ import annotations

import json
from pathlib import Path

LONG_TOKENS = ("Paris Berlin Москва 北京 서울 กรุงเทพ नई दिल्ली القاهرة Αθήνα Hà Nội " * 4).split()


def make_split(family: str, rows: list[dict], task: str | None = None, lang: str = "en"):
    import datasets

    from robustx.tasks import get_task, sources

    t = get_task(task) if task else None
    return sources.make_split(t, datasets.Dataset.from_list(rows), lang=lang, source="test",
                              relpath=f"{lang}.jsonl", fmt="jsonl")


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    return path


PAIR_ROWS = [
    {"sentence1": "Der schnelle braune Fuchs springt über den faulen Hund am Fluss.",
     "sentence2": "Ein Hund", "gold_label": "neutral"},
    {"sentence1": "Paris", "sentence2": "Paris is the capital of France", "gold_label": "entailment"},
    {"sentence1": "Москва является столицей России", "sentence2": "北京是中国的首都",
     "gold_label": "contradiction"},
    {"sentence1": "नई दिल्ली भारत की राजधानी है " * 5, "sentence2": "Hà Nội",
     "gold_label": "neutral"},
]
TAG_ROWS = [
    {"tokens": LONG_TOKENS, "ner_tags": (["B-LOC"] + ["O"] * 3) * (len(LONG_TOKENS) // 4)
     + ["O"] * (len(LONG_TOKENS) % 4)},
    {"tokens": ["Marie", "Curie", "won"], "ner_tags": ["B-PER", "I-PER", "O"]},
    {"tokens": ["Seoul"], "ner_tags": ["B-LOC"]},
]
QA_CONTEXT = ("Marie Curie won the Nobel Prize in Physics in 1903 and in Chemistry in 1911. "
              "Paris is the capital of France and Berlin is the capital of Germany. ") * 3
QA_ROWS = [
    {"id": "q1", "context": QA_CONTEXT, "question": "When did Marie Curie win the prize?",
     "answers": {"answer_start": [46], "text": ["1903"]}},
    {"id": "q2", "context": "Москва является столицей России.", "question": "Что такое Москва?",
     "answers": {"answer_start": [0], "text": ["Москва"]}},
    {"id": "q3", "context": "北京是中国的首都，上海是最大的城市。", "question": "首都?",
     "answers": {"answer_start": [0], "text": ["北京"]}},
]
RETRIEVAL_ROWS = [
    {"source_sentence": s, "target_sentence": t, "source_lang": "de", "target_lang": "en"}
    for s, t in [("Der Fuchs springt", "The fox jumps"), ("Der Hund", "The dog"),
                 ("Berlin ist die Hauptstadt", "Berlin is the capital"),
                 ("Die Hauptstadt von Deutschland", "The capital of Germany"),
                 ("Der Fuchs springt", "The fox leaps")]
]
