from __future__ import annotations

import time

from indexer.workers import WorkerFailure, run_isolated


def _square(n: int) -> int:
    return n * n


def _slow(n: int) -> int:
    if n == 2:
        time.sleep(30)
    return n


def _hungry(n: int) -> int:
    if n == 1:
        blocks = [bytearray(64 * 1024 * 1024) for _ in range(64)]  # 4 GiB
        return len(blocks)
    return n


def _crash(n: int) -> int:
    if n == 0:
        raise ValueError("boom")
    return n


def test_results_come_back_for_every_item() -> None:
    got = dict(run_isolated(_square, [1, 2, 3, 4], jobs=2, timeout=30, memory_mb=0))
    assert got == {1: 1, 2: 4, 3: 9, 4: 16}


def test_a_slow_item_is_killed_and_the_others_finish() -> None:
    started = time.monotonic()
    got = dict(run_isolated(_slow, [1, 2, 3], jobs=2, timeout=1, memory_mb=0))
    assert got[1] == 1 and got[3] == 3
    assert isinstance(got[2], WorkerFailure) and got[2].reason.startswith("gave up after 1 s")
    assert time.monotonic() - started < 20


def test_memory_is_bounded() -> None:
    got = dict(run_isolated(_hungry, [0, 1], jobs=1, timeout=60, memory_mb=1024))
    assert got[0] == 0
    assert isinstance(got[1], WorkerFailure)
    assert got[1].reason == "needs more than 1024 MB of memory to process"


def test_unexpected_errors_are_reported_not_raised() -> None:
    got = dict(run_isolated(_crash, [0, 1], jobs=1, timeout=30, memory_mb=0))
    assert got[1] == 1
    assert isinstance(got[0], WorkerFailure) and got[0].reason == "unexpected ValueError: boom"
