"""Index throughput, side by side with the textbook recipe, in the same run, process for process.

    python bench/index_bench.py [--docs N] [--articles] [--jobs N]

Like for like: ours with ``--jobs 1`` beside the textbook's single writer, and ours with
``--jobs N`` beside the textbook's writer with ``procs=N`` (N: ``--jobs``, default the cores).
Each variant runs in its own process (so peak RSS is its own). Ours is the full pipeline
(``gazette index`` on a JSONL source: words + bigrams); the textbook one is Whoosh +
``jieba.analyse.ChineseAnalyzer``. Also measured for ours: a no-op reindex and adding one
gazette issue (the seed, 26 documents) to the built index.
"""

from __future__ import annotations

import argparse
import json
import os
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
    result_name,
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


def run_textbook(source: Path, work: Path, procs: int) -> dict[str, Any]:
    from textbook import build

    records = load(source)
    with Timer() as t:
        build(work / f"textbook-{procs}", records, procs=procs)
    mb = text_mb(records)
    return {
        "variant": f"textbook, procs={procs}",
        "processes": procs,
        "docs": len(records),
        "text_mb": round(mb, 2),
        "seconds": round(t.seconds, 2),
        "mb_s": round(mb / t.seconds, 3),
        "docs_s": round(len(records) / t.seconds, 1),
        "peak_rss_mb": round(peak_rss_mb()),
        "index_mb": round(dir_size_mb(work / f"textbook-{procs}"), 1),
    }


def run_ours(source: Path, work: Path, jobs: int) -> dict[str, Any]:
    from indexer.config import load_config
    from indexer.index.reindex import reindex

    project = work / f"ours-{jobs}"
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
        "variant": f"ours, --jobs {jobs}",
        "processes": jobs,
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
        run_textbook(source, work, args.jobs)
        if args.variant == "textbook"
        else run_ours(source, work, args.jobs)
    )
    print(json.dumps(result))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=None, help="index only the first N laws")
    ap.add_argument("--articles", action="store_true", help="split laws into articles (147k)")
    ap.add_argument(
        "--jobs", type=int, default=0, help="processes for both sides' second pair (0 = cores)"
    )
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
    jobs = args.jobs or (os.cpu_count() or 1)
    runs = [(v, n) for n in dict.fromkeys((1, jobs)) for v in args.variants.split(",")]
    for variant, processes in runs:
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
                str(processes),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if out.returncode != 0:
            sys.exit(f"{variant} failed:\n{out.stderr[-3000:]}")
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
    shutil.rmtree(work, ignore_errors=True)
    for ours in (r for r in rows if r["variant"].startswith("ours")):
        same = [
            r
            for r in rows
            if r["variant"].startswith("textbook") and r["processes"] == ours["processes"]
        ]
        if same:  # throughput against the textbook with as many processes
            ours["speedup"] = round(ours["mb_s"] / same[0]["mb_s"], 2)
        ours["size_vs_text"] = round(ours["index_mb"] / ours["text_mb"], 2)
    print_table(f"index throughput — {source.name}", rows)
    save(
        result_name("index", args.articles, args.docs),
        {"source": source.name, "rows": rows},
    )


if __name__ == "__main__":
    main()
