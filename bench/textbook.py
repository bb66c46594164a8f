"""The textbook recipe every figure is compared with: Whoosh + ``jieba.analyse.ChineseAnalyzer``,
Whoosh's writer (``procs=N`` for N processes, as its documentation recommends for bulk
indexing), facets through ``groupedby``, highlights through ``Hit.highlights``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from whoosh import index
from whoosh.fields import ID, TEXT, Schema
from whoosh.qparser import MultifieldParser


def schema() -> Schema:
    from jieba.analyse import ChineseAnalyzer

    analyzer = ChineseAnalyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        title=TEXT(analyzer=analyzer, stored=True),
        body=TEXT(analyzer=analyzer, stored=True),
        doc_number=ID(stored=True),
        issuer=ID(stored=True, sortable=True),
        doc_type=ID(stored=True, sortable=True),
        year=ID(stored=True, sortable=True),
        date=ID(stored=True, sortable=True),
    )


def build(path: Path, records: list[dict[str, Any]], procs: int = 1) -> Any:
    """The index of ``records``; with ``procs`` > 1 Whoosh's multiprocessing writer, whose
    sub-writers' segments are merged into one at commit, as the single writer leaves it."""
    path.mkdir(parents=True, exist_ok=True)
    ix = index.create_in(str(path), schema())
    writer = ix.writer(procs=procs, limitmb=256) if procs > 1 else ix.writer()
    for n, r in enumerate(records):
        date = r.get("date") or ""
        writer.add_document(
            id=str(r.get("id") or n),
            title=r.get("title") or "",
            body=r.get("body") or "",
            doc_number=r.get("doc_number") or "",
            issuer=r.get("issuer") or "",
            doc_type=r.get("doc_type") or "",
            year=date[:4],
            date=date,
        )
    writer.commit()
    return ix


def page_request(searcher: Any, parser: Any, text: str) -> dict[str, Any]:
    """What the search page needs, the textbook way: hits, facets, histogram, highlights."""
    query = parser.parse(text)
    results = searcher.search(query, limit=20, groupedby=["issuer", "doc_type", "year"])
    facets = {name: results.groups(name) for name in ("issuer", "doc_type", "year")}
    snippets = [hit.highlights("body") for hit in results]
    return {"total": len(results), "facets": facets, "snippets": snippets}


def parser(ix: Any) -> Any:
    return MultifieldParser(["title", "body"], schema=ix.schema)
