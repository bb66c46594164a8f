"""GazetteWriter and write_parallel write the index Whoosh's own writer writes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3Codec
from whoosh.writing import SegmentWriter

from indexer.errors import StoreError
from indexer.index.store import make_schema, record_to_doc
from indexer.index.whoosh.reader import segment_count
from indexer.index.whoosh.writer import GazetteWriter, TermPool, split_even, write_parallel
from indexer.records import Record
from tests.helpers import LAWS_SAMPLE, assert_same_index, shared_corpus

USER_WORDS = ("离石区",)


def law_records(n: int) -> list[Record]:
    lines = shared_corpus(LAWS_SAMPLE).read_text(encoding="utf-8").splitlines()[:n]
    return [Record.from_dict(json.loads(line)) for line in lines]


def new_index(folder: Path) -> Any:
    folder.mkdir()
    return whoosh_index.create_in(str(folder), make_schema(USER_WORDS))


def whoosh_writer(ix: Any) -> Any:
    """The reference: Whoosh's own segment writer and codec."""
    return SegmentWriter(ix, codec=W3Codec(), compound=False)


def our_writer(ix: Any) -> Any:
    return GazetteWriter(ix, compound=False)


def add_all(writer: Any, records: list[Record]) -> None:
    for rec in records:
        writer.add_document(**record_to_doc(rec, "0" * 40))


@pytest.mark.parametrize("limitmb", [256, 1])
def test_one_commit_writes_what_whoosh_writes(tmp_path: Path, limitmb: int) -> None:
    """With a small memory limit the writer writes several segments, still in order."""
    records = law_records(60)
    ours = new_index(tmp_path / "ours")
    writer = GazetteWriter(ours, compound=False, limitmb=limitmb)
    add_all(writer, records)
    writer.commit()
    theirs = new_index(tmp_path / "whoosh")
    writer = whoosh_writer(theirs)
    add_all(writer, records)
    writer.commit()
    assert (segment_count(ours) > 1) == (limitmb == 1)
    assert_same_index(ours, theirs)


def test_deletions_and_merges_write_what_whoosh_writes(tmp_path: Path) -> None:
    """Postings of merged segments (Whoosh tuples) and of new documents (our counts) meet in
    one pool; a deleted document's postings are dropped in the merge."""
    records = law_records(45)
    built = {}
    for name, make in (("ours", our_writer), ("whoosh", whoosh_writer)):
        ix = built[name] = new_index(tmp_path / name)
        for share in (records[:15], records[15:30]):
            writer = make(ix)
            add_all(writer, share)
            writer.commit(merge=False)
        writer = make(ix)
        writer.delete_by_term("id", records[3].id)
        add_all(writer, records[30:])
        writer.commit(optimize=True)
        assert segment_count(ix) == 1
    assert_same_index(built["ours"], built["whoosh"])


def write_docs(ix: Any, docs: list[dict[str, Any]], jobs: int, limitmb: int = 256,
               progress: Any = None) -> None:  # fmt: skip
    write_parallel(
        ix,
        len(docs),
        lambda i: docs[i],
        sizes=[len(doc["body"]) for doc in docs],
        jobs=jobs,
        writer_options={"compound": False, "limitmb": limitmb},
        progress=progress,
    )


def test_parallel_rebuild_writes_the_serial_index(tmp_path: Path) -> None:
    records = law_records(40)
    docs = [record_to_doc(rec, "0" * 40) for rec in records]
    serial = new_index(tmp_path / "serial")
    writer = our_writer(serial)
    add_all(writer, records)
    writer.commit()
    parallel = new_index(tmp_path / "parallel")
    seen: list[int] = []
    write_docs(parallel, docs, jobs=3, progress=seen.append)
    assert segment_count(parallel) == 3
    assert_same_index(parallel, serial)
    assert seen and seen[-1] == len(docs)
    assert seen == sorted(seen)
    small = new_index(tmp_path / "small")  # each process writes several segments
    write_docs(small, docs, jobs=2, limitmb=1)
    assert segment_count(small) > 2
    assert_same_index(small, serial)


def test_a_failed_writer_process_commits_nothing(tmp_path: Path) -> None:
    records = law_records(12)
    ix = new_index(tmp_path / "ix")

    def document(i: int) -> dict[str, Any]:
        if i == 9:
            raise ValueError("bad document 9")
        return record_to_doc(records[i], "0" * 40)

    with pytest.raises(StoreError, match="bad document 9"):
        write_parallel(
            ix,
            len(records),
            document,
            sizes=[1] * len(records),
            jobs=2,
            writer_options={"compound": False},
        )
    reopened = whoosh_index.open_dir(str(tmp_path / "ix"))
    assert reopened.doc_count_all() == 0
    writer = our_writer(reopened)  # the Whoosh lock was released
    add_all(writer, records[:2])
    writer.commit()
    assert whoosh_index.open_dir(str(tmp_path / "ix")).doc_count_all() == 2


def test_a_parallel_write_needs_an_empty_index(tmp_path: Path) -> None:
    records = law_records(2)
    ix = new_index(tmp_path / "ix")
    writer = our_writer(ix)
    add_all(writer, records)
    writer.commit()
    with pytest.raises(StoreError, match="empty index"):
        write_parallel(
            ix, 1, lambda i: record_to_doc(records[i], "0" * 40), sizes=[1], jobs=2,
            writer_options={},
        )  # fmt: skip
    assert whoosh_index.open_dir(str(tmp_path / "ix")).doc_count_all() == 2


def test_term_pool_merges_both_kinds_of_posting_in_docnum_order() -> None:
    pool = TermPool()
    pool.add(("body", "法律".encode(), 5, 2.0, None))
    pool.add(("body", "法律".encode(), 7, 1.0, b"v"))
    pool.add_counts("body", 0, {"法律": 3, "顾问": 1}, 1.0)
    pool.add_counts("body", 1, {"法律": 1}, 3.0)
    pool.add_counts("title", 0, {"制度": 2}, 3.0)
    assert list(pool.iter_postings()) == [
        ("body", "法律".encode(), 0, 3, b""),
        ("body", "法律".encode(), 1, 3.0, b""),
        ("body", "法律".encode(), 5, 2.0, b""),
        ("body", "法律".encode(), 7, 1.0, b"v"),
        ("body", "顾问".encode(), 0, 1, b""),
        ("title", "制度".encode(), 0, 6.0, b""),
    ]


@given(st.lists(st.integers(0, 50), min_size=1, max_size=40), st.integers(1, 8))
def test_split_even_covers_everything_in_order(sizes: list[int], parts: int) -> None:
    shares = split_even(sizes, parts)
    assert [i for share in shares for i in share] == list(range(len(sizes)))
    assert all(len(share) for share in shares)
    assert len(shares) == min(parts, len(sizes))
