"""Phrase keys of indexed bodies, decoded once per segment and shared by every searcher.

The index keeps each body's :func:`indexer.analysis.phrase_key` in a compressed column; exact
phrase queries check the candidates' keys (see :class:`searchapp.matchers.AdjacentPhrase`).
Decompressing a key costs far more than searching it, so decoded keys are kept, per segment
(segments never change once written), up to :data:`MAX_CHARS` characters in all; the least
recently used segments go first. The whole 3,423-law corpus is about 19 million characters.
"""

from __future__ import annotations

import threading
from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Iterable
from typing import Any
from weakref import WeakKeyDictionary

MAX_CHARS = 48_000_000


class _SegmentKeys:
    """Decoded keys of one segment, filled on demand."""

    def __init__(self, size: int) -> None:
        self.keys: list[str | None] = [None] * size
        self.chars = 0


class _Cache:
    def __init__(self, max_chars: int) -> None:
        self.max_chars = max_chars
        self.chars = 0
        self.lock = threading.Lock()
        self.segments: OrderedDict[tuple[str, str, int], _SegmentKeys] = OrderedDict()

    def segment(self, key: tuple[str, str, int]) -> _SegmentKeys:
        with self.lock:
            seg = self.segments.get(key)
            if seg is None:
                seg = self.segments[key] = _SegmentKeys(key[2])
            self.segments.move_to_end(key)
            return seg

    def full(self) -> bool:
        return self.chars >= self.max_chars

    def added(self, chars: int) -> None:
        """Account for a newly decoded key; drop least recently used segments when over budget."""
        with self.lock:
            self.chars += chars
            while self.chars > self.max_chars and len(self.segments) > 1:
                _, old = self.segments.popitem(last=False)
                self.chars -= old.chars


_CACHE = _Cache(MAX_CHARS)


def _segment_name(leaf: Any) -> str | None:
    """A name for a segment unique on this machine (its folder and id); None in memory.

    Segment ids alone are random names, which a seeded ``random`` (as in tests) repeats.
    """
    storage = getattr(leaf, "_storage", None)
    while storage is not None and not hasattr(storage, "folder"):
        storage = getattr(storage, "b", None)  # an OverlayStorage over the index's folder
    segment = getattr(leaf, "segment", None)
    if storage is None or segment is None or not storage.folder:
        return None
    return f"{storage.folder}/{segment().segment_id()}"


class PhraseKeys:
    """``keys[docnum]``: the phrase key of a document of ``reader`` (``""`` when it has none)."""

    def __init__(self, reader: Any, fieldname: str) -> None:
        self._offsets: list[int] = []
        self._parts: list[tuple[_SegmentKeys, Any]] = []
        for leaf, offset in reader.leaf_readers():
            name = _segment_name(leaf)
            size = leaf.doc_count_all()
            seg = _CACHE.segment((name, fieldname, size)) if name else _SegmentKeys(size)
            column = (
                leaf.column_reader(fieldname, translate=False)
                if leaf.has_column(fieldname)
                else None
            )
            self._offsets.append(offset)
            self._parts.append((seg, column))

    def __getitem__(self, docnum: int) -> str:
        i = bisect_right(self._offsets, docnum) - 1
        seg, column = self._parts[i]
        local = docnum - self._offsets[i]
        key = seg.keys[local]
        return key if key is not None else _decode(seg, column, local)

    def decode_all(self) -> None:
        """Decode every key not yet decoded, segment by segment, while the cache has room."""
        for seg, column in self._parts:
            if column is None:
                continue
            for local, key in enumerate(seg.keys):
                if _CACHE.full():
                    return
                if key is None:
                    _decode(seg, column, local)

    def containing(self, needle: str, docs: Iterable[int]) -> list[int]:
        """The documents among ``docs`` whose key contains ``needle``."""
        if len(self._parts) == 1:
            seg, _ = self._parts[0]
            keys = seg.keys
            return [d for d in docs if needle in (keys[d] or self[d])]
        return [d for d in docs if needle in self[d]]


def _decode(seg: _SegmentKeys, column: Any, local: int) -> str:
    """Decode, keep and account for the key of document ``local`` of a segment."""
    key = bytes(column[local]).decode("utf-8") if column is not None else ""
    seg.keys[local] = key
    seg.chars += len(key)
    _CACHE.added(len(key))
    return key


_READERS: WeakKeyDictionary[Any, dict[str, PhraseKeys]] = WeakKeyDictionary()
_READERS_LOCK = threading.Lock()


def phrase_keys(reader: Any, fieldname: str) -> PhraseKeys:
    """The keys of ``reader``'s documents; one :class:`PhraseKeys` per reader and field."""
    with _READERS_LOCK:
        per_field = _READERS.setdefault(reader, {})
        keys = per_field.get(fieldname)
        if keys is None:
            keys = per_field[fieldname] = PhraseKeys(reader, fieldname)
        return keys


def key_fields(schema: Any) -> list[str]:
    """The fields of ``schema`` with phrase keys: text fields without positions that keep a
    column (see :meth:`searchapp.matchers.AdjacentPhrase.method`)."""
    return [
        name
        for name, field in schema.items()
        if field.column_type is not None
        and field.format is not None
        and field.scorable
        and not field.format.supports("positions")
    ]


def decode_all(reader: Any) -> None:
    """Decode the phrase keys of every document of ``reader`` now (up to the cache's size), so
    that no request pays for decoding them: at 147,000 article records about 3 s and 22 million
    characters."""
    for name in key_fields(reader.schema):
        phrase_keys(reader, name).decode_all()
