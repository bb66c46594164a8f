"""What a title tells: the 发文机关 (issuer or issuers).

The 文种 a title ends with, and whether a line is a title at all, are read by
:mod:`indexer.doctypes`, which text extraction needs too.

Chinese official titles follow one pattern, 发文机关 + 关于 + 事由 + 文种 (吕梁市离石区人民政府关于
印发…方案的通知), with variants in older and diplomatic documents: joint issuers joined by 和 or
、 (中华人民共和国政府和锡兰政府贸易谈判公报), a person (毛泽东主席向…致谢的信, 印度共和国政府代表
艾扬格的照会) or an abbreviation of the parties (中苏关于…的联合公报).
"""

from __future__ import annotations

import functools
import re

from indexer.chars import HAN
from indexer.doctypes import TYPE_WORDS

ORG_SUFFIXES = (
    "人民政府",
    "政府",
    "办公厅",
    "办公室",
    "委员会",
    "代表大会",
    "领导小组",
    "指挥部",
    "办事处",
    "部",
    "局",
    "厅",
    "院",
    "署",
    "委",
    "会",
    "办",
    "中心",
    "团",
    "联",
    "社",
    "所",
    "处",
    "室",
    "银行",
    "馆",
    "队",
    "站",
    "国",
    "党",
    "省",
    "市",
    "县",
    "区",
    "州",
    "盟",
    "旗",
    "镇",
    "乡",
    "公司",
    "集团",
    "学校",
    "大学",
    "法院",
    "检察院",
    "协会",
    "联合会",
    "政协",
    "总局",
    "组",
)
_SUFFIX_RE = re.compile("(?:" + "|".join(sorted(ORG_SUFFIXES, key=len, reverse=True)) + ")$")
_CONNECTORS = (
    "关于",
    "的",
    "为",
    "向",
    "致",
    "对",
    "就",
    "在",
    "联合",
    "贸易",
    "任命",
    "任免",
    "发布",
    "印发",
    "颁布",
    "公布",
    "转发",
    "批转",
)
_FORBIDDEN_IN_ORG = re.compile(
    r"关于|的|^[\d〇零一二三四五六七八九]|\d年|[〇零一二三四五六七八九]{2}年|[为向致对就，。；：“”《》（）()]"
)
_PERSON_TITLES = (
    "副委员长|委员长|副主席|主席|副总理|总理|副部长|部长|代表|主任|书记"
    "|省长|市长|县长|区长|局长|大使"
)
_PERSON_AFTER_ORG = re.compile(rf"^(?:{_PERSON_TITLES})(?![团处])")
_PERSON_FIRST = re.compile(rf"^([{HAN}]{{2,3}}(?:{_PERSON_TITLES}))(?=向|为|致|关于|的|在|就)")
_JOINERS = "和与及暨"
# Two-party abbreviations in diplomatic titles (中苏关于…, 关于中苏…, 中印联合声明).
_PARTY_NAMES = {
    "中": "中华人民共和国政府",
    "苏": "苏联政府",
    "俄": "俄罗斯联邦政府",
    "美": "美利坚合众国政府",
    "英": "大不列颠及北爱尔兰联合王国政府",
    "法": "法兰西共和国政府",
    "日": "日本国政府",
    "印": "印度共和国政府",
    "朝": "朝鲜民主主义人民共和国政府",
    "越": "越南民主共和国政府",
    "蒙": "蒙古人民共和国政府",
    "缅": "缅甸联邦政府",
    "巴": "巴基斯坦伊斯兰共和国政府",
}
_PARTNERS = "".join(k for k in _PARTY_NAMES if k != "中")
_PARTIES_RE = re.compile(rf"^(?:关于)?(中[{_PARTNERS}]{{1,2}})(?=关于|联合|两国|举行|签订|会谈)")


def is_org(name: str) -> bool:
    """True when ``name`` reads as an organisation name (ends like one, no verbs or 关于).

    >>> is_org("吕梁市离石区人民政府办公室"), is_org("复员建设军人安置暂行办")
    (True, True)
    """
    return (
        2 <= len(name) <= 40
        and bool(_SUFFIX_RE.search(name))
        and not _FORBIDDEN_IN_ORG.search(name)
    )


def split_orgs(text: str) -> list[str]:
    """Joint issuers: ``甲和乙、丙`` → [甲, 乙, 丙], splitting only where every part is an org.

    >>> split_orgs("数育部、中国新民主主义青年团中央委员会"), split_orgs("北京市经济和信息化局")
    (['数育部', '中国新民主主义青年团中央委员会'], ['北京市经济和信息化局'])
    >>> split_orgs("中华人民共和国政府和锡兰政府")
    ['中华人民共和国政府', '锡兰政府']
    """
    return list(_split_orgs(text.strip("、，, ")))


@functools.lru_cache(maxsize=4096)
def _split_orgs(text: str) -> tuple[str, ...]:
    # Cached: every cut point tries the rest again, which could repeat exponentially.
    for cut, ch in enumerate(text):
        if ch not in "、，," + _JOINERS or cut == 0:
            continue
        left = text[:cut]
        if not is_org(left):
            continue
        rest = _split_orgs(text[cut + 1 :].strip("、，, "))
        if all(is_org(p) for p in rest):
            return (left, *rest)
    return (text,)


def title_issuers(title: str) -> list[str]:
    """The issuer or issuers named at the start of a title, ``[]`` when it names none.

    >>> title_issuers("中华人民共和国政府和锡兰政府贸易谈判公报")
    ['中华人民共和国政府', '锡兰政府']
    >>> title_issuers("印度共和国政府代表艾扬格的照会")
    ['印度共和国政府代表艾扬格']
    >>> title_issuers("中苏关于签订科学技术合作协议的联合公报")
    ['中华人民共和国政府', '苏联政府']
    """
    title = re.sub(r"\s+", "", title)
    person = _PERSON_FIRST.match(title)
    if person:
        return [person.group(1)]
    head, sep, _ = title.partition("关于")
    if sep and head and is_org(head):
        return split_orgs(head)
    if sep and head and _SUFFIX_RE.search(head) and len(head) <= 30:
        return [head]
    chain = _org_chain(title)
    if chain:
        return chain
    parties = _PARTIES_RE.match(title)
    if parties:
        return [_PARTY_NAMES[ch] for ch in parties.group(1)]
    return []


def _org_chain(title: str) -> list[str]:
    """The longest run of org names at the start of ``title`` followed by a connector."""
    for end in range(min(len(title) - 2, 60), 1, -1):
        head, rest = title[:end], title[end:]
        if not _SUFFIX_RE.search(head) or _FORBIDDEN_IN_ORG.search(head):
            continue
        orgs = split_orgs(head)
        if not all(is_org(o) for o in orgs):
            continue
        person = _person_after(rest)
        if person:
            return [*orgs[:-1], orgs[-1] + person]
        if rest.startswith(_CONNECTORS) or rest.startswith(TYPE_WORDS):
            return orgs
    return []


def _person_after(rest: str) -> str:
    """``代表艾扬格`` from ``代表艾扬格的照会``: a person's title and name after an org."""
    m = _PERSON_AFTER_ORG.match(rest)
    if not m:
        return ""
    name_at = m.end()
    for size in (3, 2):
        after = rest[name_at + size : name_at + size + 2]
        if after.startswith(_CONNECTORS):
            return rest[: name_at + size]
    return rest[: name_at + 3] if len(rest) > name_at + 3 else ""
