"""File → pages of clean text: the first stage of indexing.

``.pdf`` files are read once with pdfminer.six (:mod:`indexer.extract.pdfread`) and cleaned
from the layout (:mod:`indexer.extract.pdftext`); ``.txt`` files are decoded (UTF-8, BOMs, UTF-16,
GB18030) and cleaned with the same text rules (:mod:`indexer.extract.textclean`). Either way
each page loses its running header, footer and page number, spaces between Chinese characters,
Private Use Area glyphs and line breaks inside sentences.
"""

from __future__ import annotations

import codecs
import contextlib
import re
from pathlib import Path

from indexer.chars import is_han
from indexer.errors import ExtractionError
from indexer.extract.page import Page
from indexer.extract.pdfread import RawPage, read_pdf
from indexer.extract.pdftext import pdf_pages_text
from indexer.extract.textpages import text_pages

__all__ = ["Page", "decode_text", "load_pages", "page_warnings", "text_pages"]

MAX_TEXT_BYTES = 64 * 1024 * 1024
# Gazette text has lines of at most a few thousand characters (a paragraph); a line of millions
# is a data dump or an attack, and would cost minutes of segmentation.
MAX_LINE_CHARS = 1_000_000


def load_pages(path: Path) -> list[Page]:
    """The pages of a ``.pdf`` or ``.txt`` file as clean text.

    Raises :class:`ExtractionError` with a one-line reason for an empty file, a file named
    ``.pdf`` that is not a PDF, an encrypted, truncated or corrupt PDF, a PDF without any text
    layer (``no text layer: scanned? OCR needed``) and text that cannot be decoded.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".pdf", ".txt"):
        raise ExtractionError(path, f"unsupported file type {suffix or '(none)'}")
    try:
        return _load_pdf(path) if suffix == ".pdf" else _load_text(path)
    except OSError as exc:
        raise ExtractionError(path, f"cannot read: {exc.strerror or exc}") from None


def page_warnings(pages: list[Page]) -> list[str]:
    """One line for each page that could not be read, for the file's warnings.

    >>> page_warnings([Page(1, "通知", None, True), Page(2, "", None, False, "unreadable (EOF)")])
    ['page 2: unreadable (EOF)']
    """
    return [f"page {p.number}: {p.error}" for p in pages if p.error]


def _load_pdf(path: Path) -> list[Page]:
    raw = read_pdf(path)
    if not raw:
        raise ExtractionError(path, "PDF has no pages")
    if not any(page.has_text for page in raw):
        raise ExtractionError(path, _no_text_reason(raw))
    errors = {p.number: p.error for p in raw if p.error}
    pages = [
        Page(p.number, "\n\n".join(p.paragraphs), p.printed, p.has_text, errors.get(p.number, ""))
        for p in pdf_pages_text(raw)
    ]
    if not any(page.text for page in pages):
        # Glyphs are there but map to no characters: fonts without a Unicode table.
        raise ExtractionError(path, "text layer without readable characters (no Unicode map)")
    return pages


def _no_text_reason(raw: list[RawPage]) -> str:
    """Why a PDF without any text is refused: its pages could not be read, or it is a scan."""
    failed = [p for p in raw if p.error]
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
