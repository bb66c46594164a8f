"""Shared pieces of the benchmarks: the corpus, timing, memory, sizes, tables, JSON results.

Benchmarks are never tests: they print a table and write ``bench/results/<name>.json``.
"""

from __future__ import annotations

import gzip
import json
import os
import resource
import statistics
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "corpus"
LAWS = SHARED / "bench" / "laws.jsonl.gz"
RESULTS = ROOT / "bench" / "results"
WORK = ROOT / "bench" / "work"

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def iter_laws(limit: int | None = None) -> Iterator[dict[str, Any]]:
    """The 3,423 laws of the benchmark corpus (or the first ``limit``)."""
    if not LAWS.is_file():
        sys.exit(f"benchmark corpus missing: {LAWS}")
    with gzip.open(LAWS, "rt", encoding="utf-8") as fh:
        for n, line in enumerate(fh):
            if limit is not None and n >= limit:
                return
            yield json.loads(line)


def text_mb(records: list[dict[str, Any]]) -> float:
    """MB of indexed text (title + body, UTF-8)."""
    total = sum(
        len((r.get("title") or "").encode()) + len((r.get("body") or "").encode()) for r in records
    )
    return total / 1e6


def peak_rss_mb() -> float:
    """Peak resident memory of this process and its finished children, MB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, kids) / 1024


def dir_size_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def percentiles(samples_ms: list[float]) -> dict[str, float]:
    if not samples_ms:
        return {"n": 0, "p50": 0.0, "p90": 0.0, "p99": 0.0, "mean": 0.0}
    ordered = sorted(samples_ms)

    def pick(q: float) -> float:
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]

    return {
        "n": len(ordered),
        "p50": round(pick(0.5), 2),
        "p90": round(pick(0.9), 2),
        "p99": round(pick(0.99), 2),
        "mean": round(statistics.fmean(ordered), 2),
    }


class Timer:
    def __enter__(self) -> Timer:
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self.start


def print_table(title: str, rows: list[dict[str, Any]]) -> None:
    """A small fixed-width table of dicts; a key missing from a row prints as blank."""
    if not rows:
        return
    keys = list(dict.fromkeys(k for r in rows for k in r))
    widths = {k: max(len(k), *(len(_fmt(r.get(k))) for r in rows)) for k in keys}
    print(f"\n{title}")
    print("  ".join(k.ljust(widths[k]) for k in keys))
    for r in rows:
        print("  ".join(("" if k not in r else _fmt(r[k])).ljust(widths[k]) for k in keys))


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3f}" if abs(value) < 10 else f"{value:.1f}"
    return str(value)


def result_name(script: str, articles: bool, docs: int | None, mix: str = "standard") -> str:
    """The name a script's results are saved under, telling its runs apart.

    >>> result_name("query", True, None, "hard"), result_name("index", False, 1000)
    ('query-articles-hard', 'index-1000')
    """
    name = script + ("-articles" if articles else "") + (f"-{docs}" if docs else "")
    return name + ("-hard" if mix == "hard" else "")


def save(name: str, data: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    data = {
        "benchmark": name,
        "when": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "cpus": os.cpu_count(),
        **data,
    }
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"\nresults: {path.relative_to(ROOT)}")
    return path


def write_project(project: Path, source: Path) -> Path:
    """A project folder indexing ``source`` (linked into ``src/``) with the sample user
    dictionary; returns its config.toml."""
    (project / "src").mkdir(parents=True, exist_ok=True)
    link = project / "src" / source.name
    if not link.exists():
        link.symlink_to(source)
    config = project / "config.toml"
    config.write_text(
        '[sources]\npaths = ["src"]\n[index]\npath = "index"\n'
        f'[analysis]\nuser_dict = "{ROOT / "data" / "dict" / "gazette.dict"}"\n',
        encoding="utf-8",
    )
    return config
