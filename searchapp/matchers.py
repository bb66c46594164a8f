"""Exact phrases over bigram fields without Whoosh's per-position spans.

:class:`AdjacentPhrase` is the query :mod:`searchapp.querybuild` makes for every exact text;
:mod:`searchapp.evaluate` recognises it and checks phrase keys itself, and Whoosh's searcher
(the reference the tests compare against) uses the matchers below.
"""

from __future__ import annotations

from typing import Any

from whoosh import query as wq
from whoosh.matching import IntersectionMatcher, NullMatcher, WrappingMatcher
from whoosh.query.spans import Span, SpanWrappingMatcher
from whoosh.util import make_binary_tree

from searchapp.phrasekeys import PhraseKeys, phrase_keys


class AdjacentPhrase(wq.Phrase):  # type: ignore[misc]
    """An exact phrase (slop 1) over a bigram field.

    Our bigram fields keep a phrase key column: each candidate's key must contain ``needle``.
    Over a field with positions, adjacency is checked with sets of positions (Whoosh's Phrase
    builds a ``Span`` object for every position of every word in every candidate document). Both
    match the documents where word ``i`` occurs at ``start + i``.
    """

    def __init__(self, fieldname: str, words: list[str], needle: str = "", **kw: Any) -> None:
        super().__init__(fieldname, words, **kw)
        self.needle = needle

    def normalize(self) -> Any:
        query = super().normalize()
        if isinstance(query, AdjacentPhrase):
            query.needle = self.needle
        return query

    def method(self, schema: Any) -> str:
        """How this phrase is checked in ``schema``: ``"key"``, ``"positions"`` or ``"whoosh"``
        (Whoosh's own Phrase: another slop, an unknown field, neither keys nor positions)."""
        if self.slop != 1 or self.fieldname not in schema:
            return "whoosh"
        field = schema[self.fieldname]
        if field.format and field.format.supports("positions"):
            return "positions"
        return "key" if self.needle and field.column_type is not None else "whoosh"

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        method = self.method(searcher.schema)
        if method == "whoosh":
            return super().matcher(searcher, context)
        field = searcher.schema[self.fieldname]
        reader = searcher.reader()
        terms = []
        for word in self.words:
            btext = field.to_bytes(word)
            if (self.fieldname, btext) not in reader:
                return NullMatcher()
            terms.append(wq.Term(self.fieldname, btext))
        matchers = [t.matcher(searcher, context) for t in terms]
        if method == "positions":
            m: Any = _AdjacentMatcher(matchers)
        else:
            m = _KeyMatcher(make_binary_tree(IntersectionMatcher, matchers),
                            phrase_keys(reader, self.fieldname), self.needle)  # fmt: skip
        return WrappingMatcher(m, boost=self.boost) if self.boost != 1.0 else m


class _AdjacentMatcher(SpanWrappingMatcher):  # type: ignore[misc]
    def __init__(self, ms: list[Any]) -> None:
        self.ms = ms
        super().__init__(make_binary_tree(IntersectionMatcher, ms))

    def copy(self) -> _AdjacentMatcher:
        return _AdjacentMatcher([m.copy() for m in self.ms])

    def replace(self, minquality: float = 0) -> Any:
        return self if self.is_active() else NullMatcher()

    def _get_spans(self) -> list[Span]:
        starts: set[int] | None = None
        for offset, m in enumerate(self.ms):
            here = {p - offset for p in m.value_as("positions")}
            starts = here if starts is None else starts & here
            if not starts:
                return []
        last = len(self.ms) - 1
        return [Span(a, a + last) for a in sorted(starts or ())]


class _KeyMatcher(SpanWrappingMatcher):  # type: ignore[misc]
    def __init__(self, child: Any, keys: PhraseKeys, needle: str) -> None:
        self.keys, self.needle = keys, needle
        super().__init__(child)

    def copy(self) -> _KeyMatcher:
        return _KeyMatcher(self.child.copy(), self.keys, self.needle)

    def _replacement(self, newchild: Any) -> _KeyMatcher:
        return _KeyMatcher(newchild, self.keys, self.needle)

    def replace(self, minquality: float = 0) -> Any:
        return self if self.is_active() else NullMatcher()

    def _get_spans(self) -> list[Span]:
        return [Span(0, 0)] if self.needle in self.keys[self.child.id()] else []
