"""Run one function per input in forked child processes, each bounded in time and memory.

A gazette PDF can be hostile (a "PDF bomb": deeply nested or huge object streams). Each file is
processed in its own child so that one bad file can be killed without losing the run: the child
gets an address-space limit (``RLIMIT_AS``) and the parent kills it after a timeout. At most
``jobs`` children run at once. Results come back pickled over a pipe. A child that finds its item
needs longer (a scanned file, read page by page by OCR) asks for more time over the same pipe
(:func:`extend_deadline`), and can tell the parent how far it got (:func:`tell_parent`: the
OCR'd pages, for the progress display).

Ctrl-C reaches the whole process group. Only the parent answers it (one line, see
:mod:`indexer.cli`): the children ignore SIGINT from the moment they exist (it is blocked while
they are forked, so none can catch it halfway), and the parent kills the children still running
when it stops, so no child prints a ``KeyboardInterrupt`` or writes on after the run is over.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import pickle
import resource
import signal
import time
from collections.abc import Callable, Iterable, Iterator
from multiprocessing.connection import Connection, wait
from typing import Any, TypeVar

from indexer.lock import die_with_parent

T = TypeVar("T")
R = TypeVar("R")
_WAIT_TICK = 0.5  # seconds between on_wait calls
_WAIT_MAX = 3600.0  # longest single wait when children have no deadline
# In a child: the pipe to the parent, over which extend_deadline asks for more time and
# tell_parent reports progress.
_to_parent: Connection | None = None


class WorkerFailure(Exception):
    """A child died, ran out of time or memory; ``reason`` is one line for the operator."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


def _child(
    func: Callable[[Any], Any], item: Any, conn: Connection, reader: Connection, memory_mb: int
) -> None:
    die_with_parent()
    # SIGINT is blocked until now (see _sigint_blocked): ignore it first, then let it through.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    # The read end came with the fork; holding it would let a send to a dead parent block.
    reader.close()
    global _to_parent
    _to_parent = conn
    if memory_mb:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        result: Any = ("ok", func(item))
    except MemoryError:
        result = ("error", f"needs more than {memory_mb} MB of memory to process")
    except RecursionError:
        result = ("error", "structure nested too deeply to process")
    except Exception as exc:  # report, never crash the run: the parent names the file
        result = ("error", f"unexpected {type(exc).__name__}: {str(exc)[:200]}")
    try:
        conn.send_bytes(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
    except MemoryError:
        conn.send_bytes(pickle.dumps(("error", "result too large to return")))
    finally:
        conn.close()


def extend_deadline(seconds: float) -> None:
    """From inside a child: give the item ``seconds`` more than its timeout. Does nothing
    outside a child of :func:`run_isolated`."""
    if _to_parent is not None and seconds > 0:
        _to_parent.send_bytes(pickle.dumps(("extend", float(seconds))))


def tell_parent(message: Any) -> None:
    """From inside a child: hand ``message`` (anything picklable) to the parent's
    ``on_message`` while the item is still being processed. Does nothing outside a child of
    :func:`run_isolated`."""
    if _to_parent is not None:
        _to_parent.send_bytes(pickle.dumps(("message", message)))


def run_isolated(
    func: Callable[[T], R],
    items: Iterable[T],
    *,
    jobs: int,
    timeout: float | None,
    memory_mb: int,
    on_wait: Callable[[], None] | None = None,
    on_message: Callable[[T, Any], None] | None = None,
) -> Iterator[tuple[T, R | WorkerFailure]]:
    """``(item, func(item))`` for every item, in completion order; failures as WorkerFailure.

    ``timeout`` (seconds a child may run, plus what it asks for with :func:`extend_deadline`;
    None for no limit) and ``memory_mb`` (0 for no limit) bound each child. ``on_wait`` is
    called about every half second while children run (for a progress display);
    ``on_message`` with the item and each message its child sends with :func:`tell_parent`.
    """
    ctx = multiprocessing.get_context("fork")
    pending = list(items)
    running: dict[Connection, tuple[T, Any, float]] = {}
    allowed: dict[Connection, float] = {}  # seconds each child has been given
    try:
        while pending or running:
            while pending and len(running) < max(jobs, 1):
                item = pending.pop(0)
                parent, child = ctx.Pipe(duplex=False)
                proc = ctx.Process(
                    target=_child, args=(func, item, child, parent, memory_mb), daemon=True
                )
                limit = time.monotonic() + timeout if timeout is not None else float("inf")
                with _sigint_blocked():  # a Ctrl-C now is delivered when the child is recorded
                    proc.start()
                    running[parent] = (item, proc, limit)
                    allowed[parent] = timeout or 0.0
                child.close()
            soonest = min(deadline for _, _, deadline in running.values())
            pause = min(soonest - time.monotonic(), _WAIT_TICK if on_wait else _WAIT_MAX)
            ready = wait(list(running), timeout=max(0.0, pause))
            if on_wait:
                on_wait()
            for conn in ready:
                item, proc, deadline = running[conn]  # type: ignore[index]
                result = _receive(conn, proc)
                if isinstance(result, _Extension):
                    running[conn] = (item, proc, deadline + result.seconds)  # type: ignore[index]
                    allowed[conn] += result.seconds  # type: ignore[index]
                    continue
                if isinstance(result, _Message):
                    if on_message is not None:
                        on_message(item, result.message)
                    continue
                del running[conn]  # type: ignore[arg-type]
                del allowed[conn]  # type: ignore[arg-type]
                yield item, result
            now = time.monotonic()
            for conn, (item, proc, deadline) in list(running.items()):
                if now >= deadline:
                    _stop(conn, proc)
                    del running[conn]
                    given = allowed.pop(conn)
                    yield item, WorkerFailure(f"gave up after {given:g} s (too complex to process)")
    finally:
        # Interrupted, or the caller stopped early (an error, a closed generator): no child
        # outlives the run, nor goes on writing into files the caller is about to remove.
        for conn, (_, proc, _) in running.items():
            _stop(conn, proc)


@contextlib.contextmanager
def _sigint_blocked() -> Iterator[None]:
    """SIGINT held back (not lost) in this thread: a child forked meanwhile starts with it
    blocked, so it can set SIGINT aside before any arrives."""
    before = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


def _stop(conn: Connection, proc: Any) -> None:
    proc.kill()
    proc.join()
    conn.close()


class _Extension:
    """A child's request for more time."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds


class _Message:
    """What a child tells the parent on its way (see :func:`tell_parent`)."""

    def __init__(self, message: Any) -> None:
        self.message = message


def _receive(conn: Any, proc: Any) -> Any:
    """The child's result (its pipe then closed), its request for more time, or a message."""
    try:
        status, value = pickle.loads(conn.recv_bytes())
    except (EOFError, OSError):
        conn.close()
        proc.join()
        code = proc.exitcode
        reason = (
            f"worker killed by signal {-code}"
            if code and code < 0
            else f"worker exited with code {code}"
        )
        if code == -9:
            reason += " (out of memory?)"
        return WorkerFailure(reason)
    if status == "extend":
        return _Extension(float(value))
    if status == "message":
        return _Message(value)
    conn.close()
    proc.join()
    return value if status == "ok" else WorkerFailure(value)


def cpu_count() -> int:
    """Cores this process may use (honours CPU affinity)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1
