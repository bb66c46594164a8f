"""How hits are ranked: the BM25F settings every searcher uses, the recency tie-breaker, and
exact titles first.

A person who types a document's title expects that document first. BM25F alone does not give
that: a law's name also occurs in the titles of the regulations that implement or interpret it
(``上海市实施《中华人民共和国残疾人保障法》办法``), which repeat it in longer bodies and outscore
the law itself. :func:`exact_titles_first` lifts the matches whose title *is* the query above
every other match.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

import numpy as np
from numpy.typing import NDArray
from whoosh.scoring import BM25F, WeightingModel

from indexer.analysis.normalise import normalise
from indexer.analysis.tokens import phrase_needle
from indexer.index.ranking_fields import STATE_NAME as STATE_NAME
from indexer.index.ranking_fields import joined_key as _joined
from indexer.index.ranking_fields import loose_title_key
from indexer.index.ranking_fields import recency_boost as recency_boost
from indexer.index.ranking_fields import title_key as title_key

if TYPE_CHECKING:
    from searchapp.evaluate import DocArray, Matches

# Besides the titles that contain the query's text, the best-scored matches whose titles are
# compared with it (titles the query spells without their punctuation: 实施《…》办法).
TITLE_CANDIDATES = 100
# Past this many titles containing the query, they are narrowed by length before their keys are
# compared (a two-character query is in tens of thousands of titles at 147,000 records).
MANY_TITLES = 1_000
# Tiers of title equality: the same characters, or the same once the state's name is left out.
SAME_TITLE, SAME_TITLE_LOOSELY = 2, 1


_LOOSE_LENGTHS: WeakKeyDictionary[Any, NDArray[np.int32]] = WeakKeyDictionary()
_LOOSE_LENGTHS_LOCK = threading.Lock()


def weighting() -> WeightingModel:
    """BM25F for the searcher: titles are short, so their length matters less (lower B)."""
    return BM25F(B=0.75, K1=1.2, title_B=0.5, title_bi_B=0.5)


def shown_scores(scores: NDArray[np.float64]) -> NDArray[np.float64]:
    """``round(score, 4)`` of every score, exactly as Python's ``round`` gives it: equal shown
    scores are ranked by docnum, so the rounding decides ties. Numpy scales, rounds and divides
    back, which agrees except where the scaled score is within a rounding error of a half: those
    few are rounded again by ``round``.

    >>> shown_scores(np.array([2.675, 0.00015, 1.23456789, 0.03125])).tolist()
    [2.675, 0.0001, 1.2346, 0.0312]
    """
    scaled = scores * 1e4
    shown = np.rint(scaled) / 1e4
    near = np.abs(scaled - np.floor(scaled) - 0.5) <= np.abs(scaled) * 1e-15 + 1e-12
    for i in np.flatnonzero(near).tolist():
        shown[i] = round(float(scores[i]), 4)
    return shown


def best_first(keys: NDArray[Any], limit: int | None) -> NDArray[np.intp]:
    """Positions of the ``limit`` smallest ``keys`` (all when None), smallest first and equal
    keys in position order: a partial sort when a page needs only the first few.

    >>> best_first(np.array([3.0, 1.0, 2.0, 1.0]), 2).tolist()
    [1, 3]
    >>> best_first(np.array([2, 1]), None).tolist()
    [1, 0]
    """
    if limit is not None and limit < len(keys):
        if limit <= 0:
            return np.zeros(0, np.intp)
        kth = np.partition(keys, limit - 1)[limit - 1]
        candidates = np.flatnonzero(keys <= kth)
        return candidates[np.argsort(keys[candidates], kind="stable")][:limit]
    return np.argsort(keys, kind="stable")


def title_tier(query_key: str, key: str) -> int:
    """How closely a title key equals the query's: :data:`SAME_TITLE`, :data:`SAME_TITLE_LOOSELY`
    (the same without 中华人民共和国), or 0.

    >>> title_tier("外商投资法", "中华人民共和国外商投资法"), title_tier("外商投资法", "外商投资法")
    (1, 2)
    >>> title_tier("外商投资法", "中华人民共和国外商投资法实施条例")
    0
    """
    if key == query_key:
        return SAME_TITLE
    if loose_title_key(key) == loose_title_key(query_key):
        return SAME_TITLE_LOOSELY
    return 0


def plain_text(query: str) -> str | None:
    """The text of a query made only of words and phrases searched everywhere or in titles
    (no 文号, operators or other fields), for comparison with titles; None otherwise.

    >>> plain_text("外商投资法 实施条例"), plain_text("外商投资法 -条例")
    ('外商投资法实施条例', None)
    >>> plain_text("国发〔2019〕5号") is None
    True
    """
    from searchapp.querylex import read_items

    items = read_items(query, [])
    if not items or any(
        i.kind not in ("word", "phrase") or i.negated or i.or_next or i.field not in (None, "title")
        for i in items
    ):
        return None
    return "".join(i.text for i in items)


def title_query(query: str) -> tuple[str, str]:
    """The text a query is compared with titles as (:func:`plain_text`) and its title key
    (:func:`title_key`); ``("", "")`` when it is not compared: not plain words, or under two
    characters once the state's name is left out.

    >>> title_query("《中华人民共和国外商投资法》")
    ('《中华人民共和国外商投资法》', '中华人民共和国外商投资法')
    >>> title_query("国发〔2019〕5号"), title_query("法")
    (('', ''), ('', ''))
    """
    text = plain_text(query)
    key = title_key(text) if text else ""
    return (text or "", key) if len(loose_title_key(key)) >= 2 else ("", "")


def exact_titles_first(
    searcher: Any, query: str, matches: Matches, alive: Callable[[], bool]
) -> Matches:
    """``matches`` with those whose title equals the query lifted above all others; their
    scores array is changed in place (at 147,000 records a match set is large to copy).

    A match whose title key (:func:`title_key`) is the query's gets the best score added twice;
    one that differs only by 中华人民共和国, once. Each tier keeps its own order (BM25F, recency),
    and every other match keeps its score. Titles compared: those that contain the query's text
    (an exact phrase over the titles' bigrams) and those of the best-scored matches.
    """
    text, key = title_query(query)
    if not key or not len(matches):
        return matches
    from searchapp.phrasekeys import phrase_keys

    reader = searcher.reader()
    keys = phrase_keys(reader, "title_bi")
    docs, scores = matches.docs, matches.scores
    containing = np.flatnonzero(np.isin(docs, _titles_containing(searcher, text, alive)))
    if len(containing) > MANY_TITLES:  # a few words in thousands of titles: skip most unread
        loose = _loose_lengths(reader, keys, docs[containing])
        containing = containing[loose == len(loose_title_key(key))]
    candidates = np.union1d(best_first(-scores, TITLE_CANDIDATES), containing)
    tiers = [
        (i, t)
        for i, d in zip(candidates.tolist(), docs[candidates].tolist(), strict=True)
        if (t := title_tier(key, _joined(keys[d])))
    ]
    if not tiers:
        return matches
    top = float(scores.max())
    for i, tier in tiers:
        scores[i] += tier * top
    return matches


def _loose_lengths(reader: Any, keys: Any, docs: DocArray) -> NDArray[np.int32]:
    """The length of each of ``docs``' title keys without 中华人民共和国: only a title of the
    query's length in that sense can equal it, even loosely. Kept per reader, filled in as
    documents are asked for (reading a key is the cost)."""
    lengths = _LOOSE_LENGTHS.get(reader)
    if lengths is None:
        with _LOOSE_LENGTHS_LOCK:
            lengths = _LOOSE_LENGTHS.setdefault(
                reader, np.full(reader.doc_count_all(), -1, np.int32)
            )
    missing = docs[lengths[docs] < 0].tolist()
    if missing:
        found = [len(loose_title_key(_joined(keys[d]))) for d in missing]
        lengths[missing] = found
    return lengths[docs]


def _titles_containing(searcher: Any, text: str, alive: Callable[[], bool]) -> DocArray:
    """The documents whose title contains ``text`` without 中华人民共和国, as typed."""
    from searchapp.evaluate import NONE, Expired, evaluate
    from searchapp.matchers import AdjacentPhrase

    norm = loose_title_key(normalise(text))
    if "title_bi" not in searcher.schema:
        return NONE.docs
    analyzer = searcher.schema["title_bi"].analyzer
    grams = [t.text for t in analyzer(norm, mode="query", positions=True)]
    if not grams:
        return NONE.docs
    if len(grams) == 1:
        from whoosh import query as wq

        phrase: Any = wq.Term("title_bi", grams[0])
    else:
        phrase = AdjacentPhrase("title_bi", grams, phrase_needle(norm))
    try:
        return evaluate(searcher, phrase, alive).docs
    except Expired:
        return NONE.docs
