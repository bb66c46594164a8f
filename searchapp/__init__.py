"""The search side: the search library (``search``, ``documents``, ``export``) and the Flask app.

Flask is imported only when :func:`create_app` is called, so the CLI and the library can import
``searchapp.search`` without loading the web stack.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask

    from indexer.config import Config


def create_app(config: Config | None = None, staff: bool = False) -> Flask:
    """The web app: the search page, the document pages and their JSON twins.

    ``config`` defaults to :func:`indexer.config.load_config` (``$GAZETTE_CONFIG`` or
    ``./config.toml``); ``staff`` shows internal documents, labelled 「内部」.
    """
    from searchapp.webapp import build_app

    return build_app(config, staff)
