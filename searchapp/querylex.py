"""The query language for people, read into items: what someone typed → words, phrases, 文号.

Words are ANDed, ``OR`` joins its neighbours, ``-word`` excludes, ``"…"`` is an exact phrase, and
``title:``/``标题:``, ``body:``/``正文:``, ``doc_number:``/``文号:``, ``issuer:``/``发文机关:``
restrict one term. Nothing raises: anything odd becomes plain text plus a warning. There are no
wildcards, regular expressions or fuzzy terms. A 文号 in any printed variant becomes one
``docnum`` item, and a 文号 prefix with a year (``离政办发 2024``) one ``series`` item, found
before the text is split on spaces so that the spaces and brackets inside them do not matter.

:mod:`searchapp.querybuild` turns the items into a Whoosh query.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from indexer.analysis.normalise import normalise
from indexer.chars import IDEOGRAPHS
from indexer.recognise.docnum import DocNumber, iter_doc_numbers, parse_doc_number

MAX_QUERY_CHARS = 256
MAX_ITEMS = 24
FIELD_ALIASES = {"title": "title", "标题": "title", "body": "body", "正文": "body",
                 "doc_number": "doc_number", "文号": "doc_number",
                 "issuer": "issuer", "发文机关": "issuer"}  # fmt: skip
_DOCNUM_WORDS = frozenset({"文号", "发文字号", "发文号", "字号", "文件编号"})
_QUOTES = '"＂“”「」『』'
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_INVISIBLE_RE = re.compile(r"[\u200b-\u200f\u2060\ufeff\ue000-\uf8ff\ud800-\udfff]")
_WILDCARD_RE = re.compile(r"[*?~＊？～]")
# Three or more single ideographs with spaces between (关 于 中 苏, pasted from a PDF): one word.
_SPACED_RE = re.compile(
    rf"(?<![{IDEOGRAPHS}])[{IDEOGRAPHS}](?:[ \u3000]+[{IDEOGRAPHS}](?![{IDEOGRAPHS}])){{2,}}"
)
_FIELD_RE = re.compile(r"^([A-Za-z_]+|[\u4e00-\u9fff]{2,4})[:：](.*)$", re.S)
_ATOM_BASE = 0xE000  # private-use characters stand for 文号 found before lexing
_SP = r"[ \t\u3000]*"
_SERIES_RE = re.compile(
    rf"(?<![\w])(?P<prefix>[\u3400-\u4dbf\u4e00-\u9fffA-Za-z]{{2,16}}){_SP}"
    rf"(?:[〔\[(（【〖［{{〈<]{_SP}(?P<year>(?:19|20)\d\d){_SP}[〕\])）】〗］}}〉>]"
    rf"|(?P<year2>(?:19|20)\d\d)(?:{_SP}年)?)(?=\s|$)"
)


@dataclass
class QueryItem:
    """One searchable piece of a query, with the operators that apply to it."""

    kind: str  # "word" | "phrase" | "docnum" | "series"
    text: str  # as typed (a phrase without its quotes)
    field: str | None = None
    negated: bool = False
    or_next: bool = False
    number: DocNumber | None = None


def read_items(text: str, warnings: list[str]) -> list[QueryItem]:
    """The items of a query, operators applied; what had to be ignored goes to ``warnings``.

    >>> items = read_items('顾问 OR 律师 -"露天" 离政发（2024）8号', [])
    >>> [(i.kind, i.text, i.negated, i.or_next) for i in items]  # doctest: +NORMALIZE_WHITESPACE
    [('word', '顾问', False, True), ('word', '律师', False, False),
     ('phrase', '露天', True, False), ('docnum', '离政发（2024）8号', False, False)]
    """
    marked, atoms = _mark_atoms(_sanitise(str(text), warnings))
    items = [p for i in _lex(marked, warnings) for p in _split_atoms(i, atoms)]
    items = _operators(items, warnings)
    if any(i.kind in ("docnum", "series") for i in items):  # "文号 离政发〔2024〕8号"
        items = [i for i in items if i.field or i.kind != "word" or i.text not in _DOCNUM_WORDS]
    if len(items) > MAX_ITEMS:
        warnings.append(f"检索词过多，只使用了前 {MAX_ITEMS} 个")
        items = items[:MAX_ITEMS]
    return items


def field_number(value: str) -> QueryItem | None:
    """The value of a ``文号:`` term as a 文号 or a series item, if it reads as one.

    >>> field_number("离政办发 2024").number.prefix, field_number("第八号")
    ('离政办发', None)
    """
    number = parse_doc_number(_probe(value))
    if number is not None:
        return QueryItem("docnum", value, number=number)
    match = _SERIES_RE.fullmatch(_probe(value))
    series = _series_number(match) if match else None
    return QueryItem("series", value, number=series) if series is not None else None


def _sanitise(text: str, warnings: list[str]) -> str:
    if _CONTROL_RE.search(text):
        warnings.append("已忽略查询中的控制字符")
        text = _CONTROL_RE.sub(" ", text)
    text = _INVISIBLE_RE.sub("", text)
    if len(text) > MAX_QUERY_CHARS:
        warnings.append(f"查询过长，只使用了前 {MAX_QUERY_CHARS} 个字符")
        text = text[:MAX_QUERY_CHARS]
    if _WILDCARD_RE.search(text):
        warnings.append("不支持通配符和模糊检索（* ? ~），已按普通文字处理")
    return _SPACED_RE.sub(lambda m: re.sub(r"\s+", "", m.group()), text)


def _probe(text: str) -> str:
    """Each character folded on its own (離→离, ２→2), so that offsets still index ``text``."""
    return "".join(f if len(f := normalise(c)) == 1 else c for c in text)


def _series_number(match: re.Match[str]) -> DocNumber | None:
    """The prefix and year of a series match, the prefix trimmed like a 文号's (number unused)."""
    year = int(match.group("year") or match.group("year2"))
    return parse_doc_number(f"{match.group('prefix')}〔{year}〕1号")


def _mark_atoms(text: str) -> tuple[str, list[QueryItem]]:
    """Replace each 文号 and 文号 series (prefix + year) by one private-use character."""
    atoms: list[QueryItem] = []
    out: list[str] = []
    prev = 0
    for number, start, end in iter_doc_numbers(_probe(text))[:16]:
        out += [text[prev:start], chr(_ATOM_BASE + len(atoms))]
        atoms.append(QueryItem("docnum", text[start:end], number=number))
        prev = end
    text = "".join(out) + text[prev:]
    out, prev = [], 0
    for match in _SERIES_RE.finditer(_probe(text)):
        series = _series_number(match)
        if series is None or len(atoms) >= 32 or not re.search("[\u4e00-\u9fff]", series.prefix):
            continue
        out += [text[prev : match.start()], chr(_ATOM_BASE + len(atoms))]
        atoms.append(QueryItem("series", text[match.start() : match.end()], number=series))
        prev = match.end()
    return "".join(out) + text[prev:], atoms


def _atom(piece: str, atoms: list[QueryItem]) -> QueryItem | None:
    k = ord(piece) - _ATOM_BASE if len(piece) == 1 else -1
    return atoms[k] if 0 <= k < len(atoms) else None


def _split_atoms(item: QueryItem, atoms: list[QueryItem]) -> list[QueryItem]:
    """A word holding 文号 placeholders becomes its pieces: text, 文号, text …"""
    if item.kind == "phrase" and (atom := _atom(item.text.strip(), atoms)) is None:
        item.text = "".join(a.text if (a := _atom(c, atoms)) else c for c in item.text)
        return [item]
    pieces: list[QueryItem] = []
    for part in re.split(
        r"([\ue000-\ue0ff])", item.text.strip() if item.kind == "phrase" else item.text
    ):
        if (atom := _atom(part, atoms)) is not None and item.field == "issuer":
            pieces.append(QueryItem("word", atom.text, "issuer", item.negated))
        elif atom is not None:
            pieces.append(QueryItem(atom.kind, atom.text, None, item.negated, number=atom.number))
        elif part:
            pieces.append(QueryItem(item.kind, part, item.field, item.negated))
    return pieces


def _word(raw: str, warnings: list[str]) -> QueryItem:
    negated = raw[0] in "-－"
    raw = raw.lstrip("-－") if negated else raw
    fieldname = None
    match = _FIELD_RE.match(raw)
    if match:
        name = match.group(1)
        fieldname = FIELD_ALIASES.get(name.lower())
        if fieldname:
            raw = match.group(2)
        elif name.isascii():
            warnings.append(f"不支持字段“{name}”，已按普通文字检索")
    return QueryItem("word", raw, fieldname, negated)


def _lex(text: str, warnings: list[str]) -> list[QueryItem]:
    items: list[QueryItem] = []
    pending: QueryItem | None = None  # a "-" or "field:" waiting for its quoted phrase
    i = 0
    while i < len(text):
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch in _QUOTES:
            close = min((p for q in _QUOTES if (p := text.find(q, i + 1)) > 0), default=-1)
            if close < 0:
                warnings.append("引号不成对，已按普通词处理")
                text = text[:i] + " " + text[i + 1 :]
                continue
            phrase = QueryItem("phrase", text[i + 1 : close])
            if pending is not None:
                phrase.field, phrase.negated = pending.field, pending.negated
            pending = None
            items.append(phrase)
            i = close + 1
        else:
            end = i
            while end < len(text) and not text[end].isspace() and text[end] not in _QUOTES:
                end += 1
            item = _word(text[i:end], warnings)
            attached = end < len(text) and text[end] in _QUOTES
            pending = item if not item.text and attached else None
            if item.text or not attached:
                items.append(item)
            i = end
    return items


def _operators(items: list[QueryItem], warnings: list[str]) -> list[QueryItem]:
    """Apply OR / AND / NOT words; drop empty items."""
    out: list[QueryItem] = []
    negate_next = join_next = False
    for item in items:
        op = item.text if item.kind == "word" and not item.field and not item.negated else ""
        if op in ("OR", "|", "||"):
            if not out or join_next:
                warnings.append("OR 两侧需要检索词，已忽略")
            join_next = bool(out)
        elif op in ("AND", "&&", "&"):
            continue
        elif op == "NOT":
            negate_next = True
        elif item.text.strip():
            item.negated = item.negated or negate_next
            if join_next and not item.negated and not out[-1].negated:
                out[-1].or_next = True
            out.append(item)
            negate_next = join_next = False
        elif item.field or item.negated:
            warnings.append("“-”或字段名后面没有检索词，已忽略")
    if join_next or negate_next:
        warnings.append("查询末尾的 OR/NOT 没有检索词，已忽略")
    return out
