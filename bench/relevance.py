"""Relevance of the product beside two reference indexes, per query kind.

    .venv/bin/python bench/relevance.py [--set seed|zoo|all] [--queries tests/data/queries.json]
                                        [--zoo bench/zoo/out] [--slice N] [--laws N]
                                        [--work DIR] [--json out.json] [--verbose]
    .venv/bin/python bench/relevance.py --known-items [--sample N] [--seed 15] [--kinds K,…]
                                        [--work DIR]

``ours`` is the product as shipped: the sources are linked into a temporary project whose
configuration is the repository's ``config.toml`` (user dictionary and all) with only the source
and index paths changed, ``indexer.index.reindex`` builds the index, and every query goes
through :class:`searchapp.search.Searcher`, the function behind the search page and the API.
The two references index the records the product extracted (read back from its index):

* ``textbook``  ``jieba.analyse.ChineseAnalyzer`` on title and body, Whoosh's default parser;
* ``bigram``    Whoosh's ``NgramTokenizer(2)`` on title and body, Whoosh's default parser.

The first mode runs the query sets (``--set``, both by default, each reported apart; see
``bench/relevance_sets.py``): the seed set (``tests/data/queries.json`` over the seed gazette and
``laws-sample.jsonl``) and the zoo set (``bench/queries_zoo.py`` over the layout zoo's PDFs and
OCR texts). A query's ``expect`` lists documents by 文号 or, for documents without one, by
title; an empty list means "should find nothing". Kinds are reported in two groups: *ranking*
kinds, plain words any index can express, and *feature* kinds (文号 and their variants,
traditional characters, exact phrases, operators, expected-empty), which the references cannot
express and are shown for completeness. Each quoted phrase is also run without its quotes, in
words mode, as the ranking kind ``phrase_words``.

``--known-items`` indexes the 3,423 bench laws and asks, for a seeded sample of them, three
queries per law (see ``bench/queries_known.py``): its whole title, a phrase of 8–12 characters
found in its body only, two words of its title. It reports S@1 and MRR@10 per kind.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from indexer.analysis import normalise  # noqa: E402
from indexer.config import Config, load_config  # noqa: E402
from indexer.recognise.docnum import canonical_doc_number  # noqa: E402
from indexer.records import Record  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
SYSTEMS = ("ours", "textbook", "bigram")
TOP = 10
RANKING_KINDS = ("topic", "title", "person", "name", "subword", "abbreviation", "phrase_words")
FEATURE_KINDS = ("docnum", "docnum_variant", "cited", "series", "traditional", "phrase", "exact",
                 "operators", "none")  # fmt: skip
Search = Callable[[dict[str, Any]], list[str]]


# ---------------------------------------------------------------------------- the product


@dataclass
class Product:
    """The product's index of some sources: its configuration and the records it holds."""

    config: Config
    records: list[Record]
    build_s: float


def shipped_config(project: Path) -> Config:
    """The repository's configuration, reading ``project/src`` into ``project/index``."""
    shipped = load_config(ROOT / "config.toml")
    sources = replace(shipped.sources, paths=(project / "src",), internal_paths=())
    return replace(shipped, sources=sources, index=replace(shipped.index, path=project / "index"))


def build_product(project: Path, sources: dict[str, Path], jobs: int = 2) -> Product:
    """Link ``sources`` (name → file) into ``project/src`` and bring the index up to date.

    An index already there from an earlier run with the same files is reused (``gazette index``
    finds nothing changed).
    """
    from indexer.index.reindex import reindex

    src = project / "src"
    src.mkdir(parents=True, exist_ok=True)
    for name, path in sources.items():
        link = src / name
        if not link.exists():
            link.parent.mkdir(parents=True, exist_ok=True)
            link.symlink_to(path.resolve())
    config = shipped_config(project)
    start = time.perf_counter()
    report = reindex(config, jobs=jobs)
    if report.failed:
        sys.exit(f"the product could not index {[f.source for f in report.failed]}")
    built = time.perf_counter() - start
    return Product(config, indexed_records(config), built)


def indexed_records(config: Config) -> list[Record]:
    """Every record in the product's index, as indexed."""
    from indexer.index.store import doc_to_record
    from searchapp.engine import Engine

    with Engine(config).searcher() as (_, searcher):
        reader = searcher.reader()
        return [doc_to_record(searcher.stored_fields(n)) for n in reader.all_doc_ids()]


def product_search(config: Config) -> Search:
    """A query → the ids of the first :data:`TOP` hits, as the search page ranks them."""
    from searchapp.engine import Engine
    from searchapp.request import SearchRequest
    from searchapp.search import Searcher

    searcher = Searcher(Engine(config))

    def search(q: dict[str, Any]) -> list[str]:
        request = SearchRequest(q=q["q"], mode=q.get("mode", "words"), page_size=TOP)
        return [hit.id for hit in searcher.search(request).hits]

    return search


# ---------------------------------------------------------------------------- the references


def reference_search(kind: str, records: list[Record], where: Path) -> Search:
    """A reference index of ``records`` in ``where`` (reused when there) and its search."""
    from whoosh import index
    from whoosh.analysis import LowercaseFilter, NgramTokenizer
    from whoosh.fields import ID, TEXT, Schema
    from whoosh.qparser import MultifieldParser

    if kind == "textbook":
        import jieba
        from jieba.analyse import ChineseAnalyzer

        jieba.setLogLevel(60)
        analyzer = ChineseAnalyzer()
    else:
        analyzer = NgramTokenizer(2) | LowercaseFilter()
    schema = Schema(
        id=ID(stored=True, unique=True), title=TEXT(analyzer=analyzer), body=TEXT(analyzer=analyzer)
    )
    if index.exists_in(str(where)):
        ix = index.open_dir(str(where))
    else:
        where.mkdir(parents=True, exist_ok=True)
        ix = index.create_in(str(where), schema)
        with ix.writer(limitmb=256) as writer:
            for rec in records:
                writer.add_document(id=rec.id, title=rec.title, body=rec.body)
    searcher = ix.searcher()
    parser = MultifieldParser(["title", "body"], ix.schema)

    def search(q: dict[str, Any]) -> list[str]:
        try:
            return [h["id"] for h in searcher.search(parser.parse(q["q"]), limit=TOP)]
        except Exception:  # the default parser raises on some inputs: count as no result
            return []

    return search


def run_reference(
    kind: str, records: list[Record], queries: list[dict[str, Any]], where: Path
) -> dict[str, Any]:
    """Build (or reopen) one reference index and run every query (in a worker process)."""
    start = time.perf_counter()
    search = reference_search(kind, records, where / kind)
    built = time.perf_counter() - start
    ranked = [search(q) for q in queries]
    return {"ranked": ranked, "build_s": built, "query_s": time.perf_counter() - start - built}


def run_all(
    product: Product,
    queries: list[dict[str, Any]],
    where: Path,
    systems: Iterable[str] = SYSTEMS,
    jobs: int = 2,
) -> dict[str, dict[str, Any]]:
    """Every system's first :data:`TOP` ids per query, with build and query seconds.

    The references are built in parallel processes after ours, which uses ``jobs`` processes
    itself while indexing: never more than ``jobs`` busy at a time.
    """
    systems = list(systems)
    refs = [s for s in systems if s not in ("ours", "opensearch")]
    runs: dict[str, dict[str, Any]] = {}
    if "ours" in systems:
        search = product_search(product.config)
        start = time.perf_counter()
        ranked = [search(q) for q in queries]
        query_s = time.perf_counter() - start
        runs["ours"] = {"ranked": ranked, "build_s": product.build_s, "query_s": query_s}
    if "opensearch" in systems:
        from relevance_opensearch import run_opensearch

        runs["opensearch"] = run_opensearch(product.config, queries, TOP)
    if refs:
        n = len(refs)
        with ProcessPoolExecutor(max_workers=max(1, min(jobs, n))) as pool:
            done = pool.map(run_reference, refs, [product.records] * n, [queries] * n, [where] * n)
            runs.update(zip(refs, done, strict=True))
    return {name: runs[name] for name in systems}


# ---------------------------------------------------------------------------- metrics


@dataclass
class Score:
    """S@1, S@3 and MRR@10 over some queries, per kind, and what went wrong."""

    n: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    s1: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    s3: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    rr: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    misses: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    docnum_not_first: list[str] = field(default_factory=list)
    phrase_violations: list[str] = field(default_factory=list)

    def add(self, kind: str, rank: int, q: str) -> None:
        self.n[kind] += 1
        self.s1[kind] += rank == 1
        self.s3[kind] += 0 < rank <= 3
        self.rr[kind] += 1 / rank if rank else 0.0
        if rank != 1:
            self.misses[kind].append(q)

    def over(self, kinds: Iterable[str]) -> tuple[int, float, float, float]:
        """``(n, S@1, S@3, MRR@10)`` over the queries of ``kinds``."""
        kinds = [k for k in kinds if self.n.get(k)]
        n = sum(self.n[k] for k in kinds)
        if not n:
            return 0, 0.0, 0.0, 0.0
        s1, s3, rr = (sum(m[k] for k in kinds) / n for m in (self.s1, self.s3, self.rr))
        return n, s1, s3, rr


def identifiers(rec: Record) -> set[str]:
    ids = {rec.title, normalise(rec.title)}
    if rec.doc_number:
        ids |= {rec.doc_number, canonical_doc_number(rec.doc_number) or rec.doc_number}
    return ids


def _contains_phrase(rec: Record, q: str) -> bool:
    phrase = normalise(q.strip().strip('"“”'))
    return phrase in normalise(rec.title) or phrase in normalise(rec.body)


def first_relevant(q: dict[str, Any], ids: list[str], by_id: dict[str, Record]) -> int:
    """The rank of the first relevant hit (1-based), 0 when none is; for a query that should
    find nothing, 1 when nothing was found."""
    if "ids" in q:  # known-item queries name the documents themselves
        wanted = set(q["ids"])
        return next((i + 1 for i, d in enumerate(ids) if d in wanted), 0)
    if not q["expect"]:
        return 1 if not ids else 0
    expect = set(q["expect"]) | {normalise(e) for e in q["expect"]}
    return next((i + 1 for i, d in enumerate(ids) if identifiers(by_id[d]) & expect), 0)


def score(
    queries: list[dict[str, Any]], ranked: list[list[str]], by_id: dict[str, Record]
) -> Score:
    result = Score()
    for q, ids in zip(queries, ranked, strict=True):
        rank = first_relevant(q, ids, by_id)
        result.add(q["kind"], rank, q["q"])
        if rank != 1 and q["kind"].startswith("docnum"):
            result.docnum_not_first.append(q["q"])
        if q["kind"] == "phrase" or q["q"].startswith('"'):
            result.phrase_violations += [
                q["q"] for d in ids if not _contains_phrase(by_id[d], q["q"])
            ]
    return result


# ---------------------------------------------------------------------------- query set


def with_phrase_words(queries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The queries, and each quoted phrase again without quotes (kind ``phrase_words``)."""
    extra = [
        {**q, "q": q["q"].strip('"“”'), "kind": "phrase_words"}
        for q in queries
        if q["kind"] == "phrase" and q["expect"]
    ]
    return queries + extra


def slice_queries(queries: list[dict[str, Any]], n: int) -> list[dict[str, Any]]:
    """``n`` queries spread over the kinds: round robin over kinds, in file order."""
    by_kind: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for q in queries:
        by_kind[q["kind"]].append(q)
    picked: list[dict[str, Any]] = []
    while len(picked) < min(n, len(queries)):
        for kind in list(by_kind):
            if by_kind[kind] and len(picked) < n:
                picked.append(by_kind[kind].pop(0))
    return picked


def evaluate(
    queries: list[dict[str, Any]],
    sources: dict[str, Path],
    where: Path,
    systems: Iterable[str] = SYSTEMS,
    jobs: int = 2,
) -> tuple[Product, dict[str, tuple[Score, dict[str, Any]]]]:
    """Build the product's index of ``sources`` in ``where``, run the queries on every system
    and score them."""
    product = build_product(where / "ours", sources, jobs)
    runs = run_all(product, queries, where, systems, jobs)
    by_id = {rec.id: rec for rec in product.records}
    return product, {
        name: (score(queries, run["ranked"], by_id), run) for name, run in runs.items()
    }


# ---------------------------------------------------------------------------- report


def report(
    results: dict[str, tuple[Score, dict[str, Any]]],
    groups: dict[str, Iterable[str]],
    verbose: bool = False,
) -> str:
    """Per kind and per group: n, then S@1 and MRR@10 for each system."""
    names = list(results)
    head = f"{'kind':<16} {'n':>5}" + "".join(f" {name + ' S@1':>13} {'MRR':>6}" for name in names)
    lines = [head]
    for group, kinds in groups.items():
        kinds = [k for k in kinds if any(s.n.get(k) for s, _ in results.values())]
        if not kinds:
            continue
        lines.append(f"{group} kinds")
        for kind in [*kinds, "all"]:
            cells = [s.over(kinds if kind == "all" else [kind]) for s, _ in results.values()]
            label = f"  all {group}" if kind == "all" else f"  {kind}"
            row = f"{label:<16} {cells[0][0]:>5}"
            lines.append(row + "".join(f" {c[1]:13.3f} {c[3]:6.3f}" for c in cells))
    lines.append(f"{'system':<10} {'build s':>8} {'query s':>8}")
    lines += [f"{n:<10} {r['build_s']:8.1f} {r['query_s']:8.1f}" for n, (_, r) in results.items()]
    for name, (s, _) in results.items():
        lines.append(
            f"{name}: 文号 not first {len(s.docnum_not_first)},"
            f" phrase violations {len(s.phrase_violations)}"
        )
        if verbose or name == "ours":
            for kind, qs in sorted(s.misses.items()):
                lines.append(f"  {name} missed [{kind}]: " + " | ".join(qs[:20]))
    return "\n".join(lines)


def to_json(
    queries: list[dict[str, Any]], results: dict[str, tuple[Score, dict[str, Any]]]
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, (s, run) in results.items():
        kinds = {k: dict(zip(("n", "s1", "s3", "mrr10"), s.over([k]), strict=True)) for k in s.n}
        out[name] = {
            "kinds": kinds, "misses": s.misses, "docnum_not_first": s.docnum_not_first,
            "phrase_violations": s.phrase_violations, "build_s": run["build_s"],
            "query_s": run["query_s"],
            "ranked": dict(zip((q["q"] for q in queries), run["ranked"], strict=False)),
        }  # fmt: skip
    return out


def main(argv: list[str] | None = None) -> int:
    from relevance_sets import DEFAULT_QUERIES, RUNS, SETS, ZOO

    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    ap.add_argument("--set", choices=[*SETS, "all"], default="all", help="the query set(s) run")
    ap.add_argument("--queries", type=Path, default=DEFAULT_QUERIES, help="the seed set")
    ap.add_argument("--zoo", type=Path, default=ZOO, help="the layout zoo (made when missing)")
    ap.add_argument("--slice", type=int, default=0, help="only N queries, spread over the kinds")
    ap.add_argument("--laws", type=int, default=-1, help="at most N laws besides expected ones")
    ap.add_argument("--known-items", action="store_true", help="known-item queries, bench laws")
    ap.add_argument("--sample", type=int, default=400, help="known items: laws asked (0: all)")
    ap.add_argument("--seed", type=int, default=15, help="known items: the sample's seed")
    ap.add_argument("--kinds", default="", help="known items: comma-separated kinds to ask")
    ap.add_argument("--work", type=Path, help="keep the indexes here and reuse them")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--json", type=Path, help="write the figures and rankings here, by set")
    ap.add_argument(
        "--systems",
        default=",".join(SYSTEMS),
        help="comma-separated, of ours, textbook, bigram and opensearch (a node of its own)",
    )
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args(argv)
    figures: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="relevance-") as tmp:
        where = args.work or Path(tmp)
        where.mkdir(parents=True, exist_ok=True)
        systems = args.systems.split(",")
        if args.known_items:
            from queries_known import run_known_items

            runs = {"known-items": partial(run_known_items, args, where, systems)}
        else:
            names = SETS if args.set == "all" else (args.set,)
            runs = {name: partial(RUNS[name], args, where / name, systems) for name in names}
        for name, run in runs.items():
            print(f"=== {name}", flush=True)
            queries, results, groups = run()
            print(report(results, groups, args.verbose), flush=True)
            figures[name] = to_json(queries, results)
    if args.json:
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
