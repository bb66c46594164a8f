"""A minimal search page done the textbook way, for the web-load comparison only.

python bench/textbook_app.py SOURCE.jsonl INDEX_DIR PORT [WORKERS] [THREADS]

Served like ours: waitress with the same threads per process, and WORKERS pre-forked processes
sharing the socket (:func:`searchapp.serving.serve`, the code ``gazette serve --workers`` runs).
Each serving thread opens its Whoosh searcher once and keeps it (Whoosh's searchers are not
shared between threads), as a long-lived textbook deployment would, rather than opening one per
request.
"""

from __future__ import annotations

import html
import json
import sys
import threading
from pathlib import Path
from typing import Any

from flask import Flask, request
from textbook import build, page_request, parser
from whoosh import index

from searchapp.serving import serve


def open_index(source: Path, path: Path) -> Any:
    if path.is_dir() and any(path.glob("*.toc")):
        return index.open_dir(str(path))
    records = [json.loads(line) for line in source.open(encoding="utf-8")]
    return build(path, records)


def make_app(path: Path) -> Flask:
    ix = index.open_dir(str(path))
    qp = parser(ix)
    local = threading.local()
    app = Flask(__name__)

    def searcher() -> Any:
        if getattr(local, "searcher", None) is None:
            local.searcher = ix.searcher()
        return local.searcher

    @app.get("/healthz")
    def healthz() -> str:
        return "ok"

    @app.get("/search")
    def search() -> str:
        page = page_request(searcher(), qp, request.args.get("q", ""))
        facets = "".join(
            f"<li>{html.escape(str(k))}: {len(v)}</li>" for k, v in page["facets"].items()
        )
        hits = "".join(f"<p>{s}</p>" for s in page["snippets"])
        return f"<html><body><p>{page['total']}</p><ul>{facets}</ul>{hits}</body></html>"

    return app


def main() -> None:
    source, path, port = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
    workers = int(sys.argv[4]) if len(sys.argv) > 4 else 1
    threads = int(sys.argv[5]) if len(sys.argv) > 5 else 8
    open_index(source, path)  # built once, before the workers fork
    serve(lambda: make_app(path), "127.0.0.1", port, threads, workers)


if __name__ == "__main__":
    main()
