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
import shutil
import tempfile
import time
from dataclasses import replace
from pathlib import Path
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
    from indexer.index.opensearch.node import Node, free_port

    base = Path(tempfile.mkdtemp(prefix="relevance-os-"))
    base.chmod(0o755)  # started by root, the node runs as another user
    node = Node(base, free_port())
    node.start()

    def stop() -> None:
        node.stop()
        shutil.rmtree(base, ignore_errors=True)

    atexit.register(stop)
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
