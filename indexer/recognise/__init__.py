"""Recognisers: small pure functions that say what a piece of text is.

文号 (:mod:`.docnum`), dates (:mod:`.dates`), Chinese numerals (:mod:`.numerals`), titles and
organ names (:mod:`.docinfo`), the ``…制定`` note under a title (:mod:`.notes`).
Both ``parse`` and ``metadata`` use them, so they live below both.

May import: ``indexer.chars``, ``indexer.doctypes``. Nothing else of the project.
"""
