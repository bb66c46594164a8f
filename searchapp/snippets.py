"""Highlighted snippets: one or two fragments around the best matches, ``<mark>``ed.

Matching runs on the folded text (the same folding as the index: 繁→简, full width, case) with
one regular expression of the query's strings that also crosses the spaces the index removes
between ideographs, and the fold's offset map carries each match back to the original text.
No segmenter runs over the body, and only a bounded part of it is read: the body is searched
in chunks from its start until the query's strings are all found, or some are and
:data:`ENOUGH` characters are read, or :data:`SCAN_LIMIT` are, so a law of 100,000 characters
costs no more than a notice.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from functools import lru_cache
from html import escape

from indexer.analysis.normalise import (
    OffsetMap,
    drop_gaps,
    fold_with_offsets,
    gap_tolerant,
    normalise_with_offsets,
)
from searchapp.querybuild import ParsedQuery

MAX_NEEDLES = 64
MAX_MATCHES = 300
MAX_CANDIDATES = 60
# Bodies are searched in chunks of this many characters, each overlapping the one before by
# :data:`OVERLAP` (so a match across a chunk edge is found), up to SCAN_LIMIT characters.
CHUNK = 2_000
OVERLAP = 100
ENOUGH = 2 * CHUNK - OVERLAP  # two chunks
SCAN_LIMIT = 24_000
ELLIPSIS = "…"
_SPACE_RE = re.compile(r"\s+")

Span = tuple[int, int, str]  # start and end in the original text, the needle it matched


@lru_cache(maxsize=64)
def _needle_re(needles: tuple[str, ...], folded: bool) -> re.Pattern[str]:
    """The needles, longest first, so that at any position the longest needle wins; for
    folded text, each :func:`~indexer.analysis.normalise.gap_tolerant`. Groups are not
    capturing: a capturing group per needle makes the search eight times slower."""
    return re.compile(
        "|".join(f"(?:{gap_tolerant(n) if folded else re.escape(n)})" for n in needles)
    )


def find_matches(text: str, needles: list[str]) -> list[Span]:
    """Non-overlapping matches of normalised needles, as spans of the original text.

    Matches are the normalised text's, found in the folded text (which needs no gap removal
    and no map for it): only when a match there crosses a line break is the text normalised.

    >>> find_matches("推行政府法律顧問制度", ["法律顾问"])
    [(4, 8, '法律顾问')]
    >>> find_matches("任命陈 楠同志", ["陈楠"]), find_matches("陈\\n楠 陈楠", ["陈楠"])
    ([(2, 5, '陈楠')], [(4, 6, '陈楠')])
    """
    wanted = tuple(sorted({n for n in needles if n.strip()}, key=lambda n: (-len(n), n)))
    wanted = wanted[:MAX_NEEDLES]
    if not wanted or not text:
        return []
    folded, src = fold_with_offsets(text)
    known = set(wanted)
    spans: list[Span] = []
    for match in _needle_re(wanted, True).finditer(folded):
        needle = match.group()
        if needle not in known:
            needle = drop_gaps(needle)
            if needle not in known:  # across a line break, which the index keeps
                return _normalised_matches(text, wanted)
        spans.append(_mapped(match, needle, src))
        if len(spans) >= MAX_MATCHES:
            break
    return spans


def _normalised_matches(text: str, wanted: tuple[str, ...]) -> list[Span]:
    """:func:`find_matches` over the normalised text, mapped back by its offsets."""
    norm, src = normalise_with_offsets(text)
    spans: list[Span] = []
    for match in _needle_re(wanted, False).finditer(norm):
        spans.append(_mapped(match, match.group(), src))
        if len(spans) >= MAX_MATCHES:
            break
    return spans


def _mapped(match: re.Match[str], needle: str, src: list[int] | OffsetMap | None) -> Span:
    """A match's span in the original text, by the offset map of the text it was found in."""
    a, b = match.span()
    return (a, b, needle) if src is None else (src[a], src[b - 1] + 1, needle)


def find_matches_bounded(text: str, needles: list[str]) -> list[Span]:
    """:func:`find_matches` over the first chunks of ``text``: chunk after chunk until every
    needle has matched once, or one has and :data:`ENOUGH` characters are read, or
    :data:`SCAN_LIMIT` characters are.

    >>> body = "甲" * 9_000 + "法律顾问" + "乙" * 50_000 + "制度"
    >>> find_matches_bounded(body, ["法律顾问", "制度"])
    [(9000, 9004, '法律顾问')]
    """
    wanted = {n for n in needles if n.strip()}
    if len(text) <= CHUNK:
        return find_matches(text, needles)
    spans: list[Span] = []
    seen: set[str] = set()
    start = 0
    while start < min(len(text), SCAN_LIMIT):
        end = min(len(text), start + CHUNK)
        for a, b, needle in find_matches(text[start:end], needles):
            a, b = a + start, b + start
            if spans and a < spans[-1][1]:
                continue  # found again in the overlap
            spans.append((a, b, needle))
            seen.add(needle)
        if seen >= wanted or (spans and end >= ENOUGH) or len(spans) >= MAX_MATCHES:
            break
        if end == len(text):
            break
        start = end - OVERLAP
    return spans[:MAX_MATCHES]


def _is_joined(ch: str) -> bool:
    """A character that belongs to the one before it (combining mark, selector, joiner)."""
    return unicodedata.category(ch) in ("Mn", "Mc", "Me") or ch in "\u200d\ufe0e\ufe0f"


def _snap(text: str, start: int, end: int) -> tuple[int, int]:
    """Move window edges off combining marks, so no character is cut from its accents."""
    while 0 < start < len(text) and _is_joined(text[start]):
        start -= 1
    while end < len(text) and _is_joined(text[end]):
        end += 1
    return start, end


class _Spans:
    """Matches in order (ascending starts and ends, as :func:`find_matches` gives them)."""

    def __init__(self, spans: list[Span]) -> None:
        self.spans = spans
        self.starts = [s[0] for s in spans]
        self.ends = [s[1] for s in spans]
        self.needles = [s[2] for s in spans]

    def between(self, start: int, end: int) -> tuple[int, int]:
        """The index range of the matches wholly inside ``[start, end)``."""
        lo = bisect_left(self.starts, start)
        return lo, max(lo, bisect_right(self.ends, end))

    def inside(self, start: int, end: int) -> list[Span]:
        lo, hi = self.between(start, end)
        return self.spans[lo:hi]

    def straddling(self, pos: int) -> Span | None:
        i = bisect_right(self.starts, pos - 1) - 1
        return self.spans[i] if i >= 0 and self.spans[i][0] < pos < self.spans[i][1] else None


def _window(text: str, spans: _Spans, start: int, size: int) -> tuple[int, int]:
    """The plain window from ``start`` (:func:`_ranked_windows`) fitted to the text: a match
    across either edge is taken in whole (or left out, when taking it would make the window
    half as long again), and no character is cut from its accents."""
    end = min(len(text), start + size)
    if (cut := spans.straddling(end)) is not None:
        end = cut[1] if cut[1] - start <= size + size // 2 else cut[0]
    if (cut := spans.straddling(start)) is not None:
        start = cut[0]
    return _snap(text, start, end)


def _ranked_windows(length: int, spans: _Spans, size: int) -> list[tuple[int, int]]:
    """Candidate windows of ``size`` characters, each starting a quarter before a sampled
    match, best first: by the total length of the distinct needles wholly inside, then the
    number of matches inside, then position.

    Starts and ends of the candidates only grow, as do the matches', so one pass keeps the
    matches inside the current window (``lo``..``hi``) and the count of each needle there.
    """
    starts, ends, needles = spans.starts, spans.ends, spans.needles
    total = len(starts)
    step = max(1, total // MAX_CANDIDATES)
    counts = dict.fromkeys(needles, 0)
    distinct = lo = hi = 0
    scored: list[tuple[int, int, int]] = []
    for k in range(0, total, step):
        end = min(length, max(0, starts[k] - size // 4) + size)
        start = max(0, end - size)
        if scored and scored[-1][1] == start:
            continue  # the same window as the last candidate's
        while hi < total and ends[hi] <= end:  # hi >= lo here: counted from lo on
            counts[needles[hi]] += 1
            distinct += len(needles[hi]) if counts[needles[hi]] == 1 else 0
            hi += 1
        while lo < total and starts[lo] < start:
            if lo < hi:  # counted; past hi, a match across the start that was never counted
                counts[needles[lo]] -= 1
                distinct -= len(needles[lo]) if counts[needles[lo]] == 0 else 0
            lo += 1
        hi = max(hi, lo)
        scored.append((-(distinct * 10 + hi - lo), start, end))
    scored.sort()
    return [(start, end) for _, start, end in scored]


def choose_windows(
    text: str, spans: list[Span], fragments: int, size: int
) -> list[tuple[int, int]]:
    """The best non-overlapping windows (distinct needles first, then the number of matches).

    Candidates are ranked by what their plain ``size`` characters hold
    (:func:`_ranked_windows`); only those taken, best first, are fitted to the text (no match
    cut, no accent split off).
    """
    index = _Spans(spans)
    chosen: list[tuple[int, int]] = []
    for a, _ in _ranked_windows(len(text), index, size):
        start, end = _window(text, index, a, size)
        if all(end <= c or start >= d for c, d in chosen):
            chosen.append((start, end))
            if len(chosen) == fragments:
                break
    return sorted(chosen)


def _plain(text: str) -> str:
    return escape(_SPACE_RE.sub(" ", text))


def _render(text: str, start: int, end: int, spans: list[Span]) -> str:
    out: list[str] = []
    pos = start
    for a, b, _ in _Spans(spans).inside(start, end):
        out += [_plain(text[pos:a]), "<mark>", _plain(text[a:b]), "</mark>"]
        pos = b
    out.append(_plain(text[pos:end]))
    return "".join(out).strip()


def make_snippet(text: str, parsed: ParsedQuery, *, fragments: int = 2, size: int = 80) -> str:
    """HTML: fragments around the best matches joined with "…", escaped everywhere else.

    >>> make_snippet("现就推行政府法律顧問制度<通知>", ParsedQuery(None, highlights=["法律顾问"]))
    '现就推行政府<mark>法律顧問</mark>制度&lt;通知&gt;'
    >>> make_snippet("没有匹配的正文", ParsedQuery(None, highlights=["法律顾问"]), size=10)
    '没有匹配的正文'
    """
    size = max(size, 10)
    spans = find_matches_bounded(text, parsed.highlights)
    if not spans:
        _, end = _snap(text, 0, min(len(text), size))
        return _plain(text[:end]).strip() + (ELLIPSIS if end < len(text) else "")
    windows = choose_windows(text, spans, max(1, fragments), size)
    body = ELLIPSIS.join(_render(text, a, b, spans) for a, b in windows)
    lead = ELLIPSIS if windows[0][0] > 0 else ""
    tail = ELLIPSIS if windows[-1][1] < len(text) else ""
    return lead + body + tail
