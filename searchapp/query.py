"""The query language for people: lenient parsing of what someone types into a Whoosh query.

Words are ANDed, ``OR`` joins its neighbours, ``-word`` excludes, ``"…"`` is an exact phrase, and
``title:``/``标题:``, ``body:``/``正文:``, ``doc_number:``/``文号:``, ``issuer:``/``发文机关:``
restrict one term. Nothing raises: anything odd becomes plain text plus a warning. There are no
wildcards, regular expressions or fuzzy terms. A 文号 in any printed variant becomes an exact
``doc_number`` term that outranks everything; ``离政办发 2024`` lists that series.

Each term searches jieba words (for ranking) OR its exact text as a bigram phrase (recall where
the words were segmented differently, and a bonus for exact matches). Quoted phrases and 精确
mode use the bigram phrase alone, so they only ever match the exact text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from whoosh import query as wq
from whoosh.fields import Schema
from whoosh.matching import IntersectionMatcher, NullMatcher, WrappingMatcher
from whoosh.query.spans import Span, SpanWrappingMatcher
from whoosh.scoring import BM25F, WeightingModel
from whoosh.util import make_binary_tree

from indexer.analysis import (
    IDEOGRAPHS,
    bigram_analyzer,
    normalise,
    phrase_needle,
    word_analyzer,
)
from indexer.recognise.docnum import DocNumber, iter_doc_numbers, parse_doc_number
from searchapp.phrasekeys import PhraseKeys, phrase_keys

MAX_QUERY_CHARS = 256
MAX_ITEMS = 24
MAX_PREFIX_TERMS = 4  # one-character terms expand over the bigram lexicon; keep that bounded
DOCNUM_BOOST = 1000.0
SERIES_BOOST = 50.0
PHRASE_BOOST = 5.0
TITLE_BOOST = 3.0
ALLOWED_FIELDS = frozenset(
    {"title", "title_bi", "body", "body_bi", "doc_number", "doc_series", "issuer"}
)
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
class ParsedQuery:
    """A parsed query; ``query`` is None when nothing searchable was typed (browse)."""

    query: wq.Query | None
    warnings: list[str] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)
    doc_number: str | None = None
    term_queries: list[tuple[str, wq.Query]] = field(default_factory=list)
    highlights: list[str] = field(default_factory=list)  # normalised strings to <mark>


@dataclass
class _Item:
    kind: str  # "word" | "phrase" | "docnum" | "series"
    text: str  # as typed (a phrase without its quotes)
    field: str | None = None
    negated: bool = False
    or_next: bool = False
    number: DocNumber | None = None


@dataclass
class _Context:
    schema: Schema
    exact: bool
    fields: tuple[str, ...]
    warnings: list[str]
    highlights: list[str]
    prefix_budget: int = MAX_PREFIX_TERMS

    def analyze(self, fieldname: str, text: str) -> list[str]:
        analyzer = self.schema[fieldname].analyzer if fieldname in self.schema else None
        if analyzer is None:
            analyzer = word_analyzer() if fieldname == "title" else bigram_analyzer()
        return [t.text for t in analyzer(text, mode="query", positions=True)]


# ---------------------------------------------------------------------------- lexing


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


def _mark_atoms(text: str) -> tuple[str, list[_Item]]:
    """Replace each 文号 and 文号 series (prefix + year) by one private-use character."""
    atoms: list[_Item] = []
    out: list[str] = []
    prev = 0
    for number, start, end in iter_doc_numbers(_probe(text))[:16]:
        out += [text[prev:start], chr(_ATOM_BASE + len(atoms))]
        atoms.append(_Item("docnum", text[start:end], number=number))
        prev = end
    text = "".join(out) + text[prev:]
    out, prev = [], 0
    for match in _SERIES_RE.finditer(_probe(text)):
        series = _series_number(match)
        if series is None or len(atoms) >= 32 or not re.search("[\u4e00-\u9fff]", series.prefix):
            continue
        out += [text[prev : match.start()], chr(_ATOM_BASE + len(atoms))]
        atoms.append(_Item("series", text[match.start() : match.end()], number=series))
        prev = match.end()
    return "".join(out) + text[prev:], atoms


def _atom(piece: str, atoms: list[_Item]) -> _Item | None:
    k = ord(piece) - _ATOM_BASE if len(piece) == 1 else -1
    return atoms[k] if 0 <= k < len(atoms) else None


def _split_atoms(item: _Item, atoms: list[_Item]) -> list[_Item]:
    """A word holding 文号 placeholders becomes its pieces: text, 文号, text …"""
    if item.kind == "phrase" and (atom := _atom(item.text.strip(), atoms)) is None:
        item.text = "".join(a.text if (a := _atom(c, atoms)) else c for c in item.text)
        return [item]
    pieces: list[_Item] = []
    for part in re.split(
        r"([\ue000-\ue0ff])", item.text.strip() if item.kind == "phrase" else item.text
    ):
        if (atom := _atom(part, atoms)) is not None and item.field == "issuer":
            pieces.append(_Item("word", atom.text, "issuer", item.negated))
        elif atom is not None:
            pieces.append(_Item(atom.kind, atom.text, None, item.negated, number=atom.number))
        elif part:
            pieces.append(_Item(item.kind, part, item.field, item.negated))
    return pieces


def _word(raw: str, warnings: list[str]) -> _Item:
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
    return _Item("word", raw, fieldname, negated)


def _lex(text: str, warnings: list[str]) -> list[_Item]:
    items: list[_Item] = []
    pending: _Item | None = None  # a "-" or "field:" waiting for its quoted phrase
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
            phrase = _Item("phrase", text[i + 1 : close])
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


def _operators(items: list[_Item], warnings: list[str]) -> list[_Item]:
    """Apply OR / AND / NOT words; drop empty items."""
    out: list[_Item] = []
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


# ---------------------------------------------------------------------------- building


def _or(queries: Sequence[wq.Query | None], boost: float = 1.0) -> wq.Query | None:
    qs = [q for q in queries if q is not None]
    if len(qs) == 1:  # Whoosh ignores the boost of a compound query with one child
        return qs[0] if boost == 1.0 else qs[0].with_boost(qs[0].boost * boost)
    return wq.Or(qs, boost=boost) if qs else None


def _and(queries: Sequence[wq.Query | None]) -> wq.Query | None:
    qs = [q for q in queries if q is not None]
    return (qs[0] if len(qs) == 1 else wq.And(qs)) if qs else None


class AdjacentPhrase(wq.Phrase):  # type: ignore[misc]
    """An exact phrase (slop 1) over a bigram field.

    Our bigram fields keep a phrase key column: each candidate's key must contain ``needle``.
    Over a field with positions, adjacency is checked with sets of positions (Whoosh's Phrase
    builds a ``Span`` object for every position of every word in every candidate document). Both
    match the documents where word ``i`` occurs at ``start + i``.
    """

    def __init__(self, fieldname: str, words: list[str], needle: str = "", **kw: Any) -> None:
        super().__init__(fieldname, words, **kw)
        self.needle = needle

    def normalize(self) -> Any:
        query = super().normalize()
        if isinstance(query, AdjacentPhrase):
            query.needle = self.needle
        return query

    def method(self, schema: Any) -> str:
        """How this phrase is checked in ``schema``: ``"key"``, ``"positions"`` or ``"whoosh"``
        (Whoosh's own Phrase: another slop, an unknown field, neither keys nor positions)."""
        if self.slop != 1 or self.fieldname not in schema:
            return "whoosh"
        field = schema[self.fieldname]
        if field.format and field.format.supports("positions"):
            return "positions"
        return "key" if self.needle and field.column_type is not None else "whoosh"

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        method = self.method(searcher.schema)
        if method == "whoosh":
            return super().matcher(searcher, context)
        field = searcher.schema[self.fieldname]
        reader = searcher.reader()
        terms = []
        for word in self.words:
            btext = field.to_bytes(word)
            if (self.fieldname, btext) not in reader:
                return NullMatcher()
            terms.append(wq.Term(self.fieldname, btext))
        matchers = [t.matcher(searcher, context) for t in terms]
        if method == "positions":
            m: Any = _AdjacentMatcher(matchers)
        else:
            m = _KeyMatcher(make_binary_tree(IntersectionMatcher, matchers),
                            phrase_keys(reader, self.fieldname), self.needle)  # fmt: skip
        return WrappingMatcher(m, boost=self.boost) if self.boost != 1.0 else m


class _AdjacentMatcher(SpanWrappingMatcher):  # type: ignore[misc]
    def __init__(self, ms: list[Any]) -> None:
        self.ms = ms
        super().__init__(make_binary_tree(IntersectionMatcher, ms))

    def copy(self) -> _AdjacentMatcher:
        return _AdjacentMatcher([m.copy() for m in self.ms])

    def replace(self, minquality: float = 0) -> Any:
        return self if self.is_active() else NullMatcher()

    def _get_spans(self) -> list[Span]:
        starts: set[int] | None = None
        for offset, m in enumerate(self.ms):
            here = {p - offset for p in m.value_as("positions")}
            starts = here if starts is None else starts & here
            if not starts:
                return []
        last = len(self.ms) - 1
        return [Span(a, a + last) for a in sorted(starts or ())]


class _KeyMatcher(SpanWrappingMatcher):  # type: ignore[misc]
    def __init__(self, child: Any, keys: PhraseKeys, needle: str) -> None:
        self.keys, self.needle = keys, needle
        super().__init__(child)

    def copy(self) -> _KeyMatcher:
        return _KeyMatcher(self.child.copy(), self.keys, self.needle)

    def _replacement(self, newchild: Any) -> _KeyMatcher:
        return _KeyMatcher(newchild, self.keys, self.needle)

    def replace(self, minquality: float = 0) -> Any:
        return self if self.is_active() else NullMatcher()

    def _get_spans(self) -> list[Span]:
        return [Span(0, 0)] if self.needle in self.keys[self.child.id()] else []


def _gram_query(
    ctx: _Context, fieldname: str, text: str, grams: list[str], boost: float, prefix: bool
) -> wq.Query:
    if len(grams) > 1:
        return AdjacentPhrase(fieldname, grams, phrase_needle(normalise(text)), boost=boost)
    gram = grams[0]
    if prefix and len(gram) == 1 and re.match(f"[{IDEOGRAPHS}]", gram) and ctx.prefix_budget > 0:
        ctx.prefix_budget -= 1  # a lone ideograph: its unigram and every bigram it starts
        return wq.Prefix(fieldname, gram, boost=boost)
    return wq.Term(fieldname, gram, boost=boost)


def _exact_query(
    ctx: _Context, text: str, fields: tuple[str, ...], prefix: bool = True
) -> wq.Query | None:
    grams = ctx.analyze("body_bi", text)
    if not grams:
        return None
    boosts = {"title": TITLE_BOOST}
    return _or(
        [_gram_query(ctx, f"{f}_bi", text, grams, boosts.get(f, 1.0), prefix) for f in fields]
    )


def _text_query(ctx: _Context, text: str, fields: tuple[str, ...], exact: bool) -> wq.Query | None:
    """jieba words, each falling back to its exact text; the whole term's exact text scores more.

    >>> from whoosh.fields import Schema
    >>> ctx = _Context(Schema(), False, ("body",), [], [])
    >>> str(_text_query(ctx, "禁止露天", ("body",), exact=False))
    '(((body:禁止 OR body_bi:禁止) AND (body:露天 OR body_bi:露天)) OR body_bi:"禁止 止露 露天")'
    """
    norm = normalise(text)
    exact_q = _exact_query(ctx, norm, fields)
    if exact_q is None:
        return None
    ctx.highlights.append(norm.strip())
    if exact or ctx.exact:
        return exact_q
    words = ctx.analyze("title", norm)
    ctx.highlights.extend(w for w in words if len(w) > 1)
    per_word = [
        _or(
            [wq.Term(f, w) for f in fields]
            + [_exact_query(ctx, w, fields, False) if len(words) > 1 < len(w) else None]
        )
        for w in words
    ]
    return _or([_and(per_word), _or([exact_q], boost=PHRASE_BOOST)])


def _docnum_query(ctx: _Context, item: _Item) -> wq.Query | None:
    assert item.number is not None
    number = item.number
    if item.kind == "series":
        series = f"{number.prefix}〔{number.year}〕"
        parts = [_text_query(ctx, t, ctx.fields, False) for t in (number.prefix, str(number.year))]
        exact = _text_query(ctx, series, ctx.fields, exact=True)
        return _or([wq.Term("doc_series", series, boost=SERIES_BOOST), exact, _and(parts)])
    canonical = str(number)
    variants = dict.fromkeys(normalise(v) for v in (canonical, item.text))
    return _or(
        [wq.Term("doc_number", canonical, boost=DOCNUM_BOOST)]
        + [_text_query(ctx, v, ctx.fields, exact=True) for v in variants]
    )


def _field_query(ctx: _Context, item: _Item) -> wq.Query | None:
    value = item.text.strip()
    if item.field == "issuer":
        ctx.highlights.append(normalise(value))
        return _or([wq.Term("issuer", value, boost=2.0), _text_query(ctx, value, ("title",), True)])
    number = parse_doc_number(_probe(value))
    if number is not None:
        return _docnum_query(ctx, _Item("docnum", value, number=number))
    match = _SERIES_RE.fullmatch(_probe(value))
    series = _series_number(match) if match else None
    if series is not None:
        return _docnum_query(ctx, _Item("series", value, number=series))
    return wq.Term("doc_number", value)


def _item_query(ctx: _Context, item: _Item) -> wq.Query | None:
    if item.kind in ("docnum", "series"):
        return _docnum_query(ctx, item)
    if item.field in ("issuer", "doc_number"):
        return _field_query(ctx, item)
    fields = (item.field,) if item.field else ctx.fields
    query = _text_query(ctx, item.text, fields, exact=item.kind == "phrase")
    if query is None:
        ctx.warnings.append(f"“{item.text}”没有可检索的文字，已忽略")
    return query


def parse_query(
    text: str, *, mode: str = "words", scope: str = "all", schema: Schema
) -> ParsedQuery:
    """Parse what a person typed; never raises.

    >>> from indexer.analysis import text_fields
    >>> from whoosh.fields import ID, Schema
    >>> schema = Schema(doc_number=ID, doc_series=ID, issuer=ID, **text_fields())
    >>> parsed = parse_query("离政办发（２０２４）１号", schema=schema)
    >>> parsed.doc_number, parsed.terms
    ('离政办发〔2024〕1号', ['离政办发（２０２４）１号'])
    """
    warnings: list[str] = []
    if mode not in ("words", "exact"):
        warnings.append(f"未知的检索方式“{mode}”，已按模糊检索处理")
    if scope not in ("all", "title"):
        warnings.append(f"未知的检索范围“{scope}”，已按全文检索处理")
    fields = ("title",) if scope == "title" else ("title", "body")
    ctx = _Context(schema, mode == "exact", fields, warnings, [])
    marked, atoms = _mark_atoms(_sanitise(str(text), warnings))
    items = [p for i in _lex(marked, warnings) for p in _split_atoms(i, atoms)]
    items = _operators(items, warnings)
    if any(i.kind in ("docnum", "series") for i in items):  # "文号 离政发〔2024〕8号"
        items = [i for i in items if i.field or i.kind != "word" or i.text not in _DOCNUM_WORDS]
    if len(items) > MAX_ITEMS:
        warnings.append(f"检索词过多，只使用了前 {MAX_ITEMS} 个")
        items = items[:MAX_ITEMS]
    return _assemble(ctx, items)


def _assemble(ctx: _Context, items: list[_Item]) -> ParsedQuery:
    groups: list[list[wq.Query]] = [[]]
    negatives: list[wq.Query] = []
    parsed = ParsedQuery(None, ctx.warnings)
    for item in items:
        highlights = len(ctx.highlights)
        query = _item_query(ctx, item)
        if item.negated:
            del ctx.highlights[highlights:]
            negatives += [query] if query is not None else []
            continue
        if query is not None:
            groups[-1].append(query)
            parsed.terms.append(item.text)
            parsed.term_queries.append((item.text, query))
            if item.kind == "docnum" and parsed.doc_number is None and item.number:
                parsed.doc_number = str(item.number)
        if not item.or_next and groups[-1]:
            groups.append([])
    positive = _and([_or(g) for g in groups])
    negative = _or(negatives)
    if positive is None and negative is not None:
        ctx.warnings.append("只有排除词：显示排除后的全部文件")
        positive = wq.Every()
    if positive is not None:
        query = wq.AndNot(positive, negative) if negative is not None else positive
        parsed.query = query.normalize()
    parsed.highlights = list(dict.fromkeys(h for h in ctx.highlights if h))
    return parsed


def weighting() -> WeightingModel:
    """BM25F for the searcher: titles are short, so their length matters less (lower B)."""
    return BM25F(B=0.75, K1=1.2, title_B=0.5, title_bi_B=0.5)


@lru_cache(maxsize=65536)
def recency_boost(date: str) -> float:
    """A tie-breaker the caller multiplies into the scores of the top hits before re-sorting.

    Linear from 1.0 (1949 and earlier, or undated) to 1.05 (2050), so it reorders only hits
    whose scores are within a few percent; an exact 文号 (boost 1000) is never overtaken.

    >>> recency_boost(""), round(recency_boost("2024-03-31"), 4)
    (1.0, 1.0372)
    """
    try:
        year = int(date[:4]) + (int(date[5:7]) - 1) / 12 if len(date) >= 7 else int(date[:4])
    except ValueError:
        return 1.0
    return 1.0 + 0.05 * min(max((year - 1949) / (2050 - 1949), 0.0), 1.0)
