"""Index: records → the search index, and everything that keeps it in step with its sources.

- :mod:`.sources` finds source files and turns one file into records (:mod:`.jsonl` reads CMS
  exports); :mod:`.ids` decides which record keeps an id that two sources give.
- :mod:`.manifest` is what the index holds of each source (hash, size, mtime, ids), read exactly.
- :mod:`.reindex` brings the index up to date, incrementally or by an atomic rebuild;
  :mod:`.commit` writes one commit; :mod:`.carry` is what a rebuild takes over from the index it
  replaces; :mod:`.report` is what a run tells the operator.
- :mod:`.store` is the schema, the on-disk layout and the record ↔ document conversion;
  :mod:`.stats` the figures of ``gazette stats`` and ``/healthz``.

Every use of Whoosh's private names lives in :mod:`indexer.index.whoosh`.

May import: every other room of ``indexer``. Never ``searchapp``.
"""
