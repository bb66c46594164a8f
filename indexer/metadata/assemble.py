"""Document blocks → records with the DESIGN metadata: title, 文号, issuer, 文种, dates and links.

Every field is read from what the issue prints: the title line, the 文号 under it, the signature
and 成文日期 at the end, the contents entry (section, printed page), the cover (期号, 出版日期),
the 咨询 lines, the 附件 list, and the 文号 the text cites or repeals. An issuer the title does
not name is taken from an order's number, a ``…制定`` line or a dated note under the title, the
red header, the signature, or the 文号 prefix of another document of the same issue.

What is read in an unusual way is said in the record's ``review`` list, for staff to check.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from indexer.chars import CN_DIGITS, CN_NUMERAL, HAN, fold_width
from indexer.doctypes import doc_type
from indexer.errors import ExtractionError
from indexer.extract.textclean import collapse_spaces
from indexer.metadata.issuers import (
    attach_order_heads,
    note_under_title,
    order_issuer,
    party_issuers,
    signing_person,
)
from indexer.metadata.numbers import doc_number, split_order_title
from indexer.metadata.review import ocr_review, review_issue, title_review
from indexer.parse.body import attachment_list, enclosed_title, label_enclosed, label_lines, render
from indexer.parse.split import Block, Issue, Line, PageLike, split_issue
from indexer.recognise.dates import (
    chinese_year,
    iter_dates,
    parse_date,
    parse_date_line,
    parse_month_line,
)
from indexer.recognise.docinfo import PERSON_TITLES, is_org, split_orgs, title_issuers
from indexer.recognise.docnum import (
    find_doc_numbers,
    iter_doc_numbers,
    parse_doc_number,
)
from indexer.recognise.notes import made_by
from indexer.recognise.numerals import cn_int
from indexer.records import Record

if TYPE_CHECKING:
    from indexer.extract.pages import Page

_YEAR = rf"(?:(?:19|20)\d\d|[{CN_DIGITS}]{{4}})"
_ISSUE_NO = re.compile(rf"(?P<y>{_YEAR})\s*年\s*第\s*(?P<n>[\d{CN_NUMERAL}]+)\s*(?P<k>[期号])")
_CONTACT = re.compile(r"咨询(?:单位|部门|机构)\s*[:：]\s*(?P<v>[^\t]+?)\s*(?=咨询电话|\t|$)")
_PHONE = re.compile(r"咨询电话\s*[:：]\s*(?P<v>[\d\-—－()（）\s、,，/]{5,40})")
# ``一九五四年十月十四日订于新德里``: an agreement's date is where it was signed.
_SIGNED = re.compile(r"^\s*(?:在\S{1,8})?(?:订于|签订|签署|签于|订立|签字)")
_REPEAL = re.compile(r"废止|停止执行|不再执行|同时失效|予以撤销")
_STAND_IN_CHARS = 40
# A person's signature: 总理李克强, 省长杨文华.
_PERSON_SIGNED = re.compile(rf"^(?:{PERSON_TITLES})[{HAN}]{{2,3}}$")
_MONTH_LINE = re.compile(rf"^{_YEAR}\s*年\s*[\d{CN_DIGITS}十]{{1,2}}\s*月$")


@dataclass(frozen=True)
class Gazette:
    """What the cover of an issue says: its number (2024年第1期), publication date and year."""

    label: str = ""
    date: str = ""
    year: int | None = None


def build_records(pages: list[Page], source: str) -> list[Record]:
    """Split an issue (or one document) into records with all the metadata printed in it.

    ``id`` is left empty and ``visibility`` public: the caller assigns both. Raises
    :class:`ExtractionError` when no document with text is found.

    >>> from indexer.extract.pages import text_pages
    >>> parts = ["某县人民政府关于检查的通知", "某政发〔2024〕3号", "请认真检查。", "某县人民政府"]
    >>> rec = build_records(text_pages("\\n\\n".join([*parts, "二〇二四年三月五日"])), "a.txt")[0]
    >>> rec.doc_number, rec.issuer, rec.doc_type, rec.date
    ('某政发〔2024〕3号', '某县人民政府', '通知', '2024-03-05')
    """
    issue = split_issue(pages)
    attach_order_heads(issue)
    gazette = gazette_info(issue)
    records = [_record(block, pages, gazette, source) for block in issue.blocks]
    records = [r for r in records if r.body.strip() or r.title]
    if not records:
        raise ExtractionError(source, "no document text found")
    _issuers_from_numbers(records)
    review_issue(records)
    return records


def gazette_info(issue: Issue) -> Gazette:
    """The issue number (``2024年第1期``, ``1954年第1号``) and publication date on the cover.

    Looked for on the cover and contents, then on the back cover; empty for a lone document.
    """
    if issue.toc is None and len(issue.blocks) < 2:
        return Gazette()
    label, year = "", None
    for line in [*issue.front, *issue.back]:
        m = _ISSUE_NO.search(fold_width(line.text))
        number = cn_int(m["n"]) if m else None
        if m and number is not None:
            year = chinese_year(m["y"])
            label = f"{year}年第{number}{m['k']}"
            break
    date = ""
    for line in [*issue.front, *issue.back]:
        if "出版" in line.text or "印发" in line.text:
            date = parse_date(line.text) or ""
            if date:
                break
    return Gazette(label, date, year)


def _record(block: Block, pages: Sequence[PageLike], gazette: Gazette, source: str) -> Record:
    title, title_number = split_order_title(clean_title(block.title))
    body_lines = [*block.head, *block.lines[block.title_span :]]
    rec = Record(title=title, source=source, gazette=gazette.label, gazette_date=gazette.date)
    if not title:
        rec.title = title = _stand_in_title(block)
        rec.review.append("no title found: its first line stands in")
    rec.doc_number = doc_number(body_lines, block, title_number, rec.review, rec.doc_number_aliases)
    rec.doc_type = doc_type(title) or (doc_type(block.entry.title) if block.entry else "")
    note = note_under_title(block.lines[block.title_span :])
    year = gazette.year or _year_hint(body_lines)
    rec.date = note[1] if note else document_date(body_lines, year)
    issuers = _issuers(rec, body_lines, block, note[0] if note else [])
    if issuers:
        rec.issuer, rec.issuers = issuers[0], issuers
    starts = block.head or block.lines
    if starts:
        rec.pdf_page = pages[starts[0].page].number
        rec.page = pages[starts[0].page].printed
    if block.entry is not None:
        rec.page = block.entry.page if block.entry.page is not None else rec.page
        rec.section = block.entry.section
        differs = title_review(title, block.entry.title)
        rec.review += [differs] if differs else []
    rec.contact = contact(body_lines)
    _fill_body(rec, body_lines)
    _mark_ocr(rec, [*block.head, *block.lines], pages)
    return rec


def _mark_ocr(rec: Record, lines: Sequence[Line], pages: Sequence[PageLike]) -> None:
    """A record read from OCR'd pages says so, with the mean recognition score of its pages
    (a page of an :class:`~indexer.extract.page.Page` carries it; other pages have none), and
    names in its review the fields OCR read with a low score (see :func:`ocr_review`)."""
    own = [pages[index] for index in sorted({line.page for line in lines})]
    scores = [s for page in own if (s := getattr(page, "ocr_confidence", None)) is not None]
    if scores:
        rec.ocr = True
        rec.ocr_confidence = round(sum(scores) / len(scores), 4)
        rec.review += ocr_review(rec, [ln for page in own for ln in getattr(page, "ocr_lines", ())])


def _issuers(rec: Record, body: Sequence[Line], block: Block, noted: list[str]) -> list[str]:
    """The issuers, from the most specific evidence to the least: an order's organ, the parties
    a communiqué abbreviates, the title, a ``…制定`` line or a dated note under the title, the
    red header, the signature (organs, else a person signing for one), the contents entry."""
    ordered = order_issuer(rec.doc_number)
    if ordered:
        return [ordered]
    parties = party_issuers(rec.title, "\n".join(line.text for line in body))
    if parties:
        return parties
    found = (
        title_issuers(rec.title)
        or _made_by(body)
        or noted
        or _red_header(block.head)
        or signature_issuers(body)
    )
    person = signing_person(body, rec.title) if not found else ""
    if person:
        found = [person]
    if not found and block.entry is not None and block.entry.issuer:
        found = split_orgs(block.entry.issuer)
    return found


def _stand_in_title(block: Block) -> str:
    """A title for a block that has none: its contents entry's, else its first line's words."""
    if block.entry is not None and block.entry.title.strip():
        return clean_title(block.entry.title)
    first = next((ln.text for ln in [*block.head, *block.lines] if ln.text.strip()), "")
    return clean_title(first)[:_STAND_IN_CHARS] or "（无标题）"


def clean_title(text: str) -> str:
    """A title on one line: wrapping spaces and line breaks removed.

    >>> clean_title("吕梁市离石区人民政府 关于印发吕梁市离石区2024年度 国有建设用地供应计划的通知")
    '吕梁市离石区人民政府关于印发吕梁市离石区2024年度国有建设用地供应计划的通知'
    """
    return collapse_spaces(" ".join(text.split()))


def document_date(lines: Sequence[Line], year: int | None = None) -> str:
    """The 成文日期: the first line that is a date (under the signature, or under the title).

    >>> document_date([Line(t, 0) for t in ("特此通知", "某区人民政府", "2024年2月1日")])
    '2024-02-01'
    >>> document_date([Line(t, 0) for t in ("特此通知", "某区人民政府", "二○二四年八月")])
    '2024-08'
    """
    previous = ""
    for line in lines:
        if "\t" in line.text:
            cell = _cell_date(previous, line.text)
            if cell:
                return cell
            previous = line.text
            continue
        date = parse_date_line(line.text, year)
        if date:
            return date
        # Only a month under a signature: the date is known to the month (YYYY-MM).
        month = parse_month_line(line.text) if is_org(previous) else None
        if month:
            return month
        previous = line.text.strip()
    for line in lines:
        for date, start, end in iter_dates(line.text):
            # Only a clause that opens with the date signs the document; one inside a sentence
            # cites an earlier agreement (按照一九五四年四月二十九日在北京签订的…).
            if start == 0 and _SIGNED.match(line.text[end:]):
                return date
    return ""


def _cell_date(above: str, text: str) -> str:
    r"""A date in one cell of a line of side-by-side text (columns read across, joined by tabs),
    taken only under a signature in the same cell of the line above: an organ's name or a
    person's title and name. A date in a table's cell is no 成文日期.

    >>> _cell_date("正文一\t某区人民政府", "正文二\t2024年2月1日")
    '2024-02-01'
    >>> _cell_date("甲\t乙", "丙\t2024年2月1日")
    ''
    """
    above_cells = above.split("\t")
    for k, cell in enumerate(text.split("\t")):
        date = parse_date_line(cell) or parse_month_line(cell)
        signed = above_cells[k].strip() if k < len(above_cells) else ""
        if date and (is_org(signed) or _PERSON_SIGNED.match(signed)):
            return date
    return ""


def _year_hint(lines: Sequence[Line]) -> int | None:
    for line in lines[:40]:
        date = parse_date(line.text)
        if date:
            return int(date[:4])
    return None


def _red_header(lines: Sequence[Line]) -> list[str]:
    """``吕梁市离石区人民政府文件`` over a document: the issuer, joint ones split."""
    for line in lines:
        if line.text.endswith("文件") and is_org(line.text[:-2]):
            return split_orgs(line.text[:-2])
    return []


def _made_by(lines: Sequence[Line]) -> list[str]:
    """``内务部制定`` under a title: the body that made the document."""
    for line in lines[:3]:
        orgs = made_by(line.text)
        if orgs:
            return orgs
    return []


def signature_issuers(lines: Sequence[Line]) -> list[str]:
    """The organisations signed above the first date line (one per line, joint ones in order).

    >>> signature_issuers([Line(t, 0) for t in ("特此通知", "某区人民政府", "2024年2月1日")])
    ['某区人民政府']
    """
    for i, line in enumerate(lines):
        if parse_date_line(line.text) is None and not _MONTH_LINE.match(line.text):
            continue
        orgs: list[str] = []
        for above in reversed(lines[max(0, i - 4) : i]):
            name = above.text.strip()
            if not is_org(name):
                break
            orgs.insert(0, name)
        if orgs:
            return [o for name in orgs for o in split_orgs(name)]
    return []


def contact(lines: Sequence[Line]) -> str:
    """``咨询单位`` and ``咨询电话`` joined.

    >>> contact([Line("咨询单位：离石区人社局", 0), Line("咨询电话：0358-8222401", 0)])
    '离石区人社局 0358-8222401'
    """
    unit = phone = ""
    for line in lines:
        m = _CONTACT.search(line.text)
        if m and not unit:
            unit = m["v"].strip()
        p = _PHONE.search(line.text)
        if p and not phone:
            phone = p["v"].strip()
    return " ".join(x for x in (unit, phone) if x)


def repeals(text: str) -> list[str]:
    """文号 the text declares repealed: those before 废止 (or 停止执行…) in the same sentence.

    >>> repeals("原《应急预案》（离政办发〔2022〕15号）同时废止。依据晋政发〔2020〕1号。")
    ['离政办发〔2022〕15号']
    """
    found: dict[str, None] = {}
    for sentence in re.split(r"(?<=[。；;！!])", text):
        for m in _REPEAL.finditer(sentence):
            for number, _, _ in iter_doc_numbers(sentence[: m.start()]):
                found.setdefault(str(number), None)
    return list(found)


def _fill_body(rec: Record, body_lines: list[Line]) -> None:
    listed = attachment_list(body_lines)
    lines, labelled = label_lines(body_lines)
    enclosed = enclosed_title(rec.title, lines)
    lines = label_enclosed(lines, enclosed, rec.title)
    attachments = listed or labelled
    if enclosed and all(enclosed not in a for a in attachments):
        attachments = [enclosed, *attachments]
    rec.attachments = attachments
    rec.body = render(lines)
    own = {rec.doc_number}
    rec.cites = [n for n in find_doc_numbers(rec.body) if n not in own]
    rec.repeals = [n for n in repeals(rec.body) if n not in own]


def _issuers_from_numbers(records: list[Record]) -> None:
    """Fill a missing issuer from another document of the issue with the same 文号 prefix (said in
    the record's ``review``: a prefix is shared by an organ and its office at times)."""
    by_prefix: dict[str, list[str]] = {}
    for rec in records:
        number = parse_doc_number(rec.doc_number) if rec.doc_number else None
        if number is not None and rec.issuer:
            by_prefix.setdefault(number.prefix, rec.issuers or [rec.issuer])
    for rec in records:
        number = parse_doc_number(rec.doc_number) if rec.doc_number else None
        if not rec.issuer and number is not None and number.prefix in by_prefix:
            rec.issuers = list(by_prefix[number.prefix])
            rec.issuer = rec.issuers[0]
            rec.review.append("issuer from 文号 prefix")
