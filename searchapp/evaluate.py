"""Every document a parsed query matches, with its score, computed a posting list at a time.

Whoosh evaluates a query one posting at a time through a tree of matcher objects, with a
method call and a column read to score each posting; that was most of a page request. A page
needs every match anyway (exact totals, facets), so here each term's postings are read block
by block and whole lists are combined with dictionaries. Scores equal Whoosh's: BM25F per term
from the same statistics, summed over the children of And, Or and phrases, times the boosts,
with Whoosh's quirks kept (a compound query with one child ignores its boost). Query types not
handled here (prefixes, phrases over positions) go through Whoosh's own matchers.
"""

from __future__ import annotations

import threading
from array import array
from collections import OrderedDict
from collections.abc import Callable
from functools import partial
from operator import add, mul, truediv
from typing import Any
from weakref import WeakKeyDictionary

from whoosh import query as wq
from whoosh.matching import FilterMatcher
from whoosh.reading import IndexReader
from whoosh.scoring import BM25FScorer, WeightScorer
from whoosh.searching import Searcher
from whoosh.util.numeric import byte_to_length

from indexer.index.whoosh.reader import leaf_postings, length_bytes
from searchapp.matchers import AdjacentPhrase
from searchapp.phrasekeys import phrase_keys

Scores = dict[int, float]


class Expired(Exception):
    """The time budget ran out part way; the evaluation is abandoned."""


def evaluate(
    searcher: Searcher, query: wq.Query, alive: Callable[[], bool] = lambda: True
) -> Scores:
    """``{docnum: score}`` over the whole index for ``query`` (deleted documents left out).

    ``alive`` is called between posting lists; when it returns False, :class:`Expired` is raised.
    """
    scores: Scores = {}
    total = searcher.doc_count_all() or 1
    for sub, offset in searcher.leaf_searchers():
        found = _Leaf(sub, alive, sub.doc_count_all() / total).run(query)
        reader = sub.reader()
        if reader.has_deletions():
            found = {d: s for d, s in found.items() if not reader.is_deleted(d)}
        if offset:
            scores.update({d + offset: s for d, s in found.items()})
        else:
            scores.update(found)
    return scores


class _Leaf:
    """Evaluation over one segment (local document numbers); ``share`` is the segment's part of
    the index's documents."""

    def __init__(self, searcher: Searcher, alive: Callable[[], bool], share: float = 1.0) -> None:
        self.searcher = searcher
        self.reader = searcher.reader()
        self.alive = alive
        self.share = share

    def run(self, q: wq.Query) -> Scores:
        kind = type(q)
        if kind is wq.Term:
            return self.term(q.fieldname, q.text, q.boost)
        if kind is AdjacentPhrase and q.method(self.searcher.schema) == "key":
            return self.phrase(q)
        if kind in (wq.Or, wq.And):
            subs = q.subqueries
            if not subs:
                return {}
            if len(subs) == 1:  # as Whoosh: the boost of a one-child compound is ignored
                return self.run(subs[0])
            combined = self._or(subs) if kind is wq.Or else self._and(subs)
            return _boosted(combined, q.boost)
        if kind is wq.AndNot:
            positive = self.run(q.a)
            if positive:
                negative = self.run(q.b)
                for d in negative:
                    positive.pop(d, None)
            return positive
        if q is wq.NullQuery:
            return {}
        return self.whoosh(q)

    # -- leaves ------------------------------------------------------------------------------
    def term(self, fieldname: str, text: Any, boost: float = 1.0) -> Scores:
        """The term's matches and scores (a new dictionary the caller may change)."""
        shared = self._term(fieldname, text)
        if boost == 1.0:
            return dict(shared)
        return {d: s * boost for d, s in shared.items()}

    def _term(self, fieldname: str, text: Any) -> Scores:
        """The term's matches and unboosted scores, shared through the reader's cache: never
        change the dictionary returned."""
        schema = self.searcher.schema
        if fieldname not in schema:
            return {}
        field = schema[fieldname]
        try:
            btext = field.to_bytes(text)
        except ValueError:
            return {}
        state = _state(self.reader, self.share)
        cache = state.terms
        found = cache.get((fieldname, btext))
        if found is not None:
            return found
        if (fieldname, btext) not in self.reader:
            return {}
        if not self.alive():
            raise Expired
        scorer = self.searcher.weighting.scorer(self.searcher, fieldname, btext)
        m = self.reader.postings(fieldname, btext, scorer=scorer)
        while isinstance(m, FilterMatcher):  # deleted documents: dropped by evaluate()
            m = m.child
        ids, weights = leaf_postings(m)
        if isinstance(scorer, BM25FScorer):
            norms = _norms(state, self.reader, fieldname, scorer.avgfl, scorer.B, scorer.K1)
            # idf * (K1 + 1) * tf / (tf + norm), computed by map() over whole lists
            top = partial(mul, scorer.idf * (scorer.K1 + 1))
            lower = map(add, weights, map(norms.__getitem__, ids))
            found = dict(zip(ids, map(truediv, map(top, weights), lower), strict=True))
        elif isinstance(scorer, WeightScorer):
            found = dict(zip(ids, weights, strict=True))
        else:
            found = self.whoosh(wq.Term(fieldname, text))
        cache.put((fieldname, btext), found)
        return found

    def phrase(self, q: AdjacentPhrase) -> Scores:
        parts = [self._term(q.fieldname, w) for w in q.words]
        found = _intersect(parts)
        if found:
            keys = phrase_keys(self.reader, q.fieldname)
            found = {d: found[d] for d in keys.containing(q.needle, found)}
        return _boosted(found, q.boost)

    def whoosh(self, q: wq.Query) -> Scores:
        """Whoosh's own matcher, one posting at a time."""
        m = q.matcher(self.searcher)
        found: Scores = {}
        while m.is_active():
            found[m.id()] = m.score()
            m.next()
        return found

    # -- combinations ------------------------------------------------------------------------
    def _or(self, subs: list[wq.Query]) -> Scores:
        parts = sorted((self.run(s) for s in subs), key=len, reverse=True)
        acc = parts[0]
        for part in parts[1:]:
            if not part:
                continue
            both = list(part.keys() & acc.keys())
            summed = map(add, map(acc.__getitem__, both), map(part.__getitem__, both))
            acc.update(zip(both, summed, strict=True))
            if len(both) < len(part):
                fresh = list(part.keys() - acc.keys())
                acc.update(zip(fresh, map(part.__getitem__, fresh), strict=True))
        return acc

    def _and(self, subs: list[wq.Query]) -> Scores:
        parts: list[Scores] = []
        for sub in subs:
            part = self.run(sub)
            if not part:
                return {}
            parts.append(part)
        return _intersect(parts)


def _boosted(scores: Scores, boost: float) -> Scores:
    if boost != 1.0:
        for d in scores:
            scores[d] *= boost
    return scores


def _intersect(parts: list[Scores]) -> Scores:
    """Documents in every part, with the sum of their scores."""
    if not parts or not all(parts):
        return {}
    smallest: Scores = min(parts, key=len)
    common = set(smallest)
    for part in parts:
        if part is not smallest:
            common.intersection_update(part.keys())
            if not common:
                return {}
    docs = list(common)
    columns = [list(map(part.__getitem__, docs)) for part in parts]
    return dict(zip(docs, map(sum, zip(*columns, strict=True)), strict=True))


class _TermCache:
    """Recently used terms' scores for one reader, up to ``limit`` postings: the reader's share
    of :data:`MAX_CACHED_POSTINGS`.

    Common terms (人民, 国家 …) recur across queries; their scores depend only on the term and
    the index, so a reader keeps them. A reader serves one request at a time (see
    :class:`searchapp.engine.SearcherPool`).
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.size = 0
        self.items: OrderedDict[tuple[str, bytes], Scores] = OrderedDict()

    def get(self, key: tuple[str, bytes]) -> Scores | None:
        found = self.items.get(key)
        if found is not None:
            self.items.move_to_end(key)
        return found

    def put(self, key: tuple[str, bytes], scores: Scores) -> None:
        if len(scores) > self.limit // 4 or key in self.items:
            return
        self.items[key] = scores
        self.size += len(scores)
        while self.size > self.limit:
            _, old = self.items.popitem(last=False)
            self.size -= len(old)


# Term scores an index's readers keep in all, shared out by their documents (so that an index
# written in more segments does not cache more): about 100 bytes a posting.
MAX_CACHED_POSTINGS = 300_000


class _ReaderState:
    """What a reader keeps between queries: term scores and BM25 length normalisers."""

    def __init__(self, share: float = 1.0) -> None:
        self.terms = _TermCache(max(1_000, int(MAX_CACHED_POSTINGS * share)))
        # (field, average length, B, K1) → K1 * ((1 - B) + B * length / average) per document
        self.norms: dict[tuple[str, float, float, float], array[float]] = {}


_STATES: WeakKeyDictionary[IndexReader, _ReaderState] = WeakKeyDictionary()
_STATES_LOCK = threading.Lock()


def _state(reader: IndexReader, share: float) -> _ReaderState:
    state = _STATES.get(reader)
    if state is None:
        with _STATES_LOCK:
            state = _STATES.setdefault(reader, _ReaderState(share))
    return state


def _norms(
    state: _ReaderState, reader: IndexReader, fieldname: str, avgfl: float, b: float, k1: float
) -> array[float]:
    per_reader = state.norms
    key = (fieldname, avgfl, b, k1)
    norms = per_reader.get(key)
    if norms is None:
        table = [k1 * ((1 - b) + b * byte_to_length(n) / avgfl) for n in range(256)]
        norms = per_reader[key] = array(
            "d", map(table.__getitem__, length_bytes(reader, fieldname))
        )
    return norms
