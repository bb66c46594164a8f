"""The bad-input corpus of ``tests/data/bad`` (see ``make_bad.py`` there), indexed in one run:
each bad file is named with its one-line reason, the good ones are indexed, those read in part
are indexed with a warning, nothing else lost."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.helpers import run_cli, write_config

BAD = Path(__file__).resolve().parent / "data" / "bad"
EXPECTED: dict[str, str] = json.loads((BAD / "expected.json").read_text(encoding="utf-8"))
WARNINGS: dict[str, str] = json.loads((BAD / "warnings.json").read_text(encoding="utf-8"))
LARGE = {
    "single-line-50mb.txt": "a line of 17,476,266 characters: not gazette text",
    "single-line-50mb.jsonl": "line 1: longer than 33554432 bytes",
}


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, object], str]:
    root = tmp_path_factory.mktemp("bad")
    src = root / "src"
    shutil.copytree(BAD, src, ignore=shutil.ignore_patterns("*.py", "*.json"))
    (src / "single-line-50mb.txt").write_bytes("公报".encode() * (50 * 1024 * 1024 // 6))
    big_title = "标" * (50 * 1024 * 1024 // 3)
    (src / "single-line-50mb.jsonl").write_text(f'{{"title": "{big_title}"}}\n', encoding="utf-8")
    write_config(root, ["src"], extra="")
    config = (root / "config.toml").read_text(encoding="utf-8")
    (root / "config.toml").write_text(
        config.replace('path = "index"', 'path = "index"\nfile_timeout = 60'), encoding="utf-8"
    )
    out = run_cli("index", "--json", cwd=root, timeout=600)
    assert out.returncode == 1, out.stderr
    assert "Traceback" not in out.stderr
    return root, json.loads(out.stdout), out.stderr


def test_the_corpus_is_big_enough() -> None:
    assert len(EXPECTED) + len(LARGE) >= 30
    assert sum(1 for m in EXPECTED.values() if m) >= 20


def test_every_bad_file_is_named_with_its_reason(run: tuple[Path, dict[str, object], str]) -> None:
    _, report, _ = run
    failed = {Path(f["source"]).name: f["error"] for f in report["failed"]}  # type: ignore[attr-defined]
    expected_failures = {**{k: v for k, v in EXPECTED.items() if v}, **LARGE}
    assert set(failed) == set(expected_failures)
    for name, message in expected_failures.items():
        assert failed[name].startswith(message), (name, failed[name])
        assert "\n" not in failed[name] and len(failed[name]) < 200


def test_files_read_in_part_are_named_with_their_first_warning(
    run: tuple[Path, dict[str, object], str],
) -> None:
    _, report, _ = run
    warned: dict[str, list[str]] = {}
    for item in report["warnings"]:  # type: ignore[attr-defined]
        warned.setdefault(Path(item["source"]).name, []).append(item["warning"])
    assert set(warned) == set(WARNINGS)
    for name, message in WARNINGS.items():
        assert warned[name][0].startswith(message), (name, warned[name])


def test_the_good_files_are_indexed_and_nothing_is_empty(
    run: tuple[Path, dict[str, object], str],
) -> None:
    root, report, _ = run
    good = [name for name, message in EXPECTED.items() if not message]
    assert report["files"]["added"] == len(good)  # type: ignore[index]
    out = run_cli("search", "", "--format", "jsonl", cwd=root)
    records = [json.loads(line) for line in out.stdout.splitlines()]
    assert {Path(r["source"]).name for r in records} == set(good)
    for rec in records:
        assert rec["title"].strip() and (rec["body"].strip() or rec["title"]), rec["source"]
        assert not any("\ue000" <= ch <= "\uf8ff" for ch in rec["body"] + rec["title"])
        assert not any(ord(ch) < 32 and ch not in "\n\t" for ch in rec["body"])


def test_decoded_texts_are_found_by_their_words(run: tuple[Path, dict[str, object], str]) -> None:
    root, _, _ = run
    out = run_cli("search", "坏输入测试", "--json", "--limit", "50", cwd=root)
    sources = {h["id"].split("-")[0] for h in json.loads(out.stdout)["hits"]}
    assert {"gb18030", "utf8", "utf16", "pua", "control", "script"} <= sources


def test_script_in_a_document_is_escaped_on_the_page(
    run: tuple[Path, dict[str, object], str],
) -> None:
    root, _, _ = run
    from indexer.config import load_config
    from searchapp import create_app

    client = create_app(load_config(root / "config.toml")).test_client()
    page = client.get("/search?q=坏输入测试").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    hits = client.get("/api/search?q=alert").get_json()["hits"]
    doc = client.get(f"/doc/{hits[0]['id']}").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in doc and "<script>alert" not in doc
