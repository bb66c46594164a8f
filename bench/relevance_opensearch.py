"""The OpenSearch backend as a system of ``bench/relevance.py`` (``--systems ...,opensearch``):
the product's own records indexed by ``gazette index`` into an OpenSearch node, and every query
asked through the same search library the page uses on that backend.

The node is one of its own (started by the project's code on a free port, its data in a
temporary folder, stopped when the bench ends), unless ``GAZETTE_OPENSEARCH_URL`` names a
running one. Each query set gets its own alias, rebuilt on every run.
"""

from __future__ import annotations

import atexit
import os
import time
from contextlib import ExitStack
from dataclasses import replace
from typing import Any

from indexer.config import Config

_NODE_URL: list[str] = []


def node_url() -> str:
    """The URL of the node the bench uses, started on first use."""
    if _NODE_URL:
        return _NODE_URL[0]
    given = os.environ.get("GAZETTE_OPENSEARCH_URL")
    if given:
        _NODE_URL.append(given)
        return given
    from indexer.index.opensearch.node import temporary_node

    stack = ExitStack()
    node = stack.enter_context(temporary_node("relevance-os-"))
    atexit.register(stack.close)
    _NODE_URL.append(node.url)
    return node.url


def run_opensearch(config: Config, queries: list[dict[str, Any]], top: int) -> dict[str, Any]:
    """Index the product's sources into OpenSearch (a rebuild) and rank every query."""
    from indexer.index.opensearch.reindex import reindex_opensearch
    from searchapp.opensearch_search import OpenSearchSearcher
    from searchapp.request import SearchRequest

    alias = "relevance-" + config.index.path.parent.name.lower()
    backend = replace(config.backend, kind="opensearch", url=node_url(), index=alias)
    os_config = replace(config, backend=backend)
    start = time.perf_counter()
    report = reindex_opensearch(os_config, rebuild=True, jobs=2)
    if report.failed:
        raise SystemExit(f"OpenSearch could not index {[f.source for f in report.failed]}")
    built = time.perf_counter() - start
    searcher = OpenSearchSearcher(os_config)
    start = time.perf_counter()
    ranked = [
        [
            hit.id
            for hit in searcher.search(
                SearchRequest(q=q["q"], mode=q.get("mode", "words"), page_size=top)
            ).hits
        ]
        for q in queries
    ]
    return {"ranked": ranked, "build_s": built, "query_s": time.perf_counter() - start}
