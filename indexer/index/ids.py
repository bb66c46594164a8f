"""One document per id across the whole index: which record keeps an id two sources give.

An id already in the index stays with the source that has it; among the files read in one run,
the one that had the id before keeps it, then the first in sorted order. A refused record is not
indexed and its file's report names the file that keeps the id, so that a permalink never starts
pointing at another document because some other file was added.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from indexer.records import Record

SHOWN = 3  # duplicate ids named in a file's report line; the rest are counted


@dataclass
class Claimed:
    """The records that keep their ids, per source key, and the ids refused per source key as
    ``(id, key of the source that keeps it)``."""

    kept: dict[str, list[Record]] = field(default_factory=dict)
    refused: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    def problem(self, key: str) -> str:
        """One line about the ids refused in ``key``, "" when none were.

        >>> Claimed(refused={"b.jsonl": [("a1", "a.jsonl"), ("a2", "b.jsonl")]}).problem("b.jsonl")
        '2 duplicate ids not indexed: "a1" (kept by a.jsonl), "a2" (kept by an earlier record)'
        """
        refused = self.refused.get(key, [])
        if not refused:
            return ""
        shown = ", ".join(f'"{i}" (kept by {_owner(o, key)})' for i, o in refused[:SHOWN])
        more = f" and {len(refused) - SHOWN} more" if len(refused) > SHOWN else ""
        noun = "id" if len(refused) == 1 else "ids"
        return f"{len(refused)} duplicate {noun} not indexed: {shown}{more}"


def _owner(owner: str, key: str) -> str:
    return "an earlier record" if owner == key else owner


def claim_ids(
    loaded: list[tuple[str, list[Record]]],
    taken: Mapping[str, str],
    before: Mapping[str, str],
) -> Claimed:
    """Decide which of the ``loaded`` records (``(key, records)`` in sorted key order) keep
    their ids. ``taken``: ``{id: key}`` of documents that stay in the index untouched;
    ``before``: ``{id: key}`` of the index before this run, which ranks the files read again.

    >>> a, b = Record(id="x", title="a"), Record(id="x", title="b")
    >>> claimed = claim_ids([("a.jsonl", [a]), ("b.jsonl", [b])], {}, {"x": "b.jsonl"})
    >>> [r.title for r in claimed.kept["b.jsonl"]], claimed.refused["a.jsonl"]
    (['b'], [('x', 'b.jsonl')])
    """
    owners = dict(taken)
    first: set[tuple[str, int]] = set()
    for key, records in loaded:
        for n, rec in enumerate(records):
            if before.get(rec.id) == key and rec.id not in owners:
                owners[rec.id] = key
                first.add((key, n))
    claimed = Claimed()
    for key, records in loaded:
        kept = claimed.kept.setdefault(key, [])
        for n, rec in enumerate(records):
            if (key, n) in first:
                kept.append(rec)
            elif rec.id in owners:
                claimed.refused.setdefault(key, []).append((rec.id, owners[rec.id]))
            else:
                owners[rec.id] = key
                kept.append(rec)
    return claimed
