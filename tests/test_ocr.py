"""Scanned pages: read by OCR, laid out like text pages, cached, and refused when OCR is off.

The scans are made here from the shared gazette: a few of its pages rendered at 150 dpi,
thresholded to black and white and saved as a PDF of images (no text layer), as a flatbed
scanner would. OCR is slow (seconds a page), so the module reads each page once: every test
shares one cache folder, and the tests that must recognise count the engine's calls.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from indexer.errors import ExtractionError
from indexer.extract import ocr
from indexer.extract.ocr import OcrOptions
from indexer.extract.ocrcache import cache_dir
from indexer.extract.pages import load_pages
from indexer.metadata.assemble import build_records
from indexer.records import Record
from indexer.workers import WorkerFailure, extend_deadline, run_isolated
from tests.helpers import ROOT, SHARED, run_cli, shared_corpus, write_config

pdfium = pytest.importorskip("pypdfium2")

GAZETTE = SHARED / "pdf" / "lishi-gazette-2024-1.pdf"
SCAN = SHARED / "pdf" / "scan-cdpf-contract-2017-p1.pdf"
GOLDEN = ROOT / "tests" / "golden" / "lishi-gazette-2024-1.pdf.json"
# PDF pages 5 and 6: one whole notice, and the covering notice of a 实施方案 (title, 文号,
# addressee, signature and date all on page 6).
PAGES = (5, 6)
FIELDS = ("title", "doc_number", "issuer", "doc_type", "date")


def image_only_copy(source: Path, target: Path, pages: tuple[int, ...], dpi: int = 150) -> Path:
    """``pages`` (1-based) of ``source`` as black-and-white images in a PDF without text."""
    document = pdfium.PdfDocument(str(source))
    images = []
    for number in pages:
        gray = document[number - 1].render(scale=dpi / 72, grayscale=True).to_pil()
        images.append(gray.point(lambda v: 255 if v > 160 else 0).convert("1"))
    document.close()
    images[0].save(target, save_all=True, append_images=images[1:], resolution=float(dpi))
    return target


@pytest.fixture(scope="module")
def scans(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding the image-only copy of :data:`PAGES` (``scan.pdf``)."""
    folder = tmp_path_factory.mktemp("scans")
    image_only_copy(shared_corpus(GAZETTE), folder / "scan.pdf", PAGES)
    return folder


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("ocr-cache")


class Calls:
    """Counts the engine's runs (a page recognised, not read from the cache)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, image: Any, threads: int = 0) -> list[ocr.OcrBox]:
        self.count += 1
        return real_recognise(image, threads)


real_recognise = ocr.recognise


def counting(mp: pytest.MonkeyPatch) -> Calls:
    calls = Calls()
    mp.setattr(ocr, "recognise", calls)
    return calls


@pytest.fixture(scope="module")
def first_read(scans: Path, cache: Path) -> Iterator[tuple[list[Any], int]]:
    """The scan's pages, read once into the shared cache, and how many pages the engine ran on."""
    with pytest.MonkeyPatch.context() as mp:
        calls = counting(mp)
        pages = load_pages(scans / "scan.pdf", OcrOptions(cache=cache))
        yield pages, calls.count


def golden_for(pdf_pages: tuple[int, ...]) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = json.loads(GOLDEN.read_text(encoding="utf-8"))
    return [r for r in records if r["pdf_page"] in pdf_pages]


def test_scanned_gazette_pages_give_the_documents_of_the_golden_file(
    first_read: tuple[list[Any], int],
) -> None:
    pages, calls = first_read
    assert calls == len(PAGES)
    assert [p.number for p in pages] == [1, 2]
    assert all(not p.has_text and 0.8 < (p.ocr_confidence or 0) <= 1 for p in pages)
    records = build_records(pages, "scan.pdf")
    want = golden_for(PAGES)
    assert len(records) == len(want) == 2
    for rec, expected in zip(records, want, strict=True):
        assert {f: getattr(rec, f) for f in FIELDS} == {f: expected[f] for f in FIELDS}
        assert rec.ocr and rec.ocr_confidence is not None and rec.ocr_confidence > 0.8
        # Every title, 文号 and date line of the shared scan scored above the review's threshold.
        assert not [reason for reason in rec.review if "read by OCR" in reason]


def test_a_second_extraction_recognises_nothing(
    first_read: tuple[list[Any], int], scans: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = counting(monkeypatch)
    again = load_pages(scans / "scan.pdf", OcrOptions(cache=cache))
    assert calls.count == 0
    assert [p.text for p in again] == [p.text for p in first_read[0]]
    assert [p.ocr_confidence for p in again] == [p.ocr_confidence for p in first_read[0]]


def test_a_pdf_of_text_pages_and_a_scanned_page_keeps_both(
    first_read: tuple[list[Any], int],
    scans: Path,
    cache: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    mixed = pdfium.PdfDocument.new()
    for source, index in ((GAZETTE, 3), (GAZETTE, 4), (scans / "scan.pdf", 1)):
        mixed.import_pages(pdfium.PdfDocument(str(source)), [index])
    mixed.save(str(tmp_path / "mixed.pdf"))
    calls = counting(monkeypatch)
    pages = load_pages(tmp_path / "mixed.pdf", OcrOptions(cache=cache))
    assert calls.count == 0  # the scanned page is the one read before: same image, same key
    assert [(p.has_text, p.ocr_confidence is None) for p in pages] == [
        (True, True),
        (True, True),
        (False, False),
    ]
    text = "\n".join(p.text for p in pages)
    for expected in golden_for((5, 6)):
        assert expected["title"] in text
        assert expected["doc_number"] in text


def test_ocr_off_gives_the_old_refusal(scans: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = counting(monkeypatch)
    with pytest.raises(ExtractionError) as info:
        load_pages(scans / "scan.pdf", OcrOptions(enabled=False))
    assert info.value.reason == "no text layer: scanned? OCR needed"
    assert calls.count == 0


def test_index_reads_the_shared_scan_by_ocr_into_the_cache_beside_the_index(
    tmp_path: Path,
) -> None:
    gazettes = tmp_path / "gazettes"
    gazettes.mkdir()
    shutil.copy(shared_corpus(SCAN), gazettes / SCAN.name)
    write_config(tmp_path, ["gazettes"])
    result = run_cli("index", "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["documents"] >= 1
    found = run_cli("search", "首都信息发展股份有限公司", "--json", cwd=tmp_path)
    hits = json.loads(found.stdout)["hits"]
    assert len(hits) == 1 and "<mark>首都信息发展股份有限公司</mark>" in hits[0]["snippet"]
    shown = run_cli("show", hits[0]["id"], "--json", cwd=tmp_path)
    record = Record.from_dict(json.loads(shown.stdout))
    assert record.ocr and record.ocr_confidence is not None and record.ocr_confidence > 0.8
    entries = list(cache_dir(tmp_path / "index").rglob("*.json"))
    assert len(entries) == 1


@pytest.mark.parametrize("how", ["--no-ocr", 'ocr = "off"'])
def test_index_with_ocr_off_reports_the_scan(tmp_path: Path, scans: Path, how: str) -> None:
    gazettes = tmp_path / "gazettes"
    gazettes.mkdir()
    shutil.copy(scans / "scan.pdf", gazettes / "scan.pdf")
    config = write_config(tmp_path, ["gazettes"])
    args = ["index"]
    if how.startswith("--"):
        args.append(how)
    else:
        text = config.read_text(encoding="utf-8")
        config.write_text(text.replace('path = "index"\n', f'path = "index"\n{how}\n'), "utf-8")
    result = run_cli(*args, cwd=tmp_path)
    assert result.returncode == 1
    assert "failed: gazettes/scan.pdf: no text layer: scanned? OCR needed" in result.stderr
    assert not cache_dir(tmp_path / "index").exists()


def test_blank_scans_are_refused_with_what_ocr_found(tmp_path: Path) -> None:
    from PIL import Image

    blank = Image.new("1", (1240, 1754), 1)
    blank.save(tmp_path / "blank.pdf", save_all=True, append_images=[blank], resolution=150.0)
    with pytest.raises(ExtractionError) as info:
        load_pages(tmp_path / "blank.pdf")
    assert info.value.reason == "no text layer, and OCR read no text on its 2 scanned pages"


def _wait_for_ocr(pages: int) -> int:
    """A worker that, like a scanned file, asks for more time for its pages, then takes it."""
    extend_deadline(pages * 3.0)
    time.sleep(2.0)
    return pages


def test_a_worker_reading_scans_gets_more_time_per_page() -> None:
    got = dict(run_isolated(_wait_for_ocr, [0, 1], jobs=2, timeout=1, memory_mb=0))
    assert isinstance(got[0], WorkerFailure) and got[0].reason.startswith("gave up after 1 s")
    assert got[1] == 1
