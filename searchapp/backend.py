"""What the CLI, the page, the JSON API, the staff site and the exports ask of the index, and
the two backends that answer it: the embedded Whoosh index (default) and an OpenSearch cluster
(``[backend] kind``). The views take a :class:`Backend` and never ask which one it is; what only
the embedded index can do (staff corrections, for now) is offered where :attr:`Backend.engine`
is set."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from indexer.config import Config
from indexer.records import Record
from searchapp.documents import DocumentView
from searchapp.engine import Engine
from searchapp.request import SearchRequest
from searchapp.search import SearchResult


class SearchBackend(Protocol):
    """Searching: one page with exact totals, facets and histogram; every match for exports."""

    def search(self, request: SearchRequest) -> SearchResult: ...

    def iter_all(self, request: SearchRequest) -> Iterator[Record]: ...


class DocumentBackend(Protocol):
    """Single documents by id or 文号, and with their links."""

    def record(self, key: str) -> Record: ...

    def view(self, key: str) -> DocumentView: ...


@dataclass(frozen=True)
class Backend:
    """One backend's searcher, documents and health check, for one audience (``staff``).
    ``engine`` is the embedded index, None on OpenSearch."""

    searcher: SearchBackend
    documents: DocumentBackend
    health: Callable[[], dict[str, Any]]
    engine: Engine | None = None


def open_backend(config: Config, staff: bool = False) -> Backend:
    """The configured backend; nothing is read from it until it is asked."""
    if config.backend.kind == "opensearch":
        return _opensearch(config, staff)
    from searchapp.documents import Documents
    from searchapp.search import Searcher

    engine = Engine(config)
    return Backend(
        Searcher(engine, staff=staff),
        Documents(engine, staff=staff),
        lambda: _whoosh_health(engine, staff),
        engine,
    )


def _whoosh_health(engine: Engine, staff: bool) -> dict[str, Any]:
    snap = engine.snapshot()
    return {
        "ok": True,
        "backend": "whoosh",
        "documents": len(snap.columns.visible(staff)),
        "generation": f"{Path(snap.key[0]).name}:{snap.key[1]}",
        "built_at": snap.meta.get("built_at", ""),
    }


def _opensearch(config: Config, staff: bool) -> Backend:
    from searchapp.opensearch_documents import OpenSearchDocuments
    from searchapp.opensearch_search import OpenSearchSearcher

    searcher = OpenSearchSearcher(config, staff=staff)
    return Backend(searcher, OpenSearchDocuments(config, staff), searcher.health)
