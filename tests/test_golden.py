"""Golden records of the real gazettes in ../shared/corpus, plus the figures checked by hand.

Each golden file in ``tests/golden`` holds the expected records of one source: every field, with
the body as its length and first and last 40 characters. After a deliberate change, regenerate
them and review the diff::

    UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_golden.py

The hand-checked tables below (the seed's 26 documents, the 1954 gazette's contents) do not
regenerate: they are what the printed issues say.
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from indexer.extract.pages import Page, load_pages
from indexer.metadata.assemble import build_records
from indexer.parse.contents import find_toc
from indexer.parse.split import flatten
from indexer.records import Record
from tests.helpers import SHARED, shared_corpus

GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"
SOURCES = [
    "seed/lishi-gazette-2024-1.txt",
    "pdf/lishi-gazette-2024-1.pdf",
    "pdf/guowuyuan-gazette-1954-01.pdf",
    "pdf/nhc-covid-treatment-2022-v9.pdf",
    "pdf/beijing-jxj-govcloud-2018.pdf",
    "pdf/shenzhen-tjj-gender-report-2021.pdf",
]


@cache
def _pages(relative: str) -> tuple[Page, ...]:
    """Each shared file is parsed once per test session."""
    return tuple(load_pages(shared_corpus(SHARED / relative)))


@cache
def _records(relative: str) -> tuple[Record, ...]:
    return tuple(build_records(list(_pages(relative)), Path(relative).name))


def pages(relative: str) -> list[Page]:
    return list(_pages(relative))


def records(relative: str) -> list[Record]:
    return list(_records(relative))


def summary(rec: Record) -> dict[str, Any]:
    """A record as stored in a golden file: all fields, the body shortened."""
    data = rec.to_dict()
    body = data.pop("body")
    data.update(body_len=len(body), body_head=body[:40], body_tail=body[-40:])
    return data


@pytest.mark.parametrize("relative", SOURCES)
def test_golden_records(relative: str) -> None:
    got = [summary(r) for r in records(relative)]
    golden = GOLDEN / f"{Path(relative).name}.json"
    if UPDATE:
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(json.dumps(got, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    if not golden.is_file():
        pytest.fail(f"{golden.name} missing: run UPDATE_GOLDEN=1 pytest tests/test_golden.py")
    expected = json.loads(golden.read_text(encoding="utf-8"))
    assert len(got) == len(expected), f"{relative}: {len(got)} records, golden has {len(expected)}"
    for index, (have, want) in enumerate(zip(got, expected, strict=True)):
        diff = {
            k: (have.get(k), want.get(k))
            for k in want.keys() | have.keys()
            if have.get(k) != want.get(k)
        }
        assert not diff, f"{relative} record {index} ({want.get('title')}): {diff}"


# The 26 documents of 《吕梁市离石区人民政府公报》2024年第1期, read off the seed text by hand:
# title as the document prints it, its 文号, issuer, 文种 and 成文日期. Two 文号 follow the document
# where its contents entry differs: 离政办〔2024〕4号 (contents: 离政办发〔2024〕4号), and the
# issuer of
# 离政办发〔2024〕2号 comes from its own heading (the contents entry omits it).
GOV = "吕梁市离石区人民政府"
OFFICE = "吕梁市离石区人民政府办公室"
SEED_EXPECTED = [
    (f"{GOV}关于武勇同志任免职务的通知", "离政发〔2023〕32号", GOV, "通知", "2023-12-26"),
    (
        f"{GOV}关于印发吕梁市离石区2023年度统筹整合使用财政涉农资金调整实施方案的通知",
        "离政发〔2023〕33号",
        GOV,
        "通知",
        "2023-12-26",
    ),
    (f"{GOV}关于陈楠等同志任免职务的通知", "离政发〔2024〕6号", GOV, "通知", "2024-02-01"),
    (
        f"{GOV}关于印发吕梁市离石区推行政府法律顾问制度工作方案的通知",
        "离政发〔2024〕8号",
        GOV,
        "通知",
        "2024-02-02",
    ),
    (f"{GOV}关于李婧等同志任免职务的通知", "离政发〔2024〕9号", GOV, "通知", "2024-02-28"),
    (
        f"{GOV}关于印发吕梁市离石区2024年度第一批土地储备计划的通知",
        "离政发〔2024〕12号",
        GOV,
        "通知",
        "2024-03-11",
    ),
    (
        f"{GOV}关于印发吕梁市离石区2024年度国有建设用地供应计划的通知",
        "离政发〔2024〕13号",
        GOV,
        "通知",
        "2024-03-11",
    ),
    (
        f"{GOV}关于承诺吕梁市离石区永久基本农田核实处置成果的函",
        "离政函〔2024〕2号",
        GOV,
        "函",
        "2024-01-15",
    ),
    (f"{GOV}关于承诺2023年度国土变更调查成果的函", "离政函〔2024〕3号", GOV, "函", "2024-01-19"),
    (
        f"{GOV}关于公布第一批县级红色文化遗址名录的通知",
        "离政函〔2024〕4号",
        GOV,
        "通知",
        "2024-01-15",
    ),
    (f"{GOV}关于申请调整国家级公益林落界的函", "离政函〔2024〕5号", GOV, "函", "2024-01-25"),
    (
        f"{GOV}关于金巢魔码小区（吕梁市水西泰安物业管理有限公司）重大火灾隐患单位摘牌销案的批复",
        "离政函〔2024〕6号",
        GOV,
        "批复",
        "2024-03-01",
    ),
    (
        f"{GOV}关于吕梁蕴华双语学校重大火灾隐患延期整改的批复",
        "离政函〔2024〕7号",
        GOV,
        "批复",
        "2024-03-13",
    ),
    (
        f"{OFFICE}关于印发吕梁市离石区特种设备事故应急预案的通知",
        "离政办发〔2023〕29号",
        OFFICE,
        "通知",
        "2023-12-25",
    ),
    (
        f"{OFFICE}关于印发吕梁市离石区2023年度政务公开工作考核方案的通知",
        "离政办发〔2023〕30号",
        OFFICE,
        "通知",
        "2023-12-25",
    ),
    (
        f"{OFFICE}关于印发《吕梁市离石区重污染天气应急预案》的通知",
        "离政办发〔2024〕1号",
        OFFICE,
        "通知",
        "2024-01-26",
    ),
    (
        f"{OFFICE}关于开展2023年汽车消费补贴工作的通知",
        "离政办发〔2024〕2号",
        OFFICE,
        "通知",
        "2024-02-04",
    ),
    (
        f"{OFFICE}关于印发吕梁市离石区2024年秸秆综合利用和禁止露天焚烧工作方案的通知",
        "离政办〔2024〕3号",
        OFFICE,
        "通知",
        "2024-03-19",
    ),
    (
        f"{OFFICE}关于印发吕梁市离石区就业社保服务社区村村全覆盖工作实施方案的通知",
        "离政办〔2024〕4号",
        OFFICE,
        "通知",
        "2024-03-28",
    ),
    (
        f"{OFFICE}关于调整祁离高速公路建设协调领导组组成人员的通知",
        "离政办函〔2024〕1号",
        OFFICE,
        "通知",
        "2024-01-15",
    ),
    (
        f"{OFFICE}关于成立吕梁市离石区国土空间生态修复规划编制领导小组的通知",
        "离政办函〔2024〕4号",
        OFFICE,
        "通知",
        "2024-01-18",
    ),
    (
        f"{OFFICE}关于成立离石区祁离高速公路用地手续办理专班的通知",
        "离政办函〔2024〕5号",
        OFFICE,
        "通知",
        "2024-01-26",
    ),
    (
        f"{OFFICE}关于调整吕梁市离石区消防安全委员会组成人员的通知",
        "离政办函〔2024〕6号",
        OFFICE,
        "通知",
        "2024-01-30",
    ),
    (
        f"{OFFICE}关于成立消防安全管理中心的通知",
        "离政办函〔2024〕7号",
        OFFICE,
        "通知",
        "2024-01-30",
    ),
    (
        f"{OFFICE}关于成立吕梁市离石区电子商务体系与快递物流配送体系贯通发展工作专班的通知",
        "离政办函〔2024〕8号",
        OFFICE,
        "通知",
        "2024-02-27",
    ),
    (
        f"{OFFICE}关于进一步加强和规范我区政策性文件解读工作的通知",
        "离政办函〔2024〕9号",
        OFFICE,
        "通知",
        "2024-03-14",
    ),
]
# Printed page numbers: the seed's contents (of the original issue) and the typeset PDF's contents.
SEED_PAGES = [
    1,
    2,
    17,
    18,
    21,
    22,
    25,
    30,
    31,
    32,
    35,
    39,
    40,
    41,
    54,
    70,
    90,
    95,
    99,
    121,
    122,
    124,
    125,
    127,
    129,
    132,
]
PDF_PAGES = [
    1,
    2,
    13,
    14,
    18,
    19,
    23,
    28,
    29,
    30,
    34,
    37,
    38,
    39,
    53,
    65,
    89,
    95,
    100,
    125,
    127,
    130,
    132,
    135,
    138,
    143,
]


def _core(rec: Record) -> tuple[str, str, str, str, str]:
    return rec.title, rec.doc_number, rec.issuer, rec.doc_type, rec.date


def test_seed_gives_the_26_documents_checked_by_hand() -> None:
    recs = records("seed/lishi-gazette-2024-1.txt")
    assert [_core(r) for r in recs] == SEED_EXPECTED
    assert [r.page for r in recs] == SEED_PAGES
    assert {r.gazette for r in recs} == {"2024年第1期"} and {r.gazette_date for r in recs} == {
        "2024-03-31"
    }
    assert [r.section for r in recs] == ["区政府文件"] * 13 + ["区政府办公室文件"] * 13
    by_number = {r.doc_number: r for r in recs}
    assert by_number["离政发〔2023〕32号"].contact == "离石区人社局 0358-8222401"
    assert by_number["离政办发〔2024〕1号"].repeals == ["离政办发〔2022〕15号"]
    assert by_number["离政办发〔2024〕2号"].cites == [
        "晋政办发〔2023〕65号",
        "晋商消费函〔2023〕550号",
        "吕商务函〔2024〕17号",
    ]
    # 离政办发〔2023〕30号 repeats its title over the enclosed 方案: one document, 方案 labelled.
    plan = by_number["离政办发〔2023〕30号"]
    assert plan.attachments[0] == "吕梁市离石区2023年度政务公开工作考核方案"
    assert "\n\n附件：吕梁市离石区2023年度政务公开工作考核方案\n\n" in plan.body
    assert by_number["离政发〔2024〕12号"].attachments == [
        "吕梁市离石区2024年度第一批土地储备计划",
        "离石区2024年度第一批土地储备计划表",
    ]
    assert all("赠阅" not in r.body and "邮编" not in r.body for r in recs)


def test_pdf_of_the_gazette_gives_the_same_records_at_its_printed_pages() -> None:
    recs = records("pdf/lishi-gazette-2024-1.pdf")
    assert [_core(r) for r in recs] == SEED_EXPECTED
    assert [r.page for r in recs] == PDF_PAGES
    assert all(r.pdf_page == r.page + 4 for r in recs if r.page is not None)
    seed = records("seed/lishi-gazette-2024-1.txt")
    for from_pdf, from_text in zip(recs, seed, strict=True):
        same = (
            "section",
            "gazette",
            "gazette_date",
            "contact",
            "attachments",
            "repeals",
            "issuers",
        )
        assert [getattr(from_pdf, k) for k in same] == [getattr(from_text, k) for k in same], (
            from_pdf.title
        )
        assert set(from_pdf.cites) == set(from_text.cites), from_pdf.title


def test_pdf_pages_carry_their_printed_numbers() -> None:
    numbered = [p for p in pages("pdf/lishi-gazette-2024-1.pdf") if p.printed is not None]
    assert len(numbered) == 146
    assert all(p.number == p.printed + 4 for p in numbered)
    assert all("吕梁市离石区人民政府公报" not in p.text and "— " not in p.text for p in numbered)


# 《中华人民共和国国务院公报》1954年第一号: one record per contents entry, in order, each with its
# issuer and date (Chinese numerals). Titles are the documents' own headings, OCR errors kept.
GAZETTE_1954 = [
    ("关于中苏举行会谈的公报", "中华人民共和国政府", "1954-10-12"),
    (
        "中华人民共和国政府和苏雑埃社会主义共和国联盟政府联合宣言",
        "中华人民共和国政府",
        "1954-10-12",
    ),
    (
        "中华人民共和国政府和苏维埃社会主义共和国联盟政府关于对日本关系的联合宣言",
        "中华人民共和国政府",
        "1954-10-12",
    ),
    (
        "中苏关于苏联军队自共同使用的中国旅顺口海军根据地撤退业将该根据地交由中华人民共和国完全支配的联合公报",
        "中华人民共和国政府",
        "1954-10-12",
    ),
    (
        "中苏关于将各股份公司中的苏联股份移交给中华人民共和国的联合公报",
        "中华人民共和国政府",
        "1954-10-12",
    ),
    ("中苏关于签订科学技术合作协议的联合公报", "中华人民共和国政府", "1954-10-12"),
    (
        "中苏关于修建兰州一乌鲁木齐一阿拉木圆铁路业组织联运的联合公报",
        "中华人民共和国政府",
        "1954-10-12",
    ),
    (
        "中华人民共和国政府、苏雑埃社会主义共和国联盟政府和蒙古人民共和国政府关于修建从集寜到乌兰巴托的铁路业组织联运的联合公报",
        "中华人民共和国政府",
        "1954-10-12",
    ),
    (
        "苏联政府代表团为帮助我国建立国营榖物农场业赠送机器和装备事致毛泽东主席的信",
        "苏联政府代表团",
        "1954-10-12",
    ),
    ("毛泽东主席向苏联政府代表团致谢的信", "毛泽东主席", "1954-10-12"),
    (
        "苏联政府代表团鸳将北京苏联展览馆内的机床和农业机器赠给我国事致毛泽东主席的信",
        "苏联政府代表团",
        "1954-10-05",
    ),
    ("毛泽东主席向苏联政府代表团致谢的信", "毛泽东主席", "1954-10-12"),
    ("中华人民共和国政府和锡兰政府贸易谈判公报", "中华人民共和国政府", "1954-10-09"),
    ("中华人民共和国政府和印度共和国政府贸易谈判公报", "中华人民共和国政府", "1954-10-14"),
    ("中华人民共和国和印度共和国贸易协议", "中华人民共和国", "1954-10-14"),
    ("印度共和国政府代表艾扬格的照会", "印度共和国政府代表艾扬格", "1954-10-14"),
    ("中华人民共和国政府代表孔原的覆照", "中华人民共和国政府代表孔原", "1954-10-14"),
    ("印度共和国政府代表艾扬格的照会", "印度共和国政府代表艾扬格", "1954-10-14"),
    ("中华人民共和国政府代表孔原的覆照", "中华人民共和国政府代表孔原", "1954-10-14"),
    (
        "中华人民共和国政府和阿尔巴尼亚人民共和国政府关于签订文化合作协议、技术和技术科学合作协议的公报",
        "中华人民共和国政府",
        "1954-10-14",
    ),
    (
        "外交部部长周恩来写控诉美国武装侵略我国领土台湾致联合国大会第九国会议的电文",
        "外交部部长周恩来",
        "1954-10-10",
    ),
    (
        "全国人民代表大会常务委员会关于同外国缔结条约的批准手续的决定",
        "全国人民代表大会常务委员会",
        "1954-10-16",
    ),
    ("复员建设军人安置暂行办法", "内务部", "1954-10-23"),
    ("商业部关于迅速调运工业品供应农民需要的指示", "商业部", "1954-10-08"),
    ("粮食部关于一尤五四年秋粮统购业务工作的指示", "粮食部", "1954-10-11"),
    ("教育部、中国新民主主义青年团中央委员会关于一九五四年冬学工作的指示", "教育部", "1954-10-16"),
    ("全国人民代表大会常务委员会任命人员", "全国人民代表大会常务委员会", "1954-10-16"),
    ("国务院关于出版「中华人民共和国国务院公报」的决定", "国务院", "1955-02-10"),
]


def test_1954_gazette_has_a_record_for_every_contents_entry() -> None:
    relative = "pdf/guowuyuan-gazette-1954-01.pdf"
    toc = find_toc([ln.text for ln in flatten(pages(relative))])
    assert toc is not None and len(toc.entries) == 28
    recs = records(relative)
    assert [(r.title, r.issuer, r.date) for r in recs] == GAZETTE_1954
    assert [r.page for r in recs] == [e.page for e in toc.entries]
    assert all(r.pdf_page == r.page for r in recs)
    assert {r.gazette for r in recs} == {"1954年第1号"} and {r.gazette_date for r in recs} == {
        "1955-03-01"
    }
    # No record is a piece of the contents or the cover.
    assert all("....." not in r.body and "目录" not in r.title and r.body for r in recs)
    assert recs[7].issuers == [
        "中华人民共和国政府",
        "苏雑埃社会主义共和国联盟政府",
        "蒙古人民共和国政府",
    ]
    assert {r.doc_type for r in recs} >= {"公报", "联合宣言", "指示", "决定", "任命", "信", "照会"}


@pytest.mark.parametrize(
    ("relative", "title", "doc_type", "cites"),
    [
        (
            "pdf/nhc-covid-treatment-2022-v9.pdf",
            "新型冠状病毒肺炎诊疗方案（试行第九版）",
            "方案",
            [],
        ),
        (
            "pdf/beijing-jxj-govcloud-2018.pdf",
            "北京市市级政务云管理办法",
            "办法",
            ["国发〔2015〕5号", "中网办发文〔2014〕14号", "中网办发文〔2015〕14号"],
        ),
        ("pdf/shenzhen-tjj-gender-report-2021.pdf", "2021年深圳市社会性别统计报告", "报告", []),
    ],
)
def test_single_document_pdfs_give_one_record(
    relative: str, title: str, doc_type: str, cites: list[str]
) -> None:
    recs = records(relative)
    assert len(recs) == 1
    assert (recs[0].title, recs[0].doc_type, recs[0].cites) == (title, doc_type, cites)
    assert recs[0].pdf_page == 1 and len(recs[0].body) > 5000


def test_joint_issuers_of_the_statistics_report() -> None:
    rec = records("pdf/shenzhen-tjj-gender-report-2021.pdf")[0]
    assert rec.issuers == ["深圳市统计局", "深圳市妇女儿童工作委员会", "深圳市性别平等促进办公室"]
    # Footnote marks (small raised digits) do not stick to the figures they follow.
    assert "常住人口1761.48万人" in rec.body and "性别比为122.44。" in rec.body
    assert "0.77‰；" in rec.body
