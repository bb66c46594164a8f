"""One issue → document blocks: cover and contents set aside, each document from its title on.

With a table of contents (目录) the entries say which documents there are and roughly where:
each entry's title is looked up as a heading, in the page range its printed page number points
to when the footers give page numbers. Without contents, a document starts at a title line
with its 文号 (under or above it), its addressee (``各乡（镇）人民政府…：``) or its date, or right
after the previous document's closing date. A file with neither is one document. The back cover
(主办, 地址, 定价…) is cut off the last document.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from indexer.extract.textclean import page_number
from indexer.parse.contents import Match, Toc, TocEntry, best_heading, find_toc, norm_key
from indexer.parse.lines import (
    Line,
    PageLike,
    Start,
    closing_line,
    flatten,
    is_docnum_line,
    is_red_header,
)
from indexer.parse.starts import find_starts, single_start
from indexer.recognise.docinfo import is_org, title_issuers

__all__ = ["Block", "Issue", "Line", "PageLike", "flatten", "is_docnum_line", "split_issue"]

_BACK = re.compile(
    r"^(?:主\s*办|主\s*管|承\s*办|编\s*辑|出\s*版|印\s*刷|发\s*行|地\s*址|邮\s*编|电\s*话|传\s*真|"
    r"网\s*址|E-?mail|赠阅|定\s*价|印\s*数|订阅|国内统一|国际标准|本期)|登记证|日出版$|出版$|主办$|邮局"
)
# Similarity is costly: an entry is looked for this far at most after the previous one.
_MAX_FUZZY_LINES = 3000
_STAND_IN_CHARS = 40


@dataclass
class Block:
    """One document's lines, title first (``title_span`` lines), with its contents entry."""

    lines: list[Line]
    title_span: int
    entry: TocEntry | None = None
    title: str = ""
    head: list[Line] = field(default_factory=list)  # 文号 or red header above the title


@dataclass
class Issue:
    """An issue split up: front matter (cover, contents), documents, back matter."""

    lines: list[Line]
    front: list[Line] = field(default_factory=list)
    back: list[Line] = field(default_factory=list)
    toc: Toc | None = None
    blocks: list[Block] = field(default_factory=list)


def split_issue(pages: Sequence[PageLike]) -> Issue:
    """Split the pages of one file into document blocks (see the module docstring).

    >>> from indexer.extract.pages import text_pages
    >>> parts = ["某县政府关于甲事的通知", "某政发〔2024〕1号", "正文。", "某县政府关于乙事的通知"]
    >>> issue = split_issue(text_pages("\\n\\n".join([*parts, "某政发〔2024〕2号"])))
    >>> [b.title for b in issue.blocks]
    ['某县政府关于甲事的通知', '某县政府关于乙事的通知']
    """
    lines = flatten(pages)
    issue = Issue(lines)
    if not lines:
        return issue
    texts = [ln.text for ln in lines]
    issue.toc = find_toc(texts)
    starts = _locate_entries(issue.toc, lines, pages) if issue.toc else find_starts(lines)
    if not starts:
        starts = [single_start(lines)]
    issue.front = lines[: starts[0][0]]
    issue.blocks = _cut_blocks(lines, starts)
    _trim_back(issue)
    return issue


def _cut_blocks(lines: list[Line], starts: list[Start]) -> list[Block]:
    blocks: list[Block] = []
    for k, (pos, span, entry) in enumerate(starts):
        end = starts[k + 1][0] if k + 1 < len(starts) else len(lines)
        block = Block(lines[pos:end], span, entry)
        if span:
            block.title = "".join(ln.text for ln in lines[pos : pos + span])
        elif entry is not None:
            block.title = entry.title
        if not block.title.strip():
            block.title = _stand_in_title(block.lines)
        floor = blocks[-1].title_span + 1 if blocks else 0
        above = blocks[-1].lines if blocks else lines[:pos]
        block.head = _head_lines(above, floor)
        if blocks and block.head:
            del blocks[-1].lines[-len(block.head) :]
        blocks.append(block)
    return blocks


def _stand_in_title(lines: list[Line]) -> str:
    """For a document that prints no title: its first words, up to the first sentence's end.

    >>> _stand_in_title([Line("目录", 0), Line("正文。", 0)])
    '目录'
    """
    for line in lines:
        words = re.split(r"[。；！？]", line.text.strip(), maxsplit=1)[0].strip()
        if words:
            return words[:_STAND_IN_CHARS]
    return ""


def _head_lines(above: list[Line], floor: int) -> list[Line]:
    """Lines printed above a title that belong to it: its 文号 and a red header (…人民政府文件)."""
    head: list[Line] = []
    for line in reversed(above[max(floor, len(above) - 3) :]):
        if not (is_docnum_line(line.text) or is_red_header(line.text)):
            break
        head.insert(0, line)
    return head


def _page_offset(pages: Sequence[PageLike]) -> int | None:
    """PDF page minus printed page, as most pages agree; None without printed numbers."""
    diffs = Counter(
        p.number - p.printed for p in pages if p.number is not None and p.printed is not None
    )
    if not diffs:
        return None
    value, count = diffs.most_common(1)[0]
    return value if count >= 2 else None


def _locate_entries(toc: Toc, lines: list[Line], pages: Sequence[PageLike]) -> list[Start]:
    """Where each contents entry's document starts: exact headings first, then similar ones."""
    keys = [norm_key(ln.text) for ln in lines]
    offset = _page_offset(pages)
    first_line: dict[int, int] = {}
    for i, ln in enumerate(lines):
        first_line.setdefault(ln.page, i)
    found: list[Match | None] = []
    cursor = toc.end
    for entry in toc.entries:
        lo, hi = _range(entry, offset, first_line, cursor, len(lines))
        match = best_heading(
            [norm_key(t) for t in entry.title_variants()], keys, lo, hi, 0.95, True
        )
        found.append(match)
        if match is not None:
            cursor = match.line + match.span
    _fill_gaps(toc, keys, found, offset, first_line)
    return [
        _with_issuer_line(lines, *_extend_up(lines, keys, m, e), e)
        for m, e in zip(found, toc.entries, strict=True)
        if m is not None
    ]


def _extend_up(
    lines: list[Line], keys: list[str], match: Match, entry: TocEntry
) -> tuple[int, int]:
    """Take in lines above a match that hold the start of the entry's title (its issuer)."""
    pos, span = match.line, match.span
    variants = [norm_key(t) for t in entry.title_variants()]
    while span and pos > 0 and lines[pos - 1].page == lines[pos].page and span < 6:
        window = "".join(keys[pos : pos + span])
        missing = next((v[: -len(window)] for v in variants if v.endswith(window)), "")
        above = keys[pos - 1]
        if not above or len(above) > len(missing) + 2:
            break
        if SequenceMatcher(None, missing[-len(above) :], above, autojunk=False).ratio() < 0.75:
            break
        pos, span = pos - 1, span + 1
    return pos, span


def _with_issuer_line(lines: list[Line], pos: int, span: int, entry: TocEntry) -> Start:
    """Take in the issuer's line above a heading that starts with 关于 (``某区人民政府办公室``)."""
    if span and pos > 0:
        above = lines[pos - 1]
        title = "".join(ln.text for ln in lines[pos : pos + span])
        if above.page == lines[pos].page and is_org(above.text) and not title_issuers(title):
            return (pos - 1, span + 1, entry)
    return (pos, span, entry)


def _range(
    entry: TocEntry, offset: int | None, first_line: dict[int, int], lo: int, n: int
) -> tuple[int, int]:
    """The lines to search for an entry: after ``lo``, on the pages its page number points to."""
    if offset is None or entry.page is None:
        return lo, n
    page_index = entry.page + offset - 1  # PDF page numbers are 1-based, indexes 0-based
    start = max(lo, _line_at_page(first_line, page_index - 1, n))
    end = _line_at_page(first_line, page_index + 2, n)
    return start, max(start, end)


def _line_at_page(first_line: dict[int, int], page_index: int, n: int) -> int:
    later = [i for p, i in first_line.items() if p >= page_index]
    return min(later) if later else n


def _fill_gaps(
    toc: Toc,
    keys: list[str],
    found: list[Match | None],
    offset: int | None,
    first_line: dict[int, int],
) -> None:
    """Entries without an exact heading: the most similar heading between their neighbours."""
    for k, entry in enumerate(toc.entries):
        if found[k] is not None:
            continue
        prev = next((m for m in reversed(found[:k]) if m is not None), None)
        nxt = next((m for m in found[k + 1 :] if m is not None), None)
        lo = prev.line + prev.span if prev else toc.end
        hi = nxt.line if nxt else len(keys)
        lo, hi = _range(entry, offset, first_line, lo, hi)
        variants = [norm_key(t) for t in entry.title_variants()]
        hi = min(hi, nxt.line if nxt else hi, lo + _MAX_FUZZY_LINES)
        match = best_heading(variants, keys, lo, hi, 0.72, False)
        if match is None and offset is not None and entry.page is not None:
            at = _line_at_page(first_line, entry.page + offset - 1, len(keys))
            if lo <= at < (nxt.line if nxt else len(keys)):
                match = Match(at, 0, 0.0)
        found[k] = match


def _trim_back(issue: Issue) -> None:
    """Cut the back cover (publisher, address, price…) off the last document."""
    if not issue.blocks or (issue.toc is None and len(issue.blocks) < 2):
        return  # one document on its own has no gazette cover around it
    block = issue.blocks[-1]
    cover = "".join(norm_key(ln.text) for ln in issue.front)
    cut = len(block.lines)
    misses = 0
    for i in range(len(block.lines) - 1, block.title_span - 1, -1):
        text = block.lines[i].text
        key = norm_key(text)
        if closing_line(text):
            break  # the document's own last line: its date, 此件公开发布 or 咨询 line
        if _BACK.search(text) or (len(key) >= 4 and key in cover) or page_number(text) is not None:
            cut, misses = i, 0
        else:
            misses += 1
            if misses > 2 or len(text) > 40:
                break
    # A slogan between the document's last line and the back cover (传达政令 公开信息) goes too.
    while (
        cut - 2 >= block.title_span
        and _slogan(block.lines[cut - 1].text)
        and closing_line(block.lines[cut - 2].text)
    ):
        cut -= 1
    issue.back = block.lines[cut:]
    block.lines = block.lines[:cut]


def _slogan(text: str) -> bool:
    return len(text) <= 16 and not re.search(r"[\d，。；：:、（）()]", text)
