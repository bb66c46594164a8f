"""The note that says how a document came to be: who made, issued, passed or approved it.

Regulations print it under the title, with or without a date and in brackets or not::

    内务部制定
    一九五四年十月二十三日国务院批准
    （2024年1月26日离石区人民政府第X次常务会议通过）

Splitting takes a ``…制定`` line under a title as a sign that a document starts there, metadata
takes the body it names as the issuer (:func:`made_by`), and a dated note is a 成文日期 line
(:func:`indexer.recognise.dates.parse_date_line` accepts :data:`NOTE_TAIL` after the date).
"""

from __future__ import annotations

import re

from indexer.recognise.docinfo import is_org, split_orgs

# Verbs whose subject wrote or issued the document: it is the issuer.
MADE = ("制定", "发布", "颁布", "公布", "印发")
# Verbs whose subject passed, approved, enacted or signed it: a meeting or a higher organ.
ACTED = ("通过", "批准", "施行", "修订", "修正", "签订", "签署", "签发")
# A note after its date: who acted (a phrase, no sentence punctuation), then the verb.
NOTE_TAIL = rf"[^\s，。；：]{{0,30}}?(?:{'|'.join(MADE + ACTED)})"
_MADE_BY_RE = re.compile(rf"^[(（]?(?P<org>[^，。；：]{{2,40}}?)(?:{'|'.join(MADE)})[)）]?$")


def made_by(line: str) -> list[str]:
    """The organs a ``…制定`` (发布, 颁布, 公布, 印发) line names, joint ones split; else ``[]``.

    >>> made_by("内务部制定"), made_by("（财政部、民政部印发）")
    (['内务部'], ['财政部', '民政部'])
    >>> made_by("（此件公开发布）"), made_by("4.5 信息发布"), made_by("一九五四年十月国务院批准")
    ([], [], [])
    """
    m = _MADE_BY_RE.match(line.strip())
    return split_orgs(m["org"]) if m and is_org(m["org"]) else []
