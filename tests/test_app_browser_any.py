"""An annual report in the web app (Chromium): a ratio answered with its formula and cited cells, and the report
browser listing the report's own tables. Fake embeddings; the same Chromium setup as `test_app_browser.py`.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from app_server import AppServer, start_app
from test_app_browser import CHROMIUM, CHROMIUM_ARGS, TIMEOUT_MS, _ask

from corpus.reader import read_report

pytestmark = pytest.mark.browser
SIFANG = Path(__file__).parent / "fixtures" / "any" / "sifang_tech_2019_annual_report.pdf"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    if not CHROMIUM.exists():
        pytest.skip("needs /usr/bin/chromium (make browser)")
    tmp = tmp_path_factory.mktemp("browser-any")
    (tmp / "corpus" / "annual").mkdir(parents=True)
    shutil.copyfile(SIFANG, tmp / "corpus" / "annual" / SIFANG.name)
    app = start_app(tmp / "corpus", tmp / "home")
    yield app
    app.stop()


def test_browser_an_annual_report_ratio_shows_formula_citations_and_its_tables(server: AppServer) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 1080}, locale="zh-CN")
            page.goto(server.url, wait_until="domcontentloaded")
            expect(page.locator("#question textarea")).to_be_visible(timeout=TIMEOUT_MS)
            chat = page.locator("#chat")
            # (1,639,379,320.41 − 637,768,124.78) ÷ 696,435,257.06 = 1.44, from the 合并资产负债表 (pp. 59–60)
            _ask(page, "四方科技2019年末速动比率是多少？")
            expect(chat).to_contain_text("速动比率为 1.44", timeout=TIMEOUT_MS)
            expect(chat).to_contain_text("存货 637,768,124.78 元")
            expect(chat).to_contain_text("理解为：四方科技集团股份有限公司2019年速动比率")
            citations = page.locator("#citations")
            expect(citations).to_contain_text("合并资产负债表", timeout=TIMEOUT_MS)
            expect(citations).to_contain_text("流动负债合计")
            citations.locator("label").nth(2).click()  # the cited row, the cell marked, the printed line quoted
            expect(page.locator("#source")).to_contain_text("696,435,257.06", timeout=TIMEOUT_MS)
            expect(page.locator("#source")).to_contain_text("单位：元")
            page.get_by_role("tab", name="报告").click()
            page.locator("#pick input").click()
            page.get_by_role("option", name=re.compile("四方科技集团股份有限公司 2019年")).click()
            expect(page.locator("#reports-audit")).to_contain_text("四方科技集团股份有限公司2019年年度报告", timeout=TIMEOUT_MS)
            expect(page.locator("#report-tables")).to_contain_text("主要会计数据", timeout=TIMEOUT_MS)
            expect(page.locator("#report-tables")).to_contain_text("公司股票简况")
            balance = next(t.number for t in read_report(SIFANG).tables if t.title == "合并资产负债表")
            page.locator("#table-number input").fill(str(balance))
            page.locator("#table-number input").press("Enter")
            expect(page.locator("#report-table")).to_contain_text("905,402,299.44", timeout=TIMEOUT_MS)  # 货币资金, 2019年末
        finally:
            browser.close()
