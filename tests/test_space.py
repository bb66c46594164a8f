"""Disk space: incremental updates give back the room of replaced documents, and a full disk is
survived, on a real (tmpfs) file system when one can be mounted."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from indexer.config import Config, load_config
from indexer.index import store
from indexer.index.reindex import reindex
from searchapp.engine import Engine
from searchapp.request import SearchRequest
from searchapp.search import Searcher
from tests.helpers import (
    LAWS_SAMPLE,
    ROOT,
    read_jsonl,
    run_cli,
    sample_records,
    shared_corpus,
    write_config,
    write_jsonl,
)

QUERIES = ("国务院", "监管", "法律", "管理办法", "通知")


def _generation_bytes(config: Config) -> int:
    gen = store.Layout(config.index.path).current()
    assert gen is not None
    return sum(p.stat().st_size for p in gen.rglob("*") if p.is_file())


def _answers(config: Config) -> dict[str, list[str]]:
    """Each query's hits, in order, and every document's stored record."""
    searcher = Searcher(Engine(config))
    found = {
        q: [h.id for h in searcher.search(SearchRequest(q=q, page_size=100)).hits] for q in QUERIES
    }
    found["*"] = sorted(h.id for h in searcher.search(SearchRequest(q="", page_size=1000)).hits)
    return found


def _laws(count: int) -> list[dict[str, Any]]:
    laws = read_jsonl(shared_corpus(LAWS_SAMPLE))
    return [
        {
            "id": f"law-{i}",
            "title": laws[i % len(laws)]["title"],
            "body": laws[i % len(laws)]["body"],
        }
        for i in range(count)
    ]


def _project(folder: Path, records: list[dict[str, Any]], files: int) -> Config:
    per = len(records) // files
    for n in range(files):
        write_jsonl(folder / "src" / f"part{n}.jsonl", records[n * per : (n + 1) * per])
    write_config(folder, ["src"])
    return load_config(folder / "config.toml")


@pytest.mark.slow
def test_six_changes_keep_the_index_within_twice_a_rebuild(tmp_path: Path) -> None:
    """Each change rewrites one file of four: the old segment of a file wholly replaced is
    dropped, one mostly replaced is merged, and small segments are merged as they pile up
    (at most 1.7× a rebuild here). Whoosh's own policy kept every deleted document and a
    segment a change: 3.2× a rebuild after the six changes."""
    records = _laws(60)
    config = _project(tmp_path / "inc", records, files=4)
    reindex(config, jobs=1)
    sizes = []
    for change in range(6):
        part = (change * 3) % 4
        records[part * 15]["body"] += f"\n第{change}次修改"
        write_jsonl(
            tmp_path / "inc" / "src" / f"part{part}.jsonl", records[part * 15 : part * 15 + 15]
        )
        report = reindex(config, jobs=1)
        assert report.count("changed") == 1 and report.documents == 60
        sizes.append(_generation_bytes(config))
    fresh = _project(tmp_path / "fresh", records, files=4)
    reindex(fresh, jobs=1)
    assert max(sizes) <= 2 * _generation_bytes(fresh), (sizes, _generation_bytes(fresh))
    from whoosh import index as whoosh_index

    with whoosh_index.open_dir(str(config.index.path)).reader() as reader:
        assert (reader.doc_count(), reader.doc_count_all()) == (60, 60)
    assert _answers(config) == _answers(fresh)


def test_a_wholly_replaced_file_leaves_no_deleted_segment(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "src" / "one.jsonl", sample_records())
    write_config(tmp_path, ["src"])
    config = load_config(tmp_path / "config.toml")
    reindex(config, jobs=1)
    first = _generation_bytes(config)
    for change in range(3):
        changed = sample_records()
        changed[0]["title"] += f"（第{change}次修订）"
        write_jsonl(tmp_path / "src" / "one.jsonl", changed)
        assert reindex(config, jobs=1).documents == 6
    from whoosh import index as whoosh_index

    ix = whoosh_index.open_dir(str(config.index.path))
    with ix.reader() as reader:
        assert (reader.doc_count(), reader.doc_count_all()) == (6, 6)
    assert _generation_bytes(config) < 1.5 * first


# ------------------------------------------------------------------ a real full disk (tmpfs)

FILLER = "filler"


def _fill(folder: Path) -> None:
    """Take every free byte of ``folder``'s file system."""
    (folder / FILLER).mkdir()
    for size in (1 << 20, 1 << 12, 1):
        n = 0
        while True:
            path = folder / FILLER / f"{size}-{n}"
            try:
                with path.open("wb") as fh:
                    fh.write(b"\0" * size)
            except OSError:
                path.unlink(missing_ok=True)
                break
            n += 1


def full_disk_scenario(folder: Path) -> dict[str, Any]:
    """Index, fill the disk, add a file and index again (it fails), free the disk and index
    once more, all with the CLI; what each step showed."""
    write_jsonl(folder / "src" / "one.jsonl", sample_records())
    write_jsonl(folder / "staged" / "new.jsonl", [{"id": "new-1", "title": "满盘新增文件"}])
    write_config(folder, ["src"])
    first = run_cli("index", cwd=folder)
    gen = store.Layout(folder / "index").current()
    assert first.returncode == 0 and gen is not None, first.stderr
    before = sorted(p.name for p in gen.iterdir())
    _fill(folder)
    (folder / "staged" / "new.jsonl").rename(folder / "src" / "new.jsonl")  # needs no room
    full = run_cli("index", cwd=folder)
    during = sorted(p.name for p in gen.iterdir())
    shutil.rmtree(folder / FILLER)
    after = run_cli("index", cwd=folder)
    found = run_cli("search", "满盘新增文件", "--json", cwd=folder)
    return {
        "index": str(folder / "index"),
        "full": [full.returncode, full.stderr],
        "before": before,
        "during": during,
        "after": [after.returncode, after.stderr],
        "found": found.stdout,
    }


@pytest.mark.slow
def test_a_full_tmpfs_is_reported_cleaned_and_survived(tmp_path: Path) -> None:
    """Run in a private mount namespace (``unshare``), so no mount outlives the test; skipped
    where namespaces or tmpfs mounts are not allowed."""
    unshare = shutil.which("unshare")
    if unshare is None:
        pytest.skip("no unshare(1)")
    mount = tmp_path / "disk"
    mount.mkdir()
    script = 'mount -t tmpfs -o size=16m tmpfs "$0" || exit 77; exec "$1" -m tests.test_space "$0"'
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [
            unshare,
            "--user",
            "--map-root-user",
            "--mount",
            "sh",
            "-c",
            script,
            str(mount),
            sys.executable,
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if proc.returncode in (1, 77) and not proc.stdout.strip():
        pytest.skip(f"cannot mount a tmpfs here: {proc.stderr.strip()[:200]}")
    assert proc.returncode == 0, proc.stderr
    seen = json.loads(proc.stdout)
    code, stderr = seen["full"]
    assert code != 0
    assert stderr.strip().splitlines() == [
        f"gazette: cannot write the index at {seen['index']}: No space left on device;"
        " the previous index is unchanged"
    ]
    assert seen["during"] == seen["before"]
    assert seen["after"][0] == 0, seen["after"][1]
    assert '"new-1"' in seen["found"]


if __name__ == "__main__":
    print(json.dumps(full_disk_scenario(Path(sys.argv[1])), ensure_ascii=False))
