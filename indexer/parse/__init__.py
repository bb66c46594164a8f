"""Parse: one issue's pages → document blocks.

Lines and what one line can be (:mod:`.lines`), the table of contents (:mod:`.contents`),
document starts where there is none (:mod:`.starts`), the split itself (:mod:`.split`) and a
document's body and attachments (:mod:`.body`).

May import: ``indexer.recognise``, ``indexer.extract`` (text clean-up), ``indexer.chars``,
``indexer.doctypes``.
"""
