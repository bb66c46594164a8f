"""What OpenSearch holds: the index mapping, and a record as a document of our own tokens.

OpenSearch never analyses our text: each text field receives the terms our analysis makes
(:mod:`indexer.analysis`), one space apart, under the ``whitespace`` analyzer, so both backends
index the same terms and BM25 counts the same frequencies. ``title``/``body`` hold jieba words
(no positions: only single terms are asked of them); ``title_bi``/``body_bi`` hold CJK bigrams
with positions, for phrases. Whoosh's bigram fields put a run's first and last character at the
position of a neighbouring bigram; a whitespace stream cannot share positions, so here each
ideograph run of two or more characters is written as its first character, its bigrams, then its
last character (:func:`gram_stream`), and a phrase asks for the matching sequence
(:func:`phrase_stream`). The terms and their counts are exactly Whoosh's.
"""

from __future__ import annotations

import re
from typing import Any

from indexer.analysis.normalise import normalise
from indexer.analysis.tokens import JiebaTokenizer, index_term_counts
from indexer.chars import IDEOGRAPHS
from indexer.index.ranking_fields import loose_title_key, recency_boost, title_key
from indexer.recognise.docnum import parse_doc_number
from indexer.records import Record

_RUN_RE = re.compile(rf"([{IDEOGRAPHS}]+)|[^\W_{IDEOGRAPHS}]+")
_IDEOGRAPH_RE = re.compile(rf"[{IDEOGRAPHS}]+")
KEYWORDS = (
    "id",
    "doc_number",
    "doc_number_aliases",
    "doc_series",
    "issuer",
    "doc_type",
    "year",
    "date",
    "visibility",
    "source",
    "cites",
    "repeals",
    "title_key",
    "title_key_loose",
)
TEXT_FIELDS = ("title", "title_bi", "body", "body_bi")
# What this mapping holds, recorded in each index's ``_meta``: an update into an index of another
# mapping version is refused (its strict mapping would reject the new fields). 2: the ranking
# fields (title keys, recency).
MAPPING_VERSION = 2
# Deep pages as far as the request's own limits go (page 1000 × 100 per page).
MAX_RESULT_WINDOW = 100_000


def _run_tokens(run: str, head: bool, tail: bool) -> list[str]:
    """One run's tokens; ``head``/``tail``: whether its first/last character is written alone."""
    if len(run) < 2 or not _IDEOGRAPH_RE.fullmatch(run):
        return [run]
    grams = [run[k : k + 2] for k in range(len(run) - 1)]
    return [run[0]] * head + grams + [run[-1]] * tail


def gram_stream(norm: str) -> list[str]:
    """The bigram field's tokens for normalised text, in position order.

    >>> gram_stream("1号文件")
    ['1', '号', '号文', '文件', '件']
    >>> gram_stream("离政发〔2024〕8号")
    ['离', '离政', '政发', '发', '2024', '8', '号']
    """
    return [t for m in _RUN_RE.finditer(norm) for t in _run_tokens(m.group(), True, True)]


def phrase_stream(needle: str) -> list[str]:
    """The tokens an exact phrase asks for at consecutive positions, from its phrase needle
    (:func:`indexer.analysis.tokens.phrase_needle`): an ideograph run at either end may begin
    (or end) inside a longer run, so its outer character is not asked for; inner runs are whole.

    >>> phrase_stream("禁止露天")
    ['禁止', '止露', '露天']
    >>> phrase_stream("发 2024 8 号")
    ['发', '2024', '8', '号']
    >>> phrase_stream("政发 2024")
    ['政发', '发', '2024']
    """
    runs = needle.split()
    last = len(runs) - 1
    return [t for i, run in enumerate(runs) for t in _run_tokens(run, i > 0, i < last)]


def word_stream(tokenizer: JiebaTokenizer, text: str) -> str:
    """The word field's terms (as Whoosh indexes them, with their counts), space-joined.

    Positions do not matter for word fields; terms holding a space (none our tokenizer makes
    today) are dropped rather than split into other terms.
    """
    counts = index_term_counts(tokenizer, text)
    return " ".join(
        t for t, n in counts.items() if not any(c.isspace() for c in t) for _ in range(n)
    )


def record_to_source(rec: Record, tokenizer: JiebaTokenizer) -> dict[str, Any]:
    """The OpenSearch document of a record: keyword fields, token fields, the record itself."""
    parsed = parse_doc_number(rec.doc_number) if rec.doc_number else None
    key = title_key(rec.title)
    doc: dict[str, Any] = {
        "id": rec.id,
        "doc_number": rec.doc_number or None,
        "doc_number_aliases": list(rec.doc_number_aliases),
        "doc_series": parsed.series if parsed else None,
        "issuer": rec.issuer or None,
        "doc_type": rec.doc_type or None,
        "year": rec.year or None,
        "date": rec.date or None,
        "month_only": len(rec.date) == 7,
        "visibility": rec.visibility,
        "source": rec.source,
        "cites": list(rec.cites),
        "repeals": list(rec.repeals),
        "title": word_stream(tokenizer, rec.title),
        "title_bi": " ".join(gram_stream(normalise(rec.title))),
        "body": word_stream(tokenizer, rec.body),
        "body_bi": " ".join(gram_stream(normalise(rec.body))),
        "title_key": key,
        "title_key_loose": loose_title_key(key),
        "recency": recency_boost(rec.date),
        "record": rec.to_dict(),
    }
    return doc


def index_body(shards: int, replicas: int, meta: dict[str, Any]) -> dict[str, Any]:
    """Settings and mapping of a new concrete index; ``meta`` (how it was built) goes in
    the mapping's ``_meta``, read back before an update."""
    words = {"type": "text", "analyzer": "whitespace", "index_options": "freqs"}
    grams = {"type": "text", "analyzer": "whitespace", "index_options": "positions"}
    properties: dict[str, Any] = {name: {"type": "keyword"} for name in KEYWORDS}
    properties.update(title=words, body=words, title_bi=grams, body_bi=grams)
    properties["month_only"] = {"type": "boolean"}
    properties["recency"] = {"type": "float"}
    properties["record"] = {"type": "object", "enabled": False}
    meta = {**meta, "mapping": MAPPING_VERSION}
    return {
        "settings": {
            "number_of_shards": shards,
            "number_of_replicas": replicas,
            "max_result_window": MAX_RESULT_WINDOW,
            "refresh_interval": "-1",
        },
        "mappings": {
            "dynamic": "strict",
            "_meta": meta,
            "_source": {"excludes": list(TEXT_FIELDS)},
            "properties": properties,
        },
    }


def sources_index_body(replicas: int) -> dict[str, Any]:
    """The small companion index holding each source file's state (hash, ids, …): one shard,
    with as many copies as the documents have (losing a node must not lose the states, or the
    next update could not tell what the index holds)."""
    return {
        "settings": {"number_of_shards": 1, "number_of_replicas": replicas},
        "mappings": {"dynamic": False, "properties": {"key": {"type": "keyword"}}},
    }


def check_mapping(meta: dict[str, Any]) -> None:
    """Refuse to update an index laid out by another version of this mapping.

    >>> check_mapping({"mapping": MAPPING_VERSION})
    >>> try:
    ...     check_mapping({})
    ... except Exception as exc:
    ...     print(exc)
    OpenSearch index laid out by mapping version 1 (this version writes 2); run `gazette index --rebuild`
    """  # noqa: E501
    from indexer.errors import AnalysisMismatchError

    found = meta.get("mapping", 1)
    if found != MAPPING_VERSION:
        raise AnalysisMismatchError(
            f"OpenSearch index laid out by mapping version {found} "
            f"(this version writes {MAPPING_VERSION}); run `gazette index --rebuild`"
        )
