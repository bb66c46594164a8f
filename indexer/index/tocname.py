"""The names of an index directory's files, as Whoosh writes them, read without Whoosh.

A commit writes its segment files (``MAIN_<segment id>.<ext>``) and then its table of contents
(``_MAIN_<generation>.toc``) by a rename. Knowing the names is enough to tell which commit is the
latest, and that is asked on every run of ``gazette index``, even one with nothing to do: so it
lives here, where importing it costs nothing of Whoosh (see :mod:`indexer.index.whoosh.reader`
for what needs Whoosh itself). ``tests/test_tocname.py`` holds these names to the pinned Whoosh.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

INDEX_NAME = "MAIN"  # Whoosh's default index name (``whoosh.index._DEF_INDEX_NAME``)
_NAME = re.escape(INDEX_NAME)
TOC = re.compile(rf"_{_NAME}_(\d+)\.toc")  # a committed TOC: ``_MAIN_<generation>.toc``
TOC_TEMP = re.compile(rf"_{_NAME}_\d+\.toc\..+")  # a TOC being written, renamed when complete
SEGMENT_FILE = re.compile(rf"({_NAME}_[0-9a-z]+)\..+")  # ``MAIN_<segid>.<ext>``
# Whoosh's temporary storage (a folder ``MAIN.tmp``), a compound file being assembled, and our
# own files written beside the index before their rename (``sources.json.tmp`` and the like).
TEMP_SUFFIXES = (".tmp", ".ctmp")


def latest_generation(path: Path) -> int:
    """The generation number of the newest table of contents in the index directory ``path``,
    -1 when there is none, from the file names alone (nothing is unpickled).

    Raises OSError when the directory cannot be listed.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     for name in ["_MAIN_2.toc", "_MAIN_10.toc", "_MAIN_11.toc.77.1", "MAIN_ab.seg"]:
    ...         _ = (Path(tmp) / name).write_bytes(b"")
    ...     latest_generation(Path(tmp))
    10
    """
    found = (TOC.fullmatch(name) for name in os.listdir(path))
    return max((int(m.group(1)) for m in found if m), default=-1)


def may_hold_unfinished(folder: Path) -> bool:
    """Whether a write may have left files in the index directory ``folder`` that its latest
    commit does not need: a table of contents being written, a temporary file, an older table of
    contents, or a segment file newer than the latest table of contents (a commit writes its
    segments first and its table of contents last, so only a writer that ran after it, and did
    not commit, leaves newer ones). False answers are certain; a True one is checked by reading
    the table of contents (:func:`indexer.index.whoosh.reader.unreferenced`).

    >>> import tempfile, time
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     _ = (Path(tmp) / "MAIN_a.seg").write_bytes(b"")
    ...     _ = (Path(tmp) / "_MAIN_1.toc").write_bytes(b"")
    ...     clean = may_hold_unfinished(Path(tmp))
    ...     os.utime(Path(tmp) / "MAIN_a.seg", ns=(time.time_ns() + 10**9,) * 2)
    ...     clean, may_hold_unfinished(Path(tmp))
    (False, True)
    """
    tocs: list[int] = []
    segments: list[int] = []
    with os.scandir(folder) as entries:
        for entry in entries:
            name = entry.name
            if TOC_TEMP.fullmatch(name) or name.endswith(TEMP_SUFFIXES):
                return True
            if TOC.fullmatch(name):
                tocs.append(entry.stat().st_mtime_ns)
            elif SEGMENT_FILE.fullmatch(name):
                segments.append(entry.stat().st_mtime_ns)
    return len(tocs) != 1 or any(mtime > tocs[0] for mtime in segments)
