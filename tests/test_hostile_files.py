"""Hostile source files (issue 16, items 3, 9 and 10): never a traceback, never a silent skip.

A name with bytes that are not UTF-8 or with a newline, a JSONL string with a lone surrogate, an
impossible date or page, a broken link, a FIFO, a socket, a PDF page that cannot be read and a
record of millions of characters: each is indexed or reported on one line naming the file, and
the other files of the run are still indexed.
"""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from indexer.errors import ExtractionError
from indexer.index import sources
from indexer.index.jsonl import load_jsonl
from indexer.index.sources import iter_source_files, load_records
from indexer.names import display_name
from indexer.records import Record
from tests.data.bad.make_bad import pdf_with_unreadable_page
from tests.helpers import run_cli, write_config

GOOD = {"id": "good-1", "title": "吕梁市离石区人民政府关于好文件的通知", "body": "好文件正文。"}
BAD_NAME = b"src/bad\xff\xfe.jsonl"


def _line(obj: Mapping[str, object]) -> str:
    return json.dumps(obj, ensure_ascii=False) + "\n"


# -- names ------------------------------------------------------------------------------------
def test_display_name_escapes_bytes_and_controls_and_keeps_chinese() -> None:
    assert display_name(os.fsdecode(b"bad\xff\xfe.jsonl")) == "bad\\xff\\xfe.jsonl"
    assert display_name(b"bad\xff.txt") == "bad\\xff.txt"
    assert display_name("公报\n第1期\t.txt") == "公报\\n第1期\\t.txt"
    assert display_name("a\x1b[31m\u202eb\u2028") == "a\\x1b[31m\\u202eb\\u2028"
    assert display_name("2024年第1期　公报.pdf") == "2024年第1期　公报.pdf"
    assert display_name("\ud800坏") == "\\ud800坏"
    hostile = os.fsdecode(b"x\xff\n\x00\x7f\xc2\x85.txt")
    shown = display_name(hostile)
    assert shown.isprintable() and display_name(shown) == shown
    shown.encode("utf-8")


def test_extraction_errors_are_one_printable_line() -> None:
    exc = ExtractionError(os.fsdecode(b"\xff\n.txt"), "bad\nreason")
    assert str(exc) == "\\xff\\n.txt: bad\\nreason"
    assert exc.path == "\\xff\\n.txt"


# -- JSONL values -----------------------------------------------------------------------------
def _jsonl(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "export.jsonl"
    path.write_text("".join(lines), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"date": "2024-13-45"},
            'line 2: date: "2024-13-45" is not a date (YYYY-MM-DD or YYYY-MM)',
        ),
        ({"date": "2023-02-29"}, 'line 2: date: "2023-02-29" is not a date'),
        ({"date": "2024-13"}, 'line 2: date: "2024-13" is not a date'),
        ({"gazette_date": "2024/01/05"}, 'line 2: gazette_date: "2024/01/05" is not a date'),
        ({"pdf_page": "abc"}, 'line 2: pdf_page: "abc" is not a page number'),
        ({"page": "²"}, 'line 2: page: "²" is not a page number'),
        ({"page": 0}, "line 2: page: 0 is not a page number"),
        ({"page": -3}, "line 2: page: -3 is not a page number"),
        ({"page": "9" * 5000}, "line 2: page: "),
        ({"page": True}, "line 2: page: expected a whole number"),
        ({"visibility": "secret"}, 'line 2: visibility: "secret" is not one of public, internal'),
        ({"title": "\ud800坏"}, "line 2: invalid Unicode (lone surrogate) in title"),
        ({"cites": ["\udfff"]}, "line 2: invalid Unicode (lone surrogate) in cites"),
    ],
)
def test_a_bad_value_is_an_error_naming_its_line_and_field(
    tmp_path: Path, fields: dict[str, object], message: str
) -> None:
    bad = json.dumps({**GOOD, "id": "bad-1", **fields})  # ASCII: lone surrogates as \ud800
    path = _jsonl(tmp_path, _line(GOOD), bad + "\n")
    with pytest.raises(ExtractionError) as strict:
        load_jsonl(path)
    assert strict.value.reason.startswith(message)
    warnings: list[str] = []
    records = load_jsonl(path, warnings)
    assert [r.id for r in records] == ["good-1"]
    assert len(warnings) == 1 and warnings[0].startswith(message)


def test_good_values_are_kept(tmp_path: Path) -> None:
    fields = {"date": "2024-02-29", "gazette_date": "", "page": "12", "pdf_page": 3}
    path = _jsonl(tmp_path, _line({**GOOD, **fields, "visibility": "internal"}))
    (rec,) = load_jsonl(path, [])
    assert (rec.date, rec.page, rec.pdf_page, rec.visibility) == ("2024-02-29", 12, 3, "internal")


def test_a_file_without_a_good_line_fails_with_its_first_reason(tmp_path: Path) -> None:
    path = _jsonl(tmp_path, '{"title": 1}\n', "not json\n", _line({**GOOD, "date": "x"}))
    with pytest.raises(ExtractionError) as exc:
        load_jsonl(path, [])
    assert exc.value.reason == "line 1: title: expected a string (2 more bad lines)"


def test_bad_lines_are_reported_up_to_a_limit(tmp_path: Path) -> None:
    lines = [_line(GOOD)] + ['{"title": 1}\n'] * 30
    warnings: list[str] = []
    assert len(load_jsonl(_jsonl(tmp_path, *lines), warnings)) == 1
    assert len(warnings) == 21 and warnings[-1] == "10 more bad lines not shown"


def test_record_from_dict_refuses_a_page_it_cannot_read() -> None:
    assert Record.from_dict({"title": "t", "page": "12", "pdf_page": ""}).page == 12
    with pytest.raises(ValueError, match='pdf_page: "abc" is not a whole number'):
        Record.from_dict({"title": "t", "pdf_page": "abc"})
    with pytest.raises(ValueError, match="page"):
        Record.from_dict({"title": "t", "page": "²"})


# -- special files ------------------------------------------------------------------------------
@pytest.fixture
def odd_folder(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "src"
    folder.mkdir()
    (folder / "good.jsonl").write_text(_line(GOOD), encoding="utf-8")
    (folder / "gone.pdf").symlink_to(folder / "nowhere.pdf")
    (folder / "loop.txt").symlink_to(folder / "loop.txt")
    os.mkfifo(folder / "pipe.jsonl")
    (folder / "notes.md").symlink_to(folder / "nowhere.md")  # not a source type: quiet
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(folder / "sock.txt"))
    try:
        yield folder
    finally:
        sock.close()


def test_broken_links_and_special_files_are_reported(odd_folder: Path) -> None:
    found = list(iter_source_files([odd_folder], odd_folder.parent))
    errors = {Path(e.path).name: e.reason for e in found if isinstance(e, ExtractionError)}
    files = [f.key for f in found if not isinstance(f, ExtractionError)]
    assert files == ["src/good.jsonl"]
    assert errors["gone.pdf"].startswith("broken link (to ")
    assert errors["loop.txt"].startswith("broken link")
    assert errors["pipe.jsonl"] == "not a regular file (a FIFO)"
    assert errors["sock.txt"] == "not a regular file (a socket)"
    assert set(errors) == {"gone.pdf", "loop.txt", "pipe.jsonl", "sock.txt"}


def test_a_fifo_given_by_name_is_reported_not_opened(odd_folder: Path) -> None:
    (error,) = iter_source_files([odd_folder / "pipe.jsonl"], odd_folder.parent)
    assert isinstance(error, ExtractionError) and error.reason == "not a regular file (a FIFO)"


def test_a_name_that_escapes_to_another_files_name_is_reported(tmp_path: Path) -> None:
    (tmp_path / os.fsdecode(b"bad\xff.jsonl")).write_text(_line(GOOD), encoding="utf-8")
    (tmp_path / "bad\\xff.jsonl").write_text(_line(GOOD), encoding="utf-8")  # a real backslash
    first, second = iter_source_files([tmp_path], tmp_path)
    assert not isinstance(first, ExtractionError) and first.key == "bad\\xff.jsonl"
    assert isinstance(second, ExtractionError)
    assert second.reason == "same escaped name as bad\\xff.jsonl"


def test_an_unreadable_folder_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "closed").mkdir()
    (tmp_path / "closed" / "a.txt").write_text("通知", encoding="utf-8")
    scandir = os.scandir

    def denied(path: Any) -> Any:  # what a folder of mode 000 does to anyone but root
        if Path(path).name == "closed":
            raise PermissionError(13, "Permission denied", str(path))
        return scandir(path)

    monkeypatch.setattr(os, "scandir", denied)
    (error,) = iter_source_files([tmp_path], tmp_path)
    assert isinstance(error, ExtractionError)
    assert (error.path, error.reason) == ("closed", "cannot read folder: Permission denied")


# -- PDF pages --------------------------------------------------------------------------------
def test_an_unreadable_page_is_a_warning_with_its_number(tmp_path: Path) -> None:
    path = tmp_path / "issue.pdf"
    path.write_bytes(pdf_with_unreadable_page(1))
    warnings: list[str] = []
    records = load_records(path, "issue.pdf", warnings=warnings)
    assert records and warnings == ["page 2: unreadable (Unsupported filter: /'Nope')"]


def test_a_pdf_whose_every_page_fails_is_not_called_a_scan(tmp_path: Path) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(pdf_with_unreadable_page(0))
    with pytest.raises(ExtractionError) as exc:
        load_records(path, "broken.pdf", warnings=[])
    assert exc.value.reason.startswith("no page could be read (page 1: unreadable (Unsupported")
    assert "scanned" not in exc.value.reason


# -- size -------------------------------------------------------------------------------------
def test_a_huge_jsonl_body_is_cut_with_a_warning(tmp_path: Path) -> None:
    body = "法" * (sources.MAX_BODY_CHARS + 10)
    path = _jsonl(tmp_path, _line({**GOOD, "body": body}))
    warnings: list[str] = []
    (rec,) = load_records(path, "export.jsonl", warnings=warnings)
    assert len(rec.body) == sources.MAX_BODY_CHARS
    limit = f"{sources.MAX_BODY_CHARS:,}"
    assert warnings == [
        f"record {rec.id}: body of {len(body):,} characters cut to {limit} (the limit)"
    ]


def test_text_and_pdf_records_are_cut_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sources, "MAX_BODY_CHARS", 40)
    text = tmp_path / "notice.txt"
    paragraphs = "\n\n".join(f"现将有关事项通知如下，请认真贯彻执行第{n}条。" for n in range(20))
    text.write_text(f"某县人民政府关于检查的通知\n\n{paragraphs}\n", encoding="utf-8")
    pdf = tmp_path / "issue.pdf"
    pdf.write_bytes(pdf_with_unreadable_page(1))
    for path in (text, pdf):
        warnings: list[str] = []
        records = load_records(path, path.name, warnings=warnings)
        assert all(len(r.body) <= 40 for r in records)
        assert any("characters cut to 40" in w for w in warnings), (path, warnings)


def test_lone_surrogates_from_extraction_are_replaced_with_a_warning() -> None:
    rec = Record(id="x-1", title="标题\ud800", body="正文", cites=["\udfff"])
    notes = sources.bound_records([rec])
    assert (rec.title, rec.cites) == ("标题\ufffd", ["\ufffd"])
    assert notes == [
        "record x-1: invalid Unicode (lone surrogate) in title, replaced",
        "record x-1: invalid Unicode (lone surrogate) in cites, replaced",
    ]


# -- one run over all of it ---------------------------------------------------------------------
@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    src = root / "src"
    src.mkdir()
    (src / "good.jsonl").write_text(_line(GOOD), encoding="utf-8")
    with open(root / os.fsdecode(BAD_NAME), "w", encoding="utf-8") as fh:
        fh.write(_line({**GOOD, "id": "bytes-1", "title": "名字不是UTF-8的文件"}))
    surrogate = json.dumps({**GOOD, "id": "sur-1", "title": "\ud800坏"})
    (src / "surrogate.jsonl").write_text(
        surrogate + "\n" + _line({**GOOD, "id": "sur-2"}), encoding="utf-8"
    )
    (src / "公报\n第1期.txt").write_bytes(b"")
    (src / "line\nbreak.jsonl").write_text(
        _line({**GOOD, "id": "nl-1"}) + _line({**GOOD, "date": "2024-13-45"}), encoding="utf-8"
    )
    (src / "gone.pdf").symlink_to(src / "nowhere.pdf")
    os.mkfifo(src / "pipe.txt")
    (src / "huge.jsonl").write_text(
        _line({**GOOD, "id": "huge-1", "body": "大" * (sources.MAX_BODY_CHARS * 3)}),
        encoding="utf-8",
    )
    write_config(root, ["src"])
    return root


@pytest.fixture(scope="module")
def first_build(project: Path) -> tuple[dict[str, object], str, int]:
    out = run_cli("index", "--json", cwd=project, timeout=300)
    assert "Traceback" not in out.stderr, out.stderr
    return json.loads(out.stdout), out.stderr, out.returncode


def test_a_first_build_indexes_every_good_file_and_exits_1(
    project: Path, first_build: tuple[dict[str, object], str, int]
) -> None:
    report, _, code = first_build
    assert code == 1 and report["ok"] is False
    assert report["files"] == {
        "added": 5, "changed": 0, "unchanged": 0, "removed": 0, "failed": 3,
    }  # fmt: skip
    out = run_cli("search", "", "--format", "jsonl", cwd=project)
    records = {r["id"]: r for r in map(json.loads, out.stdout.splitlines())}
    assert set(records) == {"good-1", "bytes-1", "sur-2", "nl-1", "huge-1"}
    assert records["bytes-1"]["source"] == "src/bad\\xff\\xfe.jsonl"
    assert records["nl-1"]["source"] == "src/line\\nbreak.jsonl"
    assert len(records["huge-1"]["body"]) == sources.MAX_BODY_CHARS


def test_each_problem_is_one_line_naming_its_file(
    first_build: tuple[dict[str, object], str, int],
) -> None:
    report, _, _ = first_build
    failed = {f["source"]: f["error"] for f in report["failed"]}  # type: ignore[attr-defined]
    assert failed == {
        "src/公报\\n第1期.txt": "empty file (0 bytes)",
        "src/gone.pdf": failed["src/gone.pdf"],
        "src/pipe.txt": "not a regular file (a FIFO)",
    }
    assert failed["src/gone.pdf"].startswith("broken link (to ")
    warned = {(w["source"], w["warning"]) for w in report["warnings"]}  # type: ignore[attr-defined]
    assert warned == {
        ("src/surrogate.jsonl", "line 1: invalid Unicode (lone surrogate) in title"),
        (
            "src/line\\nbreak.jsonl",
            'line 2: date: "2024-13-45" is not a date (YYYY-MM-DD or YYYY-MM)',
        ),
        (
            "src/huge.jsonl",
            f"record huge-1: body of {sources.MAX_BODY_CHARS * 3:,} characters cut to "
            f"{sources.MAX_BODY_CHARS:,} (the limit)",
        ),
    }


def test_the_plain_report_has_one_line_per_problem(project: Path) -> None:
    out = run_cli("index", "--rebuild", cwd=project, timeout=300)
    assert out.returncode == 1 and "Traceback" not in out.stderr
    lines = out.stderr.splitlines()
    assert "failed: src/公报\\n第1期.txt: empty file (0 bytes)" in lines
    assert "failed: src/pipe.txt: not a regular file (a FIFO)" in lines
    assert "warning: src/surrogate.jsonl: line 1: invalid Unicode (lone surrogate) in title" in (
        lines
    )
    assert len([ln for ln in lines if ln.startswith(("failed: ", "warning: "))]) == 6
    assert all(ln.startswith(("failed: ", "warning: ", "rebuilt: ", "note: ")) for ln in lines)
    assert "5 unchanged, 0 removed, 3 failed" in run_cli("index", cwd=project).stdout


def test_inspect_shows_the_warnings(project: Path) -> None:
    out = run_cli("inspect", "src/surrogate.jsonl", cwd=project)
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert out.stderr.splitlines() == [
        "warning: src/surrogate.jsonl: line 1: invalid Unicode (lone surrogate) in title"
    ]
    assert "1 documents in src/surrogate.jsonl" in out.stdout
    fifo = run_cli("inspect", "src/pipe.txt", cwd=project, timeout=60)
    assert fifo.returncode == 1
    assert fifo.stderr == "gazette: src/pipe.txt: not a regular file (a FIFO)\n"


def test_an_update_adds_a_badly_named_file_beside_the_others(project: Path) -> None:
    # Tests of this module may run in other processes: bring the index up to date first.
    before = json.loads(run_cli("index", "--json", cwd=project).stdout)["documents"]
    with open(project / os.fsdecode(b"src/\xe6\x96\xb0\xff.jsonl"), "w", encoding="utf-8") as fh:
        fh.write(_line({**GOOD, "id": "new-1", "title": "更新时加入的文件"}))
    out = run_cli("index", "--json", cwd=project)
    assert "Traceback" not in out.stderr, out.stderr
    report = json.loads(out.stdout)
    assert report["files"]["added"] == 1 and report["documents"] == before + 1
    shown = run_cli("show", "new-1", "--json", cwd=project)
    assert json.loads(shown.stdout)["source"] == "src/新\\xff.jsonl"
