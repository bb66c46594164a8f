"""Both backends side by side, in one run, on the same records: rebuild throughput and page
latency of the embedded Whoosh index and of one OpenSearch node.

    python bench/backend_bench.py [--docs N] [--articles] [--jobs N] [--mix standard|hard]
                                  [--fragments 200] [--heap 512m] [--url URL]

Rebuild: ``reindex(config, rebuild=True, jobs=N)`` beside
``reindex_opensearch(config, rebuild=True, jobs=N)``, the same N (``--jobs``, default the cores).
Latency: full page requests (``search()`` of the library: exact totals, facets, histogram,
snippets) over the query set of ``bench/query_bench.py`` (``--mix``), both sides warmed up on the
same 20 other queries, then each query timed once, in the same order. Each backend runs in its
own process, one after the other, so the peak RSS printed is that side's Python alone (with its
indexing workers); the node's heap and the JVM's resident memory are read after both have run.

The node is started by the script on a free port, its data in a temporary folder, and stopped at
the end, unless ``--url`` names a running one (then the bench's index is dropped at the end).
The queries' totals are compared too: a backend that answers faster but differently is not a
like-for-like figure.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from common import (
    WORK,
    Timer,
    dir_size_mb,
    peak_rss_mb,
    percentiles,
    print_table,
    result_name,
    save,
    text_mb,
    write_project,
)
from index_bench import corpus, load
from query_bench import query_set, warm_up_queries

BACKENDS = ("whoosh", "opensearch")


# -- one backend, in its own process -----------------------------------------------------------
def backend_config(kind: str, source: Path, url: str) -> Any:
    """The project indexing ``source`` on ``kind``: its own folder, and on OpenSearch an alias
    named after the source."""
    from indexer.config import load_config

    config = load_config(write_project(WORK / f"backend-{kind}-{source.stem}", source))
    if kind == "whoosh":
        return config.with_backend("whoosh")
    alias = f"bench-{source.stem}".lower()
    return replace(config, backend=replace(config.backend, kind=kind, url=url, index=alias))


def rebuild(kind: str, config: Any, jobs: int) -> tuple[float, int]:
    """Seconds and documents of one full rebuild."""
    from indexer.index.opensearch.reindex import reindex_opensearch
    from indexer.index.reindex import reindex

    run = reindex if kind == "whoosh" else reindex_opensearch
    with Timer() as t:
        report = run(config, rebuild=True, jobs=jobs)
    if report.failed:
        sys.exit(f"{kind}: could not index {[f.source for f in report.failed]}")
    return t.seconds, report.documents


def time_pages(config: Any, qs: list[str], warm: list[str]) -> dict[str, Any]:
    """ms of each timed page request and its total, after the warm-up queries; on OpenSearch
    also the part of each page spent in HTTP calls and, of that, the node's own ``took``."""
    from searchapp.backend import open_backend
    from searchapp.request import SearchRequest

    backend = open_backend(config)
    if backend.engine is not None:
        backend.engine.keep_warm()  # as `gazette serve` does before it serves
    searcher = backend.searcher
    calls = _record_calls(searcher)
    for q in warm:
        searcher.search(SearchRequest(q=q))
    pages, totals, http, took = [], [], [], []
    for q in qs:
        calls.clear()
        start = time.perf_counter()
        result = searcher.search(SearchRequest(q=q))
        pages.append((time.perf_counter() - start) * 1000)
        totals.append(result.total)
        http.append(sum(c[0] for c in calls))
        took.append(sum(c[1] for c in calls))
    return {"page": pages, "totals": totals, "http": http, "took": took}


def _record_calls(searcher: Any) -> list[tuple[float, float]]:
    """Wrap the OpenSearch client's ``call`` of ``searcher`` (none on Whoosh) to note each
    request's round trip and the ``took`` the node reports, both in ms."""
    calls: list[tuple[float, float]] = []
    client = getattr(getattr(searcher, "target", None), "client", None)
    if client is None:
        return calls
    inner = client.call

    def call(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        answer = inner(*args, **kwargs)
        took = answer.get("took", 0) if isinstance(answer, dict) else 0
        calls.append(((time.perf_counter() - start) * 1000, float(took)))
        return answer

    setattr(client, "call", call)  # noqa: B010 - an instance attribute over the method
    return calls


def index_mb(kind: str, config: Any) -> float:
    """Size of the built index: the live Whoosh folder, or the alias's primary store."""
    if kind == "whoosh":
        return dir_size_mb(config.index.path.resolve())
    from indexer.index.opensearch.client import Client

    stats = Client(config.backend.url).call("GET", f"/{config.backend.index}/_stats/store")
    return float(stats["_all"]["primaries"]["store"]["size_in_bytes"]) / 1e6


def drop_index(config: Any) -> None:
    """Remove the bench's index from a node the bench did not start."""
    from indexer.index.opensearch.writer import OpenSearchIndex

    target = OpenSearchIndex(config.backend)
    live = target.live()
    if live is not None:
        target.drop(live)


def child(args: argparse.Namespace) -> None:
    plan = json.loads(Path(args.plan).read_text(encoding="utf-8"))
    config = backend_config(args.variant, Path(plan["source"]), plan["url"])
    seconds, docs = rebuild(args.variant, config, args.jobs)
    size = index_mb(args.variant, config)
    timed = time_pages(config, plan["queries"], plan["warm"])
    if args.variant == "opensearch" and plan["drop"]:
        drop_index(config)
    mb = plan["text_mb"]
    row = {
        "backend": args.variant,
        "jobs": args.jobs,
        "docs": docs,
        "text_mb": round(mb, 2),
        "seconds": round(seconds, 2),
        "mb_s": round(mb / seconds, 3),
        "docs_s": round(docs / seconds, 1),
        "index_mb": round(size, 1),
        "py_peak_rss_mb": round(peak_rss_mb()),
    }
    latency = {"page": percentiles(timed["page"])}
    if args.variant == "opensearch":
        latency["http round trips"] = percentiles(timed["http"])
        latency["node took"] = percentiles(timed["took"])
    print(json.dumps({"rebuild": row, "latency": latency, "totals": timed["totals"]}))


# -- the node ----------------------------------------------------------------------------------
@contextmanager
def opensearch_node(url: str | None, heap: str) -> Any:
    """The URL of the node to bench against: ``url``, or a node of our own, stopped after."""
    if url:
        yield url
        return
    from indexer.index.opensearch.node import temporary_node

    with temporary_node("backend-bench-os-", heap) as node:
        print(f"OpenSearch running at {node.url} (pid {node.pid()}, data {node.base})", flush=True)
        yield node.url


def proc_status_mb(pid: int, field: str) -> float | None:
    """A memory line of /proc/<pid>/status (VmRSS, VmHWM) in MB; None when not on this machine."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def node_memory(url: str) -> dict[str, Any]:
    """The node's heap (configured and in use) and its JVM's resident memory, now and at peak."""
    from indexer.index.opensearch.client import Client

    answer = Client(url).call("GET", "/_nodes/_local/stats/jvm,process")
    (stats,) = answer["nodes"].values()
    heap = stats["jvm"]["mem"]
    pid = int(stats["process"].get("id", 0)) or None
    if pid is None:  # older nodes give the pid in the node info only
        info = Client(url).call("GET", "/_nodes/_local/process")
        pid = int(next(iter(info["nodes"].values()))["process"]["id"])
    return {
        "heap_max_mb": round(heap["heap_max_in_bytes"] / 2**20),
        "heap_used_mb": round(heap["heap_used_in_bytes"] / 2**20),
        "jvm_pid": pid,
        "jvm_rss_mb": proc_status_mb(pid, "VmRSS"),
        "jvm_peak_rss_mb": proc_status_mb(pid, "VmHWM"),
    }


# -- the run -----------------------------------------------------------------------------------
def run_child(variant: str, plan: Path, jobs: int) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--variant", variant, "--plan", str(plan), "--jobs", str(jobs)]
    print(f"{variant}: rebuilding and querying…", flush=True)
    out = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        sys.exit(f"{variant} failed:\n{out.stderr[-3000:]}")
    found: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return found


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def parse_args() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=None, help="only the first N laws")
    ap.add_argument("--articles", action="store_true", help="split laws into articles (147k)")
    ap.add_argument("--jobs", type=int, default=0, help="rebuild processes, both sides (0: cores)")
    ap.add_argument("--mix", choices=("standard", "hard"), default="standard")
    ap.add_argument("--fragments", type=int, default=200)
    ap.add_argument("--heap", default="512m", help="heap of the node the bench starts")
    ap.add_argument("--url", help="a running node to use instead of starting one")
    ap.add_argument("--variant", choices=BACKENDS, help=argparse.SUPPRESS)
    ap.add_argument("--plan", help=argparse.SUPPRESS)
    return ap.parse_args()


def main() -> None:
    args = parse_args()
    if args.variant:
        child(args)
        return
    source = corpus(args)
    records = load(source)
    qs = query_set(records, args.mix, args.fragments)
    warm = warm_up_queries(records, qs)
    mb = text_mb(records)
    jobs = args.jobs or (os.cpu_count() or 1)
    del records
    before = load_average()
    with opensearch_node(args.url, args.heap) as url:
        plan = WORK / f"backend-plan-{os.getpid()}.json"
        plan.write_text(
            json.dumps(
                {
                    "source": str(source),
                    "url": url,
                    "queries": qs,
                    "warm": warm,
                    "text_mb": mb,
                    "drop": bool(args.url),
                },
                ensure_ascii=False,
            ),
            encoding="utf-8",
        )
        try:
            results = {kind: run_child(kind, plan, jobs) for kind in BACKENDS}
        finally:
            plan.unlink(missing_ok=True)
        node = node_memory(url)
    report(args, source, len(qs), jobs, results, node, before)


def report(
    args: argparse.Namespace,
    source: Path,
    queries: int,
    jobs: int,
    results: dict[str, dict[str, Any]],
    node: dict[str, Any],
    load_before: str,
) -> None:
    whoosh, opensearch = (results[k] for k in BACKENDS)
    differ = sum(a != b for a, b in zip(whoosh["totals"], opensearch["totals"], strict=True))
    rebuilds = [results[k]["rebuild"] for k in BACKENDS]
    latency = [
        {"backend": k, "measure": part, **stats}
        for k in BACKENDS
        for part, stats in results[k]["latency"].items()
    ]
    heap = f"{node['heap_max_mb']} MB heap" + ("" if args.url else f" (--heap {args.heap})")
    docs = rebuilds[0]["docs"]
    print_table(f"rebuild — {source.name}, {docs} records, --jobs {jobs}; node: {heap}", rebuilds)
    print_table(
        f"page request latency, ms — {args.mix} mix, {queries} queries, warm-up on 20 others; "
        f"totals differ on {differ} of {queries}",
        latency,
    )
    print_table("OpenSearch node memory after the run", [node])
    print(f"\nload average (1, 5, 15 min): before {load_before}, after {load_average()}")
    save(
        result_name("backend_bench", args.articles, args.docs, args.mix),
        {
            "source": source.name,
            "records": docs,
            "mix": args.mix,
            "queries": queries,
            "jobs": jobs,
            "heap": args.heap if not args.url else None,
            "url_given": bool(args.url),
            "rebuild": rebuilds,
            "latency": latency,
            "totals_differ": differ,
            "node": node,
            "load_before": load_before,
            "load_after": load_average(),
        },
    )


if __name__ == "__main__":
    main()
