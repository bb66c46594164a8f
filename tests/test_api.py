"""The JSON API: the DESIGN shapes, the error envelope, and agreement with the HTML page."""

from __future__ import annotations

import json
from collections.abc import Callable
from urllib.parse import urlencode

import pytest
from flask import Flask
from flask.testing import FlaskClient

from searchapp.request import parse_params
from tests.conftest import INTERNAL_MARKER, OWN_QUERIES, Page, WebIndex, relevance_queries

Scrape = Callable[[str], Page]


def test_search_body_is_the_library_result(client: FlaskClient, app: Flask) -> None:
    response = client.get("/api/search?q=法律顾问&doc_type=通知")
    assert response.status_code == 200
    assert response.content_type == "application/json"
    body = response.get_json()
    request = parse_params({"q": ["法律顾问"], "doc_type": ["通知"]}, 20)
    with app.app_context():
        expected = app.extensions["gazette"].searcher.search(request).to_dict()
    assert body == json.loads(json.dumps(expected))
    assert list(body)[:6] == ["ok", "query", "total", "page", "page_size", "pages"]
    assert body["ok"] is True and body["query"] == "法律顾问"
    # Chinese is sent as UTF-8, not as \\u escapes.
    assert "法律顾问".encode() in response.get_data()


def test_search_hit_and_facet_shapes(client: FlaskClient, web_index: WebIndex) -> None:
    body = client.get("/api/search?q=河道保洁&mode=exact").get_json()
    assert body["total"] == 3 and body["pages"] == 1
    assert sorted(h["id"] for h in body["hits"]) == [
        "jia-2023-32",
        "jia-ban-2022-3",
        "jia-pifu-2023-9",
    ]
    hit = next(h for h in body["hits"] if h["id"] == "jia-pifu-2023-9")
    assert {
        k: hit[k] for k in ("title", "doc_number", "issuer", "doc_type", "date", "gazette")
    } == {
        "title": "甲市人民政府关于同意设立河道保洁中心的批复",
        "doc_number": "甲政函〔2023〕9号",
        "issuer": "甲市人民政府",
        "doc_type": "批复",
        "date": "2023-08-21",
        "gazette": "2023年第3期",
    }
    assert "<mark>" in hit["snippet"] and "title_html" not in hit
    assert body["facets"]["issuer"] == [
        {"value": "甲市人民政府", "count": 2, "selected": False},
        {"value": "甲市人民政府办公室", "count": 1, "selected": False},
    ]
    assert body["histogram"] == [{"year": "2022", "count": 1}, {"year": "2023", "count": 2}]
    assert INTERNAL_MARKER not in json.dumps(body, ensure_ascii=False)


def test_browse_lists_everything_newest_first(client: FlaskClient, web_index: WebIndex) -> None:
    body = client.get("/api/search?page_size=100").get_json()
    assert body["total"] == len(web_index.public) == len(body["hits"])
    dates = [h["date"] for h in body["hits"]]
    assert dates == sorted(dates, reverse=True)
    assert all(h["score"] is None for h in body["hits"])


@pytest.mark.parametrize(
    ("query", "param", "error"),
    [
        ("date_from=2024-13-01", "date_from", 'date_from: "2024-13-01" is not a date (YYYY-MM-DD)'),
        (
            "date_from=2024-03-01&date_to=2024-01-01",
            "date_to",
            "date_to: 2024-01-01 is before date_from 2024-03-01",
        ),
        ("sort=best", "sort", 'sort: "best" is not one of relevance, date'),
        ("scope=body", "scope", 'scope: "body" is not one of all, title'),
        ("page=-1", "page", 'page: "-1" is not a positive whole number'),
        ("page_size=0", "page_size", "page_size: must be at least 1"),
        ("year=abcd", "year", 'year: "abcd" is not a year (YYYY)'),
        ("format=xml", "format", 'format: "xml" is not one of json, csv, jsonl'),
    ],
)
def test_bad_parameters_are_a_400_envelope_naming_them(
    client: FlaskClient, query: str, param: str, error: str
) -> None:
    response = client.get(f"/api/search?{query}")
    assert response.status_code == 400
    assert response.get_json() == {"ok": False, "error": error, "status": 400, "param": param}


def test_bounds_are_clamped_with_warnings(client: FlaskClient) -> None:
    body = client.get("/api/search?page=5000&page_size=500").get_json()
    assert body["page"] == 1000 and body["page_size"] == 100 and body["hits"] == []
    assert "page 超过上限 1000，已按 1000 处理" in body["warnings"]
    assert "page_size 超过上限 100，已按 100 处理" in body["warnings"]


def test_page_beyond_the_results_is_empty_with_a_warning(client: FlaskClient) -> None:
    body = client.get("/api/search?q=河道保洁&mode=exact&page=3").get_json()
    assert body["total"] == 3 and body["pages"] == 1 and body["hits"] == []
    assert body["warnings"] == ["第 3 页超出结果范围（共 1 页）"]


def test_document_body(client: FlaskClient) -> None:
    response = client.get("/api/doc/jia-ban-2022-15")
    assert response.status_code == 200
    body = response.get_json()
    assert list(body)[:2] == ["ok", "id"] and body["ok"] is True
    assert body["repealed"] is True
    assert body["repealed_by_links"] == [
        {
            "doc_number": "甲政发〔2024〕8号",
            "id": "jia-2024-8",
            "title": "甲市人民政府关于推行政府法律顾问制度的通知",
            "sentence": "原《甲市政府法律顾问工作办法》（甲政办发〔2022〕15号）同时废止。",
        }
    ]
    assert body["attachments"] == ["甲市政府法律顾问工作办法"]
    cited = client.get("/api/doc/jia-2024-8").get_json()
    assert cited["repealed"] is False
    assert cited["repeals_links"][0]["id"] == "jia-ban-2022-15"
    assert [link["id"] for link in cited["cited_by_links"]] == ["jia-han-2024-2"]


def test_document_by_doc_number_variant(client: FlaskClient) -> None:
    body = client.get("/api/doc/甲政发(2024)8号").get_json()
    assert body["id"] == "jia-2024-8"


@pytest.mark.parametrize(
    "url", ["/api/doc/nope", "/api/doc/jia-int-99", "/api/nothing", "/api/doc/"]
)
def test_unknown_ids_and_paths_are_a_404_envelope(client: FlaskClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 404
    body = response.get_json()
    assert body["ok"] is False and body["status"] == 404 and body["error"]
    assert INTERNAL_MARKER not in response.get_data(as_text=True)


def test_internal_and_unknown_ids_answer_the_same(client: FlaskClient) -> None:
    internal = client.get("/api/doc/jia-int-99").get_json()
    unknown = client.get("/api/doc/jia-int-98").get_json()
    assert internal["error"].replace("99", "98") == unknown["error"]


def test_staff_api_sees_internal_documents(staff_client: FlaskClient) -> None:
    body = staff_client.get("/api/doc/jia-int-99").get_json()
    assert body["visibility"] == "internal" and INTERNAL_MARKER in body["body"]
    found = staff_client.get(f"/api/search?q={INTERNAL_MARKER}&mode=exact").get_json()
    assert [h["id"] for h in found["hits"]] == ["jia-int-99"]


def test_api_exports(client: FlaskClient, web_index: WebIndex) -> None:
    csv_response = client.get("/api/search?format=csv&doc_type=批复")
    assert csv_response.status_code == 200
    assert csv_response.headers["Content-Disposition"] == (
        'attachment; filename="gazette-search.csv"'
    )
    expected = sum(1 for r in web_index.public if r.doc_type == "批复")
    assert len(csv_response.get_data().decode("utf-8-sig").splitlines()) == 1 + expected
    jsonl = client.get("/api/search?format=jsonl&doc_type=批复").get_data(as_text=True)
    assert len(jsonl.splitlines()) == expected


def _assert_api_and_page_agree(client: FlaskClient, scrape: Scrape, query: str) -> None:
    api = client.get(f"/api/search?{query}").get_json()
    page = scrape(client.get(f"/search?{query}").get_data(as_text=True))
    assert page.total == api["total"], query
    assert page.hits == [h["id"] for h in api["hits"]], query
    shown = {f: {v: (c, s) for v, (c, s, _) in values.items()} for f, values in page.facets.items()}
    expected = {
        f: {v["value"]: (v["count"], v["selected"]) for v in values}
        for f, values in api["facets"].items()
        if values
    }
    assert shown == expected, query
    bars = {y: c for y, (c, _) in page.bars.items()}
    assert bars == {h["year"]: h["count"] for h in api["histogram"]}, query


@pytest.mark.parametrize("q", OWN_QUERIES)
def test_api_and_page_agree_on_total_hits_and_facets(
    client: FlaskClient, scrape: Scrape, q: str
) -> None:
    for extra in ("", "&doc_type=通知", "&sort=date&page=2", "&mode=exact&scope=title"):
        _assert_api_and_page_agree(client, scrape, urlencode({"q": q}) + extra)


@pytest.mark.parametrize("q", relevance_queries() or ["(no tests/data/queries.json)"])
def test_api_and_page_agree_on_the_relevance_queries(
    gazette_client: FlaskClient, scrape: Scrape, q: str
) -> None:
    if not relevance_queries():
        pytest.skip("tests/data/queries.json does not exist")
    for extra in ("", "&mode=exact", "&sort=date&page=2"):
        _assert_api_and_page_agree(gazette_client, scrape, urlencode({"q": q}) + extra)
