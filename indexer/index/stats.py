"""Figures about an index for ``gazette stats`` and ``/healthz``."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from indexer.config import Config
from indexer.index import manifest, store


def _dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def index_stats(config: Config) -> dict[str, Any]:
    """Counts per visibility, 文种, year and issuer; sources; size; the analysis that built it."""
    layout = store.Layout(config.index.path)
    ix, gen, meta = store.open_live(layout)
    with ix.searcher() as searcher:
        reader = searcher.reader()
        counts: dict[str, Counter[str]] = {}
        for name in (*store.FACET_FIELDS, "visibility"):
            column = reader.column_reader(name)
            counts[name] = Counter(
                column[n] for n in range(reader.doc_count_all()) if reader.is_deleted(n) is False
            )
        sources = len(manifest.load(gen, ix).states)
        documents = reader.doc_count()
    return {
        "path": str(layout.live),
        "generation": gen.name,
        "size_mb": _dir_size(gen) / 1e6,
        "documents": documents,
        "sources": sources,
        "visibility": dict(counts["visibility"]),
        **{name: counts[name].most_common() for name in store.FACET_FIELDS},
        **built_with(meta),
    }


def built_with(meta: dict[str, Any]) -> dict[str, Any]:
    """When and with which analysis an index was built, from its recorded metadata."""
    return {
        "built_at": meta.get("built_at", ""),
        "segmenter": meta.get("segmenter", ""),
        "user_dict_sha1": meta.get("user_dict_sha1", ""),
        "user_words": meta.get("user_words", 0),
    }
