"""Shared helpers for tests: configs, small JSONL corpora, running the CLI in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "corpus"
SEED = SHARED / "seed" / "lishi-gazette-2024-1.txt"
LAWS_SAMPLE = SHARED / "laws-sample.jsonl"
# The search page's and API's URL parameters (README documents each; ``format`` picks an export).
SEARCH_PARAMS = ("q", "issuer", "doc_type", "year", "date_from", "date_to", "sort", "mode",
                 "scope", "page", "page_size", "format")  # fmt: skip


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


def sample_records() -> list[dict[str, Any]]:
    """Six small records with known 发文机关, 文种, years, 文号 and links between them."""
    return [
        {
            "id": "a1",
            "title": "吕梁市离石区人民政府关于推行政府法律顾问制度的通知",
            "doc_number": "离政发〔2024〕8号",
            "issuer": "吕梁市离石区人民政府",
            "doc_type": "通知",
            "date": "2024-02-02",
            "body": "为推行政府法律顾问制度，现就有关事项通知如下。"
            "原《办法》（离政发〔2022〕15号）同时废止。",
            "repeals": ["离政发〔2022〕15号"],
            "cites": ["离政发〔2022〕15号"],
        },
        {
            "id": "a2",
            "title": "吕梁市离石区人民政府法律顾问管理办法",
            "doc_number": "离政发〔2022〕15号",
            "issuer": "吕梁市离石区人民政府",
            "doc_type": "通知",
            "date": "2022-05-10",
            "body": "法律顾问的聘任、考核与管理。",
        },
        {
            "id": "a3",
            "title": "关于金巢魔码小区重大火灾隐患单位摘牌销案的批复",
            "doc_number": "离政函〔2024〕6号",
            "issuer": "吕梁市离石区人民政府",
            "doc_type": "批复",
            "date": "2024-03-01",
            "body": "同意金巢魔码小区重大火灾隐患单位摘牌销案。",
        },
        {
            "id": "a4",
            "title": "关于调整祁离高速公路建设协调领导组组成人员的通知",
            "doc_number": "离政办函〔2024〕1号",
            "issuer": "吕梁市离石区人民政府办公室",
            "doc_type": "通知",
            "date": "2024-01-15",
            "body": "祁离高速公路建设协调领导组组成人员调整如下。",
        },
        {
            "id": "a5",
            "title": "关于成立消防安全管理中心的通知",
            "doc_number": "离政办函〔2024〕12号",
            "issuer": "吕梁市离石区人民政府办公室",
            "doc_type": "通知",
            "date": "2023-12-20",
            "body": "成立消防安全管理中心。",
        },
        {
            "id": "a6",
            "title": "关于申请调整国家级公益林落界的函",
            "doc_number": "离政函〔2023〕5号",
            "issuer": "吕梁市离石区人民政府",
            "doc_type": "函",
            "date": "2023-06-30",
            "body": "申请调整国家级公益林落界。",
        },
    ]


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
