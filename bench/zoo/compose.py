"""Documents of one issue: what each page prints, and the truth that follows from it.

A real text (:mod:`texts`) becomes a :class:`Doc`: a list of printed blocks (title, 文号 line,
addressee, paragraphs, signature, date, 附件 label, table, page break) and the truth record a
reader of the page would write down. The head printed over a law (a 令, a 通知 that 印发s it, a
公告, a bracketed issuer and date) is chosen here, so its truth is known, never guessed.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from texts import Text
from traits import Layout, format_date

# A printed block: (kind, text) or ("table", rows). Kinds the typesetter knows: masthead, rule,
# title, center, heading, left, para, right, label, subtitle, table, pagebreak.
Block = tuple[str, Any]

DEPARTMENTS = ("发展改革委", "财政局", "司法局", "自然资源局", "生态环境局", "住房城乡建设局")
NAMES = ("王建国", "李红梅", "张志强", "刘晓东", "陈立新", "杨文华", "赵德明", "周海燕")
ADDRESSEE = "各市、县（市、区）人民政府，省政府各部门、各直属机构："


@dataclass
class Doc:
    """One document of an issue: its blocks and its truth (``page`` is filled in by layout)."""

    blocks: list[Block]
    title: str
    doc_number: str
    issuer: str
    doc_type: str
    date: str
    section: str
    attachments: list[str] = field(default_factory=list)
    page: int = 0
    issuers: list[str] = field(default_factory=list)  # all issuers of a joint document

    def truth(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "doc_number": self.doc_number,
            "issuer": self.issuer,
            "doc_type": self.doc_type,
            "date": self.date,
            "page": self.page,
            "section": self.section,
            "issuers": self.issuers or [self.issuer],
            "attachments": self.attachments,
        }


def cut(paragraphs: tuple[str, ...], limit: int) -> list[str]:
    """Whole paragraphs up to about ``limit`` characters (at least two), so pages stay few."""
    kept: list[str] = []
    total = 0
    for para in paragraphs:
        if len(kept) >= 2 and total + len(para) > limit:
            break
        kept.append(para)
        total += len(para)
    return kept


def _head(layout: Layout, text: Text, issuer: str, number: str) -> list[Block]:
    """Title, 文号 and addressee in the issue's head style."""
    titles: list[Block] = [("title", text.title)]
    if layout.head == "red" and number:
        masthead = f"{issuer.split(' ')[0]}文件"
        return [("masthead", masthead), ("center", number), ("rule", ""), *titles] + (
            [("left", text.addressee)] if text.addressee else []
        )
    if layout.head == "addressee" and number and text.addressee:
        return [*titles, ("left", f"{number}　{text.addressee}")]
    head = [*titles] + ([("center", number)] if number else [])
    return head + ([("left", text.addressee)] if text.addressee else [])


def _dated(layout: Layout, iso: str) -> Block:
    return ("right", format_date(iso, layout.date_style))


def _enclosure_blocks(title: str, paragraphs: list[str], new_page: bool) -> list[Block]:
    """An enclosed document: on a page of its own in issues that print 附件 apart."""
    start: list[Block] = [("pagebreak", "")] if new_page else []
    return start + [("subtitle", title)] + [("para", p) for p in paragraphs]


def notice(layout: Layout, text: Text, section: str) -> Doc:
    """A State Council document as its source prints it, in the issue's head style."""
    blocks = _head(layout, text, text.issuer, text.doc_number)
    blocks += [("para", p) for p in cut(text.paragraphs, layout.max_chars)]
    attachments = list(text.attachments)
    if attachments:
        blocks.append(
            ("para", "附件：" + "　".join(f"{i}.{t}" for i, t in enumerate(attachments, 1)))
        )
    blocks += [("right", text.signature), _dated(layout, text.date)]
    if text.enclosure:
        attachments = [text.enclosure.title, *attachments]
        body = cut(text.enclosure.paragraphs, layout.max_chars // 2)
        blocks += _enclosure_blocks(text.enclosure.title, body, layout.attachments)
    if layout.attachments:
        for index, title in enumerate(text.attachments, 1):
            blocks += [("pagebreak", ""), ("label", f"附件{index}"), ("subtitle", title)]
            blocks.append(("table", _table(text.paragraphs, random.Random(title))))
    # A joint document's issuer is its first organ; ``issuers`` lists them all (DESIGN.md).
    issuers = re.split(r"[、\s]+", text.issuer.strip())
    return Doc(
        blocks,
        text.title,
        text.doc_number,
        issuers[0],
        text.doc_type,
        text.date,
        section,
        attachments,
        issuers=issuers,
    )


def state_ling(layout: Layout, text: Text, section: str, short: bool) -> Doc:
    """A regulation under its 国务院令: the order, then the regulation's title and articles."""
    assert text.enclosure is not None and text.ling is not None
    number = f"国令第{text.ling}号" if short else f"中华人民共和国国务院令第{text.ling}号"
    if short:
        head: list[Block] = [("title", text.enclosure.title)]
        head.append(("center", number))
    else:
        head = [("heading", "中华人民共和国国务院令"), ("center", f"第{text.ling}号")]
    blocks = head + [("para", p) for p in text.paragraphs]
    blocks += [("right", text.signature), _dated(layout, text.date)]
    if not short:
        blocks += [("subtitle", text.enclosure.title)]
    blocks += [("para", p) for p in cut(text.enclosure.paragraphs, layout.max_chars)]
    title = text.enclosure.title
    return Doc(blocks, title, number, "国务院", _law_type(title), text.date, section)


def _law_type(title: str) -> str:
    for suffix in ("实施细则", "实施办法", "条例", "规定", "办法", "规则", "细则", "决定", "法"):
        if title.endswith(suffix):
            return suffix.removeprefix("实施") if suffix != "实施细则" else "细则"
    return "规定"


def province_ling(
    layout: Layout, law: Text, section: str, number: int, date: str, state: bool = False
) -> Doc:
    """A 规章 promulgated by ``××省人民政府令第N号`` (or a 行政法规 by 国务院令): the order,
    then the rules themselves."""
    issuer = "国务院" if state else layout.organ
    order = "中华人民共和国国务院令" if state else f"{layout.organ}令"
    blocks: list[Block] = [("heading", order), ("center", f"第{number}号")]
    passed = format_date(date, layout.date_style)
    blocks.append(("para", f"《{law.title}》已经{passed}{issuer}常务会议通过，现予公布。"))
    signer = "总理" if state else "省长"
    blocks += [("right", f"{signer}　{NAMES[number % len(NAMES)]}"), _dated(layout, date)]
    blocks += [("subtitle", law.title)]
    blocks += [("para", p) for p in cut(law.paragraphs, layout.max_chars)]
    kind = _law_type(law.title)
    return Doc(blocks, law.title, f"{order}第{number}号", issuer, kind, date, section)


def yinfa(layout: Layout, law: Text, section: str, number: str, issuer: str, date: str) -> Doc:
    """A 通知 that 印发s a law-like text: one document, the text its attachment."""
    title = f"{issuer}关于印发{law.title}的通知"
    words = Text("", title, issuer, "通知", number, date, ADDRESSEE, (), issuer)
    blocks = _head(layout, words, issuer, number)
    blocks.append(("para", f"现将《{law.title}》印发给你们，请结合实际，认真贯彻执行。"))
    attachments = [law.title]
    if layout.attachments:
        table_title = f"{law.title}实施任务分工表"
        attachments.append(table_title)
        blocks.append(("para", f"附件：1.{law.title}"))
        blocks.append(("para", f"　　　2.{table_title}"))
    blocks += [("right", issuer), ("right", format_date(date, layout.date_style))]
    if layout.attachments:
        blocks += [("pagebreak", ""), ("label", "附件1")]
    # With 附件 pages, the page break and the 附件1 label are already there.
    blocks += _enclosure_blocks(law.title, cut(law.paragraphs, layout.max_chars), False)
    if layout.attachments:
        rows = _table(law.paragraphs, random.Random(law.title))
        blocks += [("pagebreak", ""), ("label", "附件2"), ("subtitle", attachments[1])]
        blocks.append(("table", rows))
    return Doc(blocks, title, number, issuer, "通知", date, section, attachments)


def bracketed_law(layout: Layout, law: Text, section: str, issuer: str, date: str) -> Doc:
    """A law under its title with ``（issuer　date）`` in brackets, and no signature."""
    blocks: list[Block] = [("title", law.title)]
    blocks.append(("center", f"（{issuer}　{format_date(date, layout.date_style)}）"))
    blocks += [("para", p) for p in cut(law.paragraphs, layout.max_chars)]
    return Doc(blocks, law.title, "", issuer, _law_type(law.title), date, section)


def announcement(layout: Layout, law: Text, section: str, number: int, date: str) -> Doc:
    """A 公告 with its ``第N号`` (not a 文号): the law it publishes follows as its own document."""
    issuer = layout.organ.replace("人民政府", "人民代表大会常务委员会")
    title = f"{issuer}公告"
    passed = format_date(date, layout.date_style)
    blocks: list[Block] = [("title", title)]
    blocks.append(("center", f"第{number}号"))
    blocks.append(
        ("para", f"《{law.title}》已由{issuer}于{passed}通过，现予公布，自公布之日起施行。")
    )
    blocks += [("right", issuer), ("right", passed)]
    return Doc(blocks, title, "", issuer, "公告", date, section)


def appointments(layout: Layout, section: str, date: str, rng: random.Random) -> Doc:
    """A list of 任免: no 文号, no addressee, the date in brackets under the title."""
    issuer = layout.organ
    title = f"{issuer}任免人员"
    blocks: list[Block] = [
        ("title", title),
        ("center", f"（{format_date(date, layout.date_style)}）"),
    ]
    for name in rng.sample(NAMES, 4):
        dept = rng.choice(DEPARTMENTS)
        post = "主任" if dept.endswith("委") else "局长"
        blocks.append(("para", f"任命{name}为{issuer.removesuffix('人民政府')}{dept}{post}；"))
    blocks.append(("para", f"免去{rng.choice(NAMES)}的{rng.choice(DEPARTMENTS)}副局长职务。"))
    return Doc(blocks, title, "", issuer, "任免", date, section)


def _table(paragraphs: tuple[str, ...], rng: random.Random) -> list[list[str]]:
    """A 任务分工表 drawn from the text's own articles: short cells, one row per article."""
    rows = [["序号", "工作任务", "责任单位", "完成时限"]]
    for index, para in enumerate(paragraphs[:8], 1):
        task = para.split(" ", 1)[-1].split("　", 1)[-1][:12]
        rows.append([str(index), task, rng.choice(DEPARTMENTS), f"{rng.randint(3, 12)}月底前"])
    return rows


def rotate(items: list[Text], start: int) -> Iterator[Text]:
    """The items from ``start`` on, round and round: each issue takes different texts first."""
    count = len(items)
    index = 0
    while True:
        yield items[(start + index) % count]
        index += 1
