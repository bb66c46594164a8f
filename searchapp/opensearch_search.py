"""Search over the OpenSearch backend: the same :class:`SearchRequest` in, the same
:class:`SearchResult` out as :class:`searchapp.search.Searcher` over Whoosh.

One ``_search`` call per page: the query (ours, translated by :mod:`searchapp.opensearch_query`)
with the visibility filter in ``query``, the request's filters in ``post_filter`` so that each
facet's aggregation can leave out its own filter (disjunctive facets: choosing one 发文机关 does
not collapse the counts of the others), and the year histogram over every filter. Snippets are
made by our own snippet code from the record kept in ``_source``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from indexer.config import Config
from indexer.index import store
from indexer.index.opensearch.client import OpenSearchError
from indexer.index.opensearch.writer import OpenSearchIndex
from indexer.index.ranking_fields import loose_title_key
from indexer.records import Record
from searchapp.opensearch_query import filters, translate, visibility_filter
from searchapp.ranking import title_query
from searchapp.request import FACETS, SearchRequest
from searchapp.search import Hit, SearchResult, ZeroHint, facet_values

# Facet values asked for: counted exactly, then cut to the shown few by facet_values.
ALL_VALUES = 10_000
# Added to the score of a document whose title is the query (twice when the very same, once
# when the same without 中华人民共和国): above any BM25 score of a query of words and phrases,
# and small enough for OpenSearch's 32-bit scores to keep the order within a tier.
TITLE_LIFT = 10_000.0


def title_clauses(text: str) -> list[dict[str, Any]]:
    """Optional clauses lifting the documents whose title equals ``text`` (see
    :func:`searchapp.ranking.exact_titles_first`); none when ``text`` is not plain words.

    >>> [c["constant_score"]["filter"] for c in title_clauses("《外商投资法》")]
    [{'term': {'title_key': '外商投资法'}}, {'term': {'title_key_loose': '外商投资法'}}]
    >>> title_clauses("国发〔2019〕5号"), title_clauses("法")
    ([], [])
    """
    key = title_query(text)[1]
    if not key:
        return []
    loose = loose_title_key(key)
    return [
        {"constant_score": {"filter": {"term": {"title_key": key}}, "boost": TITLE_LIFT}},
        {"constant_score": {"filter": {"term": {"title_key_loose": loose}}, "boost": TITLE_LIFT}},
    ]


def _terms(field: str, where: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "filter": {"bool": {"filter": where}},
        "aggs": {"v": {"terms": {"field": field, "size": ALL_VALUES}}},
    }


def complete(found: dict[str, Any]) -> dict[str, Any]:
    """``found``, an answer of ``_search``, when every shard answered in time; else an error.

    OpenSearch answers from the shards it reached, with ``_shards.failed`` saying how many it
    did not (a member lost with no copy elsewhere yet): its totals and facets would then be
    short, and nothing on the page would say so.

    >>> complete({"_shards": {"total": 3, "failed": 0}, "timed_out": False})["timed_out"]
    False
    >>> complete({"_shards": {"total": 3, "failed": 1}, "timed_out": False})
    Traceback (most recent call last):
    indexer.index.opensearch.client.OpenSearchError: OpenSearch answered from 2 of 3 shards; try again shortly
    """  # noqa: E501
    shards = found.get("_shards") or {}
    failed = int(shards.get("failed") or 0)
    if failed or found.get("timed_out"):
        total = int(shards.get("total") or 0)
        raise OpenSearchError(
            f"OpenSearch answered from {total - failed} of {total} shards; try again shortly"
        )
    return found


def _counts(agg: dict[str, Any]) -> dict[str, int]:
    return {b["key"]: b["doc_count"] for b in agg["v"]["buckets"] if b["key"]}


class OpenSearchSearcher:
    """The search library over the OpenSearch alias of ``[backend]``; ``staff`` decides what
    is visible."""

    def __init__(self, config: Config, staff: bool = False) -> None:
        self.target = OpenSearchIndex(config.backend)
        self.staff = staff
        self._schemas: dict[str, Any] = {}

    def health(self) -> dict[str, Any]:
        """For ``/healthz``: the documents this audience may see, the concrete index behind the
        alias and when it was built, the cluster's colour; an error when it cannot serve."""
        concrete = self.target.live()
        if concrete is None:
            from indexer.errors import IndexMissingError

            raise IndexMissingError(
                f"no OpenSearch index {self.target.alias!r}: run `gazette index`"
            )
        colour = self.target.client.healthy()
        if colour not in ("green", "yellow"):
            raise OpenSearchError(f"OpenSearch cluster is {colour or 'not answering'}")
        body = {"query": {"bool": {"filter": visibility_filter(self.staff)}}}
        found = self.target.client.call("POST", f"/{self.target.alias}/_count", body)
        return {
            "ok": True,
            "backend": "opensearch",
            "documents": found["count"],
            "generation": concrete,
            "built_at": self.target.meta(concrete).get("built_at", ""),
            "cluster": colour,
        }

    def _schema(self) -> Any:
        """The Whoosh schema our query parser analyses with: the user words the live index was
        built with, so a query is segmented as the documents were."""
        concrete = self.target.live()
        if concrete is None:
            from indexer.errors import IndexMissingError

            raise IndexMissingError(
                f"no OpenSearch index {self.target.alias!r}: run `gazette index`"
            )
        if concrete not in self._schemas:
            words = tuple(self.target.meta(concrete).get("words", ()))
            self._schemas = {concrete: store.make_schema(words)}
        return self._schemas[concrete]

    def _parse(self, request: SearchRequest, mode: str | None = None) -> Any:
        from searchapp.querybuild import parse_query

        schema = self._schema()
        return parse_query(request.q, mode=mode or request.mode, scope=request.scope, schema=schema)

    def _query(self, parsed: Any, text: str = "") -> dict[str, Any]:
        """The parsed query with the visibility filter, ranked as on the embedded index: BM25
        times the recency factor, and a query equal to a title (``text``: what was typed)
        lifting that document above the rest (see :mod:`searchapp.ranking`)."""
        if parsed.query is None:
            return {"bool": {"must": [{"match_all": {}}], "filter": visibility_filter(self.staff)}}
        scored = {
            "function_score": {
                "query": translate(parsed.query),
                "field_value_factor": {"field": "recency", "missing": 1.0},
                "boost_mode": "multiply",
            }
        }
        return {
            "bool": {
                "must": [scored],
                "should": title_clauses(text),
                "filter": visibility_filter(self.staff),
            }
        }

    def _sort(self, parsed: Any, request: SearchRequest) -> list[Any]:
        if parsed.query is None or request.sort == "date":
            return [{"date": {"order": "desc", "missing": "_last"}}, {"id": "desc"}]
        return ["_score", {"id": "asc"}]

    def _count(self, query: dict[str, Any], where: list[dict[str, Any]]) -> int:
        body = {"query": {"bool": {"must": [query], "filter": where}}}
        found: int = self.target.client.call("POST", f"/{self.target.alias}/_count", body)["count"]
        return found

    def search(self, request: SearchRequest) -> SearchResult:
        """Run a request: the page of hits, exact total, facets, year histogram, zero hints."""
        parsed = self._parse(request)
        query = self._query(parsed, request.q)
        aggs = {f: _terms(f, filters(request, skip=f)) for f in FACETS}
        aggs["histogram"] = _terms("year", filters(request))
        body = {
            "query": query,
            "post_filter": {"bool": {"filter": filters(request)}},
            "aggs": aggs,
            "sort": self._sort(parsed, request),
            "from": (request.page - 1) * request.page_size,
            "size": request.page_size,
            "track_total_hits": True,
        }
        found = complete(self.target.client.call("POST", f"/{self.target.alias}/_search", body))
        total = found["hits"]["total"]["value"]
        ranked = parsed.query is not None and request.sort != "date"
        hits = [self._hit(h, parsed, ranked) for h in found["hits"]["hits"]]
        facets = {
            f: facet_values(f, _counts(found["aggregations"][f]), request.selected(f))
            for f in FACETS
        }
        histogram = sorted(_counts(found["aggregations"]["histogram"]).items())
        warnings = [*request.warnings, *parsed.warnings]
        start = (request.page - 1) * request.page_size
        if request.page > 1 and start >= total and total:
            warnings.append(
                f"第 {request.page} 页超出结果范围（共 {-(-total // request.page_size)} 页）"
            )
        result = SearchResult(request, total, hits, facets, histogram, warnings)
        if not total:
            result.zero = self._zero_hint(request, parsed, query)
        return result

    def _hit(self, hit: dict[str, Any], parsed: Any, ranked: bool) -> Hit:
        rec = Record.from_dict(hit["_source"]["record"])
        score = round(hit["_score"], 4) if ranked and hit.get("_score") is not None else None
        return Hit.of(rec, score, parsed)

    def _zero_hint(self, request: SearchRequest, parsed: Any, query: dict[str, Any]) -> ZeroHint:
        visible = visibility_filter(self.staff)
        hint = ZeroHint()
        for term, term_query in parsed.term_queries:
            hint.terms.append((term, self._count(translate(term_query), visible)))
        for facet in FACETS:
            for value in request.selected(facet):
                without = request.with_changes(
                    **{facet: tuple(v for v in request.selected(facet) if v != value)}
                )
                hint.filters.append((facet, value, self._count(query, filters(without))))
        if request.date_from or request.date_to:
            undated = request.with_changes(date_from="", date_to="")
            span = f"{request.date_from}~{request.date_to}"
            hint.filters.append(("date", span, self._count(query, filters(undated))))
        if request.q:
            other = "exact" if request.mode == "words" else "words"
            other_query = self._query(self._parse(request, mode=other))
            hint.other_mode = other
            hint.other_mode_total = self._count(other_query, filters(request))
        return hint

    def iter_all(self, request: SearchRequest) -> Iterator[Record]:
        """Every matching record in result order (for exports), a page at a time: a point in
        time keeps the pages of one export on one state of the index (a rebuild swapping the
        alias meanwhile changes nothing of it), ``search_after`` walks it without deep paging."""
        parsed = self._parse(request)
        client = self.target.client
        pit = client.call("POST", f"/{self.target.alias}/_search/point_in_time?keep_alive=2m")
        pit_id = pit["pit_id"]
        body: dict[str, Any] = {
            "query": {
                "bool": {"must": [self._query(parsed, request.q)], "filter": filters(request)}
            },
            "sort": self._sort(parsed, request),
            "size": 500,
            "pit": {"id": pit_id, "keep_alive": "2m"},
        }
        try:
            while True:
                found = complete(client.call("POST", "/_search", body))
                hits = found["hits"]["hits"]
                yield from (Record.from_dict(h["_source"]["record"]) for h in hits)
                if len(hits) < body["size"]:
                    return
                body["search_after"] = hits[-1]["sort"]
                body["pit"]["id"] = found.get("pit_id", pit_id)
        finally:
            client.call("DELETE", "/_search/point_in_time", {"pit_id": [pit_id]}, ok=(404,))
