"""Source files: find them, fingerprint them, and turn one file into records.

``load_records`` is the single entry point from a file to records, used by ``gazette index`` and
``gazette inspect``: ``.pdf`` and ``.txt`` go through extract → split → metadata, ``.jsonl`` is read
as records in the DESIGN shape (exports from a website's CMS).
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from indexer.errors import ExtractionError
from indexer.names import display_name
from indexer.records import LIST_FIELDS, TEXT_FIELDS, VISIBILITIES, Record, assign_ids

if TYPE_CHECKING:
    from indexer.extract.ocr import OcrOptions

SUFFIXES = (".pdf", ".txt", ".jsonl")
# Longest text indexed for one record; see bound_records. Real titles are under 200 characters.
MAX_BODY_CHARS = 500_000
MAX_TITLE_CHARS = 2_000
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class SourceFile:
    """A file to index: where it is, the key it is stored under, who may see it, and the path its
    generated ids are made from (see :func:`id_path`; the file's stem when empty)."""

    path: Path
    key: str
    visibility: str = "public"
    id_path: str = ""


def source_key(path: Path, root: Path) -> str:
    r"""The file's name in the index: relative to the project root when under it.

    Undecodable bytes and control characters are kept escaped (see
    :func:`indexer.names.display_name`): the key must be valid text for the index and JSON, and
    is then also the name every report shows.

    >>> source_key(Path("/srv/app/data/gazettes/a.pdf"), Path("/srv/app"))
    'data/gazettes/a.pdf'
    >>> source_key(Path("/srv/app/a\nb.txt"), Path("/srv/app"))
    'a\\nb.txt'
    """
    try:
        key = path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        key = path.resolve().as_posix()
    return display_name(key)


def id_path(path: Path, roots: Iterable[Path], others: Iterable[Path] = ()) -> str:
    """The path a source's generated ids are made from: relative to the closest of ``roots``
    holding it (its configured source folder), else of ``others`` (folders given on the command
    line), without suffix; the file's stem when none holds it. Relative to the source folder,
    not the project, so that moving or renaming the folder keeps every id; a path, not the
    stem, so that same-named files in two subfolders never share ids.

    >>> roots = [Path("/srv/app/data/gazettes")]
    >>> id_path(Path("/srv/app/data/gazettes/2023/公报第1期.txt"), roots)
    '2023/公报第1期'
    >>> id_path(Path("/elsewhere/a.b.pdf"), roots)
    'a.b'
    """
    for group in (roots, others):
        found = [rel for root in group if (rel := _relative(path, root)) is not None]
        if found:
            return display_name(
                min(found, key=lambda rel: len(rel.parts)).with_suffix("").as_posix()
            )
    return display_name(path.stem)


def _relative(path: Path, root: Path) -> Path | None:
    """``path`` below ``root``, as written or with links resolved; None when not below it."""
    for base, here in ((root.absolute(), path.absolute()), (root.resolve(), path.resolve())):
        try:
            relative = here.relative_to(base)
        except ValueError:
            continue
        return relative if relative.parts else None
    return None


def iter_source_files(
    paths: Iterable[Path], root: Path, visibility: str = "public"
) -> Iterator[SourceFile | ExtractionError]:
    """Every indexable file under ``paths`` (files or folders), sorted.

    Missing paths, unreadable folders, and files of an indexable type that cannot be read as
    files (a broken link, a FIFO, a socket, a device) come as errors; a FIFO is never opened,
    as opening one blocks. Other files in a folder (and hidden ones) are skipped quietly.
    """
    seen: dict[str, Path] = {}
    for base in paths:
        if not (base.is_dir() or base.is_symlink() or base.exists()):
            yield ExtractionError(_unresolved_key(base, root), "no such file or folder")
            continue
        for path in [base] if not base.is_dir() else _walk(base, root):
            if isinstance(path, ExtractionError):
                yield path
            elif path is base or _indexable_name(path):
                yield _check_file(path, root, visibility, seen)


def _unresolved_key(path: Path, root: Path) -> str:
    """A name for a file that cannot be indexed: as :func:`source_key`, but links unresolved,
    so that a broken link is named, not its missing target."""
    try:
        return display_name(path.absolute().relative_to(root.absolute()).as_posix())
    except ValueError:
        return display_name(path.absolute().as_posix())


def _indexable_name(path: Path) -> bool:
    return not path.name.startswith(".") and path.suffix.lower() in SUFFIXES


def _walk(folder: Path, root: Path) -> list[Path | ExtractionError]:
    """The sub-folders under ``folder`` it could not read, then everything but folders, sorted.

    Links to folders are not followed (a link back up would loop), as with ``Path.rglob``.
    """
    errors: list[Path | ExtractionError] = []
    files: list[Path] = []

    def unreadable(exc: OSError) -> None:
        where = _unresolved_key(Path(exc.filename or folder), root)
        errors.append(ExtractionError(where, f"cannot read folder: {exc.strerror}"))

    for top, _dirs, names in os.walk(folder, onerror=unreadable):
        files.extend(Path(top, name) for name in names)
    return [*errors, *sorted(files)]


def _check_file(
    path: Path, root: Path, visibility: str, seen: dict[str, Path]
) -> SourceFile | ExtractionError:
    """The file to index, or why it cannot be: not a regular file, wrong type, name taken."""
    problem = special_file(path)
    if problem:
        return ExtractionError(_unresolved_key(path, root), problem)
    if path.suffix.lower() not in SUFFIXES:
        suffix = path.suffix or "(none)"
        return ExtractionError(_unresolved_key(path, root), f"unsupported file type {suffix}")
    key = source_key(path, root)
    other = seen.setdefault(key, path)
    if other != path and other.resolve() != path.resolve():
        shown = _unresolved_key(other, root)
        return ExtractionError(_unresolved_key(path, root), f"same escaped name as {shown}")
    return SourceFile(path, key, visibility)


def special_file(path: Path) -> str:
    """Why ``path`` is not a regular file that can be read (``""`` when it is one).

    Only ``stat`` is called: opening a FIFO would wait for a writer.
    """
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        if path.is_symlink():
            return f"broken link (to {display_name(os.readlink(path))})"
        return "no such file"
    except OSError as exc:
        if path.is_symlink() and exc.errno == errno.ELOOP:
            return "broken link (a loop of links)"
        return f"cannot read: {exc.strerror}"
    if stat.S_ISREG(mode):
        return ""
    kinds = {stat.S_ISFIFO: "a FIFO", stat.S_ISSOCK: "a socket", stat.S_ISDIR: "a folder"}
    kind = next((name for test, name in kinds.items() if test(mode)), "a device")
    return f"not a regular file ({kind})"


def file_hash(path: Path) -> str:
    """SHA-1 of the file's bytes, read in 1 MiB blocks."""
    digest = hashlib.sha1()
    with path.open("rb") as fh:
        while block := fh.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def load_records(
    path: Path,
    key: str,
    visibility: str = "public",
    id_path: str = "",
    *,
    warnings: list[str] | None = None,
    ocr: OcrOptions | None = None,
) -> list[Record]:
    """Records of one source file, with stable ids, ``source`` and ``visibility`` set.

    ``id_path`` is the file's path relative to its source root, without suffix (see
    :func:`id_path`), from which ids are generated; by default the file's stem.

    Raises :class:`ExtractionError` with a one-line reason when the file cannot be read. What
    was read but not as written (bad JSONL lines skipped, unreadable PDF pages, a body cut to
    :data:`MAX_BODY_CHARS`) is appended to ``warnings``, one line each; without that list a bad
    JSONL line fails the file. ``ocr`` says how PDF pages without a text layer are read (see
    :func:`indexer.extract.pages.load_pages`).
    """
    if visibility not in VISIBILITIES:
        raise ValueError(f"visibility must be one of {VISIBILITIES}")
    suffix = path.suffix.lower()
    notes: list[str] = []
    try:
        if suffix == ".jsonl":
            from indexer.index.jsonl import load_jsonl

            records = load_jsonl(path, warnings)
        elif suffix in (".pdf", ".txt"):
            from indexer.extract.pages import load_pages, page_warnings
            from indexer.metadata.assemble import build_records

            pages = load_pages(path, ocr)
            notes = page_warnings(pages)
            records = build_records(pages, key)
        else:
            raise ExtractionError(path, f"unsupported file type {suffix or '(none)'}")
    except OSError as exc:
        raise ExtractionError(path, f"cannot read: {exc.strerror or exc}") from None
    except RecursionError:
        raise ExtractionError(path, "structure nested too deeply") from None
    assign_ids(records, id_path or path.stem)
    for rec in records:
        rec.source = key
        rec.visibility = visibility
    notes += bound_records(records)
    if warnings is not None:
        warnings.extend(notes)
    return records


def bound_records(records: list[Record]) -> list[str]:
    """Cut bodies and titles to their limits and replace lone surrogates; a warning for each.

    One record of ten million characters took 1.3 GB to index and made every query that matched
    it take 5.8 s; the snippet of a hit still costs about 1 ms per 1,000 characters of its body
    (measured: +1.0 s a query at 1,000,000, +0.5 s at 500,000). The longest of the 3,423
    national laws has 105,424 characters and a whole gazette issue about 84,000, so
    :data:`MAX_BODY_CHARS` keeps five times that and cuts the rest. A lone surrogate (from a
    PDF's broken Unicode map) cannot be written to the index; it becomes U+FFFD.
    """
    notes = []
    for rec in records:
        for name, limit in (("title", MAX_TITLE_CHARS), ("body", MAX_BODY_CHARS)):
            text = getattr(rec, name)
            if len(text) > limit:
                setattr(rec, name, text[:limit])
                notes.append(
                    f"record {rec.id}: {name} of {len(text):,} characters cut to {limit:,}"
                    " (the limit)"
                )
        notes += [
            f"record {rec.id}: invalid Unicode (lone surrogate) in {name}, replaced"
            for name in _replace_surrogates(rec)
        ]
    return notes


def _replace_surrogates(rec: Record) -> list[str]:
    """Replace lone surrogates with U+FFFD in every text field; the fields that had one."""
    changed = []
    for name in (*TEXT_FIELDS, *LIST_FIELDS):
        value = getattr(rec, name)
        if isinstance(value, list):
            fixed: str | list[str] = [_SURROGATE.sub("\ufffd", v) for v in value]
        else:
            fixed = _SURROGATE.sub("\ufffd", value)
        if fixed != value:
            setattr(rec, name, fixed)
            changed.append(name)
    return changed
