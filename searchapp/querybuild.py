"""What a person typed → a Whoosh query (:func:`parse_query`), over the items of
:mod:`searchapp.querylex`.

Each term searches jieba words (for ranking) OR its exact text as a bigram phrase (recall where
the words were segmented differently, and a bonus for exact matches). Quoted phrases and 精确
mode use the bigram phrase alone, so they only ever match the exact text. A 文号 becomes an exact
``doc_number`` term that outranks everything; a 文号 series matches its ``doc_series`` first.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from whoosh import query as wq
from whoosh.fields import Schema

from indexer.analysis.normalise import normalise
from indexer.analysis.tokens import bigram_analyzer, phrase_needle, word_analyzer
from indexer.chars import IDEOGRAPHS
from searchapp.matchers import AdjacentPhrase
from searchapp.querylex import QueryItem, field_number, read_items

MAX_PREFIX_TERMS = 4  # one-character terms expand over the bigram lexicon; keep that bounded
DOCNUM_BOOST = 1000.0
SERIES_BOOST = 50.0
PHRASE_BOOST = 5.0
TITLE_BOOST = 3.0
ALLOWED_FIELDS = frozenset(
    {
        "title",
        "title_bi",
        "body",
        "body_bi",
        "doc_number",
        "doc_number_aliases",
        "doc_series",
        "issuer",
    }
)


@dataclass
class ParsedQuery:
    """A parsed query; ``query`` is None when nothing searchable was typed (browse)."""

    query: wq.Query | None
    warnings: list[str] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)
    doc_number: str | None = None
    term_queries: list[tuple[str, wq.Query]] = field(default_factory=list)
    highlights: list[str] = field(default_factory=list)  # normalised strings to <mark>


@dataclass
class _Context:
    schema: Schema
    exact: bool
    fields: tuple[str, ...]
    warnings: list[str]
    highlights: list[str]
    prefix_budget: int = MAX_PREFIX_TERMS

    def analyze(self, fieldname: str, text: str) -> list[str]:
        analyzer = self.schema[fieldname].analyzer if fieldname in self.schema else None
        if analyzer is None:
            analyzer = word_analyzer() if fieldname == "title" else bigram_analyzer()
        return [t.text for t in analyzer(text, mode="query", positions=True)]


def parse_query(
    text: str, *, mode: str = "words", scope: str = "all", schema: Schema
) -> ParsedQuery:
    """Parse what a person typed; never raises.

    >>> from indexer.analysis.fields import text_fields
    >>> from whoosh.fields import ID, Schema
    >>> schema = Schema(doc_number=ID, doc_series=ID, issuer=ID, **text_fields())
    >>> parsed = parse_query("离政办发（２０２４）１号", schema=schema)
    >>> parsed.doc_number, parsed.terms
    ('离政办发〔2024〕1号', ['离政办发（２０２４）１号'])
    """
    warnings: list[str] = []
    if mode not in ("words", "exact"):
        warnings.append(f"未知的检索方式“{mode}”，已按模糊检索处理")
    if scope not in ("all", "title"):
        warnings.append(f"未知的检索范围“{scope}”，已按全文检索处理")
    fields = ("title",) if scope == "title" else ("title", "body")
    ctx = _Context(schema, mode == "exact", fields, warnings, [])
    return _assemble(ctx, read_items(text, warnings))


def _assemble(ctx: _Context, items: list[QueryItem]) -> ParsedQuery:
    groups: list[list[wq.Query]] = [[]]
    negatives: list[wq.Query] = []
    parsed = ParsedQuery(None, ctx.warnings)
    for item in items:
        highlights = len(ctx.highlights)
        query = _item_query(ctx, item)
        if item.negated:
            del ctx.highlights[highlights:]
            negatives += [query] if query is not None else []
            continue
        if query is not None:
            groups[-1].append(query)
            parsed.terms.append(item.text)
            parsed.term_queries.append((item.text, query))
            if item.kind == "docnum" and parsed.doc_number is None and item.number:
                parsed.doc_number = str(item.number)
        if not item.or_next and groups[-1]:
            groups.append([])
    positive = _and([_or(g) for g in groups])
    negative = _or(negatives)
    if positive is None and negative is not None:
        ctx.warnings.append("只有排除词：显示排除后的全部文件")
        positive = wq.Every()
    if positive is not None:
        query = wq.AndNot(positive, negative) if negative is not None else positive
        parsed.query = query.normalize()
    parsed.highlights = list(dict.fromkeys(h for h in ctx.highlights if h))
    return parsed


def _item_query(ctx: _Context, item: QueryItem) -> wq.Query | None:
    if item.kind in ("docnum", "series"):
        return _docnum_query(ctx, item)
    if item.field in ("issuer", "doc_number"):
        return _field_query(ctx, item)
    fields = (item.field,) if item.field else ctx.fields
    query = _text_query(ctx, item.text, fields, exact=item.kind == "phrase")
    if query is None:
        ctx.warnings.append(f"“{item.text}”没有可检索的文字，已忽略")
    return query


def _or(queries: Sequence[wq.Query | None], boost: float = 1.0) -> wq.Query | None:
    qs = [q for q in queries if q is not None]
    if len(qs) == 1:  # Whoosh ignores the boost of a compound query with one child
        return qs[0] if boost == 1.0 else qs[0].with_boost(qs[0].boost * boost)
    return wq.Or(qs, boost=boost) if qs else None


def _and(queries: Sequence[wq.Query | None]) -> wq.Query | None:
    qs = [q for q in queries if q is not None]
    return (qs[0] if len(qs) == 1 else wq.And(qs)) if qs else None


def _gram_query(
    ctx: _Context, fieldname: str, text: str, grams: list[str], boost: float, prefix: bool
) -> wq.Query:
    if len(grams) > 1:
        return AdjacentPhrase(fieldname, grams, phrase_needle(normalise(text)), boost=boost)
    gram = grams[0]
    if prefix and len(gram) == 1 and re.match(f"[{IDEOGRAPHS}]", gram) and ctx.prefix_budget > 0:
        ctx.prefix_budget -= 1  # a lone ideograph: its unigram and every bigram it starts
        return wq.Prefix(fieldname, gram, boost=boost)
    return wq.Term(fieldname, gram, boost=boost)


def _exact_query(
    ctx: _Context, text: str, fields: tuple[str, ...], prefix: bool = True
) -> wq.Query | None:
    grams = ctx.analyze("body_bi", text)
    if not grams:
        return None
    boosts = {"title": TITLE_BOOST}
    return _or(
        [_gram_query(ctx, f"{f}_bi", text, grams, boosts.get(f, 1.0), prefix) for f in fields]
    )


def _text_query(ctx: _Context, text: str, fields: tuple[str, ...], exact: bool) -> wq.Query | None:
    """jieba words, each falling back to its exact text; the whole term's exact text scores more.

    >>> from whoosh.fields import Schema
    >>> ctx = _Context(Schema(), False, ("body",), [], [])
    >>> str(_text_query(ctx, "禁止露天", ("body",), exact=False))
    '(((body:禁止 OR body_bi:禁止) AND (body:露天 OR body_bi:露天)) OR body_bi:"禁止 止露 露天")'
    """
    norm = normalise(text)
    exact_q = _exact_query(ctx, norm, fields)
    if exact_q is None:
        return None
    ctx.highlights.append(norm.strip())
    if exact or ctx.exact:
        return exact_q
    words = ctx.analyze("title", norm)
    ctx.highlights.extend(w for w in words if len(w) > 1)
    per_word = [
        _or(
            [wq.Term(f, w) for f in fields]
            + [_exact_query(ctx, w, fields, False) if len(words) > 1 < len(w) else None]
        )
        for w in words
    ]
    return _or([_and(per_word), _or([exact_q], boost=PHRASE_BOOST)])


def _docnum_query(ctx: _Context, item: QueryItem) -> wq.Query | None:
    assert item.number is not None
    number = item.number
    if item.kind == "series":
        series = f"{number.prefix}〔{number.year}〕"
        parts = [_text_query(ctx, t, ctx.fields, False) for t in (number.prefix, str(number.year))]
        exact = _text_query(ctx, series, ctx.fields, exact=True)
        return _or([wq.Term("doc_series", series, boost=SERIES_BOOST), exact, _and(parts)])
    canonical = str(number)
    variants = dict.fromkeys(normalise(v) for v in (canonical, item.text))
    return _or(
        [
            wq.Term("doc_number", canonical, boost=DOCNUM_BOOST),
            wq.Term("doc_number_aliases", canonical, boost=DOCNUM_BOOST),
        ]
        + [_text_query(ctx, v, ctx.fields, exact=True) for v in variants]
    )


def _field_query(ctx: _Context, item: QueryItem) -> wq.Query | None:
    value = item.text.strip()
    if item.field == "issuer":
        ctx.highlights.append(normalise(value))
        return _or([wq.Term("issuer", value, boost=2.0), _text_query(ctx, value, ("title",), True)])
    number = field_number(value)
    return _docnum_query(ctx, number) if number is not None else wq.Term("doc_number", value)
