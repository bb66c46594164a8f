"""Ctrl-C stops a long run once; the run then cleans up undisturbed.

A reindex answers the first SIGINT by undoing what it started (removing an unfinished generation,
cancelling a writer) and exiting with one line and code 130. A second SIGINT during that cleanup —
a second key press, or the terminal's signal reaching the process twice — must not cut the cleanup
short, nor end the process by the signal itself once Python has begun to exit (it restores the
default handler then, and the shell would see a kill instead of 130). So the first SIGINT raises
KeyboardInterrupt and sets SIGINT aside for the rest of the process.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from types import FrameType


def _first(signum: int, frame: FrameType | None) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    raise KeyboardInterrupt


@contextlib.contextmanager
def first_interrupt_only() -> Iterator[None]:
    """Within the block, the first SIGINT raises KeyboardInterrupt and later ones are ignored
    until the process ends. A block that ends without being interrupted restores the previous
    handler. Outside the main thread (where handlers cannot be set) it changes nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, _first)
    try:
        yield
    finally:
        if signal.getsignal(signal.SIGINT) is _first:  # not interrupted: as it was
            signal.signal(signal.SIGINT, previous)
