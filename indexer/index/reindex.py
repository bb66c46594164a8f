"""``gazette index``: bring the index up to date with the source files.

Incremental by content hash: unchanged files are skipped, changed files replace their documents,
files gone from the scanned sources lose theirs. What the index holds of each file is kept in
``sources.json`` beside it (see :mod:`indexer.index.manifest`); a file whose size and mtime are
as recorded is not even read. A rebuild (``--rebuild``, or no index yet) writes a new generation
beside the live one and swaps it in atomically (see :mod:`indexer.index.store`). One writer at a
time (see :mod:`indexer.lock`). A bad file never stops the run: it is reported with its reason
and the documents it had before are kept, by a rebuild too (see :mod:`indexer.index.carry`).
Every id names one document: a record whose id another source has is refused and reported (see
:mod:`indexer.index.ids`).
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterable, Iterator
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from whoosh import index as whoosh_index

from indexer.config import Config, IndexConfig
from indexer.errors import ExtractionError, StoreError
from indexer.index import manifest, store
from indexer.index.carry import PreviousIndex, carry_over
from indexer.index.commit import discard_unfinished, write_documents
from indexer.index.ids import Claimed, claim_ids
from indexer.index.manifest import Fingerprint, Manifest, SourceState
from indexer.index.report import FileOutcome, Progress, ProgressFn, ReindexReport, Status
from indexer.index.sources import SourceFile, id_path, iter_source_files, load_records
from indexer.lock import WriterLock
from indexer.metadata.corrections import load_corrections
from indexer.records import Record
from indexer.workers import WorkerFailure, cpu_count, extend_deadline, run_isolated

if TYPE_CHECKING:
    from indexer.extract.ocr import OcrOptions

# Below this many documents a rebuild is written by one process: each writer process loads the
# segmenter's dictionary and writes its own segment, which costs more than it saves.
PARALLEL_MIN_DOCS = 200
Loaded = tuple[list[Record], list[str]]  # a file's records, and its warnings
# A file's time limit grows by this much for each page it reads by OCR: a page takes 3 to 8 s on
# an idle core and several times that on a busy machine; the limit only stops runaway files.
OCR_SECONDS_PER_PAGE = 60


def _load_one(src: SourceFile, ocr: OcrOptions | None = None) -> Loaded | str:
    """Worker: a file's records and warnings, or the one-line reason it failed."""
    warnings: list[str] = []
    try:
        records = load_records(
            src.path, src.key, src.visibility, src.id_path, warnings=warnings, ocr=ocr
        )
    except ExtractionError as exc:
        return exc.reason
    return records, warnings


def ocr_options(config: Config, jobs: int, files: int) -> OcrOptions:
    """How the workers read scanned pages: as configured, cached beside the index, with the
    cores shared among the workers, and more time for a file per page to recognise."""
    from indexer.extract.ocr import OcrOptions
    from indexer.extract.ocrcache import cache_dir

    return OcrOptions(
        enabled=config.index.ocr != "off",
        cache=cache_dir(config.index.path),
        threads=max(1, cpu_count() // max(1, min(jobs, files))),
        on_plan=_more_time,
    )


def _more_time(pages: int) -> None:
    extend_deadline(pages * OCR_SECONDS_PER_PAGE)


def _iter_loaded(
    todo: list[SourceFile], jobs: int, limits: IndexConfig, ocr: OcrOptions
) -> Iterator[tuple[SourceFile, Loaded | str]]:
    """Each file's records and warnings or failure reason, each in a bounded child process."""
    results = run_isolated(
        partial(_load_one, ocr=ocr),
        todo,
        jobs=jobs,
        timeout=limits.file_timeout,
        memory_mb=limits.file_memory_mb,
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
    roots = [*config.sources.paths, *config.sources.internal_paths]
    for group, visibility in groups:
        for item in iter_source_files(group, config.root, visibility):
            if isinstance(item, ExtractionError):
                errors.append(FileOutcome(item.path, "failed", error=item.reason))
            elif item.key not in files:
                # The configured folder first: a file's ids are the same whether it is indexed
                # alone (`gazette index FILE`) or with its folder.
                files[item.key] = replace(item, id_path=id_path(item.path, roots, group))
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
        report.notes.extend(discard_unfinished(layout))
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
        self.outcomes: dict[str, FileOutcome] = {}
        from indexer.analysis.segment import read_user_dict

        self.config_words = read_user_dict(config.analysis.user_dict)
        self.corrections = load_corrections(config.sources.corrections)

    def execute(self, rebuild: bool) -> None:
        files, scan_errors = scan_sources(self.config, self.paths, self.internal)
        self.report.files.extend(scan_errors)
        self.report.rebuilt = rebuild
        if rebuild:
            self._rebuild(files)
        else:
            self._update(files)

    def _outcome(self, outcome: FileOutcome) -> FileOutcome:
        self.report.files.append(outcome)
        self.outcomes[outcome.source] = outcome
        return outcome

    def _fingerprint_all(
        self, files: list[SourceFile], states: dict[str, SourceState]
    ) -> dict[str, Fingerprint]:
        """Each readable file's fingerprint; the unreadable ones reported as failed."""
        found = {}
        for src in files:
            try:
                found[src.key] = manifest.fingerprint(src.path, states.get(src.key))
            except OSError as exc:
                self._outcome(FileOutcome(src.key, "failed", error=str(exc.strerror or exc)))
        return found

    def _gone(self, states: dict[str, SourceState], files: list[SourceFile]) -> list[str]:
        """Indexed sources no longer found in the scanned paths (not those under a path that
        cannot be seen now)."""
        scanned = {f.key for f in files}
        unseen = missing_roots(self.config, self.paths)
        return [
            k
            for k in states
            if k not in scanned
            and _in_scope(k, self.config.root, self.paths)
            and not (unseen and _in_scope(k, self.config.root, unseen))
        ]

    def _load(
        self, todo: list[SourceFile], known: Iterable[str]
    ) -> list[tuple[SourceFile, list[Record]]]:
        """Load files (in parallel), report each; the ones that gave records, in key order."""
        known = set(known)
        done_bytes = docs = 0
        loaded = []
        sizes = {s.key: s.path.stat().st_size for s in todo}
        self.progress(Progress("read", 0, len(todo), 0, 0))
        ocr = ocr_options(self.config, self.jobs, len(todo))
        loading = _iter_loaded(todo, self.jobs, self.config.index, ocr)
        for n, (src, result) in enumerate(loading, 1):
            done_bytes += sizes[src.key]
            status: Status = "changed" if src.key in known else "added"
            if isinstance(result, str):
                self._outcome(FileOutcome(src.key, "failed", error=result, size=sizes[src.key]))
            else:
                records, warnings = result
                self.corrections.apply(records)
                docs += len(records)
                self._outcome(
                    FileOutcome(
                        src.key,
                        status,
                        len(records),
                        size=sizes[src.key],
                        review=sum(1 for r in records if r.review),
                    )
                ).warnings.extend(warnings)
                loaded.append((src, records))
            self.progress(Progress("read", n, len(todo), docs, done_bytes, src.key))
        return sorted(loaded, key=lambda pair: pair[0].key)

    def _claim(
        self,
        loaded: list[tuple[SourceFile, list[Record]]],
        taken: dict[str, str],
        before: dict[str, str],
    ) -> Claimed:
        """Keep one record per id (see :mod:`indexer.index.ids`); report the refused ones."""
        claimed = claim_ids([(src.key, recs) for src, recs in loaded], taken, before)
        for key in claimed.refused:
            outcome = self.outcomes[key]
            outcome.documents = len(claimed.kept[key])
            outcome.warnings.append(claimed.problem(key))
        return claimed

    def _new_states(
        self,
        loaded: list[tuple[SourceFile, list[Record]]],
        claimed: Claimed,
        fingerprints: dict[str, Fingerprint],
    ) -> dict[str, SourceState]:
        return {
            src.key: SourceState(
                sha1=fingerprints[src.key].sha1,
                visibility=src.visibility,
                id_path=src.id_path,
                size=fingerprints[src.key].size,
                mtime_ns=fingerprints[src.key].mtime_ns,
                ids=tuple(sorted(rec.id for rec in claimed.kept[src.key])),
                complete=src.key not in claimed.refused,
                corrections=self.corrections.digest(rec.id for rec in claimed.kept[src.key]),
            )
            for src, _ in loaded
        }

    def _rebuild(self, files: list[SourceFile]) -> None:
        previous = PreviousIndex.open(self.layout)
        fingerprints = self._fingerprint_all(files, {})
        loaded = self._load([f for f in files if f.key in fingerprints], ())
        failed = {o.source for o in self.report.files if o.status == "failed"}
        carried = carry_over(previous, [k for k in previous.states if k in failed])
        carried.add(carry_over(previous, self._unseen(previous.states, files), unseen=True))
        self.report.notes.extend(carried.notes)
        claimed = self._claim(loaded, carried.ids_by_owner(), previous.owners())
        states = carried.states | self._new_states(loaded, claimed, fingerprints)
        docs = [(rec, carried.states[key].sha1) for key, recs in carried.records for rec in recs]
        docs += [
            (rec, fingerprints[src.key].sha1) for src, _ in loaded for rec in claimed.kept[src.key]
        ]
        from indexer.analysis.vocabulary import collect_terms

        user_words = tuple(
            sorted(set(self.config_words) | set(collect_terms([rec for rec, _ in docs])))
        )
        gen = self.layout.new_generation()
        try:
            ix = whoosh_index.create_in(str(gen), store.make_schema(user_words))
            self._write(ix, docs, delete=(), parallel=len(docs) >= PARALLEL_MIN_DOCS)
            if ix.doc_count() != len(docs):
                raise StoreError(
                    f"the new index holds {ix.doc_count()} of {len(docs)} documents "
                    "(a writer process failed); the previous index is unchanged"
                )
            meta = store.analysis_meta(self.config_words, user_words)
            meta["built_at"] = time.strftime("%Y-%m-%dT%H:%M:%S")
            store.write_meta(gen, meta)
            self._save_states(gen, states)
            store.swap_live(self.layout, gen)
        except BaseException:
            shutil.rmtree(gen, ignore_errors=True)
            raise
        self.report.documents = ix.doc_count()
        self._note_orphans(states)

    def _update(self, files: list[SourceFile]) -> None:
        ix, gen, meta = store.open_live(self.layout)
        store.check_analysis(meta, self.config_words)
        known = manifest.load(gen, ix)
        fingerprints = self._fingerprint_all(files, known.states)
        todo = [src for src in files if src.key in fingerprints]
        todo = [src for src in todo if not self._unchanged(src, fingerprints[src.key], known)]
        gone = self._gone(known.states, files)
        loaded = self._load(todo, known.states)
        for key in gone:
            self._outcome(FileOutcome(key, "removed"))
        replaced = {*gone, *(src.key for src, _ in loaded)}
        owners = known.ids_by_owner()
        taken = {doc_id: key for doc_id, key in owners.items() if key not in replaced}
        claimed = self._claim(loaded, taken, owners)
        if replaced:
            docs = [
                (rec, fingerprints[src.key].sha1)
                for src, _ in loaded
                for rec in claimed.kept[src.key]
            ]
            self._write(ix, docs, delete=sorted(replaced))
            for key in gone:
                del known.states[key]
            known.states.update(self._new_states(loaded, claimed, fingerprints))
            known.dirty = True
        if known.dirty:
            self._save_states(gen, known.states)
        self.report.documents = ix.doc_count()
        self._note_orphans(known.states)

    def _unchanged(self, src: SourceFile, fp: Fingerprint, known: Manifest) -> bool:
        """Whether the index holds this version of the file; reported "unchanged" if so, and
        its entry vouched for by the newer stat."""
        state = known.states.get(src.key)
        if (
            state is None
            or not state.indexes(fp, src.visibility, src.id_path)
            or state.corrections != self.corrections.digest(state.ids)
        ):
            return False
        self._outcome(FileOutcome(src.key, "unchanged"))
        if (state.size, state.mtime_ns) != (fp.size, fp.mtime_ns):
            known.states[src.key] = manifest.with_fingerprint(state, fp)
            known.dirty = True
        return True

    def _unseen(self, states: dict[str, SourceState], files: list[SourceFile]) -> list[str]:
        """Indexed sources under a scanned path that cannot be seen now (an unmounted share)."""
        unseen = missing_roots(self.config, self.paths)
        scanned = {f.key for f in files}
        return [
            k
            for k in states
            if unseen and k not in scanned and _in_scope(k, self.config.root, unseen)
        ]

    def _note_orphans(self, states: dict[str, SourceState]) -> None:
        """Report each staff correction whose document is not in the index (its file gone, or
        its id changed): kept in the file, never dropped silently, but not an input failure."""
        indexed = (doc_id for state in states.values() for doc_id in state.ids)
        path = self.config.sources.corrections
        self.report.notes.extend(
            f"{path}: correction of {doc_id} kept, but no such document is in the index"
            for doc_id in self.corrections.orphans(indexed)
        )

    def _save_states(self, gen: Path, states: dict[str, SourceState]) -> None:
        """Record the sources' states; when that fails the index is still right, and the next
        run rebuilds the states from it (slower), so a note is enough."""
        try:
            manifest.save(gen, states)
        except OSError as exc:
            self.report.notes.append(
                f"cannot record the sources' state in {gen}: {exc.strerror or exc};"
                " the next run reads it from the index"
            )

    def _write(
        self, ix: Any, docs: list[tuple[Record, str]], delete: Iterable[str], parallel: bool = False
    ) -> None:
        write_documents(
            ix,
            docs,
            delete,
            live=self.layout.live,
            jobs=self.jobs,
            parallel=parallel,
            progress=self.progress,
        )
