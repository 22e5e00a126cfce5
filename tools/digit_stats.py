#!/usr/bin/env python3
"""Digit statistics behind the `byteshift` stage's reading of a swallowed digit.

Prints, from the Simplified training split, the digit most often written first in a number
before each next character (a digit, or anything else) with its share, the share of numbers
whose first (and second) digit is each digit, and the share of numbers of four digits or more
that have a fifth. `crates/hanfix/src/stages/byteshift/orphan.rs` (`first_digit`, `FIRST_IS`,
`SECOND_IS`, `FIFTH_DIGIT`) holds the log10 of these numbers.

    python3 tools/digit_stats.py /work/shared/corpus/hans.jsonl

Standard library only. The corpus is CC BY-SA and public-domain text (see the corpus's
SOURCES.md); only these counts are kept.
"""
import collections
import json
import math
import re
import sys

FULLWIDTH = str.maketrans("０１２３４５６７８９", "0123456789")


def main(path):
    first = collections.defaultdict(collections.Counter)
    runs = collections.Counter()
    with open(path, encoding="utf-8") as f:
        for line in f:
            text = json.loads(line)["text"].translate(FULLWIDTH)
            for m in re.finditer(r"[0-9]+", text):
                number = m.group()
                runs[len(number)] += 1
                nxt = number[1] if len(number) > 1 else "other"
                first[nxt][number[0]] += 1
    for nxt in sorted(first):
        total = sum(first[nxt].values())
        digit, n = first[nxt].most_common(1)[0]
        print(f"before {nxt!r}: {digit!r} in {n}/{total} = {n / total:.2f} (log10 {math.log10(n / total):.2f})")
    starts = collections.Counter()
    for nxt in first:
        starts.update(first[nxt])
    total = sum(starts.values())
    print("first digit, log10 share: " + ", ".join(f"{d} {math.log10(starts[d] / total):.2f}" for d in "0123456789"))
    print("second digit, log10 share: " + ", ".join(f"{d} {math.log10(first[d].total() / total):.2f}" for d in "0123456789"))
    four = sum(n for k, n in runs.items() if k >= 4)
    five = sum(n for k, n in runs.items() if k >= 5)
    print(f"a fifth digit: {five}/{four} (log10 {math.log10(five / four):.2f})")


if __name__ == "__main__":
    main(sys.argv[1])
