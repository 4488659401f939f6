"""Logout with logins on: the app offers 「退出登录」, and after it the browser's login no longer opens anything."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import httpx
import pytest
from app_server import AppServer, copy_reports, start_app

from qa.auth import UserStore

SHANGHAI = "txt/000_shanghai_justice_bureau_2020.txt"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    tmp = tmp_path_factory.mktemp("logout")
    users = UserStore.load(tmp / "users.json", missing_ok=True)
    users.add("bob", "bob-password")
    app = start_app(copy_reports([SHANGHAI], tmp / "corpus"), tmp / "home", {"REPORTQA_AUTH": str(users.path)})
    yield app
    app.stop()


def _login(server: AppServer) -> httpx.Client:
    client = httpx.Client(base_url=server.url, timeout=60)
    response = client.post("/login", data={"username": "bob", "password": "bob-password"})
    assert response.status_code == 200, response.text
    return client


def test_the_page_offers_logout_and_logout_ends_only_this_browsers_login(server: AppServer) -> None:
    browser, other = _login(server), _login(server)
    with closing(browser), closing(other):
        assert browser.get("/gradio_api/info").status_code == 200
        config = browser.get("/config").json()
        buttons = [c["props"] for c in config["components"] if c.get("type") == "button"]
        assert {"value": "退出登录", "link": "/logout?all_session=false"}.items() <= next(
            b for b in buttons if b.get("value") == "退出登录"
        ).items()
        out = browser.get("/logout", params={"all_session": "false"}, follow_redirects=False)
        assert out.status_code == 302
        assert browser.get("/gradio_api/info").status_code == 401  # the cookie is gone, and its token with it
        assert other.get("/gradio_api/info").status_code == 200  # another browser of the same user stays in


def test_without_logins_there_is_no_logout_button(tmp_path: Path) -> None:
    server = start_app(copy_reports([SHANGHAI], tmp_path / "corpus"), tmp_path / "home")
    try:
        config = httpx.get(server.url + "/config", timeout=60).json()
        logout = [c for c in config["components"] if c.get("props", {}).get("value") == "退出登录"]
        assert len(logout) == 1 and logout[0]["props"]["visible"] is False
    finally:
        server.stop()
