"""Web load: N concurrent clients against ``gazette serve`` on 127.0.0.1 for a bounded time.

    python bench/web_bench.py [--docs N] [--clients 8] [--seconds 60] [--textbook]
                              [--during-rebuild]

Reports requests/s, latency percentiles and errors; with ``--textbook`` the same load runs
against a minimal Flask app doing the textbook recipe, served the same way (waitress, the same
``--workers`` processes and threads per process, a long-lived searcher per serving thread);
with ``--during-rebuild`` it runs again while ``gazette index --rebuild`` replaces the served
index. Only loopback addresses are used; the clients stop by themselves after ``--seconds``.
"""

from __future__ import annotations

import argparse
import http.client
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from common import ROOT, WORK, percentiles, print_table, result_name, save
from index_bench import corpus, load
from query_bench import ours_project, queries


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_ready(port: int, path: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", path)
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"server on port {port} did not become ready")


def load_run(
    port: int,
    qs: list[str],
    clients: int,
    seconds: float,
    going: Callable[[], bool] = lambda: True,
) -> dict[str, Any]:
    """``clients`` threads asking the queries in turn for ``seconds`` (or until ``going`` turns
    false)."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(n: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        i = n
        mine: list[float] = []
        bad = 0
        while time.monotonic() < stop and going():
            q = qs[i % len(qs)]
            i += clients
            start = time.perf_counter()
            try:
                conn.request("GET", "/search?q=" + urllib.parse.quote(q))
                resp = conn.getresponse()
                resp.read()
                if resp.status != 200:
                    bad += 1
            except OSError:
                bad += 1
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            mine.append((time.perf_counter() - start) * 1000)
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    return {
        "requests": len(latencies),
        "errors": errors[0],
        "req_s": round(len(latencies) / elapsed, 1),
        **percentiles(latencies),
    }


def rss_mb(pid: int, field: str = "VmRSS") -> float:
    """Memory of the server, MB: the largest of the process and its workers. ``VmRSS``: all
    resident pages, the memory-mapped index files read so far included (shared by the workers
    and reclaimable page cache); ``RssAnon``: the process's own memory alone."""
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(c) for c in children]
    except OSError:
        pass
    best = 0.0
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith(f"{field}:"):
                    best = max(best, int(line.split()[1]) / 1024)
        except OSError:
            continue
    return best


THREADS = 8  # waitress threads per process, on both sides


def serve_ours(project: Path, port: int, workers: int = 1) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "searchapp",
            "--config",
            str(project / "config.toml"),
            "serve",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--threads",
            str(THREADS),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def serve_textbook(source: Path, port: int, workers: int = 1) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": f"{ROOT}:{ROOT / 'bench'}"}
    return subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "bench" / "textbook_app.py"),
            str(source),
            str(WORK / f"query-{source.stem}-textbook"),
            str(port),
            str(workers),
            str(THREADS),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def measure(
    proc: subprocess.Popen[bytes],
    port: int,
    ready: str,
    qs: list[str],
    args: argparse.Namespace,
    name: str,
) -> dict[str, Any]:
    try:
        wait_ready(port, ready)
        load_run(port, qs[:50], args.clients, min(5.0, args.seconds))  # warm-up
        row = {
            "variant": name,
            **load_run(port, qs, args.clients, args.seconds),
            "worker_rss_mb": round(rss_mb(proc.pid)),
            "worker_anon_mb": round(rss_mb(proc.pid, "RssAnon")),
        }
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    return row


def measure_during_rebuild(
    project: Path, qs: list[str], args: argparse.Namespace
) -> dict[str, Any]:
    """The load again, while ``gazette index --rebuild`` replaces the index being served: what
    readers see of a rebuild (requests/s, latency, errors) and the rebuild's own time under
    load. The clients stop when the rebuild ends or after ``--seconds``, whichever is first."""
    port = free_port()
    server = serve_ours(project, port, args.workers)
    try:
        wait_ready(port, "/healthz")
        load_run(port, qs[:50], args.clients, min(5.0, args.seconds))  # warm-up
        started = time.monotonic()
        rebuild = subprocess.Popen(
            [sys.executable, "-m", "searchapp", "--config", str(project / "config.toml"),
             "index", "--rebuild"],
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        row = load_run(port, qs, args.clients, args.seconds, lambda: rebuild.poll() is None)
        code = rebuild.wait()
        rebuild_s = time.monotonic() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {
        "variant": "ours, during rebuild",
        **row,
        "rebuild_s": round(rebuild_s, 1),
        "rebuild_exit": code,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=None)
    ap.add_argument("--articles", action="store_true")
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--textbook", action="store_true")
    ap.add_argument("--workers", type=int, default=1, help="gazette serve --workers")
    ap.add_argument(
        "--during-rebuild", action="store_true", help="also load it during a full rebuild"
    )
    args = ap.parse_args()
    source = corpus(args)
    records = load(source)
    qs = queries(records, 200)
    project = ours_project(source)
    port = free_port()
    rows = [
        measure(
            serve_ours(project, port, args.workers),
            port,
            "/healthz",
            qs,
            args,
            f"ours, {args.workers} workers",
        )
    ]
    if args.textbook:
        port = free_port()
        textbook = serve_textbook(source, port, args.workers)
        rows.append(
            measure(textbook, port, "/healthz", qs, args, f"textbook, {args.workers} workers")
        )
        rows[0]["req_s_vs_textbook"] = round(rows[0]["req_s"] / max(rows[1]["req_s"], 1e-9), 2)
    if args.during_rebuild:
        rows.append(measure_during_rebuild(project, qs, args))
    print_table(
        f"web load — {args.clients} clients, {args.seconds:g} s, {len(records)} records", rows
    )
    save(
        result_name("web", args.articles, args.docs),
        {"source": source.name, "clients": args.clients, "seconds": args.seconds, "rows": rows},
    )


if __name__ == "__main__":
    main()
