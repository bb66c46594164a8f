"""What the index holds of each source file, kept beside it in ``sources.json``.

Change detection compares every source file with its entry here: content SHA-1, size and
mtime, visibility, the path its ids are generated from, and the ids its documents got. The file
is rewritten (atomically) after every commit and names the table-of-contents generation of the
commit it describes. When it is missing, unreadable or names another generation (a crash between
Whoosh's commit and this write, or an index from before it existed), the state is rebuilt from
the index itself, from its live documents only.

Why not the index's term list alone: Whoosh keeps the terms of deleted documents in the lexicon
until their segment is merged away, so a ``source_state`` term cannot tell the version of a file
that is indexed from one that was replaced; reading it that way once left an undone edit in the
index. Postings, unlike the lexicon, skip deleted documents.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from indexer.index.sources import file_hash
from indexer.index.tocname import latest_generation

MANIFEST_FILE = "sources.json"
MANIFEST_VERSION = 1
# A file changed within this many nanoseconds of being fingerprinted may change again within the
# same mtime tick without its size changing (git's "racy" entries): its stat is not trusted, and
# the next run hashes it again.
RACY_NS = 2_000_000_000


@dataclass(frozen=True)
class SourceState:
    """One indexed source file. ``mtime_ns`` 0 means "hash to compare"; ``id_path`` "" means
    unknown (read the file again); ``complete`` is False when some of its records were not
    indexed (a duplicate id), so that the next run tries them again. ``corrections`` is the
    digest of the staff corrections applied to its documents (see
    :meth:`indexer.metadata.corrections.Corrections.digest`; ``""`` for none): when the
    corrections file says otherwise, the source is indexed again. ``ocr_keys`` are the OCR
    cache entries its scanned pages were read from (see :func:`ocr_keys_in_use`); None when
    that is not known (an entry written before they were recorded, or rebuilt from the index).
    """

    sha1: str
    visibility: str
    id_path: str = ""
    size: int = -1
    mtime_ns: int = 0
    ids: tuple[str, ...] = ()
    complete: bool = True
    corrections: str = ""
    ocr_keys: tuple[str, ...] | None = None

    def indexes(self, fp: Fingerprint, visibility: str, id_path: str) -> bool:
        """Whether the index already holds exactly this version of the file, for these readers,
        with these ids."""
        return (
            self.complete
            and self.sha1 == fp.sha1
            and self.visibility == visibility
            and self.id_path == id_path
        )


@dataclass(frozen=True)
class Fingerprint:
    """A source file's content hash and the stat that vouches for it (``mtime_ns`` 0: none)."""

    sha1: str
    size: int
    mtime_ns: int


@dataclass
class Manifest:
    """Every source's state; ``dirty`` when it differs from what ``sources.json`` says."""

    states: dict[str, SourceState]
    dirty: bool = False

    def documents(self) -> int:
        """How many documents the index holds: each source's ids are those of its indexed
        documents, and an id names one document."""
        return sum(len(state.ids) for state in self.states.values())

    def ids_by_owner(self) -> dict[str, str]:
        """``{id: source key}`` of every indexed document."""
        return {doc_id: key for key, state in self.states.items() for doc_id in state.ids}


def ocr_keys_in_use(states: dict[str, SourceState]) -> set[str] | None:
    """The OCR cache entries the sources in ``states`` were read from, or None when a PDF's are
    not known: then no entry can be said to be unused, and the cache is left as it is (until
    a rebuild, or a change of that PDF, reads it again). Other files never use the cache.

    >>> scan = SourceState("0a", "public", ocr_keys=("k1", "k2"))
    >>> sorted(ocr_keys_in_use({"a.pdf": scan, "b.txt": SourceState("0b", "public")}))
    ['k1', 'k2']
    >>> ocr_keys_in_use({"a.pdf": scan, "c.pdf": SourceState("0c", "public")}) is None
    True
    """
    used: set[str] = set()
    for key, state in states.items():
        if state.ocr_keys is None:
            if key.lower().endswith(".pdf"):
                return None
            continue
        used.update(state.ocr_keys)
    return used


def fingerprint(path: Path, known: SourceState | None) -> Fingerprint:
    """The file's hash, read from ``known`` when size and mtime vouch for it, else computed.

    The stat is taken before reading, so a change made while hashing shows up next time.
    Raises OSError when the file cannot be read.
    """
    st = path.stat()
    if known and known.mtime_ns and (known.size, known.mtime_ns) == (st.st_size, st.st_mtime_ns):
        return Fingerprint(known.sha1, st.st_size, st.st_mtime_ns)
    sha1 = file_hash(path)
    trusted = st.st_mtime_ns if time.time_ns() - st.st_mtime_ns > RACY_NS else 0
    return Fingerprint(sha1, st.st_size, trusted)


def with_fingerprint(state: SourceState, fp: Fingerprint) -> SourceState:
    """``state`` vouched for by a newer stat of the same content."""
    return replace(state, size=fp.size, mtime_ns=fp.mtime_ns)


def load(gen: Path, ix: Any) -> Manifest:
    """The state of the index in generation ``gen`` (``ix`` open on it): from ``sources.json``
    when it describes the latest commit, else rebuilt from the live documents (then ``dirty``,
    so that the caller, holding the writer lock, writes it)."""
    saved, toc = read_file(gen)
    current = _if_latest(gen, saved, toc)
    if current is not None:
        return current
    with ix.reader() as reader:
        found = states_from_index(reader)
    return Manifest(_merge(found, saved or {}), dirty=True)


def load_saved(gen: Path) -> Manifest | None:
    """The state of the index in ``gen`` from ``sources.json`` alone, when it describes the
    latest commit; None when it does not (then :func:`load` reads the index). Needs nothing of
    Whoosh: a run with nothing to write decides that from this."""
    return _if_latest(gen, *read_file(gen))


def _if_latest(gen: Path, saved: dict[str, SourceState] | None, toc: int) -> Manifest | None:
    """The states of ``sources.json`` as read, when its TOC generation is the latest commit of
    ``gen``; None when they are missing, older, or the folder cannot be listed."""
    try:
        if saved is not None and toc == latest_generation(gen):
            return Manifest(saved)
    except OSError:
        pass
    return None


def read_file(gen: Path) -> tuple[dict[str, SourceState] | None, int]:
    """``sources.json`` of ``gen`` as it is, with its TOC generation; (None, -1) when it is
    missing or unreadable. Needs nothing of Whoosh, so it works for any index format."""
    try:
        data = json.loads((gen / MANIFEST_FILE).read_text(encoding="utf-8"))
        if data.get("version") != MANIFEST_VERSION:
            return None, -1
        states = {key: _state_from_json(raw) for key, raw in data["sources"].items()}
        return states, int(data["toc"])
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None, -1


def _state_from_json(raw: dict[str, Any]) -> SourceState:
    return SourceState(
        sha1=str(raw["sha1"]),
        visibility=str(raw["visibility"]),
        id_path=str(raw["id_path"]),
        size=int(raw["size"]),
        mtime_ns=int(raw["mtime_ns"]),
        ids=tuple(str(i) for i in raw["ids"]),
        complete=bool(raw["complete"]),
        corrections=str(raw.get("corrections", "")),
        ocr_keys=_keys(raw.get("ocr_keys")),
    )


def _keys(raw: Any) -> tuple[str, ...] | None:
    """OCR cache keys as saved: a list of strings, or null / missing (not known)."""
    if raw is None:
        return None
    if not isinstance(raw, list) or not all(isinstance(key, str) for key in raw):
        raise TypeError("ocr_keys must be a list of strings")
    return tuple(raw)


def save(gen: Path, states: dict[str, SourceState]) -> None:
    """Write ``sources.json`` for the latest commit of ``gen``: a temporary file, then a rename,
    so a reader sees the old file or the new one. Call with the writer lock held.

    Raises OSError (a full disk) with nothing of the attempt left; the index is right without
    the file, so callers report it and go on.
    """
    data = {
        "version": MANIFEST_VERSION,
        "toc": latest_generation(gen),
        "sources": {key: _state_to_json(states[key]) for key in sorted(states)},
    }
    tmp = gen / f"{MANIFEST_FILE}.tmp"
    try:
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=0), encoding="utf-8")
        os.replace(tmp, gen / MANIFEST_FILE)
    except BaseException:
        # The old file stays, naming an older commit, so the next run rebuilds the states from
        # the index; a half-written temporary file would only take room (a full disk, typically).
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        raise


def _state_to_json(state: SourceState) -> dict[str, Any]:
    data = asdict(state)
    data["ids"] = list(state.ids)
    data["ocr_keys"] = list(state.ocr_keys) if state.ocr_keys is not None else None
    return data


def states_from_index(reader: Any) -> dict[str, SourceState]:
    """Each source's state from the ``source_state`` terms of live documents (a term whose
    documents are all deleted is skipped), with the ids of those documents. What the index
    cannot tell (stat, id path) is left unknown; a source found in two versions gets no hash, so
    that it is read again."""
    states: dict[str, SourceState] = {}
    for raw in reader.lexicon("source_state"):
        docnums = _live_postings(reader, raw)
        if not docnums:
            continue
        key, sha1, visibility = _text(raw).split("\x1f")
        ids = tuple(sorted(reader.stored_fields(n)["id"] for n in docnums))
        if key in states:
            ids = tuple(sorted(states[key].ids + ids))
            sha1 = ""
        states[key] = SourceState(sha1, visibility, ids=ids)
    return states


def _text(raw: bytes | str) -> str:
    return raw.decode("utf-8") if isinstance(raw, bytes) else raw


def _live_postings(reader: Any, term: bytes | str) -> list[int]:
    """Document numbers holding ``source_state:term``; Whoosh's postings skip deleted ones."""
    matcher = reader.postings("source_state", term)
    found = []
    while matcher.is_active():
        found.append(matcher.id())
        matcher.next()
    return found


def _merge(found: dict[str, SourceState], saved: dict[str, SourceState]) -> dict[str, SourceState]:
    """States read from the index, completed from an outdated ``sources.json`` where it agrees
    with the index on the file's hash, visibility and ids (what a later commit did not touch)."""
    merged = {}
    for key, state in found.items():
        old = saved.get(key)
        same = old is not None and (old.sha1, old.visibility, tuple(sorted(old.ids))) == (
            state.sha1,
            state.visibility,
            state.ids,
        )
        merged[key] = old if same and old is not None else state
    return merged
