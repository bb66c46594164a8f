"""Text clean-up shared by PDF and plain-text sources: spaces, glyphs, page numbers, line joins.

Everything here works on strings only, so the same rules apply to text from pdfminer and to
``.txt`` files, and each rule can be tested without a PDF.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Ideographs plus CJK and full-width punctuation: the characters between which a space is noise.
WIDE = HAN + "\u3001-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65\u2014\u2018-\u201d\u2026\u00b7"
_SPACES = "[ \u3000\u00a0\u2002-\u200b]+"
_SPACE_BETWEEN = re.compile(rf"(?<=[{WIDE}]){_SPACES}(?=[{WIDE}0-9])|(?<=[{WIDE}0-9]){_SPACES}(?=[{WIDE}])")
_PUA = re.compile("[\ue000-\uf8ff\U000f0000-\U0010ffff]|\\(cid:\\d+\\)")
_MULTI_SPACE = re.compile("[ \u00a0]{2,}")

_DECOR = "-—–－−~～·•・.．_ \u3000"
_PAGE_NO_RES = (
    re.compile(rf"^[{_DECOR}]*(\d{{1,4}})[{_DECOR}]*$"),
    re.compile(r"^第\s*(\d{1,4})\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?$"),
    re.compile(r"^(\d{1,4})\s*/\s*\d{1,4}$"),
    re.compile(r"^[Pp](?:age|\.)?\s*(\d{1,4})(?:\s*of\s*\d{1,4})?$"),
)

# A line ending with one of these closes its sentence; a line break after it is meant.
TERMINAL = "。！？；：!?;:…」』”）)】〕>》"
_DATE_ONLY = re.compile(r"^[\d〇零○一二三四五六七八九十\s]+年[\d一二三四五六七八九十\s]+月")
_LIST_START = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]|\d+[、.．]|"
    r"第[一二三四五六七八九十百零〇\d]+[章节条款]|附件|[①-⑳]|[•·●■□◆★])"
)


def collapse_spaces(line: str) -> str:
    """Remove spaces between Chinese characters (letter-spaced titles, ``2022 年``), keep others.

    >>> collapse_spaces("关 于 中 苏 举 行 会 谈 的 公 报")
    '关于中苏举行会谈的公报'
    >>> collapse_spaces("国发〔2015〕5 号  PaaS 及 SaaS")
    '国发〔2015〕5号 PaaS 及 SaaS'
    """
    line = _SPACE_BETWEEN.sub("", line)
    return _MULTI_SPACE.sub(" ", line).strip(" \u3000\u00a0")


def drop_pua(text: str) -> str:
    """Drop Private Use Area glyphs and pdfminer's ``(cid:N)`` placeholders for unmapped glyphs."""
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
    """True when ``line`` ends with closing punctuation, so a break after it is a real one."""
    return line.rstrip()[-1:] in TERMINAL


def starts_item(line: str) -> bool:
    """True when ``line`` opens a list item, article or 附件 label (``一、`` ``（二）`` ``第三条``)."""
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
    """The comparison key of a header or footer line: no spaces, digits masked."""
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", line))


def join_text_lines(lines: Sequence[str], width: int | None = None) -> list[str]:
    """Join lines of plain text that were broken inside a sentence.

    A line is continued by the next when it is long (at least ``width`` characters, by default
    the width most full lines share), does not end a sentence, and the next line does not open
    a list item. Table rows (with tabs) and empty lines are never joined.

    >>> join_text_lines(["为深入贯彻落实党的二十大精神，根据有关规定，结合实际", "制定本方案。", "一、目标"], 20)
    ['为深入贯彻落实党的二十大精神，根据有关规定，结合实际制定本方案。', '一、目标']
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
    if line[:1] in " \u3000" or not re.match(f"[{WIDE}\\w]", line):
        return False
    if len(last) >= width:
        return True
    # Without a common width, only a clause cut off mid-sentence (a comma before the break, or
    # an unclosed 《 （ “) is joined; titles, names and dates carry no such mark.
    return len(last) >= 20 and ("，" in last or _unbalanced(last)) and not _DATE_ONLY.match(line)


def _unbalanced(text: str) -> bool:
    return any(text.count(a) > text.count(b) for a, b in ("《》", "（）", "“”", "()"))


def _full_width(lines: Sequence[str]) -> int:
    """The common length of full lines: the most frequent length among long lines, else large."""
    lengths = Counter(len(x) for x in lines if len(x) >= 15 and "\t" not in x)
    if not lengths:
        return 10**6
    length, count = lengths.most_common(1)[0]
    # Without a shared width (one paragraph per line) joining would guess; stay conservative.
    return length - 1 if count >= 3 and count * 4 >= sum(lengths.values()) else 10**6
