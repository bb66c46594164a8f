"""Plain text → pages: form feeds, or the page numbers an OCR engine left in the text.

Text exported from a scan often has no page breaks, but the page footers are still there:
lines of their own (``- 3 -``), or caught inside a line where the engine read two text blocks
as one (``…的报 —5 —告国家经贸委``). Where these numbers run in sequence, they are the page
breaks; a footer inside a sentence leaves the sentence to be joined again over the break
(:attr:`Page.continues`).
"""

from __future__ import annotations

from indexer.extract.page import Page
from indexer.extract.textclean import (
    INLINE_PAGE_MARK,
    clean_line,
    edge_key,
    join_text_lines,
    page_number,
    repeated_lines,
)

# Page numbers found in the text must follow each other (a page may be missed by the reader).
_MAX_STEP = 2
# A page number this many lines or fewer from the start (or the end) of the text is its first
# page's header (or its last page's footer).
_EDGE_LINES = 2

_Mark = tuple[int, int, int, int]  # line index, start and end in the line (-1: whole line), n


def split_at_page_marks(text: str) -> tuple[list[str], set[int]]:
    """Text without form feeds cut into pages at its printed page numbers.

    The numbers are the longest run of page-number lines and in-line footers that count up by
    one (or two, for a page the reader missed); fewer than two leave the text whole. Each page
    keeps its number as a line of its own, where the page's edges are read. The second value
    holds the pages whose first line continues a line cut by an in-line footer.

    >>> split_at_page_marks("正文甲\\n-1-\\n正文乙的报 —2 —告正文丙\\n-3-")
    (['正文甲\\n-1-', '正文乙的报\\n-2-', '告正文丙\\n-3-'], {2})
    >>> split_at_page_marks("共有3\\n个条件")
    (['共有3\\n个条件'], set())
    """
    lines = text.split("\n")
    marks = _page_run(_candidate_marks(lines))
    if len(marks) < 2:
        return [text], set()
    header = _numbers_head_pages(lines, marks)
    pages: list[list[str]] = [[]]
    continued: set[int] = set()
    at: dict[int, list[_Mark]] = {}
    for m in marks:
        at.setdefault(m[0], []).append(m)
    for index, line in enumerate(lines):
        rest = line
        consumed = 0
        for _, start, end, number in at.get(index, []):
            marker = f"-{number}-"
            if start < 0:
                left, rest = "", ""
            else:
                left, rest = line[consumed:start], line[end:]
                consumed = end
            _close_page(pages, left, marker, header)
            if left.strip() and rest.strip():
                continued.add(len(pages) - 1)
        if rest or index not in at:
            pages[-1].append(rest)
    chunks = ["\n".join(p).strip("\n") for p in pages]
    keep = [i for i, c in enumerate(chunks) if c.strip()]
    renumber = {old: new for new, old in enumerate(keep)}
    return [chunks[i] for i in keep], {renumber[i] for i in continued if i in renumber}


def _numbers_head_pages(lines: list[str], marks: list[_Mark]) -> bool:
    """Footers end the text (a page's worth of text after the last number means headers)."""
    after = sum(1 for line in lines[marks[-1][0] + 1 :] if line.strip())
    before = sum(1 for line in lines[: marks[0][0]] if line.strip())
    return after > _EDGE_LINES and before <= _EDGE_LINES


def _close_page(pages: list[list[str]], left: str, marker: str, header: bool) -> None:
    """End the current page at a marker: a footer closes it, a header opens the next one."""
    if left.strip():
        pages[-1].append(left)
    if header:
        pages.append([marker])
    else:
        pages[-1].append(marker)
        pages.append([])


def _candidate_marks(lines: list[str]) -> list[_Mark]:
    found: list[_Mark] = []
    for index, line in enumerate(lines):
        number = page_number(line)
        if number is not None:
            found.append((index, -1, -1, number))
            continue
        for m in INLINE_PAGE_MARK.finditer(line):
            found.append((index, m.start(), m.end(), int(m.group(1) or m.group(2))))
    return found


def _page_run(marks: list[_Mark]) -> list[_Mark]:
    """The longest subsequence whose numbers go up by 1 to :data:`_MAX_STEP`."""
    best_at: dict[int, int] = {}  # number → index of the longest run ending in it so far
    length: list[int] = []
    back: list[int] = []
    for i, (*_, number) in enumerate(marks):
        prev = max(
            (best_at[number - s] for s in range(1, _MAX_STEP + 1) if number - s in best_at),
            key=lambda j: length[j],
            default=-1,
        )
        length.append(length[prev] + 1 if prev >= 0 else 1)
        back.append(prev)
        if number not in best_at or length[i] > length[best_at[number]]:
            best_at[number] = i
    if not length:
        return []
    i = max(range(len(marks)), key=lambda k: length[k])
    run: list[_Mark] = []
    while i >= 0:
        run.append(marks[i])
        i = back[i]
    return run[::-1]


def text_pages(text: str) -> list[Page]:
    """Clean plain text into pages: form feeds separate pages where there are any, else the
    page numbers printed in the text (see :func:`split_at_page_marks`).

    >>> [p.text for p in text_pages("关 于 开 展 检 查 的 通 知\\n\\n— 1 —")]
    ['关于开展检查的通知']
    >>> [(p.number, p.printed) for p in text_pages("第一页的正文\\n- 1 -\\n第二页的正文\\n- 2 -")]
    [(1, 1), (2, 2)]
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    chunks = text.split("\f")
    continued: set[int] = set()
    if len(chunks) == 1:
        chunks, continued = split_at_page_marks(text)
    paged = len(chunks) > 1
    lines_per_page = [[clean_line(line) for line in chunk.split("\n")] for chunk in chunks]
    edges = [_edge_lines(lines) for lines in lines_per_page]
    repeated = repeated_lines([[edge_key(x) for x in e] for e in edges]) if paged else set()
    pages = []
    for index, lines in enumerate(lines_per_page):
        body, printed = _strip_text_edges(lines, repeated)
        if paged and not body and printed is None and not any(lines):
            continue
        paragraphs = join_text_lines(_paragraphs(body))
        number = index + 1 if paged else None
        text = "\n\n".join(paragraphs)
        pages.append(Page(number, text, printed, True, continues=index in continued))
    return pages


def _edge_lines(lines: list[str]) -> list[str]:
    filled = [x for x in lines if x]
    return filled[:2] + filled[-2:]


def _strip_text_edges(lines: list[str], repeated: set[str]) -> tuple[list[str], int | None]:
    body = list(lines)
    printed = None
    for from_top in (True, False):
        for _ in range(3):
            while body and not body[0 if from_top else -1]:
                body.pop(0 if from_top else -1)
            if not body:
                break
            line = body[0 if from_top else -1]
            number = page_number(line)
            if number is not None and printed is None:
                printed = number
            elif edge_key(line) not in repeated:
                break
            body.pop(0 if from_top else -1)
    return body, printed


def _paragraphs(lines: list[str]) -> list[str]:
    """Blank-line separated blocks; the lines of one block stay on their own lines."""
    blocks: list[list[str]] = [[]]
    for line in lines:
        if line:
            blocks[-1].append(line)
        elif blocks[-1]:
            blocks.append([])
    return ["\n".join(b) for b in blocks if b]
