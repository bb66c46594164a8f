"""The page record every extractor returns, whatever the file type."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Page:
    """One page of a source file as clean text.

    ``number`` is the 1-based page in the PDF (None for text without page breaks); ``printed``
    is the page number printed in its footer or header, when there was one; ``has_text`` is
    False for a page without a text layer (a scan); ``error`` says why a page could not be read
    at all (it is then empty); ``continues`` is True when the page's first line goes on with
    the last line of the page before (a sentence cut by a footer an OCR engine left in it);
    ``ocr_confidence`` is the mean recognition score of a page whose text came from OCR, and
    None for every other page; ``ocr_lines`` are the lines OCR read on it with their scores
    (see :attr:`indexer.extract.ocr.OcrPage.lines`), for the review of low-confidence fields.
    """

    number: int | None
    text: str
    printed: int | None
    has_text: bool
    error: str = ""
    continues: bool = False
    ocr_confidence: float | None = None
    ocr_lines: tuple[tuple[str, float], ...] = ()
