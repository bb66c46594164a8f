"""How hits are ranked: the BM25F settings every searcher uses, and the recency tie-breaker."""

from __future__ import annotations

from functools import lru_cache

from whoosh.scoring import BM25F, WeightingModel


def weighting() -> WeightingModel:
    """BM25F for the searcher: titles are short, so their length matters less (lower B)."""
    return BM25F(B=0.75, K1=1.2, title_B=0.5, title_bi_B=0.5)


@lru_cache(maxsize=65536)
def recency_boost(date: str) -> float:
    """A tie-breaker the caller multiplies into the scores of the top hits before re-sorting.

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
