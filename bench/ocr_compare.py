"""RapidOCR (the product's OCR engine) against Tesseract on gazette pages whose text is known.

    .venv/bin/python bench/ocr_compare.py [--pages 3,5,6] [--no-scan] [--json]

The shared gazette ``lishi-gazette-2024-1.pdf`` has a text layer; each chosen page's text, as
the product's pdfminer reader lays it out in rows (:func:`indexer.extract.pdfread.read_pdf`,
running header and page number included, since OCR reads them too), is the truth. The page is
rendered two ways, as a flatbed scan would give it (150 dpi, black and white, thresholded as
``tests/test_ocr.py`` does) and as the product renders a scanned page (200 dpi grey), and each
image is read by:

- RapidOCR, through the product's own :func:`indexer.extract.ocr.recognise` (no cache, so every
  page is recognised; the engine is loaded before the clock starts);
- Tesseract, ``tesseract IMAGE - -l chi_sim --psm 3 --dpi N`` in a subprocess per page (its
  model is loaded by each process: that is part of what a subprocess engine costs).

Both engines' lines get the product's fixes of OCR misreadings
(:func:`indexer.extract.ocr.fix_text`).
Figures per engine and rendering, summed over the pages:

- ``char%``: 1 − Levenshtein distance / truth length (plain dynamic programming over
  characters), on text normalised as the index does
  (:func:`indexer.analysis.normalise.normalise`) with all whitespace and the contents page's dot
  leaders removed; reading-order differences count as errors for either engine, and on a ruled
  table they dominate (the truth reads a row cell by cell, OCR reads each wrapped cell line);
- ``bag%``: 1 − bag distance / truth length, the bag distance being the larger of the
  characters missed and the characters added, counted as multisets: the same comparison
  without reading order (a lower bound of the edit distance, so ``bag%`` ≥ ``char%``);
- ``文号``: the 文号 the product's recogniser (:func:`indexer.recognise.docnum.find_doc_numbers`)
  finds in the truth, and how many of them it finds in the OCR text;
- ``dates``: the same for dates (:func:`indexer.recognise.dates.iter_dates`);
- ``s/page``: wall-clock seconds per page on this machine (2 cores, shared with other jobs: the
  load average is printed beside the figures).

The one real scan of the corpus (``scan-cdpf-contract-2017-p1.pdf``, the cover of a contract)
has no text layer; its printed text, read off the page by eye, is :data:`SCAN_TEXT` (the
handwritten contract number and year are left out, so an engine that reads them pays for it).
Prints tables and writes ``bench/results/ocr-compare.json`` (with every text read);
``--json`` prints the JSON instead, and ``--rescore FILE`` scores the texts of such a file again
(after a change to the scoring) without running the engines.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from common import SHARED, print_table, save

from indexer.analysis.normalise import normalise
from indexer.extract.ocr import fix_text, recognise
from indexer.extract.pdfread import read_pdf
from indexer.recognise.dates import iter_dates
from indexer.recognise.docnum import find_doc_numbers

GAZETTE = SHARED / "pdf" / "lishi-gazette-2024-1.pdf"
SCAN = SHARED / "pdf" / "scan-cdpf-contract-2017-p1.pdf"
# The 目录, the first page of a notice and of a 实施方案's covering notice (title, 文号, date),
# two pages of ruled tables, a body page with deadlines, and two more notices near the end.
DEFAULT_PAGES = (3, 5, 6, 13, 40, 108, 139, 147)
SCAN_TEXT = """合同编号：
中国残疾人体育运动管理中心
云服务合同
项目名称：中国残疾人体育运运动管理中心云服务
委托方（甲方）：中国残疾人体育运动管理中心
受托人（乙方）：首都信息发展股份有限公司
签定地点：北京
签定日期：年月日
有效期限：年月日至年月日
"""
# The threshold tests/test_ocr.py makes its black-and-white scans with.
THRESHOLD = 160
# Dot leaders of a contents page (and the odd ellipsis: punctuation nobody searches for).
_LEADERS = re.compile(r"[.·・…⋯]{2,}")


@dataclass(frozen=True)
class Rendering:
    """How a page is turned into the image the engines read."""

    name: str
    dpi: int
    bilevel: bool


RENDERINGS = (Rendering("150 dpi bilevel", 150, True), Rendering("200 dpi grey", 200, False))


@dataclass
class Reading:
    """One engine's reading of one page image, scored against the page's truth."""

    source: str
    page: int
    engine: str
    rendering: str
    truth_chars: int
    distance: int
    bag_distance: int
    doc_numbers: int
    doc_numbers_read: int
    dates: int
    dates_read: int
    seconds: float
    text: str


def squeeze(text: str) -> str:
    """Text as compared: normalised as the index normalises it, every whitespace and dot
    leader removed.

    >>> squeeze("离政发 〔２０２４〕 8 号\\n通　知 ……… 1")
    '离政发〔2024〕8号通知1'
    """
    return _LEADERS.sub("", "".join(normalise(text).split()))


def bag_distance(a: str, b: str) -> int:
    """The larger of the characters of ``a`` missing from ``b`` and those ``b`` adds, as
    multisets: what edits would cost if reading order did not matter.

    >>> bag_distance("甲乙丙", "丙乙甲"), bag_distance("甲乙丙", "甲乙丁丁")
    (0, 2)
    """
    want, got = Counter(a), Counter(b)
    return max(sum((want - got).values()), sum((got - want).values()))


def levenshtein(a: str, b: str) -> int:
    """Edits (insert, delete, substitute one character) that turn ``a`` into ``b``.

    >>> levenshtein("离政发〔2024〕8号", "离政友[2024]8号"), levenshtein("", "abc")
    (3, 3)
    """
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def recognisable(text: str) -> str:
    """Text for the 文号 and date recognisers: each line without whitespace, since Tesseract
    spaces out Chinese characters (``离 政 发``) where the product's cleaning would remove it."""
    return "\n".join("".join(line.split()) for line in text.splitlines())


def found(truth: Iterable[str], read: Iterable[str]) -> tuple[int, int]:
    """How many distinct items of ``truth`` there are, and how many of them ``read`` holds."""
    wanted, got = set(truth), set(read)
    return len(wanted), len(wanted & got)


def dates_in(text: str) -> list[str]:
    return [iso for iso, _, _ in iter_dates(text)]


def render(document: Any, number: int, rendering: Rendering) -> Any:
    """Page ``number`` (1-based) as a greyscale PIL image (black and white when bilevel)."""
    page = document[number - 1]
    try:
        image = page.render(scale=rendering.dpi / 72, grayscale=True).to_pil()
    finally:
        page.close()
    if rendering.bilevel:
        image = image.point(lambda v: 255 if v > THRESHOLD else 0)
    return image.convert("L")


def read_rapidocr(image: Any, _dpi: int, _tmp: Path) -> str:
    """The product's engine on one image, every page recognised (no cache)."""
    import numpy as np

    return "\n".join(box.text for box in recognise(np.asarray(image)))


def read_tesseract(image: Any, dpi: int, tmp: Path) -> str:
    """Tesseract on one image, written as a PNG that says its resolution."""
    path = tmp / "page.png"
    image.save(path, dpi=(dpi, dpi))
    command = ["tesseract", str(path), "-", "-l", "chi_sim", "--psm", "3", "--dpi", str(dpi)]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return done.stdout


ENGINES: dict[str, Callable[[Any, int, Path], str]] = {
    "rapidocr": read_rapidocr,
    "tesseract": read_tesseract,
}


def warm_up(tmp: Path) -> None:
    """Load RapidOCR's models and bring Tesseract's into the file cache before any timing."""
    from PIL import Image

    blank = Image.new("L", (64, 64), 255)
    for engine in ENGINES.values():
        engine(blank, 150, tmp)


def score(
    source: str, page: int, truth: str, engine: str, rendering: Rendering, image: Any, tmp: Path
) -> Reading:
    """One engine's reading of one image, timed and compared with ``truth``."""
    started = time.perf_counter()
    raw = ENGINES[engine](image, rendering.dpi, tmp)
    seconds = time.perf_counter() - started
    text = "\n".join(fix_text(line) for line in raw.splitlines() if line.strip())
    return compare(source, page, truth, engine, rendering.name, text, seconds)


def compare(
    source: str, page: int, truth: str, engine: str, rendering: str, text: str, seconds: float
) -> Reading:
    """The figures of one text read from a page whose text is ``truth``."""
    numbers = found(find_doc_numbers(recognisable(truth)), find_doc_numbers(recognisable(text)))
    dates = found(dates_in(recognisable(truth)), dates_in(recognisable(text)))
    want, got = squeeze(truth), squeeze(text)
    return Reading(
        source,
        page,
        engine,
        rendering,
        len(want),
        levenshtein(want, got),
        bag_distance(want, got),
        *numbers,
        *dates,
        round(seconds, 3),
        text,
    )


def rescore(path: Path) -> tuple[list[int], list[Reading]]:
    """The readings saved in an earlier run's JSON, compared with their truth again."""
    saved = json.loads(path.read_text(encoding="utf-8"))
    pages = [int(p) for p in saved["pages"]]
    truths = {GAZETTE.name: gazette_truth(pages), SCAN.name: {1: SCAN_TEXT}}
    readings = [
        compare(
            r["source"],
            r["page"],
            truths[r["source"]][r["page"]],
            r["engine"],
            r["rendering"],
            r["text"],
            r["seconds"],
        )
        for r in saved["readings"]
    ]
    return pages, readings


def gazette_truth(pages: Iterable[int]) -> dict[int, str]:
    """The text-layer rows of the chosen gazette pages, one row a line."""
    wanted = set(pages)
    return {
        page.number: "\n".join(row.text for row in page.rows)
        for page in read_pdf(GAZETTE)
        if page.number in wanted
    }


def read_all(path: Path, truths: dict[int, str], tmp: Path) -> list[Reading]:
    """Every page of ``truths`` in every rendering, read by every engine."""
    import pypdfium2 as pdfium  # type: ignore[import-untyped]

    document = pdfium.PdfDocument(str(path))
    readings = []
    try:
        for number, truth in sorted(truths.items()):
            for rendering in RENDERINGS:
                image = render(document, number, rendering)
                for engine in ENGINES:
                    readings.append(score(path.name, number, truth, engine, rendering, image, tmp))
                    print(f"  {path.name} p{number} {rendering.name} {engine}", file=sys.stderr)
    finally:
        document.close()
    return readings


def summary(readings: list[Reading]) -> list[dict[str, Any]]:
    """One row per source, engine and rendering: the figures over its pages."""
    groups: dict[tuple[str, str, str], list[Reading]] = {}
    for r in readings:
        groups.setdefault((r.source, r.engine, r.rendering), []).append(r)
    rows = []
    for (source, engine, rendering), group in groups.items():
        chars = sum(r.truth_chars for r in group)
        distance = sum(r.distance for r in group)
        numbers = sum(r.doc_numbers for r in group)
        dates = sum(r.dates for r in group)
        rows.append(
            {
                "source": source,
                "engine": engine,
                "rendering": rendering,
                "pages": len(group),
                "chars": chars,
                "char%": _share(distance, chars),
                "bag%": _share(sum(r.bag_distance for r in group), chars),
                "文号": f"{sum(r.doc_numbers_read for r in group)}/{numbers}",
                "dates": f"{sum(r.dates_read for r in group)}/{dates}",
                "s/page": round(sum(r.seconds for r in group) / len(group), 2),
            }
        )
    return rows


def _share(errors: int, chars: int) -> float:
    """Per cent right: 1 − errors / characters, at least 0."""
    return round(100 * max(0.0, 1 - errors / chars), 1) if chars else 0.0


def per_page(readings: list[Reading]) -> list[dict[str, Any]]:
    """``char%``/``bag%`` of each page, one column per engine and rendering."""
    rows: dict[tuple[str, int], dict[str, Any]] = {}
    for r in readings:
        row = rows.setdefault((r.source, r.page), {"source": r.source, "page": r.page})
        row["chars"] = r.truth_chars
        row[f"{r.engine} {r.rendering.split()[0]}"] = (
            f"{_share(r.distance, r.truth_chars)}/{_share(r.bag_distance, r.truth_chars)}"
        )
    return list(rows.values())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--pages",
        default=",".join(map(str, DEFAULT_PAGES)),
        help="gazette pages (1-based, comma-separated)",
    )
    parser.add_argument("--no-scan", action="store_true", help="leave out the real scan")
    parser.add_argument("--json", action="store_true", help="print JSON instead of tables")
    parser.add_argument("--rescore", type=Path, metavar="FILE", help="score a saved run again")
    args = parser.parse_args(argv)
    for path in (GAZETTE, SCAN):
        if not path.is_file():
            sys.exit(f"shared corpus file missing: {path}")
    if args.rescore:
        saved = json.loads(args.rescore.read_text(encoding="utf-8"))
        pages, readings = rescore(args.rescore)
        loads = (saved["load_average_before"], saved["load_average_after"])
    else:
        pages = [int(p) for p in args.pages.split(",") if p.strip()]
        readings, loads = run(pages, not args.no_scan)
    data = {
        "pages": pages,
        "load_average_before": loads[0],
        "load_average_after": loads[1],
        "cpus": os.cpu_count(),
        "tesseract": _tesseract_version(),
        "summary": summary(readings),
        "per_page": per_page(readings),
        "readings": [asdict(r) for r in readings],
    }
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=1))
        return 0
    print_table("engines (summed over pages)", data["summary"])
    print_table("char% / bag% per page", data["per_page"])
    print(
        f"\nload average before {data['load_average_before']}, after "
        f"{data['load_average_after']} ({data['cpus']} cores); {data['tesseract']}"
    )
    save("ocr-compare", data)
    return 0


def run(pages: list[int], scan: bool) -> tuple[list[Reading], tuple[list[float], list[float]]]:
    """Every reading of the gazette's ``pages`` (and of the scan), and the load average of the
    machine before and after."""
    if shutil.which("tesseract") is None:
        sys.exit("tesseract not found: apt-get install tesseract-ocr tesseract-ocr-chi-sim")
    before = [round(v, 2) for v in os.getloadavg()]
    with tempfile.TemporaryDirectory(prefix="ocr-compare-") as folder:
        tmp = Path(folder)
        warm_up(tmp)
        readings = read_all(GAZETTE, gazette_truth(pages), tmp)
        if scan:
            readings += read_all(SCAN, {1: SCAN_TEXT}, tmp)
    return readings, (before, [round(v, 2) for v in os.getloadavg()])


def _tesseract_version() -> str:
    done = subprocess.run(["tesseract", "--version"], capture_output=True, text=True, check=False)
    return (done.stdout or done.stderr).splitlines()[0].strip()


if __name__ == "__main__":
    sys.exit(main())
