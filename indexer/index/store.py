"""The Whoosh index: schema, on-disk layout, record ↔ document conversion, reading helpers.

Layout, for ``[index] path = data/index``::

    data/index              symlink → .index.gens/gen-20241128-140501-1234 (the live generation)
    data/.index.gens/       generations; a rebuild writes a new one and swaps the symlink
    data/.index.lock        the writer lock (see :mod:`indexer.lock`)

Swapping a symlink with ``rename`` is atomic, so a reader opens either the old or the new index,
never a half-built one, and a rebuild killed at any moment leaves the live link untouched.
Incremental updates write into the live generation through Whoosh's own commit, which writes new
segment files first and the table of contents last.
"""

from __future__ import annotations

import json
import os
import pickle
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from indexer.errors import (
    AnalysisMismatchError,
    IndexMissingError,
    IndexUnreadableError,
)
from indexer.records import Record

if TYPE_CHECKING:
    # Whoosh and the 文号 parser are imported where they are used: a run of `gazette index`
    # with nothing to do reads this module's metadata helpers and nothing else.
    from whoosh.fields import Schema
    from whoosh.index import FileIndex

# What the index files hold, recorded in gazette.json and checked before Whoosh opens them.
# 2: body bigrams without positions, phrase keys in a column; 3: titles too; 4: the same terms,
# but the pickled schema and segments name the classes at their per-stage import paths
# (indexer.index.whoosh.codec.GazetteCodec, indexer.analysis…), which format 3 cannot unpickle;
# 5: a field for the other 文号 the issue gives a document (doc_number_aliases).
FORMAT_VERSION = 5
META_FILE = "gazette.json"
# Fields whose values are kept as columns, for facet counts and date sorting without stored fields.
FACET_FIELDS = ("issuer", "doc_type", "year")
_META_FIELDS = (
    "source_id",
    "issuers",
    "gazette",
    "gazette_date",
    "section",
    "page",
    "pdf_page",
    "attachments",
    "contact",
    "corrected",
    "review",
    "ocr",
    "ocr_confidence",
)


@dataclass(frozen=True)
class Layout:
    """Where the live link, the generations and the lock of one index live."""

    live: Path

    @property
    def gens(self) -> Path:
        return self.live.parent / f".{self.live.name}.gens"

    @property
    def lock(self) -> Path:
        return self.live.parent / f".{self.live.name}.lock"

    def current(self) -> Path | None:
        """The live generation's directory, or None when there is no index yet."""
        if not self.live.exists():
            return None
        target = self.live.resolve()
        return target if (target / META_FILE).is_file() else None

    def new_generation(self) -> Path:
        self.gens.mkdir(parents=True, exist_ok=True)
        # Nanosecond names sort in creation order, which cleanup relies on.
        name = f"gen-{time.time_ns():020d}-{os.getpid()}"
        path = self.gens / name
        path.mkdir()
        return path


def make_schema(user_words: tuple[str, ...]) -> Schema:
    """The index schema; the text fields and their analyzers come from :mod:`indexer.analysis`."""
    from whoosh.fields import ID, KEYWORD, STORED, Schema

    from indexer.analysis.fields import text_fields

    return Schema(
        id=ID(stored=True, unique=True),
        doc_number=ID(stored=True),
        doc_number_aliases=KEYWORD(stored=True, commas=True),
        doc_series=ID,
        issuer=ID(stored=True, sortable=True),
        doc_type=ID(stored=True, sortable=True),
        year=ID(stored=True, sortable=True),
        date=ID(stored=True, sortable=True),
        visibility=ID(stored=True, sortable=True),
        source=ID(stored=True),
        source_state=ID,
        cites=KEYWORD(stored=True, commas=True),
        repeals=KEYWORD(stored=True, commas=True),
        meta=STORED,
        **text_fields(user_words),
    )


def source_state(key: str, sha1: str, visibility: str) -> str:
    """The term that records which version of a source file is indexed, and for whom."""
    return f"{key}\x1f{sha1}\x1f{visibility}"


def record_to_doc(rec: Record, sha1: str) -> dict[str, Any]:
    """The Whoosh document for a record. Title and body are indexed twice: words and bigrams."""
    from indexer.recognise.docnum import parse_doc_number

    parsed = parse_doc_number(rec.doc_number) if rec.doc_number else None
    meta = {name: getattr(rec, name) for name in _META_FIELDS}
    return {
        "id": rec.id,
        "title": rec.title,
        "title_bi": rec.title,
        "body": rec.body,
        "body_bi": rec.body,
        "doc_number": rec.doc_number,
        "doc_number_aliases": ",".join(rec.doc_number_aliases),
        "doc_series": parsed.series if parsed else "",
        "issuer": rec.issuer,
        "doc_type": rec.doc_type,
        "year": rec.year,
        "date": rec.date,
        "visibility": rec.visibility,
        "source": rec.source,
        "source_state": source_state(rec.source, sha1, rec.visibility),
        "cites": ",".join(rec.cites),
        "repeals": ",".join(rec.repeals),
        "meta": json.dumps(meta, ensure_ascii=False),
    }


def doc_to_record(stored: dict[str, Any]) -> Record:
    """The record back from a document's stored fields."""
    data = {k: v for k, v in stored.items() if k in Record.__dataclass_fields__}
    for name in ("doc_number_aliases", "cites"):
        data[name] = [c for c in stored.get(name, "").split(",") if c]
    data["repeals"] = [c for c in stored.get("repeals", "").split(",") if c]
    data.update(json.loads(stored.get("meta") or "{}"))
    return Record.from_dict(data)


def read_meta(gen: Path) -> dict[str, Any]:
    try:
        meta: dict[str, Any] = json.loads((gen / META_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise IndexUnreadableError(
            f"{gen}: index metadata unreadable ({exc}); run `gazette index --rebuild`"
        ) from None
    return meta


def write_meta(gen: Path, meta: dict[str, Any]) -> None:
    tmp = gen / f"{META_FILE}.tmp"
    tmp.write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, gen / META_FILE)


def analysis_meta(config_words: tuple[str, ...], user_words: tuple[str, ...]) -> dict[str, Any]:
    """What the index records about the analysis that built it."""
    from indexer.analysis.segment import analysis_signature

    sig = analysis_signature(config_words)
    return {
        "format": FORMAT_VERSION,
        "segmenter": sig["segmenter"],
        "user_dict_sha1": sig["user_dict_sha1"],
        "user_words": len(user_words),
    }


def check_analysis(meta: dict[str, Any], config_words: tuple[str, ...]) -> None:
    """Refuse an index built with another segmenter, user dictionary or format."""
    from indexer.analysis.segment import analysis_signature

    sig = analysis_signature(config_words)
    built = (meta.get("format"), meta.get("segmenter"), meta.get("user_dict_sha1"))
    wanted = (FORMAT_VERSION, sig["segmenter"], sig["user_dict_sha1"])
    if built != wanted:
        raise AnalysisMismatchError(
            f"index built with {built[1]}, user dictionary {str(built[2])[:10]}, format {built[0]};"
            f" the configuration now has {wanted[1]}, user dictionary {wanted[2][:10]},"
            f" format {wanted[0]}: run `gazette index --rebuild`"
        )


def check_format(meta: dict[str, Any]) -> None:
    """Refuse an index whose files are in another format, from its metadata alone: its pickles
    may name classes that no longer exist, so nothing of it may be unpickled first.

    >>> check_format({"format": FORMAT_VERSION})
    >>> try:
    ...     check_format({"format": 3})
    ... except AnalysisMismatchError as exc:
    ...     print(exc)
    index format 3 was written by an older version; run `gazette index --rebuild`
    """
    found = meta.get("format")
    if found == FORMAT_VERSION:
        return
    if isinstance(found, int) and found > FORMAT_VERSION:
        writer = "a newer version"
    else:
        writer = "an older version"
    raise AnalysisMismatchError(
        f"index format {found} was written by {writer}; run `gazette index --rebuild`"
    )


# What unpickling a table of contents raises when it names a class or module gone since, when a
# class changed its arguments, or when the file is cut short or of an unknown pickle protocol.
_UNPICKLING_ERRORS = (
    ImportError,
    AttributeError,
    EOFError,
    pickle.UnpicklingError,
    TypeError,
    ValueError,
)


def open_live(layout: Layout, mapped: bool = False) -> tuple[FileIndex, Path, dict[str, Any]]:
    """Open the live generation: (whoosh index, its directory, its metadata); ``mapped``: for
    searching only, its files memory-mapped (:mod:`indexer.index.whoosh.mapped`).

    The recorded format is checked before Whoosh reads (and unpickles) anything; an index that
    still cannot be unpickled is refused with one line too, never a traceback.
    """
    gen, meta = live_meta(layout)
    return open_generation(gen, mapped), gen, meta


def live_meta(layout: Layout) -> tuple[Path, dict[str, Any]]:
    """The live generation's directory and metadata, its format checked; nothing of Whoosh is
    read or imported (a run with nothing to write needs no more)."""
    gen = layout.current()
    if gen is None:
        raise IndexMissingError(f"no index at {layout.live}: run `gazette index` first")
    meta = read_meta(gen)
    check_format(meta)
    return gen, meta


def open_generation(gen: Path, mapped: bool = False) -> FileIndex:
    """Open the Whoosh index of ``gen``, whose format :func:`live_meta` checked; one line of
    error when it still cannot be read. ``mapped``: read-only, through memory maps."""
    from whoosh import index as whoosh_index

    try:
        if mapped:
            from indexer.index.whoosh.mapped import MappedStorage

            ix = MappedStorage(str(gen)).open_index()
        else:
            ix = whoosh_index.open_dir(str(gen))
    except (OSError, whoosh_index.EmptyIndexError) as exc:
        raise IndexUnreadableError(
            f"{gen}: cannot open index ({exc}); run `gazette index --rebuild`"
        ) from None
    except _UNPICKLING_ERRORS as exc:
        raise IndexUnreadableError(
            f"{gen}: cannot read the index ({type(exc).__name__}: {exc}); it was probably written"
            " by another version: run `gazette index --rebuild`"
        ) from None
    return ix


def swap_live(layout: Layout, gen: Path) -> None:
    """Point the live link at ``gen`` atomically, then drop generations no longer needed."""
    if layout.live.exists() and not layout.live.is_symlink():
        # An index directory from before generations existed: move it aside once.
        layout.gens.mkdir(parents=True, exist_ok=True)
        layout.live.rename(layout.gens / f"gen-{0:020d}-legacy")
    tmp = layout.live.parent / f".{layout.live.name}.swap-{os.getpid()}"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    os.symlink(os.path.relpath(gen, layout.live.parent), tmp)
    os.replace(tmp, layout.live)
    remove_old_generations(layout)


def remove_old_generations(layout: Layout) -> list[Path]:
    """Delete generations other than the live one and the one built just before it.

    The previous generation is kept so that a server still reading it finishes its requests;
    directories newer than the live one are leftovers of killed rebuilds. Call with the lock held.
    """
    if not layout.gens.is_dir():
        return []
    live = layout.current()
    children = sorted(layout.gens.iterdir(), key=lambda p: p.name)
    keep: set[Path] = set()
    if live is not None:
        keep.add(live)
        older = [c for c in children if c.name < live.name]
        if older:
            keep.add(older[-1].resolve())
    removed = []
    for child in children:
        if child.resolve() not in keep:
            shutil.rmtree(child, ignore_errors=True)
            removed.append(child)
    return removed
