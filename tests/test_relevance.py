"""A fixed slice of the relevance harness (bench/relevance.py): the targets must hold on it."""

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
def results() -> Any:
    shared_corpus(SEED)
    shared_corpus(LAWS_SAMPLE)
    harness = _harness()
    queries = harness.slice_queries(json.loads(QUERIES.read_text(encoding="utf-8")), 60)
    gazette, _ = harness.gazette_records()
    records = harness.select_corpus(gazette + harness.law_records(), queries, 80)
    return harness.evaluate(records, queries)


def test_query_set_is_broad_enough() -> None:
    queries = json.loads(Path(QUERIES).read_text(encoding="utf-8"))
    assert len(queries) >= 80
    assert {q["kind"] for q in queries} >= KINDS
    assert all(set(q) >= {"q", "expect", "kind"} for q in queries)


def test_targets_hold_on_the_slice(results: Any) -> None:
    ours, _ = results["ours"]
    assert ours.s1 >= 0.95 and ours.mrr >= 0.97, dict(ours.misses)
    for reference in ("textbook", "bigram"):
        assert ours.mrr > results[reference][0].mrr
    assert ours.docnum_not_first == []
    assert ours.phrase_violations == []
