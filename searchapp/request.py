"""A search request, and the parser that builds one from URL parameters with bounded input.

Every invalid parameter raises :class:`~indexer.errors.QueryError` naming it (the web answers
400 with that message); values over a bound are clamped with a warning instead. Numbers are
parsed by :func:`indexer.numbers.parse_whole`, as the CLI's are.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from indexer.errors import QueryError
from indexer.names import display_name
from indexer.numbers import parse_whole

MAX_QUERY_CHARS = 500
MAX_PAGE = 1000
MAX_PAGE_SIZE = 100
MAX_FACET_VALUES = 20
SORTS = ("relevance", "date")
MODES = ("words", "exact")
SCOPES = ("all", "title")
FACETS = ("issuer", "doc_type", "year")
# Gazettes of the People's Republic start in 1949; anything far outside is a typo or a probe.
MIN_YEAR, MAX_YEAR = 1900, 2100


@dataclass(frozen=True)
class SearchRequest:
    """What a person asked for; the same object drives the page, the API, the CLI and exports."""

    q: str = ""
    issuer: tuple[str, ...] = ()
    doc_type: tuple[str, ...] = ()
    year: tuple[str, ...] = ()
    date_from: str = ""
    date_to: str = ""
    sort: str = "relevance"
    mode: str = "words"
    scope: str = "all"
    page: int = 1
    page_size: int = 20
    warnings: tuple[str, ...] = field(default=(), compare=False)

    def selected(self, facet: str) -> tuple[str, ...]:
        value: tuple[str, ...] = getattr(self, facet)
        return value

    def with_changes(self, **changes: object) -> SearchRequest:
        return replace(self, **changes)  # type: ignore[arg-type]

    def to_params(self) -> list[tuple[str, str]]:
        """URL parameters for this request (defaults left out), for links and paging."""
        params: list[tuple[str, str]] = []
        if self.q:
            params.append(("q", self.q))
        for facet in FACETS:
            params.extend((facet, v) for v in self.selected(facet))
        for name, default in (
            ("date_from", ""),
            ("date_to", ""),
            ("sort", "relevance"),
            ("mode", "words"),
            ("scope", "all"),
        ):
            value = getattr(self, name)
            if value != default:
                params.append((name, value))
        if self.page != 1:
            params.append(("page", str(self.page)))
        return params


def parse_date(name: str, value: str) -> str:
    """Check a ``YYYY-MM-DD`` date parameter.

    >>> parse_date("date_from", "2024-02-29")
    '2024-02-29'
    """
    value = value.strip()
    if len(value) == 10:
        try:
            date = dt.date.fromisoformat(value)
        except ValueError:
            pass
        else:
            if not MIN_YEAR <= date.year <= MAX_YEAR:
                raise QueryError(name, f"{value} is outside {MIN_YEAR}–{MAX_YEAR}")
            return date.isoformat()
    raise QueryError(name, f'"{display_name(value[:40])}" is not a date (YYYY-MM-DD)')


def _one(params: Mapping[str, Sequence[str]], name: str, default: str = "") -> str:
    values = params.get(name) or ()
    return values[-1] if values else default


def _choice(params: Mapping[str, Sequence[str]], name: str, allowed: tuple[str, ...]) -> str:
    value = _one(params, name, allowed[0]) or allowed[0]
    if value not in allowed:
        raise QueryError(name, f'"{display_name(value[:40])}" is not one of {", ".join(allowed)}')
    return value


def _int(
    params: Mapping[str, Sequence[str]], name: str, default: int, upper: int, warnings: list[str]
) -> int:
    """A positive whole number (see :func:`indexer.numbers.parse_whole`), clamped to ``upper``
    with a warning: a link to page 5000 still shows the last page there is."""
    raw = _one(params, name).strip()
    value = parse_whole(name, raw, lo=1) if raw else default
    if value > upper:
        warnings.append(f"{name} 超过上限 {upper}，已按 {upper} 处理")
        return upper
    return value


def _facet_values(
    params: Mapping[str, Sequence[str]], name: str, warnings: list[str]
) -> tuple[str, ...]:
    values = list(dict.fromkeys(v.strip()[:100] for v in params.get(name) or () if v.strip()))
    if len(values) > MAX_FACET_VALUES:
        warnings.append(f"{name} 最多可选 {MAX_FACET_VALUES} 项，其余已忽略")
        values = values[:MAX_FACET_VALUES]
    if name == "year":
        for v in values:
            _check_year(v)
    return tuple(values)


def _check_year(value: str) -> None:
    """A year facet value: four ASCII digits within the gazettes' years."""
    try:
        year = parse_whole("year", value) if len(value) == 4 else -1
    except QueryError:
        year = -1
    if year < 0:
        raise QueryError("year", f'"{display_name(value[:40])}" is not a year (YYYY)')
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise QueryError("year", f"{value} is outside {MIN_YEAR}–{MAX_YEAR}")


def parse_params(params: Mapping[str, Sequence[str]], page_size: int = 20) -> SearchRequest:
    """Build a request from URL parameters (each name → its list of values).

    >>> parse_params({"q": ["法律顾问"], "doc_type": ["通知", "函"]}).doc_type
    ('通知', '函')
    """
    warnings: list[str] = []
    q = _one(params, "q")
    if len(q) > MAX_QUERY_CHARS:
        warnings.append(f"查询过长，只使用了前 {MAX_QUERY_CHARS} 个字符")
        q = q[:MAX_QUERY_CHARS]
    raw_from, raw_to = _one(params, "date_from").strip(), _one(params, "date_to").strip()
    date_from = parse_date("date_from", raw_from) if raw_from else ""
    date_to = parse_date("date_to", raw_to) if raw_to else ""
    if date_from and date_to and date_from > date_to:
        raise QueryError("date_to", f"{date_to} is before date_from {date_from}")
    return SearchRequest(
        q=q,
        issuer=_facet_values(params, "issuer", warnings),
        doc_type=_facet_values(params, "doc_type", warnings),
        year=_facet_values(params, "year", warnings),
        date_from=date_from,
        date_to=date_to,
        sort=_choice(params, "sort", SORTS),
        mode=_choice(params, "mode", MODES),
        scope=_choice(params, "scope", SCOPES),
        page=_int(params, "page", 1, MAX_PAGE, warnings),
        page_size=_int(params, "page_size", page_size, MAX_PAGE_SIZE, warnings),
        warnings=tuple(warnings),
    )
