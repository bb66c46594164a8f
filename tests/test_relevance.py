"""A fixed slice of the relevance harness (bench/relevance.py): the targets must hold on it.

The harness builds the product's own index (shipped configuration, ``indexer`` reindexing) and
asks :class:`searchapp.search.Searcher`; there is no other path to fall back on. Ours is compared
with the reference indexes on the *ranking* kinds only: the *feature* kinds (文号, traditional
characters, exact phrases, operators, expected-empty) are ones the references cannot express,
so they are held to absolute targets instead.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import LAWS_SAMPLE, ROOT, SEED, shared_corpus

QUERIES = ROOT / "tests" / "data" / "queries.json"
KINDS = {"topic", "title", "person", "name", "docnum", "docnum_variant", "traditional", "subword",
         "phrase", "abbreviation", "none", "series"}  # fmt: skip


def _harness() -> Any:
    spec = importlib.util.spec_from_file_location("relevance", ROOT / "bench" / "relevance.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["relevance"] = module  # the process pool pickles its functions by module name
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def harness() -> Any:
    return _harness()


@pytest.fixture(scope="module")
def run(harness: Any, tmp_path_factory: pytest.TempPathFactory) -> Any:
    shared_corpus(SEED)
    shared_corpus(LAWS_SAMPLE)
    queries = json.loads(QUERIES.read_text(encoding="utf-8"))
    queries = harness.slice_queries(harness.with_phrase_words(queries), 60)
    where = tmp_path_factory.mktemp("relevance")
    sources = harness.query_set_sources(queries, 80, where)
    product, results = harness.evaluate(queries, sources, where)
    return queries, product, results


def test_query_set_is_broad_enough() -> None:
    queries = json.loads(Path(QUERIES).read_text(encoding="utf-8"))
    assert len(queries) >= 80
    assert {q["kind"] for q in queries} >= KINDS
    assert all(set(q) >= {"q", "expect", "kind"} for q in queries)


def test_every_kind_is_ranking_or_feature(harness: Any) -> None:
    queries = json.loads(Path(QUERIES).read_text(encoding="utf-8"))
    kinds = {q["kind"] for q in harness.with_phrase_words(queries)}
    assert not set(harness.RANKING_KINDS) & set(harness.FEATURE_KINDS)
    assert kinds <= {*harness.RANKING_KINDS, *harness.FEATURE_KINDS}


def test_the_product_is_what_is_measured(harness: Any, run: Any) -> None:
    queries, product, _ = run
    config = product.config
    assert config.analysis.user_dict == ROOT / "data" / "dict" / "gazette.dict"
    assert config.index.path.is_relative_to(config.sources.paths[0].parent)
    # The gazette issue went through the product's extraction: its documents, with 文号.
    gazette = [r for r in product.records if r.source.endswith(SEED.name)]
    assert len(gazette) >= 20 and all(r.title for r in gazette)
    assert sum(bool(r.doc_number) for r in gazette) >= 20
    # Every query that expects documents can find one in the index the queries run on (some
    # list two 文号 where the printed issue is ambiguous).
    names = {n for r in product.records for n in harness.identifiers(r)}
    unanswerable = [
        q["q"]
        for q in queries
        if q["expect"] and not any(e in names or harness.normalise(e) in names for e in q["expect"])
    ]
    assert unanswerable == []


def test_targets_hold_on_the_slice(harness: Any, run: Any) -> None:
    _, _, results = run
    ours, _ = results["ours"]
    n, s1, _, mrr = ours.over(harness.RANKING_KINDS)
    assert n >= 25
    assert s1 >= 0.95 and mrr >= 0.97, dict(ours.misses)
    for reference in ("textbook", "bigram"):
        assert mrr >= results[reference][0].over(harness.RANKING_KINDS)[3]
    n, s1, _, _ = ours.over(harness.FEATURE_KINDS)
    assert n >= 25 and s1 >= 0.95, dict(ours.misses)
    assert ours.docnum_not_first == []
    assert ours.phrase_violations == []
