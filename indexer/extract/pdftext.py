"""From PDF rows to clean page text: running headers, page numbers, paragraphs, headings, tables.

The geometry decides what plain text cannot: a body line that reaches the right margin continues
in the next line unless that one is indented; consecutive lines in a larger font are one heading;
rows with distant cells are table rows. Headers and footers are the rows at a page's edge that
are page numbers or repeat on many pages.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from indexer.extract.columns import FULL, LEFT, RIGHT, reading_order
from indexer.extract.pdfread import RawPage, Row
from indexer.extract.textclean import (
    TOC_TAIL,
    clean_line,
    edge_key,
    page_number,
    repeated_lines,
    starts_item,
)

_EDGE_ROWS = 3
_EDGE_BAND = 0.2  # share of the page height in which page numbers are looked for
_HEADER_BAND = 0.1  # and running headers and footers, which sit closer to the edge
_HEADING_RATIO = 1.18


@dataclass
class PageText:
    """Paragraphs of one page; ``open_end``/``open_start`` mark a paragraph running on."""

    number: int
    paragraphs: list[str] = field(default_factory=list)
    printed: int | None = None
    has_text: bool = True
    open_end: bool = False
    open_start: bool = False


@dataclass(frozen=True)
class _Metrics:
    body: float  # the body font size
    left: float
    right: float

    def full(self, row: Row) -> bool:
        """A line of running text that reaches the right margin, so its sentence may go on.

        A line that starts far in (a signature or date set flush right) ends its paragraph.
        """
        return row.x1 >= self.right - 1.5 * self.body and row.x0 <= self.left + 4 * self.body

    def indented(self, row: Row) -> bool:
        return row.x0 > self.left + 0.8 * self.body or row.text[:1] in " \u3000"


def pdf_pages_text(pages: Sequence[RawPage]) -> list[PageText]:
    """Clean text of every page: edges removed, paragraphs and headings joined.

    A paragraph that runs from the foot of one page onto the next is completed on the first
    page, so that a document's text reads on across page breaks.
    """
    body = _body_size(pages)
    repeated = repeated_lines([[edge_key(r.text) for r in _edge_rows(p)] for p in pages])
    fallback = _doc_margins(pages, body)
    out: list[PageText] = []
    for page in pages:
        rows, printed = _strip_edges(page, repeated)
        size = _body_size([page], min_chars=200) or body
        metrics = _column_margins(rows, size, fallback[page.number % 2])
        out.append(_page_text(page, reading_order(rows), printed, metrics))
    _join_across_pages(out)
    return out


def _body_size(pages: Sequence[RawPage], min_chars: int = 1) -> float:
    """The font size most of the text is set in; 0 when there are fewer than ``min_chars``."""
    weights: Counter[float] = Counter()
    for page in pages:
        for row in page.rows:
            if row.cells == 1:
                weights[round(row.size * 2) / 2] += len(row.text)
    if sum(weights.values()) < min_chars:
        return 0.0 if min_chars > 1 else 12.0
    return weights.most_common(1)[0][0]


def _edge_rows(page: RawPage) -> list[Row]:
    top = [r for r in page.rows[:_EDGE_ROWS] if _in_band(page, r, True, _HEADER_BAND)]
    bottom = [r for r in page.rows[-_EDGE_ROWS:] if _in_band(page, r, False, _HEADER_BAND)]
    return top + bottom


def _in_band(page: RawPage, row: Row, top: bool, band: float) -> bool:
    return row.y0 >= page.height * (1 - band) if top else row.y1 <= page.height * band


def _strip_edges(page: RawPage, repeated: set[str]) -> tuple[list[Row], int | None]:
    """The page's rows without running headers and footers, and the printed page number."""
    rows = list(page.rows)
    printed: int | None = None
    for from_top in (True, False):
        for _ in range(_EDGE_ROWS):
            if not rows:
                break
            row = rows[0] if from_top else rows[-1]
            number = page_number(row.text) if _in_band(page, row, from_top, _EDGE_BAND) else None
            if number is not None and printed is None:
                printed = number
            elif not (
                _in_band(page, row, from_top, _HEADER_BAND) and edge_key(row.text) in repeated
            ):
                break
            rows.pop(0 if from_top else -1)
    return rows, printed


def _doc_margins(pages: Sequence[RawPage], body: float) -> dict[int, _Metrics]:
    """Left and right text margins over all pages, separately for odd and even pages.

    Rows of two-column pages count only where no page is set in one column.
    """
    result = {}
    body_rows = [(p.number % 2, r) for p in pages for r in p.rows if _is_body(r, body)]
    wide = [(parity, r) for parity, r in body_rows if r.column == FULL] or body_rows
    for parity in (0, 1):
        rows = [r for k, r in wide if k == parity] or [r for _, r in wide]
        result[parity] = _margins(rows, body) or _Metrics(body, 0.0, 10**6)
    return result


def _column_margins(rows: Sequence[Row], body: float, fallback: _Metrics) -> dict[int, _Metrics]:
    """The margins of the page's full width and of each of its columns, if it has them."""
    result = {FULL: _page_margins([r for r in rows if r.column == FULL], body, fallback)}
    for column in (LEFT, RIGHT):
        own = [r for r in rows if r.column == column]
        if own:
            edges = _Metrics(body, min(r.x0 for r in own), max(r.x1 for r in own))
            result[column] = _page_margins(own, body, edges)
    return result


def _page_margins(rows: Sequence[Row], body: float, fallback: _Metrics) -> _Metrics:
    """The page's own margins where its rows show them, else the document's."""
    found = [r for r in rows if _is_body(r, body)]
    if len(found) < 2:
        return fallback
    lefts = Counter(round(r.x0) for r in found)
    repeated = [x for x, n in lefts.items() if n >= 2]
    left = float(min(repeated) if len(found) >= 6 and repeated else min(lefts))
    rights = sorted((r.x1 for r in found), reverse=True)
    right = fallback.right
    if len(rights) >= 5:
        third = rights[2]
        # A narrower text block is trusted only when several long lines end at its edge.
        near = sum(1 for r in found if r.x1 >= third - body / 2 and len(r.text.strip()) >= 15)
        if third >= fallback.right - 4 * body or near >= 4:
            right = third
    elif rights[0] > fallback.right + 2 * body:
        right = rights[0]
    return _Metrics(body, left, right)


def _margins(rows: Sequence[Row], body: float) -> _Metrics | None:
    if len(rows) < 4:
        return None
    rights = sorted((r.x1 for r in rows), reverse=True)
    lefts = Counter(round(r.x0) for r in rows)
    floor = min(2, lefts.most_common(1)[0][1])
    left = min(x for x, n in lefts.items() if n >= max(floor, lefts.most_common(1)[0][1] // 3))
    return _Metrics(body, float(left), float(rights[min(2, len(rights) - 1)]))


def _is_body(row: Row, body: float) -> bool:
    return row.cells == 1 and abs(row.size - body) <= 0.15 * body


def _kind(row: Row, body: float) -> str:
    if row.cells > 1:
        return "table"
    return "heading" if row.size >= body * _HEADING_RATIO else "body"


def _page_text(
    page: RawPage, rows: list[Row], printed: int | None, metrics: dict[int, _Metrics]
) -> PageText:
    text = PageText(page.number, printed=printed, has_text=page.has_text)
    paras: list[list[Row]] = []
    kinds: list[str] = []
    for row in rows:
        m = metrics[row.column]
        kind = _kind(row, m.body)
        if paras and _same_paragraph(kinds[-1], paras[-1][-1], kind, row, metrics):
            paras[-1].append(row)
        else:
            paras.append([row])
            kinds.append(kind)
    text.paragraphs = [
        p for p in (_render(rows, kind) for rows, kind in zip(paras, kinds, strict=True)) if p
    ]
    if paras:
        first, last = paras[0][0], paras[-1][-1]
        text.open_start = (
            kinds[0] == "body"
            and not metrics[first.column].indented(first)
            and not starts_item(first.text)
        )
        text.open_end = (
            kinds[-1] == "body"
            and metrics[last.column].full(last)
            and not TOC_TAIL.search(last.text)
        )
    return text


def _same_paragraph(
    prev_kind: str, prev: Row, kind: str, row: Row, metrics: dict[int, _Metrics]
) -> bool:
    """Whether ``row`` goes on the paragraph ``prev`` ends; from the foot of a left column to
    the head of the right one the gap is negative, and a full line runs on there too."""
    gap = prev.y0 - row.y1
    if kind != prev_kind or gap > 2.0 * max(row.size, prev.size):
        return False
    if kind == "table":
        return True
    if kind == "heading":
        return abs(row.size - prev.size) <= 0.08 * prev.size and gap <= 1.2 * row.size
    if (
        abs(row.size - prev.size) > 0.1 * prev.size
        or not metrics[prev.column].full(prev)
        or metrics[row.column].indented(row)
    ):
        return False
    if TOC_TAIL.search(prev.text):
        return False
    return not starts_item(row.text)


def _render(rows: list[Row], kind: str) -> str:
    if kind == "table":
        return "\n".join(t for t in (clean_line(r.text) for r in rows) if t)
    parts = [clean_line(r.text) for r in rows]
    return _glue([p for p in parts if p])


def _glue(parts: list[str]) -> str:
    """Join the lines of one paragraph: no space, except between two Latin words."""
    out = ""
    for part in parts:
        if (
            out
            and out[-1].isascii()
            and out[-1].isalnum()
            and part[0].isascii()
            and part[0].isalnum()
        ):
            out += " "
        out += part
    return out


def _join_across_pages(pages: list[PageText]) -> None:
    """Complete a paragraph cut by a page break with the head of the next page's text."""
    prev: PageText | None = None
    for page in pages:
        if not page.paragraphs:
            continue
        if prev is not None and prev.open_end and page.open_start:
            prev.paragraphs[-1] = _glue([prev.paragraphs[-1], page.paragraphs.pop(0)])
            page.open_start = False
            if not page.paragraphs:
                # The whole page continued the paragraph, which may run on once more.
                prev.open_end = page.open_end
                continue
        prev = page
