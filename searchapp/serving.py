"""``gazette serve``: waitress, in one process or several pre-forked ones sharing a socket.

Searching is Python under one GIL, so one process uses one core. With ``workers`` > 1 the parent
binds the socket, forks that many children that each build their own app (their own index
snapshot and searchers) and serve the shared socket with waitress, and waits; stopping the
parent stops them all, and a child dies with its parent.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sys
from collections.abc import Callable
from typing import Any

from indexer.lock import die_with_parent


def serve(app_factory: Callable[[], Any], host: str, port: int, threads: int, workers: int) -> None:
    """Serve until interrupted; ``app_factory`` is called once in each serving process."""
    from waitress import serve as waitress_serve

    if workers <= 1:
        waitress_serve(app_factory(), host=host, port=port, threads=threads, ident="gazette-search")
        return
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(1024)
    children = []
    for _ in range(workers):
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child
            die_with_parent()
            try:
                waitress_serve(
                    app_factory(), sockets=[sock], threads=threads, ident="gazette-search"
                )
            finally:
                os._exit(0)
        children.append(pid)
    _wait_for(children)


def _wait_for(children: list[int]) -> None:
    def stop(signum: int, frame: Any) -> None:
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for pid in children:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)
