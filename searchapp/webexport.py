"""A whole filtered result list (every page) as a download, for ``/export.<fmt>`` and
``/api/search?format=…``; the formats themselves are in :mod:`searchapp.export` (no Flask)."""

from __future__ import annotations

from itertools import chain, islice

from flask import Response, abort, stream_with_context

from searchapp.export import EXPORTS
from searchapp.webcontext import search_request, services


def export_response(fmt: str) -> Response:
    """The current search's every match in format ``fmt`` (404 for an unknown format)."""
    if fmt not in EXPORTS:
        abort(404)
    write, content_type = EXPORTS[fmt]
    records = services().searcher.iter_all(search_request())
    # Run the search before streaming starts, so a bad query or a missing index is a 400/503
    # rather than a download cut short.
    first = list(islice(records, 1))
    body = stream_with_context(write(chain(first, records)))
    return Response(
        body,
        content_type=content_type,
        headers={"Content-Disposition": f'attachment; filename="gazette-search.{fmt}"'},
    )
