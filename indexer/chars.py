"""Character classes and width folding shared by every stage: one definition of each.

Each is a string of ranges for use inside a regular-expression character class, or a translate
table for :meth:`str.translate`.

>>> import re
>>> re.findall(f"[{HAN}]+", "2024年第1期 Gazette 公报")
['年第', '期', '公报']
>>> fold_width("离政办发〔２０２４〕１号（第Ａ期）")
'离政办发〔2024〕1号(第A期)'
"""

from __future__ import annotations

# The unified ideographs a gazette prints (CJK Unified Ideographs, Extension A, Compatibility).
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Every ideograph the analysis cuts into bigrams: HAN with 〇 and the supplementary planes.
IDEOGRAPHS = f"\u3007{HAN}\U00020000-\U000323af"

# The characters of Chinese numerals, after width folding. Zero is printed 〇, 零 or ○, and
# scans read it as the letters O, o or Greek Ο: inside a numeral those can only be zero.
CN_ZERO = "〇零○OoΟ"
# Digits read one by one, as in a year (一九五四, 二〇二四).
CN_DIGITS = f"{CN_ZERO}一二三四五六七八九"
# Everything a numeral with units may hold (一百零二, 两千, 廿六); see indexer.recognise.numerals.
CN_NUMERAL = f"{CN_DIGITS}两十百千万廿卅"

# Full-width ASCII (U+FF01–U+FF5E: ０-９, Ａ-Ｚ, （, ：, …) to half width, one character for one,
# so that offsets into the folded text are offsets into the original.
WIDTH_TABLE = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def fold_width(text: str) -> str:
    """Full-width ASCII letters, digits and punctuation and the ideographic space to half width."""
    return text.translate(WIDTH_TABLE)


def is_han(ch: str) -> bool:
    """True for one ideograph of :data:`HAN`.

    >>> is_han("公"), is_han("A"), is_han("〇")
    (True, False, False)
    """
    return "\u3400" <= ch <= "\u4dbf" or "\u4e00" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"
