"""The search side reads index files through memory maps (indexer.index.whoosh.mapped): the
same index as Whoosh's own files give, still readable after a reindex removed its files."""

from __future__ import annotations

import shutil
from pathlib import Path

from indexer.config import load_config
from indexer.index import store
from tests.helpers import assert_same_index, postings, run_cli, two_source_project


def test_a_mapped_index_reads_as_the_files_and_outlives_their_removal(tmp_path: Path) -> None:
    project = two_source_project(tmp_path)
    assert run_cli("index", "--jobs", "1", cwd=project).returncode == 0
    layout = store.Layout(load_config(project / "config.toml").index.path)
    mapped, gen, _ = store.open_live(layout, mapped=True)
    plain = store.open_generation(gen)
    assert type(mapped.storage).__name__ == "MappedStorage"
    assert_same_index(mapped, plain)
    with mapped.reader() as reader:
        stored = [reader.stored_fields(d) for d in range(reader.doc_count_all())]
        terms = [t for t in reader.all_terms() if t[0] == "body_bi"][:20]
        before = [postings(reader, f, b) for f, b in terms]
        shutil.rmtree(gen)  # a rebuild swapped the live link and dropped this generation
        assert [reader.stored_fields(d) for d in range(reader.doc_count_all())] == stored
        assert [postings(reader, f, b) for f, b in terms] == before
        assert any(before)
