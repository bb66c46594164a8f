"""The table of contents (目录) of a gazette issue: its entries and where each document starts.

An entry is a title, often a 文号 in brackets, dot leaders and a printed page number; long titles
wrap over two or three lines and section headings such as 【区政府文件】 group the entries. The
entries are then found again as headings in the issue's text, exactly where possible and by
similarity where the scan's OCR or the editor changed a character.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from indexer.extract.textclean import (
    TOC_ENTRY_TAIL,
    TOC_LEADERS,
    TOC_LEADERS_AT_END,
    collapse_spaces,
)
from indexer.recognise.docinfo import is_org
from indexer.recognise.docnum import canonical_doc_number

_TOC_HEADER = re.compile(r"^(?:本期)?目\s*[录次錄]$|^CONTENTS$", re.IGNORECASE)
_SECTION = re.compile(r"^[【〖\[［]\s*(?P<name>[^】〗\]］]{2,20})\s*[】〗\]］]$")
_NUMBER_IN_BRACKETS = re.compile(r"[(（]\s*(?P<num>[^()（）]{2,30}?号)\s*[)）]\s*$")
_MAX_PENDING = 3
_KEY_DROP = re.compile(r"[\s\u3000·•・.．,，、:：;；\"'“”‘’「」『』《》〈〉<>—–\-_~～!！?？]")
_BRACKETS = str.maketrans("（）【】〔〕［］｛｝", "()[][][]{}")


@dataclass(frozen=True)
class TocEntry:
    """One line of contents: a document's title, 文号, printed start page and section."""

    title: str
    doc_number: str
    page: int | None
    section: str
    lines: tuple[str, ...]

    def title_variants(self) -> list[str]:
        """The title, then the title without leading lines that may be stray (cover text)."""
        variants = [self.title]
        for k in range(1, len(self.lines)):
            rest = _entry_title("".join(self.lines[k:]))[0]
            if len(rest) >= 6:
                variants.append(rest)
        return variants


@dataclass(frozen=True)
class Toc:
    """The contents of an issue: where its lines are, and its entries in order."""

    start: int  # index of the 目录 heading line
    end: int  # index after the last line of the contents
    entries: tuple[TocEntry, ...]


def norm_key(text: str) -> str:
    """A comparison key for titles: NFKC, brackets unified, spaces and punctuation removed.

    >>> norm_key("关于金巢魔码小区（吕梁市水西泰安物业管理有限公司）的批复") == norm_key(
    ...     "关于金巢魔码小区(吕梁市水西泰安物业管理有限公司) 的批复")
    True
    """
    return _KEY_DROP.sub("", unicodedata.normalize("NFKC", text.translate(_BRACKETS)))


def find_toc(lines: Sequence[str], limit: int | None = None) -> Toc | None:
    """The contents of an issue: the 目录 heading within the first ``limit`` lines, then entries.

    Returns None unless at least two entries follow the heading.

    >>> toc = find_toc(["某县公报", "目 录", "关于甲事的通知……1", "关于乙事的通知……3", "正文："])
    >>> [(e.title, e.page) for e in toc.entries], toc.end
    ([('关于甲事的通知', 1), ('关于乙事的通知', 3)], 4)
    """
    limit = min(len(lines), limit if limit is not None else max(200, len(lines) // 3))
    for start in range(limit):
        head = _squeeze(lines[start])
        if _TOC_HEADER.match(head):
            after = start + 1
        elif head == "目" and start + 1 < len(lines) and _squeeze(lines[start + 1]) in "录次錄":
            after = start + 2  # the two characters set far apart, on lines of their own
        else:
            continue
        entries, end = parse_entries(lines, after)
        if len(entries) >= 2:
            return Toc(start, end, tuple(entries))
    return None


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def parse_entries(lines: Sequence[str], start: int) -> tuple[list[TocEntry], int]:
    """Entries from ``start`` until the lines stop looking like contents; and where they stop.

    >>> lines = ["【区政府文件】", "某区人民政府关于武勇任职的通知", "(离政发〔2023〕32号) ... 1"]
    >>> entries, end = parse_entries([*lines, "正文开始。"], 0)
    >>> [(e.title, e.doc_number, e.page, e.section) for e in entries], end
    ([('某区人民政府关于武勇任职的通知', '离政发〔2023〕32号', 1, '区政府文件')], 3)
    """
    entries: list[TocEntry] = []
    pending: list[str] = []
    section = ""
    index = start
    for index in range(start, len(lines)):
        text = lines[index].strip()
        section_match = _SECTION.match(text)
        if section_match:
            pending, section = [], section_match["name"].strip()
            continue
        tail = TOC_ENTRY_TAIL.search(text)
        if tail and _entry_title("".join([*pending, text[: tail.start()]]))[0]:
            page = int(tail.group(1))
            if entries and entries[-1].page is not None and page < entries[-1].page:
                return entries, index - len(pending)
            entries.append(_make_entry([*pending, text[: tail.start()]], page, section))
            pending = []
            continue
        pending.append(text)
        if len(pending) > _MAX_PENDING or text[-1:] in "。！？；：!?;:":
            return entries, index - len(pending) + 1
    return entries, index + 1 - len(pending)


def _make_entry(parts: list[str], page: int, section: str) -> TocEntry:
    title, number = _entry_title("".join(parts))
    return TocEntry(title, number, page, section, tuple(p.strip() for p in parts))


def _entry_title(text: str) -> tuple[str, str]:
    """Title and canonical 文号 of an entry's text without its page number."""
    text = TOC_LEADERS_AT_END.sub("", collapse_spaces(text.replace("\t", " "))).strip()
    number = ""
    m = _NUMBER_IN_BRACKETS.search(text)
    if m:
        number = canonical_doc_number(m["num"])
        if number:
            text = text[: m.start()].strip()
    return text.strip(" " + TOC_LEADERS), number


@dataclass(frozen=True)
class Match:
    """Where an entry's heading starts in the text, over how many lines, and how sure."""

    line: int
    span: int
    score: float


def match_heading(key: str, window: str, fuzzy: bool = True) -> float:
    """How well a candidate heading's key matches an entry's key, 0 to 1.

    Exact is 1; a heading that adds the issuer the contents left out (or the reverse) is 0.95;
    otherwise (with ``fuzzy``) the similarity ratio, which tolerates the odd OCR error.

    >>> key = norm_key("关于开展汽车消费补贴工作的通知")
    >>> match_heading(key, norm_key("某区人民政府办公室关于开展汽车消费补贴工作的通知"))
    0.95
    >>> round(match_heading(key, norm_key("关于开展汽车消费补帖工作的通知")), 2)
    0.88
    """
    if not key or not window:
        return 0.0
    if key == window:
        return 1.0
    if len(key) >= 6 and window.endswith(key) and is_org(window[: -len(key)]):
        return 0.95
    if len(window) >= 6 and key.endswith(window) and is_org(key[: -len(window)]):
        return 0.95
    if not fuzzy or not 0.7 <= len(window) / len(key) <= 1.45:
        return 0.0
    if len(set(window) & set(key)) < 0.6 * len(set(key)):
        return 0.0
    # Similar is never as good as equal: the exact pass (0.95 and up) takes only the rules above.
    return 0.94 * SequenceMatcher(None, key, window, autojunk=False).ratio()


def best_heading(
    keys: Sequence[str], lines: Sequence[str], lo: int, hi: int, threshold: float, first: bool
) -> Match | None:
    """The best (or, with ``first``, the first good) heading for ``keys`` in ``lines[lo:hi]``.

    A heading may be wrapped over up to four lines; ``lines`` holds their comparison keys.
    """
    best: Match | None = None
    longest = max(len(k) for k in keys)
    for i in range(lo, min(hi, len(lines))):
        window = ""
        for span in range(1, 5):
            if i + span > len(lines):
                break
            window += lines[i + span - 1]
            if len(window) > longest * 1.5 + 8:
                break
            score = _score(keys, window, threshold)
            if score >= threshold and (best is None or score > best.score):
                best = _tighten(keys, lines, Match(i, span, score))
                if first or best.score == 1.0:
                    return best
    return best


def _score(keys: Sequence[str], window: str, threshold: float) -> float:
    """The best match of ``window`` with the title (``keys[0]``) or its shortened variants.

    Only the full title is compared by similarity; the variants must match exactly. Similarity
    is not computed at all when the threshold asks for an exact match.
    """
    fuzzy = threshold < 0.95
    return max(match_heading(k, window, fuzzy and n == 0) for n, k in enumerate(keys))


def _tighten(keys: Sequence[str], lines: Sequence[str], match: Match) -> Match:
    """Drop leading lines of a wrapped heading match that the match does not need."""
    best = match
    for skip in range(1, match.span):
        window = "".join(lines[match.line + skip : match.line + match.span])
        score = _score(keys, window, 0.0)
        if score >= best.score:
            best = Match(match.line + skip, match.span - skip, score)
    return best
