"""The OpenSearch backend against a real node (no mock anywhere): started once for the module
by the same code as ``make opensearch``, on a free port with its data in a temporary folder,
and stopped afterwards. Without Java the tests skip, except under CI (CI=true), which has Java.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from indexer.config import Config
from indexer.index.opensearch.client import OpenSearchError
from indexer.index.opensearch.node import Node, temporary_node
from indexer.index.opensearch.reindex import reindex_opensearch
from indexer.index.opensearch.writer import OpenSearchIndex
from indexer.index.reindex import reindex
from indexer.records import Record
from searchapp.engine import Engine
from searchapp.opensearch_search import OpenSearchSearcher
from searchapp.request import SearchRequest
from searchapp.search import Searcher
from tests.helpers import opensearch_config, require_java

ROOT = Path(__file__).resolve().parent.parent
GAZETTES = ROOT / "data" / "gazettes"
LISHI = GAZETTES / "lishi-gazette-2024-1.txt"


@pytest.fixture(scope="module")
def node() -> Iterator[Node]:
    require_java()
    with temporary_node() as running:
        yield running


def _config(node: Node, tmp: Path, sources: Path, alias: str) -> Config:
    return opensearch_config(node.url, tmp, sources, alias)


@pytest.fixture(scope="module")
def both(node: Node, tmp_path_factory: pytest.TempPathFactory) -> tuple[Config, Config]:
    """data/gazettes indexed by both backends: (OpenSearch config, Whoosh config)."""
    tmp = tmp_path_factory.mktemp("both")
    os_config = _config(node, tmp, GAZETTES, "gazette-same")
    assert reindex_opensearch(os_config, jobs=2).ok
    whoosh_config = os_config.with_backend("whoosh")
    assert reindex(whoosh_config, jobs=2).ok
    return os_config, whoosh_config


def test_rebuild_moves_the_alias_and_drops_the_old_index(node: Node, tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(LISHI, src)
    config = _config(node, tmp_path, src, "gazette-swap")
    target = OpenSearchIndex(config.backend)
    first = reindex_opensearch(config, jobs=1)
    old = target.live()
    second = reindex_opensearch(config, rebuild=True, jobs=1)
    new = target.live()
    assert first.ok and second.ok and second.rebuilt
    assert old is not None and new is not None and new != old
    assert target.count(new) == second.documents == first.documents > 10
    assert target.client.call("GET", f"/{old}", ok=(404,))["status"] == 404
    assert set(target.states(new)) == {"src/lishi-gazette-2024-1.txt"}


def test_changed_source_replaces_its_documents(node: Node, tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    copy = src / LISHI.name
    shutil.copy(LISHI, copy)
    config = _config(node, tmp_path, src, "gazette-update")
    searcher = OpenSearchSearcher(config)
    reindex_opensearch(config, jobs=1)
    before = searcher.search(SearchRequest(q="法律顾问")).total
    assert before == 1
    copy.write_text(LISHI.read_text(encoding="utf-8").replace("法律顾问", "律师"), encoding="utf-8")
    report = reindex_opensearch(config, jobs=1)
    assert [f.status for f in report.files] == ["changed"]
    assert searcher.search(SearchRequest(q="法律顾问")).total == 0
    assert searcher.search(SearchRequest(q="律师")).total >= 1
    unchanged = reindex_opensearch(config, jobs=1)
    assert [f.status for f in unchanged.files] == ["unchanged"]
    assert unchanged.documents == report.documents
    copy.unlink()
    gone = reindex_opensearch(config, jobs=1)
    assert [f.status for f in gone.files] == ["removed"] and gone.documents == 0


def test_a_refused_document_fails_the_write(node: Node, tmp_path: Path) -> None:
    config = _config(node, tmp_path, tmp_path, "gazette-refused")
    target = OpenSearchIndex(config.backend)
    concrete = target.create({})
    from indexer.analysis.tokens import JiebaTokenizer

    good = Record(id="ok-1", title="关于印发办法的通知", body="正文", source="a.txt")
    # Lucene refuses a keyword term over 32766 bytes: one item of the bulk request fails.
    bad = replace(good, id="bad-1", issuer="机" * 12_000)
    try:
        with pytest.raises(OpenSearchError, match="refused to index document"):
            target.write(concrete, [good, bad], JiebaTokenizer())
        assert target.write(concrete, [good], JiebaTokenizer()) == 1
    finally:
        target.drop(concrete)


SAME = [
    SearchRequest(q="法律顾问"),
    SearchRequest(q="通知"),
    SearchRequest(q="人民政府 -通知"),
    SearchRequest(q='"人民政府"', mode="exact"),
    SearchRequest(q="离政发〔2024〕8号"),
    SearchRequest(q="离政办发 2024"),
    SearchRequest(q="政府", issuer=("吕梁市离石区人民政府",)),
    SearchRequest(q="", doc_type=("通知",), date_from="2024-01-15", date_to="2024-02-29"),
    SearchRequest(q="工作", sort="date", page=2, page_size=5),
    SearchRequest(q="没有这个词语的文件"),
]


@pytest.mark.parametrize("request_", SAME, ids=lambda r: f"{r.q}|{r.page}")
def test_same_totals_facets_and_hits_as_whoosh(
    both: tuple[Config, Config], request_: SearchRequest
) -> None:
    os_config, whoosh_config = both
    ours = OpenSearchSearcher(os_config).search(request_).to_dict()
    theirs = Searcher(Engine(whoosh_config)).search(request_).to_dict()
    assert ours["total"] == theirs["total"]
    assert ours["facets"] == theirs["facets"]
    assert ours["histogram"] == theirs["histogram"]
    assert ours.get("zero") == theirs.get("zero")
    ids = [{h["id"] for h in d["hits"]} for d in (ours, theirs)]
    if request_.sort == "date" or theirs["total"] <= request_.page_size:
        assert ids[0] == ids[1]


def test_the_docnum_query_ranks_its_document_first(both: tuple[Config, Config]) -> None:
    result = OpenSearchSearcher(both[0]).search(SearchRequest(q="法律顾问"))
    assert result.hits[0].doc_number == "离政发〔2024〕8号"
    assert "<mark>法律顾问</mark>" in result.hits[0].snippet


@pytest.mark.parametrize(
    "request_",
    [SearchRequest(q="", sort="date"), SearchRequest(q="通知", sort="date")],
    ids=["all", "通知"],
)
def test_exports_walk_every_match_in_the_same_order_as_whoosh(
    both: tuple[Config, Config], request_: SearchRequest
) -> None:
    """A point in time and search_after: every match once, in the page's order."""
    os_config, whoosh_config = both
    ours = list(OpenSearchSearcher(os_config).iter_all(request_))
    theirs = list(Searcher(Engine(whoosh_config)).iter_all(request_))
    assert len(ours) == len({r.id for r in ours}) == len(theirs) > 0
    assert {r.id for r in ours} == {r.id for r in theirs}
    # Newest first on both; documents of one day are in index order on Whoosh, by id here.
    dates = [r.date for r in ours]
    assert dates == [r.date for r in theirs] == sorted(dates, reverse=True)
    client = OpenSearchSearcher(os_config).target.client
    assert client.call("GET", "/_search/point_in_time/_all").get("pits", []) == []


@pytest.fixture(scope="module")
def apps(both: tuple[Config, Config]) -> tuple[FlaskClient, FlaskClient]:
    """The page and API over each backend: (OpenSearch, Whoosh)."""
    from searchapp import create_app

    return tuple(create_app(c).test_client() for c in both)  # type: ignore[return-value]


@pytest.mark.parametrize(
    "query",
    [
        "q=法律顾问",
        "q=通知&doc_type=通知&page=2&page_size=5",
        "q=离政发〔2024〕8号",
        "q=&sort=date",
    ],
)
def test_the_api_answers_alike_on_both_backends(
    apps: tuple[FlaskClient, FlaskClient], query: str
) -> None:
    ours, theirs = (client.get(f"/api/search?{query}").get_json() for client in apps)
    for key in ("total", "facets", "histogram"):
        assert ours[key] == theirs[key], key
    if "sort=date" in query:  # documents of one day are in index order on Whoosh, by id here
        assert [h["date"] for h in ours["hits"]] == [h["date"] for h in theirs["hits"]]
    elif theirs["total"] <= 20:
        assert {h["id"] for h in ours["hits"]} == {h["id"] for h in theirs["hits"]}


def test_documents_pages_exports_and_health_on_opensearch(
    apps: tuple[FlaskClient, FlaskClient],
) -> None:
    ours, theirs = apps
    doc = ours.get("/api/doc/离政发〔2024〕8号").get_json()
    assert doc == theirs.get("/api/doc/离政发〔2024〕8号").get_json()
    assert doc["ok"] and doc["doc_number"] == "离政发〔2024〕8号"
    page = ours.get(f"/doc/{doc['id']}")
    assert page.status_code == 200 and "离政发〔2024〕8号" in page.get_data(as_text=True)
    assert ours.get("/doc/no-such-document").status_code == 404
    assert ours.get("/search?q=祁离高速").status_code == 200
    csv_ours = ours.get("/export.csv?q=通知").get_data(as_text=True).splitlines()
    csv_theirs = theirs.get("/export.csv?q=通知").get_data(as_text=True).splitlines()
    assert len(csv_ours) == len(csv_theirs) > 2 and set(csv_ours) == set(csv_theirs)
    health = ours.get("/healthz").get_json()
    assert health["ok"] and health["backend"] == "opensearch"
    assert health["documents"] == theirs.get("/healthz").get_json()["documents"]


def test_a_title_typed_ranks_its_document_first_on_both_backends(
    node: Node, tmp_path: Path
) -> None:
    """A law's name: the law first, above the regulations that repeat its name more often."""
    from tests.helpers import write_jsonl

    name = "中华人民共和国外商投资法"
    cited = "外商投资法 规定 外商投资 企业 " * 30
    write_jsonl(
        tmp_path / "src" / "laws.jsonl",
        [
            {"id": "law", "title": name, "body": "制定本法。", "date": "2019-03-15"},
            {"id": "rules", "title": f"{name}实施条例", "body": cited, "date": "2019-12-26"},
            {"id": "reading", "title": f"最高人民法院关于适用《{name}》若干问题的解释",
             "body": cited, "date": "2019-12-26"},
        ],
    )  # fmt: skip
    os_config = _config(node, tmp_path, tmp_path / "src", "gazette-titles")
    assert reindex_opensearch(os_config, jobs=1).ok
    whoosh_config = os_config.with_backend("whoosh")
    assert reindex(whoosh_config, jobs=1).ok
    for q in (name, "外商投资法", "《外商投资法》"):
        for searcher in (OpenSearchSearcher(os_config), Searcher(Engine(whoosh_config))):
            hits = searcher.search(SearchRequest(q=q)).hits
            assert [h.id for h in hits][:1] == ["law"], (q, type(searcher).__name__)
    # Plain BM25 puts a regulation first: the lift is what ranks the law first.
    found = OpenSearchSearcher(os_config).search(SearchRequest(q="外商投资法 规定")).hits
    assert found[0].id != "law"


def test_an_update_into_an_index_of_an_older_mapping_is_refused(node: Node, tmp_path: Path) -> None:
    from indexer.errors import AnalysisMismatchError

    config = _config(node, tmp_path, GAZETTES, "gazette-old-mapping")
    assert reindex_opensearch(config, jobs=1).ok
    target = OpenSearchIndex(config.backend)
    concrete = target.live()
    assert concrete is not None
    meta = {k: v for k, v in target.meta(concrete).items() if k != "mapping"}  # as version 1
    target.client.call("PUT", f"/{concrete}/_mapping", {"_meta": meta})
    with pytest.raises(AnalysisMismatchError, match="mapping version 1"):
        reindex_opensearch(config, jobs=1)
    assert reindex_opensearch(config, rebuild=True, jobs=1).ok


def test_the_client_keeps_its_connection_and_replaces_a_closed_one(node: Node) -> None:
    import socket

    from indexer.index.opensearch.client import Client

    client = Client(node.url)
    client.call("GET", "/_cluster/health")
    kept = client._connections()[0]
    client.call("GET", "/_cluster/health")
    assert client._connections()[0] is kept  # one TCP connection for both calls
    assert kept.sock is not None
    kept.sock.shutdown(socket.SHUT_RDWR)  # as a server closing an idle connection leaves it
    assert client.call("GET", "/_cluster/health")["status"] in ("green", "yellow")
    assert client._connections()[0] is not kept
    client.close()
    assert client._connections() == {}


def test_batches_in_flight_together_write_every_document_or_fail_whole(
    node: Node, tmp_path: Path
) -> None:
    """Three bulk requests, two in flight at a time: all acknowledged before write() returns;
    a refusal in a later batch fails the write (no hang, no count)."""
    from indexer.analysis.tokens import JiebaTokenizer
    from indexer.index.opensearch.writer import BATCH_DOCS

    config = _config(node, tmp_path, tmp_path, "gazette-parallel")
    target = OpenSearchIndex(config.backend)
    concrete = target.create({})
    good = [
        Record(id=f"doc-{n}", title=f"第{n}号通知", body="正文", source="a.txt")
        for n in range(2 * BATCH_DOCS + 100)
    ]
    bad = replace(good[0], id="bad-1", issuer="机" * 12_000)
    try:
        with pytest.raises(OpenSearchError, match="refused to index document"):
            target.write(concrete, [*good, bad], JiebaTokenizer())
        assert target.write(concrete, good, JiebaTokenizer()) == len(good)
        target.refresh(concrete)
        assert target.count(concrete) == len(good)
        rewritten = target.write(concrete, good[:10], JiebaTokenizer(), delete=["doc-0", "doc-1"])
        target.refresh(concrete)
        assert rewritten == 10 and target.count(concrete) == len(good)
    finally:
        target.drop(concrete)


def test_stats_count_as_on_the_embedded_index(both: tuple[Config, Config]) -> None:
    from indexer.index.opensearch.stats import opensearch_stats
    from indexer.index.stats import index_stats

    os_config, whoosh_config = both
    ours, theirs = opensearch_stats(os_config), index_stats(whoosh_config)
    for key in ("documents", "sources", "visibility", "segmenter", "user_dict_sha1"):
        assert ours[key] == theirs[key], key
    for facet in ("issuer", "doc_type", "year"):
        assert dict(ours[facet]) == dict(theirs[facet]), facet
        counts = [n for _, n in ours[facet]]
        assert counts == sorted(counts, reverse=True)
    assert ours["documents"] == 54 and ours["size_mb"] > 0
    assert ours["generation"].startswith("gazette-same-")
