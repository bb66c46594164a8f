"""Placing an issue's words on pages, and drawing the pages with ReportLab.

Layout is done on a page model first (:class:`Sheet`: placed lines and rules), so the same
pages can be drawn into a PDF and read back as the text an OCR engine would see. Text flows
through one or two columns; a title never splits from the start of its document, and a
document's start page is recorded as it is placed, which is what makes the truth's pages true.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

MM = 72 / 25.4
PAPER = {"a4": (210 * MM, 297 * MM), "16k": (184 * MM, 260 * MM)}
# Debian packages: fonts-arphic-uming (宋体-like), fonts-arphic-ukai (楷体), fonts-wqy-zenhei
# (黑体); WenQuanYi Micro Hei (fonts-wqy-microhei) stands in for any that is missing.
FONT_FILES = {
    "Song": "/usr/share/fonts/truetype/arphic/uming.ttc",
    "Kai": "/usr/share/fonts/truetype/arphic/ukai.ttc",
    "Hei": "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
}
FALLBACK = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
RED = (0.8, 0.05, 0.05)


def register_fonts() -> list[str]:
    """Register the three faces; returns the font files actually used (for the README's note)."""
    used = []
    for name, path in FONT_FILES.items():
        chosen = path if Path(path).is_file() else FALLBACK
        if not Path(chosen).is_file():
            raise SystemExit(f"no CJK font: install fonts-wqy-microhei ({chosen})")
        pdfmetrics.registerFont(TTFont(name, chosen, subfontIndex=0))
        used.append(chosen)
    return used


@cache
def _unit_width(font: str, ch: str) -> float:
    return float(pdfmetrics.stringWidth(ch, font, 1))


def text_width(text: str, font: str, size: float) -> float:
    return sum(_unit_width(font, ch) for ch in text) * size


# Punctuation a Chinese line never starts with: it hangs in the margin instead (避头点).
NO_LINE_START = "，。、；：？！）》」』”’"


def wrap(text: str, width: float, font: str, size: float) -> list[str]:
    """Break ``text`` into lines no wider than ``width``; Chinese breaks anywhere."""
    lines, current, used = [], "", 0.0
    for ch in text:
        w = _unit_width(font, ch) * size
        if current and used + w > width and ch not in NO_LINE_START:
            lines.append(current)
            current, used = "", 0.0
        current += ch
        used += w
    return [*lines, current] if current or not lines else lines


def balance(text: str, width: float, size: float, most: int = 18) -> list[str]:
    """A centred title's lines: as few as fit (at most ``most`` characters each), of even length,
    as a gazette's typesetter breaks a title rather than filling lines to the margin.

    >>> balance("国务院关于加快推进农业机械化和农机装备产业转型升级的指导意见", 300, 16)
    ['国务院关于加快推进农业机械化和', '农机装备产业转型升级的指导意见']
    """
    per_line = max(1, min(most, int(width / size)))
    count = -(-len(text) // per_line)
    step = -(-len(text) // count)
    return [text[i : i + step] for i in range(0, len(text), step)]


@dataclass
class Line:
    """A placed line of text: ``role`` is body, header or footer (OCR reads them all)."""

    text: str
    x: float
    y: float
    font: str
    size: float
    red: bool = False
    role: str = "body"


@dataclass
class Sheet:
    """One page of the model: what it prints, where, and its printed number."""

    kind: str  # cover | contents | body | back
    printed: int | None = None
    lines: list[Line] = field(default_factory=list)
    rules: list[tuple[float, float, float, float, bool]] = field(default_factory=list)


@dataclass(frozen=True)
class Frame:
    """The text area of a page and its columns."""

    paper: str
    columns: int = 1
    gap: float = 18.0

    @property
    def size(self) -> tuple[float, float]:
        return PAPER[self.paper]

    @property
    def margin(self) -> float:
        return (24 if self.paper == "a4" else 19) * MM

    @property
    def top(self) -> float:
        return self.size[1] - self.margin - 8 * MM

    @property
    def bottom(self) -> float:
        return self.margin + 4 * MM

    @property
    def column_width(self) -> float:
        full = self.size[0] - 2 * self.margin
        return (full - (self.columns - 1) * self.gap) / self.columns

    def column_x(self, column: int) -> float:
        return self.margin + column * (self.column_width + self.gap)


class Flow:
    """Lines poured into columns and pages of one kind; a new page when the last one is full."""

    def __init__(self, frame: Frame, kind: str) -> None:
        self.frame = frame
        self.kind = kind
        self.sheets: list[Sheet] = []
        self.column = 0
        self.y = 0.0
        self.new_page()

    def new_page(self) -> None:
        self.sheets.append(Sheet(self.kind))
        self.column, self.y = 0, self.frame.top

    @property
    def sheet(self) -> Sheet:
        return self.sheets[-1]

    def at_top(self) -> bool:
        return self.column == 0 and self.y == self.frame.top

    def room(self, height: float) -> None:
        """Move to the next column or page unless ``height`` still fits in this column."""
        if self.y - height >= self.frame.bottom or self.y == self.frame.top:
            return
        if self.column + 1 < self.frame.columns:
            self.column, self.y = self.column + 1, self.frame.top
        else:
            self.new_page()

    def skip(self, height: float) -> None:
        if not self.at_top() and self.y != self.frame.top:
            self.y -= height

    def put(
        self, text: str, font: str, size: float, align: str = "left", red: bool = False
    ) -> None:
        """One line at the current position, aligned in the current column."""
        lead = size * 1.55
        self.room(lead)
        self.y -= lead
        x0, width = self.frame.column_x(self.column), self.frame.column_width
        used = text_width(text, font, size)
        x = {"left": x0, "center": x0 + (width - used) / 2, "right": x0 + width - used}[align]
        self.sheet.lines.append(Line(text, x, self.y, font, size, red))

    def put_at_margin(self, text: str, font: str, size: float) -> None:
        """Text right-aligned on the line just placed (a contents entry's page number)."""
        x0, width = self.frame.column_x(self.column), self.frame.column_width
        x = x0 + width - text_width(text, font, size)
        self.sheet.lines.append(Line(text, x, self.y, font, size))

    def paragraph(self, text: str, font: str, size: float, indent: str = "　　") -> None:
        for line in wrap(indent + text, self.frame.column_width, font, size):
            self.put(line, font, size)

    def rule(self, red: bool = False) -> None:
        self.y -= 6
        x0 = self.frame.column_x(self.column)
        self.sheet.rules.append((x0, self.y, x0 + self.frame.column_width, self.y, red))
        self.y -= 6

    def table(self, rows: list[list[str]], size: float) -> None:
        """A ruled table, one line per cell, the header row repeated on a new page."""
        x0, width = self.frame.column_x(self.column), self.frame.column_width
        weights = [max(2, *(len(r[i]) for r in rows)) for i in range(len(rows[0]))]
        widths = [width * w / sum(weights) for w in weights]
        height = size * 2
        for index, row in enumerate(rows):
            if self.y - height < self.frame.bottom:
                self.room(height * 2)
                if index:
                    self._row(rows[0], x0, widths, height, size)
            self._row(row, x0, widths, height, size)

    def _row(self, row: list[str], x0: float, widths: list[float], h: float, size: float) -> None:
        top, x = self.y, x0
        self.y -= h
        for cell, w in zip(row, widths, strict=True):
            text = wrap(cell, w - 4, "Song", size)[0]
            self.sheet.lines.append(Line(text, x + 2, self.y + h * 0.3, "Song", size))
            self.sheet.rules.append((x, top, x, self.y, False))
            x += w
        self.sheet.rules.append((x, top, x, self.y, False))
        self.sheet.rules.append((x0, top, x, top, False))
        self.sheet.rules.append((x0, self.y, x, self.y, False))


def decorate(
    sheets: list[Sheet],
    frame: Frame,
    header: Callable[[int], tuple[str, str]] | None,
    footer: Callable[[int], str],
) -> None:
    """Running headers and footers on the numbered pages (``header`` gives left, right text)."""
    width, _ = frame.size
    for sheet in sheets:
        if sheet.printed is None:
            continue
        if header:
            left, right = header(sheet.printed)
            y = frame.top + 6 * MM
            for text, x in ((left, frame.margin), (right, width - frame.margin)):
                if text:
                    x = x - text_width(text, "Hei", 9) if x > width / 2 else x
                    sheet.lines.append(Line(text, x, y, "Hei", 9, role="header"))
            sheet.rules.append((frame.margin, y - 4, width - frame.margin, y - 4, False))
        _footer(sheet, frame, footer(sheet.printed))


def _footer(sheet: Sheet, frame: Frame, text: str) -> None:
    width, _ = frame.size
    used = text_width(text, "Song", 10)
    if text.isdigit():  # a bare number sits at the outer corner
        x = width - frame.margin - used if (sheet.printed or 0) % 2 else frame.margin
    else:
        x = (width - used) / 2
    sheet.lines.append(Line(text, x, frame.margin - 2 * MM, "Song", 10, role="footer"))


def draw(sheets: list[Sheet], frame: Frame, path: Path, title: str) -> None:
    """Write the pages to ``path``; ``invariant`` keeps the bytes the same from run to run."""
    canvas = Canvas(str(path), pagesize=frame.size, invariant=1)
    canvas.setTitle(title)
    for sheet in sheets:
        for x1, y1, x2, y2, red in sheet.rules:
            canvas.setStrokeColorRGB(*(RED if red else (0, 0, 0)))
            canvas.setLineWidth(1.5 if red else 0.6)
            canvas.line(x1, y1, x2, y2)
        for line in sheet.lines:
            canvas.setFillColorRGB(*(RED if line.red else (0, 0, 0)))
            canvas.setFont(line.font, line.size)
            canvas.drawString(line.x, line.y, line.text)
        canvas.showPage()
    canvas.save()
