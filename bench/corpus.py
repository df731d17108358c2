#!/usr/bin/env python3
"""Builds the search benchmark corpus from GCIDE (Debian `dict-gcide`), stdlib only.

    corpus.py OUTDIR [--scale 10] [--queries 2000] [--seed 42]

Reads /usr/share/dictd/gcide.index (headword<TAB>offset<TAB>length, offsets and
lengths in dictd's base64 digits, most significant first) and gcide.dict.dz (dictzip,
readable as gzip), keeps one document per entry (the index lists an entry's text
once per headword spelling: 203k lines, 126k distinct entries), and writes into OUTDIR:

    docs.tsv        one document a line: id, title (the entry's first
                    headword), body (the entry's
                    text, whitespace collapsed; backslashes, quotes and tabs dropped;
                    at most 20000 characters),
                    price = crc32(title) % 10000, category = "c" + crc32(title) % 16
    docs10x.tsv     docs.tsv followed by SCALE-1 copies with the body words shuffled
                    (seeded per copy) and new ids (copy k: id + k * N)
    queries1.txt    single-term queries, one a line
    queries2.txt    two-term queries (both words from one document, so AND has hits)

Query words are drawn by picking a random document and a random word of it
(so frequent words are drawn more often, as in real query logs), lowercase ASCII
letters only, at least 3 long, leaving out the 100 most frequent words (stop-word-like).
Everything is deterministic for a given seed. Files already present are kept.
"""

import collections
import gzip
import os
import random
import re
import sys
import zlib

INDEX = "/usr/share/dictd/gcide.index"
DICT = "/usr/share/dictd/gcide.dict.dz"
B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
WORD = re.compile(r"[a-z]+")
DROP = re.compile(r"[\\'\"\t\r\n`]+")
MAX_BODY = 20000


def b64(s):
    n = 0
    for ch in s:
        n = n * 64 + B64.index(ch)
    return n


def documents():
    data = gzip.open(DICT, "rb").read()
    docs, seen = [], set()
    for line in open(INDEX, encoding="utf-8", errors="replace"):
        parts = line.rstrip("\n").split("\t")
        if len(parts) < 3 or parts[0].startswith("00-database") or parts[0].startswith("00database"):
            continue
        off, length = b64(parts[1]), b64(parts[2])
        if (off, length) in seen:
            continue
        seen.add((off, length))
        text = data[off:off + length].decode("utf-8", errors="replace")
        title = " ".join(DROP.sub(" ", parts[0]).split())
        body = " ".join(DROP.sub(" ", text).split())[:MAX_BODY]
        if title and body:
            docs.append((title, body))
    return docs


def row(doc_id, title, body):
    crc = zlib.crc32(title.encode("utf-8"))
    return f"{doc_id}\t{title}\t{body}\t{crc % 10000}\tc{crc % 16}\n"


def write_queries(docs, out, n, seed):
    freq = collections.Counter()
    for _, body in docs:
        freq.update(WORD.findall(body.lower()))
    stop = {w for w, _ in freq.most_common(100)}
    rng = random.Random(seed)

    def words_of(doc):
        return [w for w in WORD.findall(doc[1].lower()) if len(w) >= 3 and w not in stop]

    one, two = [], []
    while len(one) < n or len(two) < n:
        ws = words_of(rng.choice(docs))
        if len(one) < n and ws:
            one.append(rng.choice(ws))
        uniq = sorted(set(ws))
        if len(two) < n and len(uniq) >= 2:
            a, b = rng.sample(uniq, 2)
            two.append(f"{a} {b}")
    with open(os.path.join(out, "queries1.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(one) + "\n")
    with open(os.path.join(out, "queries2.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(two) + "\n")


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    out = argv[1]
    opts = dict(zip(argv[2::2], argv[3::2]))
    scale = int(opts.get("--scale", 10))
    nq = int(opts.get("--queries", 2000))
    seed = int(opts.get("--seed", 42))
    os.makedirs(out, exist_ok=True)
    paths = [os.path.join(out, f) for f in ("docs.tsv", "docs10x.tsv", "queries1.txt", "queries2.txt")]
    if all(os.path.exists(p) for p in paths):
        return
    docs = documents()
    n = len(docs)
    with open(paths[0] + ".tmp", "w", encoding="utf-8") as f:
        for i, (title, body) in enumerate(docs, 1):
            f.write(row(i, title, body))
    with open(paths[1] + ".tmp", "w", encoding="utf-8") as f:
        for i, (title, body) in enumerate(docs, 1):
            f.write(row(i, title, body))
        for k in range(1, scale):
            rng = random.Random(seed * 1000 + k)
            for i, (title, body) in enumerate(docs, 1):
                words = body.split(" ")
                rng.shuffle(words)
                f.write(row(k * n + i, title, " ".join(words)))
    write_queries(docs, out, nq, seed)
    os.replace(paths[0] + ".tmp", paths[0])
    os.replace(paths[1] + ".tmp", paths[1])
    print(f"{n} documents, x{scale}: {n * scale}", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv)
