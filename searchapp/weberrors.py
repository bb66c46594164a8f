"""Every error a request can cause, as a page or a JSON envelope with the right status.

``QueryError`` and other :class:`GazetteError` → 400 naming the parameter, ``NotFoundError`` →
404, an index that is missing or unreadable → 503, anything unexpected → a plain 500 without a
traceback (the traceback goes to the log). API paths get ``{"ok": false, "error": …, "status": …}``,
everything else the error page.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, render_template, request
from werkzeug.exceptions import HTTPException

from indexer.errors import (
    AnalysisMismatchError,
    GazetteError,
    IndexMissingError,
    NotFoundError,
    QueryError,
    StoreError,
)
from searchapp.request import SearchRequest
from searchapp.webcontext import query_text

_JSON_PATHS = ("/api/", "/healthz")
_HTTP_MESSAGES = {404: "页面不存在（not found）", 405: "不支持此请求方法（method not allowed）"}


def install(app: Flask) -> None:
    """Route every exception of ``app`` to :func:`error_response`."""
    app.register_error_handler(GazetteError, _gazette_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected_error)


def wants_json() -> bool:
    """Whether the current request is answered in JSON (the API and the health check)."""
    return request.path.startswith(_JSON_PATHS)


def error_response(status: int, message: str, param: str | None = None) -> Any:
    """The JSON envelope for API paths, the error page for everything else."""
    if wants_json():
        body: dict[str, Any] = {"ok": False, "error": message, "status": status}
        if param:
            body["param"] = param
        return body, status
    page = render_template(
        "error.html", status=status, message=message, req=SearchRequest(q=query_text())
    )
    return page, status


def store_message(exc: StoreError) -> str:
    """What the public is told about an index that cannot be used (no server paths)."""
    if isinstance(exc, IndexMissingError):
        return "检索索引尚未建立（the search index has not been built yet: run `gazette index`）"
    if isinstance(exc, AnalysisMismatchError):
        return (
            "检索索引需要重建（the index was built with another analyzer: "
            "run `gazette index --rebuild`）"
        )
    return "检索索引暂时无法打开（the search index cannot be opened）"


def _gazette_error(exc: GazetteError) -> Any:
    if isinstance(exc, StoreError):
        current_app.logger.error("index unavailable: %s", exc)
        return error_response(503, store_message(exc))
    if isinstance(exc, NotFoundError):
        return error_response(404, str(exc))
    if isinstance(exc, QueryError):
        return error_response(400, str(exc), exc.param)
    return error_response(400, str(exc))


def _http_error(exc: HTTPException) -> Any:
    status = exc.code or 500
    return error_response(status, _HTTP_MESSAGES.get(status, exc.description or exc.name))


def _unexpected_error(exc: Exception) -> Any:
    current_app.logger.exception("unexpected error on %s", request.path)
    return error_response(500, "服务器内部错误（internal server error）")
