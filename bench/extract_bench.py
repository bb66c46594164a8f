"""Extraction + splitting + metadata of a PDF against pdfminer.six's plain ``extract_text``.

The target (issue 3) is at most 1.5× the time of ``extract_text`` on the same file. Each side is
run ``--repeat`` times and the best time is kept, so a busy machine does not decide the ratio.

    .venv/bin/python bench/extract_bench.py [--repeat 3] [PDF ...]

Prints one line per file and writes ``bench/results/extract.json``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pdfminer.high_level import extract_text  # noqa: E402

from indexer.extract.pages import load_pages  # noqa: E402
from indexer.metadata.assemble import build_records  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "pdf"
DEFAULT = ("beijing-jxj-govcloud-2018.pdf", "guowuyuan-gazette-1954-01.pdf")
TARGET = 1.5


def timed(func: Callable[[], object]) -> float:
    """Seconds one call of ``func`` takes."""
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


def bench(path: Path, repeat: int) -> dict[str, object]:
    """Both timings for one PDF (best of ``repeat``), their ratio and the records it gave.

    The two sides alternate, so that load from other processes hits both alike.
    """
    counts = {"pages": 0, "records": 0}

    def pipeline() -> None:
        pages = load_pages(path)
        counts.update(pages=len(pages), records=len(build_records(pages, path.name)))

    plain, ours = [], []
    for _ in range(repeat):
        plain.append(timed(lambda: extract_text(str(path))))
        ours.append(timed(pipeline))
    return {
        "file": path.name,
        **counts,
        "extract_text_s": round(min(plain), 3),
        "pipeline_s": round(min(ours), 3),
        "ratio": round(min(ours) / min(plain), 3),
        "target": TARGET,
        "ok": min(ours) / min(plain) <= TARGET,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pdfs", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "extract.json")
    args = parser.parse_args(argv)
    paths = args.pdfs or [CORPUS / name for name in DEFAULT]
    missing = [p for p in paths if not p.is_file()]
    if missing:
        print(f"missing: {', '.join(map(str, missing))}", file=sys.stderr)
        return 1
    results = []
    for path in paths:
        row = bench(path, args.repeat)
        results.append(row)
        print(
            f"{row['file']}: {row['pages']} pages, {row['records']} records; "
            f"extract_text {row['extract_text_s']:.2f}s, pipeline {row['pipeline_s']:.2f}s, "
            f"ratio {row['ratio']:.2f} (target ≤ {TARGET})"
        )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")
    return 0 if all(r["ok"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
