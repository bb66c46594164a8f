"""The lenient query parser (searchapp.querylex, searchapp.querybuild) on a tiny in-memory index."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from whoosh.fields import ID, Schema
from whoosh.scoring import BM25F

from indexer.analysis import text_fields
from indexer.recognise.docnum import parse_doc_number
from searchapp.querybuild import ALLOWED_FIELDS, parse_query
from searchapp.querylex import MAX_QUERY_CHARS
from searchapp.ranking import recency_boost, weighting
from tests.helpers import ram_storage

DOCS = [
    ("a", "吕梁市离石区人民政府关于印发推行政府法律顾问制度工作方案的通知", "离政发〔2024〕8号",
     "离政发〔2024〕8号\n现将《推行政府法律顾问制度工作方案》印发给你们。聘任律师事务所。"),
    ("b", "吕梁市离石区人民政府办公室关于印发重污染天气应急预案的通知", "离政办发〔2024〕1号",
     "离政办发〔2024〕1号\n各乡（镇）人民政府：禁止露天焚烧秸秆。"),
    ("c", "吕梁市离石区人民政府办公室关于开展汽车消费补贴工作的通知", "离政办发〔2024〕12号",
     "离政办发〔2024〕12号\n根据晋政办发〔2023〕65号，开展2023年汽车消费补贴。露天禁止焚烧。"),
    ("d", "吕梁市离石区人民政府关于陈楠等同志任免职务的通知", "离政发〔2024〕6号",
     "任命：\n陈 楠同志任区应急管理综合行政执法大队队长。"),
    ("e", "關於禁止在露天焚燒垃圾的通告", "", "城區內禁止在露天焚燒垃圾。"),
    ("f", "内部工作安排", "", "visibility internal 内部"),
]  # fmt: skip


@pytest.fixture(scope="module")
def ix() -> Any:
    schema = Schema(
        id=ID(stored=True, unique=True),
        doc_number=ID(stored=True),
        doc_series=ID,
        issuer=ID(stored=True),
        visibility=ID,
        date=ID(stored=True),
        **text_fields(("离石区",)),
    )
    index = ram_storage().create_index(schema)
    with index.writer() as w:
        for doc_id, title, number, body in DOCS:
            parsed = parse_doc_number(number)
            series = f"{parsed.prefix}〔{parsed.year}〕" if parsed else ""
            w.add_document(
                id=doc_id, title=title, title_bi=title, body=body, body_bi=body,
                doc_number=number, doc_series=series, visibility="public",
                issuer=title.split("关于")[0],
            )  # fmt: skip
    return index


def hits(ix: Any, text: str, **kw: Any) -> list[str]:
    parsed = parse_query(text, schema=ix.schema, **kw)
    if parsed.query is None:
        return []
    with ix.searcher(weighting=weighting()) as s:
        return [h["id"] for h in s.search(parsed.query, limit=10)]


def fields_of(query: Any) -> set[str | None]:
    return {leaf.field() for leaf in query.leaves()} if query is not None else set()


# ---------------------------------------------------------------------------- never raises


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=st.one_of(
        st.text(max_size=120),
        st.lists(
            st.sampled_from(
                ['"', "“", "”", "-", "OR", "AND", "NOT", "title:", "文号:", "issuer:", "id:",
                 "visibility:", "*", "?", "~", "(", ")", "〔2024〕", "离政办发", "1号", " ", "顾问",
                 "\x00", "[2024]", "2024年", "２０２４", "號", "：", "「", "」"]
            ),
            max_size=20,
        ).map("".join),
    ),
    mode=st.sampled_from(["words", "exact", "bogus"]),
    scope=st.sampled_from(["all", "title", "bogus"]),
)  # fmt: skip
def test_parse_query_never_raises_and_stays_on_allowed_fields(
    text: str, mode: str, scope: str, ix: Any
) -> None:
    parsed = parse_query(text, mode=mode, scope=scope, schema=ix.schema)
    assert fields_of(parsed.query) <= ALLOWED_FIELDS | {None}
    assert len(parsed.terms) == len(parsed.term_queries)
    if parsed.query is not None:
        with ix.searcher(weighting=weighting()) as s:
            s.search(parsed.query, limit=3)


def test_hostile_input_gives_warnings_not_errors(ix: Any) -> None:
    long = parse_query("法律顾问" * 2500, schema=ix.schema)
    assert any(str(MAX_QUERY_CHARS) in w for w in long.warnings) and long.query is not None
    assert parse_query('"禁止露天', schema=ix.schema).warnings == ["引号不成对，已按普通词处理"]
    assert parse_query("OR", schema=ix.schema).query is None
    assert parse_query("*", schema=ix.schema).query is None
    assert "控制字符" in parse_query("法律\x00顾问", schema=ix.schema).warnings[0]
    assert parse_query("", schema=ix.schema).query is None
    assert parse_query("法律~2 顾问*", schema=ix.schema).warnings


def test_other_field_prefixes_are_plain_text(ix: Any) -> None:
    parsed = parse_query("visibility:internal", schema=ix.schema)
    assert "visibility" not in fields_of(parsed.query)
    assert any("visibility" in w for w in parsed.warnings)
    assert "visibility" not in fields_of(
        parse_query("id:a visibility:public", schema=ix.schema).query
    )


# ---------------------------------------------------------------------------- 文号


@pytest.mark.parametrize(
    "variant",
    ["离政办发〔2024〕1号", "离政办发[2024]1号", "离政办发(2024)1号", "离政办发（2024）1号",
     "离政办发【2024】1号", "离政办发2024年1号", "离政办发〔２０２４〕１号",
     "离政办发 〔2024〕 1 号", "離政辦發〔2024〕1號", "文号:离政办发[2024]1号",
     "文号 离政办发2024年1号"],
)  # fmt: skip
def test_every_doc_number_variant_finds_exactly_that_document(ix: Any, variant: str) -> None:
    assert hits(ix, variant) == ["b"]
    assert parse_query(variant, schema=ix.schema).doc_number == "离政办发〔2024〕1号"


def test_1_is_not_12(ix: Any) -> None:
    assert hits(ix, "离政办发〔2024〕12号") == ["c"]
    assert hits(ix, "离政办发〔2024〕2号") == []
    assert "c" not in hits(ix, "1号")


def test_series_lists_its_documents_first(ix: Any) -> None:
    assert hits(ix, "离政办发 2024")[:2] in (["b", "c"], ["c", "b"])
    assert set(hits(ix, "离政发〔2024〕")[:2]) == {"a", "d"}


def test_cited_doc_number_finds_the_citing_document(ix: Any) -> None:
    assert hits(ix, "晋政办发[2023]65号") == ["c"]


# ---------------------------------------------------------------------------- text


def test_phrases_match_only_the_exact_text(ix: Any) -> None:
    assert hits(ix, '"禁止露天焚烧"') == ["b"]
    assert hits(ix, "“禁止露天焚烧”") == ["b"]
    assert hits(ix, "禁止露天焚烧", mode="exact") == ["b"]
    assert set(hits(ix, "禁止露天焚烧")) >= {"b", "c", "e"}  # words mode: scattered words too
    assert hits(ix, "禁止露天焚烧")[0] == "b"  # the exact phrase first


def test_traditional_and_simplified_match_each_other(ix: Any) -> None:
    assert hits(ix, "汽車消費補貼") == ["c"]
    assert hits(ix, '"禁止在露天焚烧垃圾"') == ["e"]


def test_words_sub_words_and_single_characters(ix: Any) -> None:
    assert hits(ix, "顾问") == ["a"]
    assert hits(ix, "陈楠") == ["d"]  # printed letter-spaced: 陈 楠
    assert hits(ix, "顾") == ["a"]  # inside 法律顾问
    assert hits(ix, "推 行 政 府 法 律 顾 问")[:1] == ["a"]  # letter-spaced, pasted from a PDF
    assert "a" in hits(ix, "律顾问")  # a substring jieba never produces


def test_operators_and_field_prefixes(ix: Any) -> None:
    assert hits(ix, "汽车 OR 陈楠") in (["c", "d"], ["d", "c"])
    assert "b" not in hits(ix, "焚烧 -重污染")
    assert hits(ix, "title:法律顾问") == ["a"]
    assert hits(ix, '标题:"重污染天气"') == ["b"]
    assert hits(ix, "正文:律师事务所") == ["a"]
    assert hits(ix, "秸秆", scope="title") == []
    assert hits(ix, "NOT 内部")[:1] != ["f"] and "f" not in hits(ix, "-内部")


def test_terms_and_term_queries(ix: Any) -> None:
    parsed = parse_query('法律顾问 "露天焚烧" -秸秆 不存在的词', schema=ix.schema)
    assert parsed.terms == ["法律顾问", "露天焚烧", "不存在的词"]
    with ix.searcher() as s:
        counts = [len(s.search(q, limit=None)) for _, q in parsed.term_queries]
    assert counts[0] == 1 and counts[1] >= 1 and counts[2] == 0
    assert "法律顾问" in parsed.highlights and "秸秆" not in parsed.highlights


def test_weighting_and_recency_boost() -> None:
    assert isinstance(weighting(), BM25F)
    assert recency_boost("") == 1.0 and recency_boost("garbage") == 1.0
    assert 1.0 < recency_boost("2019-01-01") < recency_boost("2024-03-31") <= 1.05
    assert recency_boost("1900-01-01") == 1.0 and recency_boost("2999-12-31") == 1.05


@settings(max_examples=150, deadline=None)
@given(
    docs=st.lists(
        st.text(alphabet="法律顾问制度人民", min_size=0, max_size=30), min_size=1, max_size=8
    ),
    phrase=st.text(alphabet="法律顾问制度人民", min_size=2, max_size=5),
)
def test_adjacent_phrase_matches_exactly_what_whooshs_phrase_matches(
    docs: list[str], phrase: str
) -> None:
    """The set-based phrase matcher and Whoosh's span-based one find the same documents, and
    both find exactly the documents that contain the phrase as a substring."""
    from whoosh import query as wq
    from whoosh.fields import TEXT

    from indexer.analysis import bigram_analyzer
    from searchapp.matchers import AdjacentPhrase

    schema = Schema(id=ID(stored=True), text=TEXT(analyzer=bigram_analyzer()))
    ix = ram_storage().create_index(schema)
    with ix.writer() as w:
        for n, doc in enumerate(docs):
            w.add_document(id=str(n), text=doc)
    grams = [t.text for t in bigram_analyzer()(phrase, mode="query")]
    with ix.searcher() as s:
        ours = {s.stored_fields(n)["id"] for n in AdjacentPhrase("text", grams).docs(s)}
        theirs = {s.stored_fields(n)["id"] for n in wq.Phrase("text", grams).docs(s)}
    assert ours == theirs == {str(n) for n, doc in enumerate(docs) if phrase in doc}


@settings(max_examples=300, deadline=None)
@given(
    docs=st.lists(
        st.text(alphabet="法律顾问号第1２ab〔〕，\n ", max_size=30), min_size=1, max_size=8
    ),
    phrase=st.text(alphabet="法律顾问号第1２ab〔〕， ", min_size=2, max_size=7),
)
def test_phrase_keys_match_what_a_positional_phrase_matches(docs: list[str], phrase: str) -> None:
    """Bodies keep a phrase key instead of bigram positions: a phrase finds the same documents
    either way, with digits, letters, punctuation and spaces around the ideographs. Positions
    over-match one-ideograph runs (号〔号 in 号号: the edge unigrams of one run sit at adjacent
    positions); keys do not."""
    from whoosh import query as wq
    from whoosh.fields import TEXT

    from indexer.analysis import KeyedText, bigram_analyzer, normalise, phrase_needle
    from searchapp.matchers import AdjacentPhrase

    grams = [t.text for t in bigram_analyzer()(phrase, mode="query")]
    assume(len(grams) > 1)
    schema = Schema(
        id=ID(stored=True),
        pos=TEXT(analyzer=bigram_analyzer()),
        key=KeyedText(analyzer=bigram_analyzer()),
    )
    ix = ram_storage().create_index(schema)
    with ix.writer() as w:
        for n, doc in enumerate(docs):
            w.add_document(id=str(n), pos=doc, key=doc)
    needle = phrase_needle(normalise(phrase))
    with ix.searcher() as s:
        keyed = {s.stored_fields(n)["id"] for n in AdjacentPhrase("key", grams, needle).docs(s)}
        positional = {s.stored_fields(n)["id"] for n in wq.Phrase("pos", grams).docs(s)}
    assert keyed <= positional
    if all(len(run) > 1 for run in re.findall("[法律顾问号第]+", normalise(phrase))):
        assert keyed == positional
