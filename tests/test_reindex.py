"""Reindexing operators can trust: incremental by hash, atomic rebuilds, one writer, bad files."""

from __future__ import annotations

import errno
import json
import os
import random
import shutil
import signal
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from whoosh import index as whoosh_index

from indexer.config import Config, load_config
from indexer.errors import AnalysisMismatchError, StoreError
from indexer.index import store
from indexer.index.reindex import reindex
from indexer.index.whoosh.writer import GazetteWriter
from indexer.records import Record
from searchapp.engine import Engine
from searchapp.request import SearchRequest
from searchapp.search import Searcher
from tests.helpers import (
    LAWS_SAMPLE,
    popen_cli,
    run_cli,
    sample_records,
    shared_corpus,
    two_source_project,
    write_config,
    write_jsonl,
)


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    """A project folder with a config and two JSONL sources."""
    return two_source_project(tmp_path)


def _config(project: Path) -> Config:
    return load_config(project / "config.toml")


def _ids(config: Config, q: str = "") -> list[str]:
    result = Searcher(Engine(config)).search(SearchRequest(q=q, page_size=100))
    return sorted(h.id for h in result.hits)


def test_first_run_builds_then_nothing_changed_is_skipped(project: Path) -> None:
    config = _config(project)
    first = reindex(config, jobs=1)
    assert first.rebuilt and first.count("added") == 2 and first.documents == 6
    second = reindex(config, jobs=1)
    assert not second.rebuilt
    assert second.count("unchanged") == 2
    assert [second.count(s) for s in ("added", "changed", "removed", "failed")] == [0, 0, 0, 0]
    assert _ids(config) == ["a1", "a2", "a3", "a4", "a5", "a6"]


def test_deleting_a_source_removes_exactly_its_documents(project: Path) -> None:
    config = _config(project)
    reindex(config, jobs=1)
    (project / "src" / "two.jsonl").unlink()
    report = reindex(config, jobs=1)
    assert report.count("removed") == 1 and report.count("unchanged") == 1
    assert _ids(config) == ["a1", "a2", "a3"]


def test_editing_a_source_replaces_its_documents(project: Path) -> None:
    config = _config(project)
    reindex(config, jobs=1)
    changed = sample_records()[3:5]
    changed[0]["title"] = "关于调整祁离高速公路建设领导组的通知（修订）"
    write_jsonl(project / "src" / "two.jsonl", changed)
    report = reindex(config, jobs=1)
    assert report.count("changed") == 1 and report.count("unchanged") == 1
    assert report.documents == 5
    assert _ids(config) == ["a1", "a2", "a3", "a4", "a5"]
    hits = Searcher(Engine(config)).search(SearchRequest(q="修订")).hits
    assert [h.id for h in hits] == ["a4"]


def test_a_bad_file_keeps_the_documents_it_had(project: Path) -> None:
    config = _config(project)
    reindex(config, jobs=1)
    (project / "src" / "two.jsonl").write_text("{not json\n", encoding="utf-8")
    report = reindex(config, jobs=1)
    assert [(f.source, f.error) for f in report.failed] == [
        (
            "src/two.jsonl",
            "line 1: not valid JSON (Expecting property name enclosed in double "
            "quotes: line 1 column 2 (char 1))",
        )
    ]
    assert _ids(config) == ["a1", "a2", "a3", "a4", "a5", "a6"]


def test_rebuild_swaps_generations_and_keeps_one_previous(project: Path) -> None:
    config = _config(project)
    reindex(config, jobs=1)
    layout = store.Layout(config.index.path)
    first = layout.current()
    reindex(config, rebuild=True, jobs=1)
    second = layout.current()
    reindex(config, rebuild=True, jobs=1)
    third = layout.current()
    assert layout.live.is_symlink() and len({first, second, third}) == 3
    assert second is not None and third is not None
    assert sorted(p.name for p in layout.gens.iterdir()) == sorted([second.name, third.name])


def test_full_disk_leaves_the_live_index_as_it_was(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = _config(project)
    reindex(config, jobs=1)
    before = _ids(config, "法律顾问")
    from whoosh.writing import SegmentWriter

    def no_space(self: Any, *args: Any, **kwargs: Any) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(SegmentWriter, "commit", no_space)
    with pytest.raises(
        StoreError, match="No space left on device; the previous index is unchanged"
    ):
        reindex(config, rebuild=True, jobs=1)
    write_jsonl(project / "src" / "three.jsonl", [{"id": "x", "title": "法律顾问新增"}])
    with pytest.raises(StoreError, match="No space left"):
        reindex(config, jobs=1)
    monkeypatch.undo()
    assert _ids(config, "法律顾问") == before
    assert len(list(store.Layout(config.index.path).gens.iterdir())) == 1


def _gen_files(config: Config) -> list[str]:
    gen = store.Layout(config.index.path).current()
    assert gen is not None
    return sorted(p.name for p in gen.iterdir())


def _fail_writes_after(
    monkeypatch: pytest.MonkeyPatch, budget: int, error: Callable[[], BaseException]
) -> None:
    """Whoosh's file writes raise ``error()`` once ``budget`` bytes are written: a disk that
    fills up in the middle of a commit, or a commit interrupted there."""
    from whoosh.filedb.structfile import StructFile

    real = StructFile.write
    written = [0]

    def write(self: Any, data: bytes, *args: Any) -> Any:
        written[0] += len(data)
        if written[0] > budget:
            raise error()
        return real(self, data, *args)

    monkeypatch.setattr(StructFile, "write", write)


def _no_space() -> OSError:
    return OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.parametrize(
    ("error", "raised"),
    [(_no_space, StoreError), (KeyboardInterrupt, KeyboardInterrupt), (MemoryError, MemoryError)],
    ids=["full-disk", "ctrl-c", "other"],
)
def test_a_failed_commit_leaves_nothing_in_the_live_generation(
    project: Path,
    monkeypatch: pytest.MonkeyPatch,
    error: Callable[[], BaseException],
    raised: type[BaseException],
) -> None:
    """Before, the failed commit's segment stayed: on a full disk it kept the disk full."""
    config = _config(project)
    reindex(config, jobs=1)
    before = _gen_files(config)
    write_jsonl(project / "src" / "three.jsonl", [{"id": "x", "title": "法律顾问新增"}])
    _fail_writes_after(monkeypatch, 1000, error)
    with pytest.raises(raised) as failure:
        reindex(config, jobs=1)
    monkeypatch.undo()
    assert _gen_files(config) == before
    if raised is StoreError:
        assert str(failure.value) == (
            f"cannot write the index at {config.index.path}: No space left on device;"
            " the previous index is unchanged"
        )
    report = reindex(config, jobs=1)
    assert report.count("added") == 1 and report.documents == 7
    assert _ids(config, "法律顾问新增") == ["x"]


def test_the_files_of_a_killed_writer_are_removed_by_the_next_run(project: Path) -> None:
    """A writer killed outright leaves its segment, its temporary folder and perhaps a table of
    contents half written; the next run removes them, and nothing of the committed index."""
    config = _config(project)
    reindex(config, jobs=1)
    before = _gen_files(config)
    gen = store.Layout(config.index.path).current()
    assert gen is not None
    writer = GazetteWriter(whoosh_index.open_dir(str(gen)), _lk=False, compound=False)
    writer.add_document(**store.record_to_doc(Record.from_dict(sample_records()[0]), "0" * 40))
    writer.finalize_segments()  # segment files written, no table of contents: then SIGKILL
    (gen / "_MAIN_9.toc.1733000000.5").write_bytes(b"half")
    (gen / "sources.json.tmp").write_text("{", encoding="utf-8")
    left = set(_gen_files(config)) - set(before)
    assert {"MAIN.tmp", "sources.json.tmp"} < left and len(left) > 10
    report = reindex(config, jobs=1)
    assert _gen_files(config) == before
    assert f"removed {len(left)} files an unfinished write left in {gen}" in report.notes
    assert report.count("unchanged") == 2
    assert _ids(config) == ["a1", "a2", "a3", "a4", "a5", "a6"]


def test_a_full_disk_when_recording_the_sources_leaves_no_temporary_file(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = _config(project)
    reindex(config, jobs=1)
    write_jsonl(project / "src" / "three.jsonl", [{"id": "x", "title": "法律顾问新增"}])
    real = Path.write_text

    def half_written(self: Path, data: str, *args: Any, **kwargs: Any) -> int:
        if self.name != "sources.json.tmp":
            return real(self, data, *args, **kwargs)
        real(self, data[:10], *args, **kwargs)
        raise _no_space()

    monkeypatch.setattr(Path, "write_text", half_written)
    report = reindex(config, jobs=1)
    monkeypatch.undo()
    assert report.count("added") == 1 and report.documents == 7
    assert any("No space left on device" in note for note in report.notes)
    assert "sources.json.tmp" not in _gen_files(config)
    again = reindex(config, jobs=1)  # the sources' state read from the index this time
    assert again.count("failed") == 0 and again.documents == 7
    assert _ids(config, "法律顾问新增") == ["x"]


def test_changed_user_dictionary_is_refused_until_rebuild(project: Path) -> None:
    config = _config(project)
    reindex(config, jobs=1)
    (project / "words.dict").write_text("金巢魔码 10 nz\n", encoding="utf-8")
    write_config(project, ["src"], extra="")
    text = (project / "config.toml").read_text(encoding="utf-8")
    (project / "config.toml").write_text(
        text.replace('user_dict = ""', 'user_dict = "words.dict"'), encoding="utf-8"
    )
    config = _config(project)
    with pytest.raises(AnalysisMismatchError, match="run `gazette index --rebuild`"):
        reindex(config, jobs=1)
    with pytest.raises(AnalysisMismatchError, match="rebuild"):
        Engine(config).snapshot()
    assert reindex(config, rebuild=True, jobs=1).documents == 6
    assert Engine(config).snapshot().columns.everyone


@pytest.fixture()
def big_project(tmp_path: Path) -> Path:
    """A project whose rebuild takes a few seconds: 250 real laws."""
    lines = shared_corpus(LAWS_SAMPLE).read_text(encoding="utf-8").splitlines()[:150]
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "laws.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    write_jsonl(tmp_path / "src" / "sample.jsonl", sample_records())
    write_config(tmp_path, ["src"])
    return tmp_path


def _answers(project: Path) -> str:
    out = run_cli("search", "法律顾问", "--json", "--limit", "50", cwd=project)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    return json.dumps([data["total"], [h["id"] for h in data["hits"]], data["facets"]])


def _wait_for_lock(project: Path, pid: int, timeout: float = 30) -> None:
    """Wait until the reindex with this pid holds the writer lock."""
    lock = project / ".index.lock"
    deadline = time.monotonic() + timeout
    while not (lock.is_file() and lock.read_text().startswith(f"{pid} ")):
        assert time.monotonic() < deadline, "reindex never took the lock"
        time.sleep(0.02)


@pytest.mark.slow
def test_reindex_killed_at_random_points_leaves_the_previous_index(big_project: Path) -> None:
    """Ten SIGKILLs at random moments of rebuilds and incremental updates: every time the
    index answers exactly as before the run (or, for an update that committed just before the
    kill, exactly as after it), never anything in between."""
    assert run_cli("index", "--jobs", "1", cwd=big_project).returncode == 0
    before = _answers(big_project)
    extra = big_project / "src" / "extra.jsonl"
    write_jsonl(extra, [{"id": "extra-1", "title": "新增的法律顾问文件", "body": "法律顾问"}])
    assert run_cli("index", "--jobs", "1", cwd=big_project).returncode == 0
    after = _answers(big_project)
    assert after != before
    extra.unlink()
    assert run_cli("index", "--jobs", "1", cwd=big_project).returncode == 0
    rng = random.Random(20241128)
    for run in range(10):
        rebuild = run % 2 == 0
        if not rebuild:  # an incremental update with something to do: the extra file again
            write_jsonl(
                extra, [{"id": "extra-1", "title": "新增的法律顾问文件", "body": "法律顾问"}]
            )
        proc = popen_cli(
            "index", *(["--rebuild"] if rebuild else []), "--jobs", "1", cwd=big_project
        )
        _wait_for_lock(big_project, proc.pid)
        time.sleep(rng.uniform(0.0, 2.0 if rebuild else 0.5))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        assert proc.returncode in (0, -signal.SIGKILL)
        allowed = [before] if rebuild else [before, after]
        assert _answers(big_project) in allowed, f"run {run}"
        if extra.exists():
            extra.unlink()
            assert run_cli("index", "--jobs", "1", cwd=big_project).returncode == 0
        assert _answers(big_project) == before
    again = run_cli("index", "--jobs", "1", "--json", cwd=big_project)
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["files"]["unchanged"] == 2
    assert len(list((big_project / ".index.gens").iterdir())) <= 2


@pytest.mark.slow
def test_a_second_reindex_while_one_runs_exits_1(big_project: Path) -> None:
    proc = popen_cli("index", "--rebuild", "--jobs", "1", cwd=big_project)
    try:
        _wait_for_lock(big_project, proc.pid)
        second = run_cli("index", cwd=big_project)
        assert second.returncode == 1
        assert second.stderr.startswith("gazette: another reindex is running (since 20")
        assert "Traceback" not in second.stderr and len(second.stderr.splitlines()) == 1
    finally:
        proc.wait(timeout=300)
    assert proc.returncode == 0


def test_bad_files_beside_good_ones(tmp_path: Path) -> None:
    """Zero-byte and truncated PDFs are named and skipped; a GB18030 text is indexed."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "empty.pdf").write_bytes(b"")
    real = (
        Path(__file__).resolve().parent.parent
        / "data"
        / "gazettes"
        / "guowuyuan-gazette-1954-01.pdf"
    )
    (src / "truncated.pdf").write_bytes(real.read_bytes()[:5000])
    text = (
        "吕梁市离石区人民政府关于测试编码的通知\n\n离政发〔2024〕99号\n\n各乡（镇）人民政府：\n\n"
        "　　这是一份以GB18030编码保存的测试通知，内容涉及秸秆综合利用。\n\n"
        "吕梁市离石区人民政府\n\n2024年3月5日\n"
    )
    (src / "gbk.txt").write_bytes(text.encode("gb18030"))
    write_config(tmp_path, ["src"])
    out = run_cli("index", "--jobs", "1", cwd=tmp_path)
    assert out.returncode == 1
    assert "Traceback" not in out.stderr
    failed = [line for line in out.stderr.splitlines() if line.startswith("failed:")]
    assert len(failed) == 2
    assert failed[0].startswith("failed: src/empty.pdf: ")
    assert failed[1].startswith("failed: src/truncated.pdf: ")
    assert "files 1 added" in out.stdout
    found = run_cli("search", "秸秆综合利用", "--json", cwd=tmp_path)
    hits = json.loads(found.stdout)["hits"]
    assert [h["doc_number"] for h in hits] == ["离政发〔2024〕99号"]


def test_sources_outside_the_project_keep_absolute_keys(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    write_jsonl(outside / "x.jsonl", sample_records()[:1])
    project = tmp_path / "proj"
    write_config(project, [str(outside)])
    report = reindex(load_config(project / "config.toml"), jobs=1)
    assert [f.source for f in report.files] == [(outside / "x.jsonl").as_posix()]
    shutil.rmtree(outside)
    again = reindex(load_config(project / "config.toml"), jobs=1)
    assert [f.error for f in again.failed] == ["no such file or folder"]
    assert again.count("removed") == 0 and again.documents == 1


def test_parallel_rebuild_reports_progress_and_equals_a_serial_one(
    big_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = _config(big_project)
    reindex(config, rebuild=True, jobs=1)
    serial = _answers(big_project)
    monkeypatch.setattr("indexer.index.reindex.PARALLEL_MIN_DOCS", 10)
    seen: list[Any] = []
    report = reindex(config, rebuild=True, jobs=2, progress=seen.append)
    assert report.documents == 156
    writing = [p for p in seen if p.phase in ("write", "commit")]
    assert writing and writing[-1].phase == "commit" and writing[-1].documents == 156
    assert [p.documents for p in writing] == sorted(p.documents for p in writing)
    assert _answers(big_project) == serial
    with whoosh_index.open_dir(str(config.index.path)).reader() as reader:
        assert len(reader.leaf_readers()) == 2


def test_full_disk_in_a_parallel_rebuild_leaves_the_live_index(
    big_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = _config(big_project)
    reindex(config, jobs=1)
    before = _answers(big_project)
    monkeypatch.setattr("indexer.index.reindex.PARALLEL_MIN_DOCS", 10)

    def no_space(self: Any) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("indexer.index.whoosh.writer.GazetteWriter.finalize_segments", no_space)
    with pytest.raises(StoreError, match="No space left on device; the previous index is"):
        reindex(config, rebuild=True, jobs=2)
    monkeypatch.undo()
    assert _answers(big_project) == before
    assert len(list(store.Layout(config.index.path).gens.iterdir())) == 1
