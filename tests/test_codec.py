"""GazetteCodec writes what Whoosh's own W3 codec writes, only smaller and faster."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3Codec

from indexer.index.store import make_schema, record_to_doc
from indexer.index.whoosh.codec import GazetteCodec
from indexer.records import Record
from tests.helpers import LAWS_SAMPLE, assert_same_index


def build(folder: Path, codec: Any, records: list[Record]) -> Any:
    folder.mkdir()
    ix = whoosh_index.create_in(str(folder), make_schema(("离石区",)))
    with ix.writer(codec=codec, compound=False) as writer:
        for rec in records:
            writer.add_document(**record_to_doc(rec, "0" * 40))
    return ix


def test_same_terms_postings_and_statistics_as_w3(tmp_path: Path) -> None:
    lines = LAWS_SAMPLE.read_text(encoding="utf-8").splitlines()[:80]
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


def test_lists_over_several_blocks_read_back_whole(tmp_path: Path) -> None:
    """Blocks of 20 postings: lists span many blocks, read by Whoosh's matcher and by the
    evaluator's block reader alike."""
    from searchapp.evaluate import _postings
    from tests.helpers import postings

    lines = LAWS_SAMPLE.read_text(encoding="utf-8").splitlines()[:80]
    records = [Record.from_dict(json.loads(line)) for line in lines]
    ours = build(tmp_path / "ours", GazetteCodec(blocklimit=20), records)
    theirs = build(tmp_path / "w3", W3Codec(), records)
    assert_same_index(ours, theirs)
    with ours.reader() as reader:
        long_lists = [t for t in reader.all_terms() if reader.doc_frequency(*t) > 45]
        assert len(long_lists) > 50
        for fieldname, btext in long_lists:
            ids, weights = _postings(reader.postings(fieldname, btext))
            assert list(zip(ids, map(float, weights), strict=True)) == postings(
                reader, fieldname, btext
            )
