"""Known-item queries over the 3,423 bench laws, for ``bench/relevance.py --known-items``.

For each law of a seeded sample, three queries whose answer is that law:

* ``title``        its whole title as printed (``title_shared`` when other laws have the same
                   title, by :func:`searchapp.ranking.title_key`: any of them answers);
* ``body_phrase``  8–12 ideographs from its body that no other law's title or body contains,
                   typed without quotes (words mode);
* ``title_words``  two words of its title (jieba's default dictionary, two characters or more,
                   中华人民共和国 left out), in title order with a space between.

Queries are made from the records the product indexed, so every system answers with the same ids.
"""

from __future__ import annotations

import argparse
import gzip
import random
import re
import shutil
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

from relevance import CORPUS, Score, build_product, run_all, score

from indexer.records import Record
from searchapp.ranking import STATE_NAME, title_key

BENCH_LAWS = CORPUS / "bench" / "laws.jsonl.gz"
KINDS = ("title", "title_shared", "body_phrase", "title_words")
_IDEOGRAPHS = re.compile(r"[\u4e00-\u9fff]+")
PHRASE_TRIES = 30


def body_phrase(rec: Record, texts: list[str], rng: random.Random) -> str | None:
    """8–12 ideographs in a row from ``rec``'s body that no other of ``texts`` (every law's title
    and body) contains, or None."""
    runs = [m.group() for m in _IDEOGRAPHS.finditer(rec.body) if len(m.group()) >= 8]
    for _ in range(PHRASE_TRIES if runs else 0):
        run = rng.choice(runs)
        size = rng.randint(8, min(12, len(run)))
        start = rng.randint(0, len(run) - size)
        phrase = run[start : start + size]
        if sum(phrase in text for text in texts) == 1:
            return phrase
    return None


def title_words(title: str, rng: random.Random) -> str | None:
    """Two distinct words of ``title`` in title order, or None when it has fewer."""
    import jieba

    jieba.setLogLevel(60)
    words = [w for w in jieba.lcut(title) if len(w) >= 2 and _IDEOGRAPHS.fullmatch(w)]
    words = list(dict.fromkeys(w for w in words if w != STATE_NAME))
    if len(words) < 2:
        return None
    picked = sorted(rng.sample(range(len(words)), 2))
    return " ".join(words[i] for i in picked)


def known_item_queries(records: list[Record], sample: int, seed: int) -> list[dict[str, Any]]:
    """Up to three queries per sampled law (all laws when ``sample`` is 0), with the ids that
    answer each."""
    rng = random.Random(seed)
    ordered = sorted(records, key=lambda r: r.id)
    chosen = rng.sample(ordered, sample) if 0 < sample < len(ordered) else ordered
    same_title: dict[str, list[str]] = defaultdict(list)
    for rec in ordered:
        same_title[title_key(rec.title)].append(rec.id)
    texts = [f"{rec.title}\n{rec.body}" for rec in ordered]
    queries: list[dict[str, Any]] = []
    for rec in chosen:
        twins = same_title[title_key(rec.title)]
        kind = "title" if len(twins) == 1 else "title_shared"
        queries.append({"q": rec.title, "ids": twins, "kind": kind, "law": rec.id})
        phrase = body_phrase(rec, texts, rng)
        if phrase:
            queries.append({"q": phrase, "ids": [rec.id], "kind": "body_phrase", "law": rec.id})
        words = title_words(rec.title, rng)
        if words:
            queries.append({"q": words, "ids": twins, "kind": "title_words", "law": rec.id})
    return queries


def laws_jsonl(where: Path) -> Path:
    """The bench laws as a JSONL source file in ``where`` (the product reads ``.jsonl``)."""
    if not BENCH_LAWS.is_file():
        sys.exit(f"benchmark corpus missing: {BENCH_LAWS}")
    path = where / "bench-laws.jsonl"
    if not path.is_file():
        with gzip.open(BENCH_LAWS, "rb") as src, path.open("wb") as out:
            shutil.copyfileobj(src, out)
    return path


def run_known_items(
    args: argparse.Namespace, where: Path, systems: list[str]
) -> tuple[list[dict[str, Any]], dict[str, tuple[Score, dict[str, Any]]], dict[str, Any]]:
    """Index the bench laws, ask the known-item queries on every system, score them."""
    product = build_product(where / "ours", {"bench-laws.jsonl": laws_jsonl(where)}, args.jobs)
    queries = known_item_queries(product.records, args.sample, args.seed)
    if args.kinds:
        queries = [q for q in queries if q["kind"] in args.kinds.split(",")]
    runs = run_all(product, queries, where, systems, args.jobs)
    by_id = {rec.id: rec for rec in product.records}
    results = {name: (score(queries, run["ranked"], by_id), run) for name, run in runs.items()}
    laws = len({q["law"] for q in queries})
    print(f"{len(queries)} known-item queries for {laws} of {len(product.records)} laws")
    return queries, results, {"known-item": KINDS}
