"""Document starts in an issue without a table of contents, and the title of a lone document.

Without contents only the page says where a document begins. A start is a title (a line, or two
or three wrapped lines, ending with a 文种 from :mod:`indexer.doctypes`) that the lines around it
confirm as a document's head:

- its 文号 under it or opening the addressee line, or above it under a red ``××文件`` header;
- an addressee (``各乡镇人民政府：``) or a ``…制定`` note right under it;
- a number line under it (``第24号``: an announcement, a 命令) or a bracketed date note
  (``（××人大常委会　2022年2月8日）``, the date of a list of 任免);
- the order or announcement just above it that 公布s it by name (``《…条例》已经…通过，现予公布``):
  a regulation starts at its own title (its order's head is moved onto it when the metadata is
  read), a law after its 公告 is a document of its own;
- or it names its issuer and opens the file, follows the previous document's closing date, or
  has a date or an addressee a few lines under it.

A title is no start where it is the gazette's name on the cover (an issue number under it), an
order's name whose regulation follows, a 附件's title, a heading inside a body (``一、``,
``第X条`` are never titles), or what the document before 印发s, 转发s or 批转s: an enclosure
stays with the document that encloses it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from indexer.chars import is_han
from indexer.doctypes import doc_type, looks_like_title
from indexer.extract.textclean import page_number, starts_item
from indexer.parse.contents import encloses, norm_key
from indexer.parse.lines import (
    Line,
    Start,
    closing_line,
    is_addressee,
    is_docnum_line,
    is_issue_number,
    is_red_header,
    is_serial_line,
    is_title_note,
    opens_with_docnum,
)
from indexer.recognise.dates import parse_date_line
from indexer.recognise.docinfo import is_org, title_issuers
from indexer.recognise.notes import made_by

_SALUTATION = re.compile(r"^[^，。；:：]{2,80}[:：]$")
_ATTACHMENT_LABEL = re.compile(r"^附\s*件\s*[\d一二三四五六七八九十\-—.．]*\s*[:：]?$")
# Words that open a title's first line (the organ is tested apart): a line holding one is the
# start of a wrapped title, not the tail of something else.
_OPENS_TITLE = re.compile(r"关于|转发|批转|印发")
# 《name》 and, soon after, the verb that makes it an enclosure of the document naming it.
_ENCLOSED_NAME = re.compile(
    r"《([^《》]{2,80})》[^《》。]{0,30}?(?:印发|转发|批转|颁发|下发|发布|发给)"
)
# 《name》 that an order or an announcement makes public (现予公布).
_PUBLISHED_NAME = re.compile(r"《([^《》]{2,80})》[^《》]{0,120}?公布")
_MAX_TITLE_LINES = 3
_LOOK_AHEAD = 3  # lines under a title that may confirm it
_HEAD_LINES = 12  # a document's first lines, where it names what it encloses
_ORDER_LINES = 10  # the lines of an order's head: name, number, 公布 sentence, signature, date


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
        if span and _starts_document(lines, starts, i, span):
            starts.append((i, span, None))
            i += span
        else:
            i += 1
    if starts and _has_prose(lines[: starts[0][0]]):
        starts.insert(0, single_start(lines[: starts[0][0]]))
    return starts


def _text(lines: Sequence[Line], i: int, span: int) -> str:
    return "".join(ln.text for ln in lines[i : i + span])


def _starts_document(lines: list[Line], starts: list[Start], i: int, span: int) -> bool:
    title = _text(lines, i, span)
    after = lines[i + span : i + span + _LOOK_AHEAD]
    if any(is_issue_number(ln.text) for ln in after[:2]):
        return False  # the gazette's name on its cover
    if _published_above(lines, i, title):
        return True
    if doc_type(title) == "令" and _publishes_below(lines, i + span):
        return False  # the order's name: its regulation starts at its own title below
    return _confirmed(lines, i, span, after) and not _enclosed(lines, starts, i, title)


def _title_span(lines: list[Line], i: int) -> int:
    """How many lines from ``i`` make a title (0: none starts there)."""
    if i > 0 and _ATTACHMENT_LABEL.match(lines[i - 1].text):
        return 0  # the title of an attachment, not of a new document
    text = ""
    for span in range(1, _MAX_TITLE_LINES + 1):
        if i + span > len(lines) or not _may_continue(lines, i, span):
            return 0
        text += lines[i + span - 1].text
        if looks_like_title(text):
            if _shorter_wins(lines, i, span):
                return 0
            return _wrapped_tail(lines, i, span, text)
    return 0


def _may_continue(lines: list[Line], i: int, span: int) -> bool:
    """Whether line ``i + span - 1`` can be part of a title starting at line ``i``."""
    line = lines[i + span - 1]
    if starts_item(line.text) or "\t" in line.text or (span > 1 and line.page != lines[i].page):
        return False
    return not (
        parse_date_line(line.text) or opens_with_docnum(line.text) or is_issue_number(line.text)
    )


def _wrapped_tail(lines: list[Line], i: int, span: int, text: str) -> int:
    """The span, taking in a line that carries the title on (``…养犬管理规定`` / ``的通知``)."""
    while span < _MAX_TITLE_LINES and i + span < len(lines) and _may_continue(lines, i, span + 1):
        tail = lines[i + span].text
        if _opens_title(tail) or tail[:1] in "（(" or not looks_like_title(text + tail):
            break
        text, span = text + tail, span + 1
    return span


def _shorter_wins(lines: list[Line], i: int, span: int) -> bool:
    """Whether a title starting on a later line and ending on the same one is the real one, line
    ``i`` the end of something else: it names its own issuer, or line ``i`` opens no title (the
    organ above a ``关于…`` title, as on ``某区人民政府办公室`` / ``关于…的通知``, does)."""
    for k in range(1, span):
        if _title_span(lines, i + k) == span - k:
            later = _text(lines, i + k, span - k)
            return bool(title_issuers(later)) or not _opens_title(lines[i].text)
    return False


def _opens_title(text: str) -> bool:
    return is_org(text) or bool(_OPENS_TITLE.search(text))


def _confirmed(lines: list[Line], i: int, span: int, after: list[Line]) -> bool:
    """Whether the lines around a title make it a document's head (see the module docstring)."""
    if any(
        opens_with_docnum(ln.text) or made_by(ln.text) or is_addressee(ln.text) for ln in after[:2]
    ):
        return True
    if after and (is_serial_line(after[0].text) or is_title_note(after[0].text)):
        return True
    if _numbered_above(lines, i):
        return True
    if not title_issuers(_text(lines, i, span)):
        return False
    if i == 0 or closing_line(lines[i - 1].text):
        return True
    # Any year validates a bare month and day under the title (十月十六日).
    return any(parse_date_line(ln.text, 2000) or _SALUTATION.match(ln.text) for ln in after)


def _numbered_above(lines: list[Line], i: int) -> bool:
    """The 文号 printed above the title, or a red header (``××人民政府文件``) just above it."""
    if i > 0 and is_red_header(lines[i - 1].text):
        return True
    # A 文号 above a title is the title's own unless it is the 文号 under the title before.
    return (
        i > 0
        and is_docnum_line(lines[i - 1].text)
        and not (i > 1 and looks_like_title(lines[i - 2].text))
    )


def _published_above(lines: list[Line], i: int, title: str) -> bool:
    """Whether an order or announcement just above makes this very title public."""
    window = lines[max(0, i - _ORDER_LINES) : i]
    if not any(is_serial_line(ln.text) or doc_type(ln.text) in ("令", "公告") for ln in window):
        return False
    key = norm_key(title)
    joined = "".join(ln.text for ln in window)
    return any(norm_key(name) == key for name in _PUBLISHED_NAME.findall(joined))


def _publishes_below(lines: list[Line], j: int) -> bool:
    """Whether the order whose head ends at line ``j`` is followed by the title it 公布s."""
    window = lines[j : j + _ORDER_LINES]
    names = {norm_key(n) for n in _PUBLISHED_NAME.findall("".join(ln.text for ln in window[:4]))}
    return any(norm_key(ln.text) in names for ln in window)


def _enclosed(lines: list[Line], starts: list[Start], i: int, title: str) -> bool:
    """A title that repeats the previous document's, or names what it 印发s, 转发s or 批转s (in its
    title or in 《》 in its first lines), is an enclosure of that document."""
    if not starts:
        return False
    pos, prev_span, _ = starts[-1]
    prev = _text(lines, pos, prev_span)
    key, prev_key = norm_key(title), norm_key(prev)
    if key == prev_key or key in prev_key or encloses(prev, key):
        return True
    head = "".join(ln.text for ln in lines[pos : min(i, pos + _HEAD_LINES)])
    return any(norm_key(name) == key for name in _ENCLOSED_NAME.findall(head))


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
