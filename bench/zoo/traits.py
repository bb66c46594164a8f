"""The traits of a gazette layout, and how each one writes its words.

A :class:`Layout` is one combination of traits seen in real gazettes (contents style, document
heads, date style, page furniture, issue structure). The functions here turn a fact (a date, a
page number, a contents entry) into the characters a layout prints; the typesetter only places
them. Every choice that varies within an issue takes the issue's seeded ``random.Random``.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

_CN = "〇一二三四五六七八九"


@dataclass(frozen=True)
class Layout:
    """One gazette issue's traits. Defaults are the plainest A4 government gazette."""

    name: str
    gazette: str
    organ: str  # the government that publishes the gazette
    prefix: str  # of its 文号: 国 gives 国发〔2019〕3号, 鲁政 gives 鲁政发〔2024〕3号
    year: int
    number: int
    page: str = "a4"  # "a4" (210×297 mm) or "16k" (184×260 mm)
    body_columns: int = 1
    # contents
    contents: str = "listed"  # listed | none (the issue prints no 目录: documents only)
    english: bool = False  # the Chinese contents are followed by an English one
    issuer_after: bool = False  # entry: short title, then the issuer
    page_style: str = "dots"  # dots | spaces | fullparen | halfparen
    run_in: bool = False  # entries run on, so two share a line
    entry_docnum: bool = False  # the 文号 in brackets after the title
    list_enclosures: bool = False  # the enclosed 方案 as its own indented entry
    sections: bool = True  # 【国务院文件】 headings
    contents_columns: int = 1
    contents_chars: int = 0  # wrap entries at this many characters (0: the frame width)
    # document heads and dates
    head: str = "centred"  # centred | red | addressee
    date_style: str = "cn"  # cn (〇) | cn-o (○) | arabic | spaced
    month_only: int = 0  # how many documents print a month-only date
    # pages
    running_header: str = "alternate"  # alternate | same | none
    footer: str = "dash"  # dash (— 3 —) | dot (· 3 ·) | hyphen (-3-) | di (第3页) | bare
    new_page: bool = True  # each document starts on a new page
    attachments: bool = False  # 附件 printed with their own titles (and tables)
    back_cover: bool = False
    ocr: bool = False  # also write the issue as OCR'd text
    # what the issue holds: kinds of documents, in order, filled from the corpus
    kinds: tuple[str, ...] = ()
    max_chars: int = 1400  # a document body is cut to about this many characters


def cn_year(year: int, zero: str = "〇") -> str:
    """A year in Chinese digits, with the zero a layout prints.

    >>> cn_year(2024), cn_year(2008, "○")
    ('二〇二四', '二○○八')
    """
    return "".join(_CN[int(d)] for d in str(year)).replace("〇", zero)


def cn_small(value: int) -> str:
    """A month or day in Chinese numerals.

    >>> cn_small(3), cn_small(10), cn_small(12), cn_small(20), cn_small(31)
    ('三', '十', '十二', '二十', '三十一')
    """
    tens, units = divmod(value, 10)
    text = ("" if tens < 2 else _CN[tens]) + ("十" if tens else "")
    return text + (_CN[units] if units else "")


def format_date(iso: str, style: str) -> str:
    """``iso`` (YYYY-MM-DD or YYYY-MM) the way a layout prints it.

    >>> format_date("2024-03-05", "cn"), format_date("2024-03", "cn-o")
    ('二〇二四年三月五日', '二○二四年三月')
    >>> format_date("2024-03-05", "arabic"), format_date("2024-03-05", "spaced")
    ('2024年3月5日', '2024 年 3 月 5 日')
    """
    parts = [int(p) for p in iso.split("-")]
    if style in ("cn", "cn-o"):
        words = [cn_year(parts[0], "〇" if style == "cn" else "○"), *map(cn_small, parts[1:])]
    else:
        words = [str(p) for p in parts]
    units = ["年", "月", "日"][: len(words)]
    sep = " " if style == "spaced" else ""
    return sep.join(f"{w}{sep}{u}" for w, u in zip(words, units, strict=True))


def footer_text(number: int, style: str) -> str:
    """The page number in the footer style of the issue.

    >>> [footer_text(3, s) for s in ("dash", "dot", "hyphen", "di", "bare")]
    ['— 3 —', '· 3 ·', '-3-', '第3页', '3']
    """
    return {
        "dash": f"— {number} —",
        "dot": f"· {number} ·",
        "hyphen": f"-{number}-",
        "di": f"第{number}页",
        "bare": str(number),
    }[style]


def page_mark(number: int, style: str) -> str:
    """A contents entry's page number as printed after its title (the leader is drawn apart).

    >>> page_mark(15, "fullparen"), page_mark(15, "halfparen"), page_mark(15, "dots")
    ('（15）', '(15)', '15')
    """
    return {"fullparen": f"（{number}）", "halfparen": f"({number})"}.get(style, str(number))


def short_title(title: str, issuer: str) -> str:
    """The title without the issuer that opens it, for entries that print the issuer after it.

    >>> short_title("人事部关于印发《暂行规定》的通知", "人事部")
    '关于印发《暂行规定》的通知'
    >>> short_title("国务院办公厅转发民政部关于清理整顿社会团体意见的通知", "国务院办公厅")
    '转发民政部关于清理整顿社会团体意见的通知'
    """
    for prefix in (issuer, re.split(r"[ 、]", issuer)[0]):
        if prefix and title.startswith(prefix):
            return title[len(prefix) :]
    return title


def english_title(doc_type: str, issuer: str, number: int) -> str:
    """A plausible English contents line; bilingual contents translate, we only need the shape."""
    kinds = {
        "通知": "Circular",
        "意见": "Opinions",
        "决定": "Decision",
        "批复": "Reply",
        "复函": "Reply Letter",
        "函": "Letter",
        "答复": "Answer",
        "通报": "Bulletin",
        "公告": "Announcement",
        "任免": "Appointments and Removals",
    }
    organs = {
        "国务院": "the State Council",
        "国务院办公厅": "the General Office of the State Council",
    }
    kind = kinds.get(doc_type, "Regulations")
    organ = organs.get(issuer.split(" ")[0], "the People's Government")
    return f"{kind} of {organ} (No. {number})"


def ocr_noise(line: str, rng: random.Random) -> str:
    """What an OCR engine makes of a printed line: 〇/○ read as O or 0, 一 in dates as —.

    Only digits and numerals change, never the characters of a title, so the truth stays true.
    """
    line = line.replace("〇", rng.choice("O○0〇")).replace("○", rng.choice("O〇○"))
    if "年" in line and rng.random() < 0.6:
        line = re.sub(r"一(?=[九〇○O0二])", "—", line, count=1)
    if rng.random() < 0.3:
        line = line.replace("〔", "[").replace("〕", "]")
    return line
