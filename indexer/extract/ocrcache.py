"""What OCR read on a page, kept on disk so that no page is recognised twice.

Recognising a scanned page takes seconds; rendering it takes a few hundredths. So each page is
rendered, and the rendered image (with the resolution and the engine's name and version) is
hashed: the hash names a small JSON file holding the boxes the engine found. A rebuild, a
reindex of a renamed or re-saved file, or the same page in two files then reads the file instead
of running the engine. The folder lives beside the index, not in a generation of it (see
:func:`cache_dir`), so it survives rebuilds and generation swaps.

A cache that cannot be read or written is no error: the page is recognised again. Entries no
indexed source uses any more are removed after a successful ``gazette index`` (see
:func:`prune_cache`; the index's manifest records the keys each source used).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["OcrBox", "OcrCache", "cache_dir", "image_key", "prune_cache"]


@dataclass(frozen=True)
class OcrBox:
    """One line the engine read: its box in pixels of the rendered page (origin top left),
    its text and its recognition score (0 to 1)."""

    x0: float
    y0: float
    x1: float
    y1: float
    text: str
    score: float


def cache_dir(index_path: Path) -> Path:
    """The OCR cache of the index at ``index_path``: a folder beside it, since ``index_path``
    is a link to the live generation that a rebuild replaces.

    >>> cache_dir(Path("/srv/app/data/index")).as_posix()
    '/srv/app/data/index-ocr-cache'
    """
    return index_path.parent / f"{index_path.name}-ocr-cache"


def image_key(engine: str, dpi: int, width: int, height: int, pixels: bytes) -> str:
    """The cache key of a rendered page: SHA-256 of the engine, resolution, size and pixels.

    >>> image_key("e 1", 200, 2, 1, b"ab") == image_key("e 1", 200, 2, 1, b"ab")
    True
    >>> image_key("e 1", 200, 2, 1, b"ab") == image_key("e 2", 200, 2, 1, b"ab")
    False
    """
    digest = hashlib.sha256(f"{engine}\x1f{dpi}\x1f{width}x{height}\x1f".encode())
    digest.update(pixels)
    return digest.hexdigest()


class OcrCache:
    """Boxes by image key, one JSON file each, in two-character subfolders."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.json"

    def get(self, key: str) -> list[OcrBox] | None:
        """The boxes stored for ``key``, or None when there are none (or they are unreadable)."""
        try:
            data = json.loads(self._path(key).read_text(encoding="utf-8"))
            return [_box(item) for item in data["boxes"]]
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put(self, key: str, boxes: list[OcrBox]) -> None:
        """Store the boxes for ``key``; written to a temporary file and renamed, so a reader
        (another worker, a run killed halfway) never sees half a file."""
        path = self._path(key)
        data = {"boxes": [[b.x0, b.y0, b.x1, b.y1, b.text, round(b.score, 4)] for b in boxes]}
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh, ensure_ascii=False)
            os.replace(tmp, path)
        except OSError:
            return


def prune_cache(root: Path, keep: Collection[str]) -> int:
    """Remove the entries of the cache at ``root`` whose key is not in ``keep``, and the
    subfolders left empty; how many entries were removed. What cannot be removed stays (the
    next run tries again).

    >>> import tempfile
    >>> cache = OcrCache(Path(tempfile.mkdtemp()))
    >>> cache.put("ab01", []), cache.put("ab02", []), cache.put("cd03", [])
    (None, None, None)
    >>> prune_cache(cache.root, {"ab01"}), sorted(p.name for p in cache.root.rglob("*"))
    (2, ['ab', 'ab01.json'])
    """
    removed = 0
    try:
        folders = [path for path in root.iterdir() if path.is_dir()]
    except OSError:
        return 0
    for folder in folders:
        for path in folder.glob("*.json"):
            if path.name.startswith(".") or path.stem in keep:
                continue  # a temporary file being written now, or an entry in use
            try:
                path.unlink()
                removed += 1
            except OSError:
                continue
        with contextlib.suppress(OSError):
            folder.rmdir()  # only when empty
    return removed


def _box(item: Any) -> OcrBox:
    x0, y0, x1, y1, text, score = item
    if not isinstance(text, str):
        raise TypeError("box text must be a string")
    return OcrBox(float(x0), float(y0), float(x1), float(y1), text, float(score))
