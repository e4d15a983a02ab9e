"""Rows and a writer shared by the tasks tests."""

import json

PAIRS = [{"sentence1": "Der Hund läuft.", "sentence2": "Ein Tier bewegt sich.",
          "gold_label": "entailment"},
         {"sentence1": "Es regnet.", "sentence2": "Die Sonne scheint.",
          "gold_label": "contradiction"}]


def write_jsonl(path, rows):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                    encoding="utf-8")
    return path
