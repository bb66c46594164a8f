"""How well the extractor finds a gazette's documents and reads their fields.

    .venv/bin/python bench/extraction.py PATH... [--show N] [--traits] [--json]

Each source (``X.pdf`` or ``X.txt``, given or found under a folder) is paired with its truth:
``X.truth.json`` beside it (the layout zoo, ``bench/zoo/``), else ``tests/golden/<name>.json``
(the shared samples, whose golden records are today's output checked by hand). The product's own
loader reads the source; its records are matched one-to-one to the truth documents, by 文号 when
both have one, else by title similarity, best pairs first. Printed per file and in total:
documents found, missed and extra; per field (title, doc_number, issuer, doc_type, date, page)
the share right over the matched documents; the first ``--show N`` misses of each field; and
the speed of extraction, split between the two ways a page is read:

- ``text`` pages came from the text layer, ``text/s`` per second of the file's time outside
  OCR (reading the PDF, layout, splitting and metadata of the whole file);
- ``ocr`` pages were read by OCR (the pages the product decided to recognise, as it tells
  :attr:`~indexer.extract.ocr.OcrOptions.on_plan`), ``ocr/s`` per second spent rendering and
  recognising them, with a new, empty OCR cache, so every page is recognised;
- ``cached/s``: the same pages read again from that cache (a rebuild), for files with OCR pages.

To measure OCR on a text-layer sample, make a scanned copy of it with ``bench/image_only.py``,
which puts its truth beside it.
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import json
import re
import sys
import tempfile
import time
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from indexer.errors import ExtractionError  # noqa: E402
from indexer.extract import pages as extract_pages  # noqa: E402
from indexer.extract.ocr import OcrOptions, OcrPage  # noqa: E402
from indexer.index.sources import load_records  # noqa: E402
from indexer.recognise.docnum import canonical_doc_number  # noqa: E402
from indexer.records import Record  # noqa: E402

FIELDS = ("title", "doc_number", "issuer", "doc_type", "date", "page")
# Below this title similarity a record and a truth document are not the same document.
MIN_SIMILARITY = 0.6
_BRACKETS = str.maketrans(
    {"〔": "[", "【": "[", "［": "[", "〕": "]", "】": "]", "］": "]", "（": "(", "）": ")"}
)
_DROP = re.compile(r"[\s《》〈〉「」『』“”\"'‘’]")
_STATE_ORDER = re.compile(r"^中华人民共和国国务院令")
# The name indexer.extract.pages calls the OCR step by (imported from indexer.extract.ocr).
_OCR_STEP = "recognise_pages"


@dataclass(frozen=True)
class Pair:
    """A source file and the truth file that describes it."""

    source: Path
    truth: Path


@dataclass
class FileResult:
    """One source's figures; ``misses`` holds (wanted, got, title) per field."""

    name: str
    documents: int
    found: int
    missed: list[str]
    extra: list[str]
    right: dict[str, int]
    misses: dict[str, list[tuple[str, str, str]]]
    pages: int
    ocr_pages: int
    seconds: float
    ocr_seconds: float = 0.0
    cached_seconds: float = 0.0
    traits: dict[str, Any] = field(default_factory=dict)
    error: str = ""


def norm_title(title: str) -> str:
    """A title for comparison: width folded, no spaces, quotes or book-title marks, ASCII brackets.

    >>> norm_title("关于印发《国务院工作规则》的通知") == norm_title("关于印发国务院工作规则的通知")
    True
    """
    return _DROP.sub("", unicodedata.normalize("NFKC", title).translate(_BRACKETS))


def number_key(number: str) -> str:
    """A 文号 for comparison: canonical when parseable, else compact; the two forms of a State
    Council order number (国令第N号, 中华人民共和国国务院令第N号) are the same number."""
    compact = re.sub(r"\s", "", unicodedata.normalize("NFKC", number))
    key = canonical_doc_number(number) or compact
    return _STATE_ORDER.sub("国令", key)


def load_truth(path: Path) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The truth documents and traits of a truth file: a zoo truth object or a golden list."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if isinstance(data, list):
        return data, {}
    return list(data["documents"]), dict(data.get("traits", {}))


def truth_for(source: Path) -> Path | None:
    beside = source.with_name(f"{source.stem}.truth.json")
    if beside.is_file():
        return beside
    golden = GOLDEN / f"{source.name}.json"
    return golden if golden.is_file() else None


def find_pairs(paths: Iterable[Path]) -> tuple[list[Pair], list[Path]]:
    """Sources with a truth file, and the sources without one (reported, not measured)."""
    pairs, orphans = [], []
    for base in paths:
        files = sorted(base.rglob("*")) if base.is_dir() else [base]
        for source in files:
            if source.suffix.lower() not in (".pdf", ".txt"):
                continue
            truth = truth_for(source)
            if truth:
                pairs.append(Pair(source, truth))
            else:
                orphans.append(source)
    return pairs, orphans


def title_similarity(want: str, got: str) -> float:
    """How alike two titles are, 0 to 1. A record title that holds the whole true title with
    more around it (a running header or a 令 number stuck to it) is that document, misread.

    >>> round(title_similarity("专利代理条例", "专利代理条例（中华人民共和国国务院令第706号）"), 2)
    0.6
    """
    want, got = norm_title(want), norm_title(got)
    ratio = difflib.SequenceMatcher(None, want, got, autojunk=False).ratio()
    if len(want) >= 4 and want in got:
        ratio = max(ratio, MIN_SIMILARITY)
    return ratio


def _score(want: dict[str, Any], rec: Record) -> float:
    similarity = title_similarity(want["title"], rec.title)
    if (
        want["doc_number"]
        and rec.doc_number
        and number_key(want["doc_number"]) == number_key(rec.doc_number)
    ):
        return 2 + similarity
    return similarity if similarity >= MIN_SIMILARITY else 0.0


def match(truth: list[dict[str, Any]], records: list[Record]) -> list[tuple[int, int]]:
    """One-to-one (truth index, record index) pairs, the best-scoring pairs taken first."""
    scored = [
        (score, t, r)
        for t, want in enumerate(truth)
        for r, rec in enumerate(records)
        if (score := _score(want, rec)) > 0
    ]
    used_t: set[int] = set()
    used_r: set[int] = set()
    pairs = []
    for _, t, r in sorted(scored, key=lambda s: (-s[0], s[1], s[2])):
        if t not in used_t and r not in used_r:
            used_t.add(t)
            used_r.add(r)
            pairs.append((t, r))
    return sorted(pairs)


def same(name: str, want: Any, got: Any) -> bool:
    """Whether a record's field says what the truth says (titles and 文号 normalised)."""
    if name == "title":
        return norm_title(want or "") == norm_title(got or "")
    if name == "doc_number":
        return number_key(want or "") == number_key(got or "")
    if name == "issuer":
        return re.sub(r"\s", "", want or "") == re.sub(r"\s", "", got or "")
    return bool(want == got) or (not want and not got)


def count_pages(path: Path) -> int:
    """Pages of a PDF (from its page tree, without layout) or form-feed pages of a text."""
    if path.suffix.lower() == ".txt":
        return path.read_text(encoding="utf-8", errors="replace").count("\f") + 1
    from pdfminer.pdfpage import PDFPage

    with path.open("rb") as fh:
        return sum(1 for _ in PDFPage.get_pages(fh))


@dataclass
class OcrMeter:
    """What OCR did during one extraction: the pages the product said it would recognise, and
    the pages and seconds of its render-and-recognise step as timed here."""

    planned: int = 0
    timed: int = 0
    seconds: float = 0.0

    def plan(self, pages: int) -> None:
        self.planned += pages


@contextlib.contextmanager
def metered(meter: OcrMeter) -> Iterator[None]:
    """Time the product's OCR step (:func:`indexer.extract.ocr.recognise_pages`, as
    :mod:`indexer.extract.pages` calls it) while a file is extracted; nothing else changes."""
    real = getattr(extract_pages, _OCR_STEP)

    def timed(path: Path, numbers: Sequence[int], options: OcrOptions) -> list[OcrPage]:
        started = time.perf_counter()
        try:
            read: list[OcrPage] = real(path, numbers, options)
            return read
        finally:
            meter.seconds += time.perf_counter() - started
            meter.timed += len(numbers)

    setattr(extract_pages, _OCR_STEP, timed)
    try:
        yield
    finally:
        setattr(extract_pages, _OCR_STEP, real)


def extract(source: Path, cache: Path) -> tuple[list[Record], str, float, OcrMeter]:
    """The product's records of one source (or why it failed), the seconds they took, and what
    OCR did, with ``cache`` as the OCR cache."""
    meter = OcrMeter()
    options = OcrOptions(cache=cache, on_plan=meter.plan)
    started = time.perf_counter()
    with metered(meter):
        try:
            records, error = load_records(source, source.name, ocr=options), ""
        except ExtractionError as exc:
            records, error = [], str(exc)
    seconds = time.perf_counter() - started
    if meter.timed != meter.planned:
        sys.exit(
            f"{source.name}: OCR planned {meter.planned} pages but {meter.timed} were timed;"
            " indexer.extract.pages no longer calls recognise_pages as metered() expects"
        )
    return records, error, seconds, meter


def evaluate(pair: Pair) -> FileResult:
    """Extract one source with the product's loader and compare it with its truth; a source
    with pages read by OCR is extracted twice, the second time from the first run's cache."""
    truth, traits = load_truth(pair.truth)
    with tempfile.TemporaryDirectory(prefix="extraction-ocr-cache-") as cache:
        records, error, seconds, ocr = extract(pair.source, Path(cache))
        cached = extract(pair.source, Path(cache))[3] if ocr.planned else OcrMeter()
    pairs = match(truth, records)
    right = dict.fromkeys(FIELDS, 0)
    misses: dict[str, list[tuple[str, str, str]]] = {f: [] for f in FIELDS}
    for t, r in pairs:
        want, rec = truth[t], records[r]
        for name in FIELDS:
            got = getattr(rec, name)
            if same(name, want.get(name), got):
                right[name] += 1
            else:
                misses[name].append((str(want.get(name)), str(got), want["title"]))
    matched_t = {t for t, _ in pairs}
    matched_r = {r for _, r in pairs}
    return FileResult(
        name=pair.source.name,
        documents=len(truth),
        found=len(pairs),
        missed=[d["title"] for i, d in enumerate(truth) if i not in matched_t],
        extra=[rec.title for i, rec in enumerate(records) if i not in matched_r],
        right=right,
        misses=misses,
        pages=count_pages(pair.source),
        ocr_pages=ocr.planned,
        seconds=seconds,
        ocr_seconds=ocr.seconds,
        cached_seconds=cached.seconds,
        traits=traits,
        error=error,
    )


def totals(results: list[FileResult]) -> dict[str, Any]:
    """The figures summed over files: counts, per-field shares and pages per second."""
    found = sum(r.found for r in results)
    documents = sum(r.documents for r in results)
    right = {f: sum(r.right[f] for r in results) for f in FIELDS}
    pages = sum(r.pages for r in results)
    ocr_pages = sum(r.ocr_pages for r in results)
    # A file's time outside OCR is its text pages' time; a file of scans only has none.
    text_seconds = sum(r.seconds - r.ocr_seconds for r in results if r.pages > r.ocr_pages)
    ocr_seconds = sum(r.ocr_seconds for r in results)
    cached_seconds = sum(r.cached_seconds for r in results)
    return {
        "files": len(results),
        "documents": documents,
        "found": found,
        "missed": documents - found,
        "extra": sum(len(r.extra) for r in results),
        "fields_right": sum(right.values()),
        "fields_matched": found * len(FIELDS),
        "field_share": {f: round(right[f] / found, 4) if found else 0.0 for f in FIELDS},
        "fields_share_of_truth": round(sum(right.values()) / (documents * len(FIELDS)), 4)
        if documents
        else 0.0,
        "pages": pages,
        "seconds": round(sum(r.seconds for r in results), 2),
        "text_pages": pages - ocr_pages,
        "text_pages_per_second": _rate(pages - ocr_pages, text_seconds, 1),
        "ocr_pages": ocr_pages,
        "ocr_seconds": round(ocr_seconds, 2),
        "ocr_pages_per_second": _rate(ocr_pages, ocr_seconds, 3),
        "cached_ocr_pages_per_second": _rate(ocr_pages, cached_seconds, 1),
    }


def _rate(pages: int, seconds: float, digits: int) -> float:
    """Pages per second, 0 when there were none."""
    return round(pages / seconds, digits) if pages and seconds > 0 else 0.0


def by_trait(results: list[FileResult]) -> dict[str, dict[str, Any]]:
    """Totals for each value of each trait that differs between the files measured."""
    keys = sorted({k for r in results for k in r.traits})
    groups: dict[str, dict[str, Any]] = {}
    for key in keys:
        values = {json.dumps(r.traits.get(key), ensure_ascii=False) for r in results}
        if len(values) < 2:
            continue
        for value in sorted(values):
            members = [
                r for r in results if json.dumps(r.traits.get(key), ensure_ascii=False) == value
            ]
            groups[f"{key}={value}"] = totals(members)
    return groups


def _row(name: str, figures: dict[str, Any]) -> str:
    shares = " ".join(f"{figures['field_share'][f] * 100:5.1f}" for f in FIELDS)
    ocr = figures["ocr_pages"]
    rates = (
        _shown(figures["text_pages"], figures["text_pages_per_second"], 8, 1),
        f"{ocr:5}",
        _shown(ocr, figures["ocr_pages_per_second"], 7, 3),
        _shown(ocr, figures["cached_ocr_pages_per_second"], 8, 1),
    )
    return (
        f"{name[:40]:40} {figures['found']:4}/{figures['documents']:<4} {figures['missed']:4} "
        f"{figures['extra']:5} {shares} {figures['fields_share_of_truth'] * 100:6.1f} "
        f"{figures['seconds']:7.1f} {figures['text_pages']:5} {' '.join(rates)}"
    )


def _shown(pages: int, rate: float, width: int, digits: int) -> str:
    """A rate in its column, or a dash when no page was read that way."""
    return f"{rate:{width}.{digits}f}" if pages else f"{'-':>{width}}"


def iter_report(results: list[FileResult], show: int, traits: bool) -> Iterator[str]:
    """The printed table, the misses, and the per-trait totals."""
    head = " ".join(f"{f[:5]:>5}" for f in FIELDS)
    yield (
        f"{'file':40} {'found':>9} {'miss':>4} {'extra':>5} {head} {'all%':>6}"
        f" {'s':>7} {'text':>5} {'text/s':>8} {'ocr':>5} {'ocr/s':>7} {'cached/s':>8}"
    )
    for result in results:
        yield _row(result.name, totals([result])) + (
            f"  ERROR {result.error}" if result.error else ""
        )
    yield _row("TOTAL", totals(results))
    for result in results if show else []:
        lines = [f"  missed: {t}" for t in result.missed[:show]]
        lines += [f"  extra: {t}" for t in result.extra[:show]]
        for name in FIELDS:
            lines += [f"  {name}: {w!r} → {g!r}  [{t}]" for w, g, t in result.misses[name][:show]]
        if lines:
            yield f"\n{result.name}"
            yield from lines
    if traits:
        yield "\nby trait"
        for label, figures in by_trait(results).items():
            yield _row(label, figures)


def run(paths: Iterable[Path]) -> tuple[list[FileResult], list[Path]]:
    """Evaluate every source with a truth under ``paths``."""
    pairs, orphans = find_pairs(paths)
    return [evaluate(pair) for pair in pairs], orphans


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("paths", nargs="+", type=Path, help="sources or folders")
    parser.add_argument("--show", type=int, default=0, metavar="N", help="first N misses")
    parser.add_argument("--traits", action="store_true", help="totals per zoo trait")
    parser.add_argument("--json", action="store_true", help="machine-readable summary")
    args = parser.parse_args(argv)
    results, orphans = run(args.paths)
    if not results:
        print("no source with a truth file found", file=sys.stderr)
        return 2
    if args.json:
        summary = {
            "total": totals(results),
            "files": [{**asdict(r), "totals": totals([r])} for r in results],
            "by_trait": by_trait(results),
            "without_truth": [str(p) for p in orphans],
        }
        print(json.dumps(summary, ensure_ascii=False, indent=1))
        return 0
    for line in iter_report(results, args.show, args.traits):
        print(line)
    for path in orphans:
        print(f"(no truth file for {path})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
