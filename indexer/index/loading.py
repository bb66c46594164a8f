"""Reading the source files of a run, each in a bounded child process (:mod:`indexer.workers`).

A child returns the file's records, its warnings and the OCR cache entries its scanned pages
were read from; the run keeps those keys in the manifest, so that only entries no source uses
are removed from the cache (:func:`indexer.extract.ocrcache.prune_cache`). While a child reads
a scan it asks for more time for each page to recognise and tells the parent how many pages it
plans and has read, for the progress display (:class:`indexer.index.report.ReadTally`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING, NamedTuple

from indexer.config import IndexConfig
from indexer.errors import ExtractionError
from indexer.index.sources import SourceFile, load_records
from indexer.records import Record
from indexer.workers import WorkerFailure, extend_deadline, run_isolated, tell_parent

if TYPE_CHECKING:
    from indexer.extract.ocr import OcrOptions

# A file's time limit grows by this much for each page it reads by OCR: a page takes 3 to 8 s on
# an idle core and several times that on a busy machine; the limit only stops runaway files.
OCR_SECONDS_PER_PAGE = 60
# What a child tells the parent while it reads scanned pages: (pages planned, pages read).
OcrCount = Callable[[str, int, int], None]


class Loaded(NamedTuple):
    """A file's records, its warnings, and the OCR cache keys its pages were read from."""

    records: list[Record]
    warnings: list[str]
    ocr_keys: tuple[str, ...] = ()


def load_one(src: SourceFile, ocr: OcrOptions) -> Loaded | str:
    """Worker: a file's records, warnings and OCR cache keys, or the one-line reason it failed."""
    warnings: list[str] = []
    keys: set[str] = set()

    def page_read(key: str) -> None:
        if key:
            keys.add(key)
        tell_parent((0, 1))

    try:
        records = load_records(
            src.path,
            src.key,
            src.visibility,
            src.id_path,
            warnings=warnings,
            ocr=replace(ocr, on_page=page_read),
        )
    except ExtractionError as exc:
        return exc.reason
    return Loaded(records, warnings, tuple(sorted(keys)))


def plan_pages(pages: int) -> None:
    """In a child about to read ``pages`` scanned pages: more time, and the parent told."""
    extend_deadline(pages * OCR_SECONDS_PER_PAGE)
    tell_parent((pages, 0))


def iter_loaded(
    todo: list[SourceFile],
    jobs: int,
    limits: IndexConfig,
    ocr: OcrOptions,
    on_ocr: OcrCount | None = None,
) -> Iterator[tuple[SourceFile, Loaded | str]]:
    """Each file's records or failure reason, each in a bounded child process; ``on_ocr`` is
    told ``(source key, pages planned, pages read)`` as the children read scanned pages."""

    def told(src: SourceFile, message: object) -> None:
        if on_ocr is not None and isinstance(message, tuple) and len(message) == 2:
            on_ocr(src.key, int(message[0]), int(message[1]))

    results = run_isolated(
        partial(load_one, ocr=ocr),
        todo,
        jobs=jobs,
        timeout=limits.file_timeout,
        memory_mb=limits.file_memory_mb,
        on_message=told,
    )
    for src, result in results:
        yield src, result.reason if isinstance(result, WorkerFailure) else result
