"""Lines of an issue's text, the unit that splitting works on, and what a single line can be.

Splitting reads pages only through :class:`PageLike`, so it does not depend on how the pages
were extracted (and does not import pdfminer).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from indexer.extract.textclean import INLINE_PAGE_MARK
from indexer.parse.contents import TocEntry
from indexer.recognise.dates import parse_date, parse_date_line
from indexer.recognise.docinfo import is_org
from indexer.recognise.docnum import iter_doc_numbers

_NOISE = re.compile(r"^(?:扫码|扫一扫|微信扫)\S{0,6}$")
_ISSUE_NUMBER = re.compile(r"^(?:\d{4}年)?第\d{1,3}期(?:[(（]总第\d{1,5}期[)）])?$")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # tabs stay: they part table cells
_LINE_END = "。！？；：!?;:"
_COVER_LINES = 6
_DOCNUM_ONLY = re.compile(r"^[(（]?[\w〔〕\[\]（）()【】 ]{2,30}号[)）]?$")
_SERIAL = re.compile(r"^[(（]?第\s*[\d〇○零一二三四五六七八九十百]{1,6}\s*号[)）]?$")
_MONTH = re.compile(
    r"(?:\d{4}|[〇○零O0一二三四五六七八九]{4})\s*年\s*[\d一二三四五六七八九十]{1,3}\s*月"
)
_ADDRESSEE_END = ("：", ":")
_RED_HEADER = re.compile(r"^(?!.*关于)[^，。；：\s]{2,40}文件$")

Start = tuple[int, int, TocEntry | None]  # line index, title span, contents entry


class PageLike(Protocol):
    """What splitting needs of a page; :class:`indexer.extract.pages.Page` is one."""

    @property
    def number(self) -> int | None: ...
    @property
    def text(self) -> str: ...
    @property
    def printed(self) -> int | None: ...
    @property
    def continues(self) -> bool: ...


@dataclass(frozen=True)
class Line:
    """A line of an issue's text, its page (index into the pages), whether it opens a paragraph."""

    text: str
    page: int
    para: bool = True


def flatten(pages: Sequence[PageLike]) -> list[Line]:
    """The lines of all pages in order, without QR-code captions (扫码咨询), the running header
    (the gazette's name, its issue number) or page footers left inside a line by OCR.

    >>> from indexer.extract.pages import Page
    >>> flatten([Page(1, "某县人民政府\\n关于检查的通知\\n\\n扫码咨询", 3, True)])
    [Line(text='某县人民政府', page=0, para=True), Line(text='关于检查的通知', page=0, para=False)]
    """
    out: list[Line] = []
    name, numbered = "", False
    for index, page in enumerate(pages):
        rejoin = page.continues
        for para in page.text.split("\n\n"):
            first = True
            for raw in para.split("\n"):
                for text in unglue_footer(raw.strip()):
                    text = _CONTROL.sub("", text).strip()
                    if not text or _NOISE.match(text):
                        continue
                    if rejoin and out and not _ends_line(out[-1].text):
                        # The sentence a footer cut at the page break goes on here.
                        out[-1] = Line(out[-1].text + text, out[-1].page, out[-1].para)
                        rejoin = False
                        continue
                    rejoin = False
                    squeezed = re.sub(r"\s+", "", text)
                    issue_number = bool(_ISSUE_NUMBER.match(squeezed))
                    if len(out) >= _COVER_LINES and (
                        squeezed == name or (issue_number and numbered)
                    ):
                        continue  # the running header: the gazette's name or its issue number
                    out.append(Line(text, index, first))
                    first, numbered = False, numbered or issue_number
                    name = name or (squeezed if squeezed.endswith("公报") else "")
    return out


def unglue_footer(text: str) -> list[str]:
    """A line without the page footers OCR left inside it: where the footer ends a sentence,
    a date or a signature the line is cut there; inside a sentence the two halves are joined.

    >>> unglue_footer("可能性较大。·2·国务院办公厅转发国家教委关于内地西藏")
    ['可能性较大。', '国务院办公厅转发国家教委关于内地西藏']
    >>> unglue_footer("经贸委的报 —5 —告国家经贸委"), unglue_footer("5—10年")
    (['经贸委的报告国家经贸委'], ['5—10年'])
    """
    parts: list[str] = []
    rest = text
    while m := INLINE_PAGE_MARK.search(rest):
        left, rest = rest[: m.start()], rest[m.end() :]
        if _ends_line(left):
            parts.append(left)
        else:
            rest = left + rest
    return [*parts, rest]


def _ends_line(text: str) -> bool:
    tail = text.rstrip()
    if not tail or tail[-1] in _LINE_END:
        return True
    ocr_date = re.sub(r"^[—－\-]", "一", tail.strip())
    return bool(parse_date_line(ocr_date) or is_org(tail.strip()))


def is_docnum_line(text: str) -> bool:
    """A line that is a 文号 and nothing else.

    >>> [is_docnum_line(x) for x in ("(国发〔2015〕5号)", "依据国发〔2015〕5号")]
    [True, False]
    """
    if not _DOCNUM_ONLY.match(text):
        return False
    hits = iter_doc_numbers(text)
    if len(hits) != 1:
        return False
    _, start, end = hits[0]
    return start <= 1 and len(text.strip()) - end <= 1


def opens_with_docnum(text: str) -> bool:
    """A line that is a 文号, or starts with one and goes on with the addressee.

    >>> opens_with_docnum("国发〔1999〕2号各省、自治区人民政府：")
    True
    >>> opens_with_docnum("依据国发〔1999〕2号")
    False
    """
    if is_docnum_line(text):
        return True
    hits = iter_doc_numbers(text[:40])
    return bool(hits) and hits[0][1] == 0 and text.rstrip().endswith(("：", ":", "、", "，"))


def closing_line(text: str) -> bool:
    """The last line of a document: its date, 此件公开发布, or a 咨询 line.

    >>> closing_line("2024年1月26日"), closing_line("（此件公开发布）"), closing_line("特此通知")
    (True, True, False)
    """
    return bool(parse_date_line(text) or "公开发布" in text or text.startswith("咨询"))


def is_issue_number(text: str) -> bool:
    """The issue number printed on a cover or as a running header (``2024年第3期``).

    >>> is_issue_number("2022年第14期（总第314期）"), is_issue_number("第24号")
    (True, False)
    """
    return bool(_ISSUE_NUMBER.match(re.sub(r"\s+", "", text)))


def is_serial_line(text: str) -> bool:
    """The number line under an order or an announcement's name (``第706号``, ``（第五号）``).

    >>> is_serial_line("第706号"), is_serial_line("（第 五 号）"), is_serial_line("第一条")
    (True, True, False)
    """
    return bool(_SERIAL.match(text.strip()))


def is_addressee(text: str) -> bool:
    """An addressee line: whom a document is sent to, ending with a colon.

    >>> is_addressee("各市、县（市、区）人民政府，省政府各部门、各直属机构：")
    True
    >>> is_addressee("国务院："), is_addressee("现提出以下意见："), is_addressee("主要任务：")
    (True, False, False)
    """
    text = text.strip()
    if not text.endswith(_ADDRESSEE_END) or len(text) > 100 or re.search(r"[。；？！]", text):
        return False
    first = re.split(r"[、，,]", text[:-1], maxsplit=1)[0]
    return text.startswith("各") or is_org(first)


def is_title_note(text: str) -> bool:
    """A bracketed note under a title giving its date, and often its organ:
    ``（湖北省人民代表大会常务委员会　2022年2月8日）``, ``（二〇二三年五月）``.

    >>> is_title_note("（2022年3月28日）"), is_title_note("（二〇二三年五月）")
    (True, True)
    >>> is_title_note("（试行）"), is_title_note("（2024年修订）")
    (False, False)
    """
    text = text.strip()
    if not (text[:1] in "（(" and text[-1:] in "）)") or len(text) > 80:
        return False
    return bool(parse_date(text) or _MONTH.search(text))


def is_red_header(text: str) -> bool:
    """The red header over a document (``××人民政府文件``), printed above its 文号 and title.

    >>> is_red_header("国务院办公厅、中央军委办公厅文件"), is_red_header("关于清理文件")
    (True, False)
    """
    return bool(_RED_HEADER.match(text.strip()))
