"""The Flask app, assembled: config, one set of services, the blueprints, error handlers and
security headers.

Nothing else in ``searchapp`` imports this module: the views take what they share from
:mod:`searchapp.webcontext`, :mod:`searchapp.weberrors` and :mod:`searchapp.webexport`, and only
:func:`searchapp.create_app` (which the CLI's ``serve`` calls) builds an app here.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, request

from indexer.config import Config, load_config
from searchapp import api, web, weberrors
from searchapp.webcontext import EXTENSION, Services

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


def build_app(config: Config | None = None, staff: bool = False) -> Flask:
    """See :func:`searchapp.create_app`."""
    config = config if config is not None else load_config()
    app = Flask("searchapp")
    app.config["GAZETTE_STAFF"] = staff
    app.extensions[EXTENSION] = Services.build(config, staff)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.register_blueprint(web.bp)
    app.register_blueprint(api.bp)
    weberrors.install(app)
    app.after_request(_security_headers)
    app.context_processor(lambda: {"staff": staff})
    if staff:
        # Only the staff site loads the login machinery (and its password hashing).
        from searchapp import auth

        auth.install(app)
    return app


def _security_headers(response: Any) -> Any:
    csp = SOURCE_CSP if request.endpoint == "web.source" else CSP
    response.headers.setdefault("Content-Security-Policy", csp)
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if current_app.config["GAZETTE_STAFF"]:
        # Internal documents must not linger in shared caches or the browser's back cache.
        response.headers["Cache-Control"] = "private, no-store"
    return response
