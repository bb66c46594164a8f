"""Text lines → the visual rows of each page, in one column or two.

pdfminer's lines are grouped into rows by their baselines; a row's segments are joined with a
tab where they stand far apart (an unruled table). On a two-column page (see
:mod:`indexer.extract.columns`) rows are built within each column. A page whose own lines do
not show its columns — a document ending in the left column with only its date at the head of
the right one — is set in the columns most pages of the file show, where its lines fit them.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, replace

from indexer.extract.columns import (
    assign_columns,
    column_of,
    common_gutter,
    find_gutter,
    fits_gutter,
)
from indexer.extract.pdftables import Row, TextLine

__all__ = ["PageLines", "RawPage", "lay_out"]


@dataclass(frozen=True)
class PageLines:
    """What was read of one page: its text lines outside ruled tables, and the table rows."""

    number: int
    width: float
    height: float
    lines: tuple[TextLine, ...]
    table: tuple[Row, ...]
    has_text: bool
    has_images: bool = False
    error: str = ""  # why the page could not be read; such a page has no lines


@dataclass(frozen=True)
class RawPage:
    """The rows of one PDF page, top to bottom, with the page's size."""

    number: int
    width: float
    height: float
    rows: tuple[Row, ...]
    has_text: bool
    has_images: bool = False
    error: str = ""  # why the page could not be read; such a page has no rows


def lay_out(pages: Sequence[PageLines]) -> list[RawPage]:
    """The rows of every page, each page in its own columns or the file's."""
    own = [find_gutter(p.lines, p.width) for p in pages]
    common = common_gutter([g / p.width for g, p in zip(own, pages, strict=True) if g is not None])
    out = []
    for page, gutter in zip(pages, own, strict=True):
        if gutter is None and common is not None:
            shared = common * page.width
            gutter = shared if fits_gutter(page.lines, shared, page.width) else None
        out.append(_raw_page(page, gutter))
    return out


def _raw_page(page: PageLines, gutter: float | None) -> RawPage:
    found = [*assign_columns(page.table, gutter), *_column_rows(list(page.lines), gutter)]
    rows = tuple(sorted(found, key=lambda r: -(r.y0 + r.y1)))
    return RawPage(
        page.number,
        page.width,
        page.height,
        rows,
        has_text=page.has_text,
        has_images=page.has_images,
        error=page.error,
    )


def _column_rows(lines: list[TextLine], gutter: float | None) -> list[Row]:
    """Rows built within each column, so that no row joins text across the gutter."""
    by_column: dict[int, list[TextLine]] = {}
    for line in lines:
        by_column.setdefault(column_of(line.x0, line.x1, gutter), []).append(line)
    return [
        replace(row, column=column) if column else row
        for column, group in by_column.items()
        for row in _rows(group)
    ]


def _rows(lines: list[TextLine]) -> list[Row]:
    """Group lines that share a baseline band into rows, top to bottom, left to right."""
    lines.sort(key=lambda ln: -(ln.y0 + ln.y1))
    rows: list[Row] = []
    group: list[TextLine] = []
    for line in lines:
        if group and not _same_row(group, line):
            rows.append(_make_row(group))
            group = []
        group.append(line)
    if group:
        rows.append(_make_row(group))
    return rows


def _same_row(group: list[TextLine], line: TextLine) -> bool:
    top = max(g.y1 for g in group)
    bottom = min(g.y0 for g in group)
    overlap = min(top, line.y1) - max(bottom, line.y0)
    height = min(line.y1 - line.y0, min(g.y1 - g.y0 for g in group))
    return overlap >= 0.5 * max(height, 1.0)


def _make_row(group: list[TextLine]) -> Row:
    group.sort(key=lambda ln: ln.x0)
    parts = [group[0].text]
    cells = 1
    for prev, line in itertools.pairwise(group):
        gap = line.x0 - prev.x1
        if gap > 1.5 * max(prev.size, line.size, 4.0):
            parts.append("\t")
            cells += 1
        elif parts[-1][-1:].isascii() and line.text[:1].isascii():
            parts.append(" ")
        parts.append(line.text)
    return Row(
        text="".join(parts),
        x0=group[0].x0,
        x1=max(g.x1 for g in group),
        y0=min(g.y0 for g in group),
        y1=max(g.y1 for g in group),
        size=max(g.size for g in group),
        cells=cells,
    )
