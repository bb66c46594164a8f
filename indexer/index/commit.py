"""Writing documents into a Whoosh index in one commit: one writer, or (rebuilds of many
documents) ``jobs`` writer processes each writing its own segment.

Segments are written as separate files, not one compound file: Whoosh reads a compound file's
terms and postings into a private copy for every searcher it opens (85 MB a searcher for the
3,423 laws).

A commit that fails, or is interrupted, leaves nothing behind: the files it wrote that the
index's table of contents does not list are removed at once (see
:mod:`indexer.index.whoosh.reader`), and those of a writer killed outright by the next run
(:func:`discard_unfinished`). On a full disk they would otherwise keep it full.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index

from indexer.errors import StoreError
from indexer.index import store
from indexer.index.report import Progress, ProgressFn
from indexer.index.whoosh.reader import remove_unreferenced
from indexer.index.whoosh.writer import GazetteWriter, write_parallel
from indexer.records import Record

WRITER_LIMIT_MB = 256  # MB of postings a writer process holds before it writes a segment out


def write_documents(
    ix: Any,
    docs: list[tuple[Record, str]],
    delete: Iterable[str],
    *,
    live: Path,
    jobs: int = 1,
    parallel: bool = False,
    progress: ProgressFn = lambda p: None,
) -> None:
    """Delete the documents of the sources ``delete`` and add ``docs`` (record, hash of its
    source file), in one commit. ``parallel`` (rebuilds only, nothing to delete) analyses and
    writes in ``jobs`` processes (see :func:`indexer.index.whoosh.writer.write_parallel`).

    Raises :class:`StoreError` naming ``live`` when the files cannot be written.
    """
    total = len(docs)

    def report(done: int) -> None:
        phase = "commit" if done >= total else "write"
        progress(Progress(phase, documents=done, files_total=total))

    options: dict[str, Any] = {"compound": False, "limitmb": WRITER_LIMIT_MB}
    folder = Path(ix.storage.folder)
    try:
        if parallel and jobs > 1:
            write_parallel(
                ix,
                total,
                lambda i: store.record_to_doc(*docs[i]),
                sizes=[len(rec.title) + len(rec.body) for rec, _ in docs],
                jobs=jobs,
                writer_options=options,
                progress=report,
            )
        else:
            _write_serial(ix, docs, delete, options, report)
    except OSError as exc:
        _remove_partial(folder)
        raise StoreError(
            f"cannot write the index at {live}: "
            f"{exc.strerror or exc}; the previous index is unchanged"
        ) from None
    except BaseException:
        _remove_partial(folder)
        raise


def _remove_partial(folder: Path) -> None:
    """After a failed commit: remove its files. A failure to remove them must not hide why the
    commit failed; the next run tries again (:func:`discard_unfinished`)."""
    with contextlib.suppress(OSError):
        remove_unreferenced(folder)


def discard_unfinished(layout: store.Layout) -> list[str]:
    """Remove what a failed or killed write left in the live generation; a note saying so, if
    anything was removed. Call with the writer lock held, before writing.

    An index in another format is left alone: its table of contents is not unpickled here (the
    run refuses that index with its own message).
    """
    gen = layout.current()
    if gen is None:
        return []
    try:
        store.check_format(store.read_meta(gen))
        removed = remove_unreferenced(gen)
    except StoreError:
        return []
    except OSError as exc:
        return [f"cannot remove the files an unfinished write left in {gen}: {exc.strerror or exc}"]
    if not removed:
        return []
    return [f"removed {len(removed)} files an unfinished write left in {gen}"]


def _write_serial(
    ix: Any,
    docs: list[tuple[Record, str]],
    delete: Iterable[str],
    options: dict[str, Any],
    progress: Callable[[int], None],
) -> None:
    try:
        writer = GazetteWriter(ix, **options)
    except whoosh_index.LockError:  # pragma: no cover - our own lock is taken first
        raise StoreError("the index is locked by another writer") from None
    try:
        for key in delete:
            writer.delete_by_term("source", key)
        for done, (rec, sha1) in enumerate(docs, 1):
            writer.add_document(**store.record_to_doc(rec, sha1))
            if done % 50 == 0 or done == len(docs):
                progress(done)
        writer.commit()
    except BaseException:
        if not writer.is_closed:
            writer.cancel()
        raise
