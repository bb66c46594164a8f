"""Document starts in an issue without a table of contents, and the title of a lone document.

A document starts at a line that reads as a title (it ends with a 文种) when its 文号 follows
(or stands above it, on a red-header document), when a ``…制定`` line follows, or when it names
its issuer and an addressee or a date follows or the previous document has just closed. A title
that repeats the previous one or names what it 印发s is an enclosure, not a new document.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from indexer.chars import is_han
from indexer.doctypes import looks_like_title
from indexer.extract.textclean import page_number, starts_item
from indexer.parse.contents import norm_key
from indexer.parse.lines import Line, Start, closing_line, is_docnum_line
from indexer.recognise.dates import parse_date_line
from indexer.recognise.docinfo import is_org, title_issuers
from indexer.recognise.notes import made_by

_SALUTATION = re.compile(r"^[^，。；:：]{2,80}[:：]$")
_ATTACHMENT_LABEL = re.compile(r"^附\s*件\s*[\d一二三四五六七八九十\-—.．]*\s*[:：]?$")


def find_starts(lines: list[Line]) -> list[Start]:
    """Document starts without contents, as (line, title span, None) (see the module docstring).

    >>> texts = ["关于甲事的通知", "某政发〔2024〕1号", "正文。", "附件1", "关于乙事的通知"]
    >>> find_starts([Line(t, 0) for t in [*texts, "某政发〔2023〕9号"]])
    [(0, 1, None)]
    """
    starts: list[Start] = []
    i = 0
    while i < len(lines):
        span = _title_span(lines, i)
        if span and _confirmed(lines, i, span) and not _enclosed(lines, starts, i, span):
            starts.append((i, span, None))
            i += span
        else:
            i += 1
    if starts and _has_prose(lines[: starts[0][0]]):
        starts.insert(0, single_start(lines[: starts[0][0]]))
    return starts


def _title_span(lines: list[Line], i: int) -> int:
    if i > 0 and _ATTACHMENT_LABEL.match(lines[i - 1].text):
        return 0  # the title of an attachment, not of a new document
    text = ""
    for span in range(1, 4):
        if i + span > len(lines):
            return 0
        line = lines[i + span - 1]
        if starts_item(line.text) or "\t" in line.text or (span > 1 and line.page != lines[i].page):
            return 0
        if parse_date_line(line.text) or is_docnum_line(line.text):
            return 0
        text += line.text
        if looks_like_title(text):
            # A shorter title starting on a later line is the real one (the lines above it are
            # the end of something else).
            return (
                0
                if span > 1 and _title_span(lines, i + 1) == span - 1 and not _issuer_line(lines[i])
                else span
            )
    return 0


def _issuer_line(line: Line) -> bool:
    return is_org(line.text)


def _confirmed(lines: list[Line], i: int, span: int) -> bool:
    """A title starts a document when its 文号 or a note naming its maker (内务部制定) follows; or
    when it names an issuer and either an addressee or a date follows, or the previous document
    has just closed (date, 此件公开发布)."""
    after = lines[i + span : i + span + 3]
    if any(is_docnum_line(ln.text) or made_by(ln.text) for ln in after[:2]):
        return True
    if (
        i > 0
        and is_docnum_line(lines[i - 1].text)
        and not (i > 1 and looks_like_title(lines[i - 2].text))
    ):
        return True  # the 文号 printed above the title, as on a red-header document
    if not title_issuers("".join(ln.text for ln in lines[i : i + span])):
        return False
    if i == 0 or closing_line(lines[i - 1].text):
        return True
    # Any year validates a bare month and day under the title (十月十六日).
    return any(parse_date_line(ln.text, 2000) or _SALUTATION.match(ln.text) for ln in after)


def _enclosed(lines: list[Line], starts: list[Start], i: int, span: int) -> bool:
    """A title that repeats the previous document's, or names what it 印发s, is an attachment."""
    if not starts:
        return False
    key = norm_key("".join(ln.text for ln in lines[i : i + span]))
    pos, prev_span, _ = starts[-1]
    prev_key = norm_key("".join(ln.text for ln in lines[pos : pos + prev_span]))
    if key == prev_key or key in prev_key:
        return True
    head = "".join(ln.text for ln in lines[pos : min(i, pos + 12)])
    return any(norm_key(name) == key for name in re.findall(r"《([^》]{4,80})》", head))


def _has_prose(lines: Sequence[Line]) -> bool:
    return sum(len(ln.text) for ln in lines if ln.text.endswith("。")) >= 200


def single_start(lines: Sequence[Line]) -> Start:
    """The title of a file that is one document: its first line that reads like a title.

    >>> single_start([Line(t, 0) for t in ("附件1", "北京市政务云管理办法", "第一条 为规范管理。")])
    (1, 1, None)
    """
    for i, line in enumerate(lines[:40]):
        text = line.text
        if (
            page_number(text) is not None
            or _ATTACHMENT_LABEL.match(text)
            or is_docnum_line(text)
            or parse_date_line(text)
            or sum(map(is_han, text)) < 4
            or re.search(r"[。；，]", text)
            or len(text) > 80
        ):
            continue
        span = 1
        while i + span < len(lines) and re.fullmatch(
            r"[(（][^()（）]{1,20}[)）]", lines[i + span].text
        ):
            span += 1
        return (i, span, None)
    return (0, 0, None)
