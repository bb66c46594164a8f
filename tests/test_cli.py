"""The command line as operators use it: exit codes, one-line errors, JSON shapes."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from indexer.lock import WriterLock
from tests.helpers import ROOT, run_cli, sample_records, write_config, write_jsonl


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("cli")
    write_jsonl(root / "src" / "docs.jsonl", sample_records())
    write_config(root, ["src"])
    out = run_cli("index", "--json", cwd=root)
    assert out.returncode == 0, out.stderr
    summary = json.loads(out.stdout)
    assert summary["files"]["added"] == 1 and summary["documents"] == 6
    return root


def test_search_json_has_the_design_shape(project: Path) -> None:
    out = run_cli("search", "法律顾问", "--json", cwd=project)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert set(data) >= {"ok", "query", "total", "page", "page_size", "hits", "facets", "warnings"}
    assert data["ok"] is True and data["query"] == "法律顾问" and data["total"] == 2
    assert {h["doc_number"] for h in data["hits"]} == {"离政发〔2024〕8号", "离政发〔2022〕15号"}
    scores = [h["score"] for h in data["hits"]]
    assert scores == sorted(scores, reverse=True) and scores[-1] > 0
    hit = data["hits"][0]
    assert set(hit) >= {
        "id",
        "title",
        "doc_number",
        "issuer",
        "doc_type",
        "date",
        "gazette",
        "page",
        "score",
        "snippet",
    }
    assert "<mark>" in hit["snippet"]
    assert data["facets"]["issuer"] == [
        {"value": "吕梁市离石区人民政府", "count": 2, "selected": False}
    ]
    assert data["facets"]["year"] == [
        {"value": "2024", "count": 1, "selected": False},
        {"value": "2022", "count": 1, "selected": False},
    ]


def test_filters_and_browse(project: Path) -> None:
    out = run_cli("search", "", "--type", "通知", "--year", "2024", "--json", cwd=project)
    data = json.loads(out.stdout)
    assert [h["id"] for h in data["hits"]] == ["a1", "a4"]  # newest first
    out = run_cli(
        "search",
        "--issuer",
        "吕梁市离石区人民政府办公室",
        "--from",
        "2024-01-01",
        "--json",
        cwd=project,
    )
    assert [h["id"] for h in json.loads(out.stdout)["hits"]] == ["a4"]
    out = run_cli(
        "search", "", "--sort", "date", "--limit", "2", "--page", "2", "--json", cwd=project
    )
    data = json.loads(out.stdout)
    assert (data["total"], data["page"], data["pages"]) == (6, 2, 3)
    assert [h["id"] for h in data["hits"]] == ["a4", "a5"]


def test_exports_are_whole_lists(project: Path) -> None:
    out = run_cli("search", "", "--format", "csv", "--limit", "1", cwd=project)
    assert out.returncode == 0
    lines = out.stdout.splitlines()
    assert lines[0].startswith("\ufeffid,title,doc_number") and len(lines) == 7
    out = run_cli("search", "通知", "--format", "jsonl", cwd=project)
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert {r["doc_type"] for r in rows} == {"通知"} and all("body" in r for r in rows)


def test_show_by_id_and_by_doc_number_variant(project: Path) -> None:
    by_id = run_cli("show", "a2", "--json", cwd=project)
    data = json.loads(by_id.stdout)
    assert data["doc_number"] == "离政发〔2022〕15号"
    assert data["repealed"] is True
    assert data["repealed_by_links"][0]["id"] == "a1"
    assert data["repealed_by_links"][0]["sentence"] == "原《办法》（离政发〔2022〕15号）同时废止。"
    by_number = run_cli("show", "离政发(2022)15号", cwd=project)
    assert by_number.returncode == 0 and by_number.stdout.startswith(
        "吕梁市离石区人民政府法律顾问管理办法"
    )
    assert "已废止: 离政发〔2024〕8号" in by_number.stdout


def test_stats(project: Path) -> None:
    data = json.loads(run_cli("stats", "--json", cwd=project).stdout)
    assert data["documents"] == 6 and data["sources"] == 1
    assert dict(data["doc_type"]) == {"通知": 4, "批复": 1, "函": 1}
    text = run_cli("stats", cwd=project).stdout
    assert "documents:  6 (0 internal) from 1 source files" in text


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (
            ["search", "x", "--from", "2024-13-01"],
            2,
            'gazette: --from: "2024-13-01" is not a date (YYYY-MM-DD)\n',
        ),
        (
            ["search", "x", "--page", "zero"],
            2,
            'gazette: --page: "zero" is not a positive whole number\n',
        ),
        (
            ["search", "x", "--page", "²"],
            2,
            'gazette: --page: "²" is not a positive whole number\n',
        ),
        (
            ["search", "x", "--limit", "٣"],
            2,
            'gazette: --limit: "٣" is not a positive whole number\n',
        ),
        (["search", "x", "--limit", "0"], 2, "gazette: --limit: must be at least 1\n"),
        (
            ["search", "x", "--year", "２０２４"],
            2,
            'gazette: --year: "２０２４" is not a year (YYYY)\n',
        ),
        (["index", "--jobs", "1_0"], 2, 'gazette: --jobs: "1_0" is not a positive whole number\n'),
        (["index", "--jobs", "65"], 2, "gazette: --jobs: must be at most 64\n"),
        (
            ["serve", "--port", "８０"],
            2,
            'gazette: --port: "８０" is not a positive whole number\n',
        ),
        (["show", "no-such-doc"], 1, "gazette: no document 'no-such-doc'\n"),
        (["inspect", "missing.pdf"], 1, "gazette: missing.pdf: no such file\n"),
        (["index", "nowhere"], 1, "failed: nowhere: no such file or folder\n"),
        (["--config", "nope.toml", "stats"], 2, "gazette: nope.toml: config file not found\n"),
    ],
)
def test_errors_are_one_line_with_exit_codes(
    project: Path, args: list[str], code: int, message: str
) -> None:
    out = run_cli(*args, cwd=project)
    assert out.returncode == code
    assert out.stderr == message


def test_missing_index_says_what_to_do(tmp_path: Path) -> None:
    write_config(tmp_path, ["src"])
    out = run_cli("search", "x", cwd=tmp_path)
    assert out.returncode == 3
    assert out.stderr == f"gazette: no index at {tmp_path / 'index'}: run `gazette index` first\n"
    debug = run_cli("search", "x", "--debug", cwd=tmp_path)
    assert "Traceback" in debug.stderr and debug.returncode == 3


def test_index_and_config_options_anywhere(project: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "idx"
    out = run_cli("index", "src", "--index", str(elsewhere), "--json", cwd=project)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["documents"] == 6
    out = run_cli("--index", str(elsewhere), "search", "金巢魔码", "--json", cwd=project)
    assert [h["id"] for h in json.loads(out.stdout)["hits"]] == ["a3"]


# -- exit codes and `index --json` failures ----------------------------------------------------


@pytest.fixture()
def copy(project: Path, tmp_path: Path) -> Path:
    """The indexed project, copied (its live link is relative), for a test that spoils it."""
    root = tmp_path / "copy"
    shutil.copytree(project, root, symlinks=True)
    assert (root / "index").resolve().is_relative_to(root)
    return root


def _json_failure(out: subprocess.CompletedProcess[str], code: int) -> str:
    """The failure of `index --json`: that exit code, one line on stderr, the same on stdout."""
    assert out.returncode == code, (out.stdout, out.stderr)
    assert len(out.stderr.splitlines()) == 1 and "Traceback" not in out.stderr
    failure = json.loads(out.stdout)
    assert failure == {"ok": False, "error": failure["error"], "exit_code": code}
    assert out.stderr == f"gazette: {failure['error']}\n"
    return str(failure["error"])


def test_a_changed_user_dictionary_exits_3(copy: Path) -> None:
    (copy / "words.txt").write_text("金巢魔码\n", encoding="utf-8")
    config = (copy / "config.toml").read_text(encoding="utf-8")
    (copy / "config.toml").write_text(
        config.replace('user_dict = ""', 'user_dict = "words.txt"'), encoding="utf-8"
    )
    out = run_cli("index", cwd=copy)
    assert out.returncode == 3 and out.stdout == ""
    assert out.stderr.endswith("run `gazette index --rebuild`\n") and out.stderr.count("\n") == 1
    error = _json_failure(run_cli("index", "--json", cwd=copy), 3)
    assert "user dictionary" in error
    assert run_cli("index", "--rebuild", cwd=copy).returncode == 0
    assert run_cli("index", cwd=copy).returncode == 0


def test_another_index_format_exits_3_with_json(copy: Path) -> None:
    meta_file = copy / "index" / "gazette.json"
    meta = json.loads(meta_file.read_text(encoding="utf-8"))
    meta_file.write_text(json.dumps(dict(meta, format=3)), encoding="utf-8")
    error = _json_failure(run_cli("index", "--json", cwd=copy), 3)
    assert error == "index format 3 was written by an older version; run `gazette index --rebuild`"


def test_a_held_lock_exits_1_with_json(copy: Path) -> None:
    with WriterLock(copy / ".index.lock"):
        error = _json_failure(run_cli("index", "--json", cwd=copy), 1)
        plain = run_cli("index", cwd=copy)
    assert error.startswith("another reindex is running (")
    assert plain.returncode == 1 and plain.stdout == ""
    assert plain.stderr == f"gazette: {error}\n"


def test_a_config_error_exits_2_with_json(copy: Path) -> None:
    error = _json_failure(run_cli("--config", "nope.toml", "index", "--json", cwd=copy), 2)
    assert error == "nope.toml: config file not found"
    (copy / "config.toml").write_text("[index]\npath = 3\n", encoding="utf-8")
    _json_failure(run_cli("index", "--json", cwd=copy), 2)


@pytest.mark.parametrize(
    ("first", "second", "calls", "code"),
    [
        (0, None, ["index", "serve --workers 1"], 0),
        (1, None, ["index", "serve --workers 1"], 0),  # a file failed or the lock was held
        (3, 0, ["index", "index --rebuild", "serve --workers 1"], 0),
        (3, 1, ["index", "index --rebuild", "serve --workers 1"], 0),
        (3, 2, ["index", "index --rebuild"], 2),
        (2, None, ["index"], 2),
        (130, None, ["index"], 130),
    ],
)
def test_make_run_rebuilds_only_on_exit_3(
    tmp_path: Path, first: int, second: int | None, calls: list[str], code: int
) -> None:
    """`make run` over a stand-in `gazette` that exits as told and logs its arguments."""
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    log = tmp_path / "calls.log"
    stub = venv / "bin" / "gazette"
    stub.write_text(
        "#!/bin/sh\n"
        f'echo "$*" >> {log}\n'
        f'case "$*" in index) exit {first};; "index --rebuild") exit {second or 0};; esac\n',
        encoding="utf-8",
    )
    stub.chmod(0o755)
    for name in ("bin/python", ".installed"):  # up to date: nothing to install
        (venv / name).touch()
    out = subprocess.run(
        ["make", "-s", "-C", str(ROOT), "run", f"VENV={venv}", "WORKERS=1"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert log.read_text(encoding="utf-8").splitlines() == calls, out.stderr
    assert (out.returncode == 0) == (code == 0), out.stderr


def test_commands_the_opensearch_backend_does_not_serve_yet_say_so(tmp_path: Path) -> None:
    write_config(tmp_path, [])
    result = run_cli("correct", "x", "title=y", "--backend", "opensearch", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().endswith("`stats` and `serve`)")
    assert "whoosh backend only" in result.stderr and "Traceback" not in result.stderr


def test_stats_without_a_reachable_node_is_one_line(tmp_path: Path) -> None:
    write_config(tmp_path, [], extra='[backend]\nurl = "http://127.0.0.1:9"\n')
    result = run_cli("stats", "--backend", "opensearch", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert result.stderr.startswith("gazette: http://127.0.0.1:9: cannot reach OpenSearch")
    assert len(result.stderr.splitlines()) == 1 and result.stdout == ""


def test_show_on_an_unreachable_opensearch_says_so_in_one_line(tmp_path: Path) -> None:
    # A port nobody listens on: the backend is configured but not running.
    write_config(tmp_path, [], extra='[backend]\nurl = "http://127.0.0.1:9"\n')
    result = run_cli("show", "x", "--backend", "opensearch", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert "cannot reach OpenSearch" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
