"""Whole numbers that people type: one strict parser for the web's parameters and the CLI's options.

Python's ``int()`` accepts more than a person means by a number: digits of any script (``"٣"``,
full-width ``"３"``), underscores (``"1_000"``), a sign and surrounding whitespace; and
``str.isdigit()`` admits superscripts (``"²"``) that ``int()`` then refuses, which was a 500 on
the web and a traceback in the CLI. A string of thousands of digits makes ``int()`` raise too
(Python caps the digits it converts). So every number typed into a URL, a form or a command line
goes through :func:`parse_whole`: ASCII digits only, at most :data:`MAX_DIGITS` of them, within
the caller's bounds, or a :class:`~indexer.errors.QueryError` naming the parameter.
"""

from __future__ import annotations

from indexer.errors import QueryError
from indexer.names import display_name

MAX_DIGITS = 12
MAX_WHOLE = 10**MAX_DIGITS - 1


def parse_whole(name: str, text: str, *, lo: int = 0, hi: int = MAX_WHOLE) -> int:
    """The whole number ``text`` (surrounding spaces allowed), between ``lo`` and ``hi``.

    ``name`` is the parameter as the person typed it (``page``, ``--jobs``); every error names it.

    >>> parse_whole("page", " 012 ", lo=1)
    12
    >>> for text in ("²", "３", "-3", "1_000", ""):
    ...     try:
    ...         parse_whole("page", text, lo=1)
    ...     except QueryError as exc:
    ...         print(exc)
    page: "²" is not a positive whole number
    page: "３" is not a positive whole number
    page: "-3" is not a positive whole number
    page: "1_000" is not a positive whole number
    page: "" is not a positive whole number
    >>> parse_whole("--jobs", "65", lo=1, hi=64)
    Traceback (most recent call last):
    ...
    indexer.errors.QueryError: --jobs: must be at most 64
    """
    digits = text.strip()
    if not (digits.isascii() and digits.isdigit()):
        kind = "positive whole number" if lo >= 1 else "whole number"
        raise QueryError(name, f'"{display_name(digits[:40])}" is not a {kind}')
    digits = digits.lstrip("0") or "0"
    if len(digits) > MAX_DIGITS:
        raise QueryError(name, f"must be at most {hi}")
    value = int(digits)
    if value < lo:
        raise QueryError(name, f"must be at least {lo}")
    if value > hi:
        raise QueryError(name, f"must be at most {hi}")
    return value
