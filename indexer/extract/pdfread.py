"""Read a PDF once with pdfminer.six and return its visual rows with their geometry.

pdfminer is driven page by page (parser → document → interpreter → aggregator) rather than
through ``high_level``, so that each failure can be named: not a PDF, encrypted, truncated or
corrupt, one page too complex. Layout analysis runs once, with ``boxes_flow=None`` because the
reading order is rebuilt here from the coordinates; everything later is derived from the rows.
"""

from __future__ import annotations

import logging
import statistics
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO

from pdfminer.converter import PDFPageAggregator
from pdfminer.layout import (
    LAParams,
    LTAnno,
    LTChar,
    LTContainer,
    LTCurve,
    LTImage,
    LTPage,
    LTTextLine,
)
from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser
from pdfminer.pdftypes import resolve1
from pdfminer.psexceptions import PSEOF

from indexer.errors import ExtractionError
from indexer.extract.pdftables import Row, Rule, TextLine, rule_edges, table_rows
from indexer.extract.rows import PageLines, RawPage, lay_out

__all__ = ["MAX_CHARS_PER_PAGE", "MAX_PAGES", "RawPage", "Row", "read_pdf"]

MAX_PAGES = 5000
# A page with more glyphs than this is a drawing or a broken stream, not gazette text; laying it
# out would take minutes, so it is skipped, with a warning for the page.
MAX_CHARS_PER_PAGE = 40000
# A gazette page's content stream is a few hundred KB at most; a stream that inflates past this
# is a decompression bomb, refused before pdfminer interprets millions of operators.
MAX_CONTENT_BYTES = 16 * 1024 * 1024


_MARKS = set("0123456789*†‡①②③④⑤⑥⑦⑧⑨⑩¹²³⁴⁵⁶⁷⁸⁹⁰")


class _TooComplex(Exception):
    pass


class _BoundedAggregator(PDFPageAggregator):
    """Collects a page's layout but gives up on pages with an absurd number of glyphs."""

    def begin_page(self, page: Any, ctm: Any) -> None:
        self._chars = 0
        # A page that failed inside a form XObject leaves its figure on the stack; start clean.
        self._stack = []
        super().begin_page(page, ctm)

    def render_char(self, *args: Any, **kwargs: Any) -> float:
        self._chars += 1
        if self._chars > MAX_CHARS_PER_PAGE:
            raise _TooComplex
        return float(super().render_char(*args, **kwargs))


@contextmanager
def _quiet_pdfminer() -> Iterator[None]:
    """pdfminer logs a warning for every harmless oddity; keep them out of the CLI's stderr."""
    logger = logging.getLogger("pdfminer")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def read_pdf(path: Path) -> list[RawPage]:
    """The rows of every page of the PDF at ``path``.

    Raises :class:`ExtractionError` with a one-line reason for an empty file, a file that is
    not a PDF, an encrypted, truncated or corrupt PDF.
    """
    with open(path, "rb") as fp, _quiet_pdfminer():
        _check_header(path, fp)
        document = _open_document(path, fp)
        return lay_out(list(_iter_pages(path, document)))


def _check_header(path: Path, fp: BinaryIO) -> None:
    head = fp.read(1024)
    if not head:
        raise ExtractionError(path, "empty file (0 bytes)")
    if b"%PDF-" not in head:
        raise ExtractionError(path, "not a PDF (no %PDF- header)")
    fp.seek(0)


def _open_document(path: Path, fp: BinaryIO) -> PDFDocument:
    try:
        document = PDFDocument(PDFParser(fp), password="")
        # Force the page tree now, so a broken catalog fails here with a clear reason.
        _ = document.catalog["Pages"]
    except PDFPasswordIncorrect:
        raise ExtractionError(path, "encrypted PDF: a password is needed to open it") from None
    except PDFEncryptionError as exc:
        raise ExtractionError(path, f"encrypted PDF: {_reason(exc) or 'unsupported'}") from None
    except (PSEOF, EOFError):
        raise ExtractionError(path, "truncated PDF: unexpected end of file") from None
    except Exception as exc:
        # pdfminer signals broken input with asserts, KeyErrors, zlib and struct errors as well
        # as its own exceptions; whichever it is, the file is corrupt, and that is all we report.
        raise ExtractionError(path, f"corrupt PDF: {_reason(exc) or type(exc).__name__}") from None
    return document


def _reason(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text[:120]


def _iter_pages(path: Path, document: PDFDocument) -> Iterator[PageLines]:
    manager = PDFResourceManager(caching=True)
    device = _BoundedAggregator(
        manager,
        laparams=LAParams(
            line_margin=0.5, char_margin=2.0, word_margin=0.1, boxes_flow=None, all_texts=True
        ),
    )
    interpreter = PDFPageInterpreter(manager, device)
    pages = PDFPage.create_pages(document)
    number = 0
    while True:
        try:
            page = next(pages)
        except StopIteration:
            return
        except Exception as exc:  # a broken page tree, however pdfminer reports it
            if number == 0:
                raise ExtractionError(
                    path, f"corrupt PDF: no readable pages ({_reason(exc)})"
                ) from None
            # The pages after this one are lost; the warning on the next number says so.
            why = _reason(exc) or type(exc).__name__
            reason = f"page tree broken here, later pages lost ({why})"
            yield PageLines(number + 1, 0.0, 0.0, (), (), has_text=False, error=reason)
            return
        number += 1
        if number > MAX_PAGES:
            reason = f"more than {MAX_PAGES:,} pages: this one and the rest not read"
            yield PageLines(number, 0.0, 0.0, (), (), has_text=False, error=reason)
            return
        _check_content_size(path, page, number)
        yield _read_page(interpreter, device, page, number)


def _check_content_size(path: Path, page: PDFPage, number: int) -> None:
    """Refuse a page whose content streams inflate past :data:`MAX_CONTENT_BYTES`."""
    total = 0
    for ref in page.contents:
        try:
            data = resolve1(ref).get_data()
        except Exception:  # unreadable streams are the page reader's business
            continue
        total += len(data) if isinstance(data, bytes) else 0
        if total > MAX_CONTENT_BYTES:
            raise ExtractionError(
                path,
                f"page {number}: content stream inflates past {MAX_CONTENT_BYTES >> 20} MB"
                " (a decompression bomb?)",
            )


def _read_page(
    interpreter: PDFPageInterpreter, device: _BoundedAggregator, page: PDFPage, number: int
) -> PageLines:
    try:
        interpreter.process_page(page)
        layout: LTPage = device.get_result()
    except _TooComplex:
        reason = f"more than {MAX_CHARS_PER_PAGE:,} glyphs, not read"
        return PageLines(number, 0.0, 0.0, (), (), has_text=False, error=reason)
    except Exception as exc:
        # One unreadable page must not cost the rest of the file: it becomes an empty page, and
        # the reason goes to the file's warnings.
        reason = f"unreadable ({_reason(exc) or type(exc).__name__})"
        return PageLines(number, 0.0, 0.0, (), (), has_text=False, error=reason)
    lines: list[TextLine] = []
    rules: list[Rule] = []
    images = _collect(layout, lines, rules)
    table, rest = table_rows(lines, rules)
    x0, y0, x1, y1 = layout.bbox
    return PageLines(
        number, x1 - x0, y1 - y0, tuple(rest), tuple(table), bool(lines), has_images=images
    )


def _collect(container: LTContainer[Any], out: list[TextLine], rules: list[Rule]) -> bool:
    """Gather text lines and drawn strokes under ``container``; True if an image was seen."""
    images = False
    for item in container:
        if isinstance(item, LTTextLine):
            line = _text_line(item)
            if line is not None:
                out.append(line)
        elif isinstance(item, LTCurve):  # LTLine and LTRect are curves too
            rules.extend(rule_edges(item.x0, item.y0, item.x1, item.y1))
        elif isinstance(item, LTImage):
            images = True
        elif isinstance(item, LTContainer):
            images = _collect(item, out, rules) or images
    return images


def _text_line(line: LTTextLine) -> TextLine | None:
    glyphs = [ch for ch in line if isinstance(ch, LTChar)]
    sizes = [ch.size for ch in glyphs if not ch.get_text().isspace()]
    if not sizes:
        return None
    size = float(statistics.median_high(sizes))
    base = statistics.median_low([ch.y0 for ch in glyphs if ch.size >= 0.8 * size] or [line.y0])
    chars: list[tuple[float, str]] = []
    x = line.x0
    for ch in line:
        if isinstance(ch, LTChar):
            if chars and _footnote_mark(ch, size, base):
                continue  # a mark opening the line is the note's own number: kept
            x = (ch.x0 + ch.x1) / 2
            chars.append((x, ch.get_text()))
        elif isinstance(ch, LTAnno) and ch.get_text() != "\n":
            chars.append((x + 0.01, ch.get_text()))
    text = "".join(c for _, c in chars)
    if not text.strip():
        return None
    return TextLine(text, line.x0, line.x1, line.y0, line.y1, size, tuple(chars))


def _footnote_mark(ch: LTChar, size: float, base: float) -> bool:
    """A small raised digit or dagger after a word: a footnote reference, not part of the text.

    Left in, it sticks to the numbers (``常住人口性别比2为 122.443`` for 122.44 with note 3).
    """
    return ch.size <= 0.7 * size and ch.y0 >= base + 0.3 * size and ch.get_text() in _MARKS
