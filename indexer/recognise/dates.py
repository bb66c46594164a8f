"""Dates as Chinese government documents print them, parsed to ISO ``YYYY-MM-DD``.

Handles Arabic digits (``2024年3月5日``, ``2022 年 6 月 27 日``, full-width ``２０２４``) and
Chinese numerals (``二〇二四年三月五日``, ``一九五四年十月十二日``, ``二○二三年十二月二十六日``).
A 成文日期 line may carry a place or an action after the date (``…于北京``, ``…国务院批准``).
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Iterator

_ZERO = "〇零○ＯOoΟ0"
_DIGITS = {ch: 0 for ch in _ZERO} | dict(zip("一二三四五六七八九", range(1, 10), strict=True))
_CN_NUM = "〇零○ＯOΟ一二三四五六七八九十廿卅"
_SP = r"[ \t\u3000]*"

_ARABIC_RE = re.compile(
    rf"(?<!\d)(?P<y>(?:1[89]|20)\d\d){_SP}年{_SP}(?P<m>\d{{1,2}}){_SP}月{_SP}(?P<d>\d{{1,2}}){_SP}[日号]"
)
_CHINESE_RE = re.compile(
    rf"(?P<y>(?:[{_ZERO}一二三四五六七八九]{_SP}){{3}}[{_ZERO}一二三四五六七八九]){_SP}年{_SP}"
    rf"(?P<m>(?:[{_CN_NUM}]{_SP})?[{_CN_NUM}]){_SP}月{_SP}(?P<d>(?:[{_CN_NUM}]{_SP}){{0,2}}[{_CN_NUM}]){_SP}日"
)
# Month and day without a year (``十月十六日``), valid only with a year from the context.
_MONTH_DAY_RE = re.compile(
    rf"^(?P<m>[{_CN_NUM}]{{1,2}}|\d{{1,2}}){_SP}月{_SP}(?P<d>[{_CN_NUM}]{{1,3}}|\d{{1,2}}){_SP}日$"
)
# What may follow the date on a 成文日期 line: a place (于北京), a meeting or approval note.
_LINE_TAIL_RE = re.compile(
    r"^(?:于\S{1,8}|\S{0,30}?(?:通过|批准|发布|公布|印发|施行|修订|修正|制定|签订|签署|签发))?$"
)
_NARROW = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_OPEN = "（(〔[【"
_CLOSE = "）)〕]】"


def narrow(text: str) -> str:
    """Full-width ASCII (``２０２４``, ``（``) to half width, one character for one.

    >>> narrow("２０２４年（第１期）")
    '2024年(第1期)'
    """
    return text.translate(_NARROW)


def _cn_small(text: str) -> int | None:
    """Chinese numeral 1-39 (``十二`` → 12, ``二十六`` → 26, ``廿六`` → 26), else None."""
    text = text.replace("廿", "二十").replace("卅", "三十")
    if not text:
        return None
    if "十" not in text:
        return _DIGITS.get(text) if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    if len(tens) > 1 or len(ones) > 1:
        return None
    high = _DIGITS.get(tens, -1) if tens else 1
    low = _DIGITS.get(ones, -1) if ones else 0
    return None if high < 1 or low < 0 else high * 10 + low


def _number(text: str) -> int | None:
    text = re.sub(r"\s", "", text)
    return int(text) if text.isdigit() else _cn_small(text)


def _iso(year: int, month: int | None, day: int | None) -> str | None:
    if month is None or day is None:
        return None
    try:
        return _dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _cn_year(text: str) -> int:
    return int("".join(str(_DIGITS[ch]) for ch in text if ch in _DIGITS))


def iter_dates(text: str) -> Iterator[tuple[str, int, int]]:
    """Every valid date in ``text`` as (ISO date, start, end), in order.

    >>> [d for d, _, _ in iter_dates("经二〇二三年十二月二十六日会议研究，2024 年 1 月 5 日起施行")]
    ['2023-12-26', '2024-01-05']
    """
    norm = narrow(text)
    hits: list[tuple[str, int, int]] = []
    for m in _ARABIC_RE.finditer(norm):
        iso = _iso(int(m["y"]), int(m["m"]), int(m["d"]))
        if iso:
            hits.append((iso, m.start(), m.end()))
    for m in _CHINESE_RE.finditer(norm):
        iso = _iso(_cn_year(m["y"]), _number(m["m"]), _number(m["d"]))
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
    m = _MONTH_DAY_RE.match(narrow(text))
    if m and year is not None:
        return _iso(year, _number(m["m"]), _number(m["d"]))
    return None


def chinese_year(text: str) -> int | None:
    """A year written in Arabic or Chinese digits, else None.

    >>> chinese_year("一九五四"), chinese_year("２０２４"), chinese_year("十二")
    (1954, 2024, None)
    """
    text = re.sub(r"\s", "", narrow(text))
    if re.fullmatch(r"(?:1[89]|20)\d\d", text):
        return int(text)
    if len(text) == 4 and all(ch in _DIGITS for ch in text):
        value = _cn_year(text)
        return value if 1800 <= value <= 2099 else None
    return None
