"""Property tests: contents and heading logic never raise on arbitrary lines, and every record
built from arbitrary text has a title."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexer.errors import ExtractionError
from indexer.extract.pages import Page
from indexer.metadata.assemble import build_records
from indexer.parse.contents import find_toc, parse_entries
from indexer.parse.lines import Line, flatten, unglue_footer
from indexer.parse.split import split_issue
from indexer.parse.starts import find_starts, single_start

# Pieces that steer the parser into its branches: contents headings, page numbers, 文号,
# dates, 文种, organs, footers, Latin text; mixed with arbitrary text and control characters.
PIECES = [
    "目录",
    "CONTENTS",
    "【国务院文件】",
    "……",
    "（12）",
    "(3)",
    "\t7",
    " 15",
    "国务院办公厅",
    "关于",
    "印发",
    "转发",
    "的通知",
    "的函",
    "方案",
    "国发〔2024〕1号",
    "二〇二四年一月一日",
    "附件",
    "附件1",
    "各省、自治区人民政府：",
    "— 5 —",
    "·3·",
    "第4页",
    "Circular of",
    "。",
    "中华人民共和国国务院公报",
    "2024年第3期",
    "《",
    "》",
    "\x00",
    "\x0c",
    "\u3000",
    "",
]
TEXT = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=30)), max_size=8).map("".join)
LINES = st.lists(TEXT, max_size=40)
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(LINES)
def test_contents_logic_never_raises(lines: list[str]) -> None:
    toc = find_toc(lines)
    if toc is not None:
        assert 0 <= toc.start < toc.end <= len(lines) and len(toc.entries) >= 2
    entries, end = parse_entries(lines, 0)
    assert 0 <= end <= len(lines)
    assert all(entry.title for entry in entries)


@FAST
@given(LINES)
def test_heading_logic_never_raises(lines: list[str]) -> None:
    objs = [Line(t.strip() or "x", 0) for t in lines]
    for pos, span, _ in find_starts(objs):
        assert pos >= 0 and pos + span <= len(objs)
    pos, span, _ = single_start(objs)
    assert pos + span <= max(len(objs), 0) or not objs
    for text in lines:
        assert all(isinstance(part, str) for part in unglue_footer(text))


@FAST
@given(st.lists(LINES, min_size=1, max_size=4))
def test_every_record_has_a_title(pages_lines: list[list[str]]) -> None:
    pages = [Page(n + 1, "\n".join(lines), None, True) for n, lines in enumerate(pages_lines)]
    issue = split_issue(pages)
    assert sum(len(b.lines) for b in issue.blocks) <= len(flatten(pages))
    try:
        records = build_records(pages, "x.txt")
    except ExtractionError as exc:
        assert "no document text" in str(exc)
        return
    assert records and all(record.title.strip() for record in records)


def test_huge_and_empty_lines() -> None:
    huge = "关于" + "甲" * 200_000 + "的通知（3）"
    assert find_toc(["目录", huge, huge, ""]) is not None
    assert parse_entries(["", "\x00", "\x0c"], 0)[0] == []
    assert parse_entries([], 0) == ([], 0)
    assert all(r.title for r in build_records([Page(1, huge, None, True)], "x.txt"))
