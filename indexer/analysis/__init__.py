"""Analysis: text → the terms the index holds and a query looks up, the same for both.

Normalisation and the map back to the original text (:mod:`.normalise`), the jieba segmenter
and the signature an index records of it (:mod:`.segment`), jieba words and CJK bigrams as
Whoosh tokenizers and analyzers (:mod:`.tokens`), the schema's text field types
(:mod:`.fields`) and the user words collected from records (:mod:`.vocabulary`).

Whoosh pickles the tokenizer and field classes into each index by import path. Indexes built
before this package was split name them here (``indexer.analysis.JiebaTokenizer``), so those
names stay importable from the package; new code imports from the module that defines them.

May import: ``indexer.records``, ``indexer.chars``. Nothing from the later stages.

The names are resolved when first asked for (:func:`__getattr__`): importing one module of the
package, as ``gazette index`` does to read the user dictionary, must not import Whoosh and the
segmenter with it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# ``normalise`` is also a module's name: bound here, the function stays the package's
# ``normalise`` whichever module is imported first.
from indexer.analysis.normalise import normalise as normalise
from indexer.analysis.normalise import normalise_with_offsets as normalise_with_offsets

if TYPE_CHECKING:
    from indexer.analysis.fields import Counts as Counts
    from indexer.analysis.fields import FastText as FastText
    from indexer.analysis.fields import KeyedText as KeyedText
    from indexer.analysis.fields import text_fields as text_fields
    from indexer.analysis.segment import Segmenter as Segmenter
    from indexer.analysis.segment import analysis_signature as analysis_signature
    from indexer.analysis.segment import iter_words as iter_words
    from indexer.analysis.segment import read_user_dict as read_user_dict
    from indexer.analysis.segment import segmenter as segmenter
    from indexer.analysis.tokens import BigramTokenizer as BigramTokenizer
    from indexer.analysis.tokens import JiebaTokenizer as JiebaTokenizer
    from indexer.analysis.tokens import bigram_analyzer as bigram_analyzer
    from indexer.analysis.tokens import phrase_needle as phrase_needle
    from indexer.analysis.tokens import word_analyzer as word_analyzer
    from indexer.analysis.vocabulary import collect_terms as collect_terms
    from indexer.chars import IDEOGRAPHS as IDEOGRAPHS

_HOMES = {
    "Counts": "indexer.analysis.fields",
    "FastText": "indexer.analysis.fields",
    "KeyedText": "indexer.analysis.fields",
    "text_fields": "indexer.analysis.fields",
    "Segmenter": "indexer.analysis.segment",
    "analysis_signature": "indexer.analysis.segment",
    "iter_words": "indexer.analysis.segment",
    "read_user_dict": "indexer.analysis.segment",
    "segmenter": "indexer.analysis.segment",
    "BigramTokenizer": "indexer.analysis.tokens",
    "JiebaTokenizer": "indexer.analysis.tokens",
    "bigram_analyzer": "indexer.analysis.tokens",
    "phrase_needle": "indexer.analysis.tokens",
    "word_analyzer": "indexer.analysis.tokens",
    "collect_terms": "indexer.analysis.vocabulary",
    "IDEOGRAPHS": "indexer.chars",
}


def __getattr__(name: str) -> Any:
    """The package's names, imported from their modules when first used (pickle asks for them
    by ``getattr`` too)."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


__all__ = sorted([*_HOMES, "normalise", "normalise_with_offsets"])
