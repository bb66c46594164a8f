"""Vocabulary: user words collected from the records themselves, to extend jieba's dictionary.

Issuer names, the places inside them, towns and agency abbreviations (区人社局) that jieba
would otherwise cut apart; a rebuild adds them to the configured user dictionary.

>>> collect_terms([Record(body="坪头乡、枣林乡、吴城镇人民政府，各乡镇")])
('吴城镇', '坪头乡', '枣林乡')
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from indexer.chars import HAN
from indexer.records import Record

_ADMIN_RE = re.compile(rf"[{HAN}]{{2,6}}?(?:自治区|自治州|自治县|省|市|区|县|旗|镇|乡|街道)")
# Towns in a strong context (信义镇人民政府, 凤山街道办事处) or a list (坪头乡、枣林乡、…).
_TOWN_RE = re.compile(
    rf"(?:^|(?<=[^{HAN}])|(?<=[区县市]))([{HAN}]{{2,3}}(?:镇|乡|街道))"
    rf"(?=人民政府|办事处|政府|街道办|[、，；;,]|$)"
)
_AGENCY_RE = re.compile(
    rf"(?:^|(?<=[^{HAN}]))((?!区域)[区市县][{HAN}]{{1,5}}?(?:局|委(?=[^{HAN}]|办|$)))"
)
_TITLE_PLACE_RE = re.compile(rf"^([{HAN}]{{2,3}}?(?:省|市|自治区))")
# Characters of grammar, not of names: a candidate holding one is a phrase, not a name.
_FUNCTION_CHARS = frozenset(
    "的了和与及或并而向对在于由从将把被给为以按据其此该各每全本所等可应须要当请报告知有沿"
    "参加选举负责协助配合支持督促指导组织通知另行驻"
)
_GENERIC_NAMES = frozenset({"城市", "当地", "重点", "沿海", "建制", "文明", "所属", "民族", "周边"})


def _admin_parts(name: str) -> Iterator[str]:
    """``吕梁市离石区人民政府`` → 吕梁市, 离石区."""
    pos = 0
    while (match := _ADMIN_RE.match(name, pos)) is not None:
        yield match.group()
        pos = match.end()


def _record_terms(rec: Record) -> Iterator[str]:
    for issuer in [rec.issuer, *rec.issuers]:
        if issuer and len(issuer) <= 30 and re.fullmatch(f"[{HAN}]+", issuer):
            yield issuer
            yield from _admin_parts(issuer)
    if match := _TITLE_PLACE_RE.match(rec.title):
        yield match.group(1)
    for text in (rec.title, rec.body):
        towns = [m.group(1) for m in _TOWN_RE.finditer(text)]
        yield from (t for t in towns if _is_town(t.removesuffix("街道").rstrip("镇乡")))
        agencies = (m.group(1) for m in _AGENCY_RE.finditer(text))
        yield from (a for a in agencies if not _FUNCTION_CHARS.intersection(a[1:-1]))


def _is_town(name: str) -> bool:
    """Not a phrase of grammar (各乡镇, 并告知街道) nor a common noun (城市街道)."""
    generic = name in _GENERIC_NAMES or name.endswith(("市", "区", "县", "省", "村"))
    return not generic and not _FUNCTION_CHARS.intersection(name)


def collect_terms(records: Iterable[Record]) -> tuple[str, ...]:
    """Issuer names, place names and agency abbreviations seen in the records.

    >>> collect_terms([Record(issuer="吕梁市离石区人民政府", body="信义镇人民政府、区人社局")])
    ('信义镇', '区人社局', '吕梁市', '吕梁市离石区人民政府', '离石区')
    """
    found: set[str] = set()
    for rec in records:
        found.update(term for term in _record_terms(rec) if 2 <= len(term) <= 30)
    return tuple(sorted(found))
