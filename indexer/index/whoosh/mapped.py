"""Index files read through memory maps, for searching.

Whoosh reads a term's dictionary entry and its postings with a ``seek`` and a ``read`` on a
buffered file each time, a system call or two per read; at 147,000 records a page looks up over
a hundred terms across the segments, several reads each. A read-only memory map serves the same
calls from memory (the page cache, shared by every serving process), with no change to what is
read. Segment files never change once written, and a map stays valid after a reindex removes
its file. Writers keep Whoosh's own files.
"""

from __future__ import annotations

import mmap
from typing import Any

from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import StructFile


class MappedStorage(FileStorage):  # type: ignore[misc]
    """A read-only :class:`FileStorage` whose files are memory-mapped (empty ones are not:
    a map cannot be empty)."""

    def __init__(self, path: str) -> None:
        super().__init__(path, readonly=True)

    def open_file(self, name: str, **kwargs: Any) -> StructFile:
        with open(self._fpath(name), "rb") as f:
            try:
                mapped = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
            except ValueError:  # an empty file
                return super().open_file(name, **kwargs)
        return StructFile(mapped, name=name, **kwargs)
