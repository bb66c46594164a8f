"""Metadata: document blocks → :class:`~indexer.records.Record` with the fields DESIGN.md names.

May import: ``indexer.parse``, ``indexer.recognise``, ``indexer.records``, ``indexer.errors``,
``indexer.chars``, ``indexer.doctypes``.
"""
