"""A document's text and its attachments (附件): the list, the labels, the enclosed 方案.

The body keeps paragraphs apart with blank lines and table rows on lines of their own. Each
attachment is labelled in it (``附件1：离石区…计划表``), including the plan or rules that a
``关于印发…的通知`` encloses without a label.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from indexer.extract.textclean import collapse_spaces, ends_sentence, starts_item
from indexer.parse.contents import norm_key
from indexer.parse.lines import Line
from indexer.recognise.dates import parse_date_line
from indexer.recognise.docinfo import is_org

_LIST_HEAD = re.compile(r"^[-•·*\s]*附\s*件\s*[:：]\s*(?P<rest>.*)$")
_ITEM_NO = re.compile(
    r"^[-•·*\s]*(?:[(（]\d{1,2}[)）]|\d{1,2}[-—]\d{1,2}(?=\D)|\d{1,2}(?:\s*[.．、]|\s))\s*"
)
_LABEL = re.compile(
    r"^[-•·*\s]*(?P<label>附\s*件\s*[\d一二三四五六七八九十]{0,3})\s*[:：]?\s*(?P<rest>.*)$"
)
_ENCLOSING = re.compile(r"(?:印发|转发|批转|发布)")
_QUOTED = re.compile(r"《([^《》]{4,80})》")


def render(lines: Sequence[Line]) -> str:
    """The text of ``lines``: paragraphs apart by a blank line, lines of one paragraph by ``\\n``.

    >>> render([Line("一、总则", 0), Line("行\\t列", 0), Line("1\\t2", 0, False)])
    '一、总则\\n\\n行\\t列\\n1\\t2'
    """
    out: list[str] = []
    for line in lines:
        if out:
            out.append("\n\n" if line.para else "\n")
        out.append(line.text)
    return "".join(out)


def attachment_list(lines: Sequence[Line]) -> list[str]:
    """The titles in a document's ``附件：1. …  2. …`` list, wrapped items rejoined.

    >>> attachment_list([Line(t, 0) for t in ("附件：1. 甲计划表", "2. 乙申请", "表", "某市政府")])
    ['甲计划表', '乙申请表']
    """
    for i, line in enumerate(lines):
        head = _LIST_HEAD.match(line.text)
        if not head:
            continue
        items = [_ITEM_NO.sub("", head["rest"]).strip()] if head["rest"].strip() else []
        for nxt in lines[i + 1 : i + 30]:
            text = nxt.text.strip()
            if _ITEM_NO.match(text):
                items.append(_ITEM_NO.sub("", text).strip())
            elif items and _continues_item(items[-1], text):
                items[-1] += text
            else:
                break
        return [collapse_spaces(x).rstrip("；;。，,") for x in items if x]
    return []


def _continues_item(item: str, text: str) -> bool:
    if ends_sentence(item) or len(text) > 20 or re.search(r"[：:。，]", text) or starts_item(text):
        return False
    return not is_org(text) and parse_date_line(text) is None


def label_lines(lines: list[Line]) -> tuple[list[Line], list[str]]:
    """Merge each ``附件N`` label line with the title line under it; and those titles.

    >>> out, titles = label_lines([Line(t, 3) for t in ("附件1", "土地储备计划表", "序号\\t项目")])
    >>> [ln.text for ln in out], titles
    (['附件1：土地储备计划表', '序号\\t项目'], ['土地储备计划表'])
    """
    out: list[Line] = []
    titles: list[str] = []
    skip = False
    for i, line in enumerate(lines):
        if skip:
            skip = False
            continue
        m = _LABEL.match(line.text)
        if m and not m["rest"] and i + 1 < len(lines) and _is_caption(lines[i + 1].text):
            title = collapse_spaces(lines[i + 1].text)
            titles.append(title)
            label = re.sub(r"\s+", "", m["label"])
            out.append(Line(f"{label}：{title}", line.page, True))
            skip = True
        else:
            out.append(line)
    return out, titles


def _is_caption(text: str) -> bool:
    return 2 <= len(text) <= 80 and "\t" not in text and not re.search(r"[。；]$", text)


def enclosed_title(title: str, lines: Sequence[Line]) -> str:
    """What a ``关于印发《X》的通知`` encloses: X, from its first paragraphs or from the title.

    >>> enclosed_title("某区关于印发工作方案的通知", [Line("《某区工作方案》现印发给你们。", 0)])
    '某区工作方案'
    """
    if not _ENCLOSING.search(title) or not title.endswith("通知"):
        return ""
    for line in lines[:6]:
        if _ENCLOSING.search(line.text) or "印发给你们" in line.text:
            quoted = _QUOTED.findall(line.text)
            if quoted:
                return collapse_spaces(quoted[0])
    m = re.search(r"(?:印发|转发|批转|发布)(.+?)的通知$", title)
    return m.group(1).strip("《》") if m else ""


def label_enclosed(lines: list[Line], name: str, notice_title: str) -> list[Line]:
    """Label the heading of the enclosed document (``附件：X``) after the notice's signature.

    When the printed heading is the notice's own title again, a label line goes before it.
    """
    if not name:
        return lines
    keys = {norm_key(name), norm_key(notice_title)}
    for i, line in enumerate(lines):
        if i == 0 or len(line.text) > 120 or norm_key(line.text) not in keys:
            continue
        if norm_key(line.text) == norm_key(name):
            return [*lines[:i], Line(f"附件：{line.text}", line.page, True), *lines[i + 1 :]]
        return [*lines[:i], Line(f"附件：{name}", line.page, True), *lines[i:]]
    return lines
