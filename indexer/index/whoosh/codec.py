"""The index codec: Whoosh's own (W3), with small posting lists kept inside the term dictionary.

Most terms of a bigram index occur in a handful of documents. W3 writes every posting list as
its own compressed block with a pickled header, about 100 bytes a term whatever its length, and
its option to inline short lists into the term's entry fails (it calls ``set_inline`` where the
term info defines ``set_inlined``). :class:`GazetteCodec` repairs that and inlines lists of
fewer than :data:`INLINE_LIMIT` postings, their weights pickled compactly. Readers need nothing
new: inlined postings are part of the W3 format. Longer lists are written in blocks of
:data:`BLOCK_LIMIT` postings, not W3's 128: queries here read whole lists, and each block costs
a seek, a decompression and two unpicklings. A block of :data:`ARRAY_BLOCK_MIN` postings or
more pickles its id deltas and weights as arrays, not W3's tuples of numbers: a reader takes
them as whole arrays (see :mod:`indexer.index.whoosh.reader`) instead of a Python number a
posting, and Whoosh's own matchers read them as they read tuples. The codec is pickled into each
segment, so it lives at a stable import path.
"""

from __future__ import annotations

import struct
from array import array
from itertools import chain
from operator import sub
from pickle import dumps
from typing import Any
from zlib import compress as zlib_compress
from zlib import crc32

from whoosh.codec.whoosh3 import (
    WHOOSH3_HEADER_MAGIC,
    W3Codec,
    W3FieldWriter,
    W3PostingsWriter,
    W3TermInfo,
)
from whoosh.filedb.filetables import HashWriter, OrderedHashWriter
from whoosh.system import pack_ushort
from whoosh.util.numeric import length_to_byte
from whoosh.util.numlists import GrowableArray

INLINE_LIMIT = 16
# 147,391 records: page p99 206-212 ms with 1,024, 234-259 ms with 128; index 285 / 297 MB.
BLOCK_LIMIT = 1024
# From this many postings a block keeps arrays: on a block of 1,024 they unpickle into numbers
# 5× as fast as a tuple; below about 100 a tuple is as fast and smaller.
ARRAY_BLOCK_MIN = 128
# Arrays pickle as their bytes from protocol 3 on (protocol 2, W3's, writes a list of numbers).
_ARRAY_PROTOCOL = 4
_CRC32 = 1  # Whoosh's code for CRC-32 among its hash functions; readers take it from the file
_ENTRY_LENGTHS = struct.Struct("!ii")  # a hash file entry: key length, value length
_BUFFER_BYTES = 1 << 20


class _TermIndexWriter(OrderedHashWriter):  # type: ignore[misc]
    """W3's term dictionary, an ordered hash file, in the same format: entries are gathered in a
    buffer, hashed with CRC-32 (recorded in the header; Whoosh's default is MD5 through a hex
    string) and their positions kept in a list, instead of three writes and a ``tell`` each."""

    def __init__(self, dbfile: Any) -> None:
        HashWriter.__init__(self, dbfile, hashtype=_CRC32)
        self.index = GrowableArray("H")
        self.lastkey = b""
        self._positions: list[int] = []
        self._buffer = bytearray()
        self._base = dbfile.tell()

    def add(self, key: bytes, value: bytes) -> None:
        if key <= self.lastkey:
            raise ValueError(f"Keys must increase: {self.lastkey!r}..{key!r}")
        buffer = self._buffer
        position = self._base + len(buffer)
        self._positions.append(position)
        buffer += _ENTRY_LENGTHS.pack(len(key), len(value))
        buffer += key
        buffer += value
        h = crc32(key)
        self.buckets[h & 255].append((h, position))
        self.lastkey = key
        if len(buffer) >= _BUFFER_BYTES:
            self._flush()

    def _flush(self) -> None:
        self.dbfile.write(bytes(self._buffer))
        self._base += len(self._buffer)
        self._buffer.clear()

    def tell(self) -> int:
        return int(self._base) + len(self._buffer)

    def _write_hashes(self) -> None:
        """Whoosh's 256 open-addressing tables, each packed in one call."""
        dbfile = self.dbfile
        empty = (0, 0)
        for entries in self.buckets:
            numslots = 2 * len(entries)
            self.directory.append((dbfile.tell(), numslots))
            table = [empty] * numslots
            for entry in entries:
                slot = (entry[0] >> 8) % numslots
                while table[slot] is not empty:
                    slot = (slot + 1) % numslots
                table[slot] = entry
            if numslots:
                dbfile.write(struct.pack("!" + "Iq" * numslots, *chain.from_iterable(table)))

    def close(self) -> Any:
        self._flush()
        if self._positions:
            self.index._retype(self._positions[-1])  # positions grow: the last is the largest
            self.index.array.extend(self._positions)
        return super().close()


class _PostingsWriter(W3PostingsWriter):  # type: ignore[misc]
    _maxweight: float
    _minlength: int | None
    _maxlength: int
    _terminfo: Any

    def add_many(
        self, ids: list[int], weights: list[float], values: list[bytes], lengths: list[int]
    ) -> None:
        """``add_posting`` for a term's postings at once, a block at a time."""
        limit = self._blocklimit
        i, n = 0, len(ids)
        while i < n:
            if len(self._ids) >= limit:
                self._write_block()
            j = min(n, i + limit - len(self._ids))
            self._ids.extend(ids[i:j])
            block_weights = weights[i:j]
            self._weights.extend(block_weights)
            self._values.extend(v for v in values[i:j] if v)
            top = max(block_weights)
            if top > self._maxweight:
                self._maxweight = top
            known = [length for length in lengths[i:j] if length]
            if known:
                low, high = min(known), max(known)
                if self._minlength is None or low < self._minlength:
                    self._minlength = low
                if high > self._maxlength:
                    self._maxlength = high
            i = j

    def _mini_ids(self) -> tuple[Any, ...] | array[int]:
        """The block's ids as W3 keeps them, deltas computed in one pass: a tuple, or for a
        long block an array of the narrowest unsigned type that holds them."""
        ids = self._ids
        if self._byteids:
            return tuple(ids)
        deltas = list(map(sub, ids, chain((0,), ids)))
        if len(deltas) < ARRAY_BLOCK_MIN:
            return tuple(deltas)
        top = max(deltas)
        return array("B" if top < 1 << 8 else "H" if top < 1 << 16 else "I", deltas)

    def _mini_weights(self) -> Any:
        """As W3's (None when all are 1, one number when all are equal), but a long block's
        weights stay the 32-bit float array W3 gathers them in."""
        weights = self._weights
        if len(weights) < ARRAY_BLOCK_MIN or self._byteids:
            return super()._mini_weights()
        first = weights[0]
        if weights.count(first) == len(weights):
            return None if first == 1.0 else first
        return array("f", weights)

    def _write_block(self, last: bool = False) -> None:
        """W3's block, byte for byte in its layout (length, pickled info, compressed pickled
        data), with the data pickled at a protocol that keeps arrays as bytes."""
        postfile = self._postfile
        if not self._blockcount:
            postfile.write(WHOOSH3_HEADER_MAGIC)
        self._terminfo.add_block(self)
        data = (self._mini_ids(), self._mini_weights(), self._mini_values())
        comp = self._compression
        databytes = dumps(data, _ARRAY_PROTOCOL if isinstance(data[0], array) else 2)
        if comp:
            databytes = zlib_compress(databytes, comp)
        ids = self._ids
        info = (
            len(ids),
            ids[-1],
            self._maxweight,
            comp,
            length_to_byte(self._minlength),
            length_to_byte(self._maxlength),
        )
        infobytes = dumps(info, 2)
        length = len(infobytes) + len(databytes)
        postfile.write_int(-length if last else length)
        postfile.write(infobytes)
        postfile.write(databytes)
        self._blockcount += 1
        self._new_block()

    def finish_postings(self) -> Any:
        terminfo: Any = self._terminfo
        if not self.written() and 0 < len(self) < self._inlinelimit:
            terminfo.add_block(self)
            terminfo.set_inlined(self._ids, _compact(self._weights), self._values)
            self._terminfo = None
            return terminfo
        return super().finish_postings()


def _compact(weights: Any) -> tuple[Any, ...]:
    """Weights as the term entry pickles them: none when all are 1 (a reader's default),
    whole numbers as ints (two bytes a posting instead of nine)."""
    if weights.count(1.0) == len(weights):
        return ()
    return tuple(int(w) if w.is_integer() else w for w in weights)


class _FieldWriter(W3FieldWriter):  # type: ignore[misc]
    def __init__(self, codec: Any, storage: Any, segment: Any) -> None:
        # W3FieldWriter's, with a faster writer of the same term dictionary format.
        self._codec, self._storage, self._segment = codec, storage, segment
        self._fieldname = self._fieldid = self._btext = self._fieldobj = self._format = None
        self._tindex = _TermIndexWriter(self._create_file(W3Codec.TERMS_EXT))
        self._fieldmap: dict[str, int] = {}
        self._tindex.extras["fieldmap"] = self._fieldmap
        self._postfile = self._create_file(W3Codec.POSTS_EXT)
        self._postwriter: Any = None
        self._infield = False
        self.is_closed = False

    def add_grouped(self, schema: Any, lengths: Any, doc_count: int, fields: Any) -> None:
        """Write postings already grouped by term: ``(fieldname, terms)`` in field name order,
        each ``terms`` a sorted sequence of ``(btext, postings, values)`` where ``postings``
        alternates docnum and weight in docnum order and ``values`` maps docnum to the
        posting's value bytes (usually empty). ``lengths`` reads each document's field length.
        """
        for fieldname, terms in fields:
            fieldobj = schema[fieldname]
            self.start_field(fieldname, fieldobj)
            field_lengths = (
                [lengths.doc_field_length(d, fieldname) for d in range(doc_count)]
                if lengths is not None and fieldobj.scorable
                else None
            )
            for btext, postings, values in terms:
                ids = postings[0::2]
                weights = postings[1::2]
                self._add_term(
                    btext,
                    ids,
                    weights,
                    [values.get(d, b"") for d in ids] if values else [b""] * len(ids),
                    list(map(field_lengths.__getitem__, ids)) if field_lengths else [0] * len(ids),
                )
            self.finish_field()

    def _add_term(
        self,
        btext: bytes,
        ids: list[int],
        weights: list[float],
        values: list[bytes],
        lengths: list[int],
    ) -> None:
        """One term's postings, docnums ascending: inlined when short, else in blocks."""
        if len(ids) < self._postwriter._inlinelimit:
            self._add_inlined(btext, ids, weights, values, lengths)
            return
        self.start_term(btext)
        self._postwriter.add_many(ids, weights, values, lengths)
        self.finish_term()

    def _add_inlined(
        self,
        btext: bytes,
        ids: list[int],
        weights: list[float],
        values: list[bytes],
        lengths: list[int],
    ) -> None:
        """A short posting list straight into the term dictionary: the entry W3's term info
        would write for one inlined block (a test compares the two), without the objects."""
        known = list(filter(None, lengths))
        stored = array("f", weights)  # W3 keeps a block's weights as 32-bit floats
        entry = W3TermInfo._struct.pack(
            True,
            sum(stored),
            len(ids),
            length_to_byte(min(known)) if known else 0,
            length_to_byte(max(known)) if known else 0,
            max(max(weights), 0),
            ids[0],
            ids[-1],
        )
        inlined = (tuple(ids), _compact(stored), tuple(filter(None, values)))
        self._tindex.add(pack_ushort(self._fieldid) + btext, entry + dumps(inlined, 2))


class GazetteCodec(W3Codec):  # type: ignore[misc]
    """W3 with working inline postings (see the module docstring)."""

    def field_writer(self, storage: Any, segment: Any) -> Any:
        return _FieldWriter(self, storage, segment)

    def __init__(self, inlinelimit: int = INLINE_LIMIT, blocklimit: int = BLOCK_LIMIT) -> None:
        super().__init__(blocklimit=blocklimit, inlinelimit=inlinelimit)

    def postings_writer(self, dbfile: Any, byteids: bool = False) -> Any:
        return _PostingsWriter(
            dbfile,
            blocklimit=self._blocklimit,
            byteids=byteids,
            compression=self._compression,
            inlinelimit=self._inlinelimit,
        )
