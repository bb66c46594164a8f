"""File → pages of clean text: the first stage of indexing.

``.pdf`` files are read once with pdfminer.six (:mod:`indexer.extract.pdfread`) and cleaned
from the layout (:mod:`indexer.extract.pdftext`); ``.txt`` files are decoded (UTF-8, BOMs, UTF-16,
GB18030) and cleaned with the same text rules (:mod:`indexer.extract.textclean`). Either way
each page loses its running header, footer and page number, spaces between Chinese characters,
Private Use Area glyphs and line breaks inside sentences.

A PDF page without a text layer (a scan), or whose text layer is mostly unmapped glyphs, is
rendered and read by OCR (:mod:`indexer.extract.ocr`) and then laid out like any other page, so
a file of text pages and scanned pages is read page by page.
"""

from __future__ import annotations

import codecs
import contextlib
import re
from dataclasses import replace
from pathlib import Path

from indexer.chars import is_han
from indexer.errors import ExtractionError
from indexer.extract.ocr import OcrOptions, OcrPage, needs_ocr, page_lines, recognise_pages
from indexer.extract.page import Page
from indexer.extract.pdfread import RawPage, read_pdf
from indexer.extract.pdftext import pdf_pages_text
from indexer.extract.rows import lay_out
from indexer.extract.textpages import text_pages

__all__ = ["OcrOptions", "Page", "decode_text", "load_pages", "page_warnings", "text_pages"]

MAX_TEXT_BYTES = 64 * 1024 * 1024
# Gazette text has lines of at most a few thousand characters (a paragraph); a line of millions
# is a data dump or an attack, and would cost minutes of segmentation.
MAX_LINE_CHARS = 1_000_000


def load_pages(path: Path, ocr: OcrOptions | None = None) -> list[Page]:
    """The pages of a ``.pdf`` or ``.txt`` file as clean text.

    ``ocr`` says how pages without a text layer are read (by default: by OCR, without a
    cache). Raises :class:`ExtractionError` with a one-line reason for an empty file, a file
    named ``.pdf`` that is not a PDF, an encrypted, truncated or corrupt PDF, a PDF without
    any text layer when OCR is off (``no text layer: scanned? OCR needed``) or OCR read
    nothing, and text that cannot be decoded.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".pdf", ".txt"):
        raise ExtractionError(path, f"unsupported file type {suffix or '(none)'}")
    try:
        if suffix == ".pdf":
            return _load_pdf(path, ocr if ocr is not None else OcrOptions())
        return _load_text(path)
    except OSError as exc:
        raise ExtractionError(path, f"cannot read: {exc.strerror or exc}") from None


def page_warnings(pages: list[Page]) -> list[str]:
    """One line for each page that could not be read, for the file's warnings.

    >>> page_warnings([Page(1, "通知", None, True), Page(2, "", None, False, "unreadable (EOF)")])
    ['page 2: unreadable (EOF)']
    """
    return [f"page {p.number}: {p.error}" for p in pages if p.error]


def _load_pdf(path: Path, ocr: OcrOptions) -> list[Page]:
    raw = read_pdf(path)
    if not raw:
        raise ExtractionError(path, "PDF has no pages")
    scanned = [p.number for p in raw if needs_ocr(p)] if ocr.enabled else []
    read: dict[int, OcrPage] = {}
    if scanned:
        raw, read = _read_scans(path, raw, scanned, ocr)
    if not any(page.has_text for page in raw) and all(r.confidence is None for r in read.values()):
        raise ExtractionError(path, _no_text_reason(raw, len(scanned)))
    errors = {p.number: p.error for p in raw if p.error}
    pages = [
        Page(
            p.number,
            "\n\n".join(p.paragraphs),
            p.printed,
            p.has_text,
            errors.get(p.number, ""),
            ocr_confidence=read[p.number].confidence if p.number in read else None,
            ocr_lines=read[p.number].lines if p.number in read else (),
        )
        for p in pdf_pages_text(raw)
    ]
    if not any(page.text for page in pages):
        # Glyphs are there but map to no characters: fonts without a Unicode table.
        raise ExtractionError(path, "text layer without readable characters (no Unicode map)")
    return pages


def _read_scans(
    path: Path, raw: list[RawPage], scanned: list[int], ocr: OcrOptions
) -> tuple[list[RawPage], dict[int, OcrPage]]:
    """The pages with the scanned ones read by OCR and laid out (in the columns the scanned
    pages share), and what OCR read on each scanned page, by page number."""
    read = recognise_pages(path, scanned, ocr)
    laid = {page.number: page for page in lay_out([page_lines(p) for p in read if not p.error])}
    failed = {p.number: p.error for p in read if p.error}
    pages = [
        laid.get(p.number) or (replace(p, error=failed[p.number]) if p.number in failed else p)
        for p in raw
    ]
    return pages, {p.number: p for p in read}


def _no_text_reason(raw: list[RawPage], scanned: int = 0) -> str:
    """Why a PDF without any text is refused: its pages could not be read, it is a scan and
    OCR is off, or OCR read nothing on its ``scanned`` pages."""
    failed = [p for p in raw if p.error]
    if scanned:
        why = f" (page {failed[0].number}: {failed[0].error})" if failed else ""
        pages = f"{scanned} scanned page" + ("s" if scanned > 1 else "")
        return f"no text layer, and OCR read no text on its {pages}{why}"
    if not failed:
        return "no text layer: scanned? OCR needed"
    first = f"page {failed[0].number}: {failed[0].error}"
    if len(failed) == len(raw):
        return f"no page could be read ({first})"
    return f"no text layer: scanned? OCR needed; {len(failed)} pages could not be read ({first})"


def _load_text(path: Path) -> list[Page]:
    size = path.stat().st_size
    if size == 0:
        raise ExtractionError(path, "empty file (0 bytes)")
    if size > MAX_TEXT_BYTES:
        raise ExtractionError(path, f"text file larger than {MAX_TEXT_BYTES // 2**20} MB")
    data = path.read_bytes()
    text = decode_text(data, path)
    if not text.strip():
        raise ExtractionError(path, "no text in file")
    longest = max(map(len, text.splitlines()), default=0)
    if longest > MAX_LINE_CHARS:
        raise ExtractionError(
            path, f"a line of {longest:,} characters: not gazette text (limit {MAX_LINE_CHARS:,})"
        )
    return text_pages(text)


def decode_text(data: bytes, path: str | Path = "<text>") -> str:
    """Decode text bytes: BOMs (UTF-8, UTF-16, UTF-32), UTF-16 without BOM, UTF-8, GB18030.

    >>> decode_text("公报".encode("gb18030")), decode_text(codecs.BOM_UTF8 + "公报".encode())
    ('公报', '公报')
    """
    for bom, codec in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            return _decode(data[len(bom) :], codec, path)
    if b"\x00" in data[:4096]:
        with contextlib.suppress(ExtractionError):
            return _decode_utf16(data, path)
        # Not UTF-16: a UTF-8 or GB18030 text with stray NULs, or a binary file; decided below.
    for codec in ("utf-8", "gb18030"):
        try:
            return _drop_controls(data.decode(codec), path)
        except UnicodeDecodeError:
            continue
    raise ExtractionError(path, "cannot decode text: not UTF-8, UTF-16 or GB18030")


_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _drop_controls(text: str, path: str | Path) -> str:
    """Remove control characters but tab, newlines and form feed; mostly controls means binary."""
    cleaned, count = _CONTROLS.subn("", text)
    if count > max(16, len(text) // 20):
        raise ExtractionError(path, "binary file, not text")
    return cleaned


def _decode(data: bytes, codec: str, path: str | Path) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        raise ExtractionError(path, f"cannot decode text as {codec} at byte {exc.start}") from None


def _decode_utf16(data: bytes, path: str | Path) -> str:
    """UTF-16 without a BOM, in whichever byte order reads as text; else it is binary."""
    best, score = "", 0.0
    for codec in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        readable = sum(1 for ch in text if ch.isprintable() or ch in "\n\r\t\f") / max(1, len(text))
        han = sum(1 for ch in text if is_han(ch) or (ch.isascii() and ch.isalnum()))
        if readable > 0.95 and han > score:
            best, score = text, han
    if not best:
        raise ExtractionError(path, "binary file, not text")
    return best
