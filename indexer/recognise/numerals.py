"""Chinese numerals to integers: the one reader for dates, years, issue and order numbers.

Gazettes write a number in one of two ways:

* with units (十 百 千 万): ``十二``, ``一百零二``, ``两千零五``, ``廿六``: counts, months, days,
  issue numbers. 一 before 十 may be left out (``十二``, ``一百十二``); 零 stands for the units
  skipped (``一千零一十``); a last digit straight after 百, 千 or 万 counts in the next unit down
  (``一百二`` is 120, ``三万五`` is 35000), as it is read aloud.
* positional, one digit per place: ``一九五四``, ``二〇二四``, ``一〇二``: years, some issue
  numbers.

Arabic and full-width digits read as themselves. The OCR look-alikes of zero that
:data:`indexer.chars.CN_ZERO` lists (O, o, Greek Ο) read as zero: inside a numeral nothing else
can be meant. Other confusions (``—`` for 一, ``口`` for 〇) are real characters elsewhere, so
they are not guessed at.
"""

from __future__ import annotations

from indexer.chars import CN_ZERO, fold_width

_VALUES: dict[str, int] = (
    {ch: 0 for ch in CN_ZERO}
    | dict(zip("一二三四五六七八九", range(1, 10), strict=True))
    | {"两": 2}
)
_UNITS = {"十": 10, "百": 100, "千": 1000}
# 廿 and 卅 are 二十 and 三十 in one character (廿六日).
_SPELLED = str.maketrans({"廿": "二十", "卅": "三十"})
_WAN = 10_000


def _squeeze(text: str) -> str:
    """Width folded, whitespace removed: numerals are letter-spaced in headings (十 二 月)."""
    return "".join(fold_width(text).split())


def cn_digits(text: str) -> int | None:
    """A number written one digit per place, in Chinese or Arabic digits or both; else None.

    >>> cn_digits("一九五四"), cn_digits("二〇二四"), cn_digits("二0二四"), cn_digits("２０２４")
    (1954, 2024, 2024, 2024)
    >>> cn_digits("十二"), cn_digits("两"), cn_digits("")
    (None, None, None)
    """
    text = _squeeze(text)
    if not text:
        return None
    digits = []
    for ch in text:
        if "0" <= ch <= "9":
            digits.append(ch)
        elif ch in _VALUES and ch != "两":  # 两 is never a digit of a place
            digits.append(str(_VALUES[ch]))
        else:
            return None
    return int("".join(digits))


def cn_int(text: str) -> int | None:
    """The value of a numeral with or without units (see the module docstring), else None.

    >>> cn_int("第一百零二期"[1:-1]), cn_int("十二"), cn_int("一十二"), cn_int("廿六")
    (102, 12, 12, 26)
    >>> cn_int("两千零五"), cn_int("一〇二"), cn_int("１２"), cn_int("三万五")
    (2005, 102, 12, 35000)
    >>> cn_int("百"), cn_int("一百零十"), cn_int("十二个"), cn_int("")
    (None, None, None, None)
    """
    text = _squeeze(text).translate(_SPELLED)
    if not text:
        return None
    if not any(ch in _UNITS or ch in "万两" for ch in text):
        return cn_digits(text)
    high, wan, low = text.partition("万")
    if not wan:
        return _below_wan(text, after_wan=False)
    top = _below_wan(high, after_wan=False) if high else None
    rest = _below_wan(low, after_wan=True) if low else 0
    if not top or rest is None:
        return None
    return top * _WAN + rest


def _below_wan(text: str, after_wan: bool) -> int | None:
    """A numeral below 10000 written with units; ``after_wan`` when it follows a 万."""
    total, last, digit, zero = 0, _WAN, None, False
    for ch in text:
        unit = _UNITS.get(ch)
        if unit is None:
            value = _VALUES.get(ch)
            if value is None or digit is not None:
                return None  # not a numeral, or two digits in a row
            if value == 0:
                if zero or (total == 0 and not after_wan):
                    return None  # 零 only after a unit, and once
                zero = True
            else:
                digit = value
            continue
        if unit >= last or (digit is None and unit != 10):
            return None  # units go down; only 十 may stand without its digit
        if zero and unit * 10 >= last:
            return None  # 零 must stand for a skipped unit (一百零十 is not a number)
        if not zero and (total or after_wan) and unit * 10 != last:
            return None  # a skipped unit needs its 零 (一千二十)
        total += (digit or 1) * unit
        last, digit, zero = unit, None, False
    if digit is None:
        return None if zero else total
    if zero:
        return total + digit if last >= 100 else None
    if last == 10 or (last == _WAN and not after_wan):
        return total + digit  # 二十五, or a lone digit
    return total + digit * last // 10  # 一百二 is 120, 一万五 is 15000
