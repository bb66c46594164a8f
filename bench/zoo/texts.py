"""Real document texts for the zoo, cut into the parts a typesetter prints.

The gazette's layout is ours to choose, but the words are not: every document body comes from
``../shared/corpus/laws-sample.jsonl`` (or the bench laws). The 40 ``govcn/*`` lines are State
Council documents with gold metadata; they are parsed into title, 文号, addressee, paragraphs,
signature, date and the enclosure a 通知 forwards. The ``lawrefbook/*`` lines are laws and
regulations whose metadata is heuristic, so only their title and articles are used; the head a
gazette prints over them (a 令, a 通知 that 印发s them, a bracketed date) is decided in
:mod:`compose`, which therefore knows the truth of what it prints.

This module has its own small date reader on purpose: the truth must not come from the code it
measures.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
SAMPLE = CORPUS / "laws-sample.jsonl"
BENCH_LAWS = CORPUS / "bench" / "laws.jsonl.gz"

_CN_DIGITS = {ch: i for i, ch in enumerate("〇一二三四五六七八九")} | {"○": 0, "零": 0}
_DATE_LINE = re.compile(
    r"^(?P<y>[0-9〇○零一二三四五六七八九]{4})年(?P<m>[0-9十一二三四五六七八九]{1,3})月"
    r"(?P<d>[0-9十一二三四五六七八九]{1,3})日$"
)
_ARTICLE = re.compile(r"^第[一二三四五六七八九十百零〇]+[章条节]")
_LING_HEAD = re.compile(r"^(中华人民共和国)?国务院令$")
_LING_NO = re.compile(r"^第(\d+)号$")


@dataclass(frozen=True)
class Enclosure:
    """A document printed after its 通知 (the 方案 it 印发s, the 报告 it 转发s)."""

    title: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class Text:
    """One real document, in the parts a gazette prints.

    ``date`` is ISO or "" (the source printed none); ``ling`` is the 令 number when the source
    is a regulation promulgated by a 国务院令 (its ``doc_number`` is then ``国令第N号``).
    """

    key: str
    title: str
    issuer: str
    doc_type: str
    doc_number: str
    date: str
    addressee: str
    paragraphs: tuple[str, ...]
    signature: str
    enclosure: Enclosure | None = None
    ling: int | None = None
    attachments: tuple[str, ...] = field(default=())


def small_number(text: str) -> int:
    """A month or day in Arabic or Chinese numerals.

    >>> small_number("十二"), small_number("二十九"), small_number("5"), small_number("三十一")
    (12, 29, 5, 31)
    """
    if text.isdigit():
        return int(text)
    if "十" not in text:
        return _CN_DIGITS[text]
    tens, _, units = text.partition("十")
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[units] if units else 0)


def read_date(line: str) -> str:
    """The ISO date of a line that is only a date (``一九九六年六月二十九日``), else "".

    >>> read_date("一九九六年六月二十九日"), read_date("2019年1月24日"), read_date("经研究")
    ('1996-06-29', '2019-01-24', '')
    """
    m = _DATE_LINE.match(line.strip())
    if not m:
        return ""
    year = m["y"]
    y = int(year) if year.isdigit() else int("".join(str(_CN_DIGITS[c]) for c in year))
    return f"{y:04d}-{small_number(m['m']):02d}-{small_number(m['d']):02d}"


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _take_title(lines: list[str], title: str) -> int:
    """How many leading lines spell the title (it is wrapped over one to four lines)."""
    joined = ""
    for index, line in enumerate(lines[:5]):
        joined += _squash(line)
        if joined == _squash(title):
            return index + 1
        if not _squash(title).startswith(joined):
            return 0
    return 0


def _is_addressee(line: str) -> bool:
    return line.endswith("：") and len(line) < 160 and "。" not in line


def parse_govcn(row: dict[str, str]) -> Text | None:
    """A State Council document cut into its parts; None when its shape is not the usual one."""
    lines = [ln.strip() for ln in row["body"].split("\n") if ln.strip()]
    ling = None
    if len(lines) > 2 and _LING_HEAD.match(lines[0]) and _LING_NO.match(lines[1]):
        ling = int(_LING_NO.match(lines[1])[1])  # type: ignore[index]
        lines = lines[2:]
        start = 0
    else:
        start = _take_title(lines, row["title"])
        if not start:
            return None
        if start < len(lines) and _squash(lines[start]) == _squash(row["doc_number"]):
            start += 1
    addressee = ""
    if start < len(lines) and _is_addressee(lines[start]):
        addressee, start = lines[start], start + 1
    dated = [i for i in range(start, len(lines)) if read_date(lines[i])]
    if not dated or dated[0] < start + 2:
        return None
    end = dated[0]
    signature, date = lines[end - 1], read_date(lines[end])
    if len(signature) > 40 or "。" in signature:
        return None
    rest = [ln for ln in lines[end + 1 :] if not (ln.startswith("（") and ln.endswith("）"))]
    paragraphs, attachments = _split_attachment_list(lines[start : end - 1])
    # What follows a 附件 label is printed by the typesetter from the list, not copied.
    enclosure = _enclosure(rest) if rest and not rest[0].startswith("附件") else None
    return Text(
        key=row["id"],
        title=row["title"],
        issuer=row["issuer"],
        doc_type=row["doc_type"],
        doc_number=row["doc_number"],
        date=date,
        addressee=addressee,
        paragraphs=tuple(paragraphs),
        signature=re.sub(r"\s+", " ", signature.replace("&sp;", "")).strip(),
        enclosure=enclosure,
        ling=ling,
        attachments=tuple(attachments),
    )


_ATTACHMENT_ITEM = re.compile(r"^(?:附件[：:]?)?\s*(\d+)[.．、]\s*(.+)$")


def _split_attachment_list(lines: list[str]) -> tuple[list[str], list[str]]:
    """The paragraphs without their closing ``附件：1.… 2.…`` list, and the listed titles."""
    for index, line in enumerate(lines):
        if line.startswith("附件"):
            titles = [_ATTACHMENT_ITEM.sub(r"\2", ln).strip() for ln in lines[index:]]
            if line.startswith("附件：") and not _ATTACHMENT_ITEM.match(line):
                titles = [line.removeprefix("附件：").strip()]
            return lines[:index], [t for t in titles if t]
    return lines, []


def _enclosure(lines: list[str]) -> Enclosure:
    """The enclosed document: a title of up to three short lines, then its paragraphs."""
    count = 1
    while (
        count < min(3, len(lines) - 1)
        and len(lines[count]) < 30
        and not lines[count].endswith(("：", "。"))
        and not _ARTICLE.match(lines[count])
        and lines[count][:1] not in "（(0123456789"
        and _squash(lines[count]) != "目录"
    ):
        count += 1
    return Enclosure(_squash("".join(lines[:count])), tuple(lines[count:]))


def parse_law(row: dict[str, str]) -> Text | None:
    """A law or regulation: its title and its articles, without the history lines above them."""
    lines = [ln.strip() for ln in row["body"].split("\n") if ln.strip()]
    first = next((i for i, ln in enumerate(lines) if _ARTICLE.match(ln)), None)
    title = _squash(row["title"])
    if first is None or len(lines) - first < 4 or not 6 <= len(title) <= 40:
        return None
    return Text(
        key=row["id"],
        title=title,
        issuer=row["issuer"],
        doc_type=row["doc_type"],
        doc_number="",
        date="",
        addressee="",
        paragraphs=tuple(lines[first:]),
        signature="",
    )


def _rows(path: Path) -> Iterator[dict[str, str]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def load_texts(bench_laws: bool = False) -> tuple[list[Text], list[Text]]:
    """The State Council documents and the laws, each in corpus order (so the zoo is stable).

    ``bench_laws`` adds the laws of ``bench/laws.jsonl.gz`` after those of the sample.
    """
    notices: list[Text] = []
    laws: list[Text] = []
    seen: set[str] = set()
    paths = [SAMPLE] + ([BENCH_LAWS] if bench_laws and BENCH_LAWS.is_file() else [])
    for path in paths:
        for row in _rows(path):
            if row["title"] in seen:
                continue
            seen.add(row["title"])
            if row["id"].startswith("govcn/"):
                text = parse_govcn(row)
                if text:
                    notices.append(text)
            else:
                law = parse_law(row)
                if law:
                    laws.append(law)
    return notices, laws
