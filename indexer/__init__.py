"""Turn gazette files into records and records into a Whoosh index.

Stages, one module each: ``extract`` (file → pages of text), ``split`` (issue → document blocks),
``metadata`` (block → :class:`~indexer.records.Record`), ``analysis`` (text → tokens),
``store`` (records → index). ``indexer`` never imports ``searchapp``.
"""

__version__ = "0.1.0"
