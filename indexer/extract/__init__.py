"""Extract: a source file → pages of clean text lines.

PDF reading (pdfminer.six), ruled tables, page text with running headers, footers and page
numbers removed, text clean-up and the decoding of ``.txt`` files. The entry point is
:func:`indexer.extract.pages.extract_pages`.

May import: ``indexer.errors``, ``indexer.chars``, ``indexer.doctypes`` (the 文种 words, which
line joining needs to tell a title). Nothing from the later stages.
"""
