"""Which files of an index directory its latest commit needs, and removing the others.

Whoosh writes a commit's segment files first and its table of contents (TOC) last, by a rename,
so a write that fails or is killed leaves segment files no TOC lists: Whoosh's ``cancel()`` does
not delete them, and a writer killed by SIGKILL cannot. On a full disk those files keep the disk
full, and every later run fails. :func:`remove_unreferenced` removes them, knowing the referenced
set from the latest TOC alone, so that it can never remove a file of a committed segment.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from whoosh.filedb.filestore import FileStorage
from whoosh.index import _DEF_INDEX_NAME, TOC

_NAME = re.escape(_DEF_INDEX_NAME)
_TOC = re.compile(rf"_{_NAME}_(\d+)\.toc")  # a committed TOC: ``_MAIN_<generation>.toc``
_TOC_TEMP = re.compile(rf"_{_NAME}_\d+\.toc\..+")  # a TOC being written, renamed when complete
_SEGMENT_FILE = re.compile(rf"({_NAME}_[0-9a-z]+)\..+")  # ``MAIN_<segid>.<ext>``
# Whoosh's temporary storage (a folder ``MAIN.tmp``), a compound file being assembled, and our
# own files written beside the index before their rename (``sources.json.tmp`` and the like).
_TEMP_SUFFIXES = (".tmp", ".ctmp")


def referenced_segments(folder: Path) -> set[str] | None:
    """The segment ids (``MAIN_<segid>``) the latest TOC of ``folder`` lists; None when there is
    no TOC or it cannot be read. Unpickles the TOC: check the index's format first.
    """
    storage = FileStorage(str(folder))
    try:
        generation = TOC._latest_generation(storage, _DEF_INDEX_NAME)
        if generation < 0:
            return None
        toc = TOC.read(storage, _DEF_INDEX_NAME, gen=generation)
    # Unpickling raises whatever the pickled classes raise; a TOC that cannot be read, for any
    # reason, names no segment for certain, so nothing may be removed.
    except Exception:
        return None
    return {segment.segment_id() for segment in toc.segments}


def unreferenced(folder: Path, segments: set[str]) -> list[Path]:
    """Files and folders of ``folder`` that a commit listing ``segments`` does not need: other
    segments' files, older TOCs, unfinished TOCs and temporary files. Names that are none of
    these (``gazette.json``, ``sources.json``, Whoosh's lock) are never listed.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     names = ["MAIN_keep.trm", "MAIN_gone.trm", "MAIN_gone._stored.col", "_MAIN_3.toc",
    ...              "_MAIN_2.toc", "_MAIN_4.toc.1733.5", "MAIN.tmp", "sources.json.tmp",
    ...              "sources.json", "gazette.json", "MAIN_WRITELOCK"]
    ...     for name in names:
    ...         _ = (Path(tmp) / name).write_bytes(b"")
    ...     sorted(p.name for p in unreferenced(Path(tmp), {"MAIN_keep"}))
    ['MAIN.tmp', 'MAIN_gone._stored.col', 'MAIN_gone.trm', '_MAIN_2.toc', '_MAIN_4.toc.1733.5', 'sources.json.tmp']
    """  # noqa: E501
    tocs = {p: int(m.group(1)) for p in folder.iterdir() if (m := _TOC.fullmatch(p.name))}
    latest = max(tocs.values(), default=-1)
    found = []
    for path in folder.iterdir():
        name = path.name
        segment = _SEGMENT_FILE.fullmatch(name)
        if path in tocs:
            unused = tocs[path] != latest
        elif segment:
            unused = segment.group(1) not in segments
        else:
            unused = bool(_TOC_TEMP.fullmatch(name)) or name.endswith(_TEMP_SUFFIXES)
        if unused:
            found.append(path)
    return found


def remove_unreferenced(folder: Path) -> list[str]:
    """Remove what :func:`unreferenced` lists for the latest commit of ``folder``; the names
    removed. Nothing is removed when there is no readable TOC. Call with the writer lock held.

    Raises OSError when a file cannot be removed.
    """
    segments = referenced_segments(folder)
    if segments is None:
        return []
    removed = []
    for path in unreferenced(folder, segments):
        try:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
        except FileNotFoundError:
            continue
        removed.append(path.name)
    return sorted(removed)
