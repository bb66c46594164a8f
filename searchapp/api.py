"""The JSON twins of the pages: ``/api/search``, ``/api/doc/<id>``, and ``/healthz``.

Bodies are the library's own ``to_dict()`` shapes (DESIGN.md), so the API, the CLI's ``--json``
and the page agree by construction; errors are ``{"ok": false, "error": …, "status": …}``.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request

from indexer.errors import QueryError
from searchapp.export import EXPORTS
from searchapp.webcontext import search_request, services
from searchapp.webexport import export_response

bp = Blueprint("api", __name__)

FORMATS = ("json", *EXPORTS)


@bp.get("/api/search")
def search() -> Any:
    """``SearchResult.to_dict()``; ``format=csv|jsonl`` exports the whole list instead."""
    fmt = request.args.get("format", "json") or "json"
    if fmt not in FORMATS:
        raise QueryError("format", f'"{fmt[:40]}" is not one of {", ".join(FORMATS)}')
    if fmt != "json":
        return export_response(fmt)
    return services().searcher.search(search_request()).to_dict()


@bp.get("/api/doc/<doc_id>")
def document(doc_id: str) -> dict[str, Any]:
    """``DocumentView.to_dict()``: the record, its links, and whether it is repealed."""
    return {"ok": True, **services().documents.view(doc_id).to_dict()}


@bp.get("/healthz")
def healthz() -> dict[str, Any]:
    """200 when the index opens and reads; the error handler answers 503 otherwise."""
    return services().health()
