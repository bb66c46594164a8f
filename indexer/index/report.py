"""What ``gazette index`` reports: each file's outcome, the notes of the run, its progress."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

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


@dataclass(frozen=True)
class Progress:
    """One step of a run, for a progress bar: ``phase`` is "read" (files loaded), "write"
    (documents analysed and added) or "commit" (all added; the index files being written)."""

    phase: str
    files_done: int = 0
    files_total: int = 0
    documents: int = 0
    bytes_done: int = 0
    current: str = ""


ProgressFn = Callable[[Progress], None]
