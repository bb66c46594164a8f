"""One writer at a time: an advisory ``flock`` on a lock file beside the index.

The kernel drops a ``flock`` when its holder dies, even by SIGKILL, so a lock can never outlive
its process. The file's text (pid and start time) is only for the message a second reindex
prints; a file whose pid is gone is reported as a stale lock that was cleared.

Taking the lock needs no free space: a ``flock`` on an existing file writes nothing, and the text
is written only if it fits. A full disk must not stop the run that would clean it up (a failed
commit's files are removed with the lock held, see :mod:`indexer.index.commit`).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import time
from pathlib import Path
from types import TracebackType

from indexer.errors import IndexLockedError, StoreError

# Descriptors of locks this process holds. A forked child (an extraction worker) inherits them,
# and a flock lasts while any descriptor of it is open: the child closes its copies, so that a
# reindex killed with SIGKILL frees the lock at once instead of when its last worker finishes.
_HELD: set[int] = set()


def _close_inherited() -> None:
    """In a child forked by a lock holder: drop the lock, and die when the holder dies."""
    if _HELD:
        die_with_parent()
    for fd in list(_HELD):
        with contextlib.suppress(OSError):
            os.close(fd)
    _HELD.clear()


def die_with_parent() -> None:
    """Ask Linux to kill this process when its parent dies (a killed reindex leaves no
    orphaned workers)."""
    try:
        import ctypes
        import signal

        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        pass


os.register_at_fork(after_in_child=_close_inherited)


def _describe(text: str) -> str:
    pid, _, since = text.strip().partition(" ")
    return f"since {since or 'an unknown time'}, pid {pid or '?'}"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# Errors of a write that needs room the file system does not have: out of blocks, out of quota.
_NO_ROOM = (errno.ENOSPC, errno.EDQUOT)


def _write_holder(fd: int) -> None:
    """Record this process as the holder, if there is room: the text only serves messages."""
    stamp = time.strftime("%Y-%m-%d %H:%M:%S")
    try:
        os.pwrite(fd, f"{os.getpid()} {stamp}\n".encode(), 0)
    except OSError as exc:
        if exc.errno not in _NO_ROOM:
            raise


class WriterLock:
    """Context manager holding the index's writer lock.

    ``stale`` is set when the previous holder died without releasing its record.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.stale: str | None = None
        self._fd: int | None = None

    def __enter__(self) -> WriterLock:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise StoreError(f"{self.path}: cannot create the lock file: {exc.strerror}") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            text = os.pread(fd, 200, 0).decode("utf-8", "replace")
            os.close(fd)
            raise IndexLockedError(f"another reindex is running ({_describe(text)})") from None
        previous = os.pread(fd, 200, 0).decode("utf-8", "replace").strip()
        if previous:
            pid = previous.partition(" ")[0]
            if pid.isdigit() and not _pid_alive(int(pid)):
                self.stale = (
                    f"cleared a stale lock left by a killed reindex ({_describe(previous)})"
                )
        try:
            os.ftruncate(fd, 0)
            _write_holder(fd)
        except OSError as exc:
            os.close(fd)
            raise StoreError(f"{self.path}: cannot write the lock file: {exc.strerror}") from None
        self._fd = fd
        _HELD.add(fd)

    def release(self) -> None:
        if self._fd is None:
            return
        _HELD.discard(self._fd)
        os.ftruncate(self._fd, 0)
        fcntl.flock(self._fd, fcntl.LOCK_UN)
        os.close(self._fd)
        self._fd = None
