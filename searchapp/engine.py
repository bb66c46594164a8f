"""One long-lived view of the live index per process, reopened when the index changes.

A reindex either commits a new Whoosh generation into the live directory or swaps the live
symlink to a new directory; :meth:`Engine.snapshot` notices both and opens the new index, so a
server shows a reindex without restarting. Requests borrow a Whoosh searcher from a small pool per
snapshot; the column arrays (issuer, 文种, year, date, visibility) are built once per snapshot
and shared.
"""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from whoosh.fields import Schema
from whoosh.index import FileIndex
from whoosh.reading import IndexReader
from whoosh.searching import Searcher

from indexer.config import Config
from indexer.index import store
from indexer.index.tocname import latest_generation

# Searchers per snapshot: the server's threads share them (see SearcherPool).
POOL_SIZE = 2
# How often (seconds) to look for a new index generation; a stat call per request is cheap, but
# several threads asking at once need not all look.
CHECK_INTERVAL = 0.5


@dataclass(frozen=True)
class Columns:
    """Per-document values (by Whoosh docnum) for facets, dates and visibility."""

    issuer: list[str]
    doc_type: list[str]
    year: list[str]
    date: list[str]
    public: frozenset[int]
    everyone: frozenset[int]

    def visible(self, staff: bool) -> frozenset[int]:
        return self.everyone if staff else self.public


class SearcherPool:
    """At most ``size`` Whoosh searchers of one snapshot, lent to one request at a time.

    A searcher maps the index files and keeps its own caches, a few hundred MB on a large index;
    one per server thread multiplied that by the thread count for no gain, since the work is
    Python under one GIL. Requests beyond ``size`` wait for a searcher to come back.
    """

    def __init__(self, ix: FileIndex, size: int) -> None:
        self.ix = ix
        self._slots = threading.BoundedSemaphore(size)
        self._idle: list[Searcher] = []
        self._lock = threading.Lock()
        self._retired = False

    def acquire(self) -> Searcher:
        self._slots.acquire()
        with self._lock:
            if self._idle:
                return self._idle.pop()
        from searchapp.ranking import weighting

        try:
            return self.ix.searcher(weighting=weighting())
        except BaseException:
            self._slots.release()
            raise

    def release(self, searcher: Searcher) -> None:
        with self._lock:
            if self._retired:
                searcher.close()
            else:
                self._idle.append(searcher)
        self._slots.release()

    def retire(self) -> None:
        """Close idle searchers now and lent ones when they come back (a newer index is live)."""
        with self._lock:
            self._retired = True
            idle, self._idle = self._idle, []
        for searcher in idle:
            searcher.close()


@dataclass
class Snapshot:
    """An opened generation of the index: the Whoosh index, its columns, its identity."""

    ix: FileIndex
    key: tuple[str, int]
    meta: dict[str, Any]
    columns: Columns
    schema: Schema
    pool: SearcherPool


def _text(value: Any) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value or "")


def load_columns(reader: IndexReader) -> Columns:
    """Read the column values of every live document once."""
    live = list(reader.all_doc_ids())
    size = reader.doc_count_all()
    values: dict[str, list[str]] = {}
    for name in ("issuer", "doc_type", "year", "date", "visibility"):
        column = reader.column_reader(name)
        # Values repeat (a few hundred issuers, a few thousand dates): keep one string of each.
        seen: dict[str, str] = {}
        values[name] = [seen.setdefault(text, text) for text in map(_text, column)][:size]
    public = frozenset(n for n in live if values["visibility"][n] == "public")
    return Columns(
        values["issuer"],
        values["doc_type"],
        values["year"],
        values["date"],
        public,
        frozenset(live),
    )


class Engine:
    """The index as the search layer sees it. Thread-safe."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.layout = store.Layout(config.index.path)
        self._lock = threading.Lock()
        self._snapshot: Snapshot | None = None
        self._checked = 0.0
        self._warm = False

    def _identity(self) -> tuple[Path | None, int]:
        gen = self.layout.current()
        if gen is None:
            return None, -1
        try:
            return gen, latest_generation(gen)
        except OSError:
            return gen, -1

    def snapshot(self) -> Snapshot:
        """The current snapshot, reopened if a reindex changed the index since the last look."""
        now = time.monotonic()
        snap = self._snapshot
        if snap is not None and now - self._checked < CHECK_INTERVAL:
            return snap
        with self._lock:
            self._checked = now
            gen, generation = self._identity()
            if snap is not None and gen is not None and (str(gen), generation) == snap.key:
                return snap
            self._snapshot = self._open()
            if snap is not None:
                snap.pool.retire()
            if self._warm:  # serving goes on from the old keys and the new ones decoded so far
                threading.Thread(target=_decode_keys, args=(self._snapshot,), daemon=True).start()
            return self._snapshot

    def keep_warm(self) -> None:
        """Decode the phrase keys of the index now, and of every later generation in the
        background as soon as it is opened (a server's start; see :mod:`searchapp.phrasekeys`).
        Decoding them on demand makes the first exact phrase over many documents slow. What
        is then held is set aside from the garbage collector (:func:`settle_heap`)."""
        self._warm = True
        _decode_keys(self.snapshot())

    def refresh(self) -> None:
        """Look for a newer index at the next request (this process has just written one)."""
        self._checked = 0.0

    def _open(self) -> Snapshot:
        from indexer.analysis.segment import read_user_dict

        ix, gen, meta = store.open_live(self.layout, mapped=True)
        store.check_analysis(meta, read_user_dict(self.config.analysis.user_dict))
        with ix.reader() as reader:
            columns = load_columns(reader)
        key = (str(gen), int(ix.latest_generation()))
        pool = SearcherPool(ix, POOL_SIZE)
        return Snapshot(ix=ix, key=key, meta=meta, columns=columns, schema=ix.schema, pool=pool)

    @contextmanager
    def searcher(self) -> Iterator[tuple[Snapshot, Searcher]]:
        """A searcher of the current snapshot, with the snapshot it belongs to, for one request.

        Use as ``with engine.searcher() as (snap, searcher):``; docnums, columns and the
        searcher always come from the same generation of the index.
        """
        snap = self.snapshot()
        searcher = snap.pool.acquire()
        try:
            yield snap, searcher
        finally:
            snap.pool.release(searcher)


def _decode_keys(snap: Snapshot) -> None:
    from searchapp.phrasekeys import decode_all

    try:
        with snap.ix.reader() as reader:
            decode_all(reader)
    except Exception:  # only a head start: the keys are decoded on demand anyway
        return
    settle_heap()


def settle_heap() -> None:
    """Set what the process now holds for good (columns, phrase keys, caches) aside from
    Python's cyclic garbage collector.

    A full collection walks every live container, every item of every list and set; with a
    snapshot's columns and decoded keys in memory one took 30–40 ms, once every few hundred
    requests, which was the laws' p99. Frozen objects are never walked. Unfreezing first lets
    a replaced generation's cycles be collected before the new state is frozen; objects freed by
    reference counting (nearly all) are freed either way.
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()
