"""Writing index segments: postings grouped by term as documents arrive, and rebuilds split
across processes.

Whoosh's :class:`~whoosh.writing.SegmentWriter` puts every posting into a pool as a tuple, sorts
the pool at commit, and groups it by term again; for our indexes (3,000 postings a law) that
was half of a rebuild. :class:`GazetteWriter` is that writer with a :class:`TermPool` instead:
each term's postings are appended to its own list as documents are added, in docnum order, so
the commit only sorts the terms. Everything else (stored fields, columns, lengths, deletions,
merges, the commit protocol) is Whoosh's, but for the default merge policy,
:func:`reclaim_deleted`, which also gives back the room of deleted documents.

:func:`write_parallel` builds a fresh index in ``jobs`` forked processes, each writing one
segment of a contiguous share of the documents, then commits the segments together, as
Whoosh's multi-process writer does but without pickling every document to a child.
"""

from __future__ import annotations

import contextlib
import multiprocessing
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from whoosh.reading import SegmentReader
from whoosh.writing import SegmentWriter

from indexer.analysis.fields import FastText
from indexer.errors import StoreError
from indexer.index.whoosh.codec import GazetteCodec
from indexer.workers import WorkerFailure, run_isolated

Postings = list[Any]  # docnum, weight, docnum, weight, … in docnum order
# Memory a pooled posting takes, all told (two list slots, its share of the term's list, key
# and float weights), measured on the 3,423 laws: 229 MB for 5.2 million postings.
POSTING_BYTES = 44
# A segment with more than this share of its documents deleted is rewritten without them at the
# next commit, so deleted documents never take more room than live ones (a rebuild's size, about).
DELETED_SHARE_LIMIT = 0.5


class TermPool:
    """Postings grouped by field and term, in the order documents are added.

    Terms from our own fields arrive as ``str`` with their counts (:meth:`add_counts`); anything
    else (ID fields, postings of a segment being merged) as Whoosh's posting tuples
    (:meth:`add`). Both are kept per term as one flat list, so a posting costs two appends.
    """

    def __init__(self) -> None:
        self._text: dict[str, dict[str, Postings]] = {}
        self._raw: dict[str, dict[bytes, Postings]] = {}
        self._values: dict[tuple[str, bytes], dict[int, bytes]] = {}
        self.fieldnames: set[str] = set()  # what Whoosh's pool exposes; kept for its callers
        self.postings = 0

    def add_counts(
        self, fieldname: str, docnum: int, counts: Mapping[str, int], boost: float
    ) -> None:
        """A document's terms in one field and how often each occurs; weight = count × boost."""
        terms = self._text.get(fieldname)
        if terms is None:
            terms = self._text[fieldname] = {}
            self.fieldnames.add(fieldname)
        get = terms.get
        self.postings += len(counts)
        weighted = counts.items() if boost == 1.0 else ((t, n * boost) for t, n in counts.items())
        for term, weight in weighted:
            postings = get(term)
            if postings is None:
                terms[term] = [docnum, weight]
            else:
                postings += (docnum, weight)

    def add(self, item: tuple[str, bytes, int, float, bytes | None]) -> None:
        """One posting as Whoosh's pool takes it: ``(fieldname, btext, docnum, weight, value)``."""
        fieldname, btext, docnum, weight, value = item
        terms = self._raw.get(fieldname)
        if terms is None:
            terms = self._raw[fieldname] = {}
            self.fieldnames.add(fieldname)
        self.postings += 1
        postings = terms.get(btext)
        if postings is None:
            terms[btext] = [docnum, weight]
        else:
            postings += (docnum, weight)
        if value:
            self._values.setdefault((fieldname, btext), {})[docnum] = value

    def grouped(self) -> Iterator[tuple[str, Iterator[tuple[bytes, Postings, dict[int, bytes]]]]]:
        """``(fieldname, terms)`` in field order, each field's ``(btext, postings, values)`` in
        term order: what :meth:`indexer.index.whoosh.codec.GazetteCodec` field writers take."""
        for fieldname in sorted(self.fieldnames):
            yield fieldname, self._field_terms(fieldname)

    def _field_terms(self, fieldname: str) -> Iterator[tuple[bytes, Postings, dict[int, bytes]]]:
        terms: dict[bytes, Postings] = {
            term.encode("utf-8"): postings
            for term, postings in self._text.pop(fieldname, {}).items()
        }
        for btext, postings in self._raw.pop(fieldname, {}).items():
            known = terms.get(btext)
            terms[btext] = postings if known is None else _merge(known, postings)
        values = self._values
        for btext in sorted(terms):
            yield btext, terms.pop(btext), values.get((fieldname, btext), {})

    def iter_postings(self) -> Iterator[tuple[str, bytes, int, float, bytes]]:
        """Every posting as a sorted Whoosh tuple (for Whoosh code that reads a pool)."""
        for fieldname, terms in self.grouped():
            for btext, postings, values in terms:
                for i in range(0, len(postings), 2):
                    docnum = postings[i]
                    yield fieldname, btext, docnum, postings[i + 1], values.get(docnum, b"")

    def cleanup(self) -> None:
        self._text.clear()
        self._raw.clear()
        self._values.clear()


def _merge(a: Postings, b: Postings) -> Postings:
    """Two flat posting lists as one, in docnum order."""
    pairs = sorted(zip(a[0::2] + b[0::2], a[1::2] + b[1::2], strict=True), key=lambda p: p[0])
    return [x for pair in pairs for x in pair]


def reclaim_deleted(writer: GazetteWriter, segments: list[Any]) -> list[Any]:
    """The merge policy of a plain ``commit()``: the segments the commit keeps; the others are
    merged into the writer's new segment, or dropped (their files are deleted with the commit,
    as Whoosh deletes merged segments').

    - A segment whose documents are all deleted is dropped; one with more than
      ``DELETED_SHARE_LIMIT`` of them deleted is merged, which leaves the deleted ones out.
    - Then the new segment takes in every segment, smallest first, that holds no more documents
      (deleted ones included) than it does so far. Every segment kept is larger than the new
      one; as in a binary counter, that keeps about log2(documents) segments and rewrites each
      document about as many times. A segment's term dictionary is most of its size, so fewer
      segments is much of the room saved.

    Whoosh's ``MERGE_SMALL`` counts deleted documents as live and merges only segments below a
    Fibonacci bound (34 documents across five segments): six replacements of one 200-record
    file left seven segments, six wholly deleted, seven times a rebuild's size.
    """
    live = [seg for seg in segments if seg.doc_count()]
    merged = {
        id(seg) for seg in live if seg.deleted_count() > seg.doc_count_all() * DELETED_SHARE_LIMIT
    }
    size = writer.documents_written() + sum(seg.doc_count() for seg in live if id(seg) in merged)
    for seg in sorted(live, key=lambda seg: seg.doc_count_all()):
        if id(seg) not in merged and seg.doc_count_all() <= size:
            merged.add(id(seg))
            size += seg.doc_count()
    for seg in live:  # in index order, so that documents keep their relative order
        if id(seg) in merged:
            writer.add_segment(seg)
    return [seg for seg in live if id(seg) not in merged]


class GazetteWriter(SegmentWriter):  # type: ignore[misc]
    """Whoosh's segment writer with a :class:`TermPool` and the :class:`GazetteCodec`.

    ``limitmb`` bounds the pool's memory, as it bounds Whoosh's: when the pool holds that
    much, it is written out as a finished segment and the writer goes on in a new one (after a
    document, or after a merged segment). All of them are committed together. ``commit()``
    merges with :func:`reclaim_deleted` unless told otherwise (``merge``, ``optimize`` or
    ``mergetype``, as Whoosh's).
    """

    def __init__(self, ix: Any, limitmb: int = 256, **kwargs: Any) -> None:
        kwargs.setdefault("codec", GazetteCodec())
        if not isinstance(kwargs["codec"], GazetteCodec):
            raise TypeError("GazetteWriter writes with GazetteCodec")
        super().__init__(ix, **kwargs)
        unsupported = [
            name for name, field in self.schema.items() if field.vector or field.separate_spelling()
        ]
        if unsupported:
            self.cancel()
            raise TypeError(f"fields with vectors or spelling are not supported: {unsupported}")
        self.pool = TermPool()
        self._max_postings = limitmb * 2**20 // POSTING_BYTES
        self._finished: list[Any] = []  # segments written out when the pool was full

    def add_document(self, **fields: Any) -> None:
        """As Whoosh's, but our text fields give their term counts straight to the pool."""
        self._check_state()
        schema, docnum, pool, perdoc = self.schema, self.docnum, self.pool, self.perdocwriter
        docboost = self._doc_boost(fields)
        names = sorted(name for name in fields if not name.startswith("_"))
        self._check_fields(schema, names)
        perdoc.start_doc(docnum)
        try:
            for name in names:
                value = fields[name]
                if value is None:
                    continue
                field = schema[name]
                length = 0
                if field.indexed:
                    boost = self._field_boost(fields, name, docboost)
                    length = _index_field(pool, name, field, value, docnum, boost)
                stored = fields.get(f"_stored_{name}", value)
                perdoc.add_field(name, field, stored if field.stored else None, length)
                if field.column_type and stored is not None:
                    perdoc.add_column_value(name, field.column_type, field.to_column_value(stored))
        except Exception:
            perdoc.cancel_doc()
            raise
        perdoc.finish_doc()
        self._added = True
        self.docnum += 1
        if pool.postings >= self._max_postings:
            self._next_segment()

    def add_segment(self, segment: Any) -> None:
        """Copy the live documents of one of the index's segments into this writer (a merge)."""
        reader = SegmentReader(self.storage, self.schema, segment)
        try:
            self.add_reader(reader)
        finally:
            reader.close()

    def add_reader(self, reader: Any) -> None:
        """As Whoosh's, then a new segment if the pool is full (merges add whole segments)."""
        super().add_reader(reader)
        if self.pool.postings >= self._max_postings:
            self._next_segment()

    def documents_written(self) -> int:
        """Documents added or merged into this writer so far, in all its segments."""
        finished: int = sum(seg.doc_count_all() for seg in self._finished)
        current: int = self.docnum - self.docbase
        return finished + current

    def _merge_segments(self, mergetype: Any, optimize: Any, merge: Any) -> list[Any]:
        chosen = (mergetype, self.mergetype, optimize or self.optimize)
        if chosen == (None, None, False) and (self.merge if merge is None else merge):
            mergetype = reclaim_deleted
        result: list[Any] = super()._merge_segments(mergetype, optimize, merge)
        return result

    def _next_segment(self) -> None:
        """Write the pool out as a finished segment and go on in a new, empty one."""
        self._finished.append(self._finalize_segment())
        codec, storage = self.codec, self.storage
        self.newsegment = codec.new_segment(storage, self.indexname)
        self.perdocwriter = codec.per_document_writer(storage, self.newsegment)
        self.fieldwriter = codec.field_writer(storage, self.newsegment)
        self.pool = TermPool()
        self.docnum = self.docbase

    def cancel(self) -> None:
        """As Whoosh's, but Whoosh's lock is released and the temporary folder removed even when
        closing the segment's files fails: on a full disk, closing flushes and fails too."""
        self._check_state()
        try:
            with contextlib.suppress(OSError):  # the files are discarded: a failed flush is moot
                self._close_segment()
        finally:
            self._finish()

    def finalize_segments(self) -> list[Any]:
        """Finish writing; every segment this writer wrote, in the order of its documents."""
        return self._nonempty([*self._finished, self._finalize_segment()])

    def _commit_toc(self, segments: list[Any]) -> None:
        # Whoosh's commit passes the segments it kept or merged, then this writer's current one.
        if self._finished and segments and segments[-1] is self.newsegment:
            segments = [*segments[:-1], *self._finished, segments[-1]]
        super()._commit_toc(self._nonempty(segments))

    @staticmethod
    def _nonempty(segments: list[Any]) -> list[Any]:
        return [seg for seg in segments if seg.doc_count_all()]

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        lengths = self.per_document_reader()
        try:
            self.fieldwriter.add_grouped(self.schema, lengths, self.docnum, self.pool.grouped())
        finally:
            lengths.close()
        self.fieldwriter.close()


def _index_field(
    pool: TermPool, name: str, field: Any, value: Any, docnum: int, boost: float
) -> int:
    """Add one field's postings to the pool; the field's length (its term count if scorable)."""
    counts = field.term_counts(value) if isinstance(field, FastText) else None
    if counts is not None:
        pool.add_counts(name, docnum, counts, boost * field.format.field_boost)
        return sum(counts.values()) if field.scorable else 0
    length = 0
    for btext, freq, weight, value_bytes in field.index(value):
        if field.scorable:
            length += freq
        pool.add((name, btext, docnum, weight * boost, value_bytes))
    return length


# ---------------------------------------------------------------------------- parallel rebuild


def split_even(sizes: Sequence[int], parts: int) -> list[range]:
    """Contiguous index ranges of ``sizes``, as even in total size as a greedy cut makes them.

    >>> split_even([5, 5, 5, 5], 2)
    [range(0, 2), range(2, 4)]
    >>> split_even([1, 1], 4)
    [range(0, 1), range(1, 2)]
    """
    n = len(sizes)
    parts = max(1, min(parts, n))
    total = sum(sizes)
    shares: list[range] = []
    acc = start = 0
    for i, size in enumerate(sizes):
        acc += size
        wanted = parts - len(shares) - 1  # cuts still to make after this one
        if wanted <= 0:
            break
        left = n - i - 1  # items after this one
        if left == wanted or (left > wanted and acc >= total * (len(shares) + 1) / parts):
            shares.append(range(start, i + 1))
            start = i + 1
    shares.append(range(start, n))
    return shares


def write_parallel(
    ix: Any,
    count: int,
    document: Callable[[int], dict[str, Any]],
    *,
    sizes: Sequence[int],
    jobs: int,
    writer_options: Mapping[str, Any],
    progress: Callable[[int], None] | None = None,
) -> None:
    """Add documents ``document(0) … document(count - 1)`` to the empty index ``ix``.

    ``jobs`` forked children each write one segment of a contiguous share (balanced by
    ``sizes``, e.g. text lengths); the parent then commits the segments in order, so docnums
    follow the documents' order. If any child fails, nothing is committed and the error names
    it. The children inherit the documents through the fork: nothing is pickled to them.
    ``progress`` is called about every half second with the number of documents added.
    """
    writer = GazetteWriter(ix, **writer_options)
    try:
        if writer.segments:
            raise StoreError("a parallel write needs an empty index")
        shares = split_even(sizes, jobs) if count else []
        # One counter a share, each written by its own child only, so none needs a lock.
        done = multiprocessing.get_context("fork").RawArray("q", max(1, len(shares)))

        def write_share(share: range) -> list[Any] | OSError:
            slot = shares.index(share)
            try:
                child = GazetteWriter(ix, _lk=False, **writer_options)
                for i in share:
                    child.add_document(**document(i))
                    done[slot] += 1
                return child.finalize_segments()
            except OSError as exc:  # a full disk: raised again in the parent, as it is
                return OSError(exc.errno, exc.strerror or str(exc))

        segments: dict[int, list[Any]] = {}

        def report() -> None:
            if progress:
                progress(sum(done))

        results = run_isolated(
            write_share, shares, jobs=jobs, timeout=None, memory_mb=0, on_wait=report
        )
        for share, result in results:
            if isinstance(result, WorkerFailure):
                raise StoreError(f"a writer process failed: {result.reason}")
            if isinstance(result, OSError):
                raise result
            segments[share.start] = result
        writer._close_segment()
        writer._commit_toc([seg for start in sorted(segments) for seg in segments[start]])
        writer._finish()
    except BaseException:
        if not writer.is_closed:
            writer.cancel()
        raise
