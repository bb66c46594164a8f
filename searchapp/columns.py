"""The snapshot's columns as arrays: each facet value, date and visibility by document number.

:class:`searchapp.engine.Columns` holds one string per document. Counting a facet over a match
set by looking each document's string up was a large part of a page at 147,000 records; here
each column becomes an array of small integers (ordinals into the column's distinct values), so
a filter is a lookup in a table of the values it keeps and a facet's counts are one
``np.bincount`` over the matches. Dates are numbered in the order of their text, so sorting by
ordinal is sorting by date. Built once per snapshot's columns, on first use.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from searchapp.engine import Columns

Ordinals = NDArray[np.int32]
Mask = NDArray[np.bool_]


@dataclass(frozen=True)
class Column:
    """A column's distinct values and each document's ordinal among them."""

    values: list[str]
    ordinals: Ordinals

    def where(self, keep: Callable[[str], bool]) -> Mask:
        """A table by ordinal: whether ``keep`` holds for that value."""
        return np.fromiter(map(keep, self.values), dtype=np.bool_, count=len(self.values))

    def counts(self, docs: NDArray[np.integer]) -> dict[str, int]:
        """How many of ``docs`` have each value (values with none left out, ``""`` too)."""
        tally = np.bincount(self.ordinals[docs], minlength=len(self.values))
        found = {self.values[i]: int(tally[i]) for i in np.flatnonzero(tally).tolist()}
        found.pop("", None)
        return found


def _column(texts: list[str], ordered: bool = False) -> Column:
    """``texts`` as ordinals; numbered in sorted order of the values when ``ordered``."""
    values = sorted(set(texts)) if ordered else list(dict.fromkeys(texts))
    number = {v: i for i, v in enumerate(values)}
    ordinals = np.fromiter(map(number.__getitem__, texts), dtype=np.int32, count=len(texts))
    return Column(values, ordinals)


def _mask(size: int, docs: Iterable[int]) -> Mask:
    mask = np.zeros(size, np.bool_)
    mask[np.fromiter(docs, dtype=np.int64)] = True
    return mask


@dataclass(frozen=True)
class ColumnArrays:
    """:class:`Columns` as arrays (see the module's docstring)."""

    issuer: Column
    doc_type: Column
    year: Column
    date: Column  # numbered in date order
    recency: NDArray[np.float64]  # :func:`searchapp.ranking.recency_boost` of each date
    public: Mask
    everyone: Mask

    def facet(self, name: str) -> Column:
        column: Column = getattr(self, name)
        return column

    def visible(self, staff: bool) -> Mask:
        return self.everyone if staff else self.public

    def visible_docs(self, staff: bool) -> NDArray[np.int64]:
        """The visible documents in ascending order."""
        return np.flatnonzero(self.visible(staff))


def build(columns: Columns) -> ColumnArrays:
    from searchapp.ranking import recency_boost

    size = len(columns.date)
    date = _column(columns.date, ordered=True)
    boosts = np.array([recency_boost(d) for d in date.values], dtype=np.float64)
    return ColumnArrays(
        issuer=_column(columns.issuer),
        doc_type=_column(columns.doc_type),
        year=_column(columns.year),
        date=date,
        recency=boosts[date.ordinals],
        public=_mask(size, columns.public),
        everyone=_mask(size, columns.everyone),
    )


def date_range(dates: Column, lo: str, hi: str) -> Mask | None:
    """Per date ordinal, whether a date is in the range ``lo``–``hi`` (either may be empty);
    None when there is no range.

    A date known only to its month (YYYY-MM) is in range when a day of that month is: it sorts
    before every day of its month, so only the lower bound needs its month compared.
    """
    if not (lo or hi):
        return None

    def keep(date: str) -> bool:
        return bool(
            date
            and (not lo or date >= lo or (len(date) == 7 and date >= lo[:7]))
            and (not hi or date <= hi)
        )

    return dates.where(keep)


_BUILT: dict[int, ColumnArrays] = {}
_LOCK = threading.Lock()


def column_arrays(columns: Columns) -> ColumnArrays:
    """The arrays of ``columns``, built on first use and kept while ``columns`` lives."""
    key = id(columns)
    found = _BUILT.get(key)
    if found is None:
        with _LOCK:
            found = _BUILT.get(key)
            if found is None:
                found = _BUILT[key] = build(columns)
                weakref.finalize(columns, _BUILT.pop, key, None)
    return found
