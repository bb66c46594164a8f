"""The staff site: nothing without a valid session, CSRF on every form, throttled failures."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from searchapp import create_app
from tests.conftest import STAFF_PASSWORD, STAFF_USER, login

STAFF_PAGES = [
    "/",
    "/search?q=河道保洁",
    "/doc/jia-int-99",
    "/api/search?q=x",
    "/api/doc/jia-int-99",
    "/export.csv",
    "/feed.atom",
    "/source/jia-int-99",
    "/opensearch.xml",
]


def test_every_staff_page_needs_a_session(staff_app: Flask) -> None:
    client = staff_app.test_client()
    for path in STAFF_PAGES:
        response = client.get(path)
        if path.startswith("/api/"):
            assert response.status_code == 401, path
            assert response.get_json() == {
                "ok": False,
                "error": "需要登录（login required）",
                "status": 401,
            }
        else:
            assert response.status_code == 302, path
            assert response.headers["Location"].startswith("/login?next=")
    assert client.get("/healthz").status_code == 200


def test_login_sets_a_strict_httponly_cookie_and_returns_to_the_page(staff_app: Flask) -> None:
    client = staff_app.test_client()
    form = client.get("/login?next=/doc/jia-int-99").get_data(as_text=True)
    token = re.search(r'name="csrf" value="([^"]+)"', form)
    assert token is not None and 'for="password"' in form
    response = client.post(
        "/login",
        data={
            "user": STAFF_USER,
            "password": STAFF_PASSWORD,
            "csrf": token[1],
            "next": "/doc/jia-int-99",
        },
    )
    assert response.status_code == 302 and response.headers["Location"] == "/doc/jia-int-99"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Expires=" in cookie
    page = client.get("/doc/jia-int-99")
    assert page.status_code == 200 and "内部" in page.get_data(as_text=True)


def test_login_without_csrf_token_is_refused(staff_app: Flask) -> None:
    client = staff_app.test_client()
    client.get("/login")
    response = client.post("/login", data={"user": STAFF_USER, "password": STAFF_PASSWORD})
    assert response.status_code == 400
    assert client.get("/search").status_code == 302


def test_next_never_leaves_the_site(staff_app: Flask) -> None:
    client = staff_app.test_client()
    form = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf" value="([^"]+)"', form)
    assert token is not None
    response = client.post(
        "/login",
        data={
            "user": STAFF_USER,
            "password": STAFF_PASSWORD,
            "csrf": token[1],
            "next": "//evil.example/x",
        },
    )
    assert response.headers["Location"] == "/"


def test_ten_wrong_passwords_are_throttled(staff_app: Flask) -> None:
    # A separate app: its throttle must not slow down the other tests' logins.
    client = create_app(staff_app.extensions["gazette"].config, staff=True).test_client()
    statuses = [login(client, "mallory", f"guess-{n}").status_code for n in range(10)]
    assert statuses[:3] == [401, 401, 401]
    assert statuses[3:] == [429] * 7
    # The right password for another account from the same address is throttled too.
    assert login(client, STAFF_USER, STAFF_PASSWORD).status_code == 429


def test_logout_ends_the_session(staff_client: FlaskClient) -> None:
    page = staff_client.get("/").get_data(as_text=True)
    token = re.search(r'name="csrf" value="([^"]+)"', page)
    assert token is not None and "退出登录" in page
    assert staff_client.post("/logout", data={"csrf": token[1]}).status_code == 302
    assert staff_client.get("/").status_code == 302


def test_expired_session_is_sent_back_to_login(staff_app: Flask, staff_client: FlaskClient) -> None:
    with staff_client.session_transaction() as sess:
        sess["at"] = sess["at"] - staff_app.permanent_session_lifetime.total_seconds() - 1
    assert staff_client.get("/").status_code == 302


def test_public_app_has_no_login(client: FlaskClient) -> None:
    assert client.get("/login").status_code == 404
    assert client.get("/").status_code == 200
