"""The contents pages of an issue, as items for the typesetter.

An item is ``(kind, text, page)``: ``heading`` (目录, CONTENTS), ``section`` (【国务院文件】),
``entry`` (its text and its page number: a bracketed one ends the text, a bare one is drawn at
the right margin), ``sub`` (an enclosure listed under its 通知), ``runin`` (all the
entries of a section run on as one paragraph, so two entries share a line).
"""

from __future__ import annotations

from compose import Doc
from traits import Layout, english_title, page_mark, short_title

Item = tuple[str, str, str]


def _entry_text(layout: Layout, doc: Doc) -> str:
    issuer = "、".join(doc.issuers) or doc.issuer
    text = short_title(doc.title, issuer) if layout.issuer_after else doc.title
    if layout.issuer_after and text != doc.title:
        text += f"　{issuer}"
    if layout.entry_docnum and doc.doc_number:
        text += f"\n（{doc.doc_number}）"  # a line of its own, as a 文号 is never broken
    return text


def _with_page(layout: Layout, text: str, page: int) -> Item:
    """Brackets join the text; leaders and spaces put the number at the margin."""
    return ("entry", text, page_mark(page, layout.page_style))


def chinese_items(layout: Layout, docs: list[Doc], enclosure_pages: list[int | None]) -> list[Item]:
    """The Chinese contents: sections, entries, enclosures, in the issue's contents style."""
    items: list[Item] = [("heading", "目　　录", "")]
    section = None
    run: list[str] = []
    for doc, enclosure_page in zip(docs, enclosure_pages, strict=True):
        if layout.sections and doc.section != section:
            if run:
                items.append(("runin", "　".join(run), ""))
                run = []
            section = doc.section
            items.append(("section", f"【{section}】", ""))
        text = _entry_text(layout, doc)
        if layout.run_in:
            run.append(text + page_mark(doc.page, layout.page_style))
            continue
        items.append(_with_page(layout, text, doc.page))
        if layout.list_enclosures and doc.attachments and enclosure_page:
            _, text, page = _with_page(layout, doc.attachments[0], enclosure_page)
            items.append(("sub", text, page))
    if run:
        items.append(("runin", "　".join(run), ""))
    return items


def english_items(layout: Layout, docs: list[Doc]) -> list[Item]:
    """The English contents that follow the Chinese one in bilingual issues."""
    items: list[Item] = [("heading", "CONTENTS", "")]
    for number, doc in enumerate(docs, 1):
        text = english_title(doc.doc_type, doc.issuer, number)
        items.append(_with_page(layout, text, doc.page))
    return items
