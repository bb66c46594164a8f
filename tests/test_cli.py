"""The command line as operators use it: exit codes, one-line errors, JSON shapes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import run_cli, sample_records, write_config, write_jsonl


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
            'gazette: page: "zero" is not a positive whole number\n',
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
    assert out.returncode == 1
    assert out.stderr == f"gazette: no index at {tmp_path / 'index'}: run `gazette index` first\n"
    debug = run_cli("search", "x", "--debug", cwd=tmp_path)
    assert "Traceback" in debug.stderr and debug.returncode == 1


def test_index_and_config_options_anywhere(project: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "idx"
    out = run_cli("index", "src", "--index", str(elsewhere), "--json", cwd=project)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["documents"] == 6
    out = run_cli("--index", str(elsewhere), "search", "金巢魔码", "--json", cwd=project)
    assert [h["id"] for h in json.loads(out.stdout)["hits"]] == ["a3"]
