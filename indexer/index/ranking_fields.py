"""What an index keeps of a record for ranking, besides its terms: the title key (a query equal
to a document's title ranks it first) and the recency factor (newer first among near-equal
scores). The search layer (:mod:`searchapp.ranking`) uses the same functions on the embedded
index, where they are computed at search time; OpenSearch stores them in each document.
"""

from __future__ import annotations

from functools import lru_cache

from indexer.analysis.normalise import normalise
from indexer.analysis.tokens import PHRASE_SEP, phrase_key

# Left out when titles are compared: laws are cited with and without the state's name.
STATE_NAME = "中华人民共和国"


@lru_cache(maxsize=65536)
def recency_boost(date: str) -> float:
    """A tie-breaker multiplied into the scores of the matches.

    Linear from 1.0 (1949 and earlier, or undated) to 1.05 (2050), so it reorders only hits
    whose scores are within a few percent; an exact 文号 (boost 1000) is never overtaken.

    >>> recency_boost(""), round(recency_boost("2024-03-31"), 4)
    (1.0, 1.0372)
    """
    try:
        year = int(date[:4]) + (int(date[5:7]) - 1) / 12 if len(date) >= 7 else int(date[:4])
    except ValueError:
        return 1.0
    return 1.0 + 0.05 * min(max((year - 1949) / (2050 - 1949), 0.0), 1.0)


def title_key(text: str) -> str:
    """What two titles must share to count as the same: their letters, digits and ideographs,
    normalised (spaces, punctuation, brackets and 《》 left out).

    >>> title_key("《中华人民共和国 外商投资法》（2019年）")
    '中华人民共和国外商投资法2019年'
    """
    return joined_key(phrase_key(normalise(text)))


def joined_key(key: str) -> str:
    """A title key from a phrase key (:func:`indexer.analysis.tokens.phrase_key`)."""
    return key.replace(PHRASE_SEP, "")


def loose_title_key(key: str) -> str:
    """A title key without the state's name: 外商投资法 and 中华人民共和国外商投资法 share it.

    >>> loose_title_key("中华人民共和国外商投资法")
    '外商投资法'
    """
    return key.replace(STATE_NAME, "")
