"""What a rebuild takes over from the index it replaces: who had which id, and the documents of
sources that cannot be read now (a file that fails, a folder that is not mounted).

An incremental update keeps a failing file's documents simply by not deleting them; a rebuild
writes a new index from scratch, so it copies them over from the stored fields of the live one,
or, when the live index cannot be read (another format), says that they are lost.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from indexer.errors import GazetteError
from indexer.index import manifest, store
from indexer.index.manifest import SourceState
from indexer.records import Record


@dataclass
class PreviousIndex:
    """The live index a rebuild replaces: its sources' states (from ``sources.json`` alone when
    the index itself cannot be opened) and, when it can be, the index to copy documents from."""

    states: dict[str, SourceState] = field(default_factory=dict)
    error: str = ""  # why its documents cannot be read; "" when they can (or there are none)
    ix: Any = None

    @classmethod
    def open(cls, layout: store.Layout) -> PreviousIndex:
        gen = layout.current()
        if gen is None:
            return cls()
        try:
            ix, gen, _meta = store.open_live(layout)
            return cls(manifest.load(gen, ix).states, "", ix)
        except GazetteError as exc:
            states, _toc = manifest.read_file(gen)
            return cls(states or {}, str(exc))
        except Exception as exc:  # salvage only: a failure means "lost", and the report says so
            states, _toc = manifest.read_file(gen)
            return cls(states or {}, f"cannot read the previous index ({type(exc).__name__})")

    def owners(self) -> dict[str, str]:
        """``{id: source key}`` of the previous index."""
        return {doc_id: key for key, state in self.states.items() for doc_id in state.ids}

    def records(self, key: str) -> list[Record] | str:
        """The live documents of source ``key`` as records, or why they cannot be had."""
        if self.ix is None:
            return self.error or "the previous index cannot be read"
        try:
            with self.ix.reader() as reader:
                if ("source", key) not in reader:
                    return []
                matcher = reader.postings("source", key)  # skips deleted documents
                docnums = []
                while matcher.is_active():
                    docnums.append(matcher.id())
                    matcher.next()
                return [store.doc_to_record(reader.stored_fields(n)) for n in docnums]
        except Exception as exc:  # salvage only, as above
            return f"cannot read them from the previous index ({type(exc).__name__}: {exc})"


@dataclass
class Carried:
    """Documents a rebuild copies from the previous index, per source, with their states."""

    records: list[tuple[str, list[Record]]] = field(default_factory=list)
    states: dict[str, SourceState] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def ids_by_owner(self) -> dict[str, str]:
        return {rec.id: key for key, recs in self.records for rec in recs}

    def add(self, other: Carried) -> None:
        self.records += other.records
        self.states |= other.states
        self.notes += other.notes


def carry_over(previous: PreviousIndex, keys: list[str], unseen: bool = False) -> Carried:
    """The previous documents of the sources ``keys`` (which failed now, or, with ``unseen``,
    are under a path that cannot be seen), each with a note saying it was kept or lost."""
    why = "its folder cannot be seen" if unseen else "the file failed"
    carried = Carried()
    for key in sorted(keys):
        state = previous.states[key]
        found = previous.records(key)
        if isinstance(found, str):
            carried.notes.append(
                f"{key}: its {len(state.ids)} documents of the previous index are lost ({why}): "
                f"{found}"
            )
            continue
        carried.records.append((key, found))
        carried.states[key] = state
        carried.notes.append(
            f"{key}: kept its {len(found)} documents from the previous index ({why})"
        )
    return carried
