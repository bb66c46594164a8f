"""``gazette stats`` on the OpenSearch backend: the figures :func:`indexer.index.stats.index_stats`
gives for the embedded index, from the concrete index behind the alias (counts by aggregation,
size from ``_stats``, how it was built from the mapping's ``_meta``)."""

from __future__ import annotations

from typing import Any

from indexer.config import Config
from indexer.errors import IndexMissingError
from indexer.index import store
from indexer.index.opensearch.writer import OpenSearchIndex
from indexer.index.stats import built_with

# Distinct values counted per field: every issuer, 文种 and year of a collection.
ALL_VALUES = 10_000


def opensearch_stats(config: Config) -> dict[str, Any]:
    """Counts per visibility, 文种, year and issuer; sources; size; the analysis that built it.
    A document without a value counts under ``""``, as on the embedded index."""
    target = OpenSearchIndex(config.backend)
    concrete = target.live()
    if concrete is None:
        raise IndexMissingError(f"no OpenSearch index {target.alias!r}: run `gazette index`")
    fields = (*store.FACET_FIELDS, "visibility")
    body = {
        "size": 0,
        "track_total_hits": True,
        "aggs": {
            name: {"terms": {"field": name, "size": ALL_VALUES, "missing": ""}} for name in fields
        },
    }
    found = target.client.call("POST", f"/{concrete}/_search", body)
    counts = {
        name: [(b["key"], b["doc_count"]) for b in found["aggregations"][name]["buckets"]]
        for name in fields
    }
    sizes = target.client.call("GET", f"/{concrete}/_stats/store")
    size = sizes["indices"][concrete]["primaries"]["store"]["size_in_bytes"]
    sources = target.client.call("GET", f"/{concrete}-sources/_count")["count"]
    meta = target.meta(concrete)
    return {
        "path": f"{config.backend.url} {target.alias}",
        "generation": concrete,
        "size_mb": size / 1e6,
        "documents": found["hits"]["total"]["value"],
        "sources": sources,
        "visibility": dict(counts["visibility"]),
        **{name: counts[name] for name in store.FACET_FIELDS},
        **built_with(meta),
    }
