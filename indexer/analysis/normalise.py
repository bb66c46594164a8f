"""Normalisation: one text → the form every analysis step sees, and a map back to the original.

Normalisation folds each character on its own (NFKC, OpenCC t2s, lower case), then removes
whitespace between two CJK ideographs. Folding per character, rather than running OpenCC's
phrase conversion over the whole text, keeps it identical for a text and every piece of it:
the index and the query always agree, and offsets map back one character at a time.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from functools import cache, lru_cache
from typing import Any

from indexer.chars import IDEOGRAPHS

# Whitespace inside a line: every separator of str.splitlines is excluded, so lines stay apart.
_HSPACE = r"[^\S\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]+"
_CJK_GAP_RE = re.compile(rf"(?<=[{IDEOGRAPHS}]){_HSPACE}(?=[{IDEOGRAPHS}])")
_OPENCC_LOCK = threading.Lock()


@cache
def _opencc() -> Any:
    import opencc  # untyped; loaded on first use

    return opencc.OpenCC("t2s")


def _t2s(text: str) -> str:
    with _OPENCC_LOCK:
        try:
            return str(_opencc().convert(text))
        except Exception:  # OpenCC rejects what it cannot encode; keep the text then
            return text


def _fold_char(ch: str) -> str:
    """One character folded: NFKC, traditional → simplified, lower case, to a fixed point.

    An expansion (``㎡`` → ``m2``, ``⑴`` → ``(1)``) keeps only its letters and digits, and only
    when they form one token, so that no token ever starts inside one original character.
    """
    if ch.isascii():
        return ch.lower()
    if unicodedata.category(ch) == "Cs":
        return ch
    text = ch
    for _ in range(4):
        folded = _t2s(unicodedata.normalize("NFKC", text)).lower()
        if folded == text:
            break
        text = folded
    else:
        return ch
    if len(text) == 1:
        return text
    kept = "".join(c for c in text if c.isalnum())
    if len(kept) == 1 or (kept and kept.isascii()):
        return kept
    return ch


class _FoldTable(dict[int, str]):
    """``str.translate`` table filled on demand, one entry per distinct character."""

    def __missing__(self, key: int) -> str:
        value = _fold_char(chr(key))
        self[key] = value
        return value


_FOLD = _FoldTable()


class OffsetMap:
    """For each index of a normalised text, the index of its character in the original.

    Usually the only change in length is whitespace removed between ideographs; then the map
    keeps just where each gap was (a bisect per look-up) instead of one integer per character.
    ``expands`` is True when some character folded into several (``㎡`` → ``m2``), and
    neighbouring indexes can then map to the same original character.
    """

    __slots__ = ("_full", "_shifts", "_starts", "expands", "size")

    def __init__(
        self, size: int, full: list[int] | None = None, gaps: Iterable[tuple[int, int]] = ()
    ) -> None:
        self.size = size
        self._full = full
        self.expands = full is not None
        pairs = list(gaps)
        self._starts = [start for start, _ in pairs]
        self._shifts = [shift for _, shift in pairs]

    def __len__(self) -> int:
        return self.size

    def __getitem__(self, i: int) -> int:
        if self._full is not None:
            return self._full[i]
        if i < 0:
            i += self.size
        k = bisect_right(self._starts, i) - 1
        return i + self._shifts[k] if k >= 0 else i

    def __eq__(self, other: object) -> bool:
        if isinstance(other, OffsetMap):
            return list(self) == list(other)
        return isinstance(other, list) and list(self) == other

    __hash__ = None  # type: ignore[assignment]

    def __iter__(self) -> Iterator[int]:
        return (self[i] for i in range(self.size))

    def __repr__(self) -> str:
        return repr(list(self))


@lru_cache(maxsize=8)
def normalise_with_offsets(text: str) -> tuple[str, OffsetMap | None]:
    """The normalised text and, for each of its characters, its index in ``text``.

    The map is ``None`` when it is the identity. Results are cached (the same text is analysed
    for words and for bigrams).

    >>> normalise_with_offsets("公報第１號")
    ('公报第1号', None)
    >>> normalise_with_offsets("陈 楠")
    ('陈楠', [0, 2])
    """
    if text.isascii():
        folded, full = text.lower(), None
    else:
        folded = text.translate(_FOLD)
        full = None if len(folded) == len(text) else _expansion_map(text)
    gaps = list(_CJK_GAP_RE.finditer(folded))
    if not gaps:
        return folded, None if full is None else OffsetMap(len(folded), full)
    pieces: list[str] = []
    prev = 0
    if full is not None:
        kept: list[int] = []
        for gap in gaps:
            pieces.append(folded[prev : gap.start()])
            kept.extend(full[prev : gap.start()])
            prev = gap.end()
        pieces.append(folded[prev:])
        kept.extend(full[prev:])
        return "".join(pieces), OffsetMap(len(kept), kept)
    shifts: list[tuple[int, int]] = []
    removed = 0
    for gap in gaps:
        pieces.append(folded[prev : gap.start()])
        removed += gap.end() - gap.start()
        shifts.append((gap.start() - removed + (gap.end() - gap.start()), removed))
        prev = gap.end()
    pieces.append(folded[prev:])
    norm = "".join(pieces)
    return norm, OffsetMap(len(norm), gaps=shifts)


def _expansion_map(text: str) -> list[int]:
    return [i for i, ch in enumerate(text) for _ in range(len(_FOLD[ord(ch)]))]


def normalise(text: str) -> str:
    """NFKC, traditional → simplified, lower case, spaces between CJK characters removed.

    >>> normalise("汽車消費補貼 ＡＢＣ１２")
    '汽车消费补贴 abc12'
    >>> normalise("关 于 中 苏")
    '关于中苏'
    """
    return normalise_with_offsets(text)[0]
