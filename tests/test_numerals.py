"""Chinese numerals: every number a gazette can print reads back, and malformed ones do not."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from indexer.chars import CN_NUMERAL
from indexer.recognise.numerals import cn_digits, cn_int

_DIGITS = "零一二三四五六七八九"


def to_chinese(n: int, *, short_ten: bool = False, zero: str = "零", two: str = "二") -> str:
    """1 to 9999 as written with units: 零 once for each run of skipped units (一百零二,
    一千零五, 一千零一十), 十二 or 一十二 at the start, 两 or 二 before 百 and 千."""
    out, pending_zero = "", False
    for place, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // place % 10
        if digit == 0:
            pending_zero = pending_zero or bool(out)
            continue
        if pending_zero:
            out += zero
            pending_zero = False
        out += (two if digit == 2 and place >= 100 else _DIGITS[digit]) + unit
    return out[1:] if short_ten and out.startswith("一十") else out


def to_chinese_wan(n: int, short_ten: bool = False, zero: str = "零", two: str = "二") -> str:
    """Up to 99999999: the 万 section, then the rest, with 零 when its thousands are skipped."""
    high, low = divmod(n, 10_000)
    if not high:
        return to_chinese(low, short_ten=short_ten, zero=zero, two=two)
    rest = to_chinese(low, zero=zero, two=two) if low else ""
    skipped = zero if 0 < low < 1000 else ""
    return to_chinese(high, short_ten=short_ten, zero=zero, two=two) + "万" + skipped + rest


def test_the_reference_formatter_writes_what_gazettes_print() -> None:
    assert [to_chinese(n) for n in (102, 1005, 1010, 12, 9999)] == [
        "一百零二",
        "一千零五",
        "一千零一十",
        "一十二",
        "九千九百九十九",
    ]
    assert to_chinese(12, short_ten=True) == "十二"
    assert to_chinese(2200, two="两") == "两千两百"
    assert to_chinese_wan(10_005) == "一万零五"


def test_every_number_from_one_to_9999_reads_back() -> None:
    assert all(cn_int(to_chinese(n)) == n for n in range(1, 10_000))


@given(
    st.integers(1, 99_999_999),
    st.booleans(),
    st.sampled_from("零〇"),
    st.sampled_from("二两"),
)
def test_any_style_of_a_number_reads_back(n: int, short_ten: bool, zero: str, two: str) -> None:
    assert cn_int(to_chinese_wan(n, short_ten=short_ten, zero=zero, two=two)) == n


@given(st.integers(0, 99_999_999))
def test_positional_and_arabic_forms_read_back(n: int) -> None:
    positional = "".join(_DIGITS[int(d)] for d in str(n)).replace("零", "〇")
    full_width = "".join(chr(ord(d) + 0xFEE0) for d in str(n))
    assert cn_int(positional) == cn_digits(positional) == n
    assert cn_int(str(n)) == cn_int(full_width) == n


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("一百零二", 102),
        ("一百〇二", 102),
        ("一百O二", 102),  # an OCR'd 〇
        ("二O二四", 2024),
        ("十", 10),
        ("一百十二", 112),
        ("一千零十", 1010),
        ("一百二", 120),  # as read aloud: 一百二十
        ("三万五", 35_000),
        ("廿六", 26),
        ("卅", 30),
        ("两", 2),
        ("十 二", 12),
        ("零", 0),
    ],
)
def test_readings(text: str, value: int) -> None:
    assert cn_int(text) == value


@pytest.mark.parametrize(
    "text",
    [
        "百",
        "万",
        "十十",
        "一二十",
        "二十零",
        "零十",
        "一百零十",
        "一千二十",
        "一万五百",
        "两二",
        "第一",
        "3万",
    ],
)
def test_malformed_numerals_are_none(text: str) -> None:
    assert cn_int(text) is None


@pytest.mark.parametrize("text", ["十二", "两千", "一九五", "一九五四年", ""])
def test_digits_are_digits_only(text: str) -> None:
    assert cn_digits(text) == (195 if text == "一九五" else None)


@given(st.text(alphabet=CN_NUMERAL + "0123456789２ 年第", max_size=12))
def test_any_string_of_numeral_characters_is_a_number_or_none(text: str) -> None:
    value = cn_int(text)
    assert value is None or value >= 0
