"""The index file names read without Whoosh agree with the pinned Whoosh's own."""

from __future__ import annotations

from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.fields import ID, Schema
from whoosh.filedb.filestore import FileStorage

from indexer.index.tocname import INDEX_NAME, latest_generation
from indexer.index.whoosh.reader import unreferenced


def test_index_name_is_whooshs() -> None:
    assert INDEX_NAME == whoosh_index._DEF_INDEX_NAME


def test_latest_generation_agrees_with_whoosh(tmp_path: Path) -> None:
    assert latest_generation(tmp_path) == -1
    ix = whoosh_index.create_in(str(tmp_path), Schema(id=ID(stored=True)))
    for n in range(3):
        with ix.writer() as writer:
            writer.add_document(id=str(n))
    whooshs = whoosh_index.TOC._latest_generation(FileStorage(str(tmp_path)), INDEX_NAME)
    assert latest_generation(tmp_path) == whooshs == ix.latest_generation() > 0


def test_a_committed_index_has_no_unreferenced_files(tmp_path: Path) -> None:
    ix = whoosh_index.create_in(str(tmp_path), Schema(id=ID(stored=True)))
    with ix.writer() as writer:
        writer.add_document(id="a")
    segments = {s.segment_id() for s in ix._segments()}
    assert unreferenced(tmp_path, segments) == []
    assert unreferenced(tmp_path, set()) != []
