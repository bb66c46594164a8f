"""``gazette correct`` and the staff site's correction form: save a staff correction, then
re-index the one source file it belongs to, so the index shows it at once.

The correction is written to the corrections file first (see
:mod:`indexer.metadata.corrections`); that file, not the index, is what counts, and every later
``gazette index`` applies it. Re-indexing the source is a convenience that can be skipped: when
another reindex holds the writer lock, or the file is not under a configured source folder (where
indexing it alone could give its documents other ids than the run that indexed it), the outcome
says so and the next ``gazette index`` applies the correction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from indexer.config import Config
from indexer.errors import IndexLockedError, NotFoundError
from indexer.index import store
from indexer.index.report import ReindexReport
from indexer.metadata.corrections import FIELDS, Value, update_corrections
from indexer.records import Record


@dataclass
class CorrectionOutcome:
    """What one correction did: the document's corrections now, and whether it is indexed."""

    record: Record  # the document as it was indexed before this correction
    path: Path  # the corrections file
    changed: list[str]  # fields set or removed, in FIELDS order
    now: dict[str, Value] = field(default_factory=dict)  # the document's corrections after
    report: ReindexReport | None = None  # the reindex of its source, when it ran
    pending: str = ""  # why it was not re-indexed ("" when it was)

    @property
    def ok(self) -> bool:
        """Saved, and the re-index (if it ran) read the source without failure."""
        return self.report is None or not self.report.failed

    def summary(self) -> list[str]:
        """Lines for the command line: what was saved, then what the index did."""
        removed = [name for name in self.changed if name not in self.now]
        lines = [f"corrected {self.record.id}: {', '.join(self.changed)} (saved in {self.path})"]
        if removed:
            lines.append(f"removed corrections: {', '.join(removed)}")
        if self.report is None:
            lines.append(f"not re-indexed yet: {self.pending}")
        elif self.report.failed:
            failure = self.report.failed[0]
            lines.append(f"re-index failed: {failure.source}: {failure.error}")
        else:
            lines.append(
                f"re-indexed {self.record.source}; {self.report.documents} documents in index"
            )
        return lines


def find_document(config: Config, doc_id: str) -> Record:
    """The indexed document ``doc_id`` (public or internal); NotFoundError when there is none."""
    ix, _, _ = store.open_live(store.Layout(config.index.path))
    try:
        with ix.searcher() as searcher:
            stored = searcher.document(id=doc_id)
    finally:
        ix.close()
    if stored is None:
        raise NotFoundError(f"no document {doc_id!r} in the index at {config.index.path}")
    return store.doc_to_record(stored)


def correct_document(
    config: Config,
    doc_id: str,
    changes: Mapping[str, Value | None],
    user: str,
    *,
    reindex_source: bool = True,
) -> CorrectionOutcome:
    """Save ``changes`` (a value, or None to remove that field's correction) for the indexed
    document ``doc_id``, then re-index its source file (see the module docstring).

    Raises NotFoundError when the index has no such document; nothing is written then.
    """
    rec = find_document(config, doc_id)
    path = config.sources.corrections
    now = update_corrections(path, rec.id, changes, user)
    changed = [name for name in FIELDS if name in changes]
    outcome = CorrectionOutcome(rec, path, changed, now)
    if not reindex_source:
        outcome.pending = "run `gazette index` to apply it"
        return outcome
    source = _source_to_reindex(config, rec)
    if source is None:
        outcome.pending = (
            f"{rec.source} is not under [sources] paths or internal_paths;"
            " run `gazette index` as it was indexed to apply it"
        )
        return outcome
    from indexer.index.reindex import reindex

    try:
        outcome.report = reindex(config, [source], internal=rec.visibility == "internal", jobs=1)
    except IndexLockedError as exc:
        outcome.pending = f"{exc}; the next `gazette index` applies it"
    return outcome


def _source_to_reindex(config: Config, rec: Record) -> Path | None:
    """The document's source file, when it lies under a configured source folder: indexed
    alone it then gets the same ids as in a full run (ids are made from the path below that
    folder)."""
    path = (config.root / rec.source).resolve()
    roots = (*config.sources.paths, *config.sources.internal_paths)
    for root in roots:
        base = root.resolve()
        if path == base or base in path.parents:
            return path
    return None
