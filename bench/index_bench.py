"""Index throughput, side by side with the textbook recipe, in the same run.

    python bench/index_bench.py [--docs N] [--articles] [--jobs N]

Each variant runs in its own process (so peak RSS is its own). Ours is the full pipeline
(``gazette index`` on a JSONL source: words + bigrams); the textbook one is Whoosh +
``jieba.analyse.ChineseAnalyzer`` with one writer. Also measured for ours: a no-op reindex and
adding one gazette issue (the seed, 26 documents) to the built index.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from common import (
    SHARED,
    WORK,
    Timer,
    dir_size_mb,
    iter_laws,
    peak_rss_mb,
    print_table,
    save,
    text_mb,
    write_project,
)


def corpus(args: argparse.Namespace) -> Path:
    """The JSONL the run indexes (written once into bench/work)."""
    if args.articles:
        from articles import articles_path

        return articles_path(args.docs)
    WORK.mkdir(parents=True, exist_ok=True)
    path = WORK / f"laws-{args.docs or 'all'}.jsonl"
    if not path.is_file():
        with path.open("w", encoding="utf-8") as fh:
            for rec in iter_laws(args.docs):
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return path


def load(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def run_textbook(source: Path, work: Path) -> dict[str, Any]:
    from textbook import build

    records = load(source)
    with Timer() as t:
        build(work / "textbook", records)
    mb = text_mb(records)
    return {
        "variant": "textbook",
        "docs": len(records),
        "text_mb": round(mb, 2),
        "seconds": round(t.seconds, 2),
        "mb_s": round(mb / t.seconds, 3),
        "docs_s": round(len(records) / t.seconds, 1),
        "peak_rss_mb": round(peak_rss_mb()),
        "index_mb": round(dir_size_mb(work / "textbook"), 1),
    }


def run_ours(source: Path, work: Path, jobs: int) -> dict[str, Any]:
    from indexer.config import load_config
    from indexer.index.reindex import reindex

    project = work / "ours"
    config = load_config(write_project(project, source))
    with Timer() as full:
        report = reindex(config, rebuild=True, jobs=jobs)
    with Timer() as noop:
        reindex(config, jobs=jobs)
    seed = SHARED / "seed" / "lishi-gazette-2024-1.txt"
    shutil.copy(seed, project / "src" / seed.name)
    with Timer() as add:
        added = reindex(config, jobs=jobs)
    records = load(source)
    mb = text_mb(records)
    live = (project / "index").resolve()
    return {
        "variant": "ours",
        "docs": report.documents,
        "text_mb": round(mb, 2),
        "seconds": round(full.seconds, 2),
        "mb_s": round(mb / full.seconds, 3),
        "docs_s": round(report.documents / full.seconds, 1),
        "peak_rss_mb": round(peak_rss_mb()),
        "index_mb": round(dir_size_mb(live), 1),
        "noop_s": round(noop.seconds, 3),
        "noop_pct": round(100 * noop.seconds / full.seconds, 2),
        "add_issue_s": round(add.seconds, 2),
        "add_issue_docs": added.documents - report.documents,
    }


def child(args: argparse.Namespace) -> None:
    source = Path(args.source)
    work = Path(args.work)
    result = (
        run_textbook(source, work)
        if args.variant == "textbook"
        else run_ours(source, work, args.jobs)
    )
    print(json.dumps(result))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=None, help="index only the first N laws")
    ap.add_argument("--articles", action="store_true", help="split laws into articles (147k)")
    ap.add_argument("--jobs", type=int, default=0, help="worker processes for ours (0 = cores)")
    ap.add_argument("--variants", default="textbook,ours")
    ap.add_argument("--variant", help=argparse.SUPPRESS)
    ap.add_argument("--source", help=argparse.SUPPRESS)
    ap.add_argument("--work", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.variant:
        child(args)
        return
    source = corpus(args)
    work = WORK / f"index-{int(time.time())}"
    rows = []
    for variant in args.variants.split(","):
        out = subprocess.run(
            [
                sys.executable,
                __file__,
                "--variant",
                variant,
                "--source",
                str(source),
                "--work",
                str(work),
                "--jobs",
                str(args.jobs),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if out.returncode != 0:
            sys.exit(f"{variant} failed:\n{out.stderr[-3000:]}")
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
    shutil.rmtree(work, ignore_errors=True)
    by = {r["variant"]: r for r in rows}
    if "textbook" in by and "ours" in by:
        by["ours"]["speedup"] = round(by["ours"]["mb_s"] / by["textbook"]["mb_s"], 2)
        by["ours"]["size_vs_text"] = round(by["ours"]["index_mb"] / by["ours"]["text_mb"], 2)
    print_table(f"index throughput — {source.name}", rows)
    save(
        "index" + ("-articles" if args.articles else "") + (f"-{args.docs}" if args.docs else ""),
        {"source": source.name, "rows": rows},
    )


if __name__ == "__main__":
    main()
