"""The zoo's issues: one combination of traits each, filled with real texts.

Every issue differs from the others in at least one trait; together they cover the matrix of
issue 13 (contents, heads, dates, pages, issue structure). The documents are drawn from the
corpus in a seeded order, so the same inputs give the same issues.
"""

from __future__ import annotations

import datetime as dt
import random
import zlib
from collections.abc import Iterator
from typing import Any

import compose
from compose import Doc
from texts import Text
from traits import Layout


def _state_council(name: str, **traits: Any) -> Layout:
    """An issue of the State Council's gazette."""
    return Layout(name, gazette="中华人民共和国国务院公报", organ="国务院", prefix="国", **traits)


LAYOUTS = [
    _state_council(
        "gwy-2019-a4",
        year=2019,
        number=3,
        kinds=("notice",) * 12 + ("ling",),
    ),
    _state_council(
        "gwy-16k-bilingual-red",
        year=2018,
        number=35,
        page="16k",
        english=True,
        page_style="halfparen",
        sections=False,
        head="red",
        date_style="cn-o",
        running_header="same",
        footer="dot",
        new_page=False,
        kinds=("notice",) * 12,
    ),
    _state_council(
        "gwy-1999-ocr",
        year=1999,
        number=4,
        page="16k",
        issuer_after=True,
        page_style="fullparen",
        head="addressee",
        list_enclosures=True,
        footer="dash",
        new_page=False,
        ocr=True,
        kinds=("enclosing",) * 7 + ("notice",) * 5,
    ),
    _state_council(
        "gwy-runin-2col",
        year=2005,
        number=12,
        run_in=True,
        page_style="halfparen",
        body_columns=2,
        date_style="arabic",
        footer="bare",
        running_header="none",
        kinds=("notice",) * 12 + ("ling-long",),
    ),
    _state_council(
        "gwy-ling-numbers",
        year=2022,
        number=10,
        page="16k",
        entry_docnum=True,
        date_style="spaced",
        footer="hyphen",
        kinds=("ling", "ling-long", "state-ling", "state-ling", "state-ling") + ("notice",) * 8,
    ),
    Layout(
        "shandong-ling-red",
        gazette="山东省人民政府公报",
        organ="山东省人民政府",
        prefix="鲁政",
        year=2024,
        number=6,
        head="red",
        contents_columns=2,
        date_style="arabic",
        footer="di",
        kinds=("prov-ling",) * 6 + ("yinfa",) * 6 + ("appointments",),
    ),
    Layout(
        "henan-16k-2col-enclosures",
        gazette="河南省人民政府公报",
        organ="河南省人民政府",
        prefix="豫政",
        year=2023,
        number=21,
        page="16k",
        body_columns=2,
        page_style="spaces",
        list_enclosures=True,
        month_only=3,
        footer="hyphen",
        kinds=("yinfa",) * 12,
    ),
    Layout(
        "jinan-laws-bracketed",
        gazette="济南市人民政府公报",
        organ="济南市人民政府",
        prefix="济政",
        year=2021,
        number=8,
        date_style="spaced",
        footer="bare",
        new_page=False,
        sections=False,
        kinds=("announced-law",) * 6 + ("appointments",),
    ),
    Layout(
        "zhejiang-long-contents",
        gazette="浙江省人民政府公报",
        organ="浙江省人民政府",
        prefix="浙政",
        year=2024,
        number=15,
        page="16k",
        contents_chars=15,
        entry_docnum=True,
        max_chars=350,
        kinds=("yinfa",) * 9 + ("law",) * 8 + ("prov-ling",) * 7,
    ),
    Layout(
        "jiangsu-attachments-tables",
        gazette="江苏省人民政府公报",
        organ="江苏省人民政府",
        prefix="苏政",
        year=2024,
        number=9,
        attachments=True,
        running_header="same",
        back_cover=True,
        kinds=("yinfa",) * 8 + ("attached",) * 3 + ("prov-ling",),
    ),
    _state_council(
        "gwy-a4-2col-bilingual",
        year=2018,
        number=36,
        body_columns=2,
        english=True,
        issuer_after=True,
        page_style="halfparen",
        head="red",
        date_style="spaced",
        footer="dot",
        kinds=("notice",) * 12,
    ),
    Layout(
        "jiaocheng-county-month-only",
        gazette="交城县人民政府公报",
        organ="交城县人民政府",
        prefix="交政",
        year=2024,
        number=2,
        page="16k",
        month_only=4,
        date_style="cn-o",
        footer="hyphen",
        running_header="none",
        back_cover=True,
        kinds=("yinfa",) * 10 + ("law",) * 2 + ("appointments",),
    ),
    _state_council(
        "gwy-1998-ocr-bilingual",
        year=1998,
        number=30,
        page="16k",
        english=True,
        issuer_after=True,
        page_style="fullparen",
        head="addressee",
        list_enclosures=True,
        sections=False,
        date_style="cn-o",
        footer="dot",
        ocr=True,
        kinds=("enclosing",) * 4 + ("notice",) * 8 + ("law",),
    ),
    Layout(
        "guangdong-mixed-heads",
        gazette="广东省人民政府公报",
        organ="广东省人民政府",
        prefix="粤府",
        year=2023,
        number=30,
        page="16k",
        sections=False,
        footer="di",
        running_header="same",
        new_page=False,
        kinds=(
            *("yinfa", "announced-law", "prov-ling", "appointments", "yinfa", "law"),
            *("yinfa", "prov-ling", "announced-law", "yinfa", "law", "yinfa"),
        ),
    ),
    # Issues printed without a 目录: the documents have to be found from their heads alone.
    _state_council(
        "gwy-no-contents-red-runon",
        year=2017,
        number=8,
        page="16k",
        contents="none",
        sections=False,
        head="red",
        date_style="cn-o",
        new_page=False,
        kinds=("notice",) * 4
        + ("enclosing", "ling-long", "notice", "state-ling")
        + ("notice",) * 3
        + ("enclosing",),
    ),
    Layout(
        "hubei-no-contents-addressee",
        gazette="湖北省人民政府公报",
        organ="湖北省人民政府",
        prefix="鄂政",
        year=2022,
        number=14,
        contents="none",
        sections=False,
        head="addressee",
        date_style="arabic",
        footer="di",
        running_header="same",
        kinds=(
            *("yinfa", "prov-ling", "yinfa", "announced-law", "appointments", "yinfa"),
            *("prov-ling", "yinfa", "law", "yinfa", "prov-ling"),
        ),
    ),
    Layout(
        "lingshou-county-no-contents-ocr",
        gazette="灵寿县人民政府公报",
        organ="灵寿县人民政府",
        prefix="灵政",
        year=2023,
        number=3,
        page="16k",
        contents="none",
        sections=False,
        date_style="cn",
        month_only=2,
        footer="hyphen",
        running_header="none",
        new_page=False,
        ocr=True,
        back_cover=True,
        kinds=("yinfa",) * 5 + ("notice", "appointments") + ("yinfa",) * 4 + ("notice",),
    ),
]

SECTIONS = {
    "国务院": "国务院文件",
    "国务院办公厅": "国务院办公厅文件",
    "ling": "国务院令",
    "prov-ling": "政府令",
    "yinfa": "政府文件",
    "office": "政府办公厅文件",
    "law": "地方性法规",
    "appointments": "人事任免",
}


def seed_of(layout: Layout) -> int:
    """A seed from the issue's name: stable across runs and Python versions."""
    return zlib.crc32(layout.name.encode())


def _date(rng: random.Random, year: int) -> str:
    return dt.date(year, rng.randint(1, 12), rng.randint(1, 28)).isoformat()


class _Pools:
    """The texts an issue draws from, each in its own seeded rotation."""

    def __init__(self, notices: list[Text], laws: list[Text], rng: random.Random) -> None:
        def start(items: list[Text]) -> Iterator[Text]:
            return compose.rotate(items, rng.randrange(len(items)) if items else 0)

        plain = [t for t in notices if t.ling is None and not t.attachments]
        self.notice = start([t for t in plain if not t.enclosure])
        self.enclosing = start([t for t in plain if t.enclosure])
        self.attached = start([t for t in notices if t.attachments])
        self.ling = start([t for t in notices if t.ling is not None])
        rules = [t for t in laws if t.title.endswith(("办法", "规定", "细则", "规则"))]
        # Rules a government could issue itself: no judicial interpretations, no nested 关于.
        plain_rules = [t for t in rules if not any(w in t.title for w in ("《", "关于", "最高"))]
        self.rules = start(plain_rules)
        self.laws = start([t for t in laws if t.title.endswith(("条例", "法"))])


def build_docs(layout: Layout, notices: list[Text], laws: list[Text]) -> list[Doc]:
    """The documents of one issue in printed order (grouped by section when it has sections)."""
    rng = random.Random(seed_of(layout))
    pools = _Pools(notices, laws, rng)
    docs: list[Doc] = []
    month_only = layout.month_only
    serial = rng.randint(2, 20)
    for kind in layout.kinds:
        serial += rng.randint(1, 4)
        date = _date(rng, layout.year)
        if month_only and kind in ("yinfa", "law"):
            date, month_only = date[:7], month_only - 1
        docs += _make(layout, kind, pools, rng, serial, date)
    if layout.sections:
        order = list(dict.fromkeys(d.section for d in docs))
        docs.sort(key=lambda d: order.index(d.section))
    return docs


def _make(
    layout: Layout, kind: str, pools: _Pools, rng: random.Random, serial: int, date: str
) -> list[Doc]:
    """One or two documents of the given kind (a 公告 brings the law it publishes)."""
    organ, year = layout.organ, layout.year
    if kind in ("notice", "enclosing", "attached"):
        text = next(getattr(pools, kind))
        section = SECTIONS.get(text.issuer, "部门文件")
        return [compose.notice(layout, text, section)]
    if kind in ("ling", "ling-long"):
        return [compose.state_ling(layout, next(pools.ling), SECTIONS["ling"], kind == "ling")]
    if kind == "state-ling":
        rules = next(pools.rules)
        return [compose.province_ling(layout, rules, SECTIONS["ling"], 700 + serial, date, True)]
    if kind == "prov-ling":
        return [compose.province_ling(layout, next(pools.rules), SECTIONS[kind], serial, date)]
    if kind == "yinfa":
        office = rng.random() < 0.4
        issuer = organ + ("办公厅" if office else "")
        number = f"{layout.prefix}{'办' if office else ''}发〔{year}〕{serial}号"
        section = SECTIONS["office" if office else "yinfa"]
        return [compose.yinfa(layout, next(pools.rules), section, number, issuer, date)]
    if kind == "law":
        issuer = organ.replace("人民政府", "人民代表大会常务委员会")
        return [compose.bracketed_law(layout, next(pools.laws), SECTIONS["law"], issuer, date)]
    if kind == "announced-law":
        law = next(pools.laws)
        first = compose.announcement(layout, law, SECTIONS["law"], serial, date)
        return [first, compose.bracketed_law(layout, law, SECTIONS["law"], first.issuer, date)]
    if kind == "appointments":
        return [compose.appointments(layout, SECTIONS[kind], date, rng)]
    raise ValueError(f"unknown document kind {kind}")
