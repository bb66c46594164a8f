"""Recognisers: small pure functions that say what a piece of text is.

文号 (:mod:`.docnum`), dates (:mod:`.dates`), titles, 文种 and organ names (:mod:`.docinfo`).
Both ``parse`` and ``metadata`` use them, so they live below both.

May import: ``indexer.chars``. Nothing else of the project.
"""
