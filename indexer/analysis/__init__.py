"""Text analysis: normalisation, jieba words and CJK bigrams, as Whoosh analyzers.

Both analyzers normalise first (:func:`normalise`) and report character offsets into the
*original* text, so highlighting marks what the reader sees. Whoosh pickles analyzers into the
index, so the classes here hold only settings (the user words); jieba is imported and its
dictionary loaded on first use, once per distinct user dictionary.

Normalisation folds each character on its own (NFKC, OpenCC t2s, lower case), then removes
whitespace between two CJK ideographs. Folding per character, rather than running OpenCC's
phrase conversion over the whole text, keeps it identical for a text and every piece of it:
the index and the query always agree, and offsets map back one character at a time.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
import threading
import unicodedata
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from whoosh.analysis import Analyzer, CompositeAnalyzer, Token, Tokenizer
from whoosh.columns import CompressedBytesColumn
from whoosh.fields import TEXT, FieldType
from whoosh.formats import Existence

from indexer.records import Record

# Bump whenever normalisation or tokenisation changes what is indexed: an index built by an
# earlier version then asks to be rebuilt instead of silently missing documents.
ANALYSIS_VERSION = 1
MAX_SUBWORD = 8  # longest dictionary word emitted inside a longer one (search mode)

IDEOGRAPHS = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U000323af"
_HSPACE = r"[^\S\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]+"
_CJK_GAP_RE = re.compile(rf"(?<=[{IDEOGRAPHS}]){_HSPACE}(?=[{IDEOGRAPHS}])")
# A run of ideographs (group 1, cut into bigrams) or a run of other letters and digits.
_RUN_RE = re.compile(rf"([{IDEOGRAPHS}]+)|[^\W_{IDEOGRAPHS}]+")
_OPENCC_LOCK = threading.Lock()

# ---------------------------------------------------------------------------- normalisation


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


# ---------------------------------------------------------------------------- jieba


_SEGMENTERS: dict[str, Segmenter] = {}
_SEGMENTER_LOCK = threading.Lock()


def _canonical_words(words: Iterable[str]) -> list[str]:
    kept = {normalise(w).strip() for w in words}
    return sorted(w for w in kept if w and not any(c.isspace() for c in w))


def _user_dict_sha1(words: tuple[str, ...]) -> str:
    return hashlib.sha1("\n".join(_canonical_words(words)).encode("utf-8")).hexdigest()


class Segmenter:
    """jieba's segmentation with our user words: ``cut`` a text, ask ``is_word``.

    rjieba (jieba's dictionary and algorithm in Rust, by the author of jieba-rs) when it is
    installed, thirteen times faster and word for word the same (a test compares the two);
    otherwise jieba itself. The index records which one built it (:func:`segmenter`).
    """

    def __init__(self, words: Iterable[str]) -> None:
        try:
            import rjieba
        except ImportError:  # rjieba is a dependency; jieba is the fallback
            self._use_jieba(words)
            return
        seg: Any = rjieba.Jieba()
        for word in words:
            seg.add_word(word, None, None)
        self.is_word: Any = seg.has_word
        self.cut: Any = functools.partial(_cut_as_jieba, seg.cut, seg.has_word)

    def _use_jieba(self, words: Iterable[str]) -> None:
        import jieba  # untyped; imported on first use, never at module import

        jieba.setLogLevel(logging.WARNING)
        seg = jieba.Tokenizer()
        seg.initialize()
        for word in words:
            seg.add_word(word)
        freq = seg.FREQ
        self.cut = seg.cut
        self.is_word = lambda word: bool(freq.get(word))

    def subwords(self, word: str) -> tuple[tuple[str, int], ...]:
        """Dictionary words inside ``word`` (2 to :data:`MAX_SUBWORD` characters, each once,
        shortest first) with their offsets; remembered per word."""
        cache: dict[str, tuple[tuple[str, int], ...]] = self.__dict__.setdefault("_subwords", {})
        found = cache.get(word)
        if found is None:
            seen = {word}
            parts = []
            for size in range(2, min(len(word), MAX_SUBWORD + 1)):
                for i in range(len(word) - size + 1):
                    sub = word[i : i + size]
                    if sub not in seen and self.is_word(sub):
                        seen.add(sub)
                        parts.append((sub, i))
            found = cache[word] = tuple(parts)
        return found

    @classmethod
    def python(cls, words: Iterable[str]) -> Segmenter:
        """The pure-Python jieba segmenter (the fallback; for comparisons)."""
        seg = cls.__new__(cls)
        seg._use_jieba(words)
        return seg


# jieba cuts a run of letters, digits and +#&._%- that is no dictionary word into numbers
# (``4.2``), letter/digit runs and single marks; rjieba keeps the run whole (``0358-8224002``).
_JOINED_RE = re.compile(r"[a-zA-Z0-9]*[+#&._%-]")
_JOINED_IN_RE = re.compile(r"[a-zA-Z0-9][+#&._%-]|[+#&._%-][a-zA-Z0-9]")
_JIEBA_SKIP_RE = re.compile(r"[a-zA-Z0-9]+(?:\.\d+)?%?|.", re.S)


def _cut_as_jieba(cut: Any, is_word: Any, text: str) -> list[str]:
    words: list[str] = cut(text)
    if not _JOINED_IN_RE.search(text):
        return words
    out: list[str] = []
    for word in words:
        if (
            len(word) > 1
            and not word.isalnum()
            and _JOINED_RE.match(word)
            and word.isascii()
            and not is_word(word)
        ):
            out.extend(_JIEBA_SKIP_RE.findall(word))
        else:
            out.append(word)
    return out


def segmenter_name() -> str:
    """``rjieba-<version>`` or ``jieba-<version>``: what :class:`Segmenter` uses here."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        import rjieba  # noqa: F401

        return f"rjieba-{version('rjieba')}"
    except (ImportError, PackageNotFoundError):
        return f"jieba-{version('jieba')}"


def _segmenter(words: tuple[str, ...], key: str) -> Segmenter:
    """One segmenter per user-dictionary content, built on first use."""
    seg = _SEGMENTERS.get(key)
    if seg is None:
        with _SEGMENTER_LOCK:
            seg = _SEGMENTERS.get(key)
            if seg is None:
                seg = _SEGMENTERS[key] = Segmenter(_canonical_words(words))
    return seg


def iter_words(seg: Segmenter, norm: str, search: bool) -> Iterator[tuple[str, int, int, int]]:
    """``(word, position, start, end)`` over normalised text; offsets index ``norm``.

    In search mode every dictionary word inside a longer word (jieba itself takes only those of
    2 and 3 characters) follows it, at its position: ``吕梁市离石区人民政府`` also yields 吕梁市,
    离石区, 人民政府 … Tokens without a letter or digit (punctuation, spaces) are dropped.
    """
    subwords = seg.subwords
    pos = -1
    start = 0
    for word in seg.cut(norm):
        end = start + len(word)
        if _has_alnum(word):
            pos += 1
            yield word, pos, start, end
            if search and len(word) > 2:
                for sub, i in subwords(word):
                    yield sub, pos, start + i, start + i + len(sub)
        start = end


def _has_alnum(word: str) -> bool:
    """A word worth indexing: it has a letter or digit (punctuation and spaces are dropped)."""
    return word.isalnum() or any(c.isalnum() for c in word)


def word_counts(seg: Segmenter, norm: str) -> Counter[str]:
    """The index-time (search mode) words of :func:`iter_words` and their counts."""
    counts = Counter(seg.cut(norm))
    subwords = seg.subwords
    for word, n in list(counts.items()):
        if not _has_alnum(word):
            del counts[word]
        elif len(word) > 2:
            for sub, _ in subwords(word):
                counts[sub] += n
    return counts


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


# ---------------------------------------------------------------------------- Whoosh adapters


class _NormalisingTokenizer(Tokenizer):  # type: ignore[misc]
    """Shared Whoosh tokenizer contract; subclasses supply ``_spans``."""

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


class JiebaTokenizer(_NormalisingTokenizer):
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
            key = self.__dict__["_key"] = _user_dict_sha1(self.user_words)
        return _segmenter(self.user_words, key)

    def _spans(self, norm: str, query: bool) -> Iterator[tuple[str, int, int, int]]:
        return iter_words(self.segmenter(), norm, not query)


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


class BigramTokenizer(_NormalisingTokenizer):
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


def text_fields(user_words: tuple[str, ...] = ()) -> dict[str, FieldType]:
    """The schema's text fields: words for ranking, bigrams for recall and exact matching.

    The word fields keep no positions: phrases and 精确 mode run on the bigram fields, which
    keep a :func:`phrase_key` column instead of positions (a position for every character was
    three quarters of the index, and position checks most of a broad query's time).
    """
    words = word_analyzer(user_words)
    grams = bigram_analyzer()
    return {
        "title": FastText(analyzer=words, stored=True, field_boost=3.0),
        "title_bi": KeyedText(analyzer=grams),
        "body": FastText(analyzer=words, stored=True),
        "body_bi": KeyedText(analyzer=grams),
    }


class Counts(Existence):  # type: ignore[misc]
    """Postings that hold only the term's frequency, as their weight.

    Whoosh's Frequency format writes each frequency twice: as the weight (what BM25 scores)
    and again as a 4-byte value. Scores are the same; ``value_as("frequency")`` is not kept.
    """

    def word_values(self, value: Any, analyzer: Any, **kwargs: Any) -> Iterator[Any]:
        counts = Counter(t.text for t in analyzer(value, **kwargs))
        boost = self.field_boost
        return ((w, n, float(n) * boost, b"") for w, n in counts.items())


def iter_index_terms(tokenizer: _NormalisingTokenizer, value: str) -> Iterator[tuple[str, int]]:
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


def index_term_counts(tokenizer: _NormalisingTokenizer, value: str) -> Counter[str]:
    """How often each term of :func:`iter_index_terms` occurs; bigrams counted without spans."""
    norm, src = normalise_with_offsets(value)
    if src is None or not src.expands:
        if isinstance(tokenizer, BigramTokenizer):
            return gram_counts(norm)
        if isinstance(tokenizer, JiebaTokenizer):
            return word_counts(tokenizer.segmenter(), norm)
    return Counter(text for text, _ in iter_index_terms(tokenizer, value))


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


class FastText(TEXT):  # type: ignore[misc]
    """A TEXT field of :class:`Counts` postings that come straight from our tokenizers.

    Whoosh's formats build postings from one :class:`Token` object per token, and bigrams give
    a token for nearly every character: most of the indexing time. This counts the terms
    directly and yields the same ``(term, frequency, weight, value)`` tuples (a property test
    checks they equal Whoosh's own). Anything other than a plain string goes the standard way.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, phrase=False, **kwargs)
        self.format: Any = Counts(field_boost=self.format.field_boost)

    def term_counts(self, value: Any) -> Counter[str] | None:
        """Each index term of ``value`` and its frequency, or None when the value must go
        Whoosh's standard way (not a plain string, or an analyzer other than ours)."""
        items: list[Any] = (
            list(self.analyzer.items) if isinstance(self.analyzer, CompositeAnalyzer) else []
        )
        if not (
            isinstance(value, str)
            and len(items) == 1
            and isinstance(items[0], _NormalisingTokenizer)
            and isinstance(self.format, Counts)
        ):
            return None
        return index_term_counts(items[0], value)

    def index(self, value: Any, **kwargs: Any) -> Iterator[tuple[bytes, int, float, bytes]]:
        counts = None if kwargs else self.term_counts(value)
        if counts is None:
            yield from super().index(value, **kwargs)
            return
        boost = self.format.field_boost
        for text, freq in counts.items():
            yield text.encode("utf-8"), freq, float(freq) * boost, b""


class KeyedText(FastText):
    """Bigrams without positions, plus each document's :func:`phrase_key` as a column.

    Phrase queries intersect the bigrams' postings, then check the candidates' keys.
    """

    def __init__(self, analyzer: Analyzer) -> None:
        super().__init__(analyzer=analyzer)
        self.column_type = CompressedBytesColumn()

    def to_column_value(self, value: Any) -> bytes:
        text = value if isinstance(value, str) else ""
        return phrase_key(normalise(text)).encode("utf-8")

    def from_bytes(self, bs: bytes) -> str:
        return bs.decode("utf-8")


def analysis_signature(user_words: tuple[str, ...]) -> dict[str, str]:
    """What an index must record to be queried with the same analysis."""
    return {"segmenter": segmenter(), "user_dict_sha1": _user_dict_sha1(tuple(user_words))}


@functools.cache
def segmenter() -> str:
    """The segmenter and analysis that build an index, e.g. ``rjieba-0.2.2/analysis-1``."""
    return f"{segmenter_name()}/analysis-{ANALYSIS_VERSION}"


# ---------------------------------------------------------------------------- user dictionary


_USERDICT_LINE = re.compile(r"^(.+?)( [0-9]+)?( [a-z]+)?$")


def read_user_dict(path: Path | None) -> tuple[str, ...]:
    """Words of a jieba user dictionary (``word [freq] [tag]`` per line); no file → ``()``."""
    if path is None or not Path(path).is_file():
        return ()
    words: dict[str, None] = {}
    for line in Path(path).read_text(encoding="utf-8-sig", errors="replace").splitlines():
        line = line.strip()
        match = _USERDICT_LINE.match(line) if line and not line.startswith("#") else None
        if match:
            words.setdefault(match.group(1).strip(), None)
    return tuple(w for w in words if w)


_HAN = "\u4e00-\u9fff"
_ADMIN_RE = re.compile(rf"[{_HAN}]{{2,6}}?(?:自治区|自治州|自治县|省|市|区|县|旗|镇|乡|街道)")
# Towns in a strong context (信义镇人民政府, 凤山街道办事处) or a list (坪头乡、枣林乡、…).
_TOWN_RE = re.compile(
    rf"(?:^|(?<=[^{_HAN}])|(?<=[区县市]))([{_HAN}]{{2,3}}(?:镇|乡|街道))"
    rf"(?=人民政府|办事处|政府|街道办|[、，；;,]|$)"
)
_AGENCY_RE = re.compile(
    rf"(?:^|(?<=[^{_HAN}]))((?!区域)[区市县][{_HAN}]{{1,5}}?(?:局|委(?=[^{_HAN}]|办|$)))"
)
_TITLE_PLACE_RE = re.compile(rf"^([{_HAN}]{{2,3}}?(?:省|市|自治区))")
# Characters of grammar, not of names: a candidate holding one is a phrase, not a name.
_FUNCTION_CHARS = frozenset(
    "的了和与及或并而向对在于由从将把被给为以按据其此该各每全本所等可应须要当请报告知有沿"
    "参加选举负责协助配合支持督促指导组织通知另行驻"
)
_GENERIC_NAMES = frozenset({"城市", "当地", "重点", "沿海", "建制", "文明", "所属", "民族", "周边"})


def _admin_parts(name: str) -> Iterator[str]:
    """``吕梁市离石区人民政府`` → 吕梁市, 离石区."""
    pos = 0
    while (match := _ADMIN_RE.match(name, pos)) is not None:
        yield match.group()
        pos = match.end()


def _record_terms(rec: Record) -> Iterator[str]:
    for issuer in [rec.issuer, *rec.issuers]:
        if issuer and len(issuer) <= 30 and re.fullmatch(f"[{_HAN}]+", issuer):
            yield issuer
            yield from _admin_parts(issuer)
    if match := _TITLE_PLACE_RE.match(rec.title):
        yield match.group(1)
    for text in (rec.title, rec.body):
        towns = [m.group(1) for m in _TOWN_RE.finditer(text)]
        yield from (t for t in towns if _is_town(t.removesuffix("街道").rstrip("镇乡")))
        agencies = (m.group(1) for m in _AGENCY_RE.finditer(text))
        yield from (a for a in agencies if not _FUNCTION_CHARS.intersection(a[1:-1]))


def _is_town(name: str) -> bool:
    """Not a phrase of grammar (各乡镇, 并告知街道) nor a common noun (城市街道)."""
    generic = name in _GENERIC_NAMES or name.endswith(("市", "区", "县", "省", "村"))
    return not generic and not _FUNCTION_CHARS.intersection(name)


def collect_terms(records: Iterable[Record]) -> tuple[str, ...]:
    """Issuer names, place names and agency abbreviations seen in the records.

    >>> collect_terms([Record(issuer="吕梁市离石区人民政府", body="信义镇人民政府、区人社局")])
    ('信义镇', '区人社局', '吕梁市', '吕梁市离石区人民政府', '离石区')
    """
    found: set[str] = set()
    for rec in records:
        found.update(term for term in _record_terms(rec) if 2 <= len(term) <= 30)
    return tuple(sorted(found))
