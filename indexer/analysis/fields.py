"""Fields: the schema's text fields, Whoosh field types whose postings come from our tokens.

Whoosh pickles these classes into the index with the schema, so they hold only settings.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

from whoosh.analysis import Analyzer, CompositeAnalyzer
from whoosh.columns import CompressedBytesColumn
from whoosh.fields import TEXT, FieldType
from whoosh.formats import Existence

from indexer.analysis.normalise import normalise
from indexer.analysis.tokens import (
    NormalisingTokenizer,
    bigram_analyzer,
    index_term_counts,
    phrase_key,
    word_analyzer,
)


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
            and isinstance(items[0], NormalisingTokenizer)
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
