"""Two-column pages: find the gutter, and read each column down before the next.

Many gazettes set their bodies (and some their contents) in two columns. pdfminer reports the
lines of both columns side by side at the same heights, so read row by row they interleave:
half a sentence of the left column, half of the right. Here a page is called two-column when a
vertical gutter near its middle separates at least :data:`_MIN_COLUMN_LINES` long lines on each
side and few lines cross it; every line is then given a column (1 left, 2 right, 0 across the
gutter: a full-width title, a running header, a wide table), rows are built within one column,
and :func:`reading_order` reads, between two full-width rows, the left column down and then the
right one.

Long lines are what tells text columns from an unruled two-cell table or a signature block:
a column of text is made of lines as wide as most of the column.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import replace

from indexer.extract.pdftables import Row, TextLine

# A side needs this many long lines to be a column of text.
_MIN_COLUMN_LINES = 6
# A line is long when it is at least this share of the page width (a column of a two-column
# page is a little under half of it; a short last line of a paragraph or a name is not long).
_LONG = 0.25
# The gutter is looked for in this middle band of the page, in steps of this many points.
_BAND = (0.3, 0.7)
_STEP = 2.0
# At most this share of the page's lines may cross the gutter (titles, headers, wide tables).
_MAX_CROSSING = 0.3

FULL, LEFT, RIGHT = 0, 1, 2


def find_gutter(lines: Sequence[TextLine], width: float) -> float | None:
    """The x of the gutter of a two-column page, or None for a page in one column.

    >>> left = [TextLine("左" * 12, 60, 280, y, y + 12, 12) for y in range(100, 400, 20)]
    >>> right = [TextLine("右" * 12, 310, 530, y, y + 12, 12) for y in range(100, 400, 20)]
    >>> 280 <= find_gutter(left + right, 595) <= 310
    True
    >>> find_gutter([TextLine("全" * 30, 60, 530, y, y + 12, 12) for y in range(0, 400, 20)], 595)
    """
    if width <= 0 or len(lines) < 2 * _MIN_COLUMN_LINES:
        return None
    lo, hi = _BAND[0] * width, _BAND[1] * width
    long_lines = [ln for ln in lines if ln.x1 - ln.x0 >= _LONG * width]
    # A cheap test first: most single-column pages have no long lines beside the middle.
    if (
        sum(1 for ln in long_lines if ln.x1 <= hi) < _MIN_COLUMN_LINES
        or sum(1 for ln in long_lines if ln.x0 >= lo) < _MIN_COLUMN_LINES
    ):
        return None
    best: list[float] = []
    fewest = len(lines) + 1
    x = lo
    while x <= hi:
        if _columns_beside(long_lines, x):
            crossing = sum(1 for ln in lines if ln.x0 < x < ln.x1)
            if crossing < fewest:
                best, fewest = [x], crossing
            elif crossing == fewest:
                best.append(x)
        x += _STEP
    if not best or fewest > _MAX_CROSSING * len(lines):
        return None
    # The middle of the first widest run of equally good positions: the gutter's centre.
    run = _first_run(best)
    return (run[0] + run[-1]) / 2


def _columns_beside(long_lines: Sequence[TextLine], x: float) -> bool:
    left = sum(1 for ln in long_lines if ln.x1 <= x)
    right = sum(1 for ln in long_lines if ln.x0 >= x)
    return left >= _MIN_COLUMN_LINES and right >= _MIN_COLUMN_LINES


def _first_run(xs: list[float]) -> list[float]:
    runs: list[list[float]] = []
    for x in xs:
        if runs and x - runs[-1][-1] <= _STEP + 0.01:
            runs[-1].append(x)
        else:
            runs.append([x])
    return max(runs, key=len)


def column_of(x0: float, x1: float, gutter: float | None) -> int:
    """:data:`LEFT`, :data:`RIGHT`, or :data:`FULL` for a span across the gutter (or no gutter).

    >>> column_of(60, 280, 295), column_of(310, 530, 295), column_of(60, 530, 295)
    (1, 2, 0)
    """
    if gutter is None or x0 < gutter < x1:
        return FULL
    return LEFT if x1 <= gutter else RIGHT


def reading_order(rows: Sequence[Row]) -> list[Row]:
    """Rows top to bottom, but within a band between full-width rows, left column first.

    >>> rows = [Row("标题", 60, 530, 700, 712, 16), Row("左一", 60, 280, 680, 692, 12, column=1),
    ...         Row("右一", 310, 530, 680, 692, 12, column=2),
    ...         Row("左二", 60, 280, 660, 672, 12, column=1), Row("页脚", 60, 530, 40, 50, 9)]
    >>> [r.text for r in reading_order(rows)]
    ['标题', '左一', '左二', '右一', '页脚']
    """
    out: list[Row] = []
    sides: dict[int, list[Row]] = {LEFT: [], RIGHT: []}
    for row in rows:
        if row.column == FULL:
            out.extend(sides[LEFT] + sides[RIGHT])
            sides = {LEFT: [], RIGHT: []}
            out.append(row)
        else:
            sides[row.column].append(row)
    return out + sides[LEFT] + sides[RIGHT]


def assign_columns(rows: Sequence[Row], gutter: float | None) -> list[Row]:
    """``rows`` with their :attr:`Row.column` set from where they lie against the gutter."""
    if gutter is None:
        return list(rows)
    return [replace(r, column=column_of(r.x0, r.x1, gutter)) for r in rows]


def common_gutter(shares: Sequence[float]) -> float | None:
    """The gutter most two-column pages of a file share, as a share of the page width.

    At least two pages must show it; the median of those within 3% of the width of it.

    >>> common_gutter([0.5, 0.51, 0.49]), common_gutter([0.5])
    (0.5, None)
    """
    if len(shares) < 2:
        return None
    middle = statistics.median(shares)
    close = [s for s in shares if abs(s - middle) <= 0.03]
    return statistics.median(close) if len(close) >= 2 else None


def fits_gutter(lines: Sequence[TextLine], gutter: float, width: float) -> bool:
    """Whether a page's lines keep to the two columns of ``gutter``: a column of long lines
    on one side at least, and few lines across it.

    >>> left = [TextLine("左" * 12, 60, 280, y, y + 12, 12) for y in range(100, 400, 20)]
    >>> fits_gutter(left + [TextLine("二〇〇六年", 410, 530, 700, 712, 12)], 295, 595)
    True
    >>> fits_gutter([TextLine("全" * 30, 60, 530, y, y + 12, 12) for y in range(0, 400, 20)],
    ...             295, 595)
    False
    """
    if not lines:
        return False
    long_lines = [ln for ln in lines if ln.x1 - ln.x0 >= _LONG * width]
    left = sum(1 for ln in long_lines if ln.x1 <= gutter)
    right = sum(1 for ln in long_lines if ln.x0 >= gutter)
    crossing = sum(1 for ln in lines if ln.x0 < gutter < ln.x1)
    return max(left, right) >= _MIN_COLUMN_LINES and crossing <= _MAX_CROSSING * len(lines)
