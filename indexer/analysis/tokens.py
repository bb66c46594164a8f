"""Tokens: normalised text → index and query terms, and the Whoosh tokenizers that yield them.

Two kinds of term: jieba words (:class:`JiebaTokenizer`, for ranking) and CJK bigrams with
other letter/digit runs whole (:class:`BigramTokenizer`, for recall and exact phrases). Both
normalise first and report character offsets into the *original* text, so highlighting marks
what the reader sees. Whoosh pickles the tokenizers into the index, so they hold only settings
(the user words); the segmenter is built on first use.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

from whoosh.analysis import Analyzer, CompositeAnalyzer, Token, Tokenizer

from indexer.analysis.normalise import OffsetMap, normalise, normalise_with_offsets
from indexer.analysis.segment import (
    Segmenter,
    iter_words,
    shared_segmenter,
    user_dict_sha1,
    word_counts,
)
from indexer.chars import IDEOGRAPHS

# A run of ideographs (group 1, cut into bigrams) or a run of other letters and digits.
_RUN_RE = re.compile(rf"([{IDEOGRAPHS}]+)|[^\W_{IDEOGRAPHS}]+")


def iter_grams(norm: str, query: bool = False) -> Iterator[tuple[str, int, int, int]]:
    """``(gram, position, start, end)``: CJK bigrams, other letter/digit runs whole.

    Every ideograph has its own position, a bigram sits at its first character's. At index time
    the first and last character of each ideograph run is also kept as a unigram, so that exact
    matches next to digits or letters (``第1号``, ``件1``) and one-character queries still
    find it. In query mode the output fills every position exactly once, ready for a phrase.

    >>> [g for g, *_ in iter_grams("禁止露天焚烧", query=True)]
    ['禁止', '止露', '露天', '天焚', '焚烧']
    >>> [g for g, *_ in iter_grams("1号文件")]
    ['1', '号', '号文', '文件', '件']
    """
    runs = list(_RUN_RE.finditer(norm)) if query else _RUN_RE.finditer(norm)
    pos = 0
    for index, match in enumerate(runs):
        a, b = match.span()
        run = match.group()
        n = b - a
        if match.group(1) is None or n == 1:
            yield run, pos, a, b
            pos += 1
            continue
        if not query:
            yield run[0], pos, a, a + 1
        for k in range(n - 1):
            yield run[k : k + 2], pos + k, a + k, a + k + 2
        if not query or index + 1 < len(runs):  # type: ignore[arg-type]
            yield run[-1], pos + n - 1, b - 1, b
        pos += n


def gram_counts(norm: str) -> Counter[str]:
    """The index-time terms of :func:`iter_grams` and their counts, a run at a time.

    >>> sorted(gram_counts("1号文件，号文").items())
    [('1', 1), ('件', 1), ('号', 2), ('号文', 2), ('文', 1), ('文件', 1)]
    """
    counts: Counter[str] = Counter()
    for match in _RUN_RE.finditer(norm):
        run = match.group()
        if match.group(1) is None or len(run) == 1:
            counts[run] += 1
        else:
            counts[run[0]] += 1
            counts[run[-1]] += 1
            counts.update([run[k : k + 2] for k in range(len(run) - 1)])
    return counts


PHRASE_SEP = " "  # between runs in a phrase key; never part of a run


def phrase_key(norm: str) -> str:
    """The runs of a normalised text (what the bigram tokenizer indexes), one space apart.

    An exact phrase matches a document exactly when the phrase's :func:`phrase_needle` occurs in
    the document's key: the same documents as a phrase query over bigrams at consecutive positions,
    without storing a position for every character.

    >>> phrase_key("离政办发〔2024〕1号，各乡镇")
    ' 离政办发 2024 1 号 各乡镇 '
    """
    runs = [m.group() for m in _RUN_RE.finditer(norm)]
    return PHRASE_SEP + PHRASE_SEP.join(runs) + PHRASE_SEP if runs else ""


def phrase_needle(norm: str) -> str:
    """What a phrase's key must contain: its runs; a letter/digit run at either end must be whole.

    An ideograph run at the start may begin, and one at the end may stop, inside a longer run, as
    with bigrams (``政办`` is in ``离政办发``; ``1号`` must not be in ``12号``).

    >>> phrase_needle("发〔2024〕1号"), phrase_needle("2024年")
    ('发 2024 1 号', ' 2024 年')
    """
    runs = list(_RUN_RE.finditer(norm))
    if not runs:
        return ""
    head = "" if runs[0].group(1) else PHRASE_SEP
    tail = "" if runs[-1].group(1) else PHRASE_SEP
    return head + PHRASE_SEP.join(m.group() for m in runs) + tail


class NormalisingTokenizer(Tokenizer):  # type: ignore[misc]
    """The Whoosh tokenizer contract over normalised text; subclasses supply ``_spans``.

    ``_spans`` yields ``(term, position, start, end)`` with offsets into the normalised text;
    this maps them back to the original and fills Whoosh's one reused :class:`Token`.
    """

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and self.__getstate__() == other.__getstate__()

    def __hash__(self) -> int:
        return hash((type(self).__name__, tuple(sorted(self.__getstate__().items()))))

    def __getstate__(self) -> dict[str, Any]:
        return {}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)

    def _spans(self, norm: str, query: bool) -> Iterator[tuple[str, int, int, int]]:
        raise NotImplementedError

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Any]:
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            t.original = value
            t.text = normalise(value)
            t.boost = 1.0
            if positions:
                t.pos = start_pos
            if chars:
                t.startchar, t.endchar = start_char, start_char + len(value)
            yield t
            return
        norm, src = normalise_with_offsets(value)
        for text, pos, a, b in self._spans(norm, mode == "query"):
            if (
                src is not None
                and src.expands
                and ((a and src[a - 1] == src[a]) or (b < len(src) and src[b] == src[b - 1]))
            ):
                a, b, text = _widen(norm, src, a, b)
            t.text = text
            t.boost = 1.0
            t.stopped = False
            if positions:
                t.pos = start_pos + pos
            if chars or keeporiginal:
                oa, ob = (a, b) if src is None else (src[a], src[b - 1] + 1)
                if keeporiginal:
                    t.original = value[oa:ob]
                if chars:
                    t.startchar, t.endchar = start_char + oa, start_char + ob
            yield t


def _widen(norm: str, src: OffsetMap, a: int, b: int) -> tuple[int, int, str]:
    """Grow a span that starts or ends inside one character's expansion to cover all of it."""
    while a and src[a - 1] == src[a]:
        a -= 1
    while b < len(src) and src[b] == src[b - 1]:
        b += 1
    return a, b, norm[a:b]


class JiebaTokenizer(NormalisingTokenizer):
    """jieba words; search mode (sub-words at their word's position) except at query time."""

    def __init__(self, user_words: tuple[str, ...] = ()) -> None:
        self.user_words = tuple(user_words)

    def __getstate__(self) -> dict[str, Any]:
        return {"user_words": self.user_words}

    def __repr__(self) -> str:
        return f"JiebaTokenizer(<{len(self.user_words)} user words>)"

    def segmenter(self) -> Segmenter:
        key = self.__dict__.get("_key")
        if key is None:
            key = self.__dict__["_key"] = user_dict_sha1(self.user_words)
        return shared_segmenter(self.user_words, key)

    def _spans(self, norm: str, query: bool) -> Iterator[tuple[str, int, int, int]]:
        return iter_words(self.segmenter(), norm, not query)


class BigramTokenizer(NormalisingTokenizer):
    """CJK character bigrams with edge unigrams; other letter/digit runs as whole tokens."""

    def _spans(self, norm: str, query: bool) -> Iterator[tuple[str, int, int, int]]:
        return iter_grams(norm, query)


def word_analyzer(user_words: tuple[str, ...] = ()) -> Analyzer:
    """jieba word analyzer; ``user_words`` extend jieba's dictionary.

    >>> [t.text for t in word_analyzer()("推行政府法律顾问制度")]
    ['推行', '政府', '法律顾问', '法律', '顾问', '制度']
    """
    return CompositeAnalyzer(JiebaTokenizer(tuple(user_words)))


def bigram_analyzer() -> Analyzer:
    """CJK bigram analyzer.

    >>> [t.text for t in bigram_analyzer()("离政办发〔2024〕1号", mode="query")]
    ['离政', '政办', '办发', '发', '2024', '1', '号']
    """
    return CompositeAnalyzer(BigramTokenizer())


def iter_index_terms(tokenizer: NormalisingTokenizer, value: str) -> Iterator[tuple[str, int]]:
    """``(term, position)`` exactly as the tokenizer yields them at index time, without Tokens."""
    norm, src = normalise_with_offsets(value)
    for text, pos, a, b in tokenizer._spans(norm, False):
        if (
            src is not None
            and src.expands
            and ((a and src[a - 1] == src[a]) or (b < len(src) and src[b] == src[b - 1]))
        ):
            text = _widen(norm, src, a, b)[2]
        yield text, pos


def index_term_counts(tokenizer: NormalisingTokenizer, value: str) -> Counter[str]:
    """How often each term of :func:`iter_index_terms` occurs; bigrams counted without spans."""
    norm, src = normalise_with_offsets(value)
    if src is None or not src.expands:
        if isinstance(tokenizer, BigramTokenizer):
            return gram_counts(norm)
        if isinstance(tokenizer, JiebaTokenizer):
            return word_counts(tokenizer.segmenter(), norm)
    return Counter(text for text, _ in iter_index_terms(tokenizer, value))
