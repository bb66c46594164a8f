"""The 文种 (document types) and the one reading of a title's ending that names its type.

A title ends with its 文种 (…的通知, …管理办法, 国务院令（第708号）). Two stages need to know it:
``extract`` must not join the line under a title onto the title when it reflows plain text,
and ``recognise`` reads the type and the start of a title from it: both ask
:func:`looks_like_title`. ``extract`` comes before
``recognise`` and may not import it, so the list and :func:`doc_type` live here, at the top of
the package beside :mod:`indexer.chars`, and both stages import them. It holds the words and the
two functions that read them, nothing else of either stage.
"""

from __future__ import annotations

import re

from indexer.chars import CN_NUMERAL

# Longest first, so that 联合宣言 wins over 宣言 and 命令 over 令; the value is the stored type.
DOC_TYPES: tuple[tuple[str, str], ...] = tuple(
    sorted(
        {
            "联合宣言": "联合宣言",
            "联合声明": "联合声明",
            "联合公报": "公报",
            "公报": "公报",
            "通知": "通知",
            "通报": "通报",
            "通告": "通告",
            "公告": "公告",
            "决定": "决定",
            "决议": "决议",
            "命令": "命令",
            "批复": "批复",
            "复函": "复函",
            "函": "函",
            "意见": "意见",
            "实施意见": "意见",
            "报告": "报告",
            "请示": "请示",
            "会议纪要": "纪要",
            "纪要": "纪要",
            "指示": "指示",
            "任命人员": "任命",
            "任命名单": "任命",
            "任免名单": "任免",
            "任免人员": "任免",
            "议案": "议案",
            "办法": "办法",
            "规定": "规定",
            "条例": "条例",
            "细则": "细则",
            "规则": "规则",
            "方案": "方案",
            "规划": "规划",
            "计划": "计划",
            "预案": "预案",
            "指南": "指南",
            "章程": "章程",
            "协定": "协定",
            "协议": "协议",
            "议定书": "议定书",
            "条约": "条约",
            "照会": "照会",
            "覆照": "照会",
            "复照": "照会",
            "的信": "信",
            "电文": "电报",
            "电报": "电报",
            "贺电": "电报",
            "声明": "声明",
            "宣言": "宣言",
            "解释": "解释",
            "答复": "答复",
            "讲话": "讲话",
            "白皮书": "白皮书",
            "法": "法",
        }.items(),
        key=lambda kv: -len(kv[0]),
    )
)
# The words of more than one character: one of these after an organ's name starts a title.
TYPE_WORDS = tuple(word for word, _ in DOC_TYPES if len(word) > 1)
# An order (令): 国务院令（第708号）, 主席令第十二号, or a title ending in 令 (命令 is a type
# of its own).
_ORDER_RE = re.compile(rf"令\s*[(（]?\s*第?[\d{CN_NUMERAL}]+号\s*[)）]?$|[^命]令$")
_TRAILING_NOTE = re.compile(r"\s*[(（][^()（）]{1,16}[)）]\s*$")


def doc_type(title: str) -> str:
    """The 文种 of a document from its title; ``""`` when the title names none.

    >>> doc_type("吕梁市离石区人民政府关于印发吕梁市离石区推行政府法律顾问制度工作方案的通知")
    '通知'
    >>> doc_type("新型冠状病毒肺炎诊疗方案（试行第九版）"), doc_type("国务院令（第708号）")
    ('方案', '令')
    """
    text = title.strip()
    while True:
        shorter = _TRAILING_NOTE.sub("", text)
        if shorter == text or not shorter:
            break
        text = shorter
    if _ORDER_RE.search(title.strip()) or _ORDER_RE.search(text):
        return "令"
    for word, kind in DOC_TYPES:
        if text.endswith(word):
            return "" if kind == "法" and len(text) < 4 else kind
    return ""


def looks_like_title(text: str) -> bool:
    """A line that can be a document's title: ends with a 文种, no sentence punctuation.

    >>> looks_like_title("某区人民政府关于武勇同志任免职务的通知"), looks_like_title("特此通知")
    (True, False)
    """
    text = text.strip()
    if (
        not 6 <= len(text) <= 150
        or re.search(r"[。；，：]", text)
        or text.startswith(("特此", "附件"))
    ):
        return False
    return bool(doc_type(text))
