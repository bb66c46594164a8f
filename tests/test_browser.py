"""The search flow in headless Chromium (Debian's chromium + chromium-driver), over loopback.

Run with ``pytest -m browser``; skipped when the browser or its driver is not installed.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

from tests.conftest import WebIndex

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live_server(app: Flask) -> Iterator[str]:
    """The app on 127.0.0.1 at a free port, in a background thread."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    if not (CHROMIUM.is_file() and CHROMEDRIVER.is_file()):
        pytest.skip(
            "needs Debian's chromium and chromium-driver (/usr/bin/chromium, /usr/bin/chromedriver)"
        )
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1280,1000",
        "--lang=zh-CN",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
    ):
        options.add_argument(arg)
    # Selenium Manager must not look for a driver on the network.
    os.environ.setdefault("SE_OFFLINE", "true")
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


def _total(driver: Any) -> int:
    from selenium.webdriver.common.by import By

    return int(driver.find_element(By.ID, "total").get_attribute("data-total"))


def _chips(driver: Any) -> list[str]:
    """The active-filter chips' text, without the line breaks the flex layout puts between parts."""
    return ["".join(c.text.split()) for c in driver.find_elements("css selector", ".chips .chip")]


def _click_and_wait(driver: Any, element: Any) -> None:
    """Click a link and wait until the next page has replaced this one."""
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    old = driver.find_element("css selector", "html")
    element.click()
    WebDriverWait(driver, 15).until(EC.staleness_of(old))


def test_search_facets_document_and_cited_document(
    browser: Any, live_server: str, tmp_path: Path, web_index: WebIndex
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    driver = browser
    driver.get(live_server + "/")
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh-CN"
    assert _total(driver) == len(web_index.public)

    # Type a query and see highlighted results.
    box = driver.find_element(By.ID, "q")
    old = driver.find_element(By.TAG_NAME, "html")
    box.send_keys("监管", Keys.ENTER)
    WebDriverWait(driver, 15).until(EC.staleness_of(old))
    assert "q=%E7%9B%91%E7%AE%A1" in driver.current_url
    marks = driver.find_elements(By.CSS_SELECTOR, ".hits mark")
    assert marks and all(m.text == "监管" for m in marks[:5])
    unfiltered = _total(driver)

    # Click a facet value: the chip appears and the total is the count the link showed.
    office = driver.find_element(
        By.CSS_SELECTOR, 'a[data-facet="issuer"][data-value="甲市人民政府办公室"]'
    )
    office_count = int(office.get_attribute("data-count"))
    _click_and_wait(driver, office)
    assert _chips(driver) == ["发文机关：甲市人民政府办公室×"]
    assert _total(driver) == office_count < unfiltered

    # A second value of the same facet: OR'ed, so the total grows by that value's count.
    state = driver.find_element(By.CSS_SELECTOR, 'a[data-facet="issuer"][data-value="国务院"]')
    state_count = int(state.get_attribute("data-count"))
    _click_and_wait(driver, state)
    assert _chips(driver) == ["发文机关：甲市人民政府办公室×", "发文机关：国务院×"]
    assert _total(driver) == office_count + state_count > office_count

    screenshot = tmp_path / "results.png"
    assert driver.save_screenshot(str(screenshot))
    assert screenshot.stat().st_size > 20_000
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    # Open a document, then follow its link to the document it cites.
    _click_and_wait(driver, driver.find_element(By.CSS_SELECTOR, 'a[href="/doc/jia-ban-2024-1"]'))
    assert driver.find_element(By.ID, "doc-title").text.startswith("甲市人民政府办公室关于深入推进")
    cited = driver.find_element(By.CSS_SELECTOR, ".relation.cites a")
    assert cited.get_attribute("data-doc-number") == "国发〔2019〕5号"
    _click_and_wait(driver, cited)
    assert driver.find_element(By.ID, "doc-title").text == (
        "国务院关于在市场监管领域全面推行部门联合“双随机、一公开”监管的意见"
    )
    assert "国发〔2019〕5号" in driver.find_element(By.CSS_SELECTOR, ".doc-meta").text


def test_histogram_bar_filters_to_its_year(browser: Any, live_server: str) -> None:
    from selenium.webdriver.common.by import By

    driver = browser
    driver.get(live_server + "/search?q=河道保洁&mode=exact")
    bar = driver.find_element(By.CSS_SELECTOR, '.histogram a[data-year="2023"]')
    count = int(bar.get_attribute("data-count"))
    _click_and_wait(driver, bar)
    assert _total(driver) == count == 2
    assert _chips(driver) == ["年份：2023×"]


def test_phone_width_has_no_horizontal_scrolling(
    browser: Any, live_server: str, tmp_path: Path
) -> None:
    driver = browser
    driver.set_window_size(375, 812)
    try:
        for path in ("/search?q=监管", "/doc/jia-ban-2023-29", "/search?q=火星基地&issuer=国务院"):
            driver.get(live_server + path)
            widths = driver.execute_script(
                "return [document.documentElement.scrollWidth, window.innerWidth]"
            )
            assert widths[0] <= widths[1], (path, widths)
        driver.get(live_server + "/search?q=监管")
        assert driver.save_screenshot(str(tmp_path / "phone.png"))
    finally:
        driver.set_window_size(1280, 1000)
