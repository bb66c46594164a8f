"""The page computed over arrays (:mod:`searchapp.columns`, :mod:`searchapp.search`) equals
its plain definition: filters, disjunctive facets, the year histogram, totals and the order of
hits recomputed here document by document from the evaluation's scores and the string columns."""

from __future__ import annotations

import random
from collections import Counter
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from searchapp import ranking
from searchapp.engine import Engine
from searchapp.evaluate import evaluate
from searchapp.ranking import best_first, recency_boost, shown_scores
from searchapp.request import FACETS, SearchRequest
from searchapp.search import Budget, Searcher, _Found, facet_values
from tests.conftest import OWN_QUERIES, WebIndex


def _kept(n: int, columns: Any, request: SearchRequest, skip: str = "") -> bool:
    date = columns.date[n]
    lo, hi = request.date_from, request.date_to
    if skip != "date" and (lo or hi):
        month_ok = len(date) == 7 and date >= lo[:7]
        if not (date and (not lo or date >= lo or month_ok) and (not hi or date <= hi)):
            return False
    return all(
        facet == skip
        or not request.selected(facet)
        or getattr(columns, facet)[n] in request.selected(facet)
        for facet in FACETS
    )


def plain_page(searcher: Searcher, request: SearchRequest) -> dict[str, Any]:
    """The page's numbers by their definitions, over sets and dictionaries."""
    with searcher.engine.searcher() as (snap, whoosh_searcher):
        columns = snap.columns
        parsed = searcher._parse(request, snap.schema)
        if parsed.query is None:
            scores = None
            base = set(columns.visible(searcher.staff))
        else:
            found = searcher._evaluate(request, parsed, snap, whoosh_searcher, Budget(3600))
            scores = dict(zip(found.docs.tolist(), found.scores.tolist(), strict=True))
            base = set(scores)
    final = {n for n in base if _kept(n, columns, request)}
    facets = {}
    for facet in FACETS:
        values = getattr(columns, facet)
        counts = Counter(values[n] for n in base if _kept(n, columns, request, skip=facet))
        counts.pop("", None)
        shown = facet_values(facet, counts, request.selected(facet))
        facets[facet] = [v.__dict__ for v in shown]
    years = Counter(columns.year[n] for n in final)
    years.pop("", None)
    if scores is None or request.sort == "date":
        order = sorted(final, key=lambda n: (columns.date[n], -n), reverse=True)
    else:
        order = sorted(final, key=lambda n: (-scores[n], n))
    start = (request.page - 1) * request.page_size
    page = order[start : start + request.page_size]
    return {
        "total": len(final),
        "facets": facets,
        "histogram": [{"year": y, "count": c} for y, c in sorted(years.items())],
        "hits": [
            (n, None if scores is None or request.sort == "date" else scores[n]) for n in page
        ],
    }


def requests(index: WebIndex) -> list[SearchRequest]:
    rng = random.Random(3)
    records = index.public + index.internal
    issuers = sorted({r.issuer for r in records if r.issuer})
    types = sorted({r.doc_type for r in records if r.doc_type})
    years = sorted({r.year for r in records if r.year})
    out = []
    for q in [*OWN_QUERIES, "规定", "人民 政府", "通知 OR 决定", "规定 -国务院"]:
        out.append(SearchRequest(q=q))
        for _ in range(4):
            out.append(
                SearchRequest(
                    q=q,
                    issuer=tuple(rng.sample(issuers, rng.randint(0, 2))),
                    doc_type=tuple(rng.sample(types, rng.randint(0, 1))),
                    year=tuple(rng.sample(years, rng.randint(0, 3))),
                    date_from=rng.choice(["", "2019-05", "2021-01-01"]),
                    date_to=rng.choice(["", "2024-06-30"]),
                    sort=rng.choice(["relevance", "relevance", "date"]),
                    page=rng.randint(1, 2),
                    page_size=rng.choice([5, 20]),
                )
            )
    return out


@pytest.mark.parametrize("staff", [False, True])
def test_the_page_equals_its_plain_definition(web_index: WebIndex, staff: bool) -> None:
    searcher = Searcher(Engine(web_index.config), staff=staff)
    checked = 0
    for request in requests(web_index):
        page = searcher.search(request)
        expected = plain_page(searcher, request)
        got = page.to_dict()
        assert got["total"] == expected["total"], request
        assert got["facets"] == expected["facets"], request
        assert got["histogram"] == expected["histogram"], request
        with searcher.engine.searcher() as (_, whoosh_searcher):
            ids = [whoosh_searcher.stored_fields(n)["id"] for n, _ in expected["hits"]]
        assert [h["id"] for h in got["hits"]] == ids, request
        assert [h["score"] for h in got["hits"]] == [s for _, s in expected["hits"]], request
        checked += bool(expected["hits"]) and any(request.selected(f) for f in FACETS)
    assert checked > 5  # filtered pages with hits, not only empty ones


def test_scores_are_bm25f_times_recency_rounded(web_index: WebIndex) -> None:
    """Without a title to lift (a query with an operator), a shown score is the evaluation's
    score times the recency boost of the document's date, rounded to four places."""
    searcher = Searcher(Engine(web_index.config))
    request = SearchRequest(q="通知 OR 决定 OR 规定")
    with searcher.engine.searcher() as (snap, whoosh_searcher):
        parsed = searcher._parse(request, snap.schema)
        raw = evaluate(whoosh_searcher, parsed.query).as_dict()
        found = searcher._evaluate(request, parsed, snap, whoosh_searcher, Budget(3600))
        dates = snap.columns.date
        public = snap.columns.public
    expected = {n: round(s * recency_boost(dates[n]), 4) for n, s in raw.items() if n in public}
    assert dict(zip(found.docs.tolist(), found.scores.tolist(), strict=True)) == expected
    assert len(expected) > 10


def test_titles_narrowed_by_length_are_lifted_the_same(
    web_index: WebIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    queries = [r.title for r in web_index.public[:25]] + ["通知", "国务院关于", "规定"]

    def pages() -> list[list[str]]:
        searcher = Searcher(Engine(web_index.config))
        return [[h.id for h in searcher.search(SearchRequest(q=q)).hits] for q in queries]

    everyone = pages()
    monkeypatch.setattr(ranking, "MANY_TITLES", 0)
    assert pages() == everyone
    assert sum(hits[0] == r.id for hits, r in zip(everyone, web_index.public, strict=False)) > 10


def test_browsing_pages_go_newest_first(web_index: WebIndex) -> None:
    searcher = Searcher(Engine(web_index.config))
    hits = searcher.search(SearchRequest(page_size=100)).hits
    dates = [h.date for h in hits]
    assert dates == sorted(dates, reverse=True) and len(hits) > 20
    assert all(h.score is None for h in hits)


@given(st.lists(st.floats(0, 1e6, allow_nan=False), max_size=50))
def test_shown_scores_round_as_python_does(scores: list[float]) -> None:
    assert shown_scores(np.array(scores, dtype=np.float64)).tolist() == [
        round(s, 4) for s in scores
    ]


def test_shown_scores_on_halves() -> None:
    """Scores whose fifth decimal is a 5, where scaling by 10⁴ may round the other way."""
    rng = random.Random(1)
    scores = [rng.randint(0, 10**9) / 10**4 + 0.00005 for _ in range(20_000)]
    scores += [k / 2**14 for k in range(20_000)]  # exact binary halves of the last place
    assert shown_scores(np.array(scores)).tolist() == [round(s, 4) for s in scores]


@given(
    st.lists(st.integers(0, 5), max_size=60),
    st.integers(0, 70),
)
def test_best_first_is_a_stable_sort_cut_short(keys: list[int], limit: int) -> None:
    order = sorted(range(len(keys)), key=lambda i: keys[i])[:limit]
    assert best_first(np.array(keys, dtype=np.int64), limit).tolist() == order
    assert best_first(np.array(keys, dtype=np.int64), None).tolist() == sorted(
        range(len(keys)), key=lambda i: keys[i]
    )


def test_found_where_keeps_scores_in_step() -> None:
    found = _Found(np.array([2, 5, 9]), np.array([0.5, 0.25, 0.125]))
    kept = found.where(np.array([True, False, True]))
    assert kept.docs.tolist() == [2, 9] and kept.scores is not None
    assert kept.scores.tolist() == [0.5, 0.125]
