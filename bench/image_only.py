"""A scanned copy of a text-layer PDF, to measure OCR where the right answer is known.

    .venv/bin/python bench/image_only.py SOURCE.pdf TARGET.pdf [--pages 1-10] [--dpi 150]

The chosen pages (all by default) are rendered at ``--dpi``, thresholded to black and white as a
flatbed scanner would (as ``tests/test_ocr.py`` makes its scans) and stored as images without
any text; the other pages keep their text layer, so ``--pages`` makes a mixed file. The
source's truth (``SOURCE.truth.json`` beside it, else its golden list in ``tests/golden``) is
copied beside the target as ``TARGET.truth.json``, which ``bench/extraction.py`` reads.
"""

from __future__ import annotations

import argparse
import io
import shutil
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from extraction import truth_for

# The threshold tests/test_ocr.py makes its black-and-white scans with.
THRESHOLD = 160


def parse_pages(spec: str, count: int) -> list[int]:
    """1-based page numbers from ``"1-3,7"`` (``""``: every page of ``count``).

    >>> parse_pages("1-3,7", 10), parse_pages("", 3)
    ([1, 2, 3, 7], [1, 2, 3])
    """
    if not spec.strip():
        return list(range(1, count + 1))
    pages: list[int] = []
    for part in spec.split(","):
        first, _, last = part.strip().partition("-")
        pages += range(int(first), int(last or first) + 1)
    return sorted(set(pages))


def image_page(document: Any, number: int, dpi: int) -> Any:
    """Page ``number`` of a pypdfium2 document as a one-page PDF holding only its black-and-white
    image, opened with pypdfium2."""
    import pypdfium2 as pdfium  # type: ignore[import-untyped]

    page = document[number - 1]
    try:
        gray = page.render(scale=dpi / 72, grayscale=True).to_pil()
    finally:
        page.close()
    bilevel = gray.point(lambda v: 255 if v > THRESHOLD else 0).convert("1")
    buffer = io.BytesIO()
    bilevel.save(buffer, format="PDF", resolution=float(dpi))
    return pdfium.PdfDocument(buffer.getvalue())


def image_only_copy(source: Path, target: Path, pages: Iterable[int] = (), dpi: int = 150) -> Path:
    """``source`` with ``pages`` (1-based; none given: all) turned into images without text,
    written to ``target``; its truth file is copied beside it when there is one."""
    import pypdfium2 as pdfium

    original = pdfium.PdfDocument(str(source))
    count = len(original)
    scanned = sorted(set(pages)) or list(range(1, count + 1))
    # A mixed copy is the source with pages swapped, so that its pages keep sharing their fonts
    # (importing them one by one into a new file copied the fonts for each: 97 MB).
    copy = pdfium.PdfDocument.new() if len(scanned) == count else pdfium.PdfDocument(str(source))
    try:
        for number in scanned:
            scan = image_page(original, number, dpi)
            if len(copy) == count:
                copy.del_page(number - 1)
            copy.import_pages(scan, index=number - 1)
            scan.close()
        target.parent.mkdir(parents=True, exist_ok=True)
        copy.save(str(target))
    finally:
        copy.close()
        original.close()
    truth = truth_for(source)
    if truth is not None:
        shutil.copyfile(truth, target.with_name(f"{target.stem}.truth.json"))
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("target", type=Path)
    parser.add_argument("--pages", default="", help="pages to scan, e.g. 1-10,12 (default: all)")
    parser.add_argument("--dpi", type=int, default=150)
    args = parser.parse_args(argv)
    import pypdfium2 as pdfium

    original = pdfium.PdfDocument(str(args.source))
    count = len(original)
    original.close()
    pages = parse_pages(args.pages, count)
    image_only_copy(args.source, args.target, pages, args.dpi)
    print(f"{args.target}: {len(pages)} of {count} pages as images at {args.dpi} dpi")
    return 0


if __name__ == "__main__":
    sys.exit(main())
