"""An issue's pages: cover, contents (unless the issue prints none), the documents, back cover.

The documents are laid out first, so the contents can print the pages they landed on; the
contents pages and the cover are not numbered, and the first document page is printed page 1.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import contents
from compose import Block, Doc
from traits import Layout, footer_text
from typeset import Flow, Frame, Sheet, balance, decorate, text_width, wrap


def issue_label(layout: Layout) -> str:
    return f"{layout.year}年第{layout.number}期"


def gazette_date(layout: Layout) -> str:
    """The day the issue came out: printed on its cover, the same for every run."""
    return f"{layout.year}-{(layout.number - 1) % 12 + 1:02d}-28"


def _sizes(frame: Frame) -> dict[str, float]:
    body = 12.0 if frame.paper == "a4" else 11.0
    if frame.columns > 1:
        body = 10.5
    return {"body": body, "title": body + 5, "subtitle": body + 3, "small": body - 2}


def _block(flow: Flow, block: Block, sizes: dict[str, float]) -> None:
    kind, text = block
    body = sizes["body"]
    if kind == "pagebreak":
        if not flow.at_top():
            flow.new_page()
    elif kind in ("title", "subtitle", "heading", "masthead"):
        size = {"title": sizes["title"], "subtitle": sizes["subtitle"]}.get(kind, body + 9)
        if kind == "subtitle" and flow.sheet.lines and not flow.at_top():
            flow.skip(body)
        most = 18 if kind == "title" else 24
        for line in balance(text, flow.frame.column_width, size, most):
            flow.put(line, "Hei", size, "center", red=kind in ("masthead", "heading"))
    elif kind == "center":
        for line in wrap(text, flow.frame.column_width, "Song", body):
            flow.put(line, "Song", body, "center")
    elif kind == "rule":
        flow.rule(red=True)
    elif kind == "left":
        flow.paragraph(text, "Song", body, indent="")
    elif kind == "para":
        flow.paragraph(text, "Song", body)
    elif kind == "right":
        flow.put(text + "　　", "Kai", body, "right")
    elif kind == "label":
        flow.put(text, "Hei", body)
    elif kind == "table":
        flow.table(text, sizes["small"])
    else:
        raise ValueError(f"unknown block {kind}")


def _head_height(doc: Doc, sizes: dict[str, float]) -> float:
    heads = [b for b in doc.blocks[:6] if b[0] in ("title", "masthead", "heading", "center")]
    return (len(heads) * (sizes["title"] + 2) + 4 * sizes["body"]) * 1.55


def lay_documents(
    layout: Layout, docs: list[Doc], frame: Frame
) -> tuple[list[Sheet], list[int | None]]:
    """The document pages; sets each doc's ``page`` and returns where its enclosure starts."""
    flow = Flow(frame, "body")
    sizes = _sizes(frame)
    enclosure_pages: list[int | None] = []
    for doc in docs:
        if layout.new_page and not flow.at_top():
            flow.new_page()
        else:
            flow.skip(sizes["body"] * 3)
        flow.room(_head_height(doc, sizes))
        doc.page = len(flow.sheets)
        first_subtitle = None
        for block in doc.blocks:
            _block(flow, block, sizes)
            if block[0] == "subtitle" and first_subtitle is None:
                first_subtitle = len(flow.sheets)
        enclosure_pages.append(first_subtitle)
    for number, sheet in enumerate(flow.sheets, 1):
        sheet.printed = number
    footer = partial(footer_text, style=layout.footer)
    decorate(flow.sheets, frame, _running_header(layout), footer)
    return flow.sheets, enclosure_pages


def _running_header(layout: Layout) -> Callable[[int], tuple[str, str]] | None:
    label = issue_label(layout)
    if layout.running_header == "none":
        return None
    if layout.running_header == "same":
        return lambda _: (layout.gazette, label)
    return lambda n: (layout.gazette, "") if n % 2 == 0 else ("", label)


def lay_contents(layout: Layout, items: list[contents.Item], frame: Frame) -> list[Sheet]:
    """Contents pages: entries wrapped, leaders drawn, page numbers at the margin."""
    flow = Flow(frame, "contents")
    size = 11.0 if frame.paper == "a4" else 10.5
    limit = layout.contents_chars * size if layout.contents_chars else 0.0
    for kind, text, page in items:
        if kind == "heading":
            if not flow.at_top():
                flow.new_page()
            flow.put(text, "Hei", size + 8, "center")
            flow.skip(size)
        elif kind == "section":
            flow.skip(size * 0.5)
            flow.put(text, "Hei", size + 1)
        elif kind == "runin":
            flow.paragraph(text, "Song", size, indent="")
        else:
            indent = "　　" if kind == "sub" else ""
            _entry(flow, text, page, size, limit, indent, layout.page_style == "dots")
    return flow.sheets


def _entry(
    flow: Flow, text: str, page: str, size: float, limit: float, indent: str, leader: bool
) -> None:
    """One entry wrapped at ``limit`` (or the column). A bracketed page number ends its last
    line; a bare one sits at the right margin, after dot leaders or blank space."""
    attached = page.startswith(("（", "("))
    room = flow.frame.column_width - text_width(page + ("" if attached else "……"), "Song", size)
    width = min(room, limit) if limit else room
    lines = [ln for part in (indent + text).split("\n") for ln in wrap(part, width, "Song", size)]
    flow.room(len(lines) * size * 1.55)
    for line in lines[:-1]:
        flow.put(line, "Song", size)
    last = lines[-1]
    if attached:
        flow.put(last + page, "Song", size)
        return
    if leader and not text.isascii():
        last += "…" * int((room - text_width(last, "Song", size)) / text_width("…", "Song", size))
    elif leader:
        last += " " + "." * int((room - text_width(last, "Song", size)) / 3.5)
    flow.put(last, "Song", size)
    flow.put_at_margin(page, "Song", size)


def cover(layout: Layout, frame: Frame) -> Sheet:
    """The cover: the gazette's name in red, the issue, the publisher and the date."""
    flow = Flow(frame, "cover")
    flow.skip(60)
    flow.put(layout.gazette, "Hei", 30, "center", red=True)
    flow.skip(30)
    flow.put(f"{issue_label(layout)}（总第{layout.number + 300}期）", "Song", 16, "center")
    year, month, day = (int(p) for p in gazette_date(layout).split("-"))
    flow.skip(200)
    flow.put(f"{layout.organ}办公厅主办", "Song", 14, "center")
    flow.put(f"{year}年{month}月{day}日出版", "Song", 14, "center")
    return flow.sheet


def back_cover(layout: Layout, frame: Frame) -> Sheet:
    """The back cover: 赠阅范围, publisher, address, printer."""
    flow = Flow(frame, "back")
    flow.skip(300)
    lines = [
        "赠阅范围：各级人民政府、各部门、各直属机构，各级人大、政协，公共图书馆、档案馆",
        f"主　　办：{layout.organ}办公厅",
        f"编辑出版：《{layout.gazette}》编辑部",
        "地　　址：人民路1号　　邮政编码：100000",
        "电　　话：010-12345678",
        "印　　刷：机关印刷厂",
        "定　　价：免费赠阅",
    ]
    for line in lines:
        flow.paragraph(line, "Song", 10.5, indent="")
    return flow.sheet


def lay_issue(layout: Layout, docs: list[Doc]) -> list[Sheet]:
    """All pages of the issue in order; each doc's ``page`` is set on the way."""
    body_frame = Frame(layout.page, layout.body_columns)
    body, enclosure_pages = lay_documents(layout, docs, body_frame)
    front = [cover(layout, body_frame)]
    if layout.contents != "none":
        contents_frame = Frame(layout.page, layout.contents_columns)
        items = contents.chinese_items(layout, docs, enclosure_pages)
        if layout.english:
            items += contents.english_items(layout, docs)
        front += lay_contents(layout, items, contents_frame)
    back = [back_cover(layout, body_frame)] if layout.back_cover else []
    return front + body + back
