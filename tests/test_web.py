"""The HTML site over the web fixture index: every route, parameter and error, with exact figures.

Expected counts come from the fixture records themselves (``web_index.public``), not from the
search library, so a wrong count in the library or the page shows up here.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.config import load_config, parse_config
from indexer.errors import NotFoundError
from indexer.index.reindex import reindex
from searchapp import create_app
from searchapp.pageview import body_blocks, page_numbers, source_fragment
from searchapp.web import source_path
from tests.conftest import INTERNAL_MARKER, Page, WebIndex
from tests.helpers import SEARCH_PARAMS, sample_records, write_config, write_jsonl

Scrape = Callable[[str], Page]


def _get(client: FlaskClient, url: str, scrape: Scrape, status: int = 200) -> Page:
    response = client.get(url)
    assert response.status_code == status, (url, response.get_data(as_text=True)[:500])
    return scrape(response.get_data(as_text=True))


def _counts(web_index: WebIndex, facet: str) -> Counter[str]:
    values = (getattr(r, facet) if facet != "year" else r.year for r in web_index.public)
    return Counter(v for v in values if v)


# -- the search page: browsing -----------------------------------------------------------------
def test_home_browses_every_public_document_newest_first(
    client: FlaskClient, scrape: Scrape, web_index: WebIndex
) -> None:
    response = client.get("/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<html lang="zh-CN">' in html
    page = scrape(html)
    assert page.total == len(web_index.public) == 52
    assert f"共 {page.total} 条" in " ".join(page.text.split())
    dates = {r.id: r.date for r in web_index.public}
    shown = [dates[i] for i in page.hits]
    assert len(shown) == 20
    assert shown == sorted(shown, reverse=True)
    assert page.hits[0] == "jia-pifu-2024-6"  # 2024-03-12, the newest public document


def test_browse_facet_counts_equal_the_records(
    client: FlaskClient, scrape: Scrape, web_index: WebIndex
) -> None:
    page = _get(client, "/", scrape)
    for facet in ("issuer", "doc_type", "year"):
        expected = _counts(web_index, facet)
        shown = {value: count for value, (count, _, _) in page.facets[facet].items()}
        assert shown == dict(expected) if len(expected) <= 30 else shown.items() <= expected.items()
    assert page.facets["issuer"]["甲市人民政府"][0] == 6
    assert page.facets["issuer"]["甲市人民政府办公室"][0] == 4
    assert page.facets["doc_type"]["批复"][0] == 2 + _counts(web_index, "doc_type")["批复"] - 2


def _click_every_facet_value(client: FlaskClient, scrape: Scrape, start_url: str) -> int:
    """Follow each facet link of a page; the total shown after the click is the link's count."""
    start = _get(client, start_url, scrape)
    clicked = 0
    for facet, values in start.facets.items():
        for value, (count, selected, href) in values.items():
            if selected:
                continue
            after = _get(client, href, scrape)
            assert after.total == count, (start_url, facet, value, href)
            assert after.facets[facet][value][1] is True  # now shown as selected
            assert any(value in text for text, _ in after.chips)
            clicked += 1
    return clicked


@pytest.mark.parametrize("q", ["", "河道保洁", "通知", "国务院"])
def test_every_single_facet_state_reachable_by_a_click_shows_its_count(
    client: FlaskClient, scrape: Scrape, q: str
) -> None:
    assert _click_every_facet_value(client, scrape, f"/search?q={q}") >= 3


@pytest.mark.parametrize("q", ["", "通知", "法律顾问", "公报", "条例"])
def test_every_single_facet_state_of_the_sample_gazettes(
    gazette_client: FlaskClient, scrape: Scrape, q: str
) -> None:
    assert _click_every_facet_value(gazette_client, scrape, f"/search?q={q}") >= 3


def test_histogram_bars_match_the_year_facet_and_filter_to_one_year(
    client: FlaskClient, scrape: Scrape, web_index: WebIndex
) -> None:
    html = client.get("/").get_data(as_text=True)
    assert "<svg" in html and "<script" not in html
    page = scrape(html)
    years = _counts(web_index, "year")
    assert {y: c for y, (c, _) in page.bars.items()} == dict(years)
    count, href = page.bars["2023"]
    assert parse_qs(urlsplit(href).query) == {"year": ["2023"]}
    assert _get(client, href, scrape).total == count == years["2023"]


# -- facets: OR within a facet, AND across facets; chips -----------------------------------------
def test_two_values_of_one_facet_are_ored_and_counts_do_not_collapse(
    client: FlaskClient, scrape: Scrape, web_index: WebIndex
) -> None:
    issuers = _counts(web_index, "issuer")
    one = _get(client, "/search?issuer=甲市人民政府", scrape)
    assert one.total == issuers["甲市人民政府"] == 6
    # The other issuers keep their own counts (disjunctive faceting).
    assert one.facets["issuer"]["甲市财政局"] == (2, False, one.facets["issuer"]["甲市财政局"][2])
    href = one.facets["issuer"]["甲市财政局"][2]
    two = _get(client, href, scrape)
    assert two.total == 6 + 2
    assert sorted(t for t, _ in two.chips) == sorted(
        ["发文机关：甲市人民政府×", "发文机关：甲市财政局×"]
    )
    # AND across facets: 甲市人民政府 or 甲市财政局, and 通知.
    both = _get(client, "/search?issuer=甲市人民政府&issuer=甲市财政局&doc_type=通知", scrape)
    expected = sum(
        1
        for r in web_index.public
        if r.issuer in ("甲市人民政府", "甲市财政局") and r.doc_type == "通知"
    )
    assert both.total == expected == 3


def test_chips_remove_one_filter_and_clear_all_keeps_the_words(
    client: FlaskClient, scrape: Scrape
) -> None:
    url = "/search?q=河道保洁&issuer=甲市人民政府&year=2023&date_from=2023-01-01&mode=exact"
    page = _get(client, url, scrape)
    chips = dict(page.chips)
    assert set(chips) == {"发文机关：甲市人民政府×", "年份：2023×", "成文日期：2023-01-01 至 …×"}
    removed = parse_qs(urlsplit(chips["年份：2023×"]).query)
    assert removed == {
        "q": ["河道保洁"],
        "issuer": ["甲市人民政府"],
        "date_from": ["2023-01-01"],
        "mode": ["exact"],
    }
    clear = next(href for href, text in page.links if text == "清除全部")
    assert parse_qs(urlsplit(clear).query) == {"q": ["河道保洁"], "mode": ["exact"]}


def test_selected_filters_stay_in_the_form_as_hidden_fields(client: FlaskClient) -> None:
    html = client.get("/search?q=通知&doc_type=函&sort=date").get_data(as_text=True)
    assert '<input type="hidden" name="doc_type" value="函">' in html
    assert '<input type="hidden" name="sort" value="date">' in html
    assert 'name="q" type="search" value="通知"' in html


# -- query words, modes, scope, sort, dates -----------------------------------------------------
def test_query_highlights_and_finds_exactly_the_documents_with_the_words(
    client: FlaskClient, scrape: Scrape
) -> None:
    html = client.get("/search?q=河道保洁&mode=exact").get_data(as_text=True)
    page = scrape(html)
    assert page.total == 3
    assert sorted(page.hits) == ["jia-2023-32", "jia-ban-2022-3", "jia-pifu-2023-9"]
    assert "<mark>" in html
    assert INTERNAL_MARKER not in html


def test_title_scope_only_searches_titles(
    client: FlaskClient, scrape: Scrape, web_index: WebIndex
) -> None:
    everywhere = _get(client, "/search?q=法律顾问&mode=exact", scrape)
    titles = _get(client, "/search?q=法律顾问&mode=exact&scope=title", scrape)
    assert sorted(titles.hits) == sorted(r.id for r in web_index.public if "法律顾问" in r.title)
    assert set(titles.hits) <= set(everywhere.hits)
    assert titles.total == 2


def test_sort_by_date_and_relevance_links(
    client: FlaskClient, scrape: Scrape, web_index: WebIndex
) -> None:
    dates = {r.id: r.date for r in web_index.public}
    page = _get(client, "/search?q=通知&sort=date", scrape)
    shown = [dates[i] for i in page.hits]
    assert shown == sorted(shown, reverse=True)
    relevance = next(href for href, text in page.links if text == "相关度")
    assert "sort" not in parse_qs(urlsplit(relevance).query)


def test_date_range_filters_inclusively(
    client: FlaskClient, scrape: Scrape, web_index: WebIndex
) -> None:
    page = _get(client, "/search?date_from=2024-01-15&date_to=2024-02-02&page_size=50", scrape)
    expected = {r.id for r in web_index.public if "2024-01-15" <= r.date <= "2024-02-02"}
    assert set(page.hits) == expected == {"jia-cai-2024-3", "jia-ban-2024-1", "jia-2024-8"}


# -- pagination ---------------------------------------------------------------------------------
def test_pagination_never_lies(client: FlaskClient, scrape: Scrape, web_index: WebIndex) -> None:
    total = len(web_index.public)
    pages = math.ceil(total / 7)
    seen: list[str] = []
    for n in range(1, pages + 1):
        page = _get(client, f"/search?page_size=7&page={n}", scrape)
        assert page.total == total
        seen += page.hits
    assert len(seen) == total == len(set(seen))
    last = client.get(f"/search?page_size=7&page={pages}").get_data(as_text=True)
    assert f"第 {pages} / {pages} 页" in last and 'rel="next"' not in last
    first = client.get("/search?page_size=7").get_data(as_text=True)
    assert f'aria-label="第 {pages} 页"' in first and f'aria-label="第 {pages + 1} 页"' not in first


def test_a_page_beyond_the_last_says_so_and_links_back(client: FlaskClient, scrape: Scrape) -> None:
    response = client.get("/search?q=河道保洁&mode=exact&page=9")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert scrape(html).hits == []
    assert "第 9 页没有结果：共 3 条，1 页。" in html
    assert (
        'href="/search?q=%E6%B2%B3%E9%81%93%E4%BF%9D%E6%B4%81&amp;mode=exact">转到第 1 页' in html
    )


def test_page_numbers_with_gaps() -> None:
    assert page_numbers(1, 1) == [1]
    assert page_numbers(1, 3) == [1, 2, 3]
    assert page_numbers(7, 20) == [1, None, 5, 6, 7, 8, 9, None, 20]
    assert page_numbers(30, 3) == [1, 2, 3]


# -- zero results ---------------------------------------------------------------------------
def test_zero_results_name_the_term_that_found_nothing(client: FlaskClient, scrape: Scrape) -> None:
    html = client.get("/search?q=河道保洁 火星基地").get_data(as_text=True)
    assert scrape(html).total == 0
    assert "没有找到符合条件的文件" in html
    assert "检索词“<strong>火星基地</strong>”在全部文件中没有出现。" in html
    assert "“<strong>河道保洁</strong>”在" not in html


def test_zero_results_name_the_filter_and_offer_to_drop_it(
    client: FlaskClient, scrape: Scrape
) -> None:
    html = client.get("/search?q=法律顾问&mode=exact&doc_type=批复").get_data(as_text=True)
    page = scrape(html)
    assert page.total == 0
    assert "以下筛选条件排除了全部结果：文种：批复。" in html
    way = next(href for href, text in page.links if text == "去掉筛选「文种：批复」")
    assert "（3 条）" in html
    assert _get(client, way, scrape).total == 3


def test_zero_results_when_only_the_filters_together_remove_the_hits(
    client: FlaskClient, scrape: Scrape
) -> None:
    html = client.get("/search?q=法律顾问&mode=exact&doc_type=批复&year=2023").get_data(
        as_text=True
    )
    page = scrape(html)
    assert page.total == 0
    assert "当前筛选条件合在一起排除了全部结果。" in html
    clear = next(href for href, text in page.links if text == "清除全部筛选")
    assert _get(client, clear, scrape).total == 3


def test_zero_results_offer_the_other_mode(client: FlaskClient, scrape: Scrape) -> None:
    html = client.get("/search?q=顾问法律&mode=exact").get_data(as_text=True)
    exact = scrape(html)
    assert exact.total == 0
    assert "检索词“<strong>顾问法律</strong>”在全部文件中没有出现。" in html
    way = next(href for href, text in exact.links if text == "改用模糊匹配")
    assert parse_qs(urlsplit(way).query) == {"q": ["顾问法律"]}
    assert "改用模糊匹配</a>（3 条）" in html
    assert _get(client, way, scrape).total == 3


def test_parameter_over_a_bound_is_clamped_with_a_warning(client: FlaskClient) -> None:
    html = client.get("/search?q=" + "河" * 600).get_data(as_text=True)
    assert "查询过长，只使用了前 500 个字符" in html


# -- errors ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/search?date_from=2024-13-01", 'date_from: "2024-13-01" is not a date (YYYY-MM-DD)'),
        ("/search?sort=best", 'sort: "best" is not one of relevance, date'),
        ("/search?page=0", "page: must be at least 1"),
        ("/search?page=abc", 'page: "abc" is not a positive whole number'),
        ("/search?year=24", 'year: "24" is not a year (YYYY)'),
        ("/search?mode=regex", 'mode: "regex" is not one of words, exact'),
        ("/export.csv?date_to=2024-02-30", 'date_to: "2024-02-30" is not a date (YYYY-MM-DD)'),
    ],
)
def test_bad_parameters_are_a_400_page_naming_them(
    client: FlaskClient, url: str, message: str
) -> None:
    response = client.get(url)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert response.content_type == "text/html; charset=utf-8"
    from markupsafe import escape

    assert str(escape(message)) in html
    assert "Traceback" not in html


def test_unknown_pages_and_documents_are_404(client: FlaskClient) -> None:
    for url in (
        "/nope",
        "/doc/no-such-id",
        "/source/no-such-id",
        "/doc/jia-int-99",
        "/source/jia-int-99",
        "/export.xml",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "未找到" in response.get_data(as_text=True)


def test_wrong_method_is_405(client: FlaskClient) -> None:
    assert client.post("/search").status_code == 405


def test_unexpected_failure_is_a_plain_500(
    web_index: WebIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = create_app(web_index.config)
    searcher = app.extensions["gazette"].searcher

    def boom(*args: object) -> None:
        raise RuntimeError("secret detail")

    monkeypatch.setattr(searcher, "search", boom)
    for url, kind in (("/search?q=x", "text/html"), ("/api/search?q=x", "application/json")):
        response = app.test_client().get(url)
        body = response.get_data(as_text=True)
        assert response.status_code == 500 and response.content_type.startswith(kind)
        assert "secret detail" not in body and "Traceback" not in body


def test_missing_index_is_503_with_a_clear_message(tmp_path: Path) -> None:
    config = parse_config('[index]\npath = "index"\n[analysis]\nuser_dict = ""\n', tmp_path)
    client = create_app(config).test_client()
    for url in ("/", "/search?q=通知", "/doc/x", "/export.csv", "/feed.atom"):
        response = client.get(url)
        assert response.status_code == 503, url
        assert "检索索引尚未建立" in response.get_data(as_text=True)
        assert str(tmp_path) not in response.get_data(as_text=True)
    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.get_json()["ok"] is False and health.get_json()["status"] == 503


# -- security -------------------------------------------------------------------------------
ROUTES = [
    "/",
    "/search?q=通知",
    "/doc/jia-2024-8",
    "/api/search",
    "/api/doc/jia-2024-8",
    "/healthz",
    "/opensearch.xml",
    "/feed.atom",
    "/export.csv",
    "/export.jsonl",
    "/static/style.css",
    "/nope",
    "/search?page=x",
    "/api/doc/nope",
]


@pytest.mark.parametrize("url", ROUTES)
def test_security_headers_on_every_response(client: FlaskClient, url: str) -> None:
    headers = client.get(url).headers
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"


def test_no_inline_script_or_style_and_no_external_resources(client: FlaskClient) -> None:
    for url in ("/", "/search?q=法律顾问", "/doc/jia-ban-2023-29", "/nope"):
        html = client.get(url).get_data(as_text=True)
        assert "<script" not in html and "style=" not in html and "<style" not in html
        assert not re.search(r'(?:src|href)="(?:https?:)?//', html), url


def test_documents_and_queries_are_escaped(client: FlaskClient) -> None:
    html = client.get("/search?doc_type=公告").get_data(as_text=True)
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert" in html
    doc = client.get("/doc/jia-cai-2022-7").get_data(as_text=True)
    assert "<b>不应加粗</b>" not in doc and "&lt;b&gt;不应加粗&lt;/b&gt;" in doc
    evil = '"><script>alert(1)</script>'
    reflected = client.get("/search", query_string={"q": evil}).get_data(as_text=True)
    assert "<script>alert(1)" not in reflected
    assert "&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in reflected


# -- the document page ------------------------------------------------------------------------
def test_document_page_shows_metadata_paragraphs_table_and_attachments(client: FlaskClient) -> None:
    html = client.get("/doc/jia-ban-2023-29").get_data(as_text=True)
    for text in (
        "甲政办发〔2023〕29号",
        "甲市人民政府办公室",
        "<dd>通知</dd>",
        "2023-11-20",
        "2023年第4期",
        "第 41 页",
        "市市场监管局 0358-8222401",
    ):
        assert text in html, text
    assert '<h2 id="attachments-heading">附件</h2>' in html
    assert "<li>应急联络表</li>" in html
    assert '<p class="attachment-label">附件2</p>' in html
    assert "<td>联系人</td>" in html and "<td>0358-8222402</td>" in html
    assert "<p>各县（市、区）人民政府：</p>" in html


def test_repealed_document_says_so_with_the_sentence_and_a_link(client: FlaskClient) -> None:
    html = client.get("/doc/jia-ban-2022-15").get_data(as_text=True)
    assert "<strong>已废止</strong>" in html
    assert (
        '由<a href="/doc/jia-2024-8">甲市人民政府关于推行政府法律顾问制度的通知</a>'
        "（甲政发〔2024〕8号）废止"
    ) in html
    assert (
        '<q class="sentence">原《甲市政府法律顾问工作办法》（甲政办发〔2022〕15号）同时废止。</q>'
        in html
    )
    assert "已废止" not in client.get("/doc/jia-2024-8").get_data(as_text=True)


def test_document_links_to_cited_and_citing_documents(client: FlaskClient, scrape: Scrape) -> None:
    cites = scrape(client.get("/doc/jia-han-2024-2").get_data(as_text=True))
    assert ("/doc/jia-2024-8", "甲市人民政府关于推行政府法律顾问制度的通知") in cites.links
    cited = client.get("/doc/jia-2024-8").get_data(as_text=True)
    assert '<a href="/doc/jia-han-2024-2" data-doc-number="甲政函〔2024〕2号">' in cited
    state_council = scrape(client.get("/doc/jia-ban-2024-1").get_data(as_text=True))
    target = next(h for h, t in state_council.links if "双随机" in t and h.startswith("/doc/govcn"))
    assert client.get(target).status_code == 200


def test_doc_number_in_the_url_redirects_to_the_id(client: FlaskClient) -> None:
    response = client.get("/doc/甲政发[2024]8号")
    assert response.status_code == 302
    assert response.headers["Location"] == "/doc/jia-2024-8"


def test_document_without_an_original_file_has_no_source_link(client: FlaskClient) -> None:
    html = client.get("/doc/jia-2024-8").get_data(as_text=True)
    assert "/source/" not in html
    assert client.get("/source/jia-2024-8").status_code == 404


def test_body_blocks_split_paragraphs_tables_and_attachment_labels() -> None:
    blocks = body_blocks("第一段\n续行\n\n附件1\n\n名单\n姓名\t职务\n张三\n\n李四\t副主任\t兼\n")
    assert [(b.kind, b.text) for b in blocks] == [
        ("p", "第一段\n续行"),
        ("attachment", "附件1"),
        ("p", "名单"),
        ("table", ""),
        ("p", "张三"),
        ("table", ""),
    ]
    assert blocks[3].rows == [["姓名", "职务"]]
    assert blocks[5].rows == [["李四", "副主任", "兼"]]
    assert source_fragment("a/b.PDF", 7) == "#page=7"
    assert source_fragment("a/b.txt", 7) == "" and source_fragment("a.pdf", None) == ""


def test_source_path_only_serves_indexed_files_inside_the_root(tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "data").mkdir(parents=True)
    (root / "data" / "a.pdf").write_bytes(b"%PDF-1.4")
    (root / "data" / "a.jsonl").write_text("{}", encoding="utf-8")
    (tmp_path / "outside.txt").write_text("secret", encoding="utf-8")
    assert source_path(root, "data/a.pdf") == (root / "data" / "a.pdf").resolve()
    outside = (tmp_path / "outside.txt").resolve()
    assert source_path(root, str(outside)) == outside  # indexed from outside the root
    for bad in (
        "../outside.txt",
        "data/../../outside.txt",
        "data/a.jsonl",
        "data/missing.pdf",
        "data",
    ):
        with pytest.raises(NotFoundError):
            source_path(root, bad)


def _gazette_doc(client: FlaskClient, **params: str) -> dict[str, Any]:
    hits: list[dict[str, Any]] = client.get("/api/search", query_string=params).get_json()["hits"]
    doc: dict[str, Any] = client.get(f"/api/doc/{hits[0]['id']}").get_json()
    return doc


def test_source_serves_the_original_text_file(
    gazette_client: FlaskClient, gazette_index: WebIndex
) -> None:
    doc = _gazette_doc(gazette_client, q="离政发〔2024〕8号")
    assert doc["source"] == "gazettes/lishi-gazette-2024-1.txt"
    html = gazette_client.get(f"/doc/{doc['id']}").get_data(as_text=True)
    assert f'href="/source/{doc["id"]}"' in html
    response = gazette_client.get(f"/source/{doc['id']}")
    assert response.status_code == 200
    assert response.content_type == "text/plain; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith("inline")
    assert response.get_data() == (gazette_index.root / doc["source"]).read_bytes()
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_source_serves_the_pdf_opened_at_the_documents_page(
    gazette_client: FlaskClient, gazette_index: WebIndex
) -> None:
    doc = _gazette_doc(gazette_client, issuer="教育部")
    assert doc["source"].endswith(".pdf") and doc["pdf_page"]
    html = gazette_client.get(f"/doc/{doc['id']}").get_data(as_text=True)
    assert f'href="/source/{doc["id"]}#page={doc["pdf_page"]}"' in html
    response = gazette_client.get(f"/source/{doc['id']}")
    assert response.status_code == 200 and response.content_type == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        "inline; filename=guowuyuan-gazette-1954-01.pdf"
    )
    assert response.get_data()[:5] == b"%PDF-"
    assert "object-src" not in response.headers["Content-Security-Policy"]


def test_source_of_a_removed_file_is_404(gazette_index: WebIndex, tmp_path: Path) -> None:
    config = gazette_index.config
    moved = parse_config(
        f'[index]\npath = "{config.index.path}"\n[analysis]\nuser_dict = ""\n', tmp_path
    )
    client = create_app(moved).test_client()  # same index, another root: the files are gone
    doc = _gazette_doc(client, q="离政发〔2024〕8号")
    assert client.get(f"/source/{doc['id']}").status_code == 404


# -- staff ----------------------------------------------------------------------------------
def test_staff_site_shows_internal_documents_labelled(
    staff_client: FlaskClient, scrape: Scrape, client: FlaskClient
) -> None:
    public = _get(client, "/search?q=河道保洁&mode=exact", scrape)
    staff_html = staff_client.get("/search?q=河道保洁&mode=exact").get_data(as_text=True)
    staff = scrape(staff_html)
    assert staff.total == public.total + 1
    assert "jia-int-99" in staff.hits and '<span class="badge internal">内部</span>' in staff_html
    doc = staff_client.get("/doc/jia-int-99")
    assert doc.status_code == 200 and "内部" in doc.get_data(as_text=True)
    assert doc.headers["Cache-Control"] == "private, no-store"


# -- exports, feed, OpenSearch --------------------------------------------------------------
def test_csv_export_is_the_whole_filtered_list_with_a_bom(
    client: FlaskClient, web_index: WebIndex
) -> None:
    response = client.get("/export.csv?issuer=甲市人民政府办公室&page=2&page_size=1")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="gazette-search.csv"'
    assert response.content_type == "text/csv; charset=utf-8"
    data = response.get_data()
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:3] == ["id", "title", "doc_number"]
    expected = {r.id for r in web_index.public if r.issuer == "甲市人民政府办公室"}
    assert {row[0] for row in rows[1:]} == expected and len(rows) == 1 + 4


def test_jsonl_export_has_every_field(client: FlaskClient, web_index: WebIndex) -> None:
    response = client.get("/export.jsonl")
    assert response.headers["Content-Disposition"] == 'attachment; filename="gazette-search.jsonl"'
    lines = response.get_data(as_text=True).splitlines()
    assert len(lines) == len(web_index.public)
    first = json.loads(lines[0])
    assert first["id"] == "jia-pifu-2024-6" and "body" in first
    assert all(json.loads(line)["visibility"] == "public" for line in lines)


def test_search_page_links_to_exports_of_the_same_filters(client: FlaskClient) -> None:
    html = client.get("/search?q=通知&issuer=甲市财政局&page=1").get_data(as_text=True)
    assert (
        'href="/export.csv?q=%E9%80%9A%E7%9F%A5&amp;issuer=%E7%94%B2%E5%B8%82%E8%B4%A2%E6%94%BF'
        '%E5%B1%80"'
    ) in html


def test_atom_feed_lists_the_newest_documents(client: FlaskClient, web_index: WebIndex) -> None:
    response = client.get("/feed.atom")
    assert response.content_type == "application/atom+xml; charset=utf-8"
    ns = {"a": "http://www.w3.org/2005/Atom"}
    root = ET.fromstring(response.get_data())
    entries = root.findall("a:entry", ns)
    assert len(entries) == 20
    newest = sorted((r.date for r in web_index.public if r.date), reverse=True)[:20]
    assert [e.findtext("a:updated", namespaces=ns)[:10] for e in entries] == newest
    assert entries[0].findtext("a:id", namespaces=ns) == "http://localhost/doc/jia-pifu-2024-6"
    filtered = ET.fromstring(client.get("/feed.atom?q=河道保洁&mode=exact").get_data())
    assert len(filtered.findall("a:entry", ns)) == 3
    assert "q=%E6%B2%B3" in filtered.find("a:link[@rel='self']", ns).get("href")  # type: ignore[union-attr]


def test_opensearch_description(client: FlaskClient) -> None:
    response = client.get("/opensearch.xml")
    assert response.content_type == "application/opensearchdescription+xml; charset=utf-8"
    root = ET.fromstring(response.get_data())
    ns = {"o": "http://a9.com/-/spec/opensearch/1.1/"}
    templates = {u.get("type"): u.get("template") for u in root.findall("o:Url", ns)}
    assert templates["text/html"] == "http://localhost/search?q={searchTerms}"
    assert '<link rel="search" type="application/opensearchdescription+xml"' in client.get(
        "/"
    ).get_data(as_text=True)


def test_healthz_counts_only_public_documents(
    client: FlaskClient, staff_client: FlaskClient, web_index: WebIndex
) -> None:
    body = client.get("/healthz").get_json()
    assert body["ok"] is True and body["documents"] == len(web_index.public)
    assert body["generation"].startswith("gen-")
    assert staff_client.get("/healthz").get_json()["documents"] == len(web_index.public) + 1


def test_create_app_reads_the_config_file_by_default(
    web_index: WebIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GAZETTE_CONFIG", str(web_index.root / "config.toml"))
    app: Flask = create_app()
    assert app.test_client().get("/healthz").get_json()["documents"] == len(web_index.public)


def test_a_reindex_shows_up_without_restarting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("searchapp.engine.CHECK_INTERVAL", 0.0)
    records = sample_records()
    write_jsonl(tmp_path / "src" / "one.jsonl", records[:3])
    config = load_config(write_config(tmp_path, ["src"]))
    reindex(config, jobs=1)
    client = create_app(config).test_client()
    assert client.get("/api/search").get_json()["total"] == 3
    assert client.get("/healthz").get_json()["documents"] == 3
    write_jsonl(tmp_path / "src" / "two.jsonl", records[3:])
    reindex(config, jobs=1)
    assert client.get("/api/search").get_json()["total"] == 6
    assert '共 <strong id="total" data-total="6">6</strong> 条' in client.get("/").get_data(
        as_text=True
    )


# -- hostile input never ends in a 500 --------------------------------------------------------
_PARAM_NAMES = st.sampled_from([*SEARCH_PARAMS, "x"])
_VALUES = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "*",
            "?",
            "~",
            "title:",
            '"',
            "(",
            "<script>",
            "\x00",
            "999999999",
            "-1",
            "2024-02-30",
            "离政发〔2024〕8号",
            "OR",
            "-",
        ]
    ),
)


@settings(max_examples=150, deadline=None)
@given(
    params=st.lists(st.tuples(_PARAM_NAMES, _VALUES), max_size=6),
    path=st.sampled_from(["/search", "/api/search", "/export.csv", "/feed.atom"]),
)
def test_any_parameters_give_a_page_or_a_400_never_a_500(
    app: Flask, params: list[tuple[str, str]], path: str
) -> None:
    response = app.test_client().get(path, query_string=params)
    assert response.status_code in (200, 400), (path, params, response.status_code)
    body = response.get_data(as_text=True)
    assert "Traceback" not in body and INTERNAL_MARKER not in body


@settings(max_examples=60, deadline=None)
@given(doc_id=st.text(min_size=1, max_size=40).filter(lambda s: "/" not in s and s.strip()))
def test_any_document_id_gives_a_page_or_a_404(app: Flask, doc_id: str) -> None:
    client = app.test_client()
    for prefix in ("/doc/", "/api/doc/", "/source/"):
        response = client.get(prefix + quote(doc_id, safe=""))
        assert response.status_code in (200, 302, 404), (prefix, doc_id)
