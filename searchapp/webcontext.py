"""What every view shares: the app's services, and the current URL read as a search request.

The blueprints (:mod:`searchapp.web`, :mod:`searchapp.api`, :mod:`searchapp.auth`) import from
here rather than from :mod:`searchapp.webapp`, which imports them to assemble the app.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, request

from indexer.config import Config
from searchapp.documents import Documents
from searchapp.engine import Engine
from searchapp.request import SearchRequest, parse_params
from searchapp.search import Searcher

EXTENSION = "gazette"  # the key of the app's Services in ``app.extensions``


@dataclass(frozen=True)
class Services:
    """What the views use: built once per app, shared by every request and thread."""

    config: Config
    engine: Engine
    searcher: Searcher
    documents: Documents
    staff: bool

    @classmethod
    def build(cls, config: Config, staff: bool) -> Services:
        """One engine (and its index snapshot) behind both the searcher and the documents."""
        engine = Engine(config)
        return cls(
            config, engine, Searcher(engine, staff=staff), Documents(engine, staff=staff), staff
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
