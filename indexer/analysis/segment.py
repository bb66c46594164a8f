"""The segmenter: normalised text → jieba words with offsets, and what an index records of it.

jieba's dictionary (rjieba when installed, jieba otherwise) extended by the user words; one
segmenter per distinct user dictionary, built on first use. :func:`analysis_signature` is what
an index stores so that it is queried with the analysis that built it.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
import threading
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from indexer.analysis.normalise import normalise

# Bump whenever normalisation or tokenisation changes what is indexed: an index built by an
# earlier version then asks to be rebuilt instead of silently missing documents.
ANALYSIS_VERSION = 1
MAX_SUBWORD = 8  # longest dictionary word emitted inside a longer one (search mode)

_SEGMENTERS: dict[str, Segmenter] = {}
_SEGMENTER_LOCK = threading.Lock()


def _canonical_words(words: Iterable[str]) -> list[str]:
    """User words as the segmenter must hold them: normalised (it cuts normalised text), sorted,
    without duplicates and without words that hold a space (no cut could produce them)."""
    kept = {normalise(w).strip() for w in words}
    return sorted(w for w in kept if w and not any(c.isspace() for c in w))


def user_dict_sha1(words: tuple[str, ...]) -> str:
    """The user dictionary's fingerprint: equal for word lists the segmenter holds alike."""
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
    """``rjieba-<version>`` or ``jieba-<version>``: what :class:`Segmenter` uses here.

    Found without importing the segmenter, which loads its dictionary (a third of a second):
    an index update with nothing to do checks the name but segments nothing.
    """
    from importlib.util import find_spec

    try:
        if find_spec("rjieba") is not None:
            return f"rjieba-{_installed_version('rjieba')}"
    except (ImportError, ValueError):
        pass
    return f"jieba-{_installed_version('jieba')}"


def _installed_version(name: str) -> str:
    """The installed version of distribution ``name``, read from its ``.dist-info`` folder
    beside the package when there is one (importing :mod:`importlib.metadata` costs a run of
    ``gazette index`` with nothing to do a tenth of its time), else from the metadata.

    >>> _installed_version("jieba") == __import__("importlib.metadata").metadata.version("jieba")
    True
    """
    from importlib.util import find_spec

    spec = find_spec(name)
    if spec is not None and spec.origin:
        site = Path(spec.origin).parent.parent
        found = sorted(site.glob(f"{name}-*.dist-info"))
        if len(found) == 1:
            return found[0].name[len(name) + 1 : -len(".dist-info")]
    from importlib.metadata import version

    return version(name)


def shared_segmenter(words: tuple[str, ...], key: str) -> Segmenter:
    """One segmenter per user-dictionary content (``key`` is :func:`user_dict_sha1` of
    ``words``, which the caller keeps), built on first use and shared by every thread."""
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


def analysis_signature(user_words: tuple[str, ...]) -> dict[str, str]:
    """What an index must record to be queried with the same analysis."""
    return {"segmenter": segmenter(), "user_dict_sha1": user_dict_sha1(tuple(user_words))}


@functools.cache
def segmenter() -> str:
    """The segmenter and analysis that build an index, e.g. ``rjieba-0.2.2/analysis-1``."""
    return f"{segmenter_name()}/analysis-{ANALYSIS_VERSION}"


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
