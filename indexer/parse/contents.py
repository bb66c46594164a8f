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

from indexer.chars import is_han
from indexer.doctypes import DOC_TYPES, looks_like_title
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
# A printed page number closing an entry: in brackets right after the title (`的通知（15）`), or
# after dot leaders or blank space (`的通知……15`, `的通知  15`).
_LEADERS = rf"[{re.escape(TOC_LEADERS)}]"
_PAGE = (
    r"[(（]\s*(?P<bp>\d{1,4})\s*[)）]"
    rf"|(?:{_LEADERS}{{2,}}|{_LEADERS}\s*{_LEADERS}|[\t \u3000])"
    r"\s*[(（]?\s*(?P<lp>\d{1,4})\s*[)）]?"
)
_TAIL_AT_END = re.compile(rf"(?:{_PAGE})\s*$")
_TAIL_INSIDE = re.compile(rf"(?:{_PAGE})(?=[\s\u3000]*[^\s\u3000\d])")
# What cannot open a contents entry, so a page number before it does not end one.
_GOES_ON = "的和与及或、，,》）)]】〕”"
_ENCLOSING = re.compile(r"(?:印发|转发|批转|发布)")


@dataclass(frozen=True)
class TocEntry:
    """One line of contents: a document's title, 文号, printed start page and section."""

    title: str
    doc_number: str
    page: int | None
    section: str
    lines: tuple[str, ...]
    issuer: str = ""  # printed after the title (`关于…的通知　人事部（15）`)
    enclosures: tuple[str, ...] = ()  # the 方案/报告 it 印发s, listed as entries of their own

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

    Lines in Latin letters (an English contents after the Chinese one) are passed over: the
    Chinese entries are the official titles. Two entries printed on one line are cut apart at
    the page number between them, and an entry that a 通知 印发s is folded into it.

    >>> lines = ["【区政府文件】", "某区人民政府关于武勇任职的通知", "(离政发〔2023〕32号) ... 1"]
    >>> entries, end = parse_entries([*lines, "正文开始。"], 0)
    >>> [(e.title, e.doc_number, e.page, e.section) for e in entries], end
    ([('某区人民政府关于武勇任职的通知', '离政发〔2023〕32号', 1, '区政府文件')], 3)
    >>> entries, _ = parse_entries(["关于甲事的通报……2 关于乙事的通知　人事部（5）", "CONTENTS"], 0)
    >>> [(e.title, e.issuer, e.page) for e in entries]
    [('关于甲事的通报', '', 2), ('关于乙事的通知', '人事部', 5)]
    """
    entries: list[TocEntry] = []
    pending: list[str] = []
    section = ""
    index = start - 1  # so that no lines after ``start`` end the contents at ``start``
    for index in range(start, len(lines)):
        text = lines[index].strip()
        if not text or _foreign(text):
            continue
        section_match = _SECTION.match(text)
        if section_match:
            pending, section = [], section_match["name"].strip()
            continue
        while (inner := _inner_tail(pending, text)) is not None:
            entries.append(_make_entry([*pending, text[: inner.start()]], _page(inner), section))
            pending, text = [], text[inner.end() :].strip()
        tail = _TAIL_AT_END.search(text) or TOC_ENTRY_TAIL.search(text)
        if tail and _entry_title("".join([*pending, text[: tail.start()]]))[0]:
            page = _page(tail)
            if entries and entries[-1].page is not None and page < entries[-1].page:
                return _fold_enclosures(entries), index - len(pending)
            entries.append(_make_entry([*pending, text[: tail.start()]], page, section))
            pending = []
            continue
        pending.append(text)
        if len(pending) > _MAX_PENDING or text[-1:] in "。！？；：!?;:":
            return _fold_enclosures(entries), index - len(pending) + 1
    return _fold_enclosures(entries), index + 1 - len(pending)


def _foreign(text: str) -> bool:
    """A line mostly in Latin letters: an English contents entry or its heading."""
    letters = sum(1 for c in text if c.isascii() and c.isalpha())
    return letters >= 3 and letters > sum(map(is_han, text))


def _page(match: re.Match[str]) -> int:
    return int(match["bp"] or match["lp"] if "bp" in match.re.groupindex else match.group(1))


def _inner_tail(pending: list[str], text: str) -> re.Match[str] | None:
    """The page number that ends a first entry inside ``text`` when a second follows on the line.

    Only an entry that reads as a title (ends with its 文种, or with the issuer after it) is cut
    off, and only where what follows can open an entry.
    """
    for m in _TAIL_INSIDE.finditer(text):
        rest = text[m.end() :].lstrip()
        if len(rest) < 4 or rest[0] in _GOES_ON or not _TAIL_AT_END.search(rest + " 0"):
            continue
        title, number = _entry_title("".join([*pending, text[: m.start()]]))
        if number or looks_like_title(_split_issuer(title)[0]):
            return m
    return None


def _make_entry(parts: list[str], page: int, section: str) -> TocEntry:
    title, number = _entry_title("".join(parts))
    title, issuer = _split_issuer(title)
    return TocEntry(title, number, page, section, tuple(p.strip() for p in parts), issuer)


def _entry_title(text: str) -> tuple[str, str]:
    """Title and canonical 文号 of an entry's text without its page number."""
    text = TOC_LEADERS_AT_END.sub("", collapse_spaces(text.replace("\t", " "))).strip()
    number = ""
    m = _NUMBER_IN_BRACKETS.search(text)
    if m:
        number = canonical_doc_number(m["num"])
        if number:
            text = text[: m.start()].strip()
    return text.strip(" \u3000" + TOC_LEADERS), number


def _split_issuer(title: str) -> tuple[str, str]:
    """An entry's title and the issuer printed after it (`关于…的通知　人事部`), if any.

    >>> _split_issuer("关于印发某办法的通知 国务院办公厅")
    ('关于印发某办法的通知', '国务院办公厅')
    >>> _split_issuer("国务院关于某事的通知")
    ('国务院关于某事的通知', '')
    """
    if looks_like_title(title):
        return title, ""
    for word, _ in DOC_TYPES:
        at = title.rfind(word)
        while at > 0:
            cut = at + len(word)
            head, issuer = title[:cut].strip(), title[cut:].strip(" \u3000")
            if issuer and looks_like_title(head) and is_org(issuer.replace(" ", "")):
                return head, issuer.replace(" ", "")
            at = title.rfind(word, 0, at)
    return title, ""


def _fold_enclosures(entries: list[TocEntry]) -> list[TocEntry]:
    """Entries that a 通知 before them 印发s, 转发s or 批转s, folded into that 通知's entry."""
    out: list[TocEntry] = []
    for entry in entries:
        if out and encloses(out[-1].title, entry.title) and not entry.doc_number:
            host = out[-1]
            out[-1] = TocEntry(
                host.title,
                host.doc_number,
                host.page,
                host.section,
                host.lines,
                host.issuer,
                (*host.enclosures, entry.title),
            )
        else:
            out.append(entry)
    return out


def encloses(notice: str, title: str) -> bool:
    """Whether ``title`` names what the notice ``notice`` 印发s, 转发s or 批转s.

    >>> encloses("国务院办公厅转发国家地震局关于地震趋势意见报告的通知", "关于地震趋势意见的报告")
    True
    >>> encloses("关于印发国家职业教育改革实施方案的通知", "关于棉粮问题的通知")
    False
    """
    verb = _ENCLOSING.search(notice)
    if not verb:
        return False
    named = norm_key(re.sub(r"的?[^的]{1,4}$", "", notice[verb.end() :]))
    key = norm_key(title)
    if len(key) < 4:
        return False
    if key in named:
        return True
    blocks = SequenceMatcher(None, key, named, autojunk=False).get_matching_blocks()
    return max(b.size for b in blocks) >= len(key) / 2 and sum(b.size for b in blocks) >= 0.8 * len(
        key
    )


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
