"""One error hierarchy for the whole project.

Library code raises these; the CLI turns them into one line on stderr and an exit code, the web
layer into a 400/404 page or JSON envelope.
"""

from __future__ import annotations

from pathlib import Path


class GazetteError(Exception):
    """Base of every error this project raises on purpose."""


class ConfigError(GazetteError):
    """The configuration file or an override is invalid; the message names the key."""


class ExtractionError(GazetteError):
    """A source file could not be turned into records.

    >>> str(ExtractionError("a.pdf", "no text layer: scanned? OCR needed"))
    'a.pdf: no text layer: scanned? OCR needed'
    """

    def __init__(self, path: str | Path, reason: str, page: int | None = None) -> None:
        self.path = str(path)
        self.reason = reason
        self.page = page
        where = f"{self.path} (page {page})" if page is not None else self.path
        super().__init__(f"{where}: {reason}")


class StoreError(GazetteError):
    """Base for problems with the index directory itself."""


class IndexMissingError(StoreError):
    """No index exists at the configured path."""


class IndexLockedError(StoreError):
    """Another reindex holds the writer lock."""


class AnalysisMismatchError(StoreError):
    """The index was built with a different segmenter or user dictionary."""


class QueryError(GazetteError):
    """A request parameter is invalid; ``param`` names it for the 400 response."""

    def __init__(self, param: str, message: str) -> None:
        self.param = param
        super().__init__(f"{param}: {message}")


class NotFoundError(GazetteError):
    """No document with that id (or 文号) is visible to the caller."""
