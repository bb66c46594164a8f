"""GazetteCodec writes what Whoosh's own W3 codec writes, only smaller and faster."""

from __future__ import annotations

import importlib
import json
import tomllib
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3Codec

from indexer.errors import StoreError, WhooshVersionError
from indexer.index.store import make_schema, record_to_doc
from indexer.index.whoosh.codec import GazetteCodec
from indexer.index.whoosh.reader import _extent_postings, leaf_postings, term_postings
from indexer.records import Record
from tests.helpers import LAWS_SAMPLE, ROOT, assert_same_index, shared_corpus


def build(folder: Path, codec: Any, records: list[Record]) -> Any:
    folder.mkdir()
    ix = whoosh_index.create_in(str(folder), make_schema(("离石区",)))
    with ix.writer(codec=codec, compound=False) as writer:
        for rec in records:
            writer.add_document(**record_to_doc(rec, "0" * 40))
    return ix


def test_same_terms_postings_and_statistics_as_w3(tmp_path: Path) -> None:
    lines = shared_corpus(LAWS_SAMPLE).read_text(encoding="utf-8").splitlines()[:80]
    records = [Record.from_dict(json.loads(line)) for line in lines]
    ours = build(tmp_path / "ours", GazetteCodec(), records)
    theirs = build(tmp_path / "w3", W3Codec(), records)
    assert_same_index(ours, theirs)
    with ours.reader() as reader:
        terms = list(reader.all_terms())
        inlined = sum(reader.term_info(*term).is_inlined() for term in terms)
        assert inlined > len(terms) // 2
    size = {
        name: sum(f.stat().st_size for f in (tmp_path / name).iterdir()) for name in ("ours", "w3")
    }
    assert size["ours"] < size["w3"]


@pytest.mark.parametrize("array_min", [8, 128])
def test_lists_over_several_blocks_read_back_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, array_min: int
) -> None:
    """Blocks of 20 postings: lists span many blocks, read by Whoosh's matcher and by the
    evaluator's block reader alike, whether the blocks keep arrays (from 8 postings: every
    block but some lists' last) or tuples (from 128: none of them)."""
    from whoosh.codec.whoosh3 import W3LeafMatcher

    from indexer.index.whoosh import codec
    from tests.helpers import postings

    monkeypatch.setattr(codec, "ARRAY_BLOCK_MIN", array_min)
    lines = shared_corpus(LAWS_SAMPLE).read_text(encoding="utf-8").splitlines()[:80]
    records = [Record.from_dict(json.loads(line)) for line in lines]
    ours = build(tmp_path / "ours", GazetteCodec(blocklimit=20), records)
    theirs = build(tmp_path / "w3", W3Codec(), records)
    assert_same_index(ours, theirs)
    kinds = set()
    with ours.reader() as reader:
        long_lists = [t for t in reader.all_terms() if reader.doc_frequency(*t) > 45]
        assert len(long_lists) > 50
        for fieldname, btext in long_lists:
            matcher = reader.postings(fieldname, btext)
            assert isinstance(matcher, W3LeafMatcher)
            matcher._read_data()
            kinds.add((type(matcher._data[0]).__name__, type(matcher._data[1]).__name__))
            ids, weights = leaf_postings(reader.postings(fieldname, btext))
            assert ids.dtype == np.int32 and weights.dtype == np.float64
            assert list(zip(ids.tolist(), weights.tolist(), strict=True)) == postings(
                reader, fieldname, btext
            )
        for fieldname, btext in reader.all_terms():  # inlined lists and lists in blocks
            ids, weights = term_postings(
                reader, fieldname, btext, reader.term_info(fieldname, btext)
            )
            assert list(zip(ids.tolist(), weights.tolist(), strict=True)) == postings(
                reader, fieldname, btext
            )
    if array_min == 8:
        assert ("array", "array") in kinds  # ids and counts that differ
        assert ("array", "NoneType") in kinds  # every count 1
    else:
        assert {ids for ids, _ in kinds} == {"tuple"}


def test_a_damaged_posting_list_is_a_store_error_naming_the_rebuild() -> None:
    with pytest.raises(StoreError, match="gazette index --rebuild"):
        _extent_postings(b"\x00" * 64)


def test_another_whoosh_release_is_refused_with_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    """The adapter reads Whoosh's private names, so only the pinned release is accepted."""
    import indexer.index.whoosh as adapter

    adapter.check_whoosh_version()  # the installed one is the pinned one
    monkeypatch.setattr(adapter.metadata, "version", lambda name: "2.7.6")
    with pytest.raises(WhooshVersionError) as refused:
        importlib.reload(adapter)
    message = str(refused.value)
    assert "\n" not in message
    assert "whoosh-reloaded 2.7.6 is installed" in message and "needs 2.7.5" in message
    assert isinstance(refused.value, StoreError)

    def missing(name: str) -> str:
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(adapter.metadata, "version", missing)
    with pytest.raises(WhooshVersionError, match="whoosh-reloaded none is installed"):
        adapter.check_whoosh_version()
    monkeypatch.undo()
    importlib.reload(adapter)


def test_the_checked_version_is_the_one_pyproject_pins() -> None:
    from indexer.index.whoosh import PINNED_WHOOSH, WHOOSH_DISTRIBUTION

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert f"{WHOOSH_DISTRIBUTION}=={PINNED_WHOOSH}" in project["dependencies"]
