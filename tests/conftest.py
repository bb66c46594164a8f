"""Shared fixtures.

Web fixtures (issue 5): ``web_index`` builds, once per session, an index of a small city's
documents with known 发文机关 / 文种 / years / 文号 and cites / repeals between them
(``tests/data/web-city.jsonl``), the 40 State Council documents of ``laws-sample.jsonl`` and one
internal draft (``tests/data/web-internal.jsonl``); ``app`` / ``client`` serve it publicly,
``staff_client`` as the staff site. ``scrape`` reads what a page shows.
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
from indexer.index.sources import load_records
from indexer.records import Record
from searchapp import create_app
from tests.helpers import DATA, INTERNAL_MARKER, LAWS_SAMPLE, ROOT, shared_corpus, write_config


def govcn_lines() -> list[str]:
    """The 40 State Council documents of the shared sample (gold 文号, some without dates)."""
    lines = shared_corpus(LAWS_SAMPLE).read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.startswith('{"id": "govcn/')]


@dataclass(frozen=True)
class WebIndex:
    root: Path
    config: Config
    public: list[Record]
    internal: list[Record]


@pytest.fixture(scope="session")
def web_index(tmp_path_factory: pytest.TempPathFactory) -> WebIndex:
    drafts = (DATA / "web-internal.jsonl").read_text(encoding="utf-8")
    # The leak tests look for the marker; without it in the draft they could not fail.
    assert INTERNAL_MARKER in drafts
    root = tmp_path_factory.mktemp("web")
    (root / "public").mkdir()
    shutil.copyfile(DATA / "web-city.jsonl", root / "public" / "city.jsonl")
    (root / "public" / "govcn.jsonl").write_text("\n".join(govcn_lines()) + "\n", encoding="utf-8")
    (root / "internal").mkdir()
    (root / "internal" / "drafts.jsonl").write_text(drafts, encoding="utf-8")
    write_config(root, ["public"], ["internal"])
    config = load_config(root / "config.toml")
    report = reindex(config, rebuild=True, jobs=1)
    assert not report.failed, report.to_dict()
    # As indexed: ids made URL-safe (govcn/content_… → govcn-…), sources and visibility set.
    public = [
        rec
        for name in ("city.jsonl", "govcn.jsonl")
        for rec in load_records(root / "public" / name, f"public/{name}")
    ]
    drafts = load_records(root / "internal" / "drafts.jsonl", "internal/drafts.jsonl", "internal")
    return WebIndex(root, config, public, drafts)


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
    lines = shared_corpus(LAWS_SAMPLE).read_text(encoding="utf-8").splitlines()
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


# The web tests' own queries: empty, words, phrases, a 文号, field syntax, markup, no match.
OWN_QUERIES: list[str] = json.loads((DATA / "own-queries.json").read_text(encoding="utf-8"))


def relevance_queries() -> list[str]:
    """The queries of the relevance set (``tests/data/queries.json``), when it exists."""
    path = DATA / "queries.json"
    if not path.is_file():
        return []
    items = json.loads(path.read_text(encoding="utf-8"))
    return list(dict.fromkeys(str(item["q"]) for item in items))
