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
from collections.abc import Callable
from typing import Any
from weakref import WeakKeyDictionary

from whoosh import query as wq
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher
from whoosh.matching import FilterMatcher, ListMatcher
from whoosh.scoring import BM25FScorer, WeightScorer
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.util.numlists import delta_decode

from searchapp.phrasekeys import phrase_keys
from searchapp.query import AdjacentPhrase

Scores = dict[int, float]


class Expired(Exception):
    """The time budget ran out part way; the caller keeps what it has."""


def evaluate(searcher: Any, query: Any, alive: Callable[[], bool] = lambda: True) -> Scores:
    """``{docnum: score}`` over the whole index for ``query`` (deleted documents left out).

    ``alive`` is called between posting lists; when it returns False, :class:`Expired` is raised.
    """
    scores: Scores = {}
    for sub, offset in searcher.leaf_searchers():
        found = _Leaf(sub, alive).run(query)
        reader = sub.reader()
        if reader.has_deletions():
            found = {d: s for d, s in found.items() if not reader.is_deleted(d)}
        if offset:
            scores.update({d + offset: s for d, s in found.items()})
        else:
            scores.update(found)
    return scores


class _Leaf:
    """Evaluation over one segment (local document numbers)."""

    def __init__(self, searcher: Any, alive: Callable[[], bool]) -> None:
        self.searcher = searcher
        self.reader = searcher.reader()
        self.alive = alive

    def run(self, q: Any) -> Scores:
        kind = type(q)
        if kind is wq.Term:
            return self.term(q.fieldname, q.text, q.boost)
        if kind is AdjacentPhrase and self._keyed(q):
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
        schema = self.searcher.schema
        if fieldname not in schema:
            return {}
        field = schema[fieldname]
        try:
            btext = field.to_bytes(text)
        except ValueError:
            return {}
        if (fieldname, btext) not in self.reader:
            return {}
        if not self.alive():
            raise Expired
        scorer = self.searcher.weighting.scorer(self.searcher, fieldname, btext)
        m = self.reader.postings(fieldname, btext, scorer=scorer)
        while isinstance(m, FilterMatcher):  # deleted documents: dropped by evaluate()
            m = m.child
        ids, weights = _postings(m)
        if isinstance(scorer, BM25FScorer):
            norms = _norms(self.reader, fieldname, scorer.avgfl, scorer.B, scorer.K1)
            top = scorer.idf * (scorer.K1 + 1) * boost
            return {d: top * w / (w + norms[d]) for d, w in zip(ids, weights, strict=True)}
        if isinstance(scorer, WeightScorer):
            return {d: w * boost for d, w in zip(ids, weights, strict=True)}
        return self.whoosh(wq.Term(fieldname, text, boost=boost))

    def phrase(self, q: AdjacentPhrase) -> Scores:
        parts = [self.term(q.fieldname, w) for w in q.words]
        found = _intersect(parts)
        if found:
            keys = phrase_keys(self.reader, q.fieldname)
            needle = q.needle
            found = {d: s for d, s in found.items() if needle in keys[d]}
        return _boosted(found, q.boost)

    def whoosh(self, q: Any) -> Scores:
        """Whoosh's own matcher, one posting at a time."""
        m = q.matcher(self.searcher)
        found: Scores = {}
        while m.is_active():
            found[m.id()] = m.score()
            m.next()
        return found

    # -- combinations ------------------------------------------------------------------------
    def _or(self, subs: list[Any]) -> Scores:
        parts = sorted((self.run(s) for s in subs), key=len, reverse=True)
        acc = parts[0]
        for part in parts[1:]:
            get = acc.get
            for d, s in part.items():
                acc[d] = get(d, 0.0) + s
        return acc

    def _and(self, subs: list[Any]) -> Scores:
        parts: list[Scores] = []
        for sub in subs:
            part = self.run(sub)
            if not part:
                return {}
            parts.append(part)
        return _intersect(parts)

    def _keyed(self, q: AdjacentPhrase) -> bool:
        schema = self.searcher.schema
        if q.slop != 1 or not q.needle or q.fieldname not in schema:
            return False
        field = schema[q.fieldname]
        positional = bool(field.format and field.format.supports("positions"))
        return not positional and field.column_type is not None


def _boosted(scores: Scores, boost: float) -> Scores:
    if boost != 1.0:
        for d in scores:
            scores[d] *= boost
    return scores


def _intersect(parts: list[Scores]) -> Scores:
    """Documents in every part, with the sum of their scores (in the parts' order, as Whoosh)."""
    if not parts or not all(parts):
        return {}
    smallest: Scores = min(parts, key=len)
    common = set(smallest)
    for part in parts:
        common.intersection_update(part.keys())
        if not common:
            return {}
    return {d: sum(part[d] for part in parts) for d in common}


def _postings(m: Any) -> tuple[Any, Any]:
    """All document numbers and weights of a posting list, read a block at a time."""
    ids: list[int] = []
    weights: list[float] = []
    if isinstance(m, ListMatcher):
        ids = list(m._ids)
        if m._all_weights:
            return ids, [m._all_weights] * len(ids)
        return ids, list(m._weights) if m._weights else [1.0] * len(ids)
    if isinstance(m, W3LeafMatcher):
        while not m._atend:
            data = m._data
            if data is None:
                m._read_data()
                data = m._data
            block_ids = data[0]
            block_ids = tuple(delta_decode(block_ids)) if not m._byteids else block_ids
            ids.extend(block_ids)
            w = data[1]
            if w is None:
                weights.extend([1.0] * len(block_ids))
            elif isinstance(w, (int, float)):
                weights.extend([float(w)] * len(block_ids))
            else:
                weights.extend(w)
            m._next_block()
        return ids, weights
    while m.is_active():
        ids.append(m.id())
        weights.append(m.weight())
        m.next()
    return ids, weights


# BM25 length normalisers per reader and field: K1 * ((1 - B) + B * length / average).
_NORMS: WeakKeyDictionary[Any, dict[tuple[str, float, float, float], list[float]]] = (
    WeakKeyDictionary()
)
_NORMS_LOCK = threading.Lock()


def _norms(reader: Any, fieldname: str, avgfl: float, b: float, k1: float) -> list[float]:
    with _NORMS_LOCK:
        per_reader = _NORMS.setdefault(reader, {})
    key = (fieldname, avgfl, b, k1)
    norms = per_reader.get(key)
    if norms is None:
        table = [k1 * ((1 - b) + b * byte_to_length(n) / avgfl) for n in range(256)]
        norms = per_reader[key] = [table[n] for n in _length_bytes(reader, fieldname)]
    return norms


def _length_bytes(reader: Any, fieldname: str) -> bytes:
    """Each document's length byte for ``fieldname`` (Whoosh stores lengths quantised)."""
    size = reader.doc_count_all()
    try:  # the W3 length column is one byte a document: read it whole
        column = reader._perdoc._cached_reader(f"_{fieldname}_len", LENGTHS_COLUMN)
        raw = bytes(column._dbfile.get(column._basepos, column._count)) if column else b""
        return raw[:size] + bytes(max(0, size - len(raw)))
    except AttributeError:  # another codec: ask document by document
        return bytes(
            length_to_byte(reader.doc_field_length(d, fieldname, 0) or 0) for d in range(size)
        )
