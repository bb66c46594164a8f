"""Names of files and sources as one printable line.

A file name is bytes on POSIX: Python decodes the bytes that are not UTF-8 to lone surrogates
(``surrogateescape``), which cannot be written to the index, to JSON or to a terminal, and a name
may hold a newline, which would split a one-line error in two. :func:`display_name` renders such
a name with escapes; the index stores that same escaped form as the source's key (see
:func:`indexer.index.sources.source_key`), so a hostile name is indexed, reported and exported
like any other.
"""

from __future__ import annotations

import os
import unicodedata

# Characters that would break a line, hide themselves or reorder the text around them.
_ESCAPED_CATEGORIES = frozenset({"Cc", "Cs", "Zl", "Zp"})
_BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def display_name(name: str | bytes | os.PathLike[str]) -> str:
    r"""``name`` as one printable line: undecodable bytes as ``\xff``, controls as ``\n``.

    Printable text, Chinese included, is kept as it is, so an ordinary name is its own display
    name, and a display name displays as itself.

    >>> display_name(os.fsdecode(b"bad\xff\xfe.jsonl"))
    'bad\\xff\\xfe.jsonl'
    >>> display_name("公报\n第1期.txt"), display_name("公报第1期.txt")
    ('公报\\n第1期.txt', '公报第1期.txt')
    """
    text = os.fsdecode(name) if isinstance(name, bytes) else str(os.fspath(name))
    if text.isprintable():
        return text
    return "".join(_escape(ch) for ch in text)


def _escape(ch: str) -> str:
    if ch in _SHORT:
        return _SHORT[ch]
    code = ord(ch)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8, as surrogateescape keeps it
        return f"\\x{code - 0xDC00:02x}"
    if unicodedata.category(ch) in _ESCAPED_CATEGORIES or ch in _BIDI_CONTROLS:
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
    return ch
