"""Our parsed query (:func:`searchapp.querybuild.parse_query`) and a request's filters as
OpenSearch query DSL.

The query is parsed by our own parser, into the same tree the Whoosh backend runs, and each node
is translated: a term stays a term (the fields hold our own tokens), an exact phrase over a
bigram field becomes a ``match_phrase`` of :func:`indexer.index.opensearch.mapping.phrase_stream`,
AND/OR/NOT become ``bool`` clauses. So both backends match the same documents; only the scores
differ (Lucene's BM25 against Whoosh's BM25F with our tie-breakers).
"""

from __future__ import annotations

from typing import Any

from whoosh import query as wq

from indexer.index.opensearch.mapping import phrase_stream
from searchapp.matchers import AdjacentPhrase
from searchapp.request import FACETS, SearchRequest

# Whoosh weights the title's words three times at index time (the field's boost); here the
# query carries it.
FIELD_BOOST = {"title": 3.0}


def _boosted(clause: dict[str, Any], boost: float) -> dict[str, Any]:
    """``clause`` with ``boost`` set where its kind keeps it (per field, or on the bool)."""
    if boost == 1.0:
        return clause
    ((kind, body),) = clause.items()
    if kind == "bool":
        body["boost"] = boost
    else:
        ((field, inner),) = body.items()
        body[field] = {**inner, "boost": boost}
    return clause


def translate(query: Any) -> dict[str, Any]:
    """One Whoosh query node as DSL.

    >>> translate(wq.Term("body", "法律"))
    {'term': {'body': {'value': '法律'}}}
    >>> either = wq.Or([wq.Term("title", "法律"), wq.Term("doc_number", "x", boost=2.0)])
    >>> translate(either)["bool"]["should"][0]
    {'term': {'title': {'value': '法律', 'boost': 3.0}}}
    """
    boost = float(getattr(query, "boost", 1.0))
    if isinstance(query, AdjacentPhrase):
        stream = phrase_stream(query.needle) if query.needle else list(query.words)
        clause: dict[str, Any] = {"match_phrase": {query.fieldname: {"query": " ".join(stream)}}}
        return _boosted(clause, boost)
    if isinstance(query, wq.Term):
        field = query.fieldname
        clause = {"term": {field: {"value": query.text}}}
        return _boosted(clause, boost * FIELD_BOOST.get(field, 1.0))
    if isinstance(query, wq.Prefix):
        clause = {"prefix": {query.fieldname: {"value": query.text}}}
        return _boosted(clause, boost * FIELD_BOOST.get(query.fieldname, 1.0))
    if isinstance(query, wq.Every):
        return {"match_all": {}}
    if isinstance(query, wq.AndNot):
        must = [translate(query.a)]
        return {"bool": {"must": must, "must_not": [translate(query.b)]}}
    if isinstance(query, wq.And):
        return _boosted({"bool": {"must": [translate(q) for q in query.subqueries]}}, boost)
    if isinstance(query, wq.Or):
        should = [translate(q) for q in query.subqueries]
        return _boosted({"bool": {"should": should, "minimum_should_match": 1}}, boost)
    if query is wq.NullQuery:
        return {"match_none": {}}
    raise ValueError(f"no OpenSearch translation for {type(query).__name__}")


def date_filter(request: SearchRequest) -> dict[str, Any] | None:
    """The date range; a date known only to its month is in range when a day of it is."""
    lo, hi = request.date_from, request.date_to
    if not (lo or hi):
        return None
    upper = {"lte": hi} if hi else {}
    lower: list[dict[str, Any]] = [{"exists": {"field": "date"}}]
    if lo:
        month = {
            "bool": {
                "filter": [{"term": {"month_only": True}}, {"range": {"date": {"gte": lo[:7]}}}]
            }
        }
        lower = [
            {
                "bool": {
                    "should": [{"range": {"date": {"gte": lo}}}, month],
                    "minimum_should_match": 1,
                }
            }
        ]
    clauses = lower + ([{"range": {"date": upper}}] if upper else [])
    return {"bool": {"filter": clauses}}


def filters(request: SearchRequest, skip: str | None = None) -> list[dict[str, Any]]:
    """The request's filters (date, then each facet's selected values), ``skip`` left out."""
    found: list[dict[str, Any]] = []
    dated = date_filter(request) if skip != "date" else None
    if dated is not None:
        found.append(dated)
    for facet in FACETS:
        chosen = request.selected(facet)
        if facet != skip and chosen:
            found.append({"terms": {facet: list(chosen)}})
    return found


def visibility_filter(staff: bool) -> list[dict[str, Any]]:
    """What the public may see, always added on the server whatever the request says."""
    return [] if staff else [{"term": {"visibility": "public"}}]
