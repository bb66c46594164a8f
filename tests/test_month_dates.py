"""Dates at month precision (YYYY-MM) are accepted wherever a record date is."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.errors import ExtractionError
from indexer.index.jsonl import load_jsonl
from searchapp.engine import Columns
from searchapp.request import SearchRequest
from searchapp.search import _date_filter
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


@pytest.mark.parametrize(
    ("lo", "hi", "expected"),
    [
        ("2024-03-15", "", {0, 1, 3}),  # the month of 2024-03 has days on or after the 15th
        ("2024-04-01", "", {3}),
        ("", "2024-03-15", {0, 2}),  # 2024-03 starts before the 15th
        ("", "2024-02-28", {2}),
        ("2024-03-01", "2024-03-31", {0, 1}),
    ],
)
def test_date_filter_reads_a_month_as_any_of_its_days(lo: str, hi: str, expected: set[int]) -> None:
    dates = ["2024-03", "2024-03-20", "2024-02-10", "2024-05-01", ""]
    columns = Columns(
        issuer=[""] * 5,
        doc_type=[""] * 5,
        year=[d[:4] for d in dates],
        date=dates,
        public=frozenset(range(5)),
        everyone=frozenset(range(5)),
    )
    request = SearchRequest(date_from=lo, date_to=hi)
    assert _date_filter(range(5), columns, request) == expected
