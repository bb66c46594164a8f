"""Dates as Chinese government documents print them, parsed to ISO ``YYYY-MM-DD``.

Handles Arabic digits (``2024年3月5日``, ``2022 年 6 月 27 日``, full-width ``２０２４``) and
Chinese numerals (``二〇二四年三月五日``, ``一九五四年十月十二日``, ``二○二三年十二月二十六日``).
A 成文日期 line may carry a place or an action after the date (``…于北京``, ``…国务院批准``).
Where only a month is printed (``二〇二四年三月`` under a signature) the date is kept at month
precision, ``YYYY-MM``.

OCR reads 一 as a dash (``—九九九年一月一日``) and 〇 as the letter O: inside a date written in
Chinese numerals, where a dash or a letter cannot stand, they are read as the numeral.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Callable, Iterator

from indexer.chars import CN_DIGITS, fold_width
from indexer.recognise.notes import NOTE_TAIL
from indexer.recognise.numerals import cn_digits, cn_int

# What OCR prints for 一: dashes and the katakana long-vowel mark, read as 一 inside a date.
OCR_ONE = "—―ー"
_OCR_TO_ONE = str.maketrans(dict.fromkeys(OCR_ONE, "一"))
# A year's digits may mix in an Arabic 0 (二0二四); months and days are numerals with units.
_YEAR_DIGIT = f"[{CN_DIGITS}0{OCR_ONE}]"
_CN_NUM = f"{CN_DIGITS}十廿卅{OCR_ONE}"
_SP = r"[ \t\u3000]*"

_ARABIC_RE = re.compile(
    rf"(?<!\d)(?P<y>(?:1[89]|20)\d\d){_SP}年{_SP}(?P<m>\d{{1,2}}){_SP}月{_SP}(?P<d>\d{{1,2}}){_SP}[日号]"
)
_CHINESE_RE = re.compile(
    rf"(?P<y>(?:{_YEAR_DIGIT}{_SP}){{3}}{_YEAR_DIGIT}){_SP}年{_SP}"
    rf"(?P<m>(?:[{_CN_NUM}]{_SP})?[{_CN_NUM}]){_SP}月{_SP}(?P<d>(?:[{_CN_NUM}]{_SP}){{0,2}}[{_CN_NUM}]){_SP}日"
)
_ARABIC_MONTH_RE = re.compile(rf"^(?P<y>(?:1[89]|20)\d\d){_SP}年{_SP}(?P<m>\d{{1,2}}){_SP}月$")
_CHINESE_MONTH_RE = re.compile(
    rf"^(?P<y>(?:{_YEAR_DIGIT}{_SP}){{3}}{_YEAR_DIGIT}){_SP}年{_SP}"
    rf"(?P<m>(?:[{_CN_NUM}]{_SP})?[{_CN_NUM}]){_SP}月$"
)
# Month and day without a year (``十月十六日``), valid only with a year from the context.
_MONTH_DAY_RE = re.compile(
    rf"^(?P<m>[{_CN_NUM}]{{1,2}}|\d{{1,2}}){_SP}月{_SP}(?P<d>[{_CN_NUM}]{{1,3}}|\d{{1,2}}){_SP}日$"
)
# What may follow the date on a 成文日期 line: a place (于北京), or a note of who passed, approved
# or issued the document (国务院批准, 区政府第X次常务会议通过).
_LINE_TAIL_RE = re.compile(rf"^(?:于\S{{1,8}}|{NOTE_TAIL})?$")
_OPEN = "（(〔[【"
_CLOSE = "）)〕]】"


def _iso(year: int | None, month: int | None, day: int | None) -> str | None:
    if year is None or month is None or day is None:
        return None
    try:
        return _dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _cn(text: str, read: Callable[[str], int | None] = cn_int) -> int | None:
    """A numeral of a date, OCR dashes read as 一."""
    return read(text.translate(_OCR_TO_ONE))


def iter_dates(text: str) -> Iterator[tuple[str, int, int]]:
    """Every valid date in ``text`` as (ISO date, start, end), in order.

    >>> [d for d, _, _ in iter_dates("经二〇二三年十二月二十六日会议研究，2024 年 1 月 5 日起施行")]
    ['2023-12-26', '2024-01-05']
    >>> [d for d, _, _ in iter_dates("—九九九年—月—日，二OO四年十—月三十日")]
    ['1999-01-01', '2004-11-30']
    """
    norm = fold_width(text)
    hits: list[tuple[str, int, int]] = []
    for m in _ARABIC_RE.finditer(norm):
        iso = _iso(int(m["y"]), int(m["m"]), int(m["d"]))
        if iso:
            hits.append((iso, m.start(), m.end()))
    for m in _CHINESE_RE.finditer(norm):
        iso = _iso(_cn(m["y"], cn_digits), _cn(m["m"]), _cn(m["d"]))
        if iso:
            hits.append((iso, m.start(), m.end()))
    yield from sorted(hits, key=lambda h: h[1])


def parse_date(text: str) -> str | None:
    """The first date in ``text`` as ISO, or None.

    >>> parse_date("一九五四年十月十二日")
    '1954-10-12'
    >>> parse_date("2022 年 6 月 27 日") , parse_date("2023年2月30日")
    ('2022-06-27', None)
    """
    return next((iso for iso, _, _ in iter_dates(text)), None)


def parse_date_line(line: str, year: int | None = None) -> str | None:
    """The date of a line that is a date and nothing else (a 成文日期 line), or None.

    Allows brackets around it and a short tail such as a place or an approval note; a bare
    month and day (``十月十六日``) uses ``year`` when given.

    >>> parse_date_line("一九五四年十月十二日于北京"), parse_date_line("（2024年1月5日印发）")
    ('1954-10-12', '2024-01-05')
    >>> parse_date_line("十月十六日", 1954), parse_date_line("2024年1月5日起施行本办法。")
    ('1954-10-16', None)
    """
    text = re.sub(r"[ \t\u3000]+", "", line.strip())
    if len(text) > 48:
        return None
    if text[:1] in _OPEN and text[-1:] in _CLOSE:
        text = text[1:-1]
    hits = list(iter_dates(text))
    if hits:
        iso, start, end = hits[0]
        return iso if start == 0 and _LINE_TAIL_RE.match(text[end:]) else None
    m = _MONTH_DAY_RE.match(fold_width(text))
    if m and year is not None:
        return _iso(year, cn_int(m["m"]), cn_int(m["d"]))
    return None


def parse_month_line(line: str) -> str | None:
    """``YYYY-MM`` of a line that is a year and a month and nothing else (brackets allowed).

    >>> parse_month_line("二○二四年八月"), parse_month_line("（2024 年 3 月）")
    ('2024-08', '2024-03')
    >>> parse_month_line("二○二四年八月五日"), parse_month_line("2024年13月")
    (None, None)
    """
    text = re.sub(r"[ \t\u3000]+", "", fold_width(line.strip()))
    if text[:1] in _OPEN and text[-1:] in _CLOSE:
        text = text[1:-1]
    year: int | None
    month: int | None
    m = _ARABIC_MONTH_RE.match(text)
    if m:
        year, month = int(m["y"]), int(m["m"])
    else:
        m = _CHINESE_MONTH_RE.match(text)
        if not m:
            return None
        year, month = _cn(m["y"], cn_digits), _cn(m["m"])
    if year is None or month is None or not 1 <= month <= 12 or not 1800 <= year <= 2099:
        return None
    return f"{year:04d}-{month:02d}"


def chinese_year(text: str) -> int | None:
    """A year of four digits, Arabic or Chinese, from 1800 to 2099; else None.

    >>> chinese_year("一九五四"), chinese_year("２０２４"), chinese_year("十二")
    (1954, 2024, None)
    """
    digits = "".join(fold_width(text).split())
    value = cn_digits(digits) if len(digits) == 4 else None
    return value if value is not None and 1800 <= value <= 2099 else None


_RECORD_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}(?:-[0-9]{2})?")


def is_record_date(text: str) -> bool:
    """Whether ``text`` is a record date: a real day ``YYYY-MM-DD`` or a month ``YYYY-MM``.

    A document that prints only its month keeps that precision rather than a made-up day.

    >>> is_record_date("2024-02-29"), is_record_date("2023-02-29"), is_record_date("2024-13-45")
    (True, False, False)
    >>> is_record_date("2024-03"), is_record_date("2024-13"), is_record_date("２０２４-01-01")
    (True, False, False)
    """
    if not _RECORD_DATE_RE.fullmatch(text):
        return False
    try:
        _dt.date.fromisoformat(text if len(text) == 10 else f"{text}-01")
    except ValueError:
        return False
    return True
