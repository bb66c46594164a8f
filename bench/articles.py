"""Split each law of the benchmark corpus at its articles (第X条): about 147,000 records."""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from common import WORK, iter_laws

ARTICLE_RE = re.compile(r"(?m)^\s*(第[一二三四五六七八九十百千零〇两\d]+条)")


def split_law(law: dict[str, Any]) -> Iterator[dict[str, Any]]:
    body = law.get("body") or ""
    starts = [m.start(1) for m in ARTICLE_RE.finditer(body)]
    if not starts:
        yield law
        return
    bounds = [*starts, len(body)]
    for n, (a, b) in enumerate(itertools.pairwise(bounds), 1):
        article = body[a:b].strip()
        label = ARTICLE_RE.match(article)
        yield {
            **law,
            "id": f"{law.get('id', 'law')}-a{n}",
            "title": f"{law.get('title', '')} {label.group(1) if label else ''}".strip(),
            "body": article,
        }


def articles_path(limit: int | None = None) -> Path:
    """Write (once) and return the JSONL of article records."""
    WORK.mkdir(parents=True, exist_ok=True)
    path = WORK / f"articles-{limit or 'all'}.jsonl"
    if not path.is_file():
        tmp = path.with_suffix(".tmp")
        with tmp.open("w", encoding="utf-8") as fh:
            for law in iter_laws(limit):
                for rec in split_law(law):
                    fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
        tmp.replace(path)
    return path


if __name__ == "__main__":
    p = articles_path()
    print(p, sum(1 for _ in p.open(encoding="utf-8")), "records")
