"""Where the time of a page request goes: cProfile over the benchmark's queries, by phase.

    python bench/profile_query.py [--docs N] [--articles] [--mix standard|hard] [--top 25]

Builds (or reuses) the same index as ``bench/query_bench.py``, warms up on 20 queries that are
not profiled, then profiles one ``Searcher.search`` per query and prints, per phase of a page,
the cumulative seconds and share of the total: parsing the query, evaluating it (postings,
scores), filtering, facets, the year histogram, ranking, reading stored fields and making
snippets; then the functions that take the most time of their own.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
from typing import Any

from index_bench import corpus, load
from query_bench import ours_project, query_set, warm_up_queries

# Phase → (file suffix, function name) of the function whose cumulative time is that phase's.
PHASES = {
    "parse query": ("searchapp/search.py", "_parse"),
    "evaluate (postings, scores)": ("searchapp/search.py", "_evaluate"),
    "filters": ("searchapp/search.py", "_filtered"),
    "facets": ("searchapp/search.py", "_facet"),
    "rank": ("searchapp/search.py", "_ranked"),
    "hits: stored fields + snippets": ("searchapp/search.py", "_hit"),
    "snippets": ("searchapp/snippets.py", "make_snippet"),
    "zero-result hint": ("searchapp/search.py", "_zero_hint"),
}


def cumulative(stats: pstats.Stats, suffix: str, func: str) -> float:
    """Seconds spent in calls of ``func`` of the file ending in ``suffix``, callees included."""
    raw: Any = stats.stats  # type: ignore[attr-defined]
    return float(
        sum(
            ct
            for (f, _, name), (_, _, _, ct, _) in raw.items()
            if f.endswith(suffix) and name == func
        )
    )


def phase_table(stats: pstats.Stats) -> list[tuple[str, float]]:
    rows = [("page request (Searcher.search)", cumulative(stats, "searchapp/search.py", "search"))]
    rows += [(phase, cumulative(stats, *where)) for phase, where in PHASES.items()]
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=None)
    ap.add_argument("--articles", action="store_true")
    ap.add_argument("--fragments", type=int, default=200)
    ap.add_argument("--mix", choices=("standard", "hard"), default="standard")
    ap.add_argument("--top", type=int, default=25)
    args = ap.parse_args()
    source = corpus(args)
    records = load(source)
    qs = query_set(records, args.mix, args.fragments)
    warm = warm_up_queries(records, qs)
    del records

    from indexer.config import load_config
    from searchapp.engine import Engine
    from searchapp.request import SearchRequest
    from searchapp.search import Searcher

    project = ours_project(source)
    engine = Engine(load_config(project / "config.toml"))
    engine.keep_warm()  # as `gazette serve` does before it serves
    searcher = Searcher(engine)
    for q in warm:
        searcher.search(SearchRequest(q=q))
    profile = cProfile.Profile()
    profile.enable()
    for q in qs:
        searcher.search(SearchRequest(q=q))
    profile.disable()
    stats = pstats.Stats(profile)
    rows = phase_table(stats)
    total = rows[0][1] or 1e-9
    print(f"{len(qs)} page requests, {args.mix} mix, {source.name}; seconds under cProfile")
    for phase, seconds in rows:
        print(f"  {phase:34} {seconds:8.3f} s  {100 * seconds / total:5.1f}%  "
              f"{1000 * seconds / len(qs):7.2f} ms/query")  # fmt: skip
    print()
    stats.sort_stats("tottime").print_stats(args.top)


if __name__ == "__main__":
    main()
