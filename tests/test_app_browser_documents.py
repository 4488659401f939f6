"""The 文档 tab in Chromium with two users and an admin: upload → 待审核 → preview → 退回; upload → 发布 → one click
to its report view → 删除, after which nobody is answered from it. Fake embeddings; the same Chromium setup as `test_app_browser.py`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from app_server import REPORTS, AppServer, copy_reports, start_app
from test_app_browser import CHROMIUM, CHROMIUM_ARGS, TIMEOUT_MS, _ask, _login

from qa.auth import UserStore

PASSWORDS = {"alice": "alice-password", "bob": "bob-password", "root": "root-password"}
KEWEI = REPORTS / "txt/013_shanghai_stcsm_kewei_2024.txt"  # 3 rows left unparsed, 1 failed check
HUAIAN = REPORTS / "txt/011_huaian_city_gov_2024.txt"
QUESTION = "淮安市2024年因属于行政查询事项不予公开的有几件？"  # 105, only in HUAIAN


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    if not CHROMIUM.exists():
        pytest.skip("needs /usr/bin/chromium (make browser)")
    tmp = tmp_path_factory.mktemp("browser-documents")
    users = UserStore.load(tmp / "users.json", missing_ok=True)
    for name, password in PASSWORDS.items():
        users.add(name, password, admin=name == "root")
    app = start_app(copy_reports(["txt/000_shanghai_justice_bureau_2020.txt"], tmp / "corpus"), tmp / "home",
                    {"REPORTQA_AUTH": str(users.path)})  # fmt: skip
    yield app
    app.stop()


def _documents(page: Any) -> None:
    """Open the 文档 tab afresh (a reload lists what changed meanwhile)."""
    page.reload()
    page.locator("#question textarea").wait_for(timeout=TIMEOUT_MS)
    page.get_by_role("tab", name="文档").click()


def _pick(page: Any, text: str) -> None:
    page.locator("#document-pick input").click()
    page.get_by_role("option", name=text).first.click()


def test_browser_documents_reject_publish_and_delete(server: AppServer) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            pages = {}
            for name in PASSWORDS:
                pages[name] = page = browser.new_context(locale="zh-CN").new_page()
                _login(page, server, name, PASSWORDS[name])
                expect(page.locator("#question textarea")).to_be_visible(timeout=TIMEOUT_MS)
            bob, root, alice = pages["bob"], pages["root"], pages["alice"]

            bob.get_by_role("tab", name="上传").click()
            bob.locator("#upload input[type=file]").set_input_files(str(KEWEI))
            expect(bob.locator("#upload-status")).to_contain_text("注意：3 行未能解析，1 项检查未通过", timeout=TIMEOUT_MS)
            _documents(root)
            expect(root.locator("#documents")).to_contain_text("待审核", timeout=TIMEOUT_MS)
            _pick(root, "待审核 · bob · 2024年上海市科委政府信息公开工作年度报告")
            expect(root.locator("#document-preview")).to_contain_text("——不相符", timeout=TIMEOUT_MS)
            expect(root.locator("#document-preview")).to_contain_text("此行未解析")
            root.locator("#document-open").click()  # not in the admin's reports yet: said so, the preview stays
            expect(root.locator("#document-status")).to_contain_text("请在本页预览", timeout=TIMEOUT_MS)
            root.locator("#document-reject").click()
            expect(root.locator("#document-status")).to_contain_text("已退回：仍只对上传者可见", timeout=TIMEOUT_MS)
            _documents(bob)
            expect(bob.locator("#documents")).to_contain_text("仅上传者可见（已退回）", timeout=TIMEOUT_MS)

            bob.get_by_role("tab", name="上传").click()
            bob.locator("#upload input[type=file]").set_input_files(str(HUAIAN))
            expect(bob.locator("#upload-status")).to_contain_text("已加入", timeout=TIMEOUT_MS)
            _documents(root)
            _pick(root, "待审核 · bob · 淮安市人民政府2024年政府信息公开工作年度报告")
            root.locator("#document-publish").click()
            expect(root.locator("#document-status")).to_contain_text("已发布到共享语料", timeout=TIMEOUT_MS)
            _ask(alice, QUESTION)
            expect(alice.locator("#chat")).to_contain_text("105件", timeout=TIMEOUT_MS)
            _documents(alice)  # one click from a document to its report view
            _pick(alice, "已发布 · bob · 淮安市人民政府2024年政府信息公开工作年度报告")
            alice.locator("#document-open").click()
            expect(alice.locator("#reports-audit")).to_contain_text("淮安市人民政府2024年政府信息公开工作年度报告",
                                                                     timeout=TIMEOUT_MS)  # fmt: skip
            expect(alice.locator("#reports-audit")).to_be_visible()

            _documents(bob)
            _pick(bob, "已发布 · bob · 淮安市人民政府2024年政府信息公开工作年度报告")
            bob.locator("#document-delete").click()
            expect(bob.locator("#document-status")).to_contain_text("已删除：不会再从它回答", timeout=TIMEOUT_MS)
            alice.get_by_role("tab", name="问答").click()
            alice.get_by_role("button", name="新对话").click()
            # Cleared, and no event pending on the chat (its timer gone), before asking: a reply the clear overtook
            # would be wiped by it.
            expect(alice.locator("#chat")).to_have_text(re.compile(r"^\s*对话\s*$"), timeout=TIMEOUT_MS)
            _ask(alice, QUESTION)
            expect(alice.locator("#chat")).to_contain_text("语料中没有「淮安市」的报告", timeout=TIMEOUT_MS)
        finally:
            browser.close()
