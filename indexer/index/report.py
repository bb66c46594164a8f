"""What ``gazette index`` reports: each file's outcome, the notes of the run, its progress."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from indexer.lock import WriterLock

Status = Literal["added", "changed", "unchanged", "removed", "failed"]
STATUSES: tuple[Status, ...] = ("added", "changed", "unchanged", "removed", "failed")


@dataclass
class FileOutcome:
    """One file of a run. ``warnings`` are what was indexed other than as written (records
    refused for a duplicate id, bad lines skipped, text cut); they make the run exit 1 too."""

    source: str
    status: Status
    documents: int = 0
    error: str = ""
    size: int = 0
    warnings: list[str] = field(default_factory=list)
    review: int = 0  # records read from it whose ``review`` list is not empty


@dataclass
class ReindexReport:
    files: list[FileOutcome] = field(default_factory=list)
    documents: int = 0  # documents in the index after the run
    seconds: float = 0.0
    rebuilt: bool = False
    notes: list[str] = field(default_factory=list)

    def count(self, status: Status) -> int:
        return sum(1 for f in self.files if f.status == status)

    @property
    def failed(self) -> list[FileOutcome]:
        return [f for f in self.files if f.status == "failed"]

    @property
    def warned(self) -> list[FileOutcome]:
        """Files indexed, but not all as written."""
        return [f for f in self.files if f.warnings and f.status != "failed"]

    @property
    def review(self) -> int:
        """Records read in this run that the extractor flagged for staff to check."""
        return sum(f.review for f in self.files)

    @property
    def ok(self) -> bool:
        """Every file indexed as written: the exit status 0."""
        return not self.failed and not self.warned

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "rebuilt": self.rebuilt,
            "files": {s: self.count(s) for s in STATUSES},
            "documents": self.documents,
            "review": self.review,
            "seconds": round(self.seconds, 3),
            "failed": [{"source": f.source, "error": f.error} for f in self.failed],
            "warnings": [
                {"source": f.source, "warning": w} for f in self.warned for w in f.warnings
            ],
            "notes": self.notes,
        }


@contextmanager
def locked_run(lock_path: Path) -> Iterator[ReindexReport]:
    """A reindex's report, the writer lock at ``lock_path`` held while the run fills it: a
    stale lock it took over is the first note, and the run's seconds are set at the end. The
    same for every backend."""
    started = time.monotonic()
    with WriterLock(lock_path) as lock:
        report = ReindexReport()
        if lock.stale:
            report.notes.append(lock.stale)
        yield report
    report.seconds = time.monotonic() - started


@dataclass(frozen=True)
class Progress:
    """One step of a run, for a progress bar: ``phase`` is "read" (files loaded), "write"
    (documents analysed and added) or "commit" (all added; the index files being written).
    ``ocr_done`` of ``ocr_total`` scanned pages are read by OCR so far (the total grows as the
    files being read find their scanned pages), so that a long scan does not look stuck."""

    phase: str
    files_done: int = 0
    files_total: int = 0
    documents: int = 0
    bytes_done: int = 0
    current: str = ""
    ocr_done: int = 0
    ocr_total: int = 0

    @property
    def ocr(self) -> str:
        """The OCR'd pages for the progress line, or "" in a run without scanned pages.

        >>> Progress("read", ocr_done=3, ocr_total=10).ocr, Progress("read").ocr
        ('OCR 3/10 pages', '')
        """
        return f"OCR {self.ocr_done}/{self.ocr_total} pages" if self.ocr_total else ""


ProgressFn = Callable[[Progress], None]


@dataclass
class ReadTally:
    """The counts of the reading phase, told to ``progress`` when a file has been read and
    when a file plans or reads its scanned pages (see :mod:`indexer.index.loading`). The pages
    a file planned but did not read (it ran out of time) leave the total when it is done.
    """

    progress: ProgressFn
    files_total: int
    now: Progress = field(init=False)  # the counts so far
    unread: dict[str, int] = field(default_factory=dict)  # pages planned, not read, by file

    def __post_init__(self) -> None:
        self.now = Progress("read", files_total=self.files_total)

    def tell(self) -> None:
        self.progress(self.now)

    def file_read(self, key: str, size: int, documents: int) -> None:
        """A file is read (or failed): ``documents`` more records, ``size`` more bytes."""
        now = self.now
        self.now = replace(
            now,
            files_done=now.files_done + 1,
            bytes_done=now.bytes_done + size,
            documents=now.documents + documents,
            current=key,
            ocr_total=now.ocr_total - self.unread.pop(key, 0),
        )
        self.tell()

    def ocr_pages(self, key: str, planned: int, done: int) -> None:
        """File ``key`` found ``planned`` more scanned pages to read, or read ``done`` more.

        >>> tally = ReadTally(lambda p: print(p.ocr), files_total=1)
        >>> tally.ocr_pages("a.pdf", 3, 0); tally.ocr_pages("a.pdf", 0, 1)
        OCR 0/3 pages
        OCR 1/3 pages
        >>> tally.file_read("a.pdf", 100, 0)  # it gave up after one page
        OCR 1/1 pages
        """
        now = self.now
        self.now = replace(now, ocr_total=now.ocr_total + planned, ocr_done=now.ocr_done + done)
        self.unread[key] = self.unread.get(key, 0) + planned - done
        self.tell()
