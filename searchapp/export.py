"""Exports of a whole result list: CSV (UTF-8 with BOM, so Excel reads Chinese) and JSONL."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator
from typing import NamedTuple

from indexer.records import Record

CSV_COLUMNS = (
    "id",
    "title",
    "doc_number",
    "issuer",
    "doc_type",
    "date",
    "gazette",
    "section",
    "page",
    "source",
    "cites",
    "repeals",
    "source_id",  # the id the source itself gave (CMS exports), to match rows back to it
)
BOM = "\ufeff"


def _csv_value(rec: Record, name: str) -> str:
    value = getattr(rec, name)
    if isinstance(value, list):
        return "; ".join(value)
    return "" if value is None else str(value)


def iter_csv(records: Iterable[Record]) -> Iterator[str]:
    """CSV text in chunks, starting with a BOM and a header row."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    yield BOM + buf.getvalue()
    for rec in records:
        buf.seek(0)
        buf.truncate()
        writer.writerow([_csv_value(rec, c) for c in CSV_COLUMNS])
        yield buf.getvalue()


def iter_jsonl(records: Iterable[Record]) -> Iterator[str]:
    """One JSON object per line, every record field including the body."""
    for rec in records:
        yield json.dumps(rec.to_dict(), ensure_ascii=False) + "\n"


class ExportFormat(NamedTuple):
    """How to write one export format, and the content type it is served with."""

    write: Callable[[Iterable[Record]], Iterator[str]]
    content_type: str


EXPORTS = {
    "csv": ExportFormat(iter_csv, "text/csv; charset=utf-8"),
    "jsonl": ExportFormat(iter_jsonl, "application/x-ndjson; charset=utf-8"),
}
