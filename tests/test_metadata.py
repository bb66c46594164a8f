"""Metadata: 文种, issuers, dates, attachments, contact, cites and repeals, and whole records."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from indexer.doctypes import doc_type, looks_like_title
from indexer.errors import ExtractionError
from indexer.extract.pages import Page, text_pages
from indexer.extract.textclean import collapse_spaces, join_text_lines, page_number
from indexer.metadata.assemble import (
    build_records,
    clean_title,
    contact,
    document_date,
    repeals,
    signature_issuers,
)
from indexer.metadata.issuers import (
    attach_order_heads,
    dated_note,
    order_issuer,
    party_issuers,
    signing_person,
)
from indexer.metadata.numbers import head_number, split_order_title
from indexer.metadata.review import review_issue
from indexer.parse.body import attachment_list, enclosed_title, label_lines, render
from indexer.parse.split import Block, Issue, Line
from indexer.recognise.dates import parse_date, parse_date_line, parse_month_line
from indexer.recognise.docinfo import is_org, split_orgs, title_issuers
from indexer.recognise.notes import made_by
from indexer.records import Record
from tests.helpers import ISSUE


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("吕梁市离石区人民政府关于印发吕梁市离石区推行政府法律顾问制度工作方案的通知", "通知"),
        ("吕梁市离石区人民政府关于承诺2023年度国土变更调查成果的函", "函"),
        ("吕梁市离石区人民政府关于吕梁蕴华双语学校重大火灾隐患延期整改的批复", "批复"),
        ("中华人民共和国政府和苏雑埃社会主义共和国联盟政府联合宣言", "联合宣言"),
        ("中苏关于签订科学技术合作协议的联合公报", "公报"),
        ("全国人民代表大会常务委员会任命人员", "任命"),
        ("国务院关于出版「中华人民共和国国务院公报」的决定", "决定"),
        ("粮食部关于一九五四年秋粮统购业务工作的指示", "指示"),
        ("中华人民共和国国务院令（第708号）", "令"),
        ("某省人民政府命令", "命令"),
        ("关于某项目建设情况的报告", "报告"),
        ("某市市场监管工作会议纪要", "纪要"),
        ("新型冠状病毒肺炎诊疗方案（试行第九版）", "方案"),
        ("北京市市级政务云管理办法", "办法"),
        ("北京市市级政务云采购结果（2018年）", ""),
    ],
)
def test_doc_type_is_the_documents_own(title: str, kind: str) -> None:
    assert doc_type(title) == kind


@pytest.mark.parametrize(
    ("title", "issuers"),
    [
        (
            "吕梁市离石区人民政府办公室关于开展2023年汽车消费补贴工作的通知",
            ["吕梁市离石区人民政府办公室"],
        ),
        ("关于开展2023年汽车消费补贴工作的通知", []),
        (
            "数育部、中国新民主主义青年团中央委员会关于一九五四年冬学工作的指示",
            ["数育部", "中国新民主主义青年团中央委员会"],
        ),
        (
            "中华人民共和国政府、苏维埃社会主义共和国联盟政府和蒙古人民共和国政府关于修建铁路的联合公报",
            ["中华人民共和国政府", "苏维埃社会主义共和国联盟政府", "蒙古人民共和国政府"],
        ),
        ("中华人民共和国和印度共和国贸易协定", ["中华人民共和国", "印度共和国"]),
        ("全国人民代表大会常务委员会任命人员", ["全国人民代表大会常务委员会"]),
        ("毛泽东主席向苏联政府代表团致谢的信", ["毛泽东主席"]),
        ("外交部部长周恩来为控诉美国武装侵略我国领土台湾致联合国大会的电文", ["外交部部长周恩来"]),
        ("中华人民共和国政府代表孔原的覆照", ["中华人民共和国政府代表孔原"]),
        # 中 is the People's Republic; the partner 苏 is read from the body, not the title.
        ("关于中苏举行会谈的公报", ["中华人民共和国政府"]),
        ("中央关于某事的决定", []),
        ("国务院批转国家经贸委关于做好1999年企业工作意见的通知", ["国务院"]),
        ("国务院办公厅转发国家地震局关于防震减灾工作意见报告的通知", ["国务院办公厅"]),
        # No name follows 主席 here: the order is not a person's (no three-character guess).
        ("中华人民共和国主席令（第五号）", []),
        ("复员建设军人安置暂行办法", []),
        ("北京市市级政务云管理办法", []),
        ("2021年深圳市社会性别统计报告", []),
    ],
)
def test_issuers_named_by_the_title(title: str, issuers: list[str]) -> None:
    assert title_issuers(title) == issuers


def test_joint_issuers_split_only_between_organisations() -> None:
    assert split_orgs("国家卫生健康委和国家中医药局") == ["国家卫生健康委", "国家中医药局"]
    assert split_orgs("人力资源和社会保障部") == ["人力资源和社会保障部"]
    assert split_orgs("中华人民共和国政府和锡兰政府") == ["中华人民共和国政府", "锡兰政府"]


def test_titles_and_non_titles() -> None:
    assert looks_like_title("某县人民政府关于某事的通知")
    assert not looks_like_title("现将有关事项通知如下。")
    assert not looks_like_title("附件：某某实施方案")
    assert (
        clean_title("某县人民政府 关于印发某县2024年度 工作方案的通知")
        == "某县人民政府关于印发某县2024年度工作方案的通知"
    )


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("二〇二四年三月五日", "2024-03-05"),
        ("一九五四年十月十二日", "1954-10-12"),
        ("2022 年 6 月 27 日", "2022-06-27"),
        ("二○二三年十二月二十六日", "2023-12-26"),
        ("２０２４年１月２６日", "2024-01-26"),
        ("一 九五四年十月十一 日", "1954-10-11"),
        ("2023年2月29日", None),
        ("二〇二二年十二月", None),
        # OCR: 一 read as a dash, 〇 as the letter O or a zero, inside a date only.
        ("—九九九年一月一日", "1999-01-01"),
        ("二OO四年十—月三十日", "2004-11-30"),
        ("二0二四年三月五日", "2024-03-05"),
        ("一九九八—一九九九年", None),
    ],
)
def test_dates(text: str, iso: str | None) -> None:
    assert parse_date(text) == iso


def test_date_lines() -> None:
    assert parse_date_line("一九五四年十月十四日于新德里") == "1954-10-14"
    assert parse_date_line("一九五四年十月二十三日国务院批准") == "1954-10-23"
    assert parse_date_line("十月十六日", 1954) == "1954-10-16"
    assert parse_date_line("十月十六日") is None
    assert parse_date_line("填表日期：2024年3月7日") is None
    assert parse_date_line("经2024年1月5日区政府常务会议研究，现将有关事项通知如下。") is None
    # A note after the date names who acted, in a phrase: no sentence punctuation.
    assert parse_date_line("（2024年1月26日离石区人民政府第5次常务会议通过）") == "2024-01-26"
    assert parse_date_line("2024年1月26日经研究，同意印发") is None
    assert parse_date_line("二〇二四年三月廿六日") == "2024-03-26"


_CN = "〇一二三四五六七八九"


def _cn_number(n: int) -> str:
    tens, ones = divmod(n, 10)
    return (("" if tens == 1 else _CN[tens]) + "十" if tens else "") + (_CN[ones] if ones else "")


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31)), st.booleans())
def test_any_date_in_chinese_numerals_parses(day: dt.date, spaced: bool) -> None:
    year = "".join(_CN[int(c)] for c in str(day.year))
    text = f"{year}年{_cn_number(day.month)}月{_cn_number(day.day)}日"
    if spaced:
        text = " ".join(text)
    assert parse_date(text) == day.isoformat()
    assert parse_date_line(text) == day.isoformat()


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_any_date_in_digits_parses(day: dt.date) -> None:
    assert parse_date(f"{day.year} 年 {day.month} 月 {day.day} 日") == day.isoformat()
    assert parse_date(f"{day.year}年{day.month:02d}月{day.day:02d}日") == day.isoformat()


_HAN = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工"
_PIECE = st.text(alphabet=_HAN + "，。；0123456789", max_size=30) | st.sampled_from(
    ["。", "，", "：", "一、总则", "（此件公开发布）", "某政发〔2024〕1号", "2024年1月2日"]
)
_LINE = st.lists(_PIECE, max_size=12)


@given(_LINE)
def test_line_joiner_keeps_every_character(lines: list[str]) -> None:
    joined = join_text_lines(lines, 10)
    assert "".join(joined) == "".join(lines)
    assert len(joined) <= len(lines)


def _groups(lines: list[str], joined: list[str]) -> list[list[str]]:
    """Which consecutive input lines make up each output line."""
    groups: list[list[str]] = []
    rest = list(lines)
    for out in joined:
        group = [rest.pop(0)]
        while "".join(group) != out:
            group.append(rest.pop(0))
        groups.append(group)
    assert not rest
    return groups


@given(_LINE)
def test_line_joiner_never_joins_after_a_full_stop(lines: list[str]) -> None:
    for group in _groups(lines, join_text_lines(lines, 5)):
        assert not any(line.endswith(("。", "；", "：")) for line in group[:-1]), group
        assert not any(line == "" for line in group[1:]), group


@given(
    st.lists(
        st.sampled_from(["关", "于", "中", "苏", "公", "报", "〔", "〕", "年"]),
        min_size=1,
        max_size=20,
    )
)
def test_spaces_between_chinese_characters_go(chars: list[str]) -> None:
    assert collapse_spaces(" ".join(chars)) == "".join(chars)
    assert collapse_spaces("\u3000".join(chars) + " 2024 年") == "".join(chars) + "2024年"


@pytest.mark.parametrize("footer", ["— 17 —", "· 3 ·", "- 1 -", "第 3 页", "12", "第3页 共10页"])
def test_page_number_footers(footer: str) -> None:
    assert page_number(footer) is not None


def test_signature_and_date() -> None:
    lines = [
        Line(t, 0)
        for t in ("特此通知", "国家卫生健康委", "国家中医药局", "2022年3月14日", "（此件公开发布）")
    ]
    assert signature_issuers(lines) == ["国家卫生健康委", "国家中医药局"]
    assert document_date(lines) == "2022-03-14"
    signed = [
        Line(t, 0)
        for t in ("第九条 本协定自签字之日起生效。", "一九五四年十月十四日订于新德里，共两份。")
    ]
    assert document_date(signed) == "1954-10-14"


def test_contact_repeals_and_attachments() -> None:
    lines = [Line(t, 0) for t in ("咨询单位：离石区人社局", "咨询电话：0358-8222401")]
    assert contact(lines) == "离石区人社局 0358-8222401"
    assert (
        contact([Line("咨询单位：离石区文旅局咨询电话：0358-8222903", 0)])
        == "离石区文旅局 0358-8222903"
    )
    text = (
        "2022年4月15日印发的《离石区重污染天气应急预案》（离政办发〔2022〕15号）同时废止。"
        "依据晋政发〔2020〕1号执行。"
    )
    assert repeals(text) == ["离政办发〔2022〕15号"]
    listed = [
        Line(t, 0)
        for t in (
            "- 附件：1. 离石区已备案二手车企",
            "2. 《个人更新汽车补贴申请",
            "表》(表样)",
            "吕梁市离石区人民政府办公室",
        )
    ]
    assert attachment_list(listed) == ["离石区已备案二手车企", "《个人更新汽车补贴申请表》(表样)"]


def test_attachment_labels_and_enclosed_plans() -> None:
    lines, titles = label_lines(
        [Line("附件2", 1), Line("离石区特种设备安全事故分级", 1), Line("级别\t说明", 1)]
    )
    assert titles == ["离石区特种设备安全事故分级"]
    assert render(lines) == "附件2：离石区特种设备安全事故分级\n\n级别\t说明"
    first = [
        Line("《吕梁市离石区2023年度政务公开工作考核方案》已经区人民政府同意，现印发给你们。", 0)
    ]
    assert (
        enclosed_title("某办公室关于印发某方案的通知", first)
        == "吕梁市离石区2023年度政务公开工作考核方案"
    )
    assert enclosed_title("某办公室关于开展检查的通知", first) == ""


def test_records_of_an_issue() -> None:
    records = build_records(text_pages(ISSUE), "city-2023-4.txt")
    got = [
        (r.title, r.doc_number, r.issuer, r.doc_type, r.date, r.section, r.page) for r in records
    ]
    assert got == [
        (
            "某市人民政府关于印发某市安全生产工作方案的通知",
            "某政发〔2023〕10号",
            "某市人民政府",
            "通知",
            "2023-11-02",
            "市政府文件",
            1,
        ),
        (
            "某市人民政府关于张三同志任职的通知",
            "某政发〔2023〕11号",
            "某市人民政府",
            "通知",
            "2023-11-20",
            "市政府文件",
            4,
        ),
        (
            "某市人民政府办公室关于开展冬季供暖检查的通知",
            "某政办发〔2023〕5号",
            "某市人民政府办公室",
            "通知",
            "2023-12-01",
            "市政府办公室文件",
            5,
        ),
        # No issuer in its title and no signature: the issuer of 某政发 elsewhere in the issue.
        (
            "关于做好元旦春节期间有关工作的通知",
            "某政发〔2023〕12号",
            "某市人民政府",
            "通知",
            "2023-12-20",
            "市政府办公室文件",
            7,
        ),
    ]
    first, _, third, last = records
    assert all(
        (r.gazette, r.gazette_date, r.source, r.id)
        == ("2023年第4期", "2023-12-31", "city-2023-4.txt", "")
        for r in records
    )
    assert first.attachments == ["某市安全生产工作方案", "安全检查表", "责任清单"]
    assert "附件：某市安全生产工作方案" in first.body and "附件1：安全检查表" in first.body
    assert "序号\t检查内容\t责任单位\n1\t消防设施\t市消防救援支队" in first.body
    assert third.contact == "某市住建局 0351-1234567"
    assert third.repeals == ["某政办发〔2020〕3号"]
    assert third.cites == ["某政办发〔2020〕3号", "某政发〔2019〕8号"]
    assert "主办" not in last.body and last.body.endswith("2023年12月20日")
    assert all(r.visibility == "public" and r.pdf_page is None for r in records)


def test_records_need_text() -> None:
    with pytest.raises(ExtractionError) as info:
        build_records([Page(1, "", None, False)], "blank.pdf")
    assert str(info.value) == "blank.pdf: no document text found"


_BLOCKS = st.sampled_from(
    [
        "目录",
        "【区政府文件】",
        "某县人民政府关于某事的通知 …… 3",
        "(某政发〔2024〕1号) ........ 5",
        "某县人民政府关于某事的通知",
        "某政发〔2024〕1号",
        "各乡镇人民政府：",
        "为做好工作，现通知如下。",
        "某县人民政府",
        "2024年1月2日",
        "二〇二四年三月五日",
        "附件：1. 检查表",
        "2. 清单",
        "附件1",
        "序号\t内容",
        "咨询单位：某局",
        "咨询电话：0358-1234567",
        "— 3 —",
        "主办：某县政府办",
        "",
        "（此件公开发布）",
        "原（某政发〔2020〕1号）同时废止。",
        "关于中苏举行会谈的公报",
        "十月十六日",
    ]
)


@given(st.lists(_BLOCKS, max_size=40), st.booleans())
def test_any_arrangement_of_gazette_lines_gives_records_or_a_reason(
    parts: list[str], paged: bool
) -> None:
    text = ("\f" if paged else "\n\n").join(parts)
    pages = text_pages(text) if text.strip() else [Page(None, "", None, True)]
    try:
        records = build_records(pages, "fuzz.txt")
    except ExtractionError:
        return
    assert records and all(r.title or r.body for r in records)
    assert all(r.date == "" or len(r.date) == 10 for r in records)


def test_red_header_document_with_its_number_above_the_title() -> None:
    text = (
        "某县人民政府办公室文件\n\n某政办发〔2024〕7号\n\n关于做好防汛工作的通知\n\n各乡镇人民政府：\n\n"
        "为做好今年防汛工作，现将有关事项通知如下。\n\n某县人民政府办公室\n\n2024年5月6日"
    )
    (rec,) = build_records(text_pages(text), "red.txt")
    assert (rec.title, rec.doc_number, rec.issuer, rec.date) == (
        "关于做好防汛工作的通知",
        "某政办发〔2024〕7号",
        "某县人民政府办公室",
        "2024-05-06",
    )
    # A single document keeps everything down to its date: there is no gazette cover to cut.
    assert rec.body.endswith("某县人民政府办公室\n\n2024年5月6日")


@pytest.mark.parametrize(
    ("cover", "label"),
    [
        ("二〇二三年第一百零二期", "2023年第102期"),
        ("2023年第十二期（总第20期）", "2023年第12期"),
        ("２０２３年第４期", "2023年第4期"),
        ("一九五四年第两百号", "1954年第200号"),
    ],
)
def test_gazette_issue_number_in_any_numerals(cover: str, label: str) -> None:
    pages = text_pages(ISSUE.replace("2023年第4期（总第20期）", cover, 1))
    assert {r.gazette for r in build_records(pages, "c.txt")} == {label}


def test_made_by_note_names_the_issuer() -> None:
    assert made_by("内务部制定") == ["内务部"]
    assert made_by("（财政部、民政部印发）") == ["财政部", "民政部"]
    # Not an organ: a publication note, a numbered heading, a dated approval (a date line).
    assert made_by("（此件公开发布）") == made_by("4.5 信息发布") == []
    assert made_by("一九五四年十月二十三日国务院批准") == []
    text = "\n\n".join(
        ["革命烈士家属优待暂行条例", "（内务部制定）", "第一条 为优待烈属，制定本条例。"]
    )
    (rec,) = build_records(text_pages(text), "a.txt")
    assert (rec.title, rec.issuer, rec.doc_type) == ("革命烈士家属优待暂行条例", "内务部", "条例")


@pytest.mark.parametrize(
    "title",
    [
        "某市城市管理实施细则",
        "某市物业管理条例",
        "中华人民共和国国务院令",
        "某县人民政府关于某事的函",
    ],
)
def test_no_line_is_joined_onto_a_title_of_any_type(title: str) -> None:
    assert join_text_lines([title, "市人民政府办公室印发"], 10) == [title, "市人民政府办公室印发"]


def test_an_unclosed_title_reference_is_joined() -> None:
    lines = ["根据《中华人民共和国突发事件应对法", "》等规定，制定本预案。"]
    assert join_text_lines(lines, 10) == [
        "根据《中华人民共和国突发事件应对法》等规定，制定本预案。"
    ]


@pytest.mark.parametrize(
    ("name", "org"),
    [
        ("全市", False),
        ("城市", False),
        ("各乡镇", False),
        ("该区", False),
        ("本市", False),
        ("全国人民代表大会常务委员会", True),
        ("本溪市人民政府", True),
        ("交城县", True),
    ],
)
def test_words_that_point_at_an_organ_are_not_one(name: str, org: bool) -> None:
    assert is_org(name) is org


def test_the_parties_of_a_communique_come_from_its_body() -> None:
    body = "中华人民共和国政府和苏维埃社会主义共和国联盟政府之间举行了谈判。"
    assert party_issuers("中苏关于签订协议的联合公报", body) == [
        "中华人民共和国政府",
        "苏维埃社会主义共和国联盟政府",
    ]
    # 巴 is not always Pakistan: a partner the body does not name is left out.
    assert party_issuers("中巴联合声明", "双方举行了会谈。") == ["中华人民共和国政府"]
    assert party_issuers("中巴联合声明", "中华人民共和国政府和巴西联邦共和国政府发表声明。") == [
        "中华人民共和国政府",
        "巴西联邦共和国政府",
    ]


def test_an_agreement_names_its_parties_first() -> None:
    assert title_issuers("中华人民共和国和印度共和国贸易协定") == ["中华人民共和国", "印度共和国"]
    # A law named after a place is not that place's (no agreement, no connector).
    assert title_issuers("北京市城市基础设施特许经营条例") == []


def test_a_person_signing_for_an_organ() -> None:
    lines = [
        Line(t, 0) for t in ("专此奉达。", "中华人民共和国外交部部长周恩来", "一九五四年十月十日")
    ]
    assert signing_person(lines, "外交部部长周恩来为控诉事致联合国大会的电文") == "外交部部长周恩来"
    assert signing_person(lines, "某电文") == "中华人民共和国外交部部长周恩来"
    signed = [Line(t, 0) for t in ("现予公布。", "总理李克强", "2018年12月18日")]
    assert signing_person(signed, "某条例") == ""


def test_order_numbers_name_their_organ() -> None:
    assert order_issuer("国令第707号") == "国务院"
    assert order_issuer("山东省人民政府令第18号") == "山东省人民政府"
    assert order_issuer("主席令第5号") == "中华人民共和国主席"
    assert order_issuer("鲁政发〔2024〕31号") == ""


def test_a_bracketed_note_under_a_title_gives_issuer_and_date() -> None:
    assert dated_note("（国家经贸委　一九九八年十二月十八日）") == (["国家经贸委"], "1998-12-18")
    assert dated_note("（2024年3月5日某市人民政府印发）") == (["某市人民政府"], "2024-03-05")
    assert dated_note("（2024年1月26日区政府第5次常务会议通过）") is None
    assert dated_note("（以下简称本办法）") is None


def test_month_only_dates() -> None:
    assert parse_month_line("二○二四年八月") == "2024-08"
    assert parse_month_line("2024 年 3 月") == "2024-03"
    assert parse_month_line("二〇二四年八月五日") is None
    assert document_date(
        [Line(t, 0) for t in ("特此通知。", "交城县人民政府", "二O二四年八月")]
    ) == ("2024-08")
    # A month alone in the text, not under a signature, is no 成文日期.
    assert document_date([Line(t, 0) for t in ("2024年3月", "工作安排如下。")]) == ""


def _issue(*docs: list[str]) -> list[Page]:
    return text_pages("\n\n".join(line for doc in docs for line in doc))


def test_an_order_head_goes_with_the_regulation_under_it() -> None:
    lines = [Line(t, 0) for t in (
        "某县人民政府关于检查的通知", "请认真检查。", "某县人民政府", "2024年4月1日",
        "某省人民政府令", "第18号", "《某省河道管理办法》已经省政府常务会议通过，现予公布。",
        "省长张三", "2024年3月5日",
        "某省河道管理办法", "第一条为了管理河道，制定本办法。",
    )]  # fmt: skip
    first, second = Block(lines[:9], 1), Block(lines[9:], 1)
    issue = Issue(lines, blocks=[first, second])
    attach_order_heads(issue)
    assert [ln.text for ln in first.lines][-1] == "2024年4月1日"
    assert [ln.text for ln in second.head][:2] == ["某省人民政府令", "第18号"]
    assert head_number(second.head) == "某省人民政府令第18号"


def test_a_regulation_titled_with_its_order_number() -> None:
    assert split_order_title("专利代理条例（中华人民共和国国务院令第706号）") == (
        "专利代理条例",
        "国令第706号",
    )
    assert split_order_title("某条例山东省人民政府令第18号") == ("某条例", "山东省人民政府令第18号")
    assert doc_type(split_order_title("专利代理条例（国令第706号）")[0]) == "条例"


def test_docnum_opening_the_addressee_line() -> None:
    pages = _issue(
        ["国务院批转国家经贸委关于做好企业工作意见的通知",
         "国发〔1999〕2号 各省、自治区、直辖市人民政府，国务院各部委：",
         "国务院同意国家经贸委的意见，现转发给你们。", "国务院", "—九九九年一月一日"],
    )  # fmt: skip
    rec = build_records(pages, "a.txt")[0]
    assert (rec.doc_number, rec.issuer, rec.date) == ("国发〔1999〕2号", "国务院", "1999-01-01")


def test_review_says_what_is_unsure() -> None:
    pages = _issue(
        ["某县人民政府关于甲事的通知", "某政发〔2024〕1号", "请办理。", "某县人民政府",
         "2024年1月2日"],
        ["关于丁事的通知", "某政发〔2024〕4号", "请办理。"],
        ["某县人民政府关于丙事的通知", "某政发〔2024〕5号", "请办理。", "某县人民政府",
         "二〇二四年一月"],
    )  # fmt: skip
    reviews = {r.title[-7:]: r.review for r in build_records(pages, "a.txt")}
    assert reviews["关于甲事的通知"] == []
    assert reviews["关于丙事的通知"] == ["date at month precision"]
    assert reviews["关于丁事的通知"] == ["issuer from 文号 prefix", "no date found"]


def test_a_missing_docnum_is_said_only_where_unusual() -> None:
    def rec(number: str, kind: str = "通知") -> Record:
        return Record(title="t", doc_number=number, doc_type=kind, issuer="某县", date="2024-01-02")

    records = [rec("某政发〔2024〕1号"), rec("某政发〔2024〕2号"), rec(""), rec("", "公告")]
    review_issue(records)
    assert [r.review for r in records] == [[], [], ["no 文号, unlike the issue's other 通知"], []]


def test_an_order_titled_by_its_organ_with_its_number_under_it() -> None:
    pages = _issue(["中华人民共和国主席令", "（第五号）", "《某法》已由某委员会通过，现予公布。",
                    "中华人民共和国主席　某某", "2024年3月5日"])  # fmt: skip
    rec = build_records(pages, "a.txt")[0]
    assert (rec.doc_number, rec.issuer, rec.doc_type) == ("主席令第5号", "中华人民共和国主席", "令")
