"""Splitting an issue: contents entries, headings found again, anchors, single documents."""

from __future__ import annotations

import pytest

from indexer.extract.pages import Page, text_pages
from indexer.extract.textclean import TOC_ENTRY_TAIL, TOC_TAIL
from indexer.parse.contents import (
    Match,
    best_heading,
    find_toc,
    match_heading,
    norm_key,
    parse_entries,
)
from indexer.parse.split import Line, flatten, is_docnum_line, split_issue
from indexer.parse.starts import find_starts
from tests.helpers import ISSUE


def test_contents_entries_wrap_sections_and_numbers() -> None:
    lines = [ln.text for ln in flatten(text_pages(ISSUE))]
    toc = find_toc(lines)
    assert toc is not None
    got = [(e.title, e.doc_number, e.page, e.section) for e in toc.entries]
    assert got == [
        ("某市人民政府关于印发某市安全生产工作方案的通知", "某政发〔2023〕10号", 1, "市政府文件"),
        ("某市人民政府关于张三同志任职的通知", "某政发〔2023〕11号", 4, "市政府文件"),
        ("关于开展冬季供暖检查的通知", "某政办发〔2023〕5号", 5, "市政府办公室文件"),
        ("关于做好元旦春节期间有关工作的通知", "某政发〔2023〕12号", 7, "市政府办公室文件"),
    ]
    assert lines[toc.end].startswith("某市人民政府关于印发")


def test_contents_stop_where_page_numbers_go_back() -> None:
    entries, end = parse_entries(
        ["甲关于一的通知 …… 5", "乙关于二的通知 …… 9", "丙关于三的通知 …… 2"], 0
    )
    assert [e.page for e in entries] == [5, 9] and end == 2


def test_stray_line_before_an_entry_is_tolerated() -> None:
    entries, _ = parse_entries(
        ["某县人民政府办公室主管主办", "某县人民政府关于某事的批复", "(某政函〔2024〕7号) 40"], 0
    )
    assert len(entries) == 1
    assert "某县人民政府关于某事的批复" in entries[0].title_variants()


def test_norm_key_and_heading_match() -> None:
    assert norm_key("关于 X（试行）的 通知") == norm_key("关于X(试行)的通知")
    key = norm_key("关于开展2023年汽车消费补贴工作的通知")
    assert (
        match_heading(key, norm_key("某区人民政府办公室关于开展2023年汽车消费补贴工作的通知"))
        == 0.95
    )
    # The heading is found where it starts, not at the table cell above it.
    lines = [norm_key(x) for x in ("评估内容", "关于开展2023年汽车消费补贴工作的通知")]
    assert best_heading([key], lines, 0, 2, 0.95, True) == Match(1, 1, 1.0)
    assert match_heading(key, norm_key("关于开展2024年汽车消费补贴工作的通知")) < 0.95
    ocr = match_heading(
        norm_key("中华人民共和国政府和苏雑埃社会主义共和国联盟政府联合宜言"),
        norm_key("中华人民共和国政府和苏维埃社会主义共和国联盟政府联合宣言"),
    )
    assert 0.85 < ocr < 1.0


def test_issue_splits_at_the_headings_of_its_contents() -> None:
    issue = split_issue(text_pages(ISSUE))
    titles = [b.title for b in issue.blocks]
    assert titles == [
        "某市人民政府关于印发某市安全生产工作方案的通知",
        "某市人民政府关于张三同志任职的通知",
        "某市人民政府办公室关于开展冬季供暖检查的通知",
        "关于做好元旦春节期间有关工作的通知",
    ]
    # The enclosed 方案 and its 附件 stay with the notice.
    first = [ln.text for ln in issue.blocks[0].lines]
    assert "某市安全生产工作方案" in first and "安全检查表" in first
    # Cover and contents are front matter, the back cover is cut off the last document.
    assert any("目" in ln.text for ln in issue.front)
    assert [ln.text for ln in issue.back][-1] == "邮编：030000"
    assert all("主办" not in ln.text for ln in issue.blocks[-1].lines)


def test_issuer_line_above_a_heading_belongs_to_it() -> None:
    text = (
        "目录\n\n关于甲事的通知（某办发〔2024〕1号）…… 1\n\n"
        "关于乙事的通知（某办发〔2024〕2号）…… 2\n\n"
        "某县人民政府办公室\n\n关于甲事的通知\n\n某办发〔2024〕1号\n\n正文一。\n\n"
        "某县人民政府办公室\n\n关于乙事的通知\n\n某办发〔2024〕2号\n\n正文二。"
    )
    issue = split_issue(text_pages(text))
    assert [b.title for b in issue.blocks] == [
        "某县人民政府办公室关于甲事的通知",
        "某县人民政府办公室关于乙事的通知",
    ]
    assert issue.blocks[0].lines[-1].text == "正文一。"


def test_headings_are_searched_on_the_pages_the_contents_give() -> None:
    body = [
        "某县人民政府关于甲事的通知",
        "某政发〔2024〕1号",
        "正文一。",
        "某县人民政府关于乙事的通知",
        "正文二。",
    ]
    pages = [
        Page(
            1,
            "目录\n\n某县人民政府关于甲事的通知 …… 1\n\n某县人民政府关于乙事的通知 …… 2",
            None,
            True,
        ),
        Page(2, "\n\n".join(body[:3]), 1, True),
        # The second title is quoted on page 2 of the first document, but its page is 3.
        Page(3, "\n\n".join(["引用：", body[3], "正文二。"]), 2, True),
        Page(4, "\n\n".join(body[3:]), 3, True),
    ]
    pages[2] = Page(3, "某县人民政府关于乙事的通知\n\n只是引用。", 2, True)
    issue = split_issue(pages)
    assert [b.lines[0].page for b in issue.blocks] == [1, 2]


def test_without_contents_documents_start_at_titles_with_numbers() -> None:
    text = ISSUE.split("某市人民政府 关于印发", 1)[1]
    issue = split_issue(text_pages("某市人民政府 关于印发" + text))
    assert issue.toc is None
    assert [b.title for b in issue.blocks] == [
        "某市人民政府关于印发某市安全生产工作方案的通知",
        "某市人民政府关于张三同志任职的通知",
        "某市人民政府办公室关于开展冬季供暖检查的通知",
        "关于做好元旦春节期间有关工作的通知",
    ]


def test_repeated_notice_title_over_the_enclosed_plan_is_no_new_document() -> None:
    text = (
        "某区人民政府关于印发某区考核方案的通知\n\n某政发〔2024〕2号\n\n各乡镇：\n\n"
        "《某区考核方案》已经同意，现印发给你们。\n\n某区人民政府\n\n2024年1月2日\n\n"
        "某区人民政府关于印发某区考核方案的通知\n\n为做好考核工作，制定本方案。\n\n一、考核对象"
    )
    issue = split_issue(text_pages(text))
    assert len(issue.blocks) == 1
    assert issue.blocks[0].title == "某区人民政府关于印发某区考核方案的通知"


def test_a_file_without_titles_is_one_document() -> None:
    text = "附件1\n\n北京市市级政务云管理办法\n\n第一章 总则\n\n第一条 为实现电子政务集约化建设。"
    issue = split_issue(text_pages(text))
    assert len(issue.blocks) == 1
    assert issue.blocks[0].title == "北京市市级政务云管理办法"
    assert [ln.text for ln in issue.front] == ["附件1"]


def test_attachment_title_is_not_a_new_document() -> None:
    text = (
        "某县人民政府关于甲事的通知\n\n某政发〔2024〕1号\n\n各乡镇：\n\n正文。\n\n某县人民政府\n\n2024年1月2日\n\n"
        "附件2\n\n某县人民政府关于乙事的通知\n\n某政发〔2023〕9号\n\n各乡镇：\n\n旧文件正文。"
    )
    assert len(split_issue(text_pages(text)).blocks) == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("离政发〔2024〕8号", True),
        ("(国发〔2015〕5号)", True),
        ("按晋财农〔2021〕56号文件精神，离石区中央资金不纳入整合。", False),
        ("2024年1月2日", False),
    ],
)
def test_docnum_only_lines(text: str, expected: bool) -> None:
    assert is_docnum_line(text) is expected


def test_flatten_keeps_paragraph_starts_and_drops_qr_captions() -> None:
    lines = flatten([Page(None, "甲\n乙\n\n扫码咨询\n\n丙", None, True)])
    assert lines == [Line("甲", 0, True), Line("乙", 0, False), Line("丙", 0, True)]


def test_documents_start_after_the_previous_one_closes() -> None:
    text = (
        "中华人民共和国政府和锡兰政府贸易谈判公报\n\n双方代表进行了商谈。\n\n一九五四年十月九日\n\n"
        "中华人民共和国政府和印度共和国政府贸易谈判公报\n\n双方签订了贸易协定。\n\n一九五四年十月十四日"
    )
    issue = split_issue(text_pages(text))
    assert [b.title for b in issue.blocks] == [
        "中华人民共和国政府和锡兰政府贸易谈判公报",
        "中华人民共和国政府和印度共和国政府贸易谈判公报",
    ]


@pytest.mark.parametrize(
    ("line", "anywhere", "in_contents"),
    [
        ("关于甲事的通知……3", 3, 3),
        ("关于甲事的通知⋯⋯ 3", 3, 3),
        ("关于甲事的通知. . . (12)", 12, 12),
        ("关于甲事的通知\t3", 3, 3),
        ("关于甲事的通知  3", 3, 3),
        # One space, or none after a 文号's bracket, is a page number only inside the contents.
        ("关于甲事的通知 3", None, 3),
        ("（某政发〔2024〕1号）3", None, 3),
        ("2024年1月3", None, None),
    ],
)
def test_contents_line_tails(line: str, anywhere: int | None, in_contents: int | None) -> None:
    found = [TOC_TAIL.search(line), TOC_ENTRY_TAIL.search(line)]
    assert [int(m.group(1)) if m else None for m in found] == [anywhere, in_contents]


def test_every_leader_character_leaves_the_entry_title() -> None:
    entries, _ = parse_entries(["关于甲事的通知 ⋯ 3", "关于乙事的通知 · 5", "关于丙事的通知⋯⋯7"], 0)
    assert [(e.title, e.page) for e in entries] == [
        ("关于甲事的通知", 3),
        ("关于乙事的通知", 5),
        ("关于丙事的通知", 7),
    ]


def test_a_made_by_note_under_a_title_starts_a_document() -> None:
    closed = ["关于甲事的通知", "某政发〔2024〕1号", "正文。", "某县人民政府", "2024年1月1日"]
    rules = ["革命烈士家属优待暂行条例", "（内务部制定）", "第一条 为优待烈属，制定本条例。"]
    assert find_starts([Line(t, 0) for t in [*closed, *rules]]) == [(0, 1, None), (5, 1, None)]
    # A numbered heading ending in 发布 names no organ: the heading above it is no title.
    plan = [
        "关于甲事的通知",
        "某政发〔2024〕1号",
        "一、总则",
        "突发事件应急处置办法",
        "4.5 信息发布",
    ]
    assert find_starts([Line(t, 0) for t in [*plan, "及时发布信息。"]]) == [(0, 1, None)]


def test_contents_in_chinese_then_english_give_the_chinese_titles() -> None:
    lines = [
        "目录",
        "关于甲事的通知国务院办公厅（1）",
        "关于印发乙事工作方案的通知国务院（3）",
        "乙事工作方案（3）",
        "CONTENTS",
        "Circular of the General Office of the State Council (No. 1)(1)",
        "Circular of the State Council (No. 2)(3)",
        "国务院办公厅关于甲事的通知",
    ]
    toc = find_toc(lines)
    assert toc is not None and toc.end == 7
    got = [(e.title, e.issuer, e.page, e.enclosures) for e in toc.entries]
    assert got == [
        ("关于甲事的通知", "国务院办公厅", 1, ()),
        ("关于印发乙事工作方案的通知", "国务院", 3, ("乙事工作方案",)),
    ]


def test_two_entries_on_one_line_are_cut_at_the_page_number_between_them() -> None:
    entries, _ = parse_entries(
        [
            "某省政府关于表扬甲的通报……23 某省政府办公厅关于调整乙的通知……25",
            "关于丙事的复函某省政府、某军区(27)关于丁事的意见某省政府(29)",
            "关于印发某规划（2021）的通知……31",
        ],
        0,
    )
    got = [(e.title, e.issuer, e.page) for e in entries]
    assert got == [
        ("某省政府关于表扬甲的通报", "", 23),
        ("某省政府办公厅关于调整乙的通知", "", 25),
        ("关于丙事的复函", "某省政府、某军区", 27),
        ("关于丁事的意见", "某省政府", 29),
        ("关于印发某规划（2021）的通知", "", 31),
    ]


def test_an_entry_wrapped_with_its_issuer_on_the_next_line() -> None:
    entries, _ = parse_entries(["转发甲部关于加强乙工作意见报告的通知国务院", "办公厅（3）"], 0)
    assert [(e.title, e.issuer, e.page) for e in entries] == [
        ("转发甲部关于加强乙工作意见报告的通知", "国务院办公厅", 3)
    ]


def test_an_enclosure_listed_in_the_contents_stays_with_its_notice() -> None:
    text = "\n\n".join(
        [
            "某省人民政府公报",
            "目录",
            "某省人民政府关于印发甲事项管理办法的通知\t1\n甲事项管理办法\t1\n某省人民政府关于乙事的通知\t3",
            "某省人民政府关于印发甲事项管理办法的通知",
            "某政发〔2024〕1号",
            "各市人民政府：",
            "现将《甲事项管理办法》印发给你们，请认真贯彻执行。",
            "某省人民政府\n2024年1月2日",
            "甲事项管理办法",
            "第一条 为了规范甲，制定本办法。",
            "某省人民政府关于乙事的通知",
            "某政发〔2024〕2号",
            "各市人民政府：",
            "乙事正文。",
        ]
    )
    issue = split_issue(text_pages(text))
    assert [b.title for b in issue.blocks] == [
        "某省人民政府关于印发甲事项管理办法的通知",
        "某省人民政府关于乙事的通知",
    ]
    assert any("为了规范甲" in ln.text for ln in issue.blocks[0].lines)


def test_without_contents_an_enclosure_after_its_notice_starts_no_document() -> None:
    texts = [
        "某省人民政府办公厅转发甲厅关于乙工作意见的通知",
        "某政办发〔2024〕3号",
        "各市人民政府：",
        "甲厅《关于乙工作的意见》已经省政府同意，现转发给你们。",
        "某省人民政府办公厅",
        "2024年3月1日",
        "关于乙工作的意见",
        "某政办发〔2024〕9号",
        "为做好乙工作，提出以下意见。",
    ]
    assert find_starts([Line(t, 0) for t in texts]) == [(0, 1, None)]


def test_a_docnum_opening_the_addressee_line_confirms_a_title() -> None:
    texts = ["某县人民政府关于甲事的通知", "某政发〔2024〕1号各乡镇人民政府：", "正文。"]
    assert find_starts([Line(t, 0) for t in texts]) == [(0, 1, None)]


def test_ocr_page_footers_inside_lines_are_taken_out() -> None:
    text = "\n".join(
        [
            "某市人民政府公报",
            "2024年第3期",
            "封面一",
            "封面二",
            "封面三",
            "封面四",
            "可能性较大。— 2 —某市人民政府关于甲事的",
            "通知",
            "加强防震减· 3 ·灾工作，型号IH——2-—30M。",
            "某市人民政府公报",
            "2024年第3期",
        ]
    )
    got = [ln.text for ln in flatten(text_pages(text))]
    assert got[6:] == [
        "可能性较大。",
        "某市人民政府关于甲事的",
        "通知",
        "加强防震减灾工作，型号IH——2-—30M。",
    ]


def _starts(texts: list[str]) -> list[int]:
    return [pos for pos, _, _ in find_starts([Line(t, 0) for t in texts])]


def test_without_contents_the_gazette_name_on_the_cover_is_no_document() -> None:
    cover = ["某县人民政府公报", "2023年第3期（总第303期）", "某县人民政府办公室主办"]
    notice = ["某县人民政府关于甲事的通知", "某政发〔2023〕1号", "各乡镇人民政府：", "正文。"]
    assert _starts([*cover, *notice]) == [3]


def test_without_contents_a_regulation_starts_at_its_own_title_under_its_order() -> None:
    order = ["某省人民政府令", "第19号", "《某省河道管理办法》已经省政府常务会议通过，现予公布。"]
    order += ["省长　王某", "2022年12月19日"]
    rules = ["某省河道管理办法", "第一章　总则", "第一条　为了加强河道管理，制定本办法。"]
    notice = ["某省人民政府关于甲事的通知", "某政发〔2022〕1号", "正文。", "2022年1月2日"]
    assert _starts([*notice, *order, *rules]) == [0, 9]


def test_without_contents_an_announcement_and_the_law_it_publishes_are_two_documents() -> None:
    texts = [
        "某省人民代表大会常务委员会公告",
        "第24号",
        "《某省出版管理条例》已由某省人民代表大会常务委员会于2022年2月8日通过，现予公布。",
        "某省人民代表大会常务委员会",
        "2022年2月8日",
        "某省出版管理条例",
        "（某省人民代表大会常务委员会　2022年2月8日）",
        "第一条　为了加强出版管理，制定本条例。",
        "某省人民政府任免人员",
        "（2022年3月28日）",
        "任命某某为某省财政厅厅长；",
    ]
    assert _starts(texts) == [0, 5, 8]


def test_without_contents_what_a_notice_prints_enclosed_starts_no_document() -> None:
    texts = [
        "某市人民政府关于印发甲办法的通知",
        "某政发〔2023〕5号　各县人民政府：",
        "现将《某市养犬管理规定》印发给你们，请认真执行。",
        "某市人民政府",
        "2023年5月1日",
        "某市养犬管理规定",
        "（2023年4月30日市政府常务会议通过）",
        "第一条　为了规范养犬，制定本规定。",
    ]
    assert _starts(texts) == [0]


def test_without_contents_a_wrapped_title_starts_at_its_first_line() -> None:
    texts = [
        "上一件的正文。",
        "2023年1月2日",
        "某县人民政府办公室关于印发医",
        "疗器械管理办法的通知",
    ]
    starts = find_starts([Line(t, 0) for t in [*texts, "某政办发〔2023〕9号", "正文。"]])
    assert starts[-1] == (2, 2, None)
    # A title whose last words went to a line of their own (…管理规定 / 的通知).
    texts = ["某县人民政府关于印发某县养犬管理规定", "的通知", "某政发〔2023〕9号", "正文。"]
    assert find_starts([Line(t, 0) for t in texts]) == [(0, 2, None)]


def test_without_contents_an_addressee_or_a_red_header_confirms_a_title() -> None:
    closed = ["关于甲事的通知", "某政发〔2024〕1号", "正文。", "某县人民政府", "2024年1月1日"]
    reply = ["关于乙事的批复", "某某乡人民政府：", "你乡《关于乙事的请示》收悉。"]
    red = ["某县人民政府办公室文件", "关于丙事的通知", "正文。"]
    assert _starts([*closed, *reply, *red]) == [0, 5, 9]
    # Headings inside a body are no titles, even over a line ending with a colon.
    body = ["一、关于工作任务的意见", "各乡镇：", "第三条　本办法所称的规定", "主要任务："]
    assert _starts([*closed, *body]) == [0]
