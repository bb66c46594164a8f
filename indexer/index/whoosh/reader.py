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
import struct
from array import array
from io import BytesIO
from pathlib import Path
from pickle import load, loads
from typing import Any, Protocol
from zlib import decompress

import numpy as np
from numpy.typing import NDArray
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, WHOOSH3_HEADER_MAGIC, W3TermInfo
from whoosh.filedb.filestore import FileStorage
from whoosh.index import _DEF_INDEX_NAME, TOC, FileIndex
from whoosh.matching import FilterMatcher
from whoosh.util.numeric import length_to_byte

from indexer.errors import StoreError
from indexer.index.tocname import SEGMENT_FILE, TEMP_SUFFIXES, TOC_TEMP, latest_generation
from indexer.index.tocname import TOC as TOC_NAME

# Document numbers ascending, and their weights
Postings = tuple[NDArray[np.int32], NDArray[np.float64]]
_BLOCK_LENGTH = struct.Struct("!i")  # W3's block length, as Whoosh's StructFile writes an int


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


def term_postings(reader: Any, fieldname: str, btext: bytes, terminfo: Any) -> Postings:
    """All document numbers (ascending) and weights of a term in one segment, deleted documents
    included; ``terminfo`` is the term's entry in the segment's term dictionary
    (``reader.term_info()``).

    A W3 list is taken from the entry when inlined, else read straight from its extent in the
    postings file, one read, its blocks parsed in turn, without a matcher. Another reader or
    codec is read through its matcher (:func:`leaf_postings`).
    """
    if isinstance(terminfo, W3TermInfo):
        if terminfo.is_inlined():
            ids, weights, _values = terminfo.inlined_postings()
            return _inlined_arrays(ids, weights)
        postfile = getattr(getattr(reader, "_terms", None), "_postfile", None)
        if postfile is not None:
            offset, length = terminfo.extent()
            if isinstance(length, tuple):  # W3TermInfo.from_bytes keeps the unpacked tuple
                (length,) = length
            return _extent_postings(postfile.get(offset, length))
    return leaf_postings(_unfiltered(reader.postings(fieldname, btext)))


def leaf_postings(matcher: PostingMatcher) -> Postings:
    """All document numbers and weights of a posting list through Whoosh's public matcher
    interface, a posting at a time; ``matcher`` is consumed."""
    ids: list[int] = []
    weights: list[float] = []
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()
    return np.array(ids, dtype=np.int32), np.array(weights, dtype=np.float64)


def _inlined_arrays(ids: Any, weights: Any) -> Postings:
    """Inlined ids and their weights (none when all are 1)."""
    docs = np.array(ids, dtype=np.int32)
    if not weights:
        return docs, np.ones(len(docs), dtype=np.float64)
    return docs, np.array(weights, dtype=np.float64)


def _unfiltered(matcher: Any) -> Any:
    while isinstance(matcher, FilterMatcher):
        matcher = matcher.child
    return matcher


def _extent_postings(data: bytes) -> Postings:
    """Parse a W3 posting list: a header tag, then blocks of a length (negative for the last),
    a pickled information tuple (postings, last id, top weight, compression, lengths) and the
    block's data, pickled and compressed as the information says."""
    if data[: len(WHOOSH3_HEADER_MAGIC)] != WHOOSH3_HEADER_MAGIC:
        raise StoreError("a posting list in the index is damaged: run `gazette index --rebuild`")
    stream = BytesIO(data)
    position = len(WHOOSH3_HEADER_MAGIC)
    ids: list[NDArray[np.int32]] = []
    weights: list[NDArray[np.float64]] = []
    last = False
    while not last:
        (length,) = _BLOCK_LENGTH.unpack_from(data, position)
        last = length < 0
        end = position + _BLOCK_LENGTH.size + abs(length)
        stream.seek(position + _BLOCK_LENGTH.size)
        compression = load(stream)[3]
        raw = data[stream.tell() : end]
        block_ids, block_weights = _block_arrays(loads(decompress(raw) if compression else raw))
        ids.append(block_ids)
        weights.append(block_weights)
        position = end
    return _joined(ids, weights)


def _block_arrays(data: tuple[Any, ...]) -> Postings:
    """One block's ids and weights from its unpickled data ``(ids, weights, values)``: ids as
    deltas, an array in a long block or a tuple; weights an array or a tuple, one number for
    the whole block, or None when all are 1."""
    deltas, w = data[0], data[1]
    if isinstance(deltas, array):
        ids = np.frombuffer(deltas, dtype=deltas.typecode).cumsum(dtype=np.int32)
    else:
        ids = np.array(deltas, dtype=np.int64).cumsum().astype(np.int32)
    if w is None:
        return ids, np.ones(len(ids), dtype=np.float64)
    if isinstance(w, (int, float)):
        return ids, np.full(len(ids), w, dtype=np.float64)
    if isinstance(w, array):
        return ids, np.frombuffer(w, dtype=w.typecode).astype(np.float64)
    return ids, np.array(w, dtype=np.float64)


def _joined(ids: list[NDArray[np.int32]], weights: list[NDArray[np.float64]]) -> Postings:
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
