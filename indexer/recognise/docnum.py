"""文号 (document numbers): parse any printed variant into the canonical ``机关代字〔年份〕序号号``.

All of these mean the same document and canonicalise to ``离政办发〔2024〕1号``::

    离政办发〔2024〕1号   离政办发[2024]1号   离政办发(2024)1号   离政办发（2024）1号
    离政办发【2024】1号   离政办发2024年1号    离政办发〔２０２４〕１号   离政办发 〔2024〕 1 号

An order (令) is numbered without a year, ``机关令第N号``, and that number is its 文号. Its
canonical form drops the ``中华人民共和国`` before a national organ and writes the serial in Arabic
digits; the State Council's orders take the short form gov.cn files them under::

    中华人民共和国国务院令第706号   国务院令（第706号）   国令第706号   →  国令第706号
    中华人民共和国主席令（第五号）                                     →  主席令第5号
    山东省人民政府令第18号   山东省人民政府令 第十八号       →  山东省人民政府令第18号
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from indexer.chars import CN_NUMERAL, HAN, fold_width
from indexer.recognise.numerals import cn_int

# Brackets printed around the year: 〔〕 (canonical), [] () （） 【】 〖〗 ［］
# and the look-alike 〈〉.
_OPEN = "〔[(（【〖［{〈<"
_CLOSE = "〕])）】〗］}〉>"
# The prefix (机关代字): Han characters, possibly with a trailing 发/函/字 etc. Bounded in length
# so a whole sentence is not swallowed; the caller trims leading words such as 根据/按.
_PREFIX = rf"[{HAN}A-Za-z]{{1,16}}"
_SP = r"[ \t\u3000]*"

# Between its parts a 文号 may be broken over lines: ``联防联控机制综发〔2020〕`` / ``255 号``.
_BR = r"\s{0,4}"

DOCNUM_RE = re.compile(
    rf"(?P<prefix>{_PREFIX}){_BR}"
    rf"(?:[{re.escape(_OPEN)}]{_SP}(?P<year>(?:19|20)\d\d){_SP}[{re.escape(_CLOSE)}]"
    rf"|(?P<year2>(?:19|20)\d\d){_SP}年)"
    rf"{_BR}第?{_SP}(?P<num>\d{{1,5}}){_BR}号"
)

# Words that often precede a 文号 in running text but are not part of it.
_LEADING_NOISE = re.compile(
    r"^(?:.*?(?:根据|依据|按照|参照|对照|按|据|经|以|见|文件|通知|精神|规定|印发|转发|的|和|及|与|、))+"
)


# Words that end up before a year without being a 机关代字 (第2024年3号, 截至2024年12号).
_BAD_START = re.compile(r"^(?:第|截至|截止)+")
# Without brackets (离政办发2024年1号) only a prefix ending like a 代字 is taken for one.
_YEAR_FORM_PREFIX = re.compile(rf"^[{HAN}A-Za-z]{{2,}}[发函字办令电复批通告]$")


# An order number: 令, maybe a bracket, 第, the serial (Arabic or Chinese numerals), 号. The
# organ before 令 is read backwards from the 令 (see _order_prefix).
_ORDER_RE = re.compile(
    rf"令{_BR}(?P<open>[(（])?{_SP}第{_SP}(?P<num>\d{{1,5}}|[{CN_NUMERAL}]{{1,8}}){_SP}号"
    rf"(?(open){_SP}[)）])"
)
# What an ordering organ's name ends with (国令 is the State Council's own short form).
_ORDER_ORGAN = re.compile(
    r"(?:人民政府|政府|国务院|主席|总局|部|委员会|委|局|署|银行|院|办公厅|厅|会)$"
)
# Words that lead into an order number in running text, and the 文种 a regulation's title ends
# with where the number is printed on after it (…实施条例国令第707号); an organ's name holds
# none of them (a whole name may hold 和: 国家发展和改革委员会).
_ORDER_LEAD = re.compile(
    r"^(?:.*(?:根据|依据|按照|参照|遵照|按|据|经|见|公布|发布|颁布|现将|现予|以|由|令|号"
    r"|条例|规定|办法|细则|规则|决定|命令))?[和及与]?"
)
_NATIONAL = "中华人民共和国"
_STATE_COUNCIL = ("国务院", "国")


@dataclass(frozen=True)
class DocNumber:
    """A parsed 文号: 机关代字, year and serial number; ``str()`` gives the canonical form.

    An order number (``国令第707号``) has no year: its prefix ends in 令.

    >>> str(DocNumber("国令", None, 707)), DocNumber("国令", None, 707).series
    ('国令第707号', '')
    """

    prefix: str
    year: int | None
    number: int

    def __str__(self) -> str:
        if self.year is None:
            return f"{self.prefix}第{self.number}号"
        return f"{self.prefix}〔{self.year}〕{self.number}号"

    @property
    def series(self) -> str:
        """The 代字 and year a series of numbers shares (``国发〔2024〕``); "" for an order."""
        return f"{self.prefix}〔{self.year}〕" if self.year is not None else ""


# Where a year could begin (every position, overlapping ones too), and the spaces _SP allows
# between an opening bracket and the year.
_YEAR_START_RE = re.compile(r"(?=(?:19|20)\d\d)")
_SPACES = " \t\u3000"
# The farthest a match starts before its year, spaces after the bracket aside: a 16-character
# prefix, 4 characters of line break and the bracket.
_BEFORE_YEAR = 16 + 4 + 1


def _docnum_matches(norm: str) -> Iterator[re.Match[str]]:
    """What ``DOCNUM_RE.finditer(norm)`` yields, trying only the starts a year makes possible.

    Every match holds a year at some ``q`` and starts in ``[q - spaces - 21, q)``, where
    ``spaces`` is the run of spaces just before ``q``. Those windows' lower ends grow with ``q``
    (a run of spaces before a later year cannot reach back past an earlier year's digits), so
    trying their positions in order, each once, finds the leftmost match as the plain scan
    does, without trying a match at each of a long body's characters.
    """
    cursor = 0  # every start before this has been tried, or lies inside a match
    for year in _YEAR_START_RE.finditer(norm):
        q = year.start()
        if q <= cursor:
            continue
        low = q
        while low and norm[low - 1] in _SPACES:
            low -= 1
        low -= _BEFORE_YEAR
        for start in range(max(cursor, low), q):
            m = DOCNUM_RE.match(norm, start)
            if m:
                yield m
                cursor = m.end()
                break
        else:
            cursor = q


def _clean_prefix(prefix: str) -> str:
    trimmed = _LEADING_NOISE.sub("", prefix)
    # "按市吕财农〔2017〕1号": after a verb, 市/省 means "the city's", not part of the 代字.
    if trimmed != prefix and trimmed[:1] in "市省" and len(trimmed) >= 4:
        trimmed = trimmed[1:]
    return trimmed or prefix


def _order_prefix(norm: str, end: int) -> tuple[str, int] | None:
    """The ordering organ whose name ends just before the 令 at ``end``, and where it starts.

    Read backwards over up to 20 Han characters, cut after the words that lead into a number in
    running text (根据, 以…), and kept only when it ends like an organ (人民政府, 部, 国务院…).
    """
    start = end
    while start > 0 and end - start < 20 and re.match(rf"[{HAN}]", norm[start - 1]):
        start -= 1
    raw = norm[start:end]
    organ = _ORDER_LEAD.sub("", raw)
    start += len(raw) - len(organ)
    if organ.startswith(_NATIONAL) and len(organ) > len(_NATIONAL):
        organ = organ[len(_NATIONAL) :]
    if organ in _STATE_COUNCIL:
        return "国令", start
    if len(organ) >= 2 and _ORDER_ORGAN.search(organ):
        return organ + "令", start
    return None


def _order_numbers(norm: str) -> list[tuple[DocNumber, int, int]]:
    found = []
    for m in _ORDER_RE.finditer(norm):
        number = cn_int(m["num"])
        organ = _order_prefix(norm, m.start())
        if organ is None or not number:
            continue
        prefix, start = organ
        found.append((DocNumber(prefix, None, number), start, m.end()))
    return found


def iter_doc_numbers(text: str) -> list[tuple[DocNumber, int, int]]:
    """Every 文号 in ``text`` with its (start, end) span (width folding keeps offsets).

    >>> [str(d) for d, _, _ in iter_doc_numbers("按晋财农〔2021〕56号文件精神，吕财农[2017]1号")]
    ['晋财农〔2021〕56号', '吕财农〔2017〕1号']
    >>> [str(d) for d, _, _ in iter_doc_numbers("根据中华人民共和国国务院令（第五八八号）")]
    ['国令第588号']
    """
    norm = fold_width(text)
    found = _year_numbers(norm)
    if "令" in norm:
        taken = [(a, b) for _, a, b in found]
        found += [
            hit for hit in _order_numbers(norm) if all(hit[2] <= a or hit[1] >= b for a, b in taken)
        ]
        found.sort(key=lambda hit: hit[1])
    return found


def _year_numbers(norm: str) -> list[tuple[DocNumber, int, int]]:
    found = []
    for m in _docnum_matches(norm):
        year = int(m.group("year") or m.group("year2"))
        prefix = _BAD_START.sub("", _clean_prefix(m.group("prefix")))
        if not prefix or (m.group("year2") and not _YEAR_FORM_PREFIX.search(prefix)):
            continue
        start = m.start("prefix") + (len(m.group("prefix")) - len(prefix))
        found.append((DocNumber(prefix, year, int(m.group("num"))), start, m.end()))
    return found


def parse_doc_number(text: str) -> DocNumber | None:
    """The first 文号 in ``text``, or None.

    >>> str(parse_doc_number("离政办发 （２０２４） １ 号"))
    '离政办发〔2024〕1号'
    """
    hits = iter_doc_numbers(text)
    return hits[0][0] if hits else None


def canonical_doc_number(text: str) -> str:
    """Canonical form of the first 文号 in ``text``, or ``""`` when there is none.

    >>> canonical_doc_number("离政办发【2024】1号"), canonical_doc_number("无文号")
    ('离政办发〔2024〕1号', '')
    """
    parsed = parse_doc_number(text)
    return str(parsed) if parsed else ""


def find_doc_numbers(text: str) -> list[str]:
    """Every distinct canonical 文号 in ``text``, in order of first appearance.

    >>> find_doc_numbers("依据国发〔2015〕5 号、中网办发文[2015]14 号和国发（2015）5号")
    ['国发〔2015〕5号', '中网办发文〔2015〕14号']
    """
    seen: dict[str, None] = {}
    for parsed, _, _ in iter_doc_numbers(text):
        seen.setdefault(str(parsed), None)
    return list(seen)
