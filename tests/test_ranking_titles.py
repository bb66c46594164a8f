"""A query that is a document's title ranks that document first (issue 15).

A law's name also occurs in the titles and bodies of the regulations that implement or interpret
it; BM25F alone ranks those above the law. The small corpus below is built so that it does (a
test checks that), and the rule must put the law back on top.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from indexer.config import Config, load_config
from indexer.index.reindex import reindex
from searchapp import ranking
from searchapp.engine import Engine
from searchapp.request import SearchRequest
from searchapp.search import Searcher
from tests.helpers import SHARED, shared_corpus, write_config, write_jsonl

BENCH_LAWS = SHARED / "bench" / "laws.jsonl.gz"

CITED = "根据《中华人民共和国残疾人保障法》，结合本省实际，制定本办法。"
ABOUT = "残疾人保障工作，残疾人的康复、教育、劳动就业和社会保障，依照残疾人保障法执行。"


def _doc(doc_id: str, title: str, body: str, date: str) -> dict[str, Any]:
    return {"id": doc_id, "title": title, "body": body, "date": date, "doc_type": "法规"}


def _corpus() -> list[dict[str, Any]]:
    law = "为了维护残疾人的合法权益，发展残疾人事业，保障残疾人平等地充分参与社会生活，制定本法。"
    invest = "为了进一步扩大对外开放，积极促进外商投资，保护外商投资合法权益，制定本法。"
    return [
        _doc("law", "中华人民共和国残疾人保障法", law, "2018-10-26"),
        _doc(
            "henan", "河南省实施《中华人民共和国残疾人保障法》办法", CITED + ABOUT * 4, "2012-07-27"
        ),
        _doc(
            "shanghai",
            "上海市实施《中华人民共和国残疾人保障法》办法",
            CITED + ABOUT * 5,
            "2017-11-23",
        ),
        _doc("jinan", "济南市保障残疾人合法权益的若干规定", ABOUT, "2010-01-01"),
        _doc("invest", "中华人民共和国外商投资法", invest, "2019-03-15"),
        _doc("invest-short", "外商投资法", invest + "（摘要）", "2019-03-15"),
        _doc(
            "invest-rules",
            "中华人民共和国外商投资法实施条例",
            "根据《中华人民共和国外商投资法》制定本条例。外商投资法规定的外商投资，" * 3,
            "2019-12-26",
        ),
    ]


def _build(root: Path, public: list[dict[str, Any]], internal: list[dict[str, Any]]) -> Config:
    write_jsonl(root / "public" / "docs.jsonl", public)
    if internal:
        write_jsonl(root / "internal" / "docs.jsonl", internal)
    write_config(root, ["public"], ["internal"] if internal else [])
    config = load_config(root / "config.toml")
    report = reindex(config, rebuild=True, jobs=1)
    assert not report.failed, report.to_dict()
    return config


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> Config:
    draft = _doc("draft", "残疾人保障法", "内部草稿：残疾人保障法修订意见。", "2024-01-01")
    return _build(tmp_path_factory.mktemp("titles"), _corpus(), [draft])


def _titles(config: Config, q: str, staff: bool = False, **kw: Any) -> list[str]:
    result = Searcher(Engine(config), staff=staff).search(SearchRequest(q=q, **kw))
    return [hit.title for hit in result.hits]


def _without_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ranking, "exact_titles_first", lambda searcher, q, scores, alive: scores)


def test_the_corpus_needs_the_rule(config: Config, monkeypatch: pytest.MonkeyPatch) -> None:
    _without_rule(monkeypatch)
    assert _titles(config, "残疾人保障法")[0] != "中华人民共和国残疾人保障法"
    assert _titles(config, "外商投资法")[0] == "中华人民共和国外商投资法实施条例"


def test_a_law_name_ranks_the_law_above_documents_citing_it(config: Config) -> None:
    titles = _titles(config, "残疾人保障法")
    assert titles[0] == "中华人民共和国残疾人保障法"
    assert set(titles[1:3]) == {
        "河南省实施《中华人民共和国残疾人保障法》办法",
        "上海市实施《中华人民共和国残疾人保障法》办法",
    }


def test_the_rest_keep_their_order(config: Config, monkeypatch: pytest.MonkeyPatch) -> None:
    lifted = _titles(config, "残疾人保障法")
    _without_rule(monkeypatch)
    plain = _titles(config, "残疾人保障法")
    assert lifted[1:] == [t for t in plain if t != lifted[0]]


def test_the_very_title_comes_before_one_without_the_state_name(config: Config) -> None:
    assert _titles(config, "外商投资法")[:3] == [
        "外商投资法",
        "中华人民共和国外商投资法",
        "中华人民共和国外商投资法实施条例",
    ]
    assert _titles(config, "中华人民共和国外商投资法")[0] == "中华人民共和国外商投资法"


@pytest.mark.parametrize(
    ("q", "first"),
    [
        ("外商投资法 实施条例", "中华人民共和国外商投资法实施条例"),
        ("《中华人民共和国外商投资法实施条例》", "中华人民共和国外商投资法实施条例"),
        ("上海市实施残疾人保障法办法", "上海市实施《中华人民共和国残疾人保障法》办法"),
        (
            "河南省实施《中华人民共和国残疾人保障法》办法",
            "河南省实施《中华人民共和国残疾人保障法》办法",
        ),
        ("中華人民共和國殘疾人保障法", "中华人民共和国残疾人保障法"),
    ],
)
def test_titles_as_people_type_them(config: Config, q: str, first: str) -> None:
    assert _titles(config, q)[0] == first


def test_exact_mode_and_title_scope_too(config: Config) -> None:
    assert (
        _titles(config, "中华人民共和国残疾人保障法", mode="exact")[0]
        == "中华人民共和国残疾人保障法"
    )
    assert _titles(config, "残疾人保障法", scope="title")[0] == "中华人民共和国残疾人保障法"


def test_queries_with_operators_are_ranked_as_before(
    config: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    queries = ["残疾人保障法 OR 外商投资法", "残疾人保障法 -济南", "body:残疾人保障法"]
    lifted = [_titles(config, q) for q in queries]
    _without_rule(monkeypatch)
    assert lifted == [_titles(config, q) for q in queries]


def test_internal_documents_stay_hidden_from_the_public(config: Config) -> None:
    assert "残疾人保障法" not in _titles(config, "残疾人保障法")
    assert _titles(config, "残疾人保障法", staff=True)[0] == "残疾人保障法"


# -- the bench laws ------------------------------------------------------------------------------
def _bench_laws(*names: str) -> list[dict[str, Any]]:
    with gzip.open(shared_corpus(BENCH_LAWS), "rt", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh]
    return [row for row in rows if any(name in row["title"] for name in names)]


@pytest.fixture(scope="module")
def bench_config(tmp_path_factory: pytest.TempPathFactory) -> Config:
    laws = _bench_laws("残疾人保障法", "外商投资法")
    assert len(laws) >= 6, [law["title"] for law in laws]
    return _build(tmp_path_factory.mktemp("bench-titles"), laws, [])


@pytest.mark.parametrize(
    ("q", "law", "citing"),
    [
        ("残疾人保障法", "中华人民共和国残疾人保障法", 4),  # four provincial 实施办法
        ("外商投资法", "中华人民共和国外商投资法", 2),  # 实施条例, a judicial interpretation
        ("中华人民共和国外商投资法", "中华人民共和国外商投资法", 2),
        ("外商投资法实施条例", "中华人民共和国外商投资法实施条例", 0),
    ],
)
def test_bench_laws_by_name(bench_config: Config, q: str, law: str, citing: int) -> None:
    titles = _titles(bench_config, q)
    assert titles[0] == law
    # The documents that implement or interpret the law are still found, after it.
    assert sum(law in title.replace("《", "").replace("》", "") for title in titles[1:]) >= citing
