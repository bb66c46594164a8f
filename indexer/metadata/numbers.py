"""The 文号 of a document: where it is printed, and an order's number printed with a title.

A 文号 stands under the title, in the red header above it, at the start of the addressee line
(``国发〔1999〕2号　各省、自治区…：``) or, for an order, as ``××令`` over ``第N号``; a regulation
the contents list with its order number (``专利代理条例（国令第706号）``) is titled without it.
Where the contents give another number than the document prints, both are kept: the printed
one as the 文号, the listed one in the record's ``review``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from indexer.chars import CN_NUMERAL
from indexer.doctypes import doc_type
from indexer.metadata.issuers import is_order
from indexer.parse.split import Block, Line, is_docnum_line
from indexer.recognise.docnum import canonical_doc_number, iter_doc_numbers, parse_doc_number


def split_order_title(title: str) -> tuple[str, str]:
    """A regulation's title and the order number printed on after it, ``("", "")`` parts kept.

    >>> split_order_title("专利代理条例（中华人民共和国国务院令第706号）")
    ('专利代理条例', '国令第706号')
    >>> split_order_title("中华人民共和国主席令（第五号）")
    ('中华人民共和国主席令（第五号）', '主席令第5号')
    >>> split_order_title("某县人民政府关于检查的通知")
    ('某县人民政府关于检查的通知', '')
    """
    hits = iter_doc_numbers(title)
    if not hits or not is_order(hits[-1][0]):
        return title, ""
    number, start, end = hits[-1]
    if title[end:].strip(" ）)"):
        return title, ""
    head = title[:start].rstrip(" （(")
    if head and doc_type(head):
        return head, str(number)
    return title, str(number) if start == 0 else ""


def doc_number(
    body: Sequence[Line], block: Block, from_title: str, review: list[str], aliases: list[str]
) -> str:
    """The 文号 the document prints (under its title, in its red header, opening its addressee
    line, or as an order's number), else the one its title or contents entry gives. A contents
    entry that gives another number is kept in ``aliases`` (a search for either finds the
    document) and noted for review."""
    printed = head_number(body[:8]) or from_title or order_under_title(block.title, body)
    if not printed:
        numbers = iter_doc_numbers(block.title)
        printed = str(numbers[0][0]) if numbers else ""
    listed = block.entry.doc_number if block.entry else ""
    if printed and listed and listed != printed:
        review.append(f"contents give 文号 {listed}")
        aliases.append(listed)
    return printed or listed


def order_under_title(title: str, body: Sequence[Line]) -> str:
    """The number of an order titled by its organ (``中华人民共和国主席令``, ``某省人民政府命令``)
    printed as ``第N号`` on the line under the title; "" otherwise.

    >>> order_under_title("中华人民共和国主席令", [Line("（第五号）", 0)])
    '主席令第5号'
    >>> order_under_title("某省人民政府命令", [Line("第3号", 0)])
    '某省人民政府令第3号'
    """
    head = re.sub(r"\s+", "", title)
    m = re.search("命?令$", head)
    first = next((ln.text.strip() for ln in body if ln.text.strip()), "")
    if not m or not _ORDER_SERIAL.match(first):
        return ""
    number = parse_doc_number(f"{head[: m.start()]}令{first}")
    return str(number) if number is not None and is_order(number) else ""


# An order's number under its name on a line of its own: 中华人民共和国国务院令 / 第706号.
_ORDER_SERIAL = re.compile(rf"^[(（]?\s*第\s*[\d{CN_NUMERAL}]+\s*号\s*[)）]?$")
# What a 文号 opening a line of the text is not followed by when it heads the addressee line
# (国发〔1999〕2号各省、自治区…：) but is cited in a sentence (国发〔1999〕2号文件规定…).
_CITED_AFTER = re.compile(r"^[\s\u3000]*[文的和及与、，。；等规精要通）)]")


def head_number(lines: Sequence[Line]) -> str:
    """The 文号 among a document's first lines: a line of its own, an order's name and number
    over two lines, or the start of the addressee line (``国发〔1999〕2号　各省、…：``).

    >>> head_number([Line("中华人民共和国国务院令", 0), Line("第706号", 0)])
    '国令第706号'
    >>> head_number([Line("国发〔1999〕2号 各省、自治区、直辖市人民政府，国务院各部委：", 0)])
    '国发〔1999〕2号'
    >>> head_number([Line("国发〔1999〕2号文件规定：", 0)])
    ''
    """
    for i, line in enumerate(lines):
        text = line.text.strip()
        # The first cell of side-by-side text (two columns read across) is the left column's.
        if is_docnum_line(text.split("\t")[0].strip()):
            return canonical_doc_number(text.split("\t")[0])
        after = lines[i + 1].text.strip() if i + 1 < len(lines) else ""
        if text.endswith("令") and _ORDER_SERIAL.match(after):
            number = parse_doc_number(f"{text}{after}")
            if number is not None and is_order(number):
                return str(number)
        hits = iter_doc_numbers(text) if i <= 2 else []
        if hits and hits[0][1] == 0 and not _CITED_AFTER.match(text[hits[0][2] :]):
            return str(hits[0][0])
    return ""
