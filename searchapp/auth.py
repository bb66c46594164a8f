"""The staff site's login: a form with a CSRF token, hashed passwords, throttled failures, and a
session cookie that is HttpOnly, SameSite=Strict and expires.

Only the staff app (``gazette serve --staff``) registers this blueprint. Every other page of the
staff app needs a valid session: HTML requests are redirected to the login form, API requests
get ``401`` in the JSON envelope. ``/healthz`` and static files stay open.
"""

from __future__ import annotations

import hmac
import secrets
import time
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from indexer.config import Config
from searchapp.staff import Throttle, read_users, verify
from searchapp.webcontext import EXTENSION, services
from searchapp.weberrors import error_response, wants_json

bp = Blueprint("auth", __name__)
OPEN_ENDPOINTS = {"auth.login", "auth.logout", "static", "api.healthz"}


def install(app: Flask) -> None:
    """Register the login views and the guard on every other request of ``app``."""
    config = services_config(app)
    app.secret_key = config.web.secret_key or secrets.token_hex(32)
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_NAME="gazette_staff",
        PERMANENT_SESSION_LIFETIME=timedelta(minutes=config.staff.session_minutes or 1),
    )
    app.extensions["gazette_throttle"] = Throttle()
    app.register_blueprint(bp)
    app.before_request(require_login)
    app.context_processor(lambda: {"csrf_token": csrf_token, "user": session.get("user")})


def services_config(app: Flask) -> Config:
    """The app's config, before any request (``install`` runs while the app is assembled)."""
    config: Config = app.extensions[EXTENSION].config
    return config


def csrf_token() -> str:
    """The session's CSRF token, created on first use."""
    token = session.get("csrf")
    if not token:
        token = session["csrf"] = secrets.token_urlsafe(32)
    return str(token)


def csrf_ok() -> bool:
    """Whether the posted form carries this session's CSRF token (every staff form must)."""
    sent = request.form.get("csrf", "")
    return bool(sent) and hmac.compare_digest(sent, str(session.get("csrf", "")))


def _logged_in() -> bool:
    user = session.get("user")
    started = session.get("at", 0)
    lifetime = current_app.permanent_session_lifetime.total_seconds()
    return bool(user) and time.time() - float(started) < lifetime


def require_login() -> Any:
    """Before every request of the staff app: a valid session, or the way to get one."""
    if request.endpoint in OPEN_ENDPOINTS or _logged_in():
        return None
    session.pop("user", None)
    if wants_json():
        return error_response(401, "需要登录（login required）")
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never an absolute URL an attacker could slip in."""
    if not target:
        return url_for("web.home")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("web.home")
    return target


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    """The login form; on success a fresh session and a redirect to where the user was going."""
    if request.method == "GET":
        return render_template("login.html", next=request.args.get("next", ""), error="")
    throttle: Throttle = current_app.extensions["gazette_throttle"]
    name = request.form.get("user", "")[:64]
    keys = (f"user:{name}", f"addr:{request.remote_addr}")
    if not csrf_ok():
        return _form_error(400, "表单已过期，请重新提交（CSRF token missing or wrong）")
    wait = throttle.wait_seconds(*keys)
    if wait > 0:
        return _form_error(429, f"登录失败次数过多，请 {int(wait) + 1} 秒后再试")
    users = read_users(services().config.staff)
    if not verify(users, name, request.form.get("password", "")):
        throttle.failed(*keys)
        return _form_error(401, "用户名或密码不正确")
    throttle.succeeded(*keys)
    session.clear()
    session.permanent = True
    session.update(user=name, at=time.time(), csrf=secrets.token_urlsafe(32))
    return redirect(_safe_next(request.form.get("next")))


def _form_error(status: int, message: str) -> Any:
    page = render_template("login.html", next=request.form.get("next", ""), error=message)
    return page, status


@bp.post("/logout")
def logout() -> Any:
    if csrf_ok():
        session.clear()
    return redirect(url_for("auth.login"))
