"""Page-request latency (search + facets + histogram + highlights), ours beside the textbook.

    python bench/query_bench.py [--docs N] [--articles] [--fragments 200] [--mix hard]
                                [--sample 80] [--snippets 60]

Queries (``--mix standard``): the relevance query set (tests/data/queries.json) plus title
fragments sampled from the corpus with a fixed seed; ``--mix hard``: whole titles, body phrases
of 8–12 characters, two title words and title fragments, a quarter each. Both indexes are built
once into bench/work and reused.

Like for like: both sides are warmed up on the same 20 queries, none of which is timed, and
then time the same queries once each, in the same order, in this one process. The textbook's
highlighting re-segments whole bodies and takes seconds a query, so by default both time every
k-th query, ``--sample`` in all; ours is also timed on every query (its own row). A second
table times the highlighted snippet of one long body, the part of a page's cost that grows with
the documents' length.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import time
from pathlib import Path
from typing import Any

from common import ROOT, WORK, percentiles, print_table, result_name, save, write_project
from index_bench import corpus, load

CJK_RUN = re.compile(r"[\u4e00-\u9fff]{4,}")
# Four common words: many matches spread over a long body, the snippet's worst case.
SNIPPET_QUERY = "人民政府 管理 规定 监督"
# Per body, the mean once held by a timed test; reported beside the figures, never enforced.
SNIPPET_TARGET_MS = 20.0


def queries(records: list[dict[str, Any]], fragments: int, seed: int = 7) -> list[str]:
    qs: list[str] = []
    qfile = ROOT / "tests" / "data" / "queries.json"
    if qfile.is_file():
        qs += [q["q"] for q in json.loads(qfile.read_text(encoding="utf-8"))]
    rng = random.Random(seed)
    titles = [r["title"] for r in records if r.get("title")]
    while fragments > 0 and titles:
        runs = CJK_RUN.findall(rng.choice(titles))
        if not runs:
            continue
        run = rng.choice(runs)
        size = rng.randint(2, min(8, len(run)))
        start = rng.randint(0, len(run) - size)
        qs.append(run[start : start + size])
        fragments -= 1
    return qs


def hard_queries(records: list[dict[str, Any]], count: int, seed: int = 11) -> list[str]:
    """Whole titles, body phrases of 8–12 characters, two words of a title, title fragments."""
    rng = random.Random(seed)
    titles = [r["title"] for r in records if r.get("title")]
    bodies = [r["body"] for r in records if len(r.get("body") or "") >= 40]
    out: list[str] = []
    for k in range(count * 4):  # a few draws give nothing (a title without a long run)
        if len(out) >= count or not titles:
            break
        kind = k % 4
        if kind == 0:
            out.append(rng.choice(titles))
        elif kind == 1 and bodies:
            runs = [r for r in CJK_RUN.findall(rng.choice(bodies)) if len(r) >= 8]
            if runs:
                run = rng.choice(runs)
                size = rng.randint(8, min(12, len(run)))
                start = rng.randint(0, len(run) - size)
                out.append(run[start : start + size])
        elif kind == 2:
            runs = [r for r in CJK_RUN.findall(rng.choice(titles)) if len(r) >= 8]
            if runs:
                run = rng.choice(runs)
                out.append(f"{run[:2]} {run[-4:-2]}")
        else:
            out.extend(queries([{"title": rng.choice(titles)}], 1, rng.randint(0, 10**6))[-1:])
    return list(dict.fromkeys(out))


def query_set(records: list[dict[str, Any]], mix: str, fragments: int) -> list[str]:
    """The timed queries of ``--mix``, each once: the standard set or the hard mix."""
    found = queries(records, fragments) if mix == "standard" else hard_queries(records, fragments)
    return list(dict.fromkeys(found))


def warm_up_queries(records: list[dict[str, Any]], timed: list[str]) -> list[str]:
    """20 title fragments that are not among the timed queries: they open the indexes, load the
    dictionaries and fill the caches both sides have, without answering a timed query."""
    seen = set(timed)
    pool = queries(records, 200, seed=12345)
    return [q for q in dict.fromkeys(pool) if q not in seen][:20]


def ours_project(source: Path) -> Path:
    from indexer.config import load_config
    from indexer.errors import AnalysisMismatchError
    from indexer.index.reindex import reindex

    project = WORK / f"query-{source.stem}"
    config = load_config(write_project(project, source))
    try:
        reindex(config)  # a no-op when already built and unchanged
    except AnalysisMismatchError:
        reindex(config, rebuild=True)  # built by an older analysis version
    return project


def time_ours(project: Path, qs: list[str], warm: list[str]) -> list[float]:
    from indexer.config import load_config
    from searchapp.engine import Engine
    from searchapp.request import SearchRequest
    from searchapp.search import Searcher

    engine = Engine(load_config(project / "config.toml"))
    engine.keep_warm()  # as `gazette serve` does before it serves
    searcher = Searcher(engine)
    for q in warm:
        searcher.search(SearchRequest(q=q))  # warm-up: open the index, load jieba
    samples = []
    for q in qs:
        start = time.perf_counter()
        searcher.search(SearchRequest(q=q))
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def time_textbook(
    source: Path, records: list[dict[str, Any]], qs: list[str], warm: list[str]
) -> list[float]:
    from textbook import build, page_request, parser
    from whoosh import index

    path = WORK / f"query-{source.stem}-textbook"
    ix = (
        index.open_dir(str(path))
        if (path / "_MAIN_1.toc").exists() or any(path.glob("*.toc"))
        else build(path, records)
    )
    qp = parser(ix)
    samples = []
    with ix.searcher() as s:
        for q in warm:
            page_request(s, qp, q)
        for q in qs:
            start = time.perf_counter()
            page_request(s, qp, q)
            samples.append((time.perf_counter() - start) * 1000)
    return samples


def time_snippets(records: list[dict[str, Any]], bodies: int) -> list[float]:
    """ms to make the snippet of one long body (5,000 to 15,000 characters) for
    ``SNIPPET_QUERY``: the first ``bodies`` such bodies of the corpus."""
    from indexer.index.store import make_schema
    from searchapp.querybuild import parse_query
    from searchapp.snippets import make_snippet

    texts = [r["body"][:15000] for r in records if len(r.get("body") or "") >= 5000][:bodies]
    parsed = parse_query(SNIPPET_QUERY, schema=make_schema(()))
    for text in texts[:5]:
        make_snippet(text, parsed)  # warm-up: load jieba, compile the patterns
    samples = []
    for text in texts:
        start = time.perf_counter()
        make_snippet(text, parsed)
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def snippet_report(records: list[dict[str, Any]], bodies: int) -> dict[str, Any]:
    stats = percentiles(time_snippets(records, bodies))
    row = {"variant": "ours", **stats, "target_mean": SNIPPET_TARGET_MS}
    print_table(f"snippet of one long body, ms — {stats['n']} bodies, q={SNIPPET_QUERY}", [row])
    return row


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=None)
    ap.add_argument("--articles", action="store_true")
    ap.add_argument("--fragments", type=int, default=200)
    ap.add_argument("--mix", choices=("standard", "hard"), default="standard")
    ap.add_argument("--no-textbook", action="store_true")
    ap.add_argument(
        "--snippets", type=int, default=60, help="long bodies to time snippets on (0: none)"
    )
    ap.add_argument(
        "--sample",
        type=int,
        default=80,
        help="both sides time every k-th query, this many in all (the textbook's highlighting "
        "re-segments whole bodies and takes seconds a query)",
    )
    args = ap.parse_args()
    source = corpus(args)
    records = load(source)
    qs = query_set(records, args.mix, args.fragments)
    warm = warm_up_queries(records, qs)
    step = max(1, len(qs) // max(1, args.sample))
    sample = qs[::step]
    project = ours_project(source)
    # Each run opens its own engine, so no run finds another's answers in its caches.
    sampled = percentiles(time_ours(project, sample, warm))
    every = percentiles(time_ours(project, qs, warm))
    rows: list[dict[str, Any]] = [
        {"variant": f"ours, every query ({len(qs)})", **every},
        {"variant": f"ours, sample ({len(sample)})", **sampled},
    ]
    if not args.no_textbook:
        textbook = percentiles(time_textbook(source, records, sample, warm))
        rows.append({"variant": f"textbook, sample ({len(sample)})", **textbook})
        # how many times lower our p99 is than the textbook's, on the same queries
        rows[1]["p99_speedup"] = round(rows[2]["p99"] / max(rows[1]["p99"], 1e-9), 1)
    print_table(
        f"page request latency, ms — {len(records)} records, {args.mix} mix, "
        f"{len(qs)} queries, warm-up on 20 others",
        rows,
    )
    snippets = snippet_report(records, args.snippets) if args.snippets > 0 else None
    save(
        result_name("query", args.articles, args.docs, args.mix),
        {
            "source": source.name,
            "records": len(records),
            "queries": len(qs),
            "mix": args.mix,
            "sample": len(sample),
            "rows": rows,
            "snippets": snippets,
        },
    )


if __name__ == "__main__":
    main()
