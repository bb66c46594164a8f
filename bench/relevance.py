"""Relevance evaluation: this project against two reference indexes, on one query set.

    .venv/bin/python bench/relevance.py [--queries tests/data/queries.json] [--slice N]
                                        [--laws N] [--json out.json] [--verbose]

Builds three indexes over the same records in temporary directories and prints MRR@10,
success@1, success@3 and the misses by kind for each:

* ``ours``      our analyzers (jieba words + CJK bigrams), :func:`searchapp.querybuild.parse_query`,
                BM25F from :func:`searchapp.ranking.weighting` and the recency tie-breaker;
* ``textbook``  ``jieba.analyse.ChineseAnalyzer`` on title and body, Whoosh's default parser;
* ``bigram``    Whoosh's ``NgramTokenizer(2)`` on title and body, Whoosh's default parser.

A query's ``expect`` lists documents by 文号 or, for documents without one, by exact title; a
hit is relevant when its 文号 or title is in the list. An empty list means "should find
nothing": success when nothing is returned. It also checks that every 文号 query ranks its
document first and that no phrase query returns a document lacking the exact phrase.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from indexer.analysis import collect_terms, normalise, text_fields  # noqa: E402
from indexer.recognise.docnum import canonical_doc_number, parse_doc_number  # noqa: E402
from indexer.records import Record, assign_ids, make_id  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
SEED = CORPUS / "seed" / "lishi-gazette-2024-1.txt"
LAWS = CORPUS / "laws-sample.jsonl"
DEFAULT_QUERIES = ROOT / "tests" / "data" / "queries.json"
SYSTEMS = ("ours", "textbook", "bigram")
TOP = 10


# ---------------------------------------------------------------------------- corpus


def gazette_records(path: Path = SEED) -> tuple[list[Record], str]:
    """Records of one gazette issue, from the extraction pipeline when it is available."""
    try:
        from indexer.extract.pages import load_pages  # type: ignore[attr-defined]
        from indexer.metadata.assemble import build_records  # type: ignore[import-not-found]
    except ImportError:
        return fallback_gazette_records(path), "fallback"
    records = list(build_records(load_pages(path), path.name))
    assign_ids(records, path.stem)  # build_records leaves ids to the caller
    return records, "indexer.metadata.assemble"


_DOCNUM_LINE = re.compile(r"^[\u4e00-\u9fff]{2,8}〔\d{4}〕\d{1,4}号$")
_DATE_LINE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")


def fallback_gazette_records(path: Path = SEED) -> list[Record]:
    """TEMPORARY FALLBACK until ``indexer.metadata.assemble.build_records`` exists: one record
    per 文号 line of the seed text, the title from the line(s) above it, the body up to the next
    title.
    """
    lines = path.read_text(encoding="utf-8").splitlines()
    anchors = [i for i, line in enumerate(lines) if _DOCNUM_LINE.match(line.strip())]
    starts = [_title_start(lines, i) for i in anchors]
    records = []
    for k, anchor in enumerate(anchors):
        end = starts[k + 1] if k + 1 < len(starts) else len(lines)
        title = re.sub(r"\s+", "", "".join(lines[starts[k] : anchor]))
        body_lines = [ln.strip() for ln in lines[anchor:end] if ln.strip()]
        dates = [m for ln in body_lines if (m := _DATE_LINE.match(ln))]
        date = "-".join(f"{int(g):02d}" for g in dates[0].groups()) if dates else ""
        issuer = title.split("关于")[0] if "关于" in title[2:] else ""
        doc_number = canonical_doc_number(lines[anchor])
        records.append(
            Record(
                id=make_id(path.stem, doc_number),
                title=title,
                doc_number=doc_number,
                issuer=issuer,
                doc_type=re.sub(r".*的", "", title)[-2:],
                date=date,
                gazette="2024年第1期",
                body="\n".join(body_lines),
            )
        )
    return records


def _title_start(lines: list[str], anchor: int) -> int:
    i = anchor - 1
    while i > 0 and not lines[i].strip():
        i -= 1
    j = i - 1
    while j > 0 and not lines[j].strip():
        j -= 1
    if lines[i].lstrip().startswith("关于") and lines[j].strip().endswith(("政府", "办公室")):
        return j
    return i


def law_records(path: Path = LAWS) -> list[Record]:
    with path.open(encoding="utf-8") as fh:
        return [Record.from_dict(json.loads(line)) for line in fh if line.strip()]


def identifiers(rec: Record) -> set[str]:
    ids = {rec.title, normalise(rec.title)}
    if rec.doc_number:
        ids |= {rec.doc_number, canonical_doc_number(rec.doc_number) or rec.doc_number}
    return ids


def select_corpus(records: list[Record], queries: list[dict[str, Any]], laws: int) -> list[Record]:
    """All gazette records, every expected law record and the first ``laws`` others."""
    wanted = {e for q in queries for e in q["expect"]} | {
        normalise(e) for q in queries for e in q["expect"]
    }
    keep, others = [], 0
    for rec in records:
        if not rec.id.startswith(("govcn/", "lawrefbook/")) or identifiers(rec) & wanted:
            keep.append(rec)
        elif others < laws:
            keep.append(rec)
            others += 1
    return keep


# ---------------------------------------------------------------------------- indexes


def _ours(records: list[Record], where: str) -> Callable[[dict[str, Any]], list[str]]:
    from whoosh import index
    from whoosh.fields import ID, KEYWORD, Schema

    from indexer.index.whoosh.writer import GazetteWriter
    from searchapp.querybuild import parse_query
    from searchapp.ranking import recency_boost, weighting

    schema = Schema(  # mirrors indexer.index.store.make_schema's searchable fields
        id=ID(stored=True, unique=True),
        doc_number=ID(stored=True),
        doc_series=ID,
        issuer=ID(stored=True),
        doc_type=ID(stored=True),
        year=ID(stored=True),
        date=ID(stored=True),
        visibility=ID,
        cites=KEYWORD(commas=True),
        **text_fields(collect_terms(records)),
    )
    ix = index.create_in(where, schema)
    with GazetteWriter(ix, compound=False) as writer:  # the product's writer and codec
        for rec in records:
            num = parse_doc_number(rec.doc_number) if rec.doc_number else None
            writer.add_document(
                id=rec.id, title=rec.title, title_bi=rec.title, body=rec.body, body_bi=rec.body,
                doc_number=rec.doc_number, doc_series=f"{num.prefix}〔{num.year}〕" if num else "",
                issuer=rec.issuer, doc_type=rec.doc_type, year=rec.year, date=rec.date,
                visibility=rec.visibility, cites=",".join(rec.cites),
            )  # fmt: skip
    searcher = ix.searcher(weighting=weighting())

    def search(q: dict[str, Any]) -> list[str]:
        parsed = parse_query(q["q"], mode=q.get("mode", "words"), schema=ix.schema)
        if parsed.query is None:
            return []
        hits = searcher.search(parsed.query, limit=TOP * 3)
        ranked = sorted(
            ((h.score * recency_boost(h.get("date", "")), -h.rank, h["id"]) for h in hits),
            reverse=True,
        )
        return [doc_id for _, _, doc_id in ranked[:TOP]]

    return search


def _reference(
    kind: str, records: list[Record], where: str
) -> Callable[[dict[str, Any]], list[str]]:
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
    ix = index.create_in(where, schema)
    with ix.writer(limitmb=256) as writer:
        for rec in records:
            writer.add_document(id=rec.id, title=rec.title, body=rec.body)
    searcher = ix.searcher()
    parser = MultifieldParser(["title", "body"], schema)

    def search(q: dict[str, Any]) -> list[str]:
        try:
            return [h["id"] for h in searcher.search(parser.parse(q["q"]), limit=TOP)]
        except Exception:  # the default parser raises on some inputs: count as no result
            return []

    return search


def run_system(name: str, records: list[Record], queries: list[dict[str, Any]]) -> dict[str, Any]:
    """Build one index and run every query: ``{"ranked": [[doc id…]…], "build_s": …}``."""
    with tempfile.TemporaryDirectory(prefix=f"relevance-{name}-") as where:
        start = time.perf_counter()
        search = _ours(records, where) if name == "ours" else _reference(name, records, where)
        built = time.perf_counter() - start
        ranked = [search(q) for q in queries]
        return {"ranked": ranked, "build_s": built, "query_s": time.perf_counter() - start - built}


# ---------------------------------------------------------------------------- metrics


@dataclass
class Score:
    mrr: float = 0.0
    s1: float = 0.0
    s3: float = 0.0
    misses: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    docnum_not_first: list[str] = field(default_factory=list)
    phrase_violations: list[str] = field(default_factory=list)


def _contains_phrase(rec: Record, q: str) -> bool:
    phrase = normalise(q.strip().strip('"“”'))
    return phrase in normalise(rec.title) or phrase in normalise(rec.body)


def score(
    queries: list[dict[str, Any]], ranked: list[list[str]], by_id: dict[str, Record]
) -> Score:
    result = Score()
    for q, ids in zip(queries, ranked, strict=True):
        expect = set(q["expect"]) | {normalise(e) for e in q["expect"]}
        if not q["expect"]:
            rank = 1 if not ids else 0
        else:
            rank = next((i + 1 for i, d in enumerate(ids) if identifiers(by_id[d]) & expect), 0)
        result.mrr += 1 / rank if rank else 0.0
        result.s1 += rank == 1
        result.s3 += 0 < rank <= 3
        if rank != 1:
            result.misses[q["kind"]].append(q["q"])
            if q["kind"].startswith("docnum"):
                result.docnum_not_first.append(q["q"])
        if q["kind"] == "phrase" or q["q"].startswith('"'):
            result.phrase_violations += [
                q["q"] for d in ids if not _contains_phrase(by_id[d], q["q"])
            ]
    n = max(len(queries), 1)
    result.mrr, result.s1, result.s3 = result.mrr / n, result.s1 / n, result.s3 / n
    return result


def evaluate(
    records: list[Record],
    queries: list[dict[str, Any]],
    systems: Iterable[str] = SYSTEMS,
    jobs: int = 2,
) -> dict[str, tuple[Score, dict[str, Any]]]:
    """Run every system over the records (in parallel processes) and score it."""
    by_id = {rec.id: rec for rec in records}
    systems = list(systems)
    with ProcessPoolExecutor(max_workers=max(1, min(jobs, len(systems)))) as pool:
        runs = dict(
            zip(
                systems,
                pool.map(run_system, systems, [records] * len(systems), [queries] * len(systems)),
                strict=True,
            )
        )
    return {name: (score(queries, run["ranked"], by_id), run) for name, run in runs.items()}


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


def report(results: dict[str, tuple[Score, dict[str, Any]]], verbose: bool = False) -> str:
    lines = [f"{'system':<10} {'MRR@10':>7} {'S@1':>6} {'S@3':>6} {'build s':>8} {'query s':>8}"]
    for name, (s, run) in results.items():
        lines.append(
            f"{name:<10} {s.mrr:7.3f} {s.s1:6.3f} {s.s3:6.3f}"
            f" {run['build_s']:8.1f} {run['query_s']:8.1f}"
        )
    kinds = sorted({k for s, _ in results.values() for k in s.misses})
    lines.append("misses (not first) by kind: " + ", ".join(results))
    for kind in kinds:
        lines.append(
            f"  {kind:<14} "
            + " ".join(f"{len(s.misses.get(kind, [])):>4}" for s, _ in results.values())
        )
    for name, (s, _) in results.items():
        lines.append(
            f"{name}: 文号 not first {len(s.docnum_not_first)},"
            f" phrase violations {len(s.phrase_violations)}"
        )
        if verbose or name == "ours":
            for kind, qs in sorted(s.misses.items()):
                lines.append(f"  {name} missed [{kind}]: " + " | ".join(qs))
            if s.phrase_violations:
                lines.append(f"  {name} phrase violations: " + " | ".join(s.phrase_violations))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--queries", type=Path, default=DEFAULT_QUERIES)
    ap.add_argument("--slice", type=int, default=0, help="only N queries, spread over the kinds")
    ap.add_argument(
        "--laws", type=int, default=-1, help="at most N law records besides expected ones"
    )
    ap.add_argument("--json", type=Path, help="write the figures and rankings here")
    ap.add_argument("--systems", default=",".join(SYSTEMS), help="comma-separated subset")
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args(argv)
    queries = json.loads(args.queries.read_text(encoding="utf-8"))
    if args.slice:
        queries = slice_queries(queries, args.slice)
    gazette, origin = gazette_records()
    records = gazette + law_records()
    if args.laws >= 0:
        records = select_corpus(records, queries, args.laws)
    print(f"{len(queries)} queries over {len(records)} records (gazette records from {origin})")
    results = evaluate(records, queries, args.systems.split(","))
    print(report(results, args.verbose))
    if args.json:
        out = {
            name: {"mrr10": s.mrr, "success1": s.s1, "success3": s.s3, "misses": s.misses,
                   "docnum_not_first": s.docnum_not_first, "phrase_violations": s.phrase_violations,
                   "build_s": run["build_s"], "query_s": run["query_s"],
                   "ranked": dict(zip((q["q"] for q in queries), run["ranked"], strict=False))}
            for name, (s, run) in results.items()
        }  # fmt: skip
        args.json.write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
