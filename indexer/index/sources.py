"""Source files: find them, fingerprint them, and turn one file into records.

``load_records`` is the single entry point from a file to records, used by ``gazette index`` and
``gazette inspect``: ``.pdf`` and ``.txt`` go through extract → split → metadata, ``.jsonl`` is read
as records in the DESIGN shape (exports from a website's CMS).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from indexer.errors import ExtractionError
from indexer.recognise.docnum import canonical_doc_number, find_doc_numbers
from indexer.records import LIST_FIELDS, TEXT_FIELDS, VISIBILITIES, Record, assign_ids

SUFFIXES = (".pdf", ".txt", ".jsonl")
# A JSONL line longer than this is refused rather than parsed (bounded memory per record).
MAX_JSONL_LINE = 32 * 1024 * 1024


@dataclass(frozen=True)
class SourceFile:
    """A file to index: where it is, the key it is stored under, and who may see it."""

    path: Path
    key: str
    visibility: str = "public"


def source_key(path: Path, root: Path) -> str:
    """The file's name in the index: relative to the project root when under it.

    >>> source_key(Path("/srv/app/data/gazettes/a.pdf"), Path("/srv/app"))
    'data/gazettes/a.pdf'
    """
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.resolve().as_posix()


def iter_source_files(
    paths: Iterable[Path], root: Path, visibility: str = "public"
) -> Iterator[SourceFile | ExtractionError]:
    """Every indexable file under ``paths`` (files or folders), sorted; missing paths as errors."""
    for base in paths:
        if base.is_file():
            candidates = [base]
        elif base.is_dir():
            candidates = sorted(p for p in base.rglob("*") if p.is_file())
        else:
            yield ExtractionError(base, "no such file or folder")
            continue
        for path in candidates:
            if path.name.startswith("."):
                continue
            if path.suffix.lower() in SUFFIXES:
                yield SourceFile(path, source_key(path, root), visibility)
            elif base.is_file():
                yield ExtractionError(path, f"unsupported file type {path.suffix or '(none)'}")


def file_hash(path: Path) -> str:
    """SHA-1 of the file's bytes, read in 1 MiB blocks."""
    digest = hashlib.sha1()
    with path.open("rb") as fh:
        while block := fh.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _check_types(obj: dict[str, Any], lineno: int, path: Path) -> None:
    """Name the first field whose JSON type is wrong, instead of failing somewhere later."""
    for name in TEXT_FIELDS:
        if obj.get(name) is not None and not isinstance(obj[name], str):
            raise ExtractionError(path, f"line {lineno}: {name}: expected a string")
    for name in LIST_FIELDS:
        value = obj.get(name)
        if (
            value is not None
            and not isinstance(value, str)
            and not (isinstance(value, list) and all(isinstance(v, str) for v in value))
        ):
            raise ExtractionError(path, f"line {lineno}: {name}: expected a list of strings")
    for name in ("page", "pdf_page"):
        value = obj.get(name)
        if (value is not None and not isinstance(value, int | str)) or isinstance(value, bool):
            raise ExtractionError(path, f"line {lineno}: {name}: expected a whole number")


def _record_from_json(obj: object, lineno: int, path: Path) -> Record:
    if not isinstance(obj, dict):
        raise ExtractionError(path, f"line {lineno}: expected a JSON object")
    _check_types(obj, lineno, path)
    rec = Record.from_dict(obj)
    if not (rec.title or rec.body):
        raise ExtractionError(path, f"line {lineno}: record has neither title nor body")
    rec.doc_number = canonical_doc_number(rec.doc_number) or rec.doc_number.strip()
    if not rec.cites:
        rec.cites = [d for d in find_doc_numbers(rec.body) if d != rec.doc_number]
    rec.id = _safe_id(rec.id)
    return rec


def _safe_id(raw: str) -> str:
    """CMS ids may hold slashes (``govcn/content_123``); keep them URL-safe."""
    return "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_.") else "-" for ch in raw)


def load_jsonl(path: Path) -> list[Record]:
    """Records from a JSONL export, one object per line; a bad line fails the file."""
    records = []
    with path.open("rb") as fh:
        for lineno, raw in enumerate(fh, 1):
            if len(raw) > MAX_JSONL_LINE:
                raise ExtractionError(path, f"line {lineno}: longer than {MAX_JSONL_LINE} bytes")
            if not raw.strip():
                continue
            try:
                obj = json.loads(raw.decode("utf-8-sig"))
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise ExtractionError(path, f"line {lineno}: not valid JSON ({exc})") from None
            except RecursionError:
                raise ExtractionError(path, f"line {lineno}: JSON nested too deeply") from None
            records.append(_record_from_json(obj, lineno, path))
    if not records:
        raise ExtractionError(path, "no records in file")
    return records


def load_records(path: Path, key: str, visibility: str = "public") -> list[Record]:
    """Records of one source file, with stable ids, ``source`` and ``visibility`` set.

    Raises :class:`ExtractionError` with a one-line reason when the file cannot be read.
    """
    if visibility not in VISIBILITIES:
        raise ValueError(f"visibility must be one of {VISIBILITIES}")
    suffix = path.suffix.lower()
    try:
        if suffix == ".jsonl":
            records = load_jsonl(path)
        elif suffix in (".pdf", ".txt"):
            from indexer.extract.pages import load_pages
            from indexer.metadata.assemble import build_records

            records = build_records(load_pages(path), key)
        else:
            raise ExtractionError(path, f"unsupported file type {suffix or '(none)'}")
    except OSError as exc:
        raise ExtractionError(path, f"cannot read: {exc.strerror or exc}") from None
    except RecursionError:
        raise ExtractionError(path, "structure nested too deeply") from None
    stem = Path(key).stem
    assign_ids(records, stem)
    for rec in records:
        rec.source = key
        rec.visibility = visibility
    return records
