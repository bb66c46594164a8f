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
_HSPACE = r"[^\S\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]"
# A gap: whitespace between two ideographs. Written to start with the whitespace (the look-behind
# is asked only after one such character) rather than ``(?<=ideograph)space+(?=ideograph)``,
# which asks it at every character; the same spans, three times faster.
_CJK_GAP_RE = re.compile(rf"{_HSPACE}(?<=[{IDEOGRAPHS}]{_HSPACE}){_HSPACE}*(?=[{IDEOGRAPHS}])")
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

# Characters beyond the Basic Multilingual Plane: a text with one is folded by ``translate``
# (a character class holding astral characters is scanned range by range, slower than that).
_ASTRAL_RE = re.compile("[\U00010000-\U0010ffff]")
# Until the class of changing characters is built (:func:`_folding_re`, 0.1–0.25 s), texts
# shorter than this are folded by ``translate``, so a process that folds nothing long (a query
# on the command line, ``gazette index`` with nothing to do) never builds it; once built, every
# text is split at it (a title of 40 characters too: three times faster than ``translate``).
_SPLIT_MIN = 256
_split_ready = False


@cache
def _folding_re() -> re.Pattern[str]:
    """One character class (a group) holding every character of the Basic Multilingual Plane
    that :func:`_fold_char` may change.

    ``str.translate`` looks every character up (0.2 µs each), though almost all fold to
    themselves; splitting the text at this class leaves only the few that do not (full-width
    punctuation, traditional characters) to look up: four to five times faster over a body.
    Built once a process (about 0.1 s): a character can change only if it has a case or a
    Unicode decomposition, or OpenCC converts it, asked about all candidates in one call, one a
    line so that no phrase spans two.
    """
    changing: list[int] = []
    candidates: list[str] = []
    for cp in range(0x10000):
        if 0xD800 <= cp < 0xE000:
            continue
        ch = chr(cp)
        if ch.lower() != ch or unicodedata.decomposition(ch):
            changing.append(cp)
        elif cp >= 0x2E80 and not ch.isspace():
            candidates.append(ch)
    converted = _t2s("\n".join(candidates)).split("\n")
    if len(converted) == len(candidates):
        changing += [ord(c) for c, to in zip(candidates, converted, strict=True) if c != to]
    else:  # OpenCC changed the lines themselves: keep every candidate
        changing += map(ord, candidates)
    global _split_ready
    _split_ready = True
    return re.compile(f"([{_char_class(sorted(changing))}])")


def _char_class(points: list[int]) -> str:
    """Ascending code points as the inside of a regular expression's character class."""
    out: list[str] = []
    start = prev = points[0]
    for cp in [*points[1:], -1]:
        if cp == prev + 1:
            prev = cp
            continue
        out.append(
            re.escape(chr(start))
            if start == prev
            else f"{re.escape(chr(start))}-{re.escape(chr(prev))}"
        )
        start = prev = cp
    return "".join(out)


class _FoldChars(dict[str, str]):
    """:data:`_FOLD` keyed by the character itself."""

    def __missing__(self, key: str) -> str:
        value = self[key] = _FOLD[ord(key)]
        return value


_FOLD_CHARS = _FoldChars()


_IDEOGRAPH_RE = re.compile(f"[{IDEOGRAPHS}]")


def gap_tolerant(needle: str) -> str:
    """A regular expression that finds a normalised ``needle`` in *folded* text
    (:func:`fold_with_offsets`) wherever :func:`normalise` would find it: between two
    ideographs it allows whitespace, which normalisation removes there.

    It allows any whitespace (``\\s``: a class of the exact characters takes milliseconds to
    compile into every needle), so a match may also cross a line break, which normalisation
    keeps; :func:`drop_gaps` of a match equals the needle exactly when it does not.

    >>> pattern = re.compile(gap_tolerant("法律顾问2024年"))
    >>> pattern.search("推行法 律　顾问2024年").group(), pattern.search("法律顾问 2024年")
    ('法 律　顾问2024年', None)
    """
    out: list[str] = []
    for i, ch in enumerate(needle):
        if i and _IDEOGRAPH_RE.match(ch) and _IDEOGRAPH_RE.match(needle[i - 1]):
            out.append(r"\s*")
        out.append(re.escape(ch))
    return "".join(out)


def drop_gaps(folded: str) -> str:
    """Folded text without the whitespace between ideographs: what :func:`normalise` gives.

    >>> drop_gaps("法 律　顾问 2024")
    '法律顾问 2024'
    """
    return _CJK_GAP_RE.sub("", folded)


def fold(text: str) -> str:
    """Each character folded (:func:`_fold_char`), the text's length kept unless some
    character expands (``㎡`` → ``m2``)."""
    return fold_with_offsets(text)[0]


def fold_with_offsets(text: str) -> tuple[str, list[int] | None]:
    """:func:`fold`, and the index in ``text`` of each character of the result, or None when
    no character expanded (then the lengths are equal and the map is the identity).

    >>> fold_with_offsets("法律顧問"), fold_with_offsets("每㎡")
    (('法律顾问', None), ('每m2', [0, 1, 1]))
    """
    if text.isascii():
        return text.lower(), None
    if (len(text) < _SPLIT_MIN and not _split_ready) or _ASTRAL_RE.search(text):
        folded = text.translate(_FOLD)
        return folded, None if len(folded) == len(text) else _expansion_map(text)
    parts = _folding_re().split(text)  # text, a changing character, text, …
    if len(parts) == 1:
        return text, None
    parts[1::2] = map(_FOLD_CHARS.__getitem__, parts[1::2])
    folded = "".join(parts)
    if len(folded) == len(text):
        return folded, None
    full: list[int] = []
    pos = 0
    for i, part in enumerate(parts):
        if i % 2:  # one character of text, folded into len(part)
            full += [pos] * len(part)
            pos += 1
        else:
            full += range(pos, pos + len(part))
            pos += len(part)
    return folded, full


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
    folded, full = fold_with_offsets(text)
    gaps = [m.span() for m in _CJK_GAP_RE.finditer(folded)]
    if not gaps:
        return folded, None if full is None else OffsetMap(len(folded), full)
    pieces: list[str] = []
    prev = 0
    if full is not None:
        kept: list[int] = []
        for gap in gaps:
            pieces.append(folded[prev : gap[0]])
            kept.extend(full[prev : gap[0]])
            prev = gap[1]
        pieces.append(folded[prev:])
        kept.extend(full[prev:])
        return "".join(pieces), OffsetMap(len(kept), kept)
    shifts: list[tuple[int, int]] = []
    removed = 0
    for start, end in gaps:
        pieces.append(folded[prev:start])
        removed += end - start
        shifts.append((start - removed + (end - start), removed))
        prev = end
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
