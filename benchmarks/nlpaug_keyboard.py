"""The whole-process contender: nlpaug KeyboardAug over both sentences of a JSONL file.

    python benchmarks/nlpaug_keyboard.py IN.jsonl OUT.jsonl
"""
import json
import sys

import nlpaug.augmenter.char as nac

aug = nac.KeyboardAug(aug_word_p=0.1, aug_char_max=1, tokenizer=str.split)
with open(sys.argv[1], encoding="utf-8") as src, open(sys.argv[2], "w", encoding="utf-8") as dst:
    for line in src:
        row = json.loads(line)
        row["sentence1"], row["sentence2"] = aug.augment([row["sentence1"], row["sentence2"]])
        dst.write(json.dumps(row, ensure_ascii=False) + "\n")
