"""What the search and document pages show, computed from a result: links, chips, pages, bars.

No Flask here: every link is built from a :class:`SearchRequest` and a base path, so each state of
the page is a bookmarkable URL and the templates only lay things out.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode

from indexer.metadata.corrections import FIELDS, Value, check_value
from indexer.records import Record
from searchapp.request import FACETS, SearchRequest
from searchapp.search import SearchResult

FACET_LABELS = {"issuer": "发文机关", "doc_type": "文种", "year": "年份"}
MODE_LABELS = {"words": "模糊", "exact": "精确"}
SCOPE_LABELS = {"all": "全文", "title": "标题"}
SORT_LABELS = {"relevance": "相关度", "date": "日期"}
FACET_VISIBLE = 8  # values shown before "更多"
MAX_BARS = 120


@dataclass(frozen=True)
class Links:
    """URLs for the states one click away from ``request``; paging resets on every change."""

    request: SearchRequest
    base: str
    default_page_size: int

    def params(self, request: SearchRequest) -> list[tuple[str, str]]:
        params = request.to_params()
        if request.page_size != self.default_page_size:
            params.append(("page_size", str(request.page_size)))
        return params

    def url(self, **changes: object) -> str:
        """This page's URL with ``changes`` applied, back on page 1 unless a page is given."""
        return self.url_at(self.base, changes)

    def url_at(self, base: str, changes: dict[str, object]) -> str:
        changes = {"page": 1, **changes}
        query = urlencode(self.params(self.request.with_changes(**changes)))
        return f"{base}?{query}" if query else base

    def toggle(self, facet: str, value: str) -> str:
        chosen = self.request.selected(facet)
        new = tuple(v for v in chosen if v != value) if value in chosen else (*chosen, value)
        return self.url_at(self.base, {facet: new})

    def remove(self, facet: str, value: str) -> str:
        if facet == "date":
            return self.url(date_from="", date_to="")
        kept = tuple(v for v in self.request.selected(facet) if v != value)
        return self.url_at(self.base, {facet: kept})

    def clear(self) -> str:
        return self.url(issuer=(), doc_type=(), year=(), date_from="", date_to="")

    def page(self, number: int) -> str:
        return self.url(page=number)


@dataclass(frozen=True)
class Chip:
    label: str
    value: str
    url: str


def chips(links: Links) -> list[Chip]:
    """The active filters, each with the link that removes it."""
    req = links.request
    found = [Chip(FACET_LABELS[f], v, links.remove(f, v)) for f in FACETS for v in req.selected(f)]
    if req.date_from or req.date_to:
        span = f"{req.date_from or '…'} 至 {req.date_to or '…'}"
        found.append(Chip("成文日期", span, links.remove("date", "")))
    return found


def page_numbers(current: int, pages: int, window: int = 2) -> list[int | None]:
    """Page numbers to show, ``None`` for a gap.

    >>> page_numbers(7, 20)
    [1, None, 5, 6, 7, 8, 9, None, 20]
    """
    current = min(current, pages)
    shown = sorted({1, pages, *range(max(1, current - window), min(pages, current + window) + 1)})
    out: list[int | None] = []
    prev = 0
    for n in shown:
        if prev and n - prev > 1:
            out.append(None)
        out.append(n)
        prev = n
    return out


@dataclass(frozen=True)
class Bar:
    year: str
    count: int
    x: float
    y: float
    height: float
    url: str
    selected: bool


@dataclass(frozen=True)
class Histogram:
    bars: list[Bar]
    width: float
    height: float
    first: str
    last: str
    slot: float = 10.0

    @property
    def pixels(self) -> int:
        """Drawn width: about 18 px a year, so a few years do not stretch into slabs."""
        return max(int(self.width / self.slot) * 18, 144)


def histogram(result: SearchResult, links: Links, height: float = 40.0) -> Histogram | None:
    """Bars for the years of the matching documents; empty years in the span keep their gap."""
    counts = dict(result.histogram)
    if not counts:
        return None
    years = sorted(counts)
    lo, hi = int(years[0]), int(years[-1])
    span = [str(y) for y in range(lo, hi + 1)] if hi - lo < MAX_BARS else years
    top = max(counts.values())
    chosen = set(links.request.year)
    bars = []
    for i, year in enumerate(span):
        count = counts.get(year, 0)
        h = max(1.5, height * count / top) if count else 0.0
        bars.append(
            Bar(year, count, i * 10.0, height - h, h, links.url(year=(year,)), year in chosen)
        )
    return Histogram(bars, len(span) * 10.0, height, span[0], span[-1])


@dataclass(frozen=True)
class WayOut:
    text: str
    url: str
    count: int


@dataclass
class ZeroView:
    """Why nothing matched: terms that found nothing, filters that removed the hits, ways out."""

    empty_terms: list[str] = field(default_factory=list)
    found_terms: list[tuple[str, int]] = field(default_factory=list)
    ways_out: list[WayOut] = field(default_factory=list)
    blocking: list[str] = field(default_factory=list)
    filtered: bool = False  # filters are active (they may remove the hits only together)


def zero_view(result: SearchResult, links: Links) -> ZeroView | None:
    hint = result.zero
    if hint is None:
        return None
    view = ZeroView(filtered=bool(hint.filters))
    for term, count in hint.terms:
        if count:
            view.found_terms.append((term, count))
        else:
            view.empty_terms.append(term)
    for param, value, without in hint.filters:
        label = "成文日期" if param == "date" else FACET_LABELS.get(param, param)
        if without:
            view.blocking.append(f"{label}：{value}")
            view.ways_out.append(
                WayOut(f"去掉筛选「{label}：{value}」", links.remove(param, value), without)
            )
    if hint.other_mode and hint.other_mode_total:
        label = MODE_LABELS.get(hint.other_mode, hint.other_mode)
        view.ways_out.append(
            WayOut(f"改用{label}匹配", links.url(mode=hint.other_mode), hint.other_mode_total)
        )
    if len(hint.filters) > 1:
        view.ways_out.append(WayOut("清除全部筛选", links.clear(), -1))
    return view


# -- the document page ---------------------------------------------------------------------
@dataclass
class Block:
    """A piece of a document's text: a paragraph, an attachment label or a table."""

    kind: str  # "p" | "attachment" | "table"
    text: str = ""
    rows: list[list[str]] = field(default_factory=list)


_ATTACHMENT_RE = re.compile(r"^[\s\u3000]*附\s*件\s*[0-9０-９一二三四五六七八九十]*\s*[:：]?")


def body_blocks(body: str) -> list[Block]:
    """Paragraphs (split on blank lines), attachment labels, and tab-separated rows as tables.

    >>> [b.kind for b in body_blocks("正文。\\n\\n附件：名单\\n姓名\\t职务\\n张三\\t主任")]
    ['p', 'attachment', 'table']
    """
    blocks: list[Block] = []
    para: list[str] = []

    def flush() -> None:
        if para:
            blocks.append(Block("p", "\n".join(para)))
            para.clear()

    for line in body.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if not line.strip():
            flush()
        elif "\t" in line:
            flush()
            cells = [c.strip() for c in line.split("\t")]
            if blocks and blocks[-1].kind == "table":
                blocks[-1].rows.append(cells)
            else:
                blocks.append(Block("table", rows=[cells]))
        elif _ATTACHMENT_RE.match(line) and len(line.strip()) <= 80:
            flush()
            blocks.append(Block("attachment", line.strip()))
        else:
            para.append(line)
    flush()
    for block in blocks:
        if block.kind == "table":
            width = max(len(r) for r in block.rows)
            block.rows = [r + [""] * (width - len(r)) for r in block.rows]
    return blocks


def source_fragment(source: str, pdf_page: int | None) -> str:
    """``#page=N`` for a PDF with a known page, so the browser's viewer opens at it."""
    return f"#page={pdf_page}" if source.lower().endswith(".pdf") and pdf_page else ""


# -- the staff site's correction form ------------------------------------------------------
CORRECTION_LABELS = {
    "title": "标题",
    "doc_number": "文号",
    "issuer": "发文机关",
    "doc_type": "文种",
    "date": "成文日期",
    "section": "栏目",
    "page": "页码",
}


@dataclass(frozen=True)
class CorrectionInput:
    """One input of the form: the field, its label, its value now, whether staff corrected it."""

    name: str
    label: str
    value: str
    corrected: bool


def correction_inputs(rec: Record) -> list[CorrectionInput]:
    """The form's inputs, filled with the document's values as indexed."""
    return [
        CorrectionInput(name, CORRECTION_LABELS[name], _shown(rec, name), name in rec.corrected)
        for name in FIELDS
    ]


def _shown(rec: Record, name: str) -> str:
    value = getattr(rec, name)
    return "" if value is None else str(value)


def form_changes(rec: Record, form: Mapping[str, str]) -> dict[str, Value | None]:
    """What a submitted form changes: fields whose checked value differs from the document's,
    and (None) corrected fields the staff member emptied, which removes their correction. An
    emptied field that was never corrected is left alone: a correction sets a value.
    QueryError names the first field whose value is wrong.

    >>> rec = Record(id="a", title="关于印发的通知", date="2024-01-26", corrected=["date"])
    >>> form_changes(rec, {"title": "关于印发的通知", "date": "", "page": "１２", "issuer": ""})
    {'date': None, 'page': 12}
    """
    changes: dict[str, Value | None] = {}
    for name in FIELDS:
        text = form.get(name)
        if text is None or text.strip() == _shown(rec, name).strip():
            continue  # untouched: left as it is, even a value the checks would not accept
        if not text.strip():
            if name in rec.corrected:
                changes[name] = None
            continue
        value = check_value(name, text)
        if value != getattr(rec, name):
            changes[name] = value
    return changes
