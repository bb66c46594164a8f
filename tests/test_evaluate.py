"""Bulk evaluation gives exactly the matches and scores of Whoosh's own matchers."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
from whoosh import index as whoosh_index
from whoosh import query as wq

from indexer.config import load_config
from indexer.index.reindex import reindex
from searchapp.evaluate import Expired, evaluate
from searchapp.querybuild import parse_query
from searchapp.ranking import weighting
from tests.conftest import OWN_QUERIES, relevance_queries
from tests.helpers import HOSTILE_QUERIES, LAWS_SAMPLE, shared_corpus, write_config

EXTRA = ["中华人民共和国", "人民 政府", "法律 OR 条例", "规定 -国务院", "第1号", '"应急预案"',
         "国", "离政办发〔2024〕1号", "离政办发 2024", "issuer:国务院", "-法律"]  # fmt: skip


def whoosh_scores(searcher: Any, query: Any) -> dict[int, float]:
    """Whoosh's own matches and scores. For ``a ANDNOT b``: those of ``a`` less those of ``b``,
    because Whoosh's AndNotMatcher keeps some excluded documents in a segment with deletions
    (``规定 -国务院`` returned a law containing 国务院)."""
    if isinstance(query, wq.AndNot):
        negative = whoosh_scores(searcher, query.b)
        return {n: s for n, s in whoosh_scores(searcher, query.a).items() if n not in negative}
    results = searcher.search(query, limit=None, scored=True)
    return {hit.docnum: hit.score for hit in results}


def assert_same(ours: dict[int, float], theirs: dict[int, float], label: str) -> None:
    assert ours.keys() == theirs.keys(), label
    for n, score in theirs.items():
        assert math.isclose(ours[n], score, rel_tol=1e-6, abs_tol=1e-9), (label, n)


def queries() -> list[tuple[str, str, str]]:
    texts = list(dict.fromkeys(relevance_queries() + OWN_QUERIES + EXTRA + HOSTILE_QUERIES))
    return [(t, mode, scope) for t in texts for mode, scope in
            (("words", "all"), ("exact", "all"), ("words", "title"))]  # fmt: skip


def check_all(folder: Path) -> int:
    ix = whoosh_index.open_dir(str(folder))
    checked = 0
    with ix.searcher(weighting=weighting()) as searcher:
        for text, mode, scope in queries():
            parsed = parse_query(text, mode=mode, scope=scope, schema=searcher.schema)
            if parsed.query is None:
                continue
            theirs = whoosh_scores(searcher, parsed.query)
            found = evaluate(searcher, parsed.query)
            assert (found.docs[1:] > found.docs[:-1]).all()  # ascending, each once
            assert_same(found.as_dict(), theirs, f"{text} {mode} {scope}")
            checked += bool(theirs)
    return checked


def test_same_matches_and_scores_as_whoosh(gazette_index: Any) -> None:
    live = gazette_index.config.index.path
    assert len(whoosh_index.open_dir(str(live)).reader().leaf_readers()) > 1  # segments
    assert check_all(live) > 50


def test_deleted_documents_are_left_out(tmp_path: Path) -> None:
    lines = shared_corpus(LAWS_SAMPLE).read_text(encoding="utf-8").splitlines()[:60]
    (tmp_path / "laws").mkdir()
    source = tmp_path / "laws" / "a.jsonl"
    source.write_text("\n".join(lines[:20]) + "\n", encoding="utf-8")
    (tmp_path / "laws" / "c.jsonl").write_text("\n".join(lines[20:]) + "\n", "utf-8")
    (tmp_path / "laws" / "d.jsonl").write_text("\n".join(lines[30:40]) + "\n", "utf-8")
    write_config(tmp_path, ["laws"])
    config = load_config(tmp_path / "config.toml")
    reindex(config, rebuild=True, jobs=1)
    # 20 of 60 go: under half, so their segment is kept with deletions, not merged
    source.write_text("\n".join(lines[:10]) + "\n", encoding="utf-8")
    reindex(config, jobs=1)
    ix = whoosh_index.open_dir(str(config.index.path))
    assert any(r.has_deletions() for r, _ in ix.reader().leaf_readers())
    assert check_all(config.index.path) > 10


def test_an_expired_budget_stops_evaluation(gazette_index: Any) -> None:
    ix = whoosh_index.open_dir(str(gazette_index.config.index.path))
    with ix.searcher(weighting=weighting()) as searcher:
        parsed = parse_query("人民政府", schema=searcher.schema)
        with pytest.raises(Expired):
            evaluate(searcher, parsed.query, alive=lambda: False)


def test_term_caches_share_one_budget_across_segments(gazette_index: Any) -> None:
    """An index written in more segments does not keep more cached postings."""
    from searchapp.evaluate import _STATES, MAX_CACHED_POSTINGS

    ix = whoosh_index.open_dir(str(gazette_index.config.index.path))
    with ix.searcher(weighting=weighting()) as searcher:
        evaluate(searcher, parse_query("人民政府", schema=searcher.schema).query)
        leaves = [sub.reader() for sub, _ in searcher.leaf_searchers()]
        assert len(leaves) > 1
        limits = [_STATES[reader].terms.limit for reader in leaves]
        assert sum(limits) <= MAX_CACHED_POSTINGS
        assert sum(limits) >= MAX_CACHED_POSTINGS - len(leaves)


def test_both_ways_of_adding_an_or_give_the_same_scores(
    gazette_index: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An Or is summed over a dense array or over the union of its lists, by their size: the
    same documents and the same scores, bit for bit, either way."""
    from searchapp import evaluate as module

    ix = whoosh_index.open_dir(str(gazette_index.config.index.path))
    texts = ["法律 OR 条例", "人民 政府 OR 国务院", "规定 OR 办法 OR 通知", "国 OR 省"]
    with ix.searcher(weighting=weighting()) as searcher:
        queries = [parse_query(t, schema=searcher.schema).query for t in texts]
        module._STATES.clear()  # no cached lists shared between the two runs
        monkeypatch.setattr(module, "SPARSE_OR", 0)
        dense = [evaluate(searcher, q).as_dict() for q in queries]
        monkeypatch.setattr(module, "SPARSE_OR", 10**9)
        sparse = [evaluate(searcher, q).as_dict() for q in queries]
    assert dense == sparse
    assert all(dense)
