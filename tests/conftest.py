"""Shared fixtures.

Web fixtures (issue 5): ``web_index`` builds, once per session, an index of a small city's
documents with known 发文机关 / 文种 / years / 文号 and cites / repeals between them, the 40 State
Council documents of ``laws-sample.jsonl`` and one internal draft; ``app`` / ``client`` serve it
publicly, ``staff_client`` as the staff site. ``scrape`` reads what a page shows.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from indexer.config import Config, load_config
from indexer.index.reindex import reindex
from indexer.index.sources import load_jsonl
from indexer.records import Record
from searchapp import create_app
from tests.helpers import LAWS_SAMPLE, ROOT, write_config, write_jsonl

INTERNAL_MARKER = "内部测试标记QX7"


def _doc(
    id_: str,
    title: str,
    number: str,
    issuer: str,
    doc_type: str,
    date: str,
    body: str,
    **extra: Any,
) -> dict[str, Any]:
    return {
        "id": id_,
        "title": title,
        "doc_number": number,
        "issuer": issuer,
        "doc_type": doc_type,
        "date": date,
        "body": body,
        "gazette": extra.pop("gazette", "2024年第1期"),
        **extra,
    }


CITY = "甲市人民政府"
OFFICE = "甲市人民政府办公室"
FINANCE = "甲市财政局"


def city_records() -> list[dict[str, Any]]:
    """Twelve public documents of 甲市; ids, 文号, links and counts the web tests rely on."""
    return [
        _doc(
            "jia-2024-8",
            "甲市人民政府关于推行政府法律顾问制度的通知",
            "甲政发〔2024〕8号",
            CITY,
            "通知",
            "2024-02-02",
            "各县（市、区）人民政府，市直各单位：\n\n"
            "为全面推行政府法律顾问制度，提高依法行政水平，现就有关事项通知如下。\n\n"
            "一、聘任政府法律顾问应当公开、公正。\n\n"
            "二、本通知自印发之日起施行。原《甲市政府法律顾问工作办法》（甲政办发〔2022〕15号）同时废止。\n\n"
            "甲市人民政府\n2024年2月2日",
            repeals=["甲政办发〔2022〕15号"],
            section="市政府文件",
            page=18,
            pdf_page=22,
        ),
        _doc(
            "jia-ban-2022-15",
            "甲市人民政府办公室关于印发甲市政府法律顾问工作办法的通知",
            "甲政办发〔2022〕15号",
            OFFICE,
            "通知",
            "2022-06-10",
            "各县（市、区）人民政府：\n\n现将《甲市政府法律顾问工作办法》印发给你们，请认真贯彻执行。\n\n"
            "附件：甲市政府法律顾问工作办法\n\n第一条 为规范政府法律顾问工作，制定本办法。",
            attachments=["甲市政府法律顾问工作办法"],
            gazette="2022年第2期",
        ),
        _doc(
            "jia-han-2024-2",
            "甲市人民政府关于承诺永久基本农田核实处置成果的函",
            "甲政函〔2024〕2号",
            CITY,
            "函",
            "2024-03-05",
            "省自然资源厅：\n\n根据甲政发〔2024〕8号文件要求，我市已完成永久基本农田核实处置工作。",
        ),
        _doc(
            "jia-pifu-2024-6",
            "甲市人民政府关于金巢小区重大火灾隐患单位摘牌销案的批复",
            "甲政函〔2024〕6号",
            CITY,
            "批复",
            "2024-03-12",
            "市消防救援支队：\n\n你单位报来的请示收悉。经研究，同意金巢小区重大火灾隐患单位摘牌销案。",
        ),
        _doc(
            "jia-pifu-2023-9",
            "甲市人民政府关于同意设立河道保洁中心的批复",
            "甲政函〔2023〕9号",
            CITY,
            "批复",
            "2023-08-21",
            "市水利局：\n\n同意设立甲市河道保洁中心，负责城区河道保洁工作。",
            gazette="2023年第3期",
        ),
        _doc(
            "jia-ban-2023-29",
            "甲市人民政府办公室关于印发甲市特种设备事故应急预案的通知",
            "甲政办发〔2023〕29号",
            OFFICE,
            "通知",
            "2023-11-20",
            "各县（市、区）人民政府：\n\n《甲市特种设备事故应急预案》已经市人民政府同意，现印发给你们。\n\n"
            "附件：1．甲市特种设备事故应急预案\n2．应急联络表\n\n附件2\n\n应急联络表\n"
            "单位\t联系人\t电话\n市市场监管局\t王某\t0358-8222401\n市应急管理局\t李某\t0358-8222402",
            attachments=["甲市特种设备事故应急预案", "应急联络表"],
            gazette="2023年第4期",
            page=41,
            contact="市市场监管局 0358-8222401",
        ),
        _doc(
            "jia-cai-2024-3",
            "甲市财政局关于下达2024年度财政涉农资金的通知",
            "甲财发〔2024〕3号",
            FINANCE,
            "通知",
            "2024-01-15",
            "各县（市、区）财政局：\n\n现将2024年度财政涉农资金下达给你们，请按规定使用。",
        ),
        _doc(
            "jia-2023-32",
            "甲市人民政府关于表彰河道保洁先进集体的决定",
            "甲政发〔2023〕32号",
            CITY,
            "决定",
            "2023-12-28",
            "为表彰先进，市人民政府决定对河道保洁工作中表现突出的集体予以表彰。",
            gazette="2023年第4期",
        ),
        _doc(
            "jia-ban-2024-1",
            "甲市人民政府办公室关于深入推进双随机一公开监管的实施意见",
            "甲政办发〔2024〕1号",
            OFFICE,
            "意见",
            "2024-01-26",
            "根据《国务院关于在市场监管领域全面推行部门联合“双随机、一公开”监管的意见》"
            "（国发〔2019〕5号），结合我市实际，提出如下意见。",
        ),
        _doc(
            "jia-cai-2022-7",
            '甲市财政局关于<script>alert("x")</script>公告&测试',
            "甲财发〔2022〕7号",
            FINANCE,
            "公告",
            "2022-09-01",
            '<b>不应加粗</b> & "引号" 财政公告正文。',
            gazette="2022年第3期",
        ),
        _doc(
            "jia-ban-2022-3",
            "甲市人民政府办公室关于调整河道保洁领导小组成员的通知",
            "甲政办发〔2022〕3号",
            OFFICE,
            "通知",
            "2022-03-15",
            "因工作需要，调整河道保洁领导小组成员如下。",
            gazette="2022年第1期",
        ),
        _doc(
            "jia-red-sites",
            "甲市人民政府关于公布第一批红色文化遗址名录的通知",
            "",
            CITY,
            "通知",
            "",
            "现将第一批红色文化遗址名录予以公布。",
            gazette="",
        ),
    ]


def internal_records() -> list[dict[str, Any]]:
    """One draft only staff may see; it also mentions 河道保洁."""
    return [
        _doc(
            "jia-int-99",
            f"甲市人民政府办公室关于{INTERNAL_MARKER}的函（征求意见稿）",
            "甲政办函〔2024〕99号",
            OFFICE,
            "函",
            "2024-04-01",
            f"{INTERNAL_MARKER}：本件不予公开。河道保洁经费另行安排。",
        ),
    ]


def govcn_lines() -> list[str]:
    """The 40 State Council documents of the shared sample (gold 文号, some without dates)."""
    lines = LAWS_SAMPLE.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.startswith('{"id": "govcn/')]


@dataclass(frozen=True)
class WebIndex:
    root: Path
    config: Config
    public: list[Record]
    internal: list[Record]


@pytest.fixture(scope="session")
def web_index(tmp_path_factory: pytest.TempPathFactory) -> WebIndex:
    root = tmp_path_factory.mktemp("web")
    write_jsonl(root / "public" / "city.jsonl", city_records())
    (root / "public" / "govcn.jsonl").write_text("\n".join(govcn_lines()) + "\n", encoding="utf-8")
    write_jsonl(root / "internal" / "drafts.jsonl", internal_records())
    write_config(root, ["public"], ["internal"])
    config = load_config(root / "config.toml")
    report = reindex(config, rebuild=True, jobs=1)
    assert not report.failed, report.to_dict()
    public = load_jsonl(root / "public" / "city.jsonl") + load_jsonl(
        root / "public" / "govcn.jsonl"
    )
    return WebIndex(root, config, public, load_jsonl(root / "internal" / "drafts.jsonl"))


@pytest.fixture(scope="session")
def app(web_index: WebIndex) -> Flask:
    flask_app = create_app(web_index.config)
    flask_app.config["TESTING"] = True
    return flask_app


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    return app.test_client()


STAFF_USER, STAFF_PASSWORD = "tester", "correct horse battery"


@pytest.fixture(scope="session")
def staff_app(web_index: WebIndex) -> Flask:
    from dataclasses import replace

    from werkzeug.security import generate_password_hash

    from indexer.config import StaffConfig

    users = ((STAFF_USER, generate_password_hash(STAFF_PASSWORD)),)
    config = replace(web_index.config, staff=StaffConfig(users=users))
    return create_app(config, staff=True)


def login(client: FlaskClient, user: str = STAFF_USER, password: str = STAFF_PASSWORD) -> Any:
    """Post the login form as a browser would (with the CSRF token from the form)."""
    form = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf" value="([^"]+)"', form)
    assert token is not None
    return client.post("/login", data={"user": user, "password": password, "csrf": token[1]})


@pytest.fixture()
def staff_client(staff_app: Flask) -> FlaskClient:
    """A logged-in staff browser."""
    client = staff_app.test_client()
    assert login(client).status_code == 302
    return client


@pytest.fixture(scope="session")
def gazette_index(tmp_path_factory: pytest.TempPathFactory) -> WebIndex:
    """The sample gazettes of ``data/gazettes`` (the 离石区 issue as text, the 1954 State Council
    issue as PDF) and part of ``laws-sample.jsonl``: the 40 State Council documents and the first
    120 laws, enough for many 发文机关 and decades of years."""
    root = tmp_path_factory.mktemp("gazettes")
    shutil.copytree(ROOT / "data" / "gazettes", root / "gazettes")
    lines = LAWS_SAMPLE.read_text(encoding="utf-8").splitlines()
    laws = [line for line in lines if line.startswith('{"id": "lawrefbook/')][:120]
    (root / "laws").mkdir()
    (root / "laws" / "laws.jsonl").write_text("\n".join(govcn_lines() + laws) + "\n", "utf-8")
    write_config(root, ["gazettes", "laws"])
    config = load_config(root / "config.toml")
    report = reindex(config, rebuild=True, jobs=2)
    assert not report.failed, report.to_dict()
    return WebIndex(root, config, [], [])


@pytest.fixture(scope="session")
def gazette_app(gazette_index: WebIndex) -> Flask:
    return create_app(gazette_index.config)


@pytest.fixture()
def gazette_client(gazette_app: Flask) -> FlaskClient:
    return gazette_app.test_client()


# -- reading pages ---------------------------------------------------------------------------
@dataclass
class Page:
    """What a search or document page shows, read from its data attributes and links."""

    total: int | None = None
    hits: list[str] = field(default_factory=list)
    facets: dict[str, dict[str, tuple[int, bool, str]]] = field(default_factory=dict)
    chips: list[tuple[str, str]] = field(default_factory=list)  # (text, remove url)
    bars: dict[str, tuple[int, str]] = field(default_factory=dict)
    links: list[tuple[str, str]] = field(default_factory=list)  # (href, text)
    text: str = ""


class _Scraper(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self._open: list[tuple[str, dict[str, str]]] = []
        self._buf: list[str] = []
        self._in_hit_title = False
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if "data-total" in a:
            self.page.total = int(a["data-total"])
        if tag == "h2" and "hit-title" in a.get("class", ""):
            self._in_hit_title = True
        if tag == "a":
            href = a.get("href", "")
            if self._in_hit_title and href.startswith("/doc/"):
                self.page.hits.append(href[len("/doc/") :])
            if "data-facet" in a:
                self.page.facets.setdefault(a["data-facet"], {})[a["data-value"]] = (
                    int(a["data-count"]),
                    "selected" in a.get("class", ""),
                    href,
                )
            if "data-year" in a:
                self.page.bars[a["data-year"]] = (int(a["data-count"]), href)
            self._open.append((href, a))
            self._buf = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "h2":
            self._in_hit_title = False
        if tag == "a" and self._open:
            href, a = self._open.pop()
            text = "".join(self._buf).strip()
            self.page.links.append((href, text))
            if "chip" in a.get("class", "").split():
                self.page.chips.append((text, href))

    def handle_data(self, data: str) -> None:
        self._buf.append(data)
        self._text.append(data)


def scrape_page(html: str) -> Page:
    parser = _Scraper()
    parser.feed(html)
    parser.page.text = "".join(parser._text)
    return parser.page


@pytest.fixture(scope="session")
def scrape() -> Callable[[str], Page]:
    return scrape_page


OWN_QUERIES = [
    "",
    "河道保洁",
    "法律顾问",
    "通知",
    "国务院",
    "监管",
    "甲政发〔2024〕8号",
    "不存在的词语组合",
    "财政 资金",
    '"应急预案"',
    "<script>",
    "title:法律",
]


def relevance_queries() -> list[str]:
    """The queries of the relevance set (``tests/data/queries.json``), when it exists."""
    path = Path(__file__).parent / "data" / "queries.json"
    if not path.is_file():
        return []
    items = json.loads(path.read_text(encoding="utf-8"))
    return list(dict.fromkeys(str(item["q"]) for item in items))
