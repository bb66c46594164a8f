"""Lines of an issue's text, the unit that splitting works on, and what a single line can be.

Splitting reads pages only through :class:`PageLike`, so it does not depend on how the pages
were extracted (and does not import pdfminer).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from indexer.parse.contents import TocEntry
from indexer.recognise.dates import parse_date_line
from indexer.recognise.docnum import iter_doc_numbers

_NOISE = re.compile(r"^(?:扫码|扫一扫|微信扫)\S{0,6}$")
_DOCNUM_ONLY = re.compile(r"^[(（]?[\w〔〕\[\]（）()【】 ]{2,30}号[)）]?$")

Start = tuple[int, int, TocEntry | None]  # line index, title span, contents entry


class PageLike(Protocol):
    """What splitting needs of a page; :class:`indexer.extract.pages.Page` is one."""

    @property
    def number(self) -> int | None: ...
    @property
    def text(self) -> str: ...
    @property
    def printed(self) -> int | None: ...


@dataclass(frozen=True)
class Line:
    """A line of an issue's text, its page (index into the pages), whether it opens a paragraph."""

    text: str
    page: int
    para: bool = True


def flatten(pages: Sequence[PageLike]) -> list[Line]:
    """The lines of all pages in order; QR-code captions (扫码咨询) are left out.

    >>> from indexer.extract.pages import Page
    >>> flatten([Page(1, "某县人民政府\\n关于检查的通知\\n\\n扫码咨询", 3, True)])
    [Line(text='某县人民政府', page=0, para=True), Line(text='关于检查的通知', page=0, para=False)]
    """
    out: list[Line] = []
    for index, page in enumerate(pages):
        for para in page.text.split("\n\n"):
            first = True
            for text in para.split("\n"):
                text = text.strip()
                if text and not _NOISE.match(text):
                    out.append(Line(text, index, first))
                    first = False
    return out


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


def closing_line(text: str) -> bool:
    """The last line of a document: its date, 此件公开发布, or a 咨询 line.

    >>> closing_line("2024年1月26日"), closing_line("（此件公开发布）"), closing_line("特此通知")
    (True, True, False)
    """
    return bool(parse_date_line(text) or "公开发布" in text or text.startswith("咨询"))
