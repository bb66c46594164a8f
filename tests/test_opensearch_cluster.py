"""The OpenSearch backend on a real three-node cluster on loopback (3 shards, 1 replica): the
loss of a node (``kill -9``) loses no document and no answer, and the node rejoins; a rebuild
while clients search gives every client an answer wholly from the old index or wholly from the
new one, and no error. Nodes are started by :mod:`indexer.index.opensearch.cluster`; nothing is
mocked. Without Java the module skips, except under CI (CI=true), which has Java."""

from __future__ import annotations

import os
import shutil
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from indexer.config import Config
from indexer.index.opensearch.client import Client
from indexer.index.opensearch.cluster import Cluster
from indexer.index.opensearch.node import scratch_folder
from indexer.index.opensearch.reindex import reindex_opensearch
from indexer.index.opensearch.writer import OpenSearchIndex
from searchapp.opensearch_search import OpenSearchSearcher
from searchapp.request import SearchRequest
from tests.helpers import opensearch_config, require_java

ROOT = Path(__file__).resolve().parent.parent
GAZETTES = ROOT / "data" / "gazettes"
QUERIES = [SearchRequest(q=q) for q in ("法律顾问", "通知", "人民政府", "")]


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    require_java()
    with scratch_folder("gazette-os-cluster-") as base:
        running = Cluster.on_loopback(base, size=3)
        try:
            running.start()
            yield running
        finally:
            running.stop()


def _config(cluster: Cluster, tmp: Path, sources: Path, alias: str) -> Config:
    extra = "shards = 3\nreplicas = 1\n"
    return opensearch_config(cluster.urls, tmp, sources, alias, extra)


def _answers(searcher: OpenSearchSearcher) -> list[tuple[int, list[str]]]:
    return [(r.total, [h.id for h in r.hits]) for r in map(searcher.search, QUERIES)]


def _manager(cluster: Cluster) -> str:
    """The name of the elected cluster manager."""
    state = Client(cluster.urls).call("GET", "/_cluster/state/cluster_manager_node,nodes")
    return str(state["nodes"][state["cluster_manager_node"]]["name"])


def test_losing_a_node_loses_no_document_and_no_answer(cluster: Cluster, tmp_path: Path) -> None:
    config = _config(cluster, tmp_path, GAZETTES, "gazette-cluster")
    report = reindex_opensearch(config, jobs=2)
    assert report.ok and report.documents > 40
    target = OpenSearchIndex(config.backend)
    concrete = target.live()
    assert concrete is not None
    settings = target.client.call("GET", f"/{concrete}/_settings")[concrete]["settings"]["index"]
    assert (settings["number_of_shards"], settings["number_of_replicas"]) == ("3", "1")
    searcher = OpenSearchSearcher(config)
    before = _answers(searcher)
    assert before[0][0] == 1 and before[-1][0] == report.documents

    # The elected cluster manager is the hardest member to lose: kill it outright.
    victim = next(n for n in cluster.nodes if n.name == _manager(cluster))
    pid = victim.pid()
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # every answer while the cluster recovers
        assert _answers(searcher) == before
        health = Cluster.health(next(n for n in cluster.nodes if n is not victim))
        if health and health.get("number_of_nodes") == 2 and health.get("status") != "red":
            break
        time.sleep(0.5)
    else:
        pytest.fail("the two remaining nodes did not form a cluster within 60 s")
    assert _answers(searcher) == before
    assert target.count(concrete) == report.documents
    # What the index holds of each source survived too: an update finds nothing to do.
    again = reindex_opensearch(config, jobs=1)
    assert {f.status for f in again.files} == {"unchanged"}
    assert again.documents == report.documents

    victim.launch()
    cluster.wait_joined(3)
    assert _answers(searcher) == before
    assert target.count(concrete) == report.documents


def test_a_rebuild_under_eight_searching_clients_is_atomic(
    cluster: Cluster, tmp_path: Path
) -> None:
    src = tmp_path / "src"
    src.mkdir()
    lishi = GAZETTES / "lishi-gazette-2024-1.txt"
    shutil.copy(lishi, src)
    config = _config(cluster, tmp_path, src, "gazette-rebuild")
    assert reindex_opensearch(config, jobs=1).ok
    searcher = OpenSearchSearcher(config)
    old = _answers(searcher)
    # The new index: the same issue without 法律顾问, and another issue beside it.
    (src / lishi.name).write_text(
        lishi.read_text(encoding="utf-8").replace("法律顾问", "律师"), encoding="utf-8"
    )
    shutil.copy(GAZETTES / "guowuyuan-gazette-1954-01.pdf", src)

    # Each answer (one search) is compared, not a round of four: the swap may fall between them.
    seen: list[tuple[int, tuple[int, list[str]]]] = []
    errors: list[str] = []
    done = threading.Event()

    def client() -> None:
        mine = OpenSearchSearcher(config)
        while not done.is_set():
            try:
                seen.extend(enumerate(_answers(mine)))
            except Exception as exc:  # every failure is the finding
                errors.append(f"{type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=client) for _ in range(8)]
    for thread in threads:
        thread.start()
    try:
        report = reindex_opensearch(config, rebuild=True, jobs=1)
        time.sleep(1.0)
    finally:
        done.set()
        for thread in threads:
            thread.join(60)
    new = _answers(searcher)
    assert report.ok and new != old and new[0][0] == 0
    assert errors == []
    assert len(seen) > 8 * len(QUERIES)
    mixed = [(QUERIES[i].q, got) for i, got in seen if got not in (old[i], new[i])]
    assert mixed == []
    first = [got for i, got in seen if i == 0]  # 法律顾问: once in the old index, not in the new
    assert old[0] in first and new[0] in first
