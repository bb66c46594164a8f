"""What staff should check in a record: the reasons the extractor is unsure, in a few words.

Each reason is said only where it is unusual: a missing 文号 where the issue's other documents
of that kind carry one, a date known only to the month, a title its contents entry words
differently. The reasons found while a field is read (``issuer from 文号 prefix``, ``contents
give 文号 …``) are added where they arise, in :mod:`indexer.metadata.assemble`.
"""

from __future__ import annotations

import re
from collections import Counter

from indexer.records import Record

_DROP = re.compile(r"[\s《》〈〉「」『』“”\"'‘’()（）]")


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
