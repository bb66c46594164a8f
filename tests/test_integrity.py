"""The index always agrees with its sources: change detection, unique and stable ids, rebuilds
that keep what cannot be read now, and any history of edits equal to a fresh rebuild."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

# The extraction pipeline is imported here once, and forked workers inherit it.
import indexer.extract.pages
import indexer.metadata.assemble  # noqa: F401
from indexer.config import Config, load_config
from indexer.index import manifest, store
from indexer.index.reindex import reindex
from indexer.index.sources import id_path
from tests.helpers import run_cli, sample_records, write_config, write_jsonl


def gazette_doc(n: int, extra: str = "") -> str:
    """One document of a gazette issue as text: title, 文号, addressee, body, signature, date."""
    return (
        f"吕梁市离石区人民政府关于测试事项第{n}号的通知\n\n离政发〔2024〕{n}号\n\n"
        f"各乡（镇）人民政府：\n\n　　这是第{n}份测试通知，内容涉及秸秆综合利用。{extra}\n\n"
        "吕梁市离石区人民政府\n\n2024年3月5日\n\n"
    )


def sha1(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def hashing_first(original: str, variants: Callable[[int], str]) -> str:
    """An edit whose hash sorts before the original's: the state read from the lexicon then
    kept the original's hash after the edit (a term of a deleted document), and the bug showed."""
    return next(v for n in range(1, 50) if sha1(v := variants(n)) < sha1(original))


def stored(config: Config) -> dict[str, dict[str, Any]]:
    """Every live document's stored fields by id; asserts that no id names two documents."""
    ix, _gen, _meta = store.open_live(store.Layout(config.index.path))
    with ix.reader() as reader:
        docs = list(reader.all_stored_fields())
    by_id = {d["id"]: d for d in docs}
    assert len(by_id) == len(docs), sorted(d["id"] for d in docs)
    return by_id


def bodies(config: Config) -> str:
    return "\n".join(d["body"] for d in stored(config).values())


def live_gen(config: Config) -> Path:
    gen = store.Layout(config.index.path).current()
    assert gen is not None
    return gen


@pytest.fixture()
def gazette(tmp_path: Path) -> tuple[Path, Config]:
    """A project with one gazette issue of two documents as text."""
    path = tmp_path / "src" / "gazette.txt"
    path.parent.mkdir()
    path.write_text(gazette_doc(1) + gazette_doc(2), encoding="utf-8")
    return path, load_config(write_config(tmp_path, ["src"]))


# -- change detection ------------------------------------------------------------------------


def test_an_undone_edit_leaves_the_index(gazette: tuple[Path, Config]) -> None:
    path, config = gazette
    original = path.read_text(encoding="utf-8")
    reindex(config, jobs=1)
    edited = hashing_first(original, lambda n: gazette_doc(1) + gazette_doc(2, f"勘误标记第{n}号"))
    path.write_text(edited, encoding="utf-8")
    assert reindex(config, jobs=1).count("changed") == 1
    assert "勘误标记" in bodies(config)
    path.write_text(original, encoding="utf-8")
    report = reindex(config, jobs=1)
    assert report.count("changed") == 1
    assert "勘误标记" not in bodies(config)


def test_runs_with_nothing_changed_after_an_edit_report_unchanged(
    gazette: tuple[Path, Config],
) -> None:
    path, config = gazette
    original = path.read_text(encoding="utf-8")
    reindex(config, jobs=1)
    path.write_text(
        hashing_first(original, lambda n: gazette_doc(1) + gazette_doc(2, f"新增第{n}句。")),
        encoding="utf-8",
    )
    assert reindex(config, jobs=1).count("changed") == 1
    for _ in range(2):
        again = reindex(config, jobs=1)
        assert [again.count(s) for s in ("unchanged", "changed", "added")] == [1, 0, 0]


def test_a_reverted_jsonl_title_is_reverted_in_the_index(tmp_path: Path) -> None:
    records = sample_records()[:2]
    path = write_jsonl(tmp_path / "src" / "laws.jsonl", records)
    config = load_config(write_config(tmp_path, ["src"]))
    reindex(config, jobs=1)
    original = path.read_text(encoding="utf-8")

    def retitled(n: int) -> str:
        changed = [dict(records[0], title=f"{records[0]['title']}（修订稿{n}）"), records[1]]
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in changed)

    path.write_text(hashing_first(original, retitled), encoding="utf-8")
    reindex(config, jobs=1)
    assert "修订稿" in stored(config)["a1"]["title"]
    path.write_text(original, encoding="utf-8")
    assert reindex(config, jobs=1).count("changed") == 1
    assert stored(config)["a1"]["title"] == records[0]["title"]


@pytest.mark.parametrize("damage", ["stale", "missing", "garbage"])
def test_source_state_is_rebuilt_from_live_documents_when_its_file_is_outdated(
    gazette: tuple[Path, Config], damage: str
) -> None:
    """A crash between Whoosh's commit and the state file's write leaves the file one commit
    behind: the state then comes from the live documents, not from the older file."""
    path, config = gazette
    original = path.read_text(encoding="utf-8")
    reindex(config, jobs=1)
    state_file = live_gen(config) / manifest.MANIFEST_FILE
    before_edit = state_file.read_text(encoding="utf-8")
    path.write_text(
        hashing_first(original, lambda n: gazette_doc(1) + gazette_doc(2, f"勘误标记第{n}号")),
        encoding="utf-8",
    )
    reindex(config, jobs=1)
    if damage == "stale":
        state_file.write_text(before_edit, encoding="utf-8")
    elif damage == "missing":
        state_file.unlink()
    else:
        state_file.write_text("{", encoding="utf-8")
    path.write_text(original, encoding="utf-8")
    assert reindex(config, jobs=1).count("changed") == 1
    assert "勘误标记" not in bodies(config)
    saved, _toc = manifest.read_file(live_gen(config))
    assert saved is not None and saved["src/gazette.txt"].sha1 == sha1(original)


def test_unchanged_files_are_not_read_again(
    gazette: tuple[Path, Config], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Size and mtime vouch for a file recorded long enough after its last change."""
    path, config = gazette
    os.utime(path, ns=(10**18, 10**18))
    reindex(config, jobs=1)
    hashed: list[Path] = []
    from indexer.index.sources import file_hash

    def counting(p: Path) -> str:
        hashed.append(p)
        return file_hash(p)

    monkeypatch.setattr("indexer.index.manifest.file_hash", counting)
    assert reindex(config, jobs=1).count("unchanged") == 1
    assert hashed == []
    os.utime(path, ns=(10**18 + 10**9, 10**18 + 10**9))  # touched, not changed: hashed once
    assert reindex(config, jobs=1).count("unchanged") == 1
    assert reindex(config, jobs=1).count("unchanged") == 1
    assert hashed == [path]


# -- ids -------------------------------------------------------------------------------------


def test_a_duplicate_jsonl_id_across_files_is_refused_and_named(tmp_path: Path) -> None:
    records = sample_records()
    write_jsonl(tmp_path / "src" / "a.jsonl", records[:2])
    write_jsonl(tmp_path / "src" / "b.jsonl", [dict(records[2], id="a1"), records[3]])
    write_config(tmp_path, ["src"])
    out = run_cli("index", "--jobs", "1", cwd=tmp_path)
    assert out.returncode == 1
    assert (
        'warning: src/b.jsonl: 1 duplicate id not indexed: "a1" (kept by src/a.jsonl)'
        in out.stderr.splitlines()
    )
    docs = stored(load_config(tmp_path / "config.toml"))
    assert sorted(docs) == ["a1", "a2", "a4"]
    assert docs["a1"]["title"] == records[0]["title"]


def test_an_indexed_id_stays_with_its_document(tmp_path: Path) -> None:
    """A file added later (even one sorting first) does not take an id from the index, neither
    on an update nor on a rebuild; once the first owner is gone, the other file gets it."""
    records = sample_records()
    write_jsonl(tmp_path / "src" / "b.jsonl", records[:1])
    config = load_config(write_config(tmp_path, ["src"]))
    reindex(config, jobs=1)
    write_jsonl(tmp_path / "src" / "a.jsonl", [dict(records[1], id="a1")])
    for rebuild in (False, True):
        report = reindex(config, jobs=1, rebuild=rebuild)
        assert not report.ok
        assert [(f.source, f.warnings) for f in report.warned] == [
            ("src/a.jsonl", ['1 duplicate id not indexed: "a1" (kept by src/b.jsonl)'])
        ]
        assert stored(config)["a1"]["source"] == "src/b.jsonl"
    (tmp_path / "src" / "b.jsonl").unlink()
    assert reindex(config, jobs=1).ok
    assert stored(config)["a1"]["source"] == "src/a.jsonl"


def test_same_named_files_in_two_folders_never_share_ids(tmp_path: Path) -> None:
    text = gazette_doc(1) + gazette_doc(2)
    for year in ("2023", "2024"):
        (tmp_path / "gazettes" / year).mkdir(parents=True)
        (tmp_path / "gazettes" / year / "公报第1期.txt").write_text(text, encoding="utf-8")
    config = load_config(write_config(tmp_path, ["gazettes"]))
    report = reindex(config, jobs=1)
    assert report.ok and report.documents == 4
    ids = sorted(stored(config))
    assert len(set(ids)) == 4
    assert [i.rsplit("-", 1)[0] for i in ids] == ["2023-公报第1期"] * 2 + ["2024-公报第1期"] * 2
    # Stable: the same on an unchanged run and after the source folder is renamed.
    assert reindex(config, jobs=1).count("unchanged") == 2
    (tmp_path / "gazettes").rename(tmp_path / "archive")
    moved = load_config(write_config(tmp_path, ["archive"]))
    reindex(moved, jobs=1)
    assert sorted(stored(moved)) == ids


def test_the_shipped_sample_keeps_its_ids() -> None:
    """Ids of files directly in a source folder are as before (goldens and links use them)."""
    roots = [Path("data/gazettes")]
    assert id_path(Path("data/gazettes/lishi-gazette-2024-1.txt"), roots) == (
        "lishi-gazette-2024-1"
    )


def test_source_ids_stay_readable_and_are_kept_as_source_id(tmp_path: Path) -> None:
    law = "lawrefbook/宪法相关法/中华人民共和国国旗法(2020-10-17)"
    write_jsonl(
        tmp_path / "src" / "laws.jsonl",
        [
            {"id": "中华人民共和国宪法-2018", "title": "中华人民共和国宪法"},
            {"id": law, "title": "中华人民共和国国旗法"},
            {"id": "govcn/content_5365945", "title": "国务院关于推行双随机的意见"},
        ],
    )
    config = load_config(write_config(tmp_path, ["src"]))
    assert reindex(config, jobs=1).ok
    docs = stored(config)
    by_source = {store.doc_to_record(d).source_id: i for i, d in docs.items()}
    assert by_source["中华人民共和国宪法-2018"] == "中华人民共和国宪法-2018"
    assert by_source[law].startswith("lawrefbook-") and len(by_source[law]) == 23
    assert by_source["govcn/content_5365945"].startswith("govcn-")
    assert all("--" not in i for i in docs)


# -- rebuilds --------------------------------------------------------------------------------


def _two_sources(tmp_path: Path) -> Config:
    records = sample_records()
    write_jsonl(tmp_path / "src" / "one.jsonl", records[:3])
    write_jsonl(tmp_path / "src" / "two.jsonl", records[3:])
    return load_config(write_config(tmp_path, ["src"]))


def test_a_rebuild_keeps_the_documents_of_a_source_that_now_fails(tmp_path: Path) -> None:
    config = _two_sources(tmp_path)
    reindex(config, jobs=1)
    before = stored(config)
    (tmp_path / "src" / "two.jsonl").write_text("{not json\n", encoding="utf-8")
    report = reindex(config, jobs=1, rebuild=True)
    assert [f.source for f in report.failed] == ["src/two.jsonl"]
    assert report.notes == [
        "src/two.jsonl: kept its 3 documents from the previous index (the file failed)"
    ]
    assert report.documents == 6 and stored(config) == before
    # Still read again (and still failing) on the next run, the documents still kept.
    again = reindex(config, jobs=1)
    assert [f.source for f in again.failed] == ["src/two.jsonl"] and again.documents == 6


def test_a_rebuild_says_which_documents_are_lost_when_the_old_index_is_unreadable(
    tmp_path: Path,
) -> None:
    config = _two_sources(tmp_path)
    reindex(config, jobs=1)
    gen = live_gen(config)
    meta = json.loads((gen / store.META_FILE).read_text(encoding="utf-8"))
    (gen / store.META_FILE).write_text(json.dumps(dict(meta, format=1)), encoding="utf-8")
    (tmp_path / "src" / "two.jsonl").write_text("{not json\n", encoding="utf-8")
    report = reindex(config, jobs=1, rebuild=True)
    assert report.documents == 3 and not report.ok
    assert len(report.notes) == 1
    assert report.notes[0].startswith(
        "src/two.jsonl: its 3 documents of the previous index are lost (the file failed): "
    )


# -- any history equals a fresh rebuild --------------------------------------------------------

OPERATIONS = ("edit", "undo", "rename", "move", "delete", "add", "rebuild")
T0 = 1_600_000_000 * 10**9  # files get old, distinct mtimes, so that size and mtime vouch


class Sources:
    """Small .txt and .jsonl sources under a public and an internal folder, changed by name;
    every write gets a distinct mtime (older than the racy window), renames keep theirs."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.serial = 0
        self.writes = 0
        self.history: dict[Path, list[str]] = {}
        for folder in ("src", "internal"):
            (root / folder).mkdir()
        self.add(0)
        self.add(1)

    def files(self) -> list[Path]:
        return sorted(p for p in self.history if p.exists())

    def write(self, path: Path, text: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        self.writes += 1
        os.utime(path, ns=(T0 + self.writes * 10**9,) * 2)
        self.history.setdefault(path, []).append(text)

    def content(self, serial: int, version: int, jsonl: bool) -> str:
        if jsonl:
            records = [
                {"id": f"r{serial}-{i}", "title": f"第{serial}号文件第{i}条（版本{version}）"}
                for i in range(1 + version % 2)
            ]
            return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
        first = serial * 10 + 1
        return gazette_doc(first, f"版本{version}") + gazette_doc(first + 1 + version % 3)

    def add(self, n: int) -> None:
        self.serial += 1
        jsonl = n % 2 == 1
        name = f"f{self.serial}.{'jsonl' if jsonl else 'txt'}"
        self.write(self.root / "src" / name, self.content(self.serial, 0, jsonl))

    def apply(self, operation: str, n: int) -> None:
        files = self.files()
        if operation == "add" or not files:
            self.add(n)
            return
        path = files[n % len(files)]
        if operation == "edit":
            serial = int(path.stem.lstrip("f").split("-")[0])
            version = len(self.history[path]) + n
            self.write(path, self.content(serial, version, path.suffix == ".jsonl"))
        elif operation == "undo" and len(self.history[path]) > 1:
            self.write(path, self.history[path][-2])
        elif operation == "rename":
            self._move(path, path.with_name(f"{path.stem}-{n}{path.suffix}"))
        elif operation == "move":
            folder = self.root / ("internal" if n % 2 else "src") / f"sub{n % 3}"
            self._move(path, folder / path.name)
        elif operation == "delete":
            path.unlink()

    def _move(self, path: Path, target: Path) -> None:
        if target.exists():
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        path.rename(target)
        self.history[target] = self.history.pop(path)


def _config_text(index: str) -> str:
    return (
        '[sources]\npaths = ["src"]\ninternal_paths = ["internal"]\n'
        f'[index]\npath = "{index}"\n[analysis]\nuser_dict = ""\n'
    )


def _states(config: Config) -> dict[str, tuple[Any, ...]]:
    saved, _toc = manifest.read_file(live_gen(config))
    assert saved is not None
    return {k: (s.sha1, s.visibility, s.id_path, s.ids) for k, s in saved.items()}


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(st.lists(st.tuples(st.sampled_from(OPERATIONS), st.integers(0, 5)), min_size=1, max_size=4))
def test_any_history_leaves_the_index_equal_to_a_fresh_rebuild(
    history: list[tuple[str, int]],
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "config.toml").write_text(_config_text("index"), encoding="utf-8")
        (root / "fresh.toml").write_text(_config_text("fresh"), encoding="utf-8")
        config, fresh = load_config(root / "config.toml"), load_config(root / "fresh.toml")
        sources = Sources(root)
        assert reindex(config, jobs=1).ok
        for operation, n in history:
            sources.apply(operation, n)
            assert reindex(config, jobs=1, rebuild=operation == "rebuild").ok
        assert reindex(fresh, jobs=1, rebuild=True).ok
        assert stored(config) == stored(fresh)
        assert _states(config) == _states(fresh)
        again = reindex(config, jobs=1)
        assert again.count("unchanged") == len(sources.files()) == len(again.files)
