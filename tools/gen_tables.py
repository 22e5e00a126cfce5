#!/usr/bin/env python3
"""Generate hanfix's character tables and character bigram model.

Writes two little-endian binary files into the output directory (the crate's `data/`):

* `tables.bin` - per-character class bits and the Traditional<->Simplified candidate lists.
* `model.bin`  - a pruned, interpolated absolute-discounting character bigram model of
  Simplified text, plus a pruned trigram layer that backs off to it.

And two text files of OpenCC phrases: `t2s_phrases.tsv`, the entries of `TSPhrases.txt` whose
conversion differs from the character-level one and whose reading jieba counts as the likelier
word (see `phrase_table`), and `s2t_phrases.tsv`, all of `STPhrases.txt` (see
`s2t_phrase_table`).

The byte layouts are described in `crates/hanfix/data/README.md`; `src/tables.rs` and
`src/model.rs` read them.  Only the Python standard library is used.

Usage (see data/README.md for the exact command used for the committed files):

    python3 tools/gen_tables.py --opencc DIR --corpus DIR --jieba FILE --wordfreq FILE \
        --out crates/hanfix/data

`--corpus` must hold `hans.jsonl` and `hant.jsonl` (the training split).  The held-out
`*_eval.jsonl` files are never opened.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import math
import os
import struct
import sys
from collections import Counter

TABLES_MAGIC = b"HFTB"
MODEL_MAGIC = b"HFLM"
FORMAT_VERSION = 1  # tables.bin
MODEL_VERSION = 2  # model.bin (2: trigram layer)

# --- class bits (must match src/tables.rs) -------------------------------------------------
TRAD, SIMP, RARE, LATIN, HAN, CJK_PUNCT = 1, 2, 4, 8, 16, 32

# --- model parameters ------------------------------------------------------------------------
# The corpus is ~94% (hans) / 71% (hant) legal text: weight the encyclopedic/news records up.
NONLEGAL_WEIGHT = 16.0  # Simplified non-legal records
HANT_NONLEGAL_WEIGHT = 16.0  # Traditional non-legal records (folded to Simplified)

JIEBA_SCALE = 4.0  # a jieba word of frequency f counts JIEBA_SCALE * sqrt(f) times
UNIFORM_MIX = 1e-3  # unigram = (1 - UNIFORM_MIX) * ML + UNIFORM_MIX / V
DISCOUNTS = (0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0, 12.0, 16.0)  # absolute discount grid, tuned on a dev slice
MIN_BIGRAM = 2.0  # keep bigrams whose weighted count is at least this
MAX_BIGRAMS = 2_600_000  # hard cap on stored bigrams (raises MIN_BIGRAM if exceeded)
Q_SCALE = 32.0  # stored bigram log10 p = -q / Q_SCALE, q in 0..=255
# Trigram layer: interpolated absolute discounting onto the (pruned, quantised) bigram model.
TRI_DISCOUNTS = tuple(float(x) for x in os.environ.get("TRI_D", "8,10,12,14,15,16,20,24").split(","))
# Keep a trigram if its weighted count is at least MIN_TRIGRAM (and above the discount) and its
# log10 probability exceeds the backoff estimate by at least TRI_EPS.
MIN_TRIGRAM = float(os.environ.get("TRI_MIN", "1"))
TRI_EPS = float(os.environ.get("TRI_EPS", "0.1"))
MAX_TRIGRAMS = 3_000_000  # hard cap on stored trigrams (raises MIN_TRIGRAM if exceeded)
# RARE: Han chars below RARE_PER_MILLION as folded to Simplified, or below RARE_WRITTEN_PER_MILLION
# as written in every source (see is_rare). Overridable from the environment for experiments.
RARE_PER_MILLION = float(os.environ.get("RARE_PM", "4.0"))
RARE_WRITTEN_PER_MILLION = float(os.environ.get("RARE_WPM", "1.0"))
SCRIPT_MAX_COUNT = 0  # TRAD/SIMP: at most this many raw occurrences in the other script

# Special model tokens (single characters standing for a class of characters).
BOS = "\n"  # line breaks and the start of a text
DIGIT = "0"  # ASCII and fullwidth digits
LETTER = "a"  # ASCII and fullwidth Latin letters
SPECIALS = [BOS, DIGIT, LETTER]  # ids 1, 2, 3; id 0 is "unknown"

LEGAL_SOURCES = {"lawrefbook-prc-laws", "moj-roc-laws"}


def record_weight(script: str, legal: bool) -> float:
    if legal:
        return 1.0
    return NONLEGAL_WEIGHT if script == "hans" else HANT_NONLEGAL_WEIGHT


def read_opencc(path: str, single: bool = True) -> dict[str, list[str]]:
    """Read an OpenCC dictionary: `key<TAB>cand cand ...` (CRLF tolerated). With `single`, only
    entries of one character mapping to single characters (the character dictionaries)."""
    out: dict[str, list[str]] = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\r\n")
            if not line or line.startswith("#"):
                continue
            key, _, vals = line.partition("\t")
            cands = [v for v in vals.split(" ") if v]
            if not cands or single and (len(key) != 1 or any(len(v) != 1 for v in cands)):
                continue
            lst = out.setdefault(key, [])
            for v in cands:
                if v not in lst:
                    lst.append(v)
    return out


def build_conversion(opencc_dir: str):
    ts = read_opencc(os.path.join(opencc_dir, "TSCharacters.txt"))
    st = read_opencc(os.path.join(opencc_dir, "STCharacters.txt"))
    t2s: dict[str, list[str]] = {k: list(v) for k, v in ts.items()}
    # Inverse of STCharacters: if s -> [t...], s is a Simplified candidate of each t.
    for s in sorted(st):
        for t in st[s]:
            if t == s:
                continue
            lst = t2s.setdefault(t, [])
            if s not in lst:
                lst.append(s)
    # 着 -> 著 is only phrase-level in OpenCC, but converters apply it per character.
    lst = t2s.setdefault("著", ["著"])
    if "着" not in lst:
        lst.append("着")
    t2s = {k: v for k, v in t2s.items() if v != [k]}
    s2t = {k: v for k, v in st.items() if v != [k]}
    return t2s, s2t


def phrase_table(opencc_dir: str, t2s: dict[str, list[str]], jieba_path: str) -> list[tuple[str, str]]:
    """OpenCC's Traditional->Simplified phrases whose conversion differs from the first candidate
    of each character (`計畫` -> `计划`, not `计画`; `乾隆` keeps `乾`), kept where jieba's
    dictionary counts the phrase's reading as a more frequent word than the character-level one.
    OpenCC also lists surnames (`於單` -> `於单`, while `於單位` is `于单位`) and classical words
    (`覆上` -> `复上`) that would convert running text wrongly; jieba knows none of them."""
    phrases = read_opencc(os.path.join(opencc_dir, "TSPhrases.txt"), single=False)
    freq = dict(jieba_entries(jieba_path))
    kept = []
    for trad, (simp, *_) in phrases.items():
        plain = "".join(t2s.get(c, [c])[0] for c in trad)
        if plain != simp and len(trad) == len(simp) and freq.get(simp, 0) > freq.get(plain, 0):
            kept.append((trad, simp))
    return sorted(kept)


def s2t_phrase_table(opencc_dir: str) -> list[tuple[str, str]]:
    """OpenCC's Simplified->Traditional phrases (`头发` -> `頭髮`, where `发` alone is `發`;
    `皇后` keeps `后`, which alone is `後`), first reading, of equal length. Those that convert as
    their characters do are kept too: as in OpenCC, they decide where a phrase starts (`说明了`
    is `说明` + `了`, not `说` + `明了` -> `明瞭`)."""
    phrases = read_opencc(os.path.join(opencc_dir, "STPhrases.txt"), single=False)
    return sorted((simp, trad) for simp, (trad, *_) in phrases.items() if len(simp) == len(trad) >= 2)


def write_phrases(path: str, phrases: list[tuple[str, str]], source: str) -> None:
    with open(path, "w", encoding="utf-8") as f:
        f.write(f"# Generated by tools/gen_tables.py from OpenCC's {source} (Apache-2.0); see data/README.md.\n")
        for trad, simp in phrases:
            f.write(f"{trad}\t{simp}\n")
    print(f"wrote {path}: {len(phrases)} phrases", file=sys.stderr)


def is_han(cp: int) -> bool:
    return (
        0x3400 <= cp <= 0x4DBF
        or 0x4E00 <= cp <= 0x9FFF
        or 0xF900 <= cp <= 0xFAFF
        or cp == 0x3007
        or 0x20000 <= cp <= 0x323AF
    )


CP1252_EXTRA = "€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ"
NOT_LATIN = set("“”‘’…•–—×÷°·")
CJK_PUNCT_EXTRA = set("“”‘’…—–·‧―⋯•")


def base_class(cp: int) -> int:
    c = chr(cp)
    bits = 0
    if is_han(cp):
        bits |= HAN
    if (0x80 <= cp <= 0x2FF or c in CP1252_EXTRA) and c not in NOT_LATIN:
        bits |= LATIN
    if (
        0x3000 <= cp <= 0x303F
        or 0xFF01 <= cp <= 0xFF65
        or 0xFE10 <= cp <= 0xFE1F
        or 0xFE30 <= cp <= 0xFE4F
        or c in CJK_PUNCT_EXTRA
    ):
        bits |= CJK_PUNCT
    return bits


def token_table(t2s: dict[str, list[str]]) -> dict[int, str]:
    """str.translate table mapping a character to its model token."""
    table: dict[int, str] = {}
    for k, v in t2s.items():
        table[ord(k)] = v[0]
    for c in "\r\u0085\u2028\u2029":
        table[ord(c)] = BOS
    table[ord("\t")] = " "
    for i in range(10):
        table[ord("0") + i] = DIGIT
        table[0xFF10 + i] = DIGIT
    for i in range(26):
        for base in (ord("a"), ord("A"), 0xFF41, 0xFF21):
            table[base + i] = LETTER
    return table


def bigram_counts(text: str) -> Counter:
    return Counter(map(text.__getitem__, map(slice, range(len(text) - 1), range(2, len(text) + 1))))


def trigram_counts(text: str) -> Counter:
    return Counter(map(text.__getitem__, map(slice, range(len(text) - 2), range(3, len(text) + 1))))


# Taiwan text writes the particle 着 as 著. Folding 著 to itself would teach the model that
# 载著 / 看著 are Simplified; fold it to 着 except in the words where 著 means "notable, write".
ZHE_WORD_AFTER = set("名作称稱述者录錄")
ZHE_WORD_BEFORE = set("显顯卓土昭编編原名巨专專论論遗遺")


def fold_hant_zhe(text: str) -> str:
    if "著" not in text:
        return text
    out = list(text)
    for i, c in enumerate(out):
        if c != "著":
            continue
        nxt = text[i + 1] if i + 1 < len(text) else ""
        prv = text[i - 1] if i > 0 else ""
        if nxt not in ZHE_WORD_AFTER and prv not in ZHE_WORD_BEFORE:
            out[i] = "着"
    return "".join(out)


OWN_TOKEN_MIN = 20  # raw occurrences in hans.jsonl for a t2s key to keep its own token there


def count_hans_chars(corpus_dir: str, keys: set[str]) -> Counter:
    seen: Counter = Counter()
    with open(os.path.join(corpus_dir, "hans.jsonl"), encoding="utf-8") as f:
        for line in f:
            seen.update(c for c in json.loads(line)["text"] if c in keys)
    return seen


def read_corpus(corpus_dir: str, table: dict[int, str], hans_table: dict[int, str], exclude: set[str]):
    """Return (raw char counts per script, model text groups); records whose text is in `exclude`
    are left out."""
    raw = {"hans": Counter(), "hant": Counter()}
    unfolded = {"hans": Counter(), "hant": Counter(), "jieba": Counter()}
    groups: dict[tuple[str, bool], list[str]] = {}
    dev: list[str] = []
    for script in ("hans", "hant"):
        path = os.path.join(corpus_dir, f"{script}.jsonl")
        with open(path, encoding="utf-8") as f:
            for line in f:
                rec = json.loads(line)
                text = rec["text"]
                if text in exclude:
                    continue
                raw[script].update(text)
                legal = rec.get("source") in LEGAL_SOURCES
                unfolded[script].update(text)
                if script == "hant":
                    text = fold_hant_zhe(text)
                tok = BOS + text.translate(table if script == "hant" else hans_table) + BOS
                # A dev slice (1 in 10 non-legal Simplified records) for tuning the discount.
                is_dev = (
                    script == "hans"
                    and not legal
                    and hashlib.sha1(rec["id"].encode()).digest()[0] % 10 == 0
                )
                groups.setdefault((script, legal), []).append(tok)
                if is_dev:
                    dev.append(tok)
    return raw, unfolded, groups, dev


def read_jieba(path: str, table: dict[int, str], unfolded: dict[str, Counter]):
    uni: Counter = Counter()
    bi: Counter = Counter()
    tri: Counter = Counter()
    for word, freq in jieba_entries(path):
        if len(word) < 2:
            # Single-character entries carry no bigram and their frequencies are polluted by
            # mojibake (涓, the GBK reading of 中's first two UTF-8 bytes, is listed 12958 times).
            continue
        w = JIEBA_SCALE * math.sqrt(freq)
        for c in word:
            unfolded["jieba"][c] += w
        add_word(word.translate(table), w, uni, bi, tri)
    return uni, bi, tri


def add_word(tok: str, w: float, uni: Counter, bi: Counter, tri: Counter) -> None:
    """Adds weight `w` to the unigrams, bigrams and trigrams inside one word (none across words)."""
    for c in tok:
        uni[c] += w
    for i in range(len(tok) - 1):
        bi[tok[i : i + 2]] += w
    for i in range(len(tok) - 2):
        tri[tok[i : i + 3]] += w


def unpack_msgpack(data: bytes):
    """Decode the subset of MessagePack that wordfreq's word lists use (maps, arrays, strings,
    small integers, nil); anything else is an error."""
    pos = 0

    def take(n: int) -> bytes:
        nonlocal pos
        if pos + n > len(data):
            raise ValueError("truncated MessagePack data")
        out = data[pos : pos + n]
        pos += n
        return out

    def length(n: int) -> int:
        return int.from_bytes(take(n), "big")

    def value():
        b = take(1)[0]
        if b <= 0x7F:
            return b
        if 0x80 <= b <= 0x8F or b in (0xDE, 0xDF):
            n = b & 0x0F if b <= 0x8F else length(2 if b == 0xDE else 4)
            return {value(): value() for _ in range(n)}
        if 0x90 <= b <= 0x9F or b in (0xDC, 0xDD):
            n = b & 0x0F if b <= 0x9F else length(2 if b == 0xDC else 4)
            return [value() for _ in range(n)]
        if 0xA0 <= b <= 0xBF or b in (0xD9, 0xDA, 0xDB):
            n = b & 0x1F if b <= 0xBF else length({0xD9: 1, 0xDA: 2, 0xDB: 4}[b])
            return take(n).decode("utf-8")
        if b in (0xCC, 0xCD, 0xCE):
            return length({0xCC: 1, 0xCD: 2, 0xCE: 4}[b])
        if b == 0xC0:
            return None
        raise ValueError(f"unsupported MessagePack type byte {b:#04x}")

    out = value()
    if pos != len(data):
        raise ValueError("trailing bytes after MessagePack value")
    return out


def read_wordfreq(path: str, table: dict[int, str], jieba_total: float):
    """Word-internal n-grams of wordfreq's Chinese list (`large_zh.msgpack.gz`, "cB" format: the
    words of bucket `i` have frequency 10^(-i/100)), counted like jieba's words: each word of two
    or more CJK ideographs, at its frequency times jieba's total count, adds `JIEBA_SCALE *
    sqrt(count)` to its n-grams. Its characters do not enter the RARE evidence."""
    with gzip.open(path, "rb") as f:
        header, *buckets = unpack_msgpack(f.read())
    if header.get("format") != "cB":
        raise ValueError(f"{path}: not a wordfreq cB list: {header}")
    uni: Counter = Counter()
    bi: Counter = Counter()
    tri: Counter = Counter()
    for i, words in enumerate(buckets):
        freq = 10 ** (-i / 100)
        for word in words:
            if len(word) < 2 or not all("\u4e00" <= c <= "\u9fff" for c in word):
                continue
            w = JIEBA_SCALE * math.sqrt(max(1, round(freq * jieba_total)))
            add_word(word.translate(table), w, uni, bi, tri)
    return uni, bi, tri


def jieba_entries(path: str):
    """`(word, frequency)` for each line of a jieba dictionary (`word freq [pos]`)."""
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 2:
                yield parts[0], int(parts[1])


def jieba_total(path: str) -> int:
    """The sum of the frequencies in a jieba dictionary."""
    return sum(freq for _, freq in jieba_entries(path))


class Estimate:
    def __init__(self, uni: Counter, bi: Counter, vocab: list[str]):
        self.vocab = vocab
        self.index = {c: i for i, c in enumerate(vocab)}
        total = sum(uni[c] for c in vocab[1:])
        v = len(vocab)
        self.pu = [0.0] * v
        for i, c in enumerate(vocab):
            if i:
                self.pu[i] = (1 - UNIFORM_MIX) * uni[c] / total + UNIFORM_MIX / (v - 1)
        self.hist = [0.0] * v
        self._mass: dict[tuple[int, float], float] = {}
        self.types = [0] * v
        self.succ: list[dict[int, float]] = [dict() for _ in range(v)]
        for bg, n in bi.items():
            p = self.index.get(bg[0])
            q = self.index.get(bg[1])
            if p is None or q is None or n <= 0:
                continue
            self.succ[p][q] = n
            self.hist[p] += n
            self.types[p] += 1

    def backoff_mass(self, p: int, d: float) -> float:
        """The share of p's successor mass moved to the unigram: sum of min(n, d) over successors."""
        key = (p, d)
        got = self._mass.get(key)
        if got is None:
            got = sum(min(n, d) for n in self.succ[p].values()) / self.hist[p]
            self._mass[key] = got
        return got

    def prob(self, p: int, q: int, d: float) -> float:
        h = self.hist[p]
        if h <= 0:
            return self.pu[q]
        n = self.succ[p].get(q, 0.0)
        return max(n - d, 0.0) / h + self.backoff_mass(p, d) * self.pu[q]


class Bigram:
    """The pruned, quantised bigram model exactly as the library reads it (plus lookups)."""

    def __init__(self, index, uni_lp, alpha_lp, offsets, curs, qs):
        self.index = index
        self.uni_lp, self.alpha_lp, self.offsets, self.curs, self.qs = uni_lp, alpha_lp, offsets, curs, qs
        self.rows: list[dict[int, float]] = []
        for p in range(len(uni_lp)):
            lo, hi = offsets[p], offsets[p + 1]
            self.rows.append({curs[i]: -qs[i] / Q_SCALE for i in range(lo, hi)})

    def lp(self, p: int, q: int) -> float:
        got = self.rows[p].get(q)
        return got if got is not None else self.alpha_lp[p] + self.uni_lp[q]


def prune_bigram(est: Estimate, d: float) -> Bigram:
    v = len(est.vocab)
    # A bigram seen no more than D times gets no discounted mass of its own: its interpolated
    # probability is the backoff estimate, so it need not be stored.
    thr = max(MIN_BIGRAM, d * 1.0001)
    while sum(1 for p in range(v) for n in est.succ[p].values() if n >= thr) > MAX_BIGRAMS:
        thr *= 1.25
    print(f"bigram threshold {thr:.2f}", file=sys.stderr)
    uni_lp = [0.0] + [math.log10(est.pu[i]) for i in range(1, v)]
    alpha_lp = [0.0] * v
    offsets = [0]
    curs: list[int] = []
    qs: list[int] = []
    for p in range(v):
        kept = sorted(q for q, n in est.succ[p].items() if n >= thr and q != 0)
        sp = 0.0
        su = 0.0
        for q in kept:
            pr = est.prob(p, q, d)
            lq = min(255, max(0, round(-math.log10(pr) * Q_SCALE)))
            curs.append(q)
            qs.append(lq)
            sp += 10 ** (-lq / Q_SCALE)
            su += est.pu[q]
        offsets.append(len(curs))
        if p and kept:
            # Plain renormalisation, unlike the trigram layer's floored weight: the same floor
            # here (alpha >= the backoff mass, 3,160 contexts) raised the dev log-likelihood
            # (bigram -2.1060 -> -2.1000, trigram -1.9349 -> -1.9289) but cost every byte-shift
            # order 0.01-0.02 point on the dev split: garbage pairs scored as likelier.
            alpha = max(1.0 - sp, 1e-6) / max(1.0 - su, 1e-6)
            alpha_lp[p] = math.log10(alpha)
    return Bigram(est.index, uni_lp, alpha_lp, offsets, curs, qs)


def trigram_rows(tri: Counter, index: dict[str, int], only=None) -> dict[tuple[int, int], dict[int, float]]:
    """Group trigram counts by context: (a, b) -> {c: weighted count} (ids; id 0 never appears)."""
    rows: dict[tuple[int, int], dict[int, float]] = {}
    for k, n in tri.items():
        if only is not None and k[:2] not in only:
            continue
        a, b, c = index.get(k[0]), index.get(k[1]), index.get(k[2])
        if a is None or b is None or c is None:
            continue
        key = (a, b)
        row = rows.get(key)
        if row is None:
            rows[key] = row = {}
        row[c] = n
    return rows


class Trigram:
    """Stored trigrams: context (a, b) -> (log10 backoff weight, {c: q}); log10 P = -q / Q_SCALE."""

    def __init__(self):
        self.ctx: dict[tuple[int, int], tuple[float, dict[int, int]]] = {}
        self.count = 0
        self.floored = 0  # contexts whose backoff weight is at its floor

    def lp(self, big: Bigram, a: int, b: int, c: int) -> float:
        got = self.ctx.get((a, b))
        if got is None:
            return big.lp(b, c)
        beta, row = got
        q = row.get(c)
        return -q / Q_SCALE if q is not None else beta + big.lp(b, c)


def prune_trigram(rows, big: Bigram, d: float, thr: float, eps: float) -> Trigram:
    """Interpolated absolute discounting onto the bigram model, then pruning and renormalisation.

    P(c|ab) = max(N(abc) - D, 0) / N(ab) + g(ab) P2(c|b), g(ab) = sum_c min(N(abc), D) / N(ab).
    A trigram is kept if N(abc) >= thr (> D) and log10 P(c|ab) - log10(g(ab) P2(c|b)) >= eps; the
    backoff weight of each context with kept trigrams is recomputed so that the quantised stored
    probabilities plus beta(ab) P2(c|b) over the other successors sum to one.
    """
    out = Trigram()
    lim = 10**eps - 1.0
    for (a, b), row in rows.items():
        big_n = max(row.values())
        if big_n < thr:
            continue
        tot = sum(row.values())
        g = sum(min(n, d) for n in row.values()) / tot
        kept: dict[int, int] = {}
        sp = 0.0
        s2 = 0.0
        for c, n in row.items():
            if n < thr:
                continue
            p2 = 10 ** big.lp(b, c)
            extra = (n - d) / tot
            if extra < lim * g * p2:
                continue
            lq = min(255, max(0, round(-math.log10(extra + g * p2) * Q_SCALE)))
            kept[c] = lq
            sp += 10 ** (-lq / Q_SCALE)
            s2 += p2
        if not kept:
            continue
        # Every successor that is not stored keeps at least its interpolated share g * P2, so
        # beta >= g. Without that floor, rounding the stored probabilities could make them sum
        # past one in a context with many of them, which clamped beta to 1e-6 (every unseen
        # successor of `。` + line break cost 4.7 log10 more than its bigram estimate).
        floor = g * (1.0 - s2)
        out.floored += 1.0 - sp < floor
        beta = max(1.0 - sp, floor, 1e-9) / max(1.0 - s2, 1e-9)
        out.ctx[(a, b)] = (math.log10(beta), kept)
        out.count += len(kept)
    return out


def dev_loglik(dev_ids: list[list[int]], big: Bigram, tri) -> float:
    """Mean log10 probability per predicted token of the dev records (every token after the first
    BOS; the first one with bigram context only)."""
    lp = 0.0
    n = 0
    for t in dev_ids:
        for i in range(1, len(t)):
            if tri is None or i < 2:
                lp += big.lp(t[i - 1], t[i])
            else:
                lp += tri.lp(big, t[i - 2], t[i - 1], t[i])
            n += 1
    return lp / max(n, 1)


def set_weights(nonlegal: float, hant_nonlegal: float, jieba: float) -> None:
    global NONLEGAL_WEIGHT, HANT_NONLEGAL_WEIGHT, JIEBA_SCALE
    NONLEGAL_WEIGHT, HANT_NONLEGAL_WEIGHT, JIEBA_SCALE = nonlegal, hant_nonlegal, jieba


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--opencc", required=True, help="directory with TSCharacters.txt and STCharacters.txt")
    ap.add_argument("--corpus", required=True, help="directory with hans.jsonl and hant.jsonl")
    ap.add_argument("--jieba", required=True, help="jieba dict.txt")
    ap.add_argument("--wordfreq", help="wordfreq's large_zh.msgpack.gz (optional)")
    ap.add_argument("--out", required=True, help="output directory (crates/hanfix/data)")
    ap.add_argument("--nonlegal-weight", type=float, default=NONLEGAL_WEIGHT, help=argparse.SUPPRESS)
    ap.add_argument("--hant-nonlegal-weight", type=float, default=HANT_NONLEGAL_WEIGHT, help=argparse.SUPPRESS)
    ap.add_argument("--jieba-scale", type=float, default=JIEBA_SCALE, help=argparse.SUPPRESS)
    ap.add_argument("--dev-only", action="store_true", help="only report the dev-slice tuning")
    ap.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="FILE.jsonl",
        help="leave these records out of the counts (a model for tuning on them as held-out text)",
    )
    args = ap.parse_args()
    set_weights(args.nonlegal_weight, args.hant_nonlegal_weight, args.jieba_scale)

    t2s, s2t = build_conversion(args.opencc)
    table = token_table(t2s)
    print(f"t2s keys {len(t2s)}, s2t keys {len(s2t)}", file=sys.stderr)

    # Characters with a Simplified form that Simplified text also uses in their own right (乾 in
    # 乾隆, 著 in 著名, 於 in names) keep their own token in Simplified text and jieba; only
    # Traditional text folds them.
    hans_seen = count_hans_chars(args.corpus, set(t2s))
    hans_table = {cp: tok for cp, tok in table.items() if hans_seen.get(chr(cp), 0) < OWN_TOKEN_MIN}
    print(f"t2s keys kept as their own token in Simplified text: {len(table) - len(hans_table)}", file=sys.stderr)
    exclude: set[str] = set()
    for path in args.exclude:
        with open(path, encoding="utf-8") as f:
            exclude.update(json.loads(line)["text"] for line in f)
    raw, unfolded, groups, dev = read_corpus(args.corpus, table, hans_table, exclude)
    uni: Counter = Counter()
    bi: Counter = Counter()
    tri: Counter = Counter()
    for (script, legal), texts in sorted(groups.items()):
        w = record_weight(script, legal)
        gu: Counter = Counter()
        gb: Counter = Counter()
        gt: Counter = Counter()
        for t in texts:
            gu.update(t)
            gb.update(bigram_counts(t))
            gt.update(trigram_counts(t))
        print(f"{script} legal={legal}: {sum(gu.values())} tokens x{w}", file=sys.stderr)
        for k, n in gu.items():
            uni[k] += w * n
        for k, n in gb.items():
            bi[k] += w * n
        for k, n in gt.items():
            tri[k] += w * n
        del gt
    ju, jb, jt = read_jieba(args.jieba, hans_table, unfolded)
    print(f"jieba: {sum(ju.values()):.0f} weighted tokens", file=sys.stderr)
    uni.update(ju)
    bi.update(jb)
    tri.update(jt)
    del jt
    if args.wordfreq:
        wu, wb, wt = read_wordfreq(args.wordfreq, hans_table, jieba_total(args.jieba))
        print(f"wordfreq: {sum(wu.values()):.0f} weighted tokens", file=sys.stderr)
        uni.update(wu)
        bi.update(wb)
        tri.update(wt)
        del wt
    print(f"trigram types {len(tri)}", file=sys.stderr)
    total = sum(uni.values())
    print(f"total weighted tokens {total:.0f}", file=sys.stderr)

    # ---- vocabulary: specials, then every other token by descending count -------------------
    others = sorted((c for c in uni if c not in SPECIALS), key=lambda c: (-uni[c], ord(c)))
    vocab = ["\0"] + SPECIALS + others
    assert len(vocab) < 65536

    # ---- tune the discount on the dev slice (counts with the dev slice removed) -------------
    dev_uni: Counter = Counter()
    dev_bi: Counter = Counter()
    for t in dev:
        dev_uni.update(t)
        dev_bi.update(bigram_counts(t))
    tu = Counter({k: v - NONLEGAL_WEIGHT * dev_uni[k] for k, v in uni.items()})
    tb = Counter({k: v - NONLEGAL_WEIGHT * dev_bi[k] for k, v in bi.items()})
    est = Estimate(tu, tb, vocab)
    best_d, best_lp = DISCOUNTS[0], -math.inf
    ndev = sum(dev_bi.values())
    for d in DISCOUNTS:
        lp = 0.0
        for bg, n in dev_bi.items():
            p, q = est.index[bg[0]], est.index[bg[1]]
            pr = est.prob(p, q, d)
            lp += n * math.log10(pr if pr > 0 else 1e-12)
        print(f"discount {d}: dev log10 p/char {lp / ndev:.4f}", file=sys.stderr)
        if lp > best_lp:
            best_d, best_lp = d, lp
    print(f"chosen discount {best_d}", file=sys.stderr)

    # ---- tune the trigram discount and pruning on the same dev slice -----------------------
    # The backoff distribution is the pruned, quantised bigram model as the library sees it.
    dev_big = prune_bigram(est, best_d)
    del est, tu, tb
    dev_tri: Counter = Counter()
    for t in dev:
        dev_tri.update(trigram_counts(t))
    tt = Counter()
    for k, n in tri.items():
        r = n - NONLEGAL_WEIGHT * dev_tri.get(k, 0)
        if r > 1e-6:
            tt[k] = r
    dev_ctx_keys = {k[:2] for k in dev_tri}
    ctx_train = trigram_rows(tt, dev_big.index, only=dev_ctx_keys)
    del tt
    dev_ids = [[dev_big.index[c] for c in t] for t in dev]
    lp2 = dev_loglik(dev_ids, dev_big, None)
    print(f"dev log10 p/char: bigram (pruned, quantised) {lp2:.4f}", file=sys.stderr)
    best_d3, best_lp3 = TRI_DISCOUNTS[0], -math.inf
    for d3 in TRI_DISCOUNTS:
        tm = prune_trigram(ctx_train, dev_big, d3, max(MIN_TRIGRAM, d3 * 1.0001), TRI_EPS)
        lp3 = dev_loglik(dev_ids, dev_big, tm)
        print(f"trigram discount {d3}: dev log10 p/char {lp3:.4f} (dev contexts: {tm.count} trigrams)", file=sys.stderr)
        if lp3 > best_lp3:
            best_d3, best_lp3 = d3, lp3
    tri_min = max(MIN_TRIGRAM, best_d3 * 1.0001)
    print(f"chosen trigram discount {best_d3}: dev bigram {lp2:.4f} -> trigram {best_lp3:.4f}", file=sys.stderr)
    del ctx_train, dev_big
    if args.dev_only:
        print(
            f"RESULT nonlegal={NONLEGAL_WEIGHT} hant_nonlegal={HANT_NONLEGAL_WEIGHT} jieba={JIEBA_SCALE} "
            f"d={best_d} dev={best_lp / ndev:.4f} d3={best_d3} min3={MIN_TRIGRAM} eps3={TRI_EPS} "
            f"dev2q={lp2:.4f} dev3={best_lp3:.4f}"
        )
        return 0

    # ---- final estimate, pruning and backoff weights ----------------------------------------
    est = Estimate(uni, bi, vocab)
    v = len(vocab)
    big = prune_bigram(est, best_d)
    uni_lp, alpha_lp, offsets, curs, qs = big.uni_lp, big.alpha_lp, big.offsets, big.curs, big.qs
    print(f"stored bigrams {len(curs)}", file=sys.stderr)

    # ---- trigram layer on top of the stored bigram model -----------------------------------
    tri_ctx = trigram_rows(tri, est.index)
    del tri
    tri_model = prune_trigram(tri_ctx, big, best_d3, tri_min, TRI_EPS)
    while tri_model.count > MAX_TRIGRAMS:
        tri_min *= 1.25
        tri_model = prune_trigram(tri_ctx, big, best_d3, tri_min, TRI_EPS)
    del tri_ctx
    print(
        f"stored trigrams {tri_model.count} in {len(tri_model.ctx)} contexts "
        f"({tri_model.floored} at the backoff floor) "
        f"(min count {tri_min:.2f}, eps {TRI_EPS})",
        file=sys.stderr,
    )

    # ---- character -> id map (with Traditional folded to Simplified) ------------------------
    charmap: dict[int, int] = {}
    for i, c in enumerate(vocab):
        if i > 3:
            charmap[ord(c)] = i
    for cp, tok in table.items():
        if tok in est.index and cp not in charmap:
            charmap[cp] = est.index[tok]
    charmap[ord("\n")] = 1

    # ---- classes --------------------------------------------------------------------------------
    hans_total = sum(raw["hans"].values())

    unfolded_total = {k: sum(v.values()) for k, v in unfolded.items()}

    def is_rare(c: str) -> bool:
        """Rare as folded to Simplified (weighted model counts, below RARE_PER_MILLION), or rare as
        written in every source (hans, hant: raw counts; jieba: weighted), below
        RARE_WRITTEN_PER_MILLION. The second test catches Traditional-looking mojibake such as 鍥,
        whose Simplified form 锲 is an ordinary character but which itself almost never occurs."""
        folded = uni.get(c.translate(table), 0.0) / total
        written = max(unfolded[k].get(c, 0.0) / unfolded_total[k] for k in unfolded)
        return folded * 1e6 < RARE_PER_MILLION or written * 1e6 < RARE_WRITTEN_PER_MILLION

    def char_class(cp: int) -> int:
        c = chr(cp)
        bits = base_class(cp)
        if c in t2s and raw["hans"][c] <= SCRIPT_MAX_COUNT:
            bits |= TRAD
        if c in s2t and raw["hant"][c] <= SCRIPT_MAX_COUNT:
            bits |= SIMP
        if bits & HAN and is_rare(c):
            bits |= RARE
        return bits

    bmp = bytearray(65536)
    for cp in range(65536):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        bmp[cp] = char_class(cp)
    # Non-BMP: code computes HAN|RARE for U+20000..=U+323AF; store the exceptions.
    non_bmp: list[tuple[int, int]] = []
    cands = set()
    for c in list(t2s) + list(s2t) + [x for v_ in t2s.values() for x in v_] + list(uni):
        if len(c) == 1 and ord(c) > 0xFFFF:
            cands.add(ord(c))
    for cp in sorted(cands):
        dflt = (HAN | RARE) if 0x20000 <= cp <= 0x323AF else 0
        cl = char_class(cp)
        if cl != dflt:
            non_bmp.append((cp, cl))

    # RARE share among clean training characters.
    for script in ("hans", "hant"):
        cnt = raw[script]
        tot = sum(cnt.values())
        han = sum(n for c, n in cnt.items() if char_class(ord(c)) & HAN)
        rare = sum(n for c, n in cnt.items() if char_class(ord(c)) & RARE)
        top = sorted(((n, c) for c, n in cnt.items() if char_class(ord(c)) & RARE), reverse=True)[:30]
        print("  most frequent RARE:", " ".join(f"{c}{n}" for n, c in top), file=sys.stderr)
        print(
            f"{script}: RARE share {rare / tot * 100:.4f}% of chars, {rare / max(han, 1) * 100:.4f}% of Han",
            file=sys.stderr,
        )
    print(
        f"BMP classes: TRAD {sum(1 for b in bmp if b & TRAD)}, SIMP {sum(1 for b in bmp if b & SIMP)}, "
        f"RARE {sum(1 for b in bmp if b & RARE)}, HAN {sum(1 for b in bmp if b & HAN)}; non-BMP exceptions {len(non_bmp)}",
        file=sys.stderr,
    )
    _ = hans_total

    os.makedirs(args.out, exist_ok=True)
    write_phrases(
        os.path.join(args.out, "t2s_phrases.tsv"), phrase_table(args.opencc, t2s, args.jieba), "TSPhrases.txt"
    )
    write_phrases(os.path.join(args.out, "s2t_phrases.tsv"), s2t_phrase_table(args.opencc), "STPhrases.txt")
    write_tables(os.path.join(args.out, "tables.bin"), bmp, non_bmp, t2s, s2t)
    write_model(
        os.path.join(args.out, "model.bin"), vocab, charmap, uni_lp, alpha_lp, offsets, curs, qs, tri_model
    )
    return 0


def pack_conv(conv: dict[str, list[str]]) -> bytes:
    keys = sorted(conv, key=ord)
    entries = bytearray()
    pool: list[int] = []
    for k in keys:
        vals = [ord(x) for x in conv[k]]
        entries += struct.pack("<III", ord(k), len(pool), len(vals))
        pool.extend(vals)
    return struct.pack("<II", len(keys), len(pool)) + bytes(entries) + struct.pack(f"<{len(pool)}I", *pool)


def write_tables(path, bmp, non_bmp, t2s, s2t):
    out = bytearray()
    out += TABLES_MAGIC + struct.pack("<I", FORMAT_VERSION)
    out += bmp
    out += struct.pack("<I", len(non_bmp))
    for cp, cl in non_bmp:
        out += struct.pack("<II", cp, cl)
    out += pack_conv(t2s)
    out += pack_conv(s2t)
    with open(path, "wb") as f:
        f.write(out)
    print(f"wrote {path}: {len(out)} bytes", file=sys.stderr)


def write_model(path, vocab, charmap, uni_lp, alpha_lp, offsets, curs, qs, tri_model):
    v = len(vocab)
    out = bytearray()
    out += MODEL_MAGIC + struct.pack("<I", MODEL_VERSION)
    out += struct.pack("<IIIf", v, len(charmap), len(curs), Q_SCALE)
    out += struct.pack(f"<{v}I", *[ord(c) for c in vocab])
    for cp in sorted(charmap):
        out += struct.pack("<II", cp, charmap[cp])
    out += struct.pack(f"<{v}f", *uni_lp)
    out += struct.pack(f"<{v}f", *alpha_lp)
    out += struct.pack(f"<{v + 1}I", *offsets)
    out += struct.pack(f"<{len(curs)}H", *curs)
    out += bytes(qs)
    # Trigram section: contexts sorted by a << 16 | b.
    ctxs = sorted(tri_model.ctx, key=lambda k: (k[0] << 16) | k[1])
    t_offsets = [0]
    t_curs: list[int] = []
    t_qs: list[int] = []
    for k in ctxs:
        row = tri_model.ctx[k][1]
        for c in sorted(row):
            t_curs.append(c)
            t_qs.append(row[c])
        t_offsets.append(len(t_curs))
    out += struct.pack("<IIf", len(ctxs), len(t_curs), Q_SCALE)
    out += struct.pack(f"<{len(ctxs)}I", *[(a << 16) | b for a, b in ctxs])
    out += struct.pack(f"<{len(ctxs)}f", *[tri_model.ctx[k][0] for k in ctxs])
    out += struct.pack(f"<{len(ctxs) + 1}I", *t_offsets)
    out += struct.pack(f"<{len(t_curs)}H", *t_curs)
    out += bytes(t_qs)
    with open(path, "wb") as f:
        f.write(out)
    print(f"wrote {path}: {len(out)} bytes", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
