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
