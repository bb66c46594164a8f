from __future__ import annotations

import errno
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from indexer.errors import IndexLockedError, StoreError
from indexer.lock import WriterLock


def test_second_holder_is_refused_with_the_start_time(tmp_path: Path) -> None:
    lock_path = tmp_path / ".index.lock"
    busy = r"another reindex is running \(since 20\d\d-"
    with WriterLock(lock_path), pytest.raises(IndexLockedError, match=busy):
        WriterLock(lock_path).acquire()
    with WriterLock(lock_path) as again:  # released on exit
        assert again.stale is None


def test_lock_of_a_killed_process_is_cleared(tmp_path: Path) -> None:
    lock_path = tmp_path / ".index.lock"
    code = (
        "import sys, time; from pathlib import Path; from indexer.lock import WriterLock;"
        f"WriterLock(Path({str(lock_path)!r})).acquire(); print('held', flush=True); time.sleep(60)"
    )
    root = Path(__file__).resolve().parent.parent
    proc = subprocess.Popen(
        [sys.executable, "-c", code], cwd=root, stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    with pytest.raises(IndexLockedError):
        WriterLock(lock_path).acquire()
    proc.kill()
    proc.wait()
    deadline = time.monotonic() + 5
    while True:
        try:
            lock = WriterLock(lock_path)
            lock.acquire()
            break
        except IndexLockedError:
            assert time.monotonic() < deadline
            time.sleep(0.05)
    assert lock.stale is not None and f"pid {proc.pid}" in lock.stale
    lock.release()


def test_the_lock_is_taken_on_a_full_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Taking the lock writes nothing that needs room: a full disk is left to the run to clean.
    Before, the holder's pid was written unconditionally and every run failed at the lock."""
    lock_path = tmp_path / ".index.lock"
    lock_path.touch()

    def no_space(*args: Any) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("indexer.lock.os.pwrite", no_space)
    with WriterLock(lock_path):
        assert lock_path.stat().st_size == 0
        busy = r"another reindex is running \(since an unknown time, pid \?\)"
        with pytest.raises(IndexLockedError, match=busy):
            WriterLock(lock_path).acquire()
    with WriterLock(lock_path) as again:
        assert again.stale is None


def test_other_errors_writing_the_holder_are_not_hidden(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any) -> int:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr("indexer.lock.os.pwrite", broken)
    lock_path = tmp_path / ".index.lock"
    with pytest.raises(StoreError, match=f"^{lock_path}: cannot write the lock file: Input/output"):
        WriterLock(lock_path).acquire()
    monkeypatch.undo()
    with WriterLock(lock_path):  # the failed attempt did not keep the lock
        pass
