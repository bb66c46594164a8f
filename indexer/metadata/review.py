"""What staff should check in a record: the reasons the extractor is unsure, in a few words.

Each reason is said only where it is unusual: a missing 文号 where the issue's other documents
of that kind carry one, a date known only to the month, a title its contents entry words
differently. The reasons found while a field is read (``issuer from 文号 prefix``, ``contents
give 文号 …``) are added where they arise, in :mod:`indexer.metadata.assemble`. A title, 文号 or
date read from a scanned page is named when OCR was unsure of its line (:func:`ocr_review`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence

from indexer.chars import fold_width
from indexer.recognise.dates import parse_date_line, parse_month_line
from indexer.recognise.docnum import find_doc_numbers
from indexer.records import Record

_DROP = re.compile(r"[\s《》〈〉「」『』“”\"'‘’()（）]")
# A line OCR scored below this is named where it holds a title, 文号 or date. On the scanned
# pages of the shared gazette (tests/test_ocr.py) every such line scored 0.93 or more, the
# lowest line of all (a page footer) 0.78; lines under 0.5 are dropped as noise before
# (:data:`indexer.extract.ocr.MIN_SCORE`). A score is no proof: a 文号 bracket misread scored 0.93.
LOW_OCR_SCORE = 0.8


def review_issue(records: list[Record]) -> None:
    """Add to each record of one issue the reasons its fields need a look."""
    numbered = Counter(r.doc_type for r in records if r.doc_number)
    kinds = Counter(r.doc_type for r in records)
    for rec in records:
        reasons = rec.review
        if not rec.date:
            reasons.append("no date found")
        elif len(rec.date) == len("YYYY-MM"):
            reasons.append("date at month precision")
        if not rec.issuer:
            reasons.append("no issuer found")
        if not rec.doc_type:
            reasons.append("no document type")
        others = kinds[rec.doc_type] - 1
        if not rec.doc_number and others >= 2 and numbered[rec.doc_type] * 2 > others:
            reasons.append("no 文号, unlike the issue's other " + (rec.doc_type or "documents"))


def title_review(title: str, entry_title: str) -> str:
    """The reason to check a title its contents entry words differently, or "": the splitter
    paired them by likeness, not by their words (one holding the other, as an entry that leaves
    out the issuer, is the same title).

    >>> title_review("某县人民政府关于检查的通知", "某县人民政府关于检查的通知")
    ''
    >>> title_review("某县人民政府关于检查的通知", "某县人民政府关于验收的报告")
    'title matched to contents entry by similarity'
    """
    a, b = _DROP.sub("", title), _DROP.sub("", entry_title)
    if not a or not b or a in b or b in a:
        return ""
    return "title matched to contents entry by similarity"


def ocr_review(rec: Record, lines: Sequence[tuple[str, float]]) -> list[str]:
    """The reasons to check the title, 文号 and date of a record whose text OCR read, from the
    lines OCR read on its pages (text and score): a field is named with the lowest score below
    :data:`LOW_OCR_SCORE` among the lines that hold it (a title wrapped on two lines is held by
    each).

    >>> rec = Record(title="某县人民政府关于检查的通知", doc_number="某政发〔2024〕3号")
    >>> rec.date = "2024-03-05"
    >>> lines = [("某县人民政府关于检查", 0.99), ("的通知", 0.62), ("某政发[2024]3号", 0.71)]
    >>> ocr_review(rec, [*lines, ("2024年3月5日", 0.97), ("请认真检查。", 0.55)])
    ['title read by OCR with low confidence (0.62)', '文号 read by OCR with low confidence (0.71)']
    """
    low = [(text, score) for text, score in lines if score < LOW_OCR_SCORE]
    holders: tuple[tuple[str, str, Callable[[str], bool]], ...] = (
        ("title", rec.title, lambda text: _in_title(text, rec.title)),
        ("文号", rec.doc_number, lambda text: rec.doc_number in find_doc_numbers(text)),
        (
            "date",
            rec.date,
            lambda text: rec.date in (parse_date_line(text), parse_month_line(text)),
        ),
    )
    reasons = []
    for name, value, holds in holders:
        scores = [score for text, score in low if value and holds(text)]
        if scores:
            reasons.append(f"{name} read by OCR with low confidence ({min(scores):.2f})")
    return reasons


def _in_title(line: str, title: str) -> bool:
    """Whether an OCR line is (part of) the title: two characters or more of it, or all of it.

    >>> _in_title("的通知", "某县关于检查的通知"), _in_title("通", "某县关于检查的通知")
    (True, False)
    """
    part, whole = _DROP.sub("", fold_width(line)), _DROP.sub("", fold_width(title))
    return len(part) >= 2 and (part in whole or whole in part)
