"""The document page of a scanned document: it says its text is OCR's, with the mean
confidence, and links the printed page as an image (``/doc/<id>/page/<n>.png``), served to
whoever may see the document and its original file, and to no one else.

The scans are indexed with the fake engine of ``tests/test_ocr_index.py`` (the same notice on
every page; its title and date lines scored low).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, replace

import pytest
from flask.testing import FlaskClient

from indexer.config import Config, StaffConfig, load_config
from indexer.index import manifest, store
from indexer.index.reindex import reindex
from searchapp import create_app
from tests.conftest import STAFF_PASSWORD, STAFF_USER, login
from tests.helpers import write_config, write_jsonl
from tests.test_ocr_index import fake_engine, marked_scan

NOTICE = "OCR 识别文本，可能有误"
# The fake engine's lines, weighted by their characters (tests/test_ocr_index.py NOTICE).
CONFIDENCE = 0.8742


@dataclass(frozen=True)
class Site:
    config: Config
    ids: dict[str, tuple[str, ...]]  # by source

    def id(self, source: str) -> str:
        (doc_id,) = self.ids[source]
        return doc_id


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """Scans indexed (one internal), then one deleted and one damaged; typed records beside."""
    root = tmp_path_factory.mktemp("web-ocr")
    for name, mark in (("scan", 1), ("gone", 2), ("broken", 3)):
        marked_scan(root / "public" / f"{name}.pdf", mark)
    marked_scan(root / "internal" / "secret.pdf", 4)
    write_jsonl(
        root / "public" / "typed.jsonl",
        [
            {"id": "typed-1", "title": "某县关于录入文件的通知", "body": "正文。"},
            {
                "id": "typed-2",
                "title": "某县关于旧文件的通知",
                "ocr": True,
                "ocr_confidence": 0.9123,
            },
        ],
    )
    write_config(root, ["public"], ["internal"])
    config = load_config(root / "config.toml")
    with pytest.MonkeyPatch.context() as mp:
        fake_engine(mp, root / "ocr.log")
        report = reindex(config, rebuild=True, jobs=1)
    assert report.ok, report.to_dict()
    gen = store.Layout(config.index.path).current()
    assert gen is not None
    states, _ = manifest.read_file(gen)
    assert states is not None
    (root / "public" / "gone.pdf").unlink()
    (root / "public" / "broken.pdf").write_bytes(b"%PDF-1.4 damaged after indexing")
    return Site(config, {key: state.ids for key, state in states.items()})


@pytest.fixture(scope="module")
def public(site: Site) -> FlaskClient:
    return create_app(site.config).test_client()


@pytest.fixture(scope="module")
def staff(site: Site) -> FlaskClient:
    from werkzeug.security import generate_password_hash

    users = ((STAFF_USER, generate_password_hash(STAFF_PASSWORD)),)
    app = create_app(replace(site.config, staff=StaffConfig(users=users)), staff=True)
    client = app.test_client()
    assert login(client).status_code == 302
    return client


def page_url(doc_id: str, number: str = "1") -> str:
    return f"/doc/{doc_id}/page/{number}.png"


def test_the_document_page_says_its_text_is_ocr_and_links_the_page_image(
    site: Site, public: FlaskClient
) -> None:
    doc_id = site.id("public/scan.pdf")
    html = public.get(f"/doc/{doc_id}").get_data(as_text=True)
    assert f"{NOTICE}（平均识别置信度 87.4%）" in html
    assert f'<a class="page-image" href="{page_url(doc_id)}">查看原件第 1 页图像</a>' in html


def test_the_page_image_is_the_printed_page_as_png(site: Site, public: FlaskClient) -> None:
    from PIL import Image

    response = public.get(page_url(site.id("public/scan.pdf")))
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    assert response.cache_control.public and response.cache_control.max_age == 86_400
    image = Image.open(io.BytesIO(response.data)).convert("L")
    # An A4 page (1240 × 1754 pixels at 150 dpi) at 110 dpi, its mark where it was scanned.
    assert abs(image.width - 909) <= 1 and abs(image.height - 1286) <= 1
    assert image.getpixel((55, 25)) < 100 and image.getpixel((300, 300)) > 200


def test_typed_records_say_nothing_of_ocr_unless_they_were_read_by_it(
    public: FlaskClient,
) -> None:
    typed = public.get("/doc/typed-1").get_data(as_text=True)
    assert "某县关于录入文件的通知" in typed and NOTICE not in typed
    marked = public.get("/doc/typed-2").get_data(as_text=True)
    assert f"{NOTICE}（平均识别置信度 91.2%）" in marked and "page-image" not in marked
    response = public.get(page_url("typed-2"))
    assert response.status_code == 404
    assert "no original file for this document" in response.get_data(as_text=True)


@pytest.mark.parametrize("number", ["0", "2", "1234567", "abc", "1.5", "-1", "%D9%A3", "1%00"])
def test_a_bad_or_missing_page_number_is_a_404_page(
    site: Site, public: FlaskClient, number: str
) -> None:
    response = public.get(page_url(site.id("public/scan.pdf"), number))
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert '<p class="message">' in response.get_data(as_text=True)


def test_a_page_past_the_end_says_which(site: Site, public: FlaskClient) -> None:
    response = public.get(page_url(site.id("public/scan.pdf"), "2"))
    assert "第 2 页无法显示（no page 2 (it has 1)）" in response.get_data(as_text=True)


def test_a_deleted_or_damaged_source_is_a_404_page(site: Site, public: FlaskClient) -> None:
    gone = public.get(page_url(site.id("public/gone.pdf")))
    assert gone.status_code == 404
    assert "the original file is no longer available" in gone.get_data(as_text=True)
    broken = public.get(page_url(site.id("public/broken.pdf")))
    assert broken.status_code == 404
    message = broken.get_data(as_text=True).split('<p class="message">')[1].split("</p>")[0]
    assert message.startswith("第 1 页无法显示（cannot render (") and "\n" not in message
    assert str(site.config.root) not in message


def test_an_internal_scan_shows_its_pages_to_staff_only(
    site: Site, public: FlaskClient, staff: FlaskClient
) -> None:
    url = page_url(site.id("internal/secret.pdf"))
    assert public.get(url).status_code == 404
    response = staff.get(url)
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert response.cache_control.private and not response.cache_control.public


def test_the_json_document_carries_ocr_and_the_review_of_low_confidence_fields(
    site: Site, public: FlaskClient
) -> None:
    body = public.get(f"/api/doc/{site.id('public/scan.pdf')}").get_json()
    assert body["ok"] and body["ocr"] is True and body["ocr_confidence"] == CONFIDENCE
    assert body["title"] == "某县人民政府关于做好防汛工作的通知"
    assert [reason for reason in body["review"] if "OCR" in reason] == [
        "title read by OCR with low confidence (0.62)",
        "date read by OCR with low confidence (0.71)",
    ]
    assert public.get("/api/doc/typed-1").get_json()["ocr"] is False


def test_the_page_image_of_a_source_path_is_never_taken_from_the_request(
    public: FlaskClient,
) -> None:
    for url in ("/doc/..%2Fconfig.toml/page/1.png", "/doc/no-such-id/page/1.png"):
        assert public.get(url).status_code == 404
