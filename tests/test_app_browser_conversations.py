"""A conversation in Chromium survives a page reload (the browser's id in local storage, no login), is reopened with
its context, and is exported as Markdown. Fake embeddings; the Chromium setup of `test_app_browser.py`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from app_server import AppServer, copy_reports, start_app
from test_app_browser import CHROMIUM, CHROMIUM_ARGS, TIMEOUT_MS, _ask


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    if not CHROMIUM.exists():
        pytest.skip("needs /usr/bin/chromium (make browser)")
    tmp = tmp_path_factory.mktemp("browser-conversations")
    names = ["txt/009_huaian_hongze_district_gov_2023.txt", "txt/010_huaian_hongze_district_gov_2024.txt"]
    app = start_app(copy_reports(names, tmp / "corpus"), tmp / "home")
    yield app
    app.stop()


def test_browser_a_conversation_survives_a_reload_and_is_exported(server: AppServer, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_context(locale="zh-CN", accept_downloads=True).new_page()
            page.goto(server.url, wait_until="domcontentloaded")
            chat = page.locator("#chat")
            _ask(page, "洪泽区2024年收到多少件申请？")
            expect(chat).to_contain_text("95件", timeout=TIMEOUT_MS)
            _ask(page, "那2023年呢？")
            expect(chat).to_contain_text("21件", timeout=TIMEOUT_MS)

            page.reload()  # a new Gradio session: only the browser's id (local storage) is the same
            expect(page.locator("#question textarea")).to_be_visible(timeout=TIMEOUT_MS)
            assert "95件" not in chat.inner_text()
            page.get_by_text("历史对话").click()
            page.locator("#conversation-pick input").click()
            page.get_by_role("option", name="洪泽区2024年收到多少件申请？（2 问）").click()
            expect(page.locator("#conversation-status")).to_contain_text("已打开「洪泽区2024年收到多少件申请？」", timeout=TIMEOUT_MS)
            expect(chat).to_contain_text("21件", timeout=TIMEOUT_MS)
            _ask(page, "那2024年呢？")  # the context came back: the agency and the row are inherited
            expect(chat.locator(".message-row").last).to_contain_text("95件", timeout=TIMEOUT_MS)

            # The list and the export are renewed together once the answer is saved.
            expect(page.locator("#conversation-pick input")).to_have_value("洪泽区2024年收到多少件申请？（3 问）",
                                                                           timeout=TIMEOUT_MS)  # fmt: skip
            export = page.locator("#conversation-export")
            expect(export).to_be_visible(timeout=TIMEOUT_MS)
            with page.expect_download(timeout=TIMEOUT_MS) as download:
                export.click()
            saved = tmp_path / "conversation.md"
            download.value.save_as(saved)
            text = saved.read_text(encoding="utf-8")
            assert text.startswith("# 洪泽区2024年收到多少件申请？\n") and "共 3 个问题" in text
            assert "## 2. 那2023年呢？\n\n21件" in text and "## 3. 那2024年呢？\n\n95件" in text
            assert text.count("来源：") == 3
        finally:
            browser.close()


def test_browser_at_390_px_a_long_answers_headline_stays_in_view(server: AppServer) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}).new_page()
            page.goto(server.url, wait_until="domcontentloaded")
            _ask(page, "洪泽区2024年的公开率是多少？")  # a share: formula, understood line and several sources
            answer = page.locator("#chat .message-row").last
            expect(answer).to_contain_text("来源", timeout=TIMEOUT_MS)
            assert answer.bounding_box()["height"] > 844  # longer than the screen: it cannot all be seen
            head = answer.locator("strong").first
            expect(head).to_contain_text("公开率 52.63%")
            expect(head).to_be_in_viewport(timeout=TIMEOUT_MS)
        finally:
            browser.close()
