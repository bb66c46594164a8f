"""A minimal search page done the textbook way, for the web-load comparison only.

python bench/textbook_app.py SOURCE.jsonl INDEX_DIR PORT
"""

from __future__ import annotations

import html
import json
import sys
from pathlib import Path

from flask import Flask, request
from textbook import build, page_request, parser
from waitress import serve
from whoosh import index


def main() -> None:
    source, path, port = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
    if path.is_dir() and any(path.glob("*.toc")):
        ix = index.open_dir(str(path))
    else:
        records = [json.loads(line) for line in source.open(encoding="utf-8")]
        ix = build(path, records)
    qp = parser(ix)
    app = Flask(__name__)

    @app.get("/healthz")
    def healthz() -> str:
        return "ok"

    @app.get("/search")
    def search() -> str:
        with ix.searcher() as s:
            page = page_request(s, qp, request.args.get("q", ""))
        facets = "".join(
            f"<li>{html.escape(str(k))}: {len(v)}</li>" for k, v in page["facets"].items()
        )
        hits = "".join(f"<p>{s}</p>" for s in page["snippets"])
        return f"<html><body><p>{page['total']}</p><ul>{facets}</ul>{hits}</body></html>"

    serve(app, host="127.0.0.1", port=port, threads=8)


if __name__ == "__main__":
    main()
