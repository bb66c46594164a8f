"""Reading an index below Whoosh's public interface: whole posting lists, the length column's
bytes, the newest table of contents, and which files of an index directory it needs.

The search layer scores whole posting lists at once (see :mod:`searchapp.evaluate`); Whoosh's
matchers hand out one posting per method call, so these functions read their blocks directly.
They know the W3 format of the pinned Whoosh (checked in :mod:`indexer.index.whoosh`) and fall
back to the public, slower interface for anything else.

Files: Which files of an index directory its latest commit needs, and removing the others.

Whoosh writes a commit's segment files first and its table of contents (TOC) last, by a rename,
so a write that fails or is killed leaves segment files no TOC lists: Whoosh's ``cancel()`` does
not delete them, and a writer killed by SIGKILL cannot. On a full disk those files keep the disk
full, and every later run fails. :func:`remove_unreferenced` removes them, knowing the referenced
set from the latest TOC alone, so that it can never remove a file of a committed segment.
"""

from __future__ import annotations

import shutil
from array import array
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher
from whoosh.filedb.filestore import FileStorage
from whoosh.index import _DEF_INDEX_NAME, TOC, FileIndex
from whoosh.matching import ListMatcher
from whoosh.util.numeric import length_to_byte

from indexer.index.tocname import SEGMENT_FILE, TEMP_SUFFIXES, TOC_TEMP, latest_generation
from indexer.index.tocname import TOC as TOC_NAME

# Document numbers ascending, and their weights
Postings = tuple[NDArray[np.int32], NDArray[np.float64]]


class PostingMatcher(Protocol):
    """What :func:`leaf_postings` needs of a matcher it does not know: Whoosh's public loop."""

    def is_active(self) -> bool: ...

    def id(self) -> int: ...

    def weight(self) -> float: ...

    def next(self) -> Any: ...


class LengthReader(Protocol):
    """What :func:`length_bytes` needs of a reader whose codec it does not know."""

    def doc_count_all(self) -> int: ...

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int | None: ...


def leaf_postings(matcher: PostingMatcher) -> Postings:
    """All document numbers (ascending) and weights of a posting list, read a block at a time.

    ``matcher`` is what ``reader.postings()`` returns for one segment, unwrapped of any filter;
    it is consumed. W3 blocks and inlined lists are read whole; other matchers a posting at a time.
    """
    if isinstance(matcher, ListMatcher):
        return _list_postings(matcher)
    if isinstance(matcher, W3LeafMatcher) and not matcher._byteids:
        return _block_postings(matcher)
    ids: list[int] = []
    weights: list[float] = []
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()
    return np.array(ids, dtype=np.int32), np.array(weights, dtype=np.float64)


def _list_postings(m: ListMatcher) -> Postings:
    """An inlined list (kept in the term dictionary): its ids and weights are plain sequences."""
    ids = np.array(m._ids, dtype=np.int32)
    if m._all_weights:
        return ids, np.full(len(ids), m._all_weights, dtype=np.float64)
    if m._weights:
        return ids, np.array(m._weights, dtype=np.float64)
    return ids, np.ones(len(ids), dtype=np.float64)


def _block_postings(m: W3LeafMatcher) -> Postings:
    """A list in the postings file, block after block: ids stored as deltas, weights as an
    array, or one number for the whole block, or nothing when all are 1. A long block keeps
    them as arrays (see :mod:`indexer.index.whoosh.codec`), taken whole; a short one as tuples.
    """
    ids: list[NDArray[np.int32]] = []
    weights: list[NDArray[np.float64]] = []
    while not m._atend:
        data = m._data
        if data is None:
            m._read_data()
            data = m._data
        deltas, w = data[0], data[1]
        if isinstance(deltas, array):
            block_ids = np.frombuffer(deltas, dtype=deltas.typecode).cumsum(dtype=np.int32)
        else:
            block_ids = np.array(deltas, dtype=np.int64).cumsum().astype(np.int32)
        ids.append(block_ids)
        if w is None:
            weights.append(np.ones(len(block_ids), dtype=np.float64))
        elif isinstance(w, (int, float)):
            weights.append(np.full(len(block_ids), w, dtype=np.float64))
        elif isinstance(w, array):
            weights.append(np.frombuffer(w, dtype=w.typecode).astype(np.float64))
        else:
            weights.append(np.array(w, dtype=np.float64))
        m._next_block()
    if len(ids) == 1:
        return ids[0], weights[0]
    return np.concatenate(ids), np.concatenate(weights)


def length_bytes(reader: LengthReader, fieldname: str) -> bytes:
    """Each document's length byte for ``fieldname`` (Whoosh stores lengths quantised), for a
    segment reader; documents past the column's end count as length 0."""
    size = reader.doc_count_all()
    try:  # the W3 length column is one byte a document: read it whole
        perdoc: Any = reader._perdoc  # type: ignore[attr-defined]
        column = perdoc._cached_reader(f"_{fieldname}_len", LENGTHS_COLUMN)
        raw = bytes(column._dbfile.get(column._basepos, column._count)) if column else b""
        return raw[:size] + bytes(max(0, size - len(raw)))
    except AttributeError:  # another codec or reader: ask document by document
        return bytes(
            length_to_byte(reader.doc_field_length(d, fieldname, 0) or 0) for d in range(size)
        )


def segment_count(ix: FileIndex) -> int:
    """How many segments the index's latest table of contents lists."""
    return len(ix._segments())


def referenced_segments(folder: Path) -> set[str] | None:
    """The segment ids (``MAIN_<segid>``) the latest TOC of ``folder`` lists; None when there is
    no TOC or it cannot be read. Unpickles the TOC: check the index's format first.
    """
    storage = FileStorage(str(folder))
    try:
        generation = latest_generation(folder)
        if generation < 0:
            return None
        toc = TOC.read(storage, _DEF_INDEX_NAME, gen=generation)
    # Unpickling raises whatever the pickled classes raise; a TOC that cannot be read, for any
    # reason, names no segment for certain, so nothing may be removed.
    except Exception:
        return None
    return {segment.segment_id() for segment in toc.segments}


def unreferenced(folder: Path, segments: set[str]) -> list[Path]:
    """Files and folders of ``folder`` that a commit listing ``segments`` does not need: other
    segments' files, older TOCs, unfinished TOCs and temporary files. Names that are none of
    these (``gazette.json``, ``sources.json``, Whoosh's lock) are never listed.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     names = ["MAIN_keep.trm", "MAIN_gone.trm", "MAIN_gone._stored.col", "_MAIN_3.toc",
    ...              "_MAIN_2.toc", "_MAIN_4.toc.1733.5", "MAIN.tmp", "sources.json.tmp",
    ...              "sources.json", "gazette.json", "MAIN_WRITELOCK"]
    ...     for name in names:
    ...         _ = (Path(tmp) / name).write_bytes(b"")
    ...     sorted(p.name for p in unreferenced(Path(tmp), {"MAIN_keep"}))
    ['MAIN.tmp', 'MAIN_gone._stored.col', 'MAIN_gone.trm', '_MAIN_2.toc', '_MAIN_4.toc.1733.5', 'sources.json.tmp']
    """  # noqa: E501
    tocs = {p: int(m.group(1)) for p in folder.iterdir() if (m := TOC_NAME.fullmatch(p.name))}
    latest = max(tocs.values(), default=-1)
    found = []
    for path in folder.iterdir():
        name = path.name
        segment = SEGMENT_FILE.fullmatch(name)
        if path in tocs:
            unused = tocs[path] != latest
        elif segment:
            unused = segment.group(1) not in segments
        else:
            unused = bool(TOC_TEMP.fullmatch(name)) or name.endswith(TEMP_SUFFIXES)
        if unused:
            found.append(path)
    return found


def remove_unreferenced(folder: Path) -> list[str]:
    """Remove what :func:`unreferenced` lists for the latest commit of ``folder``; the names
    removed. Nothing is removed when there is no readable TOC. Call with the writer lock held.

    Raises OSError when a file cannot be removed.
    """
    segments = referenced_segments(folder)
    if segments is None:
        return []
    removed = []
    for path in unreferenced(folder, segments):
        try:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
        except FileNotFoundError:
            continue
        removed.append(path.name)
    return sorted(removed)
