"""Shared helpers for tests: configs, small JSONL corpora, running the CLI in a subprocess, the
gate on ../shared/corpus and the sample data of ``tests/data`` that several modules use."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from indexer.config import Config

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "corpus"
SEED = SHARED / "seed" / "lishi-gazette-2024-1.txt"
LAWS_SAMPLE = SHARED / "laws-sample.jsonl"
DATA = ROOT / "tests" / "data"
# The search page's and API's URL parameters (README documents each; ``format`` picks an export).
SEARCH_PARAMS = ("q", "issuer", "doc_type", "year", "date_from", "date_to", "sort", "mode",
                 "scope", "page", "page_size", "format")  # fmt: skip


# In the one internal draft of tests/data/web-internal.jsonl: found on any public page, it leaked.
INTERNAL_MARKER = "内部测试标记QX7"
# A small city gazette issue (contents, three documents, a table, the colophon).
ISSUE = (DATA / "city-issue-2023-4.txt").read_text(encoding="utf-8")
# Queries no page or API answer may fail on: huge, malformed, control characters, attempts to
# reach internal documents through fields.
HOSTILE_QUERIES = [
    "法" * 10_000,
    "*",
    "?",
    "~",
    "法律~2",
    "法*",
    "?律",
    "visibility:internal",
    "visibility:internal 河道",
    "id:jia-int-99",
    "source:internal/drafts.jsonl",
    "body:" + INTERNAL_MARKER,
    '"unbalanced',
    'a "b',
    "(河道",
    "河道)",
    "[2024 TO 2025]",
    "{x}",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "%00",
    "\x00",
    "\x1b[31m红\x07",
    "'; DROP TABLE documents; --",
    "1 OR 1=1",
    "OR",
    "AND",
    "NOT",
    "-",
    "--",
    "- -",
    ":",
    "title:",
    "标题:",
    "\u202e反转",
    "\ufeff",
    "𠀀𠀁 emoji 😀",
    "/" * 500,
    "\\",
    "离政发〔2024〕" * 100,
]


def shared_corpus(path: Path = SHARED) -> Path:
    """``path`` (``../shared/corpus`` or something in it), or the end of the test when missing.

    The shared corpus lives beside the checkout, not in it. Without it a developer's run skips
    the tests that need it; in CI (``CI=true``) they fail instead, so that tests on the real
    documents cannot quietly stop running.
    """
    if path.exists():
        return path
    shown = f"../{path.relative_to(ROOT.parent)}" if path.is_relative_to(ROOT.parent) else path
    message = f"{shown} missing: CI needs it beside the checkout"
    if os.environ.get("CI") == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def write_config(
    folder: Path, sources: list[str], internal: list[str] | None = None, extra: str = ""
) -> Path:
    """A config.toml in ``folder`` with the given source folders and an index under it."""
    folder.mkdir(parents=True, exist_ok=True)
    text = (
        "[sources]\n"
        f"paths = {json.dumps(sources, ensure_ascii=False)}\n"
        f"internal_paths = {json.dumps(internal or [], ensure_ascii=False)}\n"
        '[index]\npath = "index"\n'
        '[analysis]\nuser_dict = ""\n' + extra
    )
    path = folder / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for rec in records:
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return path


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """The records of a JSONL file, as plain dicts (a fresh copy each call)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def sample_records() -> list[dict[str, Any]]:
    """Six small records with known 发文机关, 文种, years, 文号 and links between them."""
    return read_jsonl(DATA / "sample-records.jsonl")


def run_cli(
    *args: str,
    cwd: Path,
    env: dict[str, str] | None = None,
    timeout: float = 300,
    stdin: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run ``gazette ARGS`` as operators do, in a subprocess."""
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    full_env.pop("GAZETTE_CONFIG", None)
    full_env.pop("GAZETTE_INDEX", None)
    return subprocess.run(
        [sys.executable, "-m", "searchapp", *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
        input=stdin,
    )


def popen_cli(*args: str, cwd: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "searchapp", *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def postings(reader: Any, fieldname: str, btext: bytes) -> list[tuple[int, float]]:
    m = reader.postings(fieldname, btext)
    out = []
    while m.is_active():
        out.append((m.id(), float(m.weight())))
        m.next()
    return out


def assert_same_index(ours: Any, theirs: Any) -> None:
    """Same documents (stored fields, lengths, columns) and same postings and statistics."""
    schema = theirs.schema
    with ours.reader() as a, theirs.reader() as b:
        assert a.doc_count_all() == b.doc_count_all() > 0
        assert [a.stored_fields(d) for d in range(a.doc_count_all())] == [
            b.stored_fields(d) for d in range(b.doc_count_all())
        ]
        for name in schema.scorable_names():
            assert a.field_length(name) == b.field_length(name), name
            assert [a.doc_field_length(d, name) for d in range(a.doc_count_all())] == [
                b.doc_field_length(d, name) for d in range(b.doc_count_all())
            ], name
        for name, field in schema.items():
            if field.column_type:
                assert list(a.column_reader(name)) == list(b.column_reader(name)), name
        terms = list(b.all_terms())
        assert terms == list(a.all_terms())
        for fieldname, btext in terms:
            ta, tb = a.term_info(fieldname, btext), b.term_info(fieldname, btext)
            assert (ta.doc_frequency(), ta.weight(), ta.max_weight()) == (
                tb.doc_frequency(),
                tb.weight(),
                tb.max_weight(),
            ), (fieldname, btext)
            assert (ta.min_length(), ta.max_length()) == (tb.min_length(), tb.max_length())
            assert postings(a, fieldname, btext) == postings(b, fieldname, btext)


def ram_storage() -> Any:
    """A Whoosh RamStorage whose writers keep their temporary files apart.

    Whoosh puts every RamStorage writer's temporary files in one folder, ``/tmp/MAIN.tmp``, and
    a writer deletes it when it finishes, so writers in two test processes break each other.
    """
    from whoosh.filedb.filestore import RamStorage

    class PrivateTempRamStorage(RamStorage):  # type: ignore[misc]
        def temp_storage(self, name: str | None = None) -> Any:
            return super().temp_storage(None)  # None: a random folder name

    return PrivateTempRamStorage()


def two_source_project(folder: Path) -> Path:
    """A project folder with a config and two JSONL sources of the sample records (3 + 3)."""
    records = sample_records()
    write_jsonl(folder / "src" / "one.jsonl", records[:3])
    write_jsonl(folder / "src" / "two.jsonl", records[3:])
    write_config(folder, ["src"])
    return folder


def require_java() -> None:
    """Skip the test without Java (OpenSearch needs it), except under CI, which has it."""
    from indexer.index.opensearch.node import java_home

    if java_home() is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Java is missing, and CI must run the OpenSearch tests")
        pytest.skip("Java is not installed: the OpenSearch tests need a real node")


def opensearch_config(url: str, tmp: Path, sources: Path, alias: str, extra: str = "") -> Config:
    """A project config in ``tmp`` indexing ``sources`` into the OpenSearch alias ``alias`` at
    ``url`` (with the shipped user dictionary, and no corrections file)."""
    from dataclasses import replace

    from indexer.config import parse_config

    config = parse_config(
        f'[sources]\npaths = ["{sources}"]\n[index]\npath = "{tmp / "index"}"\n'
        f'[analysis]\nuser_dict = "{ROOT / "data" / "dict" / "gazette.dict"}"\n'
        f'[backend]\nkind = "opensearch"\nurl = "{url}"\nindex = "{alias}"\n' + extra,
        tmp,
    )
    return replace(config, sources=replace(config.sources, corrections=tmp / "none.toml"))
