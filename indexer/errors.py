"""One error hierarchy for the whole project.

Library code raises these; the CLI turns them into one line on stderr and an exit code, the web
layer into a 400/404 page or JSON envelope.
"""

from __future__ import annotations

from pathlib import Path

from indexer.names import display_name


class GazetteError(Exception):
    """Base of every error this project raises on purpose."""


class ConfigError(GazetteError):
    """The configuration file or an override is invalid; the message names the key."""


class ExtractionError(GazetteError):
    """A source file could not be turned into records.

    The file's name and the reason are kept as one printable line (see
    :func:`indexer.names.display_name`): a name may hold a newline or bytes that are not UTF-8.

    >>> str(ExtractionError("a.pdf", "no text layer: scanned? OCR needed"))
    'a.pdf: no text layer: scanned? OCR needed'
    >>> str(ExtractionError("公报\\n1.txt", "empty file (0 bytes)"))
    '公报\\\\n1.txt: empty file (0 bytes)'
    """

    def __init__(self, path: str | Path, reason: str, page: int | None = None) -> None:
        self.path = display_name(path)
        self.reason = display_name(reason)
        self.page = page
        where = f"{self.path} (page {page})" if page is not None else self.path
        super().__init__(f"{where}: {self.reason}")


class StoreError(GazetteError):
    """Base for problems with the index directory itself."""


class IndexMissingError(StoreError):
    """No index exists at the configured path."""


class IndexLockedError(StoreError):
    """Another reindex holds the writer lock."""


class AnalysisMismatchError(StoreError):
    """The index was built with a different segmenter, user dictionary or format."""


class IndexUnreadableError(StoreError):
    """The live index cannot be read (metadata or table of contents damaged): rebuild it."""


class WhooshVersionError(StoreError):
    """The installed Whoosh is not the version whose internals the adapter was written against."""


class QueryError(GazetteError):
    """A request parameter is invalid; ``param`` names it for the 400 response."""

    def __init__(self, param: str, message: str) -> None:
        self.param = param
        super().__init__(f"{param}: {message}")


class NotFoundError(GazetteError):
    """No document with that id (or 文号) is visible to the caller."""
