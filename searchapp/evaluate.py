"""Every document a parsed query matches, with its score, computed a posting list at a time.

Whoosh evaluates a query one posting at a time through a tree of matcher objects, with a
method call and a column read to score each posting; that was most of a page request. A page
needs every match anyway (exact totals, facets), so here each term's postings are read block
by block into arrays (ascending document numbers, float64 scores) and whole lists are combined
with numpy: Or by adding into a dense array of the segment's size (or, for a few short lists,
over their union), And by looking each list's documents up in the next, AndNot by a mask. An
And hands the documents still in play to its later children, so that a phrase checks the keys
of only those.

Scores equal Whoosh's: BM25F per term from the same statistics, summed over the children of
And, Or and phrases, times the boosts, with Whoosh's quirks kept (a compound query with one
child ignores its boost). Each sum adds its terms in the query's order, so a query scores the
same, bit for bit, every time, whichever way its lists were combined. Query types not handled
here (prefixes, phrases over positions) go through Whoosh's own matchers.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from math import log
from typing import Any
from weakref import WeakKeyDictionary

import numpy as np
from numpy.typing import NDArray
from whoosh import query as wq
from whoosh.reading import IndexReader, TermNotFound
from whoosh.scoring import BM25F, WeightScorer
from whoosh.searching import Searcher
from whoosh.util.numeric import byte_to_length

from indexer.index.whoosh.reader import length_bytes, term_postings
from searchapp.matchers import AdjacentPhrase
from searchapp.phrasekeys import phrase_keys

DocArray = NDArray[np.int32]
ScoreArray = NDArray[np.float64]

# An Or whose lists hold fewer postings than the segment's documents over this is summed over
# the union of its lists (a sort of their postings) instead of a dense array of the segment's
# size (two passes over the whole segment).
SPARSE_OR = 16


@dataclass(frozen=True)
class Matches:
    """Matching documents in ascending order and their scores, position by position."""

    docs: DocArray
    scores: ScoreArray

    def __len__(self) -> int:
        return len(self.docs)

    def as_dict(self) -> dict[int, float]:
        """``{docnum: score}``, for callers and tests that look documents up one by one."""
        return dict(zip(self.docs.tolist(), self.scores.tolist(), strict=True))


NONE = Matches(np.zeros(0, np.int32), np.zeros(0, np.float64))


class Expired(Exception):
    """The time budget ran out part way; the evaluation is abandoned."""


def evaluate(
    searcher: Searcher, query: wq.Query, alive: Callable[[], bool] = lambda: True
) -> Matches:
    """The matches of ``query`` over the whole index (deleted documents left out).

    ``alive`` is called between posting lists; when it returns False, :class:`Expired` is raised.
    """
    found: list[Matches] = []
    total = searcher.doc_count_all() or 1
    leaves = searcher.leaf_searchers()
    lookups = _Lookups(searcher, [sub.reader() for sub, _ in leaves])
    for segment, (sub, offset) in enumerate(leaves):
        share = sub.doc_count_all() / total
        part = _Leaf(sub, alive, share, lookups, segment).run(query)
        reader = sub.reader()
        if len(part) and reader.has_deletions():
            keep = _state(reader, share).live(reader)[part.docs]
            part = Matches(part.docs[keep], part.scores[keep])
        if len(part):
            found.append(Matches(part.docs + np.int32(offset), part.scores) if offset else part)
    if not found:
        return NONE
    if len(found) == 1:
        return found[0]
    return Matches(
        np.concatenate([m.docs for m in found]), np.concatenate([m.scores for m in found])
    )


class _Leaf:
    """Evaluation over one segment (local document numbers); ``share`` is the segment's part of
    the index's documents, ``segment`` its place among the readers of ``lookups``. Results may
    share arrays with the term cache: never change them."""

    def __init__(
        self,
        searcher: Searcher,
        alive: Callable[[], bool],
        share: float,
        lookups: _Lookups,
        segment: int,
    ) -> None:
        self.searcher = searcher
        self.reader = searcher.reader()
        self.alive = alive
        self.share = share
        self.size = self.reader.doc_count_all()
        self.lookups = lookups
        self.segment = segment

    def run(self, q: wq.Query, within: DocArray | None = None, exact: bool = True) -> Matches:
        """``q``'s matches, exact for the documents of ``within`` (ascending; None: all).

        Outside ``within`` a result may lack matches or score them wrongly: an And finds the
        documents that may match all its children first, and only those have their phrases
        checked (a key check costs far more than a posting); every caller keeps only documents
        of its own ``within``. Not ``exact``: a superset of the matches in ``within`` (phrases
        unchecked, nothing excluded), with meaningless scores.
        """
        kind = type(q)
        if kind is wq.Term:
            return _boosted(self._term(q.fieldname, q.text), q.boost)
        if kind is AdjacentPhrase and q.method(self.searcher.schema) == "key":
            return self.phrase(q, within, exact)
        if kind in (wq.Or, wq.And):
            subs = q.subqueries
            if not subs:
                return NONE
            if len(subs) == 1:  # as Whoosh: the boost of a one-child compound is ignored
                return self.run(subs[0], within, exact)
            if kind is wq.Or:
                return _boosted(self._or(subs, within, exact), q.boost)
            return _boosted(self._and(subs, within, exact), q.boost)
        if kind is wq.AndNot:
            positive = self.run(q.a, within, exact)
            if not exact or not len(positive):
                return positive
            negative = self.run(q.b, positive.docs)
            if not len(negative):
                return positive
            keep = ~_contains(negative.docs, positive.docs)
            return Matches(positive.docs[keep], positive.scores[keep])
        if q is wq.NullQuery:
            return NONE
        return self.whoosh(q)

    # -- leaves ------------------------------------------------------------------------------
    def _term(self, fieldname: str, text: Any) -> Matches:
        """The term's matches and unboosted scores, shared through the reader's cache."""
        schema = self.searcher.schema
        if fieldname not in schema:
            return NONE
        field = schema[fieldname]
        try:
            btext = field.to_bytes(text)
        except ValueError:
            return NONE
        state = _state(self.reader, self.share)
        cache = state.terms
        found = cache.get((fieldname, btext))
        if found is not None:
            return found
        if not self.alive():
            raise Expired
        info = self.lookups.infos(fieldname, btext)[self.segment]
        if info is None:  # remembered too: most words of a query are not in most segments
            cache.put((fieldname, btext), NONE)
            return NONE
        # Deleted documents are in the list: evaluate() drops them.
        docs, tf = term_postings(self.reader, fieldname, btext, info)
        bm25f = self._bm25f(fieldname, btext)
        if bm25f is not None:
            idf, avgfl, b, k1 = bm25f
            norms = state.norms(self.reader, fieldname, avgfl, b, k1)
            # Whoosh's bm25() rearranged as idf * (K1 + 1) * tf / (tf + norm), one norm a document
            found = Matches(docs, (idf * (k1 + 1)) * tf / (tf + norms[docs]))
        elif isinstance(
            self.searcher.weighting.scorer(self.searcher, fieldname, btext), WeightScorer
        ):
            found = Matches(docs, tf)
        else:
            found = self.whoosh(wq.Term(fieldname, text))
        cache.put((fieldname, btext), found)
        return found

    def _bm25f(self, fieldname: str, btext: bytes) -> tuple[float, float, float, float] | None:
        """The idf, average length, B and K1 a BM25FScorer of the term would hold, without
        making one (that reads the term's entry again and its blocks' qualities, unused here);
        None for another weighting or a field that is not scored."""
        weighting = self.searcher.weighting
        if type(weighting) is not BM25F or not self.searcher.schema[fieldname].scorable:
            return None
        parent = self.searcher.get_parent()  # statistics of the whole index
        b = weighting._field_B.get(fieldname, weighting.B)
        avgfl = parent.avg_field_length(fieldname) or 1
        return self.lookups.idf(fieldname, btext), avgfl, b, weighting.K1

    def phrase(self, q: AdjacentPhrase, within: DocArray | None, exact: bool = True) -> Matches:
        found = _intersect([self._term(q.fieldname, w) for w in q.words])
        if len(found) and within is not None and exact:
            keep = _contains(within, found.docs)
            found = Matches(found.docs[keep], found.scores[keep])
        if len(found) and exact:
            keys = phrase_keys(self.reader, q.fieldname)
            kept = keys.containing(q.needle, found.docs.tolist())
            keep = _contains(np.array(kept, dtype=np.int32), found.docs)
            found = Matches(found.docs[keep], found.scores[keep])
        return _boosted(found, q.boost)

    def whoosh(self, q: wq.Query) -> Matches:
        """Whoosh's own matcher, one posting at a time."""
        m = q.matcher(self.searcher)
        ids: list[int] = []
        scores: list[float] = []
        while m.is_active():
            ids.append(m.id())
            scores.append(m.score())
            m.next()
        if not ids:
            return NONE
        docs = np.array(ids, dtype=np.int32)
        order = np.argsort(docs, kind="stable")  # Whoosh's matchers go in order; make sure
        return Matches(docs[order], np.array(scores, dtype=np.float64)[order])

    # -- combinations ------------------------------------------------------------------------
    def _or(self, subs: list[wq.Query], within: DocArray | None, exact: bool) -> Matches:
        parts = [p for p in (self.run(s, within, exact) for s in subs) if len(p)]
        if len(parts) <= 1:
            return parts[0] if parts else NONE
        if sum(map(len, parts)) * SPARSE_OR < self.size:
            return _sparse_or(parts)
        acc = np.zeros(self.size, np.float64)
        hit = np.zeros(self.size, np.bool_)
        for part in parts:  # in the query's order: the order of every score's sum
            acc[part.docs] += part.scores
            hit[part.docs] = True
        docs = np.flatnonzero(hit).astype(np.int32)
        return Matches(docs, acc[docs])

    def _and(self, subs: list[wq.Query], within: DocArray | None, exact: bool) -> Matches:
        if exact and any(map(_checks_keys, subs)):
            # First the documents that may match every child, phrases unchecked (the children's
            # postings are cached by then), then the children exactly over those alone.
            within = self._and(subs, within, exact=False).docs
            if not len(within):
                return NONE
        parts: list[Matches] = []
        left = within  # the documents that may still match every child
        for sub in subs:
            part = self.run(sub, left, exact)
            left = part.docs if left is None else left[_contains(part.docs, left)]
            if not len(left):
                return NONE
            parts.append(part)
        if left is None:
            return NONE
        return Matches(left, _sum_at(parts, left) if exact else np.zeros(len(left)))


class _Lookups:
    """Each term's entry in the term dictionary of every segment, looked up once an evaluation.

    A term read in one segment is read in the others too, and its idf needs its document
    frequency over all of them; Whoosh looks the term up again in every segment for that.
    Here the entries found for the postings also give the frequency.
    """

    def __init__(self, searcher: Searcher, readers: list[IndexReader]) -> None:
        self.searcher = searcher
        self.readers = readers
        self._infos: dict[tuple[str, bytes], list[Any]] = {}

    def infos(self, fieldname: str, btext: bytes) -> list[Any]:
        """The term's entry in each segment's dictionary, None where it is not."""
        key = (fieldname, btext)
        found = self._infos.get(key)
        if found is None:
            found = self._infos[key] = [_term_info(r, fieldname, btext) for r in self.readers]
        return found

    def idf(self, fieldname: str, btext: bytes) -> float:
        """Whoosh's idf of the term (:meth:`whoosh.scoring.WeightingModel.idf`, which BM25F
        keeps), over the whole index, from the entries already found."""
        parent = self.searcher.get_parent()
        if parent is not self.searcher:  # a segment's searcher: its readers are not the index's
            return float(parent.idf(fieldname, btext))
        frequency = sum(info.doc_frequency() for info in self.infos(fieldname, btext) if info)
        return log(parent.doc_count_all() / (frequency + 1)) + 1


def _term_info(reader: IndexReader, fieldname: str, btext: bytes) -> Any:
    try:
        return reader.term_info(fieldname, btext)
    except TermNotFound:
        return None


def _checks_keys(q: wq.Query) -> bool:
    """Whether evaluating ``q`` checks phrase keys (a phrase of a few words, anywhere in it)."""
    if isinstance(q, AdjacentPhrase):
        return len(q.words) > 1
    return any(map(_checks_keys, q.children()))


def _boosted(found: Matches, boost: float) -> Matches:
    return found if boost == 1.0 else Matches(found.docs, found.scores * boost)


def _contains(sorted_docs: DocArray, docs: DocArray) -> NDArray[np.bool_]:
    """For each of ``docs``, whether ``sorted_docs`` (ascending) holds it."""
    if not len(sorted_docs):
        return np.zeros(len(docs), np.bool_)
    at = np.searchsorted(sorted_docs, docs)
    at[at == len(sorted_docs)] = 0
    return np.asarray(sorted_docs[at] == docs)


def _sparse_or(parts: list[Matches]) -> Matches:
    """An Or of lists short beside their segment: summed over the union of their documents."""
    docs, where = np.unique(np.concatenate([p.docs for p in parts]), return_inverse=True)
    acc = np.zeros(len(docs), np.float64)
    start = 0
    for part in parts:
        acc[where[start : start + len(part)]] += part.scores
        start += len(part)
    return Matches(docs.astype(np.int32), acc)


def _intersect(parts: list[Matches]) -> Matches:
    """Documents in every part, with the sum of their scores (added in the parts' order)."""
    if not parts or not all(len(p) for p in parts):
        return NONE
    smallest = min(parts, key=len)
    common = smallest.docs
    for part in parts:
        if part is not smallest:
            common = common[_contains(part.docs, common)]
            if not len(common):
                return NONE
    return Matches(common, _sum_at(parts, common))


def _sum_at(parts: list[Matches], docs: DocArray) -> ScoreArray:
    """The sum of the parts' scores of ``docs`` (each in every part), in the parts' order."""
    total = np.zeros(len(docs), np.float64)
    for part in parts:
        total += part.scores[np.searchsorted(part.docs, docs)]
    return total


class _TermCache:
    """Recently used terms' matches for one reader, up to ``limit`` postings: the reader's share
    of :data:`MAX_CACHED_POSTINGS`.

    Common terms (人民, 国家 …) recur across queries; their scores depend only on the term and
    the index, so a reader keeps them. A reader serves one request at a time (see
    :class:`searchapp.engine.SearcherPool`).
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.size = 0
        self.items: OrderedDict[tuple[str, bytes], Matches] = OrderedDict()

    def get(self, key: tuple[str, bytes]) -> Matches | None:
        found = self.items.get(key)
        if found is not None:
            self.items.move_to_end(key)
        return found

    def put(self, key: tuple[str, bytes], found: Matches) -> None:
        if len(found) > self.limit // 4 or key in self.items:
            return
        self.items[key] = found
        self.size += _cost(found)
        while self.size > self.limit:
            _, old = self.items.popitem(last=False)
            self.size -= _cost(old)


def _cost(found: Matches) -> int:
    """A cached term's share of the cache: its postings, or one for a term not found."""
    return max(1, len(found))


# Postings an index's readers keep in all, shared out by their documents (so that an index
# written in more segments does not cache more): 12 bytes a posting (int32 + float64), so at
# most about 36 MB a worker.
MAX_CACHED_POSTINGS = 3_000_000


class _ReaderState:
    """What a reader keeps between queries: term matches, BM25 length normalisers, and which
    of its documents are live."""

    def __init__(self, share: float = 1.0) -> None:
        self.terms = _TermCache(max(1_000, int(MAX_CACHED_POSTINGS * share)))
        # (field, average length, B, K1) → K1 * ((1 - B) + B * length / average) per document
        self._norms: dict[tuple[str, float, float, float], ScoreArray] = {}
        self._live: NDArray[np.bool_] | None = None

    def norms(
        self, reader: IndexReader, fieldname: str, avgfl: float, b: float, k1: float
    ) -> ScoreArray:
        key = (fieldname, avgfl, b, k1)
        norms = self._norms.get(key)
        if norms is None:
            table = np.array([k1 * ((1 - b) + b * byte_to_length(n) / avgfl) for n in range(256)])
            lengths = np.frombuffer(length_bytes(reader, fieldname), dtype=np.uint8)
            norms = self._norms[key] = table[lengths]
        return norms

    def live(self, reader: IndexReader) -> NDArray[np.bool_]:
        """Per document of the segment: not deleted."""
        if self._live is None:
            live = np.zeros(reader.doc_count_all(), np.bool_)
            live[np.fromiter(reader.all_doc_ids(), dtype=np.int64)] = True
            self._live = live
        return self._live


_STATES: WeakKeyDictionary[IndexReader, _ReaderState] = WeakKeyDictionary()
_STATES_LOCK = threading.Lock()


def _state(reader: IndexReader, share: float) -> _ReaderState:
    state = _STATES.get(reader)
    if state is None:
        with _STATES_LOCK:
            state = _STATES.setdefault(reader, _ReaderState(share))
    return state
