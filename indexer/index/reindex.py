"""``gazette index``: bring the index up to date with the source files.

Incremental by content hash: unchanged files are skipped, changed files replace their documents,
files gone from the scanned sources lose theirs. A rebuild (``--rebuild``, or no index yet, or the
first build) writes a new generation beside the live one and swaps it in atomically (see
:mod:`indexer.index.store`). One writer at a time (see :mod:`indexer.lock`). A bad file never
stops the run: it is reported with its reason and the documents it had before are kept.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from whoosh import index as whoosh_index

from indexer.config import Config, IndexConfig
from indexer.errors import ExtractionError, StoreError
from indexer.index import store
from indexer.index.sources import SourceFile, file_hash, iter_source_files, load_records
from indexer.index.whoosh.writer import GazetteWriter, write_parallel
from indexer.lock import WriterLock
from indexer.records import Record
from indexer.workers import WorkerFailure, cpu_count, run_isolated

Status = Literal["added", "changed", "unchanged", "removed", "failed"]
STATUSES: tuple[Status, ...] = ("added", "changed", "unchanged", "removed", "failed")
WRITER_LIMIT_MB = 256  # MB of postings a writer process holds before it writes a segment out
# Below this many documents a rebuild is written by one process: each writer process loads the
# segmenter's dictionary and writes its own segment, which costs more than it saves.
PARALLEL_MIN_DOCS = 200


@dataclass
class FileOutcome:
    source: str
    status: Status
    documents: int = 0
    error: str = ""
    size: int = 0


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

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": not self.failed,
            "rebuilt": self.rebuilt,
            "files": {s: self.count(s) for s in STATUSES},
            "documents": self.documents,
            "seconds": round(self.seconds, 3),
            "failed": [{"source": f.source, "error": f.error} for f in self.failed],
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


def _load_one(src: SourceFile) -> list[Record] | str:
    """Worker: a file's records, or the one-line reason it failed."""
    try:
        return load_records(src.path, src.key, src.visibility)
    except ExtractionError as exc:
        return exc.reason


def _iter_loaded(
    todo: list[SourceFile], jobs: int, limits: IndexConfig
) -> Iterator[tuple[SourceFile, list[Record] | str]]:
    """Each file's records or failure reason, each file in a bounded child process."""
    results = run_isolated(
        _load_one, todo, jobs=jobs, timeout=limits.file_timeout, memory_mb=limits.file_memory_mb
    )
    for src, result in results:
        yield src, result.reason if isinstance(result, WorkerFailure) else result


def scan_sources(
    config: Config, paths: list[Path] | None, internal: bool
) -> tuple[list[SourceFile], list[FileOutcome]]:
    """Files to consider, and paths that could not be scanned (as failures)."""
    if paths:
        groups = [(paths, "internal" if internal else "public")]
    else:
        groups = [
            (list(config.sources.paths), "public"),
            (list(config.sources.internal_paths), "internal"),
        ]
    files: dict[str, SourceFile] = {}
    errors: list[FileOutcome] = []
    for group, visibility in groups:
        for item in iter_source_files(group, config.root, visibility):
            if isinstance(item, ExtractionError):
                errors.append(FileOutcome(item.path, "failed", error=item.reason))
            else:
                files.setdefault(item.key, item)
    return list(files.values()), errors


def missing_roots(config: Config, paths: list[Path] | None) -> list[Path]:
    """Configured source paths that do not exist now (an unmounted share, a typo).

    Documents from under them are kept: a source that cannot be seen is not a source deleted.
    """
    roots = paths or [*config.sources.paths, *config.sources.internal_paths]
    return [p for p in roots if not p.exists()]


def _in_scope(key: str, root: Path, paths: list[Path] | None) -> bool:
    """Whether an indexed source belongs to the scanned paths (all of them by default)."""
    if not paths:
        return True
    path = (root / key).resolve()
    return any(path == p.resolve() or p.resolve() in path.parents for p in paths)


def reindex(
    config: Config,
    paths: list[Path] | None = None,
    *,
    rebuild: bool = False,
    jobs: int | None = None,
    internal: bool = False,
    progress: ProgressFn | None = None,
) -> ReindexReport:
    """Bring the index at ``config.index.path`` up to date; see the module docstring."""
    started = time.monotonic()
    layout = store.Layout(config.index.path)
    jobs = jobs or cpu_count()
    with WriterLock(layout.lock) as lock:
        report = ReindexReport()
        if lock.stale:
            report.notes.append(lock.stale)
        store.remove_old_generations(layout)
        run = _Run(config, layout, paths, jobs, internal, progress or (lambda p: None), report)
        run.execute(rebuild or layout.current() is None)
    report.seconds = time.monotonic() - started
    return report


class _Run:
    """One reindex, holding the lock; split in steps so each stays small."""

    def __init__(
        self,
        config: Config,
        layout: store.Layout,
        paths: list[Path] | None,
        jobs: int,
        internal: bool,
        progress: ProgressFn,
        report: ReindexReport,
    ) -> None:
        self.config, self.layout, self.paths, self.jobs = config, layout, paths, jobs
        self.internal, self.progress, self.report = internal, progress, report
        from indexer.analysis import read_user_dict

        self.config_words = read_user_dict(config.analysis.user_dict)

    def execute(self, rebuild: bool) -> None:
        files, scan_errors = scan_sources(self.config, self.paths, self.internal)
        self.report.files.extend(scan_errors)
        self.report.rebuilt = rebuild
        if rebuild:
            self._rebuild(files)
        else:
            self._update(files)

    def _hash_all(self, files: list[SourceFile]) -> dict[str, str]:
        hashes = {}
        for src in files:
            try:
                hashes[src.key] = file_hash(src.path)
            except OSError as exc:
                self.report.files.append(FileOutcome(src.key, "failed", error=str(exc.strerror)))
        return hashes

    def _load(
        self, todo: list[SourceFile], known: dict[str, tuple[str, str]]
    ) -> Iterator[tuple[SourceFile, list[Record]]]:
        """Load files (in parallel), report each, and yield the ones that gave records."""
        done_bytes = docs = 0
        sizes = {s.key: s.path.stat().st_size for s in todo}
        self.progress(Progress("read", 0, len(todo), 0, 0))
        for n, (src, result) in enumerate(_iter_loaded(todo, self.jobs, self.config.index), 1):
            done_bytes += sizes[src.key]
            status: Status = "changed" if src.key in known else "added"
            if isinstance(result, str):
                self.report.files.append(
                    FileOutcome(src.key, "failed", error=result, size=sizes[src.key])
                )
            else:
                docs += len(result)
                self.report.files.append(
                    FileOutcome(src.key, status, len(result), size=sizes[src.key])
                )
                yield src, result
            self.progress(Progress("read", n, len(todo), docs, done_bytes, src.key))

    def _rebuild(self, files: list[SourceFile]) -> None:
        hashes = self._hash_all(files)
        todo = [f for f in files if f.key in hashes]
        loaded = sorted(self._load(todo, {}), key=lambda pair: pair[0].key)
        from indexer.analysis import collect_terms

        records = [rec for _, recs in loaded for rec in recs]
        user_words = tuple(sorted(set(self.config_words) | set(collect_terms(records))))
        gen = self.layout.new_generation()
        try:
            ix = whoosh_index.create_in(str(gen), store.make_schema(user_words))
            self._write(ix, loaded, hashes, delete=(), parallel=len(records) >= PARALLEL_MIN_DOCS)
            if ix.doc_count() != len(records):
                raise StoreError(
                    f"the new index holds {ix.doc_count()} of {len(records)} documents "
                    "(a writer process failed); the previous index is unchanged"
                )
            meta = store.analysis_meta(self.config_words, user_words)
            meta["built_at"] = time.strftime("%Y-%m-%dT%H:%M:%S")
            store.write_meta(gen, meta)
            store.swap_live(self.layout, gen)
        except BaseException:
            shutil.rmtree(gen, ignore_errors=True)
            raise
        self.report.documents = ix.doc_count()

    def _update(self, files: list[SourceFile]) -> None:
        ix, _gen, meta = store.open_live(self.layout)
        store.check_analysis(meta, self.config_words)
        with ix.reader() as reader:
            known = store.indexed_sources(reader)
        hashes = self._hash_all(files)
        todo = []
        for src in files:
            if src.key not in hashes:
                continue
            if known.get(src.key) == (hashes[src.key], src.visibility):
                self.report.files.append(FileOutcome(src.key, "unchanged"))
            else:
                todo.append(src)
        scanned = {f.key for f in files}
        unseen = missing_roots(self.config, self.paths)
        gone = [
            k
            for k in known
            if k not in scanned
            and _in_scope(k, self.config.root, self.paths)
            and not (unseen and _in_scope(k, self.config.root, unseen))
        ]
        loaded = sorted(self._load(todo, known), key=lambda pair: pair[0].key)
        self.report.files.extend(FileOutcome(k, "removed") for k in gone)
        if loaded or gone:
            self._write(ix, loaded, hashes, delete=[*gone, *(s.key for s, _ in loaded)])
        self.report.documents = ix.doc_count()

    def _write(
        self,
        ix: Any,
        loaded: list[tuple[SourceFile, list[Record]]],
        hashes: dict[str, str],
        delete: Iterable[str],
        parallel: bool = False,
    ) -> None:
        """Delete the given sources' documents and add the loaded ones, in one commit.

        ``parallel`` (rebuilds only) analyses and writes in ``jobs`` processes, each writing
        its own segment (see :func:`indexer.index.whoosh.writer.write_parallel`). Segments are
        written as separate files, not one compound file: Whoosh reads a compound file's terms and
        postings into a private copy for every searcher it opens (85 MB a searcher for the
        3,423 laws).
        """
        docs = [(rec, hashes[src.key]) for src, recs in loaded for rec in recs]
        total = len(docs)

        def progress(done: int) -> None:
            phase = "commit" if done >= total else "write"
            self.progress(Progress(phase, documents=done, files_total=total))

        options: dict[str, Any] = {"compound": False, "limitmb": WRITER_LIMIT_MB}
        try:
            if parallel and self.jobs > 1:
                write_parallel(
                    ix,
                    total,
                    lambda i: store.record_to_doc(*docs[i]),
                    sizes=[len(rec.title) + len(rec.body) for rec, _ in docs],
                    jobs=self.jobs,
                    writer_options=options,
                    progress=progress,
                )
            else:
                self._write_serial(ix, docs, delete, options, progress)
        except OSError as exc:
            raise StoreError(
                f"cannot write the index at {self.layout.live}: "
                f"{exc.strerror or exc}; the previous index is unchanged"
            ) from None

    def _write_serial(
        self,
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
