"""Engine.keep_warm: every phrase key of the index decoded before serving, and those of a later
generation in the background (searchapp.phrasekeys)."""

from __future__ import annotations

import gc
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from indexer.config import load_config
from searchapp.engine import Engine
from searchapp.phrasekeys import key_fields, phrase_keys
from searchapp.request import SearchRequest
from searchapp.search import Searcher
from tests.helpers import run_cli, sample_records, two_source_project, write_jsonl


@pytest.fixture(autouse=True)
def _thawed() -> Iterator[None]:
    """keep_warm freezes the heap (settle_heap); the rest of the test run must not inherit it."""
    yield
    gc.unfreeze()


def _tracked(obj: object) -> bool:
    """Whether the cyclic collector still walks ``obj`` (frozen objects are left out)."""
    return any(o is obj for o in gc.get_objects())


def _undecoded(engine: Engine) -> int:
    with engine.searcher() as (snap, searcher):
        reader = searcher.reader()
        keys = [phrase_keys(reader, name) for name in key_fields(snap.schema)]
        return sum(seg.keys.count(None) for k in keys for seg, _ in k._parts)


def test_keys_are_decoded_at_start_and_after_a_reindex(tmp_path: Path) -> None:
    project = two_source_project(tmp_path)
    assert run_cli("index", "--jobs", "1", cwd=project).returncode == 0
    engine = Engine(load_config(project / "config.toml"))
    assert _undecoded(engine) > 0  # decoded on demand only
    engine.keep_warm()
    assert _undecoded(engine) == 0
    # What the snapshot holds for good is set aside from the cyclic collector, which would
    # otherwise walk every document's column values in each full collection.
    assert gc.get_freeze_count() > 0 and not _tracked(engine.snapshot().columns.issuer)
    assert sorted(key_fields(engine.snapshot().schema)) == ["body_bi", "title_bi"]

    more = [dict(r, id=f"{r['id']}-more", title=f"{r['title']}（续）") for r in sample_records()]
    write_jsonl(project / "src" / "three.jsonl", more)
    assert run_cli("index", "--jobs", "1", cwd=project).returncode == 0
    engine.refresh()
    deadline = time.monotonic() + 30
    while _undecoded(engine) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _undecoded(engine) == 0
    deadline = time.monotonic() + 30  # the background thread freezes after its decoding
    while _tracked(engine.snapshot().columns.issuer) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _tracked(engine.snapshot().columns.issuer)
    assert Searcher(engine).search(SearchRequest(q="（续）")).total == len(more)
