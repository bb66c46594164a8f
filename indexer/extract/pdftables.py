"""Ruled tables: rebuild rows and cells from the lines a PDF draws around them.

pdfminer gives a table's text cell by cell or column by column, and a cell of several lines as
several lines. Where the page draws its grid, each band between two horizontal rules that at
least three vertical rules cross is one table row, and each gap between those vertical rules is
one cell: the characters are put into the cells by their position, so a cell's lines stay
together and the row comes out as one line with tab-separated cells.
"""

from __future__ import annotations

import itertools
import statistics
from dataclasses import dataclass

_MIN_RULE = 6.0  # shorter strokes are glyph parts or dots, not table rules
_THIN = 2.5
_SNAP = 2.0


@dataclass(frozen=True)
class TextLine:
    """A line of text as pdfminer found it, with its characters' horizontal centres."""

    text: str
    x0: float
    x1: float
    y0: float
    y1: float
    size: float
    chars: tuple[tuple[float, str], ...] = ()


@dataclass(frozen=True)
class Rule:
    """A horizontal or vertical stroke (a line or a thin rectangle)."""

    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def horizontal(self) -> bool:
        return self.y1 - self.y0 <= _THIN and self.x1 - self.x0 >= _MIN_RULE

    @property
    def vertical(self) -> bool:
        return self.x1 - self.x0 <= _THIN and self.y1 - self.y0 >= _MIN_RULE


@dataclass(frozen=True)
class Row:
    """One visual line of a page: its text segments joined (a tab between distant ones)."""

    text: str
    x0: float
    x1: float
    y0: float
    y1: float
    size: float
    cells: int = 1
    column: int = 0  # 0: the whole width; 1, 2: the left or right column of a two-column page


@dataclass(frozen=True)
class _Band:
    top: float
    bottom: float
    columns: tuple[float, ...]  # x of the vertical rules, left to right


def rule_edges(x0: float, y0: float, x1: float, y1: float) -> list[Rule]:
    """The strokes a drawn box contributes: itself when thin, else its four edges."""
    if y1 - y0 <= _THIN or x1 - x0 <= _THIN:
        return [Rule(x0, y0, x1, y1)]
    return [Rule(x0, y0, x1, y0), Rule(x0, y1, x1, y1), Rule(x0, y0, x0, y1), Rule(x1, y0, x1, y1)]


def table_rows(lines: list[TextLine], rules: list[Rule]) -> tuple[list[Row], list[TextLine]]:
    """Rows of the ruled tables on a page, and the lines that are not in any table."""
    bands = _bands(rules)
    if not bands:
        return [], lines
    cells: dict[int, list[list[tuple[float, float, str]]]] = {}
    rest: list[TextLine] = []
    sizes: dict[int, list[float]] = {}
    for line in lines:
        k = _band_of(bands, line)
        if k is None:
            rest.append(line)
            continue
        grid = cells.setdefault(k, [[] for _ in range(len(bands[k].columns) - 1)])
        sizes.setdefault(k, []).append(line.size)
        for x, ch in line.chars or (((line.x0 + line.x1) / 2, line.text),):
            col = _column(bands[k].columns, x)
            grid[col].append((-(line.y0 + line.y1), x, ch))
    rows = [_make_row(bands[k], grid, sizes[k]) for k, grid in cells.items()]
    return [r for r in rows if r.text.strip("\t ")], rest


def _bands(rules: list[Rule]) -> list[_Band]:
    horizontals = [r for r in rules if r.horizontal]
    verticals = [r for r in rules if r.vertical]
    if len(horizontals) < 2 or len(verticals) < 3:
        return []
    ys = _snap(sorted({(r.y0 + r.y1) / 2 for r in horizontals}, reverse=True))
    bands = []
    for top, bottom in itertools.pairwise(ys):
        if top - bottom < 4:
            continue
        xs = _snap(
            sorted(
                (v.x0 + v.x1) / 2
                for v in verticals
                if v.y0 <= bottom + _SNAP and v.y1 >= top - _SNAP
            )
        )
        if len(xs) >= 3:
            bands.append(_Band(top, bottom, tuple(xs)))
    return bands


def _snap(values: list[float]) -> list[float]:
    """Merge coordinates closer than a couple of points (double rules, rounding)."""
    out: list[float] = []
    for v in values:
        if not out or abs(v - out[-1]) > _SNAP:
            out.append(v)
    return out


def _band_of(bands: list[_Band], line: TextLine) -> int | None:
    y = (line.y0 + line.y1) / 2
    x = (line.x0 + line.x1) / 2
    for k, band in enumerate(bands):
        if band.bottom <= y <= band.top and band.columns[0] <= x <= band.columns[-1]:
            return k
    return None


def _column(columns: tuple[float, ...], x: float) -> int:
    for k in range(len(columns) - 1):
        if x < columns[k + 1]:
            return k
    return len(columns) - 2


def _make_row(band: _Band, grid: list[list[tuple[float, float, str]]], sizes: list[float]) -> Row:
    texts = []
    for cell in grid:
        cell.sort()
        texts.append("".join(ch for _, _, ch in cell).replace("\t", " ").strip())
    return Row(
        text="\t".join(texts),
        x0=band.columns[0],
        x1=band.columns[-1],
        y0=band.bottom,
        y1=band.top,
        size=statistics.median(sizes),
        cells=max(2, len(texts)),
    )
