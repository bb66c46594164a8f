"""Typeset the layout zoo: gazette issues of real texts, each PDF with its truth file.

    .venv/bin/python bench/zoo/make_zoo.py [OUT] [--bench-laws] [--only NAME]

writes ``OUT/<issue>.pdf`` and ``OUT/<issue>.truth.json`` for every issue of
:data:`issues.LAYOUTS` (default OUT: ``bench/zoo/out``), and ``OUT/<issue>.txt`` for the issues
with the OCR trait: the same pages as an OCR engine would read them. The output is the same,
byte for byte, for the same corpus, fonts and ReportLab version. See README.md.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from compose import Doc  # noqa: E402
from issues import LAYOUTS, build_docs, seed_of  # noqa: E402
from pages import gazette_date, issue_label, lay_issue  # noqa: E402
from texts import Text, load_texts  # noqa: E402
from traits import Layout, ocr_noise  # noqa: E402
from typeset import Frame, Sheet, draw, register_fonts  # noqa: E402

DEFAULT_OUT = HERE / "out"
# Layout fields that name the issue rather than describe its layout: not traits.
IDENTITY = ("name", "gazette", "organ", "prefix", "year", "number", "kinds", "max_chars")


def truth(layout: Layout, docs: list[Doc]) -> dict[str, object]:
    """The truth file: the issue, its traits, and one entry per document as the page prints it."""
    traits = {k: v for k, v in dataclasses.asdict(layout).items() if k not in IDENTITY}
    return {
        "issue": layout.name,
        "gazette": layout.gazette,
        "number": issue_label(layout),
        "gazette_date": gazette_date(layout),
        "traits": traits,
        "documents": [doc.truth() for doc in docs],
    }


def ocr_text(sheets: list[Sheet], seed: int) -> str:
    """The pages as OCR'd text: one line per printed line, no page breaks, numerals misread.

    At about a third of the page turns the footer lands inside the text, between the last line
    of one page and the first of the next (``…报 —5 —告国家经贸委``), as when a scan is read
    without its layout; the running header of that next page is then lost.
    """
    rng = random.Random(seed)
    out: list[str] = []
    merge_next = False
    for sheet in sheets:
        lines = sorted(sheet.lines, key=lambda ln: (-round(ln.y), ln.x))
        if merge_next:
            lines = [ln for ln in lines if ln.role != "header"]
        texts = [_ocr_line(ln.text, ln.font == "Hei", rng) for ln in lines]
        if merge_next and out and texts:
            out[-1] += texts.pop(0)
        merge_next = False
        if texts and lines[-1].role == "footer" and sheet.kind == "body" and rng.random() < 0.35:
            footer = texts.pop()
            if texts:
                texts[-1] += f" {footer}"
                merge_next = True
            else:
                texts.append(footer)
        out += texts
    return "\n".join(out) + "\n"


def _ocr_line(text: str, heading: bool, rng: random.Random) -> str:
    if heading and rng.random() < 0.5:
        text = " ".join(text)  # letter-spaced headings come out with spaces
    return ocr_noise(text, rng)


def make_issue(layout: Layout, notices: list[Text], laws: list[Text], out: Path) -> tuple[int, int]:
    """Write one issue; returns (documents, pages)."""
    docs = build_docs(layout, notices, laws)
    sheets = lay_issue(layout, docs)
    frame = Frame(layout.page)
    draw(sheets, frame, out / f"{layout.name}.pdf", f"{layout.gazette} {issue_label(layout)}")
    data = json.dumps(truth(layout, docs), ensure_ascii=False, indent=1)
    (out / f"{layout.name}.truth.json").write_text(data + "\n", encoding="utf-8")
    if layout.ocr:
        text = ocr_text(sheets, seed_of(layout))
        (out / f"{layout.name}.txt").write_text(text, encoding="utf-8")
    return len(docs), len(sheets)


def make_zoo(
    out: Path, bench_laws: bool = False, only: str | None = None
) -> list[tuple[str, int, int]]:
    """Write every issue (or the one named ``only``) to ``out``: (name, documents, pages) each."""
    register_fonts()
    out.mkdir(parents=True, exist_ok=True)
    notices, laws = load_texts(bench_laws)
    return [
        (layout.name, *make_issue(layout, notices, laws, out))
        for layout in LAYOUTS
        if not only or layout.name == only
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", nargs="?", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--bench-laws", action="store_true", help="draw laws from the bench set")
    parser.add_argument("--only", help="make only the issue of this name")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    made = make_zoo(args.out, args.bench_laws, args.only)
    for name, docs, pages in made:
        print(f"{name:32} {docs:4} documents {pages:4} pages")
    elapsed = time.perf_counter() - started
    total_docs, total_pages = sum(m[1] for m in made), sum(m[2] for m in made)
    print(f"{total_docs} documents, {total_pages} pages in {args.out} ({elapsed:.1f} s)")
    return 0 if made else 2


if __name__ == "__main__":
    sys.exit(main())
