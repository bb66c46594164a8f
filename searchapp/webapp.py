"""The Flask app: one :class:`Engine` per app, two blueprints, error pages and security headers.

Every error a request can cause ends here as a page or a JSON envelope with the right status:
``QueryError`` and other :class:`GazetteError` → 400 naming the parameter, ``NotFoundError`` →
404, an index that is missing or unreadable → 503, anything unexpected → a plain 500 without a
traceback (the traceback goes to the log).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app, render_template, request
from werkzeug.exceptions import HTTPException

from indexer.config import Config, load_config
from indexer.errors import (
    AnalysisMismatchError,
    GazetteError,
    IndexMissingError,
    NotFoundError,
    QueryError,
    StoreError,
)
from searchapp.documents import Documents
from searchapp.engine import Engine
from searchapp.request import SearchRequest, parse_params
from searchapp.search import Searcher

CSP = (
    "default-src 'self'; style-src 'self'; script-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
# Original files are opened by the browser's own viewers (Chrome's PDF viewer is a plugin that
# object-src 'none' would block), so they get only the framing rule.
SOURCE_CSP = "frame-ancestors 'none'"
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
_JSON_PATHS = ("/api/", "/healthz")


@dataclass(frozen=True)
class Services:
    """What the views use: built once per app, shared by every request and thread."""

    config: Config
    engine: Engine
    searcher: Searcher
    documents: Documents
    staff: bool


def services() -> Services:
    """The current app's services (inside a request)."""
    found: Services = current_app.extensions["gazette"]
    return found


def search_request(**overrides: str) -> SearchRequest:
    """The :class:`SearchRequest` of the current URL (``overrides`` replace parameters)."""
    params = request.args.to_dict(flat=False)
    params.update({name: [value] for name, value in overrides.items()})
    return parse_params(params, services().config.web.page_size)


def build_app(config: Config | None = None, staff: bool = False) -> Flask:
    """See :func:`searchapp.create_app`."""
    config = config if config is not None else load_config()
    app = Flask("searchapp")
    app.config["GAZETTE_STAFF"] = staff
    engine = Engine(config)
    app.extensions["gazette"] = Services(
        config, engine, Searcher(engine, staff=staff), Documents(engine, staff=staff), staff
    )
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.json.sort_keys = False  # type: ignore[attr-defined]

    from searchapp import api, web

    app.register_blueprint(web.bp)
    app.register_blueprint(api.bp)
    app.register_error_handler(GazetteError, _gazette_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected_error)
    app.after_request(_security_headers)
    app.context_processor(lambda: {"staff": staff})
    if staff:
        from searchapp import auth

        auth.install(app)
    return app


# -- errors ----------------------------------------------------------------------------------
def wants_json() -> bool:
    return request.path.startswith(_JSON_PATHS)


def error_response(status: int, message: str, param: str | None = None) -> Any:
    """The JSON envelope for API paths, the error page for everything else."""
    if wants_json():
        body: dict[str, Any] = {"ok": False, "error": message, "status": status}
        if param:
            body["param"] = param
        return body, status
    page = render_template(
        "error.html", status=status, message=message, req=SearchRequest(q=_query_text())
    )
    return page, status


def _query_text() -> str:
    values = request.args.getlist("q")
    return values[-1][:500] if values else ""


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


_HTTP_MESSAGES = {404: "页面不存在（not found）", 405: "不支持此请求方法（method not allowed）"}


def _http_error(exc: HTTPException) -> Any:
    status = exc.code or 500
    return error_response(status, _HTTP_MESSAGES.get(status, exc.description or exc.name))


def _unexpected_error(exc: Exception) -> Any:
    current_app.logger.exception("unexpected error on %s", request.path)
    return error_response(500, "服务器内部错误（internal server error）")


# -- headers ---------------------------------------------------------------------------------
def _security_headers(response: Any) -> Any:
    csp = SOURCE_CSP if request.endpoint == "web.source" else CSP
    response.headers.setdefault("Content-Security-Policy", csp)
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if current_app.config["GAZETTE_STAFF"]:
        # Internal documents must not linger in shared caches or the browser's back cache.
        response.headers["Cache-Control"] = "private, no-store"
    return response
