"""Index: records → the search index, and everything that keeps it in step with its sources.

The schema and on-disk layout (:mod:`.store`), finding and loading sources (:mod:`.sources`),
incremental and atomic reindexing (:mod:`.reindex`), figures (:mod:`.stats`). Every use of
Whoosh's private names lives in :mod:`indexer.index.whoosh`.

May import: every other room of ``indexer``. Never ``searchapp``.
"""
