"""JSONL exports (a website's CMS): one record per line, every value checked before it is kept.

A line is refused, with ``line N: field: reason``, when it is not a JSON object, when a field
has the wrong JSON type, when a string holds a lone surrogate (``"\\ud800"`` is valid JSON but
not text, and cannot be indexed), when ``date`` or ``gazette_date`` is neither a real day
(``YYYY-MM-DD``) nor a real month (``YYYY-MM``, for documents that print only their month: date
filters, sorting and the Atom feed read it as the month's first day), when ``page`` or
``pdf_page`` is not a positive whole number (a number or a string of ASCII digits) and when
``visibility`` is neither ``public`` nor ``internal``.

A file with some bad lines keeps its good ones: the good records are indexed and each bad line is
reported as a warning of the file (at most :data:`MAX_LINE_WARNINGS`, then a count), which makes
the run exit 1. A file without a single good line fails as a whole, with its first bad line's
reason.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from indexer.errors import ExtractionError
from indexer.recognise.dates import is_record_date
from indexer.recognise.docnum import canonical_doc_number, find_doc_numbers
from indexer.records import LIST_FIELDS, TEXT_FIELDS, VISIBILITIES, Record

# A JSONL line longer than this is refused rather than parsed (bounded memory per record).
MAX_JSONL_LINE = 32 * 1024 * 1024
# Bad lines reported one by one; a file of 100,000 bad lines gets a count after these.
MAX_LINE_WARNINGS = 20
DATE_FIELDS = ("date", "gazette_date")
PAGE_FIELDS = ("page", "pdf_page")
# A page beyond this is a typo or an attack, not a page of a printed gazette or its PDF.
MAX_PAGE = 999_999

_SURROGATE = re.compile("[\ud800-\udfff]")


def load_jsonl(path: Path, warnings: list[str] | None = None) -> list[Record]:
    """Records from a JSONL export, one object per line, ids as the file gives them.

    Without ``warnings`` a bad line fails the file; with it, each bad line is appended there
    (``line 3: date: "2024-13-45" is not a date (YYYY-MM-DD or YYYY-MM)``) and the good lines
    are kept.
    Either way a file without any good line raises :class:`ExtractionError`.
    """
    records: list[Record] = []
    bad: list[ExtractionError] = []
    with path.open("rb") as fh:
        for lineno, raw in enumerate(fh, 1):
            if not raw.strip():
                continue
            try:
                records.append(_parse_line(raw, lineno, path))
            except ExtractionError as exc:
                if warnings is None:
                    raise
                bad.append(exc)
    if not records:
        if bad:
            more = f" ({len(bad) - 1} more bad lines)" if len(bad) > 1 else ""
            raise ExtractionError(path, bad[0].reason + more)
        raise ExtractionError(path, "no records in file")
    if warnings is not None:
        warnings.extend(_line_warnings(bad))
    return records


def _line_warnings(bad: list[ExtractionError]) -> list[str]:
    shown = [exc.reason for exc in bad[:MAX_LINE_WARNINGS]]
    if len(bad) > MAX_LINE_WARNINGS:
        shown.append(f"{len(bad) - MAX_LINE_WARNINGS} more bad lines not shown")
    return shown


def _parse_line(raw: bytes, lineno: int, path: Path) -> Record:
    if len(raw) > MAX_JSONL_LINE:
        raise ExtractionError(path, f"line {lineno}: longer than {MAX_JSONL_LINE} bytes")
    try:
        obj = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ExtractionError(path, f"line {lineno}: not valid JSON ({exc})") from None
    except RecursionError:
        raise ExtractionError(path, f"line {lineno}: JSON nested too deeply") from None
    return _record_from_json(obj, lineno, path)


def _record_from_json(obj: object, lineno: int, path: Path) -> Record:
    if not isinstance(obj, dict):
        raise ExtractionError(path, f"line {lineno}: expected a JSON object")
    for check in (_check_types, _check_text, _check_values):
        problem = check(obj)
        if problem:
            raise ExtractionError(path, f"line {lineno}: {problem}")
    rec = Record.from_dict(obj)
    if not (rec.title or rec.body):
        raise ExtractionError(path, f"line {lineno}: record has neither title nor body")
    rec.doc_number = canonical_doc_number(rec.doc_number) or rec.doc_number.strip()
    aliases = (canonical_doc_number(a) or a.strip() for a in rec.doc_number_aliases)
    rec.doc_number_aliases = [a for a in dict.fromkeys(aliases) if a and a != rec.doc_number]
    if not rec.cites:
        rec.cites = [d for d in find_doc_numbers(rec.body) if d != rec.doc_number]
    return rec


def _check_types(obj: dict[str, Any]) -> str:
    """The first field whose JSON type is wrong, instead of failing somewhere later."""
    for name in TEXT_FIELDS:
        if obj.get(name) is not None and not isinstance(obj[name], str):
            return f"{name}: expected a string"
    for name in LIST_FIELDS:
        value = obj.get(name)
        if (
            value is not None
            and not isinstance(value, str)
            and not (isinstance(value, list) and all(isinstance(v, str) for v in value))
        ):
            return f"{name}: expected a list of strings"
    for name in PAGE_FIELDS:
        value = obj.get(name)
        if (value is not None and not isinstance(value, int | str)) or isinstance(value, bool):
            return f"{name}: expected a whole number"
    return ""


def _check_text(obj: dict[str, Any]) -> str:
    """A string with a lone surrogate (``"\\ud800"``) decodes from JSON but is not text."""
    for name in (*TEXT_FIELDS, *LIST_FIELDS):
        value = obj.get(name)
        values = value if isinstance(value, list) else [value]
        if any(isinstance(v, str) and _SURROGATE.search(v) for v in values):
            return f"invalid Unicode (lone surrogate) in {name}"
    return ""


def _check_values(obj: dict[str, Any]) -> str:
    """The first field whose value is not what it means: dates, pages, visibility."""
    for name in DATE_FIELDS:
        value = obj.get(name)
        if value and not is_record_date(value):
            shown = json.dumps(value, ensure_ascii=False)[:40]
            return f"{name}: {shown} is not a date (YYYY-MM-DD or YYYY-MM)"
    for name in PAGE_FIELDS:
        value = obj.get(name)
        if value not in (None, "") and page_number(value) is None:
            shown = json.dumps(value, ensure_ascii=False)[:40]
            return f"{name}: {shown} is not a page number (1 to {MAX_PAGE})"
    visibility = obj.get("visibility")
    if visibility and visibility not in VISIBILITIES:
        shown = json.dumps(visibility, ensure_ascii=False)[:40]
        return f"visibility: {shown} is not one of {', '.join(VISIBILITIES)}"
    return ""


def page_number(value: int | str) -> int | None:
    """A page number from JSON: a whole number from 1 to :data:`MAX_PAGE`, or its ASCII digits.

    >>> page_number(12), page_number("12"), page_number("abc"), page_number("²"), page_number(0)
    (12, 12, None, None, None)
    """
    if isinstance(value, str):
        if not (value.isascii() and value.isdigit() and len(value) <= len(str(MAX_PAGE))):
            return None
        value = int(value)
    return value if 1 <= value <= MAX_PAGE else None
