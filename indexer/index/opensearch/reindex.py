"""``gazette index`` into OpenSearch: the same reading, claiming and reporting as the Whoosh run
(:class:`indexer.index.reindex._Run`), with an OpenSearch index as the place records go.

A rebuild fills a new concrete index and moves the alias (see :mod:`.writer`); an update
compares every file with the source states kept beside the live index and replaces only the
documents of files that changed or went away. The writer lock is the same file lock as the
Whoosh run's, beside ``[index] path``: one writer per machine.
"""

from __future__ import annotations

import time
from pathlib import Path

from indexer.analysis.tokens import JiebaTokenizer
from indexer.config import Config
from indexer.errors import StoreError
from indexer.index import store
from indexer.index.manifest import Manifest, SourceState
from indexer.index.opensearch.mapping import check_mapping
from indexer.index.opensearch.writer import OpenSearchIndex
from indexer.index.reindex import _Run
from indexer.index.report import FileOutcome, ProgressFn, ReindexReport, locked_run
from indexer.index.sources import SourceFile


def reindex_opensearch(
    config: Config,
    paths: list[Path] | None = None,
    *,
    rebuild: bool = False,
    jobs: int | None = None,
    internal: bool = False,
    progress: ProgressFn | None = None,
) -> ReindexReport:
    """Bring the OpenSearch index named by ``[backend]`` up to date with the sources."""
    layout = store.Layout(config.index.path)
    layout.live.parent.mkdir(parents=True, exist_ok=True)
    target = OpenSearchIndex(config.backend)
    with locked_run(layout.lock) as report:
        run = _OpenSearchRun(
            config, layout, paths, jobs or 0, internal, progress or (lambda p: None), report
        )
        run.target = target
        run.execute(rebuild or target.live() is None)
    return report


class _OpenSearchRun(_Run):
    """The Whoosh run's steps, writing to OpenSearch."""

    target: OpenSearchIndex

    def _rebuild(self, files: list[SourceFile]) -> None:
        fingerprints = self._fingerprint_all(files, {})
        loaded = self._load([f for f in files if f.key in fingerprints], ())
        claimed = self._claim(loaded, {}, {})
        states = self._new_states(loaded, claimed, fingerprints)
        records = [rec for src, _ in loaded for rec in claimed.kept[src.key]]
        from indexer.analysis.vocabulary import collect_terms

        user_words = tuple(sorted(set(self.config_words) | set(collect_terms(records))))
        meta = store.analysis_meta(self.config_words, user_words)
        meta["built_at"] = time.strftime("%Y-%m-%dT%H:%M:%S")
        meta["words"] = list(user_words)  # the segmenter's user words, for updates and queries
        concrete = self.target.create(meta)
        try:
            self.target.write(concrete, records, JiebaTokenizer(user_words))
            self.target.save_states(concrete, states)
            self.target.refresh(concrete)
            held = self.target.count(concrete)
            if held != len(records):
                raise StoreError(
                    f"the new index holds {held} of {len(records)} documents; "
                    "the previous index is unchanged"
                )
            self.target.publish(concrete)
        except BaseException:
            self.target.drop(concrete)
            raise
        self.report.documents = held
        self._note_orphans(states)

    def _update(self, files: list[SourceFile]) -> None:
        concrete = self.target.live()
        assert concrete is not None  # execute() rebuilds when there is no index
        meta = self.target.meta(concrete)
        store.check_analysis(meta, self.config_words)
        check_mapping(meta)
        known = Manifest(self.target.states(concrete))
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
        changed: dict[str, SourceState] = {}
        if replaced:
            old_ids = [i for key in sorted(replaced) for i in self.target.ids_of(concrete, key)]
            records = [rec for src, _ in loaded for rec in claimed.kept[src.key]]
            new_ids = {rec.id for rec in records}
            tokenizer = JiebaTokenizer(tuple(meta.get("words", ())))
            self.target.write(
                concrete, records, tokenizer, delete=[i for i in old_ids if i not in new_ids]
            )
            self.target.refresh(concrete)
            changed = self._new_states(loaded, claimed, fingerprints)
        if replaced or known.dirty:
            unchanged = {k: v for k, v in known.states.items() if k not in replaced}
            self.target.save_states(concrete, {**unchanged, **changed}, gone=gone)
        self.report.documents = self.target.count(concrete)
        self._note_orphans({k: v for k, v in {**known.states, **changed}.items() if k not in gone})
