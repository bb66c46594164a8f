"""Dates at month precision (YYYY-MM) are accepted wherever a record date is."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.errors import ExtractionError
from indexer.index.jsonl import load_jsonl
from searchapp.web import _atom_day


def _write(tmp_path: Path, date: str) -> Path:
    path = tmp_path / "a.jsonl"
    path.write_text(f'{{"id": "a1", "title": "关于某事的通知", "date": "{date}"}}\n', "utf-8")
    return path


def test_jsonl_keeps_a_month_date(tmp_path: Path) -> None:
    (rec,) = load_jsonl(_write(tmp_path, "2024-03"))
    assert rec.date == "2024-03" and rec.year == "2024"


@pytest.mark.parametrize("date", ["2024-13", "2024-3", "2024-02-30"])
def test_jsonl_refuses_an_impossible_month_or_day(tmp_path: Path, date: str) -> None:
    with pytest.raises(ExtractionError, match="date"):
        load_jsonl(_write(tmp_path, date))


def test_atom_gets_a_whole_day() -> None:
    assert _atom_day("2024-03") == "2024-03-01"
    assert _atom_day("2024-03-05") == "2024-03-05"
