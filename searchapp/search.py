"""Search: a :class:`SearchRequest` in, a :class:`SearchResult` out. No Flask here.

Filters and facets work on arrays of Whoosh docnums and of per-document column ordinals (see
:mod:`searchapp.columns`), so every count is exact: the total is the size of the final set, and
each facet counts its values over the documents that match the query and every *other* active
filter (disjunctive faceting: choosing 一个发文机关 does not collapse the counts of the others).
Internal documents are removed here, before anything is counted, unless the caller is staff.
Hits are ranked by score, equal scores by docnum; only the page's first ones are sorted.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from indexer.index.store import doc_to_record
from indexer.records import Record
from searchapp.columns import Column, ColumnArrays, Mask, column_arrays, date_range
from searchapp.engine import Columns, Engine
from searchapp.evaluate import NONE, Expired, Matches, evaluate
from searchapp.request import FACETS, SearchRequest

MAX_FACET_SHOWN = 30
# A search that takes longer than this is cut off and says so (a guard against pathological
# queries on a big index; ordinary page requests take milliseconds).
TIME_LIMIT = 5.0
TIMEOUT_WARNING = "搜索用时过长，已提前结束，结果可能不完整"


class Budget:
    """The time a request may spend matching and ranking."""

    def __init__(self, seconds: float) -> None:
        self.deadline = time.monotonic() + seconds
        self.expired = False

    def left(self) -> float:
        return max(0.0, self.deadline - time.monotonic())

    def check(self) -> bool:
        """True while there is time left; remembers when it ran out."""
        if not self.expired and time.monotonic() > self.deadline:
            self.expired = True
        return not self.expired


@dataclass
class FacetValue:
    value: str
    count: int
    selected: bool


@dataclass
class Hit:
    id: str
    title: str
    doc_number: str
    issuer: str
    doc_type: str
    date: str
    gazette: str
    page: int | None
    score: float | None
    snippet: str
    title_html: str
    visibility: str

    def to_dict(self) -> dict[str, Any]:
        data = dict(self.__dict__)
        data.pop("title_html")
        return data

    @classmethod
    def of(cls, rec: Record, score: float | None, parsed: Any) -> Hit:
        """The hit for a record, its body and title highlighted for the parsed query."""
        from searchapp.snippets import make_snippet

        return cls(
            id=rec.id,
            title=rec.title,
            doc_number=rec.doc_number,
            issuer=rec.issuer,
            doc_type=rec.doc_type,
            date=rec.date,
            gazette=rec.gazette,
            page=rec.page,
            score=score,
            visibility=rec.visibility,
            snippet=make_snippet(rec.body, parsed),
            title_html=make_snippet(rec.title, parsed, fragments=1, size=max(len(rec.title), 1)),
        )


@dataclass
class ZeroHint:
    """Why nothing matched and the ways out: per term and per filter hit counts."""

    terms: list[tuple[str, int]] = field(default_factory=list)
    filters: list[tuple[str, str, int]] = field(
        default_factory=list
    )  # (param, value, total without)
    other_mode: str = ""
    other_mode_total: int = 0


@dataclass
class SearchResult:
    request: SearchRequest
    total: int
    hits: list[Hit]
    facets: dict[str, list[FacetValue]]
    histogram: list[tuple[str, int]]
    warnings: list[str]
    zero: ZeroHint | None = None

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.request.page_size))

    def to_dict(self) -> dict[str, Any]:
        """The DESIGN JSON shape of ``search --json`` and ``/api/search``."""
        data: dict[str, Any] = {
            "ok": True,
            "query": self.request.q,
            "total": self.total,
            "page": self.request.page,
            "page_size": self.request.page_size,
            "pages": self.pages,
            "hits": [h.to_dict() for h in self.hits],
            "facets": {k: [v.__dict__ for v in vs] for k, vs in self.facets.items()},
            "histogram": [{"year": y, "count": c} for y, c in self.histogram],
            "warnings": self.warnings,
        }
        if self.zero is not None:
            data["zero"] = {
                "terms": [{"term": t, "count": c} for t, c in self.zero.terms],
                "filters": [
                    {"param": p, "value": v, "total_without": c} for p, v, c in self.zero.filters
                ],
                "other_mode": self.zero.other_mode,
                "other_mode_total": self.zero.other_mode_total,
            }
        return data


def _within(searcher: Any, query: Any, budget: Budget) -> Matches:
    """``query``'s matches and scores, or none once the budget has run out (``budget.check``
    records that, for the page's "results incomplete" notice)."""
    try:
        return evaluate(searcher, query, budget.check)
    except Expired:
        return NONE


def _date_filter(docs: Iterable[int], columns: Columns, request: SearchRequest) -> set[int]:
    """The documents of ``docs`` in the request's date range."""
    chosen = list(docs)
    table = date_range(column_arrays(columns).date, request.date_from, request.date_to)
    if table is None:
        return set(chosen)
    ordinals = column_arrays(columns).date.ordinals[np.array(chosen, dtype=np.int64)]
    return {n for n, kept in zip(chosen, table[ordinals].tolist(), strict=True) if kept}


def facet_values(
    facet: str, counts: Mapping[str, int], chosen: tuple[str, ...]
) -> list[FacetValue]:
    """The values a facet shows: years newest first, the others by count, at most
    :data:`MAX_FACET_SHOWN`; a selected value always shows, with its count, even when it fell
    out of the top list."""
    ordered = (
        sorted(counts.items(), key=lambda kv: kv[0], reverse=True)
        if facet == "year"
        else sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    )
    shown = [FacetValue(v, c, v in chosen) for v, c in ordered[:MAX_FACET_SHOWN]]
    shown += [
        FacetValue(v, counts.get(v, 0), True) for v in chosen if v not in {s.value for s in shown}
    ]
    return shown


@dataclass(frozen=True)
class Evaluation:
    """A query run once over the index: every visible match (ascending docnums) with its score
    (BM25F times the recency tie-breaker, exact titles lifted above the rest: see
    :mod:`searchapp.ranking`), rounded as shown. Filters, facets, totals and pages are all
    derived from it."""

    docs: NDArray[np.int32]
    scores: NDArray[np.float64]
    expired: bool = False


@dataclass(frozen=True)
class _Found:
    """Documents in ascending order, with their scores when a query ranks them."""

    docs: NDArray[Any]
    scores: NDArray[np.float64] | None

    def where(self, keep: Mask | None) -> _Found:
        if keep is None:
            return self
        return _Found(self.docs[keep], None if self.scores is None else self.scores[keep])


class EvaluationCache:
    """Recent evaluations, keyed by the query, its mode and scope, the audience and the index
    generation (so a reindex never serves stale results). Bounded by the number of documents
    held, not of entries: one broad query on a big index can hold a hundred thousand (12 bytes
    each)."""

    def __init__(self, max_docs: int = 2_000_000) -> None:
        self.max_docs = max_docs
        self._items: OrderedDict[tuple[Any, ...], Evaluation] = OrderedDict()
        self._docs = 0
        self._lock = threading.Lock()

    def get(self, key: tuple[Any, ...]) -> Evaluation | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: tuple[Any, ...], value: Evaluation) -> None:
        size = len(value.docs)
        if value.expired or size > self.max_docs // 4:
            return
        with self._lock:
            if key in self._items:
                return
            self._items[key] = value
            self._docs += size
            while self._docs > self.max_docs:
                _, old = self._items.popitem(last=False)
                self._docs -= len(old.docs)


class Searcher:
    """The search library over one :class:`Engine`; ``staff`` decides what is visible."""

    def __init__(self, engine: Engine, staff: bool = False, time_limit: float = TIME_LIMIT) -> None:
        self.engine = engine
        self.staff = staff
        self.time_limit = time_limit
        self.cache = EvaluationCache()

    # -- matching -------------------------------------------------------------------------
    def _parse(self, request: SearchRequest, schema: Any, mode: str | None = None) -> Any:
        from searchapp.querybuild import parse_query

        return parse_query(request.q, mode=mode or request.mode, scope=request.scope, schema=schema)

    def _matching(
        self, query: Any, searcher: Any, arrays: ColumnArrays, budget: Budget
    ) -> NDArray[Any]:
        """The visible documents ``query`` matches (all visible ones for no query)."""
        if query is None:
            return arrays.visible_docs(self.staff)
        docs = _within(searcher, query, budget).docs
        return docs[arrays.visible(self.staff)[docs]]

    def _evaluate(
        self, request: SearchRequest, parsed: Any, snap: Any, searcher: Any, budget: Budget
    ) -> Evaluation:
        """Every visible match of the query with its score, in one pass (cached)."""
        key = (request.q, request.mode, request.scope, self.staff, snap.key)
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        from searchapp.ranking import exact_titles_first, shown_scores

        matches = _within(searcher, parsed.query, budget)
        arrays = column_arrays(snap.columns)
        visible = arrays.visible(self.staff)[matches.docs]
        docs = matches.docs[visible]
        scores = matches.scores[visible] * arrays.recency[docs]  # a new array: lifted in place
        boosted = exact_titles_first(searcher, request.q, Matches(docs, scores), budget.check)
        result = Evaluation(boosted.docs, shown_scores(boosted.scores), budget.expired)
        self.cache.put(key, result)
        return result

    def _filtered(
        self, base: NDArray[Any], arrays: ColumnArrays, request: SearchRequest, skip: str = ""
    ) -> Mask | None:
        """Which of ``base`` pass the request's filters but ``skip`` (None: all of them)."""
        tables: list[tuple[Column, Mask]] = []
        dates = (
            date_range(arrays.date, request.date_from, request.date_to) if skip != "date" else None
        )
        if dates is not None:
            tables.append((arrays.date, dates))
        for facet in FACETS:
            chosen = set(request.selected(facet))
            if facet != skip and chosen:
                column = arrays.facet(facet)
                tables.append((column, column.where(chosen.__contains__)))
        keep: Mask | None = None
        for column, table in tables:
            passed = table[column.ordinals[base]]
            keep = passed if keep is None else keep & passed
        return keep

    def _found(
        self, request: SearchRequest, snap: Any, searcher: Any, budget: Budget
    ) -> tuple[Any, Evaluation | None, _Found]:
        """The parsed query, its evaluation (None without a query) and the visible matches."""
        parsed = self._parse(request, snap.schema)
        if parsed.query is None:
            docs = column_arrays(snap.columns).visible_docs(self.staff)
            return parsed, None, _Found(docs, None)
        evaluation = self._evaluate(request, parsed, snap, searcher, budget)
        return parsed, evaluation, _Found(evaluation.docs, evaluation.scores)

    # -- the public entry points -----------------------------------------------------------
    def search(self, request: SearchRequest) -> SearchResult:
        """Run a request: the page of hits, exact total, facets, year histogram, zero hints."""
        with self.engine.searcher() as (snap, searcher):
            return self._search(request, snap, searcher)

    def _search(self, request: SearchRequest, snap: Any, searcher: Any) -> SearchResult:
        budget = Budget(self.time_limit)
        arrays = column_arrays(snap.columns)
        parsed, evaluation, base = self._found(request, snap, searcher, budget)
        final = base.where(self._filtered(base.docs, arrays, request))
        facets = {f: self._facet(f, base.docs, arrays, request) for f in FACETS}
        histogram = sorted(arrays.year.counts(final.docs).items())
        order = self._ranked(final, arrays, request, request.page * request.page_size)
        start = (request.page - 1) * request.page_size
        hits = [
            self._hit(searcher, n, s, parsed) for n, s in order[start : start + request.page_size]
        ]
        warnings = [*request.warnings, *parsed.warnings]
        if budget.expired or (evaluation is not None and evaluation.expired):
            warnings.append(TIMEOUT_WARNING)
        total = len(final.docs)
        if request.page > 1 and start >= total and total:
            warnings.append(
                f"第 {request.page} 页超出结果范围（共 {-(-total // request.page_size)} 页）"
            )
        result = SearchResult(request, total, hits, facets, histogram, warnings)
        if not total:
            result.zero = self._zero_hint(request, parsed, searcher, arrays, base.docs, budget)
        return result

    def iter_all(self, request: SearchRequest) -> Iterator[Record]:
        """Every matching record in result order (for exports), not just one page."""
        with self.engine.searcher() as (snap, searcher):
            budget = Budget(self.time_limit * 6)  # an export may take longer than a page
            arrays = column_arrays(snap.columns)
            _, _, base = self._found(request, snap, searcher, budget)
            final = base.where(self._filtered(base.docs, arrays, request))
            for n, _ in self._ranked(final, arrays, request, None):
                yield doc_to_record(searcher.stored_fields(n))

    # -- pieces ----------------------------------------------------------------------------
    def _facet(
        self, facet: str, base: NDArray[Any], arrays: ColumnArrays, request: SearchRequest
    ) -> list[FacetValue]:
        """Counts over the matches that pass every filter but this facet's own (disjunctive)."""
        keep = self._filtered(base, arrays, request, skip=facet)
        counts = arrays.facet(facet).counts(base if keep is None else base[keep])
        return facet_values(facet, counts, request.selected(facet))

    def _ranked(
        self, final: _Found, arrays: ColumnArrays, request: SearchRequest, limit: int | None
    ) -> list[tuple[int, float | None]]:
        """Docnums with scores in display order: by score, equal scores by docnum; by date
        (newest first, then by docnum) when browsing or asked to."""
        from searchapp.ranking import best_first

        docs = final.docs
        if final.scores is None or request.sort == "date":
            order = best_first(-arrays.date.ordinals[docs], limit)
            return [(n, None) for n in docs[order].tolist()]
        order = best_first(-final.scores, limit)
        return list(zip(docs[order].tolist(), final.scores[order].tolist(), strict=True))

    def _hit(self, searcher: Any, docnum: int, score: float | None, parsed: Any) -> Hit:
        return Hit.of(doc_to_record(searcher.stored_fields(docnum)), score, parsed)

    def _zero_hint(
        self,
        request: SearchRequest,
        parsed: Any,
        searcher: Any,
        arrays: ColumnArrays,
        base: NDArray[Any],
        budget: Budget,
    ) -> ZeroHint:
        hint = ZeroHint()
        for term, query in parsed.term_queries:
            hint.terms.append((term, len(self._matching(query, searcher, arrays, budget))))
        for facet in FACETS:
            for value in request.selected(facet):
                without = request.with_changes(
                    **{facet: tuple(v for v in request.selected(facet) if v != value)}
                )
                hint.filters.append(
                    (facet, value, _count(base, self._filtered(base, arrays, without)))
                )
        if request.date_from or request.date_to:
            undated = request.with_changes(date_from="", date_to="")
            kept = self._filtered(base, arrays, undated)
            hint.filters.append(
                ("date", f"{request.date_from}~{request.date_to}", _count(base, kept))
            )
        if request.q:
            other = "exact" if request.mode == "words" else "words"
            other_parsed = self._parse(request, searcher.schema, mode=other)
            other_base = self._matching(other_parsed.query, searcher, arrays, budget)
            hint.other_mode = other
            hint.other_mode_total = _count(other_base, self._filtered(other_base, arrays, request))
        return hint


def _count(base: NDArray[Any], keep: Mask | None) -> int:
    return len(base) if keep is None else int(np.count_nonzero(keep))
