"""A document whose contents entry gives another 文号 than it prints is found by either."""

from __future__ import annotations

from urllib.parse import quote

from flask.testing import FlaskClient

from indexer.extract.pages import text_pages
from indexer.metadata.assemble import build_records

ISSUE = """某县人民政府公报
2024年第1期
目录
某县人民政府关于开展安全检查的通知（某政发〔2024〕3号）……………1
某县人民政府关于做好春耕生产的通知（某政发〔2024〕4号）……………2

某县人民政府关于开展安全检查的通知
某政〔2024〕3号
各乡镇人民政府：
现就开展安全检查有关事项通知如下。
某县人民政府
2024年3月5日

某县人民政府关于做好春耕生产的通知
某政发〔2024〕4号
各乡镇人民政府：
现就做好春耕生产有关事项通知如下。
某县人民政府
2024年3月8日
"""


def test_the_contents_number_is_kept_beside_the_printed_one() -> None:
    first, second = build_records(text_pages(ISSUE), "county-2024-1.txt")
    assert first.doc_number == "某政〔2024〕3号"
    assert first.doc_number_aliases == ["某政发〔2024〕3号"]
    assert "contents give 文号 某政发〔2024〕3号" in first.review
    assert (second.doc_number, second.doc_number_aliases) == ("某政发〔2024〕4号", [])


def test_either_number_finds_the_document(gazette_client: FlaskClient) -> None:
    """The sample issue lists 离政办发〔2024〕4号 in its contents; the notice prints
    离政办〔2024〕4号."""
    for query in ("离政办〔2024〕4号", "离政办发〔2024〕4号", "离政办发[2024]4号"):
        body = gazette_client.get(f"/api/search?q={quote(query)}").get_json()
        first = body["hits"][0]
        assert first["doc_number"] == "离政办〔2024〕4号", query
    doc = gazette_client.get(f"/api/doc/{quote('离政办发（2024）4号')}").get_json()
    assert doc["doc_number"] == "离政办〔2024〕4号"
    assert doc["doc_number_aliases"] == ["离政办发〔2024〕4号"]


def test_the_document_page_shows_the_other_number(gazette_client: FlaskClient) -> None:
    doc = gazette_client.get(f"/api/doc/{quote('离政办发〔2024〕4号')}").get_json()
    html = gazette_client.get(f"/doc/{doc['id']}").get_data(as_text=True)
    assert "目录所列文号" in html and "离政办发〔2024〕4号" in html
