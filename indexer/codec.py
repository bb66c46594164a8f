"""The index codec: Whoosh's own (W3), with small posting lists kept inside the term dictionary.

Most terms of a bigram index occur in a handful of documents. W3 writes every posting list as
its own compressed block with a pickled header, about 100 bytes a term whatever its length, and
its option to inline short lists into the term's entry fails (it calls ``set_inline`` where the
term info defines ``set_inlined``). :class:`GazetteCodec` repairs that and inlines lists of
fewer than :data:`INLINE_LIMIT` postings, their weights pickled compactly. Readers need nothing
new: inlined postings are part of the W3 format. The codec is pickled into each segment, so it
lives at a stable import path.
"""

from __future__ import annotations

from typing import Any

from whoosh.codec.whoosh3 import W3Codec, W3FieldWriter, W3PostingsWriter

INLINE_LIMIT = 16


class _PostingsWriter(W3PostingsWriter):  # type: ignore[misc]
    def finish_postings(self) -> Any:
        terminfo: Any = getattr(self, "_terminfo")  # noqa: B009 - untyped base attribute
        if not self.written() and 0 < len(self) < self._inlinelimit:
            terminfo.add_block(self)
            terminfo.set_inlined(self._ids, _compact(self._weights), self._values)
            self._terminfo = None
            return terminfo
        return super().finish_postings()


def _compact(weights: Any) -> tuple[Any, ...]:
    """Weights as the term entry pickles them: none when all are 1 (a reader's default),
    whole numbers as ints (two bytes a posting instead of nine)."""
    if all(w == 1.0 for w in weights):
        return ()
    return tuple(int(w) if w.is_integer() else w for w in weights)


class _CachedLengths:
    """A document's field length read once, not once per posting (Whoosh reads the length
    column for every posting it writes: a tenth of indexing time)."""

    def __init__(self, lengths: Any) -> None:
        self._read = lengths.doc_field_length
        self._fields: dict[str, dict[int, int]] = {}

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int:
        known = self._fields.get(fieldname)
        if known is None:
            known = self._fields[fieldname] = {}
        length = known.get(docnum)
        if length is None:
            length = known[docnum] = self._read(docnum, fieldname)
        return length


class _FieldWriter(W3FieldWriter):  # type: ignore[misc]
    def add_postings(self, schema: Any, lengths: Any, items: Any) -> None:
        super().add_postings(schema, _CachedLengths(lengths) if lengths else None, items)


class GazetteCodec(W3Codec):  # type: ignore[misc]
    """W3 with working inline postings (see the module docstring)."""

    def field_writer(self, storage: Any, segment: Any) -> Any:
        return _FieldWriter(self, storage, segment)

    def __init__(self, inlinelimit: int = INLINE_LIMIT) -> None:
        super().__init__(inlinelimit=inlinelimit)

    def postings_writer(self, dbfile: Any, byteids: bool = False) -> Any:
        return _PostingsWriter(
            dbfile,
            blocklimit=self._blocklimit,
            byteids=byteids,
            compression=self._compression,
            inlinelimit=self._inlinelimit,
        )
