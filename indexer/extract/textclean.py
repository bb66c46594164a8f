"""Text clean-up shared by PDF and plain-text sources: spaces, glyphs, page numbers, line joins.

Everything here works on strings only, so the same rules apply to text from pdfminer and to
``.txt`` files, and each rule can be tested without a PDF.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from indexer.chars import CN_DIGITS, HAN
from indexer.doctypes import looks_like_title

# Ideographs plus CJK and full-width punctuation: the characters between which a space is noise.
WIDE = (
    HAN
    + "\u3001-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65"
    + "\u2014\u2018-\u201d\u2026\u00b7"
)
_SPACES = "[ \u3000\u00a0\u2002-\u200b]+"
_SPACE_BETWEEN = re.compile(rf"(?<=[{WIDE}]){_SPACES}(?=[{WIDE}0-9])")
# A number followed by a space and a Chinese character: the space goes when the number sits
# inside Chinese text (第 3 页, 〔2015〕5 号) or a unit follows (2022 年); it stays after a
# heading number at the start of a line (1.1 编制目的).
_NUMBER_SPACE = re.compile(
    rf"(?P<before>[{WIDE}]?)(?P<num>\d[\d.]*){_SPACES}(?=(?P<next>[{WIDE}]))"
)
_UNITS = set("年月日号时分秒个万亿元角条款项章节页期届次岁人户名")
_PUA = re.compile("[\ue000-\uf8ff\U000f0000-\U0010ffff]|\\(cid:\\d+\\)")
_MULTI_SPACE = re.compile("[ \u00a0]{2,}")

_DECOR = "-—–－−~～·•・.．_ \u3000"
# A page footer that OCR left inside a line (`…较大。·2·国务院办公厅…`, `…报 —5 —告…`); its
# number is group 1 or 2.
_MARK = r"\dA-Za-z.．—–\-－·•"
INLINE_PAGE_MARK = re.compile(
    rf"(?<![{_MARK}])\s*(?:[—–\-－]\s?(\d{{1,4}})\s?[—–\-－]|[·•]\s?(\d{{1,4}})\s?[·•])"
    rf"\s*(?![{_MARK}])"
)
_PAGE_NO_RES = (
    re.compile(rf"^[{_DECOR}]*(\d{{1,4}})[{_DECOR}]*$"),
    re.compile(r"^第\s*(\d{1,4})\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?$"),
    re.compile(r"^(\d{1,4})\s*/\s*\d{1,4}$"),
    re.compile(r"^[Pp](?:age|\.)?\s*(\d{1,4})(?:\s*of\s*\d{1,4})?$"),
)

# The tail of a table-of-contents entry: dot leaders (or a gap), then the printed page number,
# its group 1. Anywhere in a text it takes leaders or a tab or a wide gap: a sentence may end
# in a number after one space. Inside a known contents list (TOC_ENTRY_TAIL) one space will do,
# or none after the closing bracket of a 文号.
TOC_LEADERS = ".．·…⋯"
_PAGE_AT_END = r"\s*[(（]?\s*(\d{1,4})\s*[)）]?\s*$"
_LEADER_RUN = rf"[{TOC_LEADERS}]{{2,}}|[{TOC_LEADERS}]\s*[{TOC_LEADERS}]"
TOC_TAIL = re.compile(rf"(?:{_LEADER_RUN}|\t|\s{{2,}}){_PAGE_AT_END}")
TOC_ENTRY_TAIL = re.compile(rf"(?:{_LEADER_RUN}|[\t ]|(?<=[)）])){_PAGE_AT_END}")
# Leaders left at the end of an entry's title when its page number stood on the next line.
TOC_LEADERS_AT_END = re.compile(rf"[{TOC_LEADERS}]{{2,}}\s*$|\s+[{TOC_LEADERS}]+\s*$")

# A line ending with one of these closes its sentence; a line break after it is meant.
TERMINAL = "。！？；：!?;:…」』”）)】〕>》"
_STOPS = "。！？；：!?;:…"
# Lines that stand alone under a title: a 文号, an addressee, a date.
_STANDALONE = re.compile(
    r"^.{0,30}[〔\[(（【]\s*\d{4}\s*[〕\])）】]\s*\d+\s*号[)）]?$|^[^，。]{2,60}[:：]$"
)
_DATE_ONLY = re.compile(rf"^[\d{CN_DIGITS}十\s]+年[\d{CN_DIGITS}十\s]+月")
_LIST_START = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]|\d+[、.．]|"
    r"第[一二三四五六七八九十百零〇\d]+[章节条款]|附件|[①-⑳]|[•·●■□◆★【〖])"
)


def collapse_spaces(line: str) -> str:
    """Remove spaces between Chinese characters (letter-spaced titles, ``2022 年``), keep others.

    >>> collapse_spaces("关 于 中 苏 举 行 会 谈 的 公 报")
    '关于中苏举行会谈的公报'
    >>> collapse_spaces("国发〔2015〕5 号  PaaS 及 SaaS"), collapse_spaces("1.1 编制目的")
    ('国发〔2015〕5号 PaaS 及 SaaS', '1.1 编制目的')
    """
    line = _SPACE_BETWEEN.sub("", line)
    line = _NUMBER_SPACE.sub(_number_space, line)
    return _MULTI_SPACE.sub(" ", line).strip(" \u3000\u00a0")


def _number_space(m: re.Match[str]) -> str:
    keep = not m["before"] and m["next"] not in _UNITS
    return m.group(0) if keep else m["before"] + m["num"]


def drop_pua(text: str) -> str:
    """Drop Private Use Area glyphs and pdfminer's ``(cid:N)`` placeholders for unmapped glyphs.

    >>> drop_pua("公\\ue001报(cid:12)")
    '公报'
    """
    return _PUA.sub("", text)


def clean_line(line: str) -> str:
    """One visual line as it goes into a page's text: glyphs dropped, spaces collapsed."""
    return collapse_spaces(drop_pua(line))


def page_number(line: str) -> int | None:
    """The number of a page-number footer or header line, else None.

    >>> [page_number(s) for s in ("— 17 —", "· 3 ·", "- 1 -", "第 3 页", "12", "3/10", "1.5")]
    [17, 3, 1, 3, 12, 3, None]
    """
    text = line.strip()
    if len(text) > 24:
        return None
    for pattern in _PAGE_NO_RES:
        m = pattern.match(text)
        if m and not re.fullmatch(r"\d+[.．]\d+", text):
            value = int(m.group(1))
            return value if 0 < value < 5000 else None
    return None


def ends_sentence(line: str) -> bool:
    """True when ``line`` ends a sentence or a clause, so a break after it is a real one.

    A closing bracket counts only when nothing is left open (``（吕政办发电〔2024〕`` goes on).

    >>> ends_sentence("现印发。"), ends_sentence("（此件发布）"), ends_sentence("（某发〔2024〕")
    (True, True, False)
    """
    last = line.rstrip()[-1:]
    if last in _STOPS:
        return True
    return bool(last) and last in TERMINAL and not _unbalanced(line)


def starts_item(line: str) -> bool:
    """True when ``line`` opens a list item, an article or a label.

    >>> [starts_item(x) for x in ("一、总则", "（二）职责", "第三条 适用", "附件1", "为了规范")]
    [True, True, True, True, False]
    """
    return bool(_LIST_START.match(line.lstrip(" \u3000")))


def repeated_lines(edges: Sequence[Sequence[str]], min_share: float = 0.4) -> set[str]:
    """Keys of lines seen at the top or bottom of at least ``min_share`` of the pages.

    ``edges`` holds, for each page, the few lines nearest its top and bottom edge. Digits are
    masked so ``2024年第1期 — 3 —`` and ``— 4 —`` variants count together; see :func:`edge_key`.
    """
    pages = [p for p in edges if p]
    if len(pages) < 3:
        return set()
    counts = Counter(key for page in pages for key in {edge_key(line) for line in page})
    floor = max(3, int(len(pages) * min_share))
    return {key for key, n in counts.items() if n >= floor and key}


def edge_key(line: str) -> str:
    """The comparison key of a header or footer line: no spaces, digits masked.

    >>> edge_key("某市公报 2024年第 1 期")
    '某市公报#年第#期'
    """
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", line))


def join_text_lines(lines: Sequence[str], width: int | None = None) -> list[str]:
    """Join lines of plain text that were broken inside a sentence.

    A line is continued by the next when it is long (at least ``width`` characters, by default
    the width most full lines share), does not end a sentence, and the next line does not open
    a list item. Table rows (with tabs) and empty lines are never joined.

    >>> join_text_lines(["为落实二十大精神，根据有关规定，结合", "实际制定方案。", "一、目标"], 17)
    ['为落实二十大精神，根据有关规定，结合实际制定方案。', '一、目标']
    """
    width = width if width is not None else _full_width(lines)
    out: list[str] = []
    for line in lines:
        prev = out[-1] if out else ""
        if prev and line and _continues(prev, line, width):
            out[-1] = prev + line
        else:
            out.append(line)
    return out


def _continues(prev: str, line: str, width: int) -> bool:
    last = prev.splitlines()[-1] if "\n" in prev else prev
    if "\t" in last or "\t" in line or ends_sentence(last) or starts_item(line):
        return False
    if TOC_TAIL.search(last):
        return False  # a contents entry ends with its page number
    first = line.split("\n", 1)[0]
    if line[:1] in " \u3000" or not re.match(f"[{WIDE}\\w]", line) or _STANDALONE.match(first):
        return False
    if looks_like_title(last) and not _unbalanced(last):
        return False  # a title, which the 文号 or addressee under it does not continue
    if len(last) >= width:
        return True
    # Without a common width, only a clause cut off mid-sentence (a comma before the break, or
    # an unclosed 《 （ “) is joined; titles, names and dates carry no such mark.
    if _DATE_ONLY.match(line):
        return False
    return (len(last) >= 12 and _unbalanced(last)) or (len(last) >= 20 and "，" in last)


def _unbalanced(text: str) -> bool:
    return any(text.count(a) > text.count(b) for a, b in ("《》", "（）", "“”", "()", "〔〕"))


def _full_width(lines: Sequence[str]) -> int:
    """The length of hard-wrapped lines, when the text has them; else a length never reached.

    Text cut at a fixed width shows many lines of one length that end mid-sentence; text with
    one paragraph per line does not, and then only the clause rules in ``_continues`` apply.
    """
    last_lines = [x.splitlines()[-1] for x in lines if x]
    lengths = Counter(len(x) for x in last_lines if len(x) >= 15 and "\t" not in x)
    if not lengths:
        return 10**6
    length, count = lengths.most_common(1)[0]
    open_ended = sum(1 for x in last_lines if len(x) == length and not ends_sentence(x))
    if count >= 5 and count * 3 >= sum(lengths.values()) and open_ended * 2 >= count:
        return length - 1
    return 10**6
