"""indexer.interrupt: the first SIGINT stops the block, later ones are set aside."""

from __future__ import annotations

import signal
from collections.abc import Iterator

import pytest

from indexer.interrupt import first_interrupt_only


@pytest.fixture(autouse=True)
def _restore_sigint() -> Iterator[None]:
    before = signal.getsignal(signal.SIGINT)
    yield
    signal.signal(signal.SIGINT, before)


def test_the_first_sigint_raises_and_the_next_are_ignored() -> None:
    signal.signal(signal.SIGINT, signal.default_int_handler)
    cleaned = False
    with pytest.raises(KeyboardInterrupt), first_interrupt_only():
        try:
            signal.raise_signal(signal.SIGINT)
        finally:
            signal.raise_signal(signal.SIGINT)  # during the cleanup: no second exception
            cleaned = True
    assert cleaned
    assert signal.getsignal(signal.SIGINT) == signal.SIG_IGN
    signal.raise_signal(signal.SIGINT)  # still set aside after the block


def test_a_block_not_interrupted_leaves_the_handler_as_it_was() -> None:
    signal.signal(signal.SIGINT, signal.default_int_handler)
    with first_interrupt_only():
        assert signal.getsignal(signal.SIGINT) is not signal.default_int_handler
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    with pytest.raises(ValueError), first_interrupt_only():
        raise ValueError("an error that is not Ctrl-C")
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
