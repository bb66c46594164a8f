"""Turn gazette files into records and records into a search index.

One subpackage per stage of the data flow, each importing only the rooms before it::

    extract     file → pages of clean text lines
    recognise   文号, dates, 文种 and organ names: what a piece of text is
    parse       pages → labelled lines → document blocks
    metadata    block → Record
    analysis    text → normalised tokens (jieba words and CJK bigrams)
    index       records → the Whoosh index; reindexing, sources, stats

At the top: ``config`` (the typed configuration), ``errors`` (one hierarchy), ``records`` (the
record), ``chars`` (character classes), ``lock`` and ``workers`` (processes), ``cli``.
``indexer`` never imports ``searchapp``.
"""

__version__ = "0.1.0"
