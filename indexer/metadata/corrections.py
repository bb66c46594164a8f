"""Staff corrections: field values set by hand, kept in a TOML file and applied to records.

The file is named by ``[sources] corrections`` (default ``data/corrections.toml``) and holds a
table per document id::

    # corrected 2024-12-01 by alice
    ["lishi-gazette-2024-1-a6465912"]
    issuer = "吕梁市离石区人民政府"
    date = "2024-01-26"

``gazette index`` applies it to every record after metadata, after ids are given (so a corrected
文号 or title never changes an id) and before the index is written, so facets, search and exports
see the corrected values and reindexing never loses them. Values are checked with the same
recognisers the extractor uses, when written and again when read (the file may be edited by hand).
Python writes no TOML, so :func:`render_toml` writes this one flat shape (strings and whole
numbers); ``tomllib`` reads it back.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import os
import re
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from indexer.chars import HAN, fold_width
from indexer.errors import ConfigError, QueryError
from indexer.records import Record

# The fields a staff member may correct, in the order the file and ``corrected`` list them.
FIELDS = ("title", "doc_number", "issuer", "doc_type", "date", "section", "page")
Value = str | int
# Longest text a correction may set (the index cuts titles at the same length).
TEXT_LIMITS = {"title": 2_000, "issuer": 200, "section": 200}
MAX_PAGE = 100_000
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_DOC_TYPE = re.compile(f"[{HAN}]{{1,10}}")
_STAMP = re.compile(r"^# (corrected .*)$")
HEADER = (
    "# Staff corrections, applied by every `gazette index` (see README, Corrections).\n"
    "# Written by `gazette correct` and the staff site; hand edits are read too, but comments\n"
    "# other than the `# corrected …` lines are not kept when the file is rewritten.\n"
)


@dataclass(frozen=True)
class Corrections:
    """The corrections of one file: ``{document id: {field: value}}``, and who made each."""

    path: Path
    entries: dict[str, dict[str, Value]] = field(default_factory=dict)
    stamps: dict[str, str] = field(default_factory=dict)

    def apply(self, records: Iterable[Record]) -> None:
        """Set each record's corrected fields and its ``corrected`` list (empty when none)."""
        for rec in records:
            entry = self.entries.get(rec.id, {})
            rec.corrected = [name for name in FIELDS if name in entry]
            for name in rec.corrected:
                _set_field(rec, name, entry[name])

    def digest(self, ids: Iterable[str]) -> str:
        """A short hash of the corrections of ``ids``; ``""`` when none has one. Part of a
        source's state in the index, so that changing a correction re-indexes its source."""
        found = {doc_id: self.entries[doc_id] for doc_id in sorted(set(ids) & set(self.entries))}
        if not found:
            return ""
        text = json.dumps(found, ensure_ascii=False, sort_keys=True)
        return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]

    def orphans(self, known: Iterable[str]) -> list[str]:
        """Ids corrected in the file that name no document in ``known``."""
        return sorted(set(self.entries) - set(known))


def _set_field(rec: Record, name: str, value: Value) -> None:
    if name == "issuer" and isinstance(value, str):
        # The wrong issuer is usually also the first of ``issuers``; a joint document's others
        # stay as they are.
        rec.issuers = [value if i == rec.issuer else i for i in rec.issuers]
    setattr(rec, name, value)


# -- checking values -------------------------------------------------------------------------
def check_value(name: str, raw: str) -> Value:
    """The value ``raw`` means for field ``name``, canonical; QueryError naming the field when
    it is not one (or the field cannot be corrected).

    >>> check_value("doc_number", "离政办发[2024] 1号"), check_value("date", "二〇二四年一月五日")
    ('离政办发〔2024〕1号', '2024-01-05')
    >>> check_value("page", "１２"), check_value("issuer", " 吕梁市离石区人民政府 ")
    (12, '吕梁市离石区人民政府')
    >>> check_value("date", "2024-02-30")
    Traceback (most recent call last):
    indexer.errors.QueryError: date: "2024-02-30" is not a date (2024-01-26 or 2024年1月26日)
    """
    _check_name(name)
    text = raw.strip()
    if not text:
        raise QueryError(name, "empty value")
    if _CONTROL.search(text):
        raise QueryError(name, "line breaks and control characters are not allowed")
    checker = _CHECKERS.get(name, _check_text)
    value = checker(name, text)
    if value is None:
        raise QueryError(name, f'"{text[:40]}" is not {_EXPECTED[name]}')
    return value


def _check_name(name: str) -> None:
    if name not in FIELDS:
        raise QueryError(name[:40], f"not a field that can be corrected ({', '.join(FIELDS)})")


_EXPECTED = {
    "title": "a title",
    "issuer": "an issuer",
    "section": "a section heading",
    "doc_number": "a 文号 (离政办发〔2024〕1号)",
    "doc_type": "a 文种 (1-10 Chinese characters: 通知, 决定, 意见 …)",
    "date": "a date (2024-01-26 or 2024年1月26日)",
    "page": f"a page number (1 to {MAX_PAGE})",
}


def _check_text(name: str, text: str) -> str | None:
    return text if len(text) <= TEXT_LIMITS[name] else None


def _check_doc_number(name: str, text: str) -> str | None:
    """The canonical 文号 when ``text`` is one 文号 and nothing else."""
    # The recognisers compile many patterns; only a correction being checked needs them.
    from indexer.recognise.docnum import iter_doc_numbers

    hits = iter_doc_numbers(text)
    if len(hits) != 1 or hits[0][1] != 0 or hits[0][2] != len(text):
        return None
    return str(hits[0][0])


def _check_doc_type(name: str, text: str) -> str | None:
    return text if _DOC_TYPE.fullmatch(text) else None


def _check_date(name: str, text: str) -> str | None:
    from indexer.recognise.dates import is_record_date, parse_date_line

    if is_record_date(text):
        return text if 1800 <= int(text[:4]) <= 2099 else None
    return parse_date_line(text)


def _check_page(name: str, text: str) -> int | None:
    digits = fold_width(text)
    if not (digits.isascii() and digits.isdigit()):
        return None
    page = int(digits)
    return page if 1 <= page <= MAX_PAGE else None


_CHECKERS = {
    "doc_number": _check_doc_number,
    "doc_type": _check_doc_type,
    "date": _check_date,
    "page": _check_page,
}


def parse_assignments(args: Iterable[str]) -> dict[str, Value | None]:
    """``FIELD=VALUE`` arguments as changes: the checked value, or None (``FIELD=``) to remove
    that field's correction. QueryError for the first one that is wrong.

    >>> parse_assignments(["date=2024年1月26日", "page="])
    {'date': '2024-01-26', 'page': None}
    """
    changes: dict[str, Value | None] = {}
    for arg in args:
        name, sep, raw = arg.partition("=")
        name = name.strip()
        if not sep or not name:
            raise QueryError(arg[:40], f"expected FIELD=VALUE, FIELD one of {', '.join(FIELDS)}")
        _check_name(name)
        changes[name] = check_value(name, raw) if raw.strip() else None
    if not changes:
        raise QueryError("FIELD=VALUE", "nothing to correct")
    return changes


# -- reading and writing the file ------------------------------------------------------------
def load_corrections(path: Path) -> Corrections:
    """The corrections in ``path`` (none when the file does not exist); ConfigError naming the
    file, the id and the field when something in it is wrong, rather than skipping it: a
    correction left out would silently undo itself on the next reindex."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Corrections(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the corrections file: {exc}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    entries = {doc_id: _read_entry(path, doc_id, table) for doc_id, table in data.items()}
    return Corrections(path, {k: v for k, v in entries.items() if v}, _read_stamps(text))


def _read_entry(path: Path, doc_id: str, table: object) -> dict[str, Value]:
    if not isinstance(table, dict):
        raise ConfigError(f'{path}: "{doc_id}": expected a table of field = value')
    entry: dict[str, Value] = {}
    for name, value in table.items():
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise ConfigError(f'{path}: ["{doc_id}"] {name}: expected a string or a number')
        try:
            entry[name] = check_value(name, str(value))
        except QueryError as exc:
            raise ConfigError(f'{path}: ["{doc_id}"] {exc}') from None
    return entry


def _read_stamps(text: str) -> dict[str, str]:
    """``{id: "corrected … by …"}`` from the comment line just above each table."""
    stamps: dict[str, str] = {}
    pending = ""
    for line in text.splitlines():
        stamp = _STAMP.match(line)
        if stamp:
            pending = stamp[1]
            continue
        if pending and line.startswith("["):
            with contextlib.suppress(tomllib.TOMLDecodeError):
                stamps.update(dict.fromkeys(tomllib.loads(line), pending))
        pending = ""
    return stamps


def update_corrections(
    path: Path, doc_id: str, changes: Mapping[str, Value | None], user: str, day: str = ""
) -> dict[str, Value]:
    """Set (or, for None, remove) fields of ``doc_id``'s correction in ``path`` and return its
    correction now. Read, changed and written under a lock of its own, so two staff members
    correcting at once both keep their changes; written to a temporary file and renamed, so a
    reindex reads the old file or the new one."""
    day = day or dt.date.today().isoformat()
    with _locked(path):
        old = load_corrections(path)
        entry = dict(old.entries.get(doc_id, {}))
        for name, value in changes.items():
            if value is None:
                entry.pop(name, None)
            else:
                entry[name] = value
        entries, stamps = dict(old.entries), dict(old.stamps)
        entries.pop(doc_id, None)
        stamps.pop(doc_id, None)
        if entry:
            entries[doc_id] = {name: entry[name] for name in FIELDS if name in entry}
            stamps[doc_id] = f"corrected {day} by {_one_line(user) or 'unknown'}"
        _write_atomic(path, render_toml(Corrections(path, entries, stamps)))
    return entries.get(doc_id, {})


def _one_line(text: str) -> str:
    return _CONTROL.sub("?", text).strip()[:64]


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive ``flock`` on ``.NAME.lock`` beside the file, held for a read and a write."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path.with_name(f".{path.name}.lock"), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        with tmp.open("w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def render_toml(corrections: Corrections) -> str:
    r"""The file's text: a header, then a table per id (sorted), its stamp as a comment above.

    >>> print(render_toml(Corrections(Path("c.toml"), {"a-1": {"title": 'say "hi"', "page": 3}},
    ...                   {"a-1": "corrected 2024-12-01 by alice"})), end="")
    # Staff corrections, applied by every `gazette index` (see README, Corrections).
    # Written by `gazette correct` and the staff site; hand edits are read too, but comments
    # other than the `# corrected …` lines are not kept when the file is rewritten.
    <BLANKLINE>
    # corrected 2024-12-01 by alice
    ["a-1"]
    title = "say \"hi\""
    page = 3
    """
    parts = [HEADER]
    for doc_id in sorted(corrections.entries):
        lines = [""]
        stamp = corrections.stamps.get(doc_id)
        if stamp:
            lines.append(f"# {_one_line(stamp)}")
        lines.append(f"[{toml_string(doc_id)}]")
        for name, value in corrections.entries[doc_id].items():
            shown = str(value) if isinstance(value, int) else toml_string(value)
            lines.append(f"{name} = {shown}")
        parts.append("\n".join(lines) + "\n")
    return "".join(parts)


def toml_string(text: str) -> str:
    r"""A TOML basic string: quotes, backslashes and control characters escaped, the rest as is.

    >>> toml_string('离政发〔2024〕8号 "a\\b"\n')
    '"离政发〔2024〕8号 \\"a\\\\b\\"\\u000a"'
    """
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'
