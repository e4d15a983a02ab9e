"""The floor no corruption can beat: read a JSONL file with ``json`` and write it back.

    python benchmarks/json_floor.py IN.jsonl OUT.jsonl
"""
import json
import sys

with open(sys.argv[1], encoding="utf-8") as src, open(sys.argv[2], "w", encoding="utf-8") as dst:
    for line in src:
        dst.write(json.dumps(json.loads(line), ensure_ascii=False) + "\n")
