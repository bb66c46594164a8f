"""Pages without a text layer: render them, recognise their lines, hand them on as text lines.

A scanned gazette page is rendered with pypdfium2 and read by RapidOCR (PaddleOCR's PP-OCRv4
Chinese models run by onnxruntime; the models ship in its wheel, nothing is downloaded). Each
recognised line becomes a :class:`~indexer.extract.pdftables.TextLine` in PDF points, so the
page goes through the same layout as a text-layer page (:func:`indexer.extract.rows.lay_out`,
:func:`indexer.extract.pdftext.pdf_pages_text`): rows, columns, running headers and footers,
page numbers and paragraphs come out exactly as they would from the PDF's own text.

The engine's box is as high as the line's ink (brackets reach above and below the characters),
so a line's font size is read from its width per character instead, bounded by the box height:
that keeps headings, body and notes apart the way the PDF's font sizes do.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from indexer.errors import ExtractionError
from indexer.extract.ocrcache import OcrBox, OcrCache, image_key
from indexer.extract.pdftables import TextLine
from indexer.extract.rows import PageLines, RawPage

__all__ = [
    "DEFAULT_DPI",
    "PAGE_IMAGE_DPI",
    "OcrOptions",
    "OcrPage",
    "engine_name",
    "needs_ocr",
    "page_image",
    "page_lines",
    "recognise_pages",
]

# On the first gazette pages tried, 150 dpi misread a 文号 bracket that 200 dpi read right, at
# about the same cost per page (detection runs on a scaled-down copy either way).
DEFAULT_DPI = 200
# A page shown to a reader beside OCR'd text: legible on a screen (an A4 page is 910 pixels wide),
# small enough to send (a scanned page is 100 to 300 kB as PNG); a page of an odd size is shrunk
# to fit PAGE_IMAGE_MAX_SIDE pixels rather than rendered into a bitmap of gigabytes.
PAGE_IMAGE_DPI = 110
PAGE_IMAGE_MAX_SIDE = 3000
ENGINE_PACKAGE = "rapidocr-onnxruntime"
# The engine reads the page at full size (its default shrinks pages over 2,000 pixels, a 200-dpi
# A4 page among them). Detecting lines on a copy scaled to 1,280 pixels was a quarter cheaper
# and read 文号 better, but missed contents page numbers: 92.3% of fields right on the scanned
# gazette against 98.1% (README, "Scanned gazettes"). No angle classifier: pages are upright.
ENGINE_SETTINGS: dict[str, Any] = {"max_side_len": 4000}
# Lines the engine is less sure of than this are noise (specks, seals, rules read as text).
MIN_SCORE = 0.5
# A text layer is garbage when at least this share of its characters are replacement or private
# use glyphs, or pdfminer's (cid:N) for glyphs without a Unicode map.
_GARBAGE_SHARE = 0.5
_CID = re.compile(r"\(cid:\d+\)")
# OCR misreadings that no gazette means: the radical 丶 for the enumeration comma, and a 文号
# year in brackets of two kinds (〔2023】), which no 文号 rule would read.
_FIXES = str.maketrans({"丶": "、"})
# The closing bracket of a 文号's year is read as 」 or 』 too (on grey renderings).
_YEAR_BRACKETS = re.compile(r"([〔【\[［「])\s*((?:19|20)\d\d)\s*([〕】\]］」』])")
_PAIRS = {"〔": "〕", "【": "】", "[": "]", "［": "］", "「": "」"}
# A page-number footer whose dashes were read as the numeral 一 (``一 1 一``).
_FOOTER = re.compile(r"^[一—－\-\s]*\d{1,4}[一—－\-\s]*$")


@dataclass(frozen=True)
class OcrOptions:
    """How pages without a text layer are treated.

    ``enabled`` False refuses them as before (``[index] ocr = "off"``, ``--no-ocr``);
    ``cache`` is the folder of :class:`~indexer.extract.ocrcache.OcrCache` (None: no cache);
    ``threads`` bounds the engine's threads (0: onnxruntime's default, every core), so that
    parallel workers do not fight over the cores; ``on_plan`` is told how many pages are about
    to be recognised, before the first one is (the indexer extends the file's time limit);
    ``on_page`` is told each page's cache key once the page is read, ``""`` when it could not
    be (the indexer counts the pages for its progress display and records which cache entries
    each source uses, see :func:`indexer.extract.ocrcache.prune_cache`).
    """

    enabled: bool = True
    cache: Path | None = None
    dpi: int = DEFAULT_DPI
    threads: int = 0
    on_plan: Callable[[int], None] | None = None
    on_page: Callable[[str], None] | None = None


@dataclass(frozen=True)
class OcrPage:
    """What OCR read on one page: its size in points, the points per pixel, and the boxes;
    ``error`` says why the engine failed on it (the page is then empty); ``key`` names its
    rendered image in the cache (``""`` when it could not be rendered)."""

    number: int
    width: float
    height: float
    scale: float
    boxes: tuple[OcrBox, ...]
    error: str = ""
    key: str = ""

    @property
    def confidence(self) -> float | None:
        """The mean recognition score over the page's characters (None: nothing was read).

        >>> boxes = (OcrBox(0, 0, 1, 1, "通知", 0.9), OcrBox(0, 2, 1, 3, "令", 0.6))
        >>> OcrPage(1, 10.0, 10.0, 1.0, boxes).confidence
        0.8
        """
        chars = sum(len(b.text) for b in self.boxes)
        if not chars:
            return None
        return round(sum(b.score * len(b.text) for b in self.boxes) / chars, 4)

    @property
    def lines(self) -> tuple[tuple[str, float], ...]:
        """Each line read, as the page's text gives it, with its recognition score: what the
        metadata stage needs to say which fields were read with little confidence.

        >>> OcrPage(1, 10.0, 10.0, 1.0, (OcrBox(0, 0, 1, 1, "离政发〔2023】3号", 0.7),)).lines
        (('离政发〔2023〕3号', 0.7),)
        """
        found = ((fix_text(box.text).strip(), box.score) for box in self.boxes)
        return tuple((text, score) for text, score in found if text)


def needs_ocr(page: RawPage) -> bool:
    """Whether a page is to be read by OCR: an image without any text, or a text layer that is
    mostly replacement or private-use glyphs. A page pdfminer could not read is not: it is
    reported as unreadable.
    """
    if page.error:
        return False
    if not page.has_text:
        return page.has_images
    text = "".join(row.text for row in page.rows)
    cids = len(_CID.findall(text))
    text = _CID.sub("", text)
    chars = [ch for ch in text if not ch.isspace()]
    bad = cids + sum(1 for ch in chars if ch == "\ufffd" or unicodedata.category(ch) == "Co")
    return bad >= _GARBAGE_SHARE * (cids + len(chars))


@cache
def engine_name() -> str:
    """The engine, its version and settings, part of every cache key: a new engine, or the same
    one set differently, reads pages anew."""
    from importlib.metadata import version

    settings = ",".join(f"{k}={v}" for k, v in sorted(ENGINE_SETTINGS.items()))
    return f"{ENGINE_PACKAGE} {version(ENGINE_PACKAGE)} {settings} min_score={MIN_SCORE}"


def recognise_pages(path: Path, numbers: Sequence[int], options: OcrOptions) -> list[OcrPage]:
    """Render and read the pages ``numbers`` (1-based) of the PDF at ``path``.

    Pages found in the cache are not recognised again. The engine is loaded only for a page
    that is not there.
    """
    import pypdfium2 as pdfium  # type: ignore[import-untyped]

    if options.on_plan is not None:
        options.on_plan(len(numbers))
    store = OcrCache(options.cache) if options.cache is not None else None
    try:
        document = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:  # pdfminer read what pdfium cannot: a damaged file
        reason = f"cannot render for OCR ({_last_line(exc)})"
        return [_told(options, _failed(number, reason)) for number in numbers]
    try:
        return [
            _told(options, _recognise_page(document, number, options, store)) for number in numbers
        ]
    finally:
        document.close()


def _told(options: OcrOptions, page: OcrPage) -> OcrPage:
    """``page``, once ``options.on_page`` knows it is done (with its key, if it was read)."""
    if options.on_page is not None:
        options.on_page("" if page.error else page.key)
    return page


def page_image(path: Path, number: int, dpi: int = PAGE_IMAGE_DPI) -> bytes:
    """Page ``number`` (1-based) of the PDF at ``path`` as a PNG, in colour, for a reader to
    check the text OCR read from it.

    Raises :class:`ExtractionError` when the file cannot be opened or rendered, or has no
    such page.
    """
    import io

    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(str(path))
    except (pdfium.PdfiumError, OSError) as exc:
        raise ExtractionError(path, f"cannot render ({_last_line(exc)})") from None
    try:
        if not 1 <= number <= len(document):
            raise ExtractionError(path, f"no page {number} (it has {len(document)})")
        try:
            _, _, bitmap = _render(document, number, dpi, PAGE_IMAGE_MAX_SIDE, grayscale=False)
            out = io.BytesIO()
            bitmap.to_pil().save(out, format="PNG", optimize=False)
        except MemoryError:
            raise
        except Exception as exc:  # pdfium's errors, whatever the damage
            raise ExtractionError(path, f"cannot render ({_last_line(exc)})", number) from None
        return out.getvalue()
    finally:
        document.close()


def _render(
    document: Any, number: int, dpi: int, max_side: int = 0, grayscale: bool = True
) -> tuple[float, float, Any]:
    """Page ``number`` of an open document: its size in points and its bitmap at ``dpi``, or
    smaller where that would be wider or higher than ``max_side`` pixels (0: no limit)."""
    page = document[number - 1]
    try:
        width, height = page.get_size()
        scale = dpi / 72.0
        if max_side and max(width, height) * scale > max_side:
            scale = max_side / max(width, height)
        return width, height, page.render(scale=scale, grayscale=grayscale)
    finally:
        page.close()


def _recognise_page(
    document: Any, number: int, options: OcrOptions, store: OcrCache | None
) -> OcrPage:
    """One page rendered and read; a page that cannot be rendered or read carries why."""
    try:
        width, height, bitmap = _render(document, number, options.dpi)
        image = bitmap.to_numpy()
        image = image[:, :, 0] if image.ndim == 3 else image
    except MemoryError:
        raise
    except Exception as exc:  # pdfium's errors, whatever the damage
        return _failed(number, f"cannot render for OCR ({_last_line(exc)})")
    key = _image_key(image, options.dpi)
    try:
        boxes = _read(image, key, options, store)
    except MemoryError:
        raise
    except Exception as exc:  # onnxruntime reports its failures as it pleases
        return _failed(number, _failure(exc))
    return OcrPage(number, width, height, 72.0 / options.dpi, tuple(boxes), key=key)


def _failed(number: int, error: str) -> OcrPage:
    return OcrPage(number, 0.0, 0.0, 1.0, (), error)


def _last_line(exc: Exception) -> str:
    """The last line of an error's message (the engine's hold a whole traceback), cut short."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return (lines[-1] if lines else type(exc).__name__)[:120]


def _failure(exc: Exception) -> str:
    """One line for the page's warning when the engine failed on it."""
    last = _last_line(exc)
    if "bad_alloc" in last or "allocate" in last.lower():
        return "OCR ran out of memory (see [index] file_memory_mb)"
    return f"OCR failed ({last})"


def _image_key(image: Any, dpi: int) -> str:
    """The cache key of a rendered page (a grayscale array)."""
    height, width = image.shape[:2]
    return image_key(engine_name(), dpi, width, height, image.tobytes())


def _read(image: Any, key: str, options: OcrOptions, store: OcrCache | None) -> list[OcrBox]:
    """The boxes of one rendered page, from the cache or from the engine."""
    found = store.get(key) if store is not None else None
    if found is not None:
        return found
    boxes = recognise(image, options.threads)
    if store is not None:
        store.put(key, boxes)
    return boxes


def recognise(image: Any, threads: int = 0) -> list[OcrBox]:
    """Run the engine on one page image (a grayscale array): every line it read with a score
    of at least :data:`MIN_SCORE`, in its reading order."""
    result, _ = _engine(threads)(image, use_cls=False)
    boxes = []
    for points, text, score in result or ():
        xs = [float(p[0]) for p in points]
        ys = [float(p[1]) for p in points]
        if float(score) >= MIN_SCORE and str(text).strip():
            boxes.append(OcrBox(min(xs), min(ys), max(xs), max(ys), str(text), float(score)))
    return boxes


@cache
def _engine(threads: int) -> Any:
    """The engine, loaded once per process (about half a second)."""
    from rapidocr_onnxruntime import RapidOCR  # type: ignore[import-untyped]

    settings = dict(ENGINE_SETTINGS)
    if threads:
        settings["intra_op_num_threads"] = threads
    return RapidOCR(**settings)


def page_lines(page: OcrPage) -> PageLines:
    """The page's lines as text lines in PDF points (origin bottom left), for the layout."""
    lines = [_text_line(box, page) for box in page.boxes]
    lines = [ln for ln in lines if ln.text.strip()]
    # has_text stays False: the page has no text layer; its text is known to be OCR's by the
    # confidence the page carries.
    return PageLines(
        page.number,
        page.width,
        page.height,
        tuple(lines),
        (),
        False,
        has_images=True,
        error=page.error,
    )


def _text_line(box: OcrBox, page: OcrPage) -> TextLine:
    x0, x1 = box.x0 * page.scale, box.x1 * page.scale
    y0, y1 = page.height - box.y1 * page.scale, page.height - box.y0 * page.scale
    text = fix_text(box.text)
    return TextLine(text, x0, x1, y0, y1, font_size(text, x1 - x0, y1 - y0))


def font_size(text: str, width: float, height: float) -> float:
    """A line's font size from its width per character (a wide character is one em, a narrow
    one half), kept between three quarters of the box height and the box height.

    >>> font_size("各乡（镇）人民政府", 126.0, 14.5), font_size("2024", 40.0, 30.0)
    (14.0, 22.5)
    """
    ems = sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.5 for ch in text)
    per_char = width / ems if ems else height
    return round(min(max(per_char, 0.75 * height), height), 2)


def fix_text(text: str) -> str:
    """Undo misreadings that no gazette means.

    >>> fix_text("各乡丶街道，离政发〔2023】32号、离政发[2024]1号")
    '各乡、街道，离政发〔2023〕32号、离政发[2024]1号'
    >>> fix_text("离政函〔2024」6号")
    '离政函〔2024〕6号'
    >>> fix_text("一 1 一"), fix_text("一2—")
    ('— 1 —', '—2—')
    """
    if _FOOTER.match(text):
        return text.replace("一", "—")
    return _YEAR_BRACKETS.sub(_year_brackets, text.translate(_FIXES))


def _year_brackets(m: re.Match[str]) -> str:
    """A year in a matching pair of brackets as printed; in a mixed pair, in 〔〕."""
    if _PAIRS[m[1]] == m[3]:
        return f"{m[1]}{m[2]}{m[3]}"
    return f"〔{m[2]}〕"
