"""``gazette index``: bring the index up to date with the source files.

Incremental by content hash: unchanged files are skipped, changed files replace their documents,
files gone from the scanned sources lose theirs. What the index holds of each file is kept in
``sources.json`` beside it (see :mod:`indexer.index.manifest`); a file whose size and mtime are
as recorded is not even read. A rebuild (``--rebuild``, or no index yet) writes a new generation
beside the live one and swaps it in atomically (see :mod:`indexer.index.store`). One writer at a
time (see :mod:`indexer.lock`). A bad file never stops the run: it is reported with its reason
and the documents it had before are kept, by a rebuild too (see :mod:`indexer.index.carry`).
Every id names one document: a record whose id another source has is refused and reported (see
:mod:`indexer.index.ids`). After a run in which every file was read, the OCR cache loses the
pages no indexed source uses (see :mod:`indexer.index.loading`).
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from indexer.config import Config
from indexer.errors import ExtractionError, StoreError
from indexer.index import manifest, store
from indexer.index.carry import PreviousIndex, carry_over
from indexer.index.ids import Claimed, claim_ids
from indexer.index.manifest import Fingerprint, Manifest, SourceState
from indexer.index.report import (
    FileOutcome,
    ProgressFn,
    ReadTally,
    ReindexReport,
    Status,
    locked_run,
)
from indexer.index.sources import SourceFile, id_path, iter_source_files
from indexer.index.tocname import may_hold_unfinished
from indexer.metadata.corrections import load_corrections
from indexer.records import Record

if TYPE_CHECKING:
    from indexer.extract.ocr import OcrOptions

# Below this many documents a rebuild is written by one process: each writer process loads the
# segmenter's dictionary and writes its own segment, which costs more than it saves.
PARALLEL_MIN_DOCS = 200


def ocr_options(config: Config, jobs: int, files: int) -> OcrOptions:
    """How the workers read scanned pages: as configured, cached beside the index, with the
    cores shared among the workers, and more time for a file per page to recognise."""
    from indexer.extract.ocr import OcrOptions
    from indexer.extract.ocrcache import cache_dir
    from indexer.index.loading import plan_pages
    from indexer.workers import cpu_count

    return OcrOptions(
        enabled=config.index.ocr != "off",
        cache=cache_dir(config.index.path),
        threads=max(1, cpu_count() // max(1, min(jobs, files))),
        on_plan=plan_pages,
    )


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
    layout = store.Layout(config.index.path)
    with locked_run(layout.lock) as report:
        store.remove_old_generations(layout)
        report.notes.extend(_discard_unfinished(layout))
        run = _Run(config, layout, paths, jobs or 0, internal, progress or (lambda p: None), report)
        run.execute(rebuild or layout.current() is None)
    return report


def _discard_unfinished(layout: store.Layout) -> list[str]:
    """What a killed or failed write left in the live generation, removed (see
    :func:`indexer.index.commit.discard_unfinished`), when the file names say there may be any:
    reading the table of contents for certain means importing and unpickling Whoosh's."""
    live = layout.current()
    try:
        if live is None or not may_hold_unfinished(live):
            return []
    except OSError:
        pass  # unlisted: the thorough check says why
    from indexer.index.commit import discard_unfinished

    return discard_unfinished(layout)


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
        self.config, self.layout, self.paths, self._jobs = config, layout, paths, jobs
        self.internal, self.progress, self.report = internal, progress, report
        self.outcomes: dict[str, FileOutcome] = {}
        self.ocr_keys: dict[str, tuple[str, ...]] = {}  # the OCR'd pages of each file read
        from indexer.analysis.segment import read_user_dict

        self.config_words = read_user_dict(config.analysis.user_dict)
        self.corrections = load_corrections(config.sources.corrections)

    @property
    def jobs(self) -> int:
        """Processes to read and write with: as asked, else one per core (found only when
        there is work, so that a run with nothing to do starts nothing of multiprocessing)."""
        if not self._jobs:
            from indexer.workers import cpu_count

            self._jobs = cpu_count()
        return self._jobs

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
        if not todo:
            return []  # nothing to read: not even the OCR engine's options are needed
        from indexer.index.loading import iter_loaded

        known = set(known)
        loaded = []
        sizes = {s.key: s.path.stat().st_size for s in todo}
        tally = ReadTally(self.progress, len(todo))
        tally.tell()
        ocr = ocr_options(self.config, self.jobs, len(todo))
        loading = iter_loaded(todo, self.jobs, self.config.index, ocr, tally.ocr_pages)
        for src, result in loading:
            status: Status = "changed" if src.key in known else "added"
            if isinstance(result, str):
                self._outcome(FileOutcome(src.key, "failed", error=result, size=sizes[src.key]))
                tally.file_read(src.key, sizes[src.key], 0)
            else:
                records, warnings, self.ocr_keys[src.key] = result
                self.corrections.apply(records)
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
                tally.file_read(src.key, sizes[src.key], len(records))
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
                ocr_keys=self.ocr_keys.get(src.key, ()),
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
        from whoosh import index as whoosh_index

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
        self._prune_ocr_cache(states)

    def _update(self, files: list[SourceFile]) -> None:
        # Whoosh is opened only when the manifest is stale or something is written: a run with
        # nothing to do reads two small JSON files and stats the sources.
        gen, meta = store.live_meta(self.layout)
        store.check_analysis(meta, self.config_words)
        ix = None
        known = manifest.load_saved(gen)
        if known is None:
            ix = store.open_generation(gen)
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
            ix = ix or store.open_generation(gen)
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
        self.report.documents = known.documents() if ix is None else ix.doc_count()
        self._note_orphans(known.states)
        self._prune_ocr_cache(known.states)

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

    def _prune_ocr_cache(self, states: dict[str, SourceState]) -> None:
        """Remove the OCR'd pages no source in ``states`` (what the index now holds) was read
        from, after a run that read or removed a file (one that changed nothing has nothing
        to remove); not after a run in which a file failed: a scan that ran out of time keeps
        the pages it read for the next try."""
        read = any(f.status != "unchanged" for f in self.report.files)
        used = manifest.ocr_keys_in_use(states) if read else None
        if used is None or self.report.failed:
            return
        from indexer.extract.ocrcache import cache_dir, prune_cache

        removed = prune_cache(cache_dir(self.config.index.path), used)
        if removed:
            self.report.notes.append(f"removed {removed} unused OCR pages from the cache")

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
        from indexer.index.commit import write_documents

        write_documents(
            ix,
            docs,
            delete,
            live=self.layout.live,
            jobs=self.jobs,
            parallel=parallel,
            progress=self.progress,
        )
