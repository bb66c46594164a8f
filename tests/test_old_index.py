"""An index written before the per-stage restructure (format 3, whose pickles name classes at
their old import paths) is refused with one line asking for a rebuild, and a rebuild over it
gives the answers the old code gave (see tests/data/old-index-format3/README.md)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from indexer.config import load_config
from indexer.errors import AnalysisMismatchError, StoreError
from indexer.index import store
from searchapp import create_app
from tests.helpers import ROOT, run_cli

FIXTURE = ROOT / "tests" / "data" / "old-index-format3"
QUERIES = ("法律顾问", "祁离高速")


@pytest.fixture()
def old_project(tmp_path: Path) -> Path:
    """The fixture laid out as `gazette index` leaves a project: a live link to a generation."""
    for name in ("config.toml", "dict", "gazettes"):
        source = FIXTURE / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name)
        else:
            shutil.copy(source, tmp_path / name)
    gen = tmp_path / ".index.gens" / f"gen-{1:020d}-1"
    shutil.copytree(FIXTURE / "generation", gen)
    (tmp_path / "index").symlink_to(gen.relative_to(tmp_path))
    return tmp_path


def _hits(answer: dict[str, Any]) -> tuple[int, list[tuple[str, str]]]:
    return answer["total"], [(h["id"], h["doc_number"]) for h in answer["hits"]]


def _refused_with_one_line(out: Any) -> str:
    assert out.returncode == 3, (out.stdout, out.stderr)
    assert "Traceback" not in out.stderr
    lines = out.stderr.splitlines()
    assert len(lines) == 1, out.stderr
    assert "--rebuild" in lines[0] and "format 3" in lines[0]
    return str(lines[0])


def test_search_and_update_refuse_it_with_one_line(old_project: Path) -> None:
    out = run_cli("search", "法律顾问", cwd=old_project)
    assert _refused_with_one_line(out) == (
        "gazette: index format 3 was written by an older version; run `gazette index --rebuild`"
    )
    assert out.stdout == ""
    _refused_with_one_line(run_cli("index", cwd=old_project))


def test_the_web_answers_503_not_500(old_project: Path) -> None:
    app = create_app(load_config(old_project / "config.toml"))
    client = app.test_client()
    health = client.get("/healthz")
    assert health.status_code == 503
    body = health.get_json()
    assert body["ok"] is False and "--rebuild" in body["error"]
    api = client.get("/api/search", query_string={"q": "法律顾问"})
    assert api.status_code == 503 and api.get_json()["ok"] is False
    page = client.get("/search", query_string={"q": "法律顾问"})
    assert page.status_code == 503 and "--rebuild" in page.get_data(as_text=True)


def test_the_format_is_checked_before_anything_is_unpickled(old_project: Path) -> None:
    layout = store.Layout(old_project / "index")
    with pytest.raises(AnalysisMismatchError, match="format 3 was written by an older"):
        store.open_live(layout)
    # Recorded as current, the old pickles are still refused with one line, not a traceback.
    meta = store.read_meta(layout.live.resolve())
    store.write_meta(layout.live.resolve(), {**meta, "format": store.FORMAT_VERSION})
    with pytest.raises(StoreError, match=r"ModuleNotFoundError.*run `gazette index --rebuild`"):
        store.open_live(layout)


def test_a_newer_format_is_refused_too() -> None:
    with pytest.raises(AnalysisMismatchError, match="written by a newer version"):
        store.check_format({"format": store.FORMAT_VERSION + 1})
    with pytest.raises(AnalysisMismatchError, match="format None"):
        store.check_format({})


def test_a_rebuild_over_it_gives_the_old_answers(old_project: Path) -> None:
    out = run_cli("index", "--rebuild", "--jobs", "1", cwd=old_project)
    assert out.returncode == 0, out.stderr
    assert json.loads((old_project / "index" / store.META_FILE).read_text())["format"] == (
        store.FORMAT_VERSION
    )
    for query in QUERIES:
        out = run_cli("search", query, "--json", cwd=old_project)
        assert out.returncode == 0, out.stderr
        expected = json.loads((FIXTURE / f"expected-{query}.json").read_text(encoding="utf-8"))
        assert _hits(json.loads(out.stdout)) == _hits(expected), query
