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
    "任命",
    "任免",
    "发布",
    "印发",
    "颁布",
    "公布",
    "转发",
    "批转",
)
# An organ that forwards another's document names itself first: 国务院批转国家经贸委关于…的通知,
# 国务院办公厅转发…. The forwarding organ is the issuer.
_FORWARDS = re.compile(r"批转|转发|印发")
_FORBIDDEN_IN_ORG = re.compile(
    r"关于|的|^[\d〇零一二三四五六七八九]|\d年|[〇零一二三四五六七八九]{2}年|[为向致对就，。；：“”《》（）()]"
)
# Words that point at an organ without naming it: 全市, 各乡镇, 该区, 本县, 我省, 城市.
_POINTING = re.compile(r"^(?:全[省市县区州盟旗镇乡]|各|该|此|每|我|上述|所属|有关|相关)")
# Suffixes of one character that end a place's name; the name needs two characters before them
# to be an organ on its own (城市, 全省 and 各区 are words; 吕梁市 and 交城县 are places).
_PLACE_SUFFIX = "国省市县区州盟旗镇乡"
# Agreements name their parties first: 中华人民共和国政府和锡兰政府贸易谈判公报.
_AGREEMENT_TYPES = ("公报", "协定", "协议", "议定书", "条约", "声明", "宣言", "换文", "纪要")
PERSON_TITLES = (
    "副委员长|委员长|副主席|主席|副总理|总理|副部长|部长|代表|主任|书记"
    "|省长|市长|县长|区长|局长|大使"
)
_PERSON_AFTER_ORG = re.compile(rf"^(?:{PERSON_TITLES})(?![团处令])")
_PERSON_FIRST = re.compile(rf"^([{HAN}]{{2,3}}(?:{PERSON_TITLES}))(?=向|为|致|关于|的|在|就)")
_JOINERS = "和与及暨"
# Diplomatic titles abbreviate the parties, China first (中苏关于…, 关于中印…, 中缅联合声明). In
# a Chinese gazette 中 is always the People's Republic; the partner is read from the body
# (:func:`indexer.metadata.issuers.party_issuers`), since one character names many states.
CHINA = "中华人民共和国政府"
_NOT_PARTNERS = "国华央共"  # 中国, 中华…, 中央, 中共 are not two parties
_PARTIES_RE = re.compile(
    rf"^(?:关于)?中(?P<partners>[{HAN}]{{1,2}}?)(?=关于|联合|两国|三国|举行|签订|会谈)"
)


def is_org(name: str) -> bool:
    """True when ``name`` reads as an organisation name (ends like one, no verbs or 关于).

    >>> is_org("吕梁市离石区人民政府办公室"), is_org("复员建设军人安置暂行办")
    (True, True)
    >>> [is_org(x) for x in ("全市", "城市", "各乡镇", "该区", "交城县", "全国人民代表大会")]
    [False, False, False, False, True, True]
    """
    return (
        2 <= len(name) <= 40
        and bool(_SUFFIX_RE.search(name))
        and not _FORBIDDEN_IN_ORG.search(name)
        and not _POINTING.match(name)
        and not (len(name) <= 2 and name[-1] in _PLACE_SUFFIX)
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
    >>> title_issuers("国务院批转国家经贸委关于做好1999年企业工作意见的通知")
    ['国务院']
    >>> title_issuers("中苏关于签订科学技术合作协议的联合公报")
    ['中华人民共和国政府']
    >>> title_issuers("中华人民共和国主席令（第五号）")
    []
    """
    title = re.sub(r"\s+", "", title)
    person = _PERSON_FIRST.match(title)
    if person:
        return [person.group(1)]
    forwarder = _forwarding_organ(title)
    if forwarder:
        return forwarder
    head, sep, _ = title.partition("关于")
    if sep and head and is_org(head):
        return split_orgs(head)
    if sep and head and _SUFFIX_RE.search(head) and len(head) <= 30 and not _FORWARDS.search(head):
        return [head]
    chain = _org_chain(title)
    if chain:
        return chain
    return [CHINA] if title_parties(title) else []


def title_parties(title: str) -> str:
    """The abbreviated partners of China in a diplomatic title (``苏`` of 中苏关于…), or "".

    >>> title_parties("关于中苏举行会谈的公报"), title_parties("中国关于某事的声明")
    ('苏', '')
    >>> title_parties("中央关于某事的决定")
    ''
    """
    title = re.sub(r"\s+", "", title)
    m = _PARTIES_RE.match(title)
    if not m or m["partners"][0] in _NOT_PARTNERS or not title.endswith(_AGREEMENT_TYPES):
        return ""
    return m["partners"]


def _forwarding_organ(title: str) -> list[str]:
    """The organ before 批转/转发/印发 at the start of a title, when one is named there."""
    for m in _FORWARDS.finditer(title[:41]):
        head = title[: m.start()]
        if head and is_org(head):
            return split_orgs(head)
    return []


def _org_chain(title: str) -> list[str]:
    """The longest run of org names at the start of ``title`` followed by a connector, or, for
    an agreement, the two or more parties it names first."""
    heads = [(orgs, title[end:]) for end, orgs in _org_heads(title)]
    for orgs, rest in heads:
        person = _person_after(rest)
        if person:
            return [*orgs[:-1], orgs[-1] + person]
        if rest.startswith(_CONNECTORS) or rest.startswith(TYPE_WORDS):
            return orgs
    if title.endswith(_AGREEMENT_TYPES):
        return next((orgs for orgs, _ in heads if len(orgs) >= 2), [])
    return []


def _org_heads(title: str) -> list[tuple[int, list[str]]]:
    """Each start of ``title`` (longest first) that is a run of org names, with the names."""
    heads = []
    for end in range(min(len(title) - 2, 60), 1, -1):
        head = title[:end]
        if not _SUFFIX_RE.search(head) or _FORBIDDEN_IN_ORG.search(head):
            continue
        orgs = split_orgs(head)
        if all(is_org(o) for o in orgs):
            heads.append((end, orgs))
    return heads


def _person_after(rest: str) -> str:
    """``代表艾扬格`` from ``代表艾扬格的照会``: a person's title and a name of two or three
    characters, followed by a connector (的, 致…); else ""."""
    m = _PERSON_AFTER_ORG.match(rest)
    if not m:
        return ""
    name_at = m.end()
    for size in (3, 2):
        after = rest[name_at + size : name_at + size + 2]
        if after.startswith(_CONNECTORS):
            return rest[: name_at + size]
    return ""
