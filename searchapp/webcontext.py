"""What every view shares: the app's services, and the current URL read as a search request.

The blueprints (:mod:`searchapp.web`, :mod:`searchapp.api`, :mod:`searchapp.auth`) import from
here rather than from :mod:`searchapp.webapp`, which imports them to assemble the app.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import current_app, request

from indexer.config import Config
from searchapp.backend import DocumentBackend, SearchBackend, open_backend
from searchapp.engine import Engine
from searchapp.request import SearchRequest, parse_params

EXTENSION = "gazette"  # the key of the app's Services in ``app.extensions``


@dataclass(frozen=True)
class Services:
    """What the views use: built once per app, shared by every request and thread. The
    backend (:mod:`searchapp.backend`) is the embedded index or OpenSearch; ``engine`` is set
    for the embedded one only (what only it offers: staff corrections)."""

    config: Config
    searcher: SearchBackend
    documents: DocumentBackend
    health: Callable[[], dict[str, Any]]
    engine: Engine | None
    staff: bool

    @classmethod
    def build(cls, config: Config, staff: bool) -> Services:
        """One backend (for the embedded index: one engine and its snapshot) behind both the
        searcher and the documents."""
        backend = open_backend(config, staff)
        return cls(
            config, backend.searcher, backend.documents, backend.health, backend.engine, staff
        )


def services() -> Services:
    """The current app's services (inside a request)."""
    found: Services = current_app.extensions[EXTENSION]
    return found


def search_request(**overrides: str) -> SearchRequest:
    """The :class:`SearchRequest` of the current URL (``overrides`` replace parameters)."""
    params = request.args.to_dict(flat=False)
    params.update({name: [value] for name, value in overrides.items()})
    return parse_params(params, services().config.web.page_size)


def query_text() -> str:
    """The ``q`` parameter as typed (bounded), for pages that show it back without parsing it."""
    values = request.args.getlist("q")
    return values[-1][:500] if values else ""
