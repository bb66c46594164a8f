from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from indexer.errors import QueryError
from searchapp.request import MAX_PAGE, MAX_QUERY_CHARS, SearchRequest, parse_params
from tests.helpers import SEARCH_PARAMS


def test_defaults() -> None:
    req = parse_params({})
    assert req == SearchRequest()
    assert req.to_params() == []


def test_repeated_facet_values_are_kept_in_order_without_duplicates() -> None:
    req = parse_params({"issuer": ["甲", "乙", "甲", " "], "doc_type": ["通知"], "year": ["2024"]})
    assert req.issuer == ("甲", "乙")
    assert req.to_params() == [
        ("issuer", "甲"),
        ("issuer", "乙"),
        ("doc_type", "通知"),
        ("year", "2024"),
    ]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"date_from": ["2024-13-01"]}, 'date_from: "2024-13-01" is not a date (YYYY-MM-DD)'),
        ({"date_to": ["yesterday"]}, 'date_to: "yesterday" is not a date (YYYY-MM-DD)'),
        ({"date_from": ["2024-02-30"]}, 'date_from: "2024-02-30" is not a date (YYYY-MM-DD)'),
        (
            {"date_from": ["2024-03-01"], "date_to": ["2024-01-01"]},
            "date_to: 2024-01-01 is before date_from 2024-03-01",
        ),
        ({"page": ["0"]}, "page: must be at least 1"),
        ({"date_from": ["0001-01-01"]}, "date_from: 0001-01-01 is outside 1900–2100"),
        ({"date_to": ["9999-12-31"]}, "date_to: 9999-12-31 is outside 1900–2100"),
        ({"page": ["-3"]}, 'page: "-3" is not a positive whole number'),
        ({"page": ["abc"]}, 'page: "abc" is not a positive whole number'),
        ({"sort": ["score"]}, 'sort: "score" is not one of relevance, date'),
        ({"mode": ["fuzzy"]}, 'mode: "fuzzy" is not one of words, exact'),
        ({"year": ["24"]}, 'year: "24" is not a year (YYYY)'),
        # str.isdigit() says yes to these; int() refuses the first and misreads the others.
        ({"page": ["²"]}, 'page: "²" is not a positive whole number'),
        ({"page_size": ["³"]}, 'page_size: "³" is not a positive whole number'),
        ({"page": ["٣"]}, 'page: "٣" is not a positive whole number'),
        ({"page": ["１２"]}, 'page: "１２" is not a positive whole number'),
        ({"page": ["1_000"]}, 'page: "1_000" is not a positive whole number'),
        ({"page": ["+2"]}, 'page: "+2" is not a positive whole number'),
        ({"page": ["1\x00"]}, 'page: "1\\x00" is not a positive whole number'),
        ({"page": ["9" * 5000]}, "page: must be at most 999999999999"),
        ({"year": ["２０２４"]}, 'year: "２０２４" is not a year (YYYY)'),
        ({"year": ["²⁰²⁴"]}, 'year: "²⁰²⁴" is not a year (YYYY)'),
        ({"year": ["1850"]}, "year: 1850 is outside 1900–2100"),
        (
            {"date_from": ["2024-01-01\n"], "date_to": ["x\ny"]},
            'date_to: "x\\ny" is not a date (YYYY-MM-DD)',
        ),
    ],
)
def test_invalid_parameters_name_the_parameter(params: dict[str, list[str]], message: str) -> None:
    with pytest.raises(QueryError) as info:
        parse_params(params)
    assert str(info.value) == message


def test_bounds_clamp_with_warnings() -> None:
    req = parse_params(
        {
            "q": ["法" * 10_000],
            "page": ["999999999"],
            "page_size": ["5000"],
            "issuer": [f"机关{i}" for i in range(1000)],
        }
    )
    assert len(req.q) == MAX_QUERY_CHARS
    assert req.page == MAX_PAGE
    assert req.page_size == 100
    assert len(req.issuer) == 20
    assert len(req.warnings) == 4


def test_numbers_with_zeros_and_spaces_are_read_as_ascii_digits() -> None:
    req = parse_params({"page": [" 007 "], "page_size": ["010"], "year": ["2024"]})
    assert (req.page, req.page_size, req.year) == (7, 10, ("2024",))
    assert parse_params({"page": [""], "page_size": ["  "]}, page_size=15).page_size == 15


def test_last_value_wins_for_single_parameters() -> None:
    assert parse_params({"q": ["a", "b"], "sort": ["relevance", "date"]}).sort == "date"


@given(
    st.dictionaries(
        st.sampled_from([p for p in SEARCH_PARAMS if p != "format"] + ["zzz"]),
        st.lists(st.text(max_size=30), max_size=4),
    )
)
def test_parser_raises_nothing_but_query_errors(params: dict[str, list[str]]) -> None:
    try:
        req = parse_params(params)
    except QueryError as exc:
        assert exc.param in params
    else:
        assert 1 <= req.page <= MAX_PAGE and len(req.q) <= MAX_QUERY_CHARS
