"""Whatever a person types, the web answers below 500 and the CLI without a traceback.

Numbers are the trap: ``"²".isdigit()`` is true and ``int("²")`` raises; ``int("٣")`` is 3;
``int()`` of a few thousand digits raises. Every number typed is parsed by
:func:`indexer.numbers.parse_whole`; these properties check the routes and the commands around it.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

import pytest
from click.testing import CliRunner
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexer.errors import QueryError
from indexer.numbers import MAX_WHOLE, parse_whole
from searchapp.cli import cli
from tests.conftest import WebIndex

# Values that broke or nearly broke a parser: digits int() reads differently from isdigit(),
# huge and negative numbers, empties, controls.
TRICKY = [
    "²", "³", "¹⁰", "٣", "３", "߀", "𝟗", "1_000", "+1", "-1", "-0", "0", "00", " 7 ", "1e3",
    "0x10", "１２", "9" * 13, "9" * 5000, "", " ", "\x00", "1\x00", "\n1", "\u3000", "2024",
    "0000", "99999", "2024-02-30", "２０２４-01-01", "2024-1-1", "nan", "∞",
]  # fmt: skip
ROUTES = ["/search", "/api/search", "/export.csv", "/export.jsonl", "/feed.atom"]
PARAMS = ["q", "page", "page_size", "year", "date_from", "date_to", "issuer", "doc_type",
          "sort", "mode", "scope"]  # fmt: skip
typed = st.one_of(st.sampled_from(TRICKY), st.text(max_size=40), st.integers().map(str))
query_strings = st.lists(st.tuples(st.sampled_from(PARAMS), typed), max_size=8)
SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("text", TRICKY)
def test_the_helper_returns_ascii_numbers_or_names_the_parameter(text: str) -> None:
    try:
        value = parse_whole("page", text, lo=1)
    except QueryError as exc:
        assert exc.param == "page" and str(exc).startswith("page: ")
        assert "\n" not in str(exc) and "\x00" not in str(exc)
    else:
        assert text.strip().isascii() and str(value) == text.strip().lstrip("0")
        assert 1 <= value <= MAX_WHOLE


@pytest.mark.parametrize(
    ("url", "param"),
    [
        ("/search?q=法&page=²", "page"),
        ("/api/search?q=法&page_size=³", "page_size"),
        ("/export.csv?q=法&page=²", "page"),
        ("/export.jsonl?page_size=³", "page_size"),
        ("/api/search?page=٣", "page"),
        ("/api/search?page=" + "9" * 5000, "page"),
        ("/api/search?year=²０２４", "year"),
    ],
)
def test_unicode_digits_are_a_400_naming_the_parameter(app: Flask, url: str, param: str) -> None:
    response = app.test_client().get(url)
    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    if url.startswith("/api/"):
        assert response.get_json()["param"] == param


@SETTINGS
@given(route=st.sampled_from(ROUTES), params=query_strings)
def test_no_query_string_is_a_server_error(
    app: Flask, route: str, params: list[tuple[str, str]]
) -> None:
    response = app.test_client().get(f"{route}?{urlencode(params)}")
    response.get_data()  # exports stream: an error while writing shows up only here
    assert response.status_code < 500, (route, params)


@SETTINGS
@given(doc_id=typed)
def test_no_document_id_is_a_server_error(app: Flask, doc_id: str) -> None:
    for route in ("/doc/", "/api/doc/"):
        response = app.test_client().get(route + quote(doc_id, safe=""))
        assert response.status_code < 500, (route, doc_id)


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    return CliRunner()


@SETTINGS
@given(
    options=st.lists(
        st.tuples(st.sampled_from(["--page", "--limit", "--from", "--to", "--year"]), typed),
        max_size=4,
    )
)
def test_no_option_value_is_a_traceback(
    runner: CliRunner, web_index: WebIndex, options: list[tuple[str, str]]
) -> None:
    args = ["search", "法律", "--json", "--config", str(web_index.root / "config.toml")]
    for name, value in options:
        args += [name, value]
    result = runner.invoke(cli, args, prog_name="gazette")
    # CliRunner catches what escapes the command; a traceback would be an exception here.
    assert result.exception is None or isinstance(result.exception, SystemExit), options
    assert result.exit_code in {0, 1, 2}, (options, result.output)
    assert "Traceback" not in result.output
    if result.exit_code == 2:
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("gazette: "), result.stderr
