"""The web app in a real browser (Debian chromium + Playwright): ask, cite, upload, ask again, stay offline."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest
from app_server import HOSTILE_PROSE, REPORTS, ROOT, AppServer, copy_reports, hostile_report, start_app

from qa.auth import UserStore
from qa.messages import EMPTY_QUESTION

pytestmark = pytest.mark.browser
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
]
SCREENSHOT = ROOT / "docs" / "screenshot.png"
TIMEOUT_MS = 60_000
log = logging.getLogger(__name__)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    if not CHROMIUM.exists():
        pytest.skip("needs /usr/bin/chromium (make browser)")
    tmp = tmp_path_factory.mktemp("browser")
    corpus = copy_reports(
        [
            "txt/000_shanghai_justice_bureau_2020.txt",
            "pdf/hongze_2023_hzq2023_working.pdf",
            "pdf/hongze_2024_hzq2024_working.pdf",
        ],
        tmp / "corpus",
    )
    app = start_app(corpus, tmp / "home")
    yield app
    app.stop()


def _ask(page, question: str) -> None:
    """Type a question, send it, and wait until the chat shows it with its answer.

    Under load, the box can be emptied by the previous answer's update after it was filled, and Enter then sends an
    empty question (the page shows its notice and the chat stays as it was): that is sent again, at most three times.
    """
    box = page.locator("#question textarea")
    shown = page.locator("#chat .message", has_text=question)
    before = shown.count()
    for _ in range(3):
        box.fill(question)
        box.press("Enter")
        deadline = time.monotonic() + 2 * TIMEOUT_MS / 1000
        while time.monotonic() < deadline:
            if shown.count() > before:
                return
            lost = box.input_value() == "" and page.locator("#chat .pending").count() == 0
            if lost and page.locator("#notice").is_visible():
                break  # sent empty: send it again
            page.wait_for_timeout(250)
        else:
            raise AssertionError(f"no answer to {question!r} within {2 * TIMEOUT_MS / 1000:.0f} s")
    raise AssertionError(f"{question!r} was sent empty three times")


def test_browser_ranking_and_share_show_formula_citations_and_chart(server: AppServer) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 1080}, locale="zh-CN")
            page.goto(server.url, wait_until="domcontentloaded")
            expect(page.locator("#question textarea")).to_be_visible(timeout=TIMEOUT_MS)
            chat = page.locator("#chat")
            # 本年新收: 上海市司法局2020 118, 洪泽区2024 95, 洪泽区2023 21
            _ask(page, "哪份报告收到的申请最多？列前两名")
            expect(chat).to_contain_text("1. 上海市司法局2020年 118件", timeout=TIMEOUT_MS)
            expect(chat).to_contain_text("2. 淮安市洪泽区人民政府2024年 95件")
            # what the question was understood as, under the answer
            expect(chat).to_contain_text("理解为：语料中所有机关，按申请表「本年新收政府信息公开申请数量」排名，前 2 名")
            expect(page.locator("#citations")).to_contain_text("[2]")
            expect(page.locator("#chart")).to_be_visible(timeout=TIMEOUT_MS)
            expect(page.locator("#chart canvas, #chart svg").first).to_be_visible(timeout=TIMEOUT_MS)
            expect(page.locator("#download")).to_be_visible()
            # 洪泽区2024: 予以公开 50 of 办理结果总计 95
            _ask(page, "洪泽区2024年的公开率是多少？")
            expect(chat).to_contain_text("计算：50 ÷ 95 = 52.63%", timeout=TIMEOUT_MS)
            expect(page.locator("#citations")).to_contain_text("予以公开")
            expect(page.locator("#citations")).to_contain_text("总计")
            _ask(page, "洪泽区2024年结转了多少件？")
            expect(page.locator("#clarify")).to_contain_text("结转下年度继续办理", timeout=TIMEOUT_MS)
            page.locator("#clarify label").nth(1).click()
            expect(chat.locator(".message").last).to_contain_text("0件", timeout=TIMEOUT_MS)
            # a word no table explains: no figure, what was understood, and the nearest question to click
            _ask(page, "洪泽区2024年行政诉讼里几件是一审？")
            expect(chat.locator(".message").last).to_contain_text("问题中的「审」没有对应的表格栏目", timeout=TIMEOUT_MS)
            expect(page.locator("#clarify")).to_contain_text("复议诉讼「行政诉讼」是多少？", timeout=TIMEOUT_MS)
        finally:
            browser.close()


def test_browser_asks_cites_uploads_and_stays_offline(server: AppServer) -> None:
    from playwright.sync_api import expect, sync_playwright

    requests: list[str] = []
    timings = {"app start": server.start_seconds}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 1080}, locale="zh-CN")
            page.on("request", lambda request: requests.append(request.url))
            started = time.perf_counter()
            page.goto(server.url, wait_until="domcontentloaded")
            expect(page.locator("#question textarea")).to_be_visible(timeout=TIMEOUT_MS)
            timings["page ready"] = time.perf_counter() - started
            page.locator("#question textarea").press("Enter")  # an empty question: a Chinese notice, no answer
            expect(page.locator("#notice")).to_have_text("⚠ " + EMPTY_QUESTION, timeout=TIMEOUT_MS)
            expect(page.locator(".toast-body")).to_have_count(0)  # no toast: Gradio titles them "Warning"

            started = time.perf_counter()
            _ask(page, "上海市司法局2020年有多少件申请没有答复？")
            chat = page.locator("#chat")
            expect(chat).to_contain_text("5件", timeout=TIMEOUT_MS)
            timings["a reply"] = time.perf_counter() - started
            expect(chat).to_contain_text("结转下年度继续办理")
            expect(chat.locator("mark").first).to_have_text("5件")
            expect(page.locator("#source")).to_contain_text("结转下年度继续办理", timeout=TIMEOUT_MS)

            # A follow-up keeps the agency and the row; a comparison draws a chart and cites both cells.
            _ask(page, "洪泽区2024年收到多少件申请？")
            expect(chat).to_contain_text("95件", timeout=TIMEOUT_MS)
            _ask(page, "那2023年呢？")
            expect(chat).to_contain_text("21件", timeout=TIMEOUT_MS)
            _ask(page, "洪泽区2024年比2023年多收了多少件申请？")
            expect(chat).to_contain_text("74件", timeout=TIMEOUT_MS)
            expect(page.locator("#citations")).to_contain_text("[2]")
            page.locator("#citations label").nth(1).click()
            expect(page.locator("#source mark").first).to_have_text("95", timeout=TIMEOUT_MS)
            page.wait_for_timeout(500)  # let the chart finish drawing
            SCREENSHOT.parent.mkdir(exist_ok=True)
            page.screenshot(path=str(SCREENSHOT))

            page.get_by_role("tab", name="报告").click()
            page.locator("#pick input").click()
            page.get_by_role(
                "option", name="上海市司法局 2020年 · 000_shanghai_justice_bureau_2020.txt"
            ).click()
            expect(page.locator("#reports-audit")).to_contain_text("项检查通过", timeout=TIMEOUT_MS)

            page.get_by_role("tab", name="上传").click()
            upload = page.locator("#upload input[type=file]")
            upload.set_input_files(
                files=[
                    {"name": "garbage.pdf", "mimeType": "application/pdf", "buffer": bytes(range(256)) * 8}
                ]
            )
            expect(page.locator("#upload-status")).to_contain_text(
                "未能加入「garbage.pdf」：PDF 文件已损坏或不是 PDF。语料和索引保持不变。", timeout=TIMEOUT_MS
            )
            upload.set_input_files(files=[{"name": "tool.exe", "mimeType": "application/octet-stream", "buffer": b"MZ"}])
            expect(page.locator("#upload-status")).to_contain_text("未能加入「tool.exe」：不支持这种文件格式", timeout=TIMEOUT_MS)
            upload.set_input_files(str(REPORTS / "txt/011_huaian_city_gov_2024.txt"))
            expect(page.locator("#upload-status")).to_contain_text("已加入", timeout=TIMEOUT_MS)
            page.get_by_role("tab", name="问答").click()
            _ask(page, "淮安市2024年因属于行政查询事项不予公开的有几件？")
            expect(chat).to_contain_text("105件", timeout=TIMEOUT_MS)
        finally:
            browser.close()
    log.info("timings (s): %s", {k: round(v, 2) for k, v in timings.items()})
    # The upload is the session's own, under REPORTQA_HOME/uploads/users/<session>/, not in the corpus.
    stored = sorted(p.relative_to(server.corpus.parent / "home" / "uploads" / "users").parts[1:] for p in
                    (server.corpus.parent / "home" / "uploads" / "users").glob("s-*/*"))  # fmt: skip
    assert stored == [("011_huaian_city_gov_2024.txt",)] and not (server.corpus / "uploads").exists()
    outside = sorted(
        {u for u in requests if urlparse(u).hostname not in ("127.0.0.1", None) and not u.startswith("data:")}
    )
    assert outside == []


def test_browser_openapi_page_lists_the_routes_and_stays_offline(server: AppServer) -> None:
    from playwright.sync_api import expect, sync_playwright

    requests: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            page.on("request", lambda request: requests.append(request.url))
            page.goto(server.url + "/api/docs", wait_until="networkidle")
            body = page.locator("#swagger-ui")
            for route in ("/api/ask", "/api/reports", "/api/reports/{report_id}/cells", "/api/export"):
                expect(body).to_contain_text(route, timeout=TIMEOUT_MS)
        finally:
            browser.close()
    outside = sorted(
        {u for u in requests if urlparse(u).hostname not in ("127.0.0.1", None) and not u.startswith("data:")}
    )
    assert outside == []


# -- logins, private uploads, hostile reports -------------------------------------------------------------------

PASSWORDS = {"alice": "alice-password", "bob": "bob-password"}
QUESTION = "淮安市2024年因属于行政查询事项不予公开的有几件？"  # 105, only in the uploaded report


@pytest.fixture(scope="module")
def auth_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    if not CHROMIUM.exists():
        pytest.skip("needs /usr/bin/chromium (make browser)")
    tmp = tmp_path_factory.mktemp("browser-auth")
    users = UserStore.load(tmp / "users.json", missing_ok=True)
    for name, password in PASSWORDS.items():
        users.add(name, password)
    app = start_app(copy_reports(["txt/000_shanghai_justice_bureau_2020.txt"], tmp / "corpus"), tmp / "home",
                    {"REPORTQA_AUTH": str(users.path)})  # fmt: skip
    yield app
    app.stop()


def _login(page, server: AppServer, name: str, password: str) -> None:
    page.goto(server.url, wait_until="domcontentloaded")
    page.locator("input[type=text]").fill(name)
    page.locator("input[type=password]").fill(password)
    page.locator("input[type=password]").press("Enter")


def test_browser_with_logins_a_wrong_password_is_refused_and_the_right_one_enters(auth_server: AppServer) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(locale="zh-CN")
            _login(page, auth_server, "alice", "not-her-password")
            expect(page.get_by_text("凭据不正确")).to_be_visible(timeout=TIMEOUT_MS)  # Gradio's own, in Chinese
            expect(page.locator("input[type=password]")).to_be_visible()
            assert page.locator("#question textarea").count() == 0
            _login(page, auth_server, "alice", PASSWORDS["alice"])
            expect(page.locator("#question textarea")).to_be_visible(timeout=TIMEOUT_MS)
            _ask(page, "上海市司法局2020年有多少件申请没有答复？")
            expect(page.locator("#chat")).to_contain_text("5件", timeout=TIMEOUT_MS)
            expect(page.locator("#whoami")).to_have_text("已登录：alice", timeout=TIMEOUT_MS)
            page.locator("#logout").click()  # back to the login form; the chat is gone until she logs in again
            expect(page.locator("input[type=password]")).to_be_visible(timeout=TIMEOUT_MS)
            assert page.locator("#question textarea").count() == 0
            page.goto(auth_server.url, wait_until="domcontentloaded")
            expect(page.locator("input[type=password]")).to_be_visible(timeout=TIMEOUT_MS)
        finally:
            browser.close()


def test_browser_one_users_upload_is_invisible_to_another(auth_server: AppServer) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            alice = browser.new_context(locale="zh-CN").new_page()
            bob = browser.new_context(locale="zh-CN").new_page()
            for page, name in ((alice, "alice"), (bob, "bob")):
                _login(page, auth_server, name, PASSWORDS[name])
                expect(page.locator("#question textarea")).to_be_visible(timeout=TIMEOUT_MS)
            alice.get_by_role("tab", name="上传").click()
            alice.locator("#upload input[type=file]").set_input_files(str(REPORTS / "txt/011_huaian_city_gov_2024.txt"))
            expect(alice.locator("#upload-status")).to_contain_text("仅你可见", timeout=TIMEOUT_MS)
            alice.get_by_role("tab", name="问答").click()
            _ask(alice, QUESTION)
            expect(alice.locator("#chat")).to_contain_text("105件", timeout=TIMEOUT_MS)
            alice.get_by_role("tab", name="报告").click()
            expect(alice.locator("#reports")).to_contain_text("淮安市人民政府", timeout=TIMEOUT_MS)

            _ask(bob, QUESTION)
            expect(bob.locator("#chat")).to_contain_text("语料中没有", timeout=TIMEOUT_MS)
            assert "105件" not in bob.locator("#chat").inner_text()
            bob.reload()  # a fresh page of bob's lists only what bob may see
            expect(bob.locator("#question textarea")).to_be_visible(timeout=TIMEOUT_MS)
            bob.get_by_role("tab", name="报告").click()
            expect(bob.locator("#reports")).to_contain_text("上海市司法局", timeout=TIMEOUT_MS)
            assert "淮安市人民政府" not in bob.locator("#reports").inner_text()
        finally:
            browser.close()


PANES = ("#chat", "#source", "#reports", "#reports-audit", "#upload-status")
LIVE_MARKUP = (
    "script, img[src='x'], img[src*='evil'], svg[onload], [onerror], [onload], a[href^='javascript'], "
    "a[href*='evil']"
)


def test_browser_a_hostile_report_renders_inert(server: AppServer, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    hostile = hostile_report(tmp_path / "hostile<img src=x onerror=window.__pwned=1>.txt")
    requests: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 1080}, locale="zh-CN")
            page.on("request", lambda request: requests.append(request.url))
            page.goto(server.url, wait_until="domcontentloaded")
            expect(page.locator("#question textarea")).to_be_visible(timeout=TIMEOUT_MS)
            page.get_by_role("tab", name="上传").click()
            page.locator("#upload input[type=file]").set_input_files(str(hostile))
            status = page.locator("#upload-status")
            expect(status).to_contain_text("已加入《2019年<svg/onload=window.__pwned=1>", timeout=TIMEOUT_MS)
            page.get_by_role("tab", name="问答").click()
            _ask(page, "2019年热线满意率是多少？")  # the report's title says 2019: the only one of that year
            chat = page.locator("#chat")
            expect(chat).to_contain_text("<script>window.__pwned=1</script>", timeout=TIMEOUT_MS)
            expect(page.locator("#source")).to_contain_text(HOSTILE_PROSE, timeout=TIMEOUT_MS)
            _ask(page, "2019年有多少件申请没有答复？")
            expect(chat).to_contain_text("5件", timeout=TIMEOUT_MS)
            expect(chat).to_contain_text("《2019年<svg/onload=window.__pwned=1>[上海市司法局](javascript:1)")
            page.get_by_role("tab", name="报告").click()
            expect(page.locator("#reports")).to_contain_text("<svg/onload=window.__pwned=1>", timeout=TIMEOUT_MS)
            page.locator("#pick input").click()
            page.get_by_role("option", name="2019年 · hostile", exact=False).first.click()
            expect(page.locator("#reports-audit")).to_contain_text("<svg/onload", timeout=TIMEOUT_MS)
            page.wait_for_timeout(500)
            for pane in PANES:
                assert page.locator(f"{pane} :is({LIVE_MARKUP})").count() == 0, pane
            assert page.locator("a[href^='javascript'], img[src*='evil']").count() == 0
            assert page.evaluate("() => window.__pwned") is None
        finally:
            browser.close()
    assert not [u for u in requests if "evil.example" in u]
