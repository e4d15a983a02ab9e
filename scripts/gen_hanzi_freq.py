"""Generate robustx/noise/resources/hanzi_freq.json (how often each common simplified Han
character is typed, for the ``ime_homophone`` op's candidate ranking) and zh_words.txt (the
40,000 most frequent Chinese words of two to four characters, by which ``translit`` cuts Chinese
text into the words people type as pinyin).

Why: a pinyin input method lists the homophones of a syllable most frequent first, so a wrong
pick is far more often a frequent character (在 -> 再) than a rare one (年 -> 蔫). The weight of a
character is its occurrence count in jieba's word-frequency dictionary (every word's count added
to each of its characters), for the 3,755 characters of GB2312 level 1 that the op draws from.

Source: ``jieba/dict.txt`` of the ``jieba`` package (PyPI, MIT licence; the counts come from
jieba's segmentation corpus). Only the derived counts and the word list are shipped.

Usage: pip download --no-deps jieba==0.42.1 && tar xzf jieba-0.42.1.tar.gz
       python scripts/gen_hanzi_freq.py jieba-0.42.1/jieba/dict.txt [--out PATH]
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "robustx" / "noise" / "resources" / "hanzi_freq.json"
N_WORDS = 40_000


def level1() -> list[str]:
    """GB2312 level 1 (rows 0xB0-0xD7): the 3,755 most frequent simplified characters."""
    out = []
    for hi in range(0xB0, 0xD8):
        for lo in range(0xA1, 0xFF):
            try:
                out.append(bytes((hi, lo)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return out


def entries(dict_txt: Path) -> list[tuple[str, int]]:
    out = []
    for line in dict_txt.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[1].isdigit():
            out.append((parts[0], int(parts[1])))
    return out


def counts(words: list[tuple[str, int]]) -> Counter:
    c: Counter = Counter()
    for word, n in words:
        for ch in word:
            c[ch] += n
    return c


def frequent_words(words: list[tuple[str, int]], n: int = N_WORDS) -> list[str]:
    """The ``n`` most frequent words of 2-4 Han characters (ties by the word)."""
    han = [(w, f) for w, f in words
           if 2 <= len(w) <= 4 and all("\u4e00" <= ch <= "\u9fff" for ch in w)]
    return sorted(w for w, _ in sorted(han, key=lambda x: (-x[1], x[0]))[:n])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("dict_txt", type=Path)
    p.add_argument("--out", type=Path, default=OUT)
    a = p.parse_args()
    words = entries(a.dict_txt)
    c = counts(words)
    table = {ch: max(1, c[ch]) for ch in level1()}
    doc = {"source": "jieba 0.42.1 dict.txt (MIT licence), character occurrence counts",
           "counts": table}
    a.out.write_text(json.dumps(doc, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
                     + "\n", encoding="utf-8")
    print(f"{a.out}: {len(table)} characters, {sum(v == 1 for v in table.values())} unseen")
    zh_words = a.out.with_name("zh_words.txt")
    top = frequent_words(words)
    zh_words.write_text("# jieba 0.42.1 dict.txt (MIT licence, see hanzi_freq.LICENSE): the "
                        f"{len(top)} most frequent words of 2-4 Han characters\n"
                        + "\n".join(top) + "\n", encoding="utf-8")
    print(f"{zh_words}: {len(top)} words")


if __name__ == "__main__":
    main()
