"""Who issued a document, where its title does not say: an order's organ, a note under the
title, the parties of a diplomatic communiqué, the signature.

Each reader here takes what the document itself prints; none knows a particular gazette.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from itertools import pairwise

from indexer.chars import HAN
from indexer.parse.split import Issue, Line
from indexer.recognise.dates import iter_dates, parse_date_line
from indexer.recognise.docinfo import CHINA, PERSON_TITLES, is_org, split_orgs, title_parties
from indexer.recognise.docnum import DocNumber, parse_doc_number
from indexer.recognise.notes import MADE

_OPEN = "（(〔[【"
_CLOSE = "）)〕]】"
# Orders whose organ is named otherwise than by dropping the 令: the State Council's short form
# and the President's (主席令 is signed by the 中华人民共和国主席).
_ORDER_ORGANS = {"国令": "国务院", "主席令": "中华人民共和国主席"}


def order_issuer(doc_number: str) -> str:
    """The organ that issued an order, from its number; "" when the number is not an order's.

    >>> order_issuer("国令第707号"), order_issuer("山东省人民政府令第18号")
    ('国务院', '山东省人民政府')
    >>> order_issuer("国发〔2024〕1号")
    ''
    """
    parsed = parse_doc_number(doc_number) if doc_number else None
    if parsed is None or parsed.year is not None:
        return ""
    return _ORDER_ORGANS.get(parsed.prefix, parsed.prefix[:-1])


def is_order(number: DocNumber | None) -> bool:
    """Whether a parsed 文号 is an order number (国令第707号): it has no year."""
    return number is not None and number.year is None


def dated_note(text: str) -> tuple[list[str], str] | None:
    """The issuer and date of a bracketed note under a title, ``（国家经贸委　一九九八年十二月
    十八日）`` or ``（2024年1月5日某局印发）``; None when the line is not such a note.

    >>> dated_note("（济南市人民代表大会常务委员会2021年6月28日）")
    (['济南市人民代表大会常务委员会'], '2021-06-28')
    >>> dated_note("（一九九八年十二月十八日国家经贸委发布）")
    (['国家经贸委'], '1998-12-18')
    >>> dated_note("（2024年1月26日区政府第3次常务会议通过）"), dated_note("国家经贸委 1998年")
    (None, None)
    """
    inner = re.sub(r"[ \t\u3000]+", "", text.strip())
    if not (inner[:1] in _OPEN and inner[-1:] in _CLOSE) or len(inner) > 60:
        return None
    inner = inner[1:-1]
    hits = list(iter_dates(inner))
    if not hits:
        return None
    date, start, end = hits[0]
    before, after = inner[:start], inner[end:]
    if before and not after and is_org(before):
        return split_orgs(before), date
    if not before and after:
        organ = re.sub(rf"(?:{'|'.join(MADE)})$", "", after)
        if organ != after and is_org(organ):
            return split_orgs(organ), date
    return None


def note_under_title(lines: Sequence[Line]) -> tuple[list[str], str] | None:
    """The first :func:`dated_note` among the lines just under a title."""
    for line in lines[:3]:
        note = dated_note(line.text)
        if note is not None:
            return note
    return None


def party_issuers(title: str, body: str) -> list[str]:
    """The parties of a communiqué titled with their abbreviations (中苏关于…的联合公报).

    中 is the People's Republic; each partner's full name is the government its first character
    begins in the body, the one the body names most often (ties: the longest name). A partner
    the body does not name is left out.

    >>> party_issuers("中苏关于某事的联合公报", "中华人民共和国政府和苏联政府商定，苏联政府同意。")
    ['中华人民共和国政府', '苏联政府']
    """
    partners = title_parties(title)
    if not partners:
        return []
    found = [CHINA]
    for ch in partners:
        names = Counter(re.findall(rf"{re.escape(ch)}[{HAN}]{{0,14}}?政府", body))
        names.pop(ch + "政府", None)
        if names:
            best = max(names.items(), key=lambda kv: (kv[1], len(kv[0])))[0]
            found.append(best)
    return found


# A person signing for an organ: 中华人民共和国外交部部长周恩来.
_PERSON_SIGNATURE = re.compile(rf"^(?P<org>[{HAN}]{{2,30}}?)(?:{PERSON_TITLES})[{HAN}]{{2,3}}$")


def signing_person(lines: Sequence[Line], title: str) -> str:
    """The person who signs a letter or telegram for an organ, on the line above its date;
    as the title names them when it does (外交部部长周恩来 of ``中华人民共和国外交部部长周恩来``).

    >>> lines = [Line("专此奉达。", 0), Line("中华人民共和国外交部部长周恩来", 0),
    ...          Line("一九五四年十月十日于北京", 0)]
    >>> signing_person(lines, "外交部部长周恩来为控诉事致联合国大会的电文")
    '外交部部长周恩来'
    """
    for above, line in pairwise(lines):
        if parse_date_line(line.text) is None:
            continue
        signed = above.text.strip()
        m = _PERSON_SIGNATURE.match(signed)
        if not m or not is_org(m["org"]):
            return ""
        for start in range(len(signed) - 4):
            tail = signed[start:]
            if is_org(tail[: len(m["org"]) - start]) and title.startswith(tail):
                return tail
        return signed
    return ""


# An order's head: its name and number, then the sentence that promulgates, the signature and
# the date, printed above the regulation's title.
_ORDER_NAME = re.compile(r"令$")
_PROMULGATES = re.compile(r"公布|发布|施行|通过")


def attach_order_heads(issue: Issue) -> None:
    """Move an order's head, left at the end of the document before, to the regulation under it.

    A regulation published under an order prints ``××人民政府令`` / ``第N号`` / ``《…》已经…通过，
    现予公布。`` / the signature / the date above its own title; the splitter, which starts a
    document at its title, leaves those lines with the document before.
    """
    aboves = [(issue.front, 0)] + [(b.lines, b.title_span) for b in issue.blocks]
    for (above, floor), block in zip(aboves, issue.blocks, strict=False):
        if not block.title_span or block.head:
            continue
        at = _order_head_start(above, floor)
        if at is not None:
            block.head = above[at:]
            del above[at:]


def _order_head_start(lines: Sequence[Line], floor: int) -> int | None:
    """Where an order's head starts among the last lines of a block, or None."""
    for at in range(max(floor, len(lines) - 8), len(lines)):
        text = lines[at].text.strip()
        after = lines[at + 1].text.strip() if at + 1 < len(lines) else ""
        number = parse_doc_number(text) or (
            parse_doc_number(text + after) if _ORDER_NAME.search(text) else None
        )
        if not is_order(number) or len(text) > 30:
            continue
        rest = " ".join(line.text for line in lines[at + 1 :])
        if _PROMULGATES.search(rest) and len(rest) < 400:
            return at
    return None
