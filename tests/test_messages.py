"""One language: what the REST API and the app show is Chinese, from `qa/messages.py`.

corpus/ writes parser warnings and check findings in English (the `parse --json` and `audit --json`
contracts); they are translated at the edge. The templates below are corpus/'s, with real values.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from app_server import REPORTS, copy_reports
from fastapi.testclient import TestClient

from corpus import Settings
from index import FakeEmbeddings
from qa.auth import UserStore
from qa.messages import finding_zh, is_chinese, validation_zh, warning_zh
from qa.workspace import Workspaces

SHANGHAI = "txt/000_shanghai_justice_bureau_2020.txt"
KEWEI = REPORTS / "txt/013_shanghai_stcsm_kewei_2024.txt"  # 3 rows left unparsed, 1 failed check
_ENGLISH_RUN = re.compile(r"[A-Za-z]+(?:[ ,;:]+[A-Za-z]+){2,}")  # three English words in a row
_QUOTED = re.compile(r"「[^」]*」")


def english_in(text: str) -> bool:
    """A message reads as English: fewer Chinese characters than English words, or an English phrase, outside 「…」."""
    bare = _QUOTED.sub("", text)
    return not is_chinese(text) or bool(_ENGLISH_RUN.search(bare))


def test_the_parsers_warnings_read_in_chinese() -> None:
    cases = {
        "申请 · 无法提供/补正后申请内容仍不明确: read 14 values for 7 columns, row left unparsed: 「3.补正后 6 0 6」":
            "申请 · 无法提供/补正后申请内容仍不明确：读到 14 个数，该行应有 7 列，此行未解析：「3.补正后 6 0 6」",
        "复议诉讼: read 9 values for 30 cells, table left unparsed: 「行政复议 1 2」":
            "复议诉讼：读到 9 个数，该表应有 30 个单元格，此表未解析：「行政复议 1 2」",
        "申请 · 予以公开 · 自然人: OCR could not read the cell with certainty, left unparsed: 「予以公开 5?」":
            "申请 · 予以公开 · 自然人：OCR 未能确定地读出该单元格，未解析：「予以公开 5?」",
        "no standard disclosure tables found: is this a 政府信息公开工作年度报告?":
            "没有找到标准的公开表格：这是政府信息公开工作年度报告吗？",
        "none of the standard sections (一、总体情况 …) found": "没有找到任何标准章节（一、总体情况 …）",
        "page 2: the page lay upside down: read turned by 180°": "第 2 页：该页倒置，已旋转 180° 后读取",
        "page 1: text is 9 px high (72 dpi), below the OCR floor of 12 px (about 110 dpi): its table figures are "
        "not read; rescan at 150 dpi or more":
            "第 1 页：文字高 9 像素，低于 OCR 可读的 12 像素（约 110 dpi）：其中表格数字未读取；请以 150 dpi 以上重新扫描",
        "申请 · 总计 · 自然人: OCR read 「96」 (low confidence 0.41); 「申请: [自然人] 总计 = 各办理结果之和」 does not add "
        "up, and 95 there would make it hold: left unparsed rather than guessed":
            "申请 · 总计 · 自然人：OCR 读作「96」，但「申请: [自然人] 总计 = 各办理结果之和」因此不相符（此处若为 95 则相符）：未解析，不作猜测",
        "something new in corpus/": "有内容未能可靠读取，已跳过（详情：reportqa parse 文件 --json）",
    }  # fmt: skip
    for english, chinese in cases.items():
        assert warning_zh(english) == chinese
        assert not english_in(chinese), chinese


def test_check_findings_read_in_chinese() -> None:
    cases = {
        "text says 「受理政府信息公开申请 17 件」 (17); table 申请 · 本年新收政府信息公开申请数量 · 总计 = 95 — disagree":
            "正文写「受理政府信息公开申请 17 件」（17），表格 申请 · 本年新收政府信息公开申请数量 · 总计 = 95——不一致",
        "[总计] 新收 34 + 上年结转 2 = 36; 总计 35 + 结转下年度 空 = 35 — does not add up":
            "[总计] 新收 34 + 上年结转 2 = 36；总计 35 + 结转下年度 空 = 35——不相符",
        "复议诉讼: [行政复议] 总计 = 维持 + 纠正 + 其他 + 尚未审结: 10 + 1 + 0 + 0 = 11, printed 0 — does not add up":
            "复议诉讼: [行政复议] 总计 = 维持 + 纠正 + 其他 + 尚未审结：10 + 1 + 0 + 0 = 11，表中印的是 0——不相符",
    }  # fmt: skip
    for english, chinese in cases.items():
        assert finding_zh(english) == chinese
        assert not english_in(chinese), chinese


def test_validation_errors_read_in_chinese() -> None:
    assert validation_zh({"type": "missing", "loc": ("body", "question"), "msg": "Field required"}) == "question：缺少必填字段"
    assert validation_zh({"type": "json_invalid", "loc": ("body", 10), "msg": "JSON decode error"}) == (
        "请求体不是有效的 JSON（第 10 个字符处）"
    )
    literal = {"type": "literal_error", "loc": ("query", "format"), "ctx": {"expected": "'csv', 'xlsx' or 'parquet'"}}
    assert validation_zh(literal) == "format：应为 'csv'、'xlsx' 或 'parquet' 之一"
    assert validation_zh({"type": "never_seen", "loc": ("body", "x")}) == "x：取值不正确"


@pytest.fixture
def spaces(tmp_path: Path) -> Workspaces:
    corpus = copy_reports([SHANGHAI], tmp_path / "corpus")
    return Workspaces.open(corpus, Settings(home=tmp_path / "home", corpus=corpus), FakeEmbeddings())


@pytest.fixture
def rest(spaces: Workspaces, tmp_path: Path) -> Iterator[TestClient]:
    from api import build_api

    users = UserStore.load(tmp_path / "users.json", missing_ok=True)
    users.add("alice", "alice-password")
    users.add("root", "root-password", admin=True)
    with TestClient(build_api(spaces, users), raise_server_exceptions=False) as client:
        yield client


def _texts(body: Any) -> list[str]:
    """What a person reads in a JSON error body: `error`, each `detail[].msg`, each warning."""
    found = [body["error"]] if "error" in body else []
    found += [d["msg"] for d in body.get("detail", [])]
    return found + list(body.get("warnings", []))


def test_every_rest_error_and_warning_is_chinese_with_its_status(rest: TestClient, tmp_path: Path) -> None:
    alice, root = ("alice", "alice-password"), ("root", "root-password")
    garbage = tmp_path / "garbage.pdf"
    garbage.write_bytes(bytes(range(256)) * 8)

    def upload(path: Path, name: str | None = None, auth: tuple[str, str] = alice) -> Any:
        return rest.post("/api/reports", files={"file": (name or path.name, path.read_bytes())}, auth=auth)

    calls: list[tuple[int, Any]] = [
        (401, rest.get("/api/reports")),
        (401, rest.post("/api/ask", json={"question": "上海市司法局2020年有多少件申请没有答复？"}, auth=("alice", "wrong"))),
        (422, rest.post("/api/ask", json={}, auth=alice)),
        (422, rest.post("/api/ask", content=b"{bad json", headers={"content-type": "application/json"}, auth=alice)),
        (422, rest.post("/api/ask", json={"question": 5}, auth=alice)),
        (422, rest.post("/api/ask", json=["上海市司法局"], auth=alice)),
        (422, rest.post("/api/ask", json={"question": "洪泽区2024年收到多少件申请？", "histroy": []}, auth=alice)),
        (422, rest.post("/api/ask", json={"question": "那2023年呢？", "history": "洪泽区"}, auth=alice)),
        (400, rest.post("/api/ask", json={"question": "   "}, auth=alice)),
        (400, rest.post("/api/ask", json={"question": "收到多少件申请？" * 700}, auth=alice)),
        (400, rest.post("/api/ask", json={"question": "那2023年呢？", "history": ["洪泽区2024年收到多少件申请？"] * 21}, auth=alice)),
        (422, rest.get("/api/export", auth=alice)),
        (422, rest.get("/api/export", params={"format": "pdf"}, auth=alice)),
        (404, rest.get("/api/reports/txt/none.txt/cells", auth=alice)),
        (422, rest.post("/api/reports", auth=alice)),
        (422, upload(garbage)),
        (422, upload(garbage, "tool.exe")),
        (409, upload(REPORTS / SHANGHAI)),
        (404, rest.post("/api/reports/none.txt/publish", auth=root)),
        (201, upload(KEWEI)),
        (403, rest.post(f"/api/reports/{KEWEI.name}/publish", auth=alice)),
    ]  # fmt: skip
    for status, response in calls:
        body = response.json()
        assert response.status_code == status, (response.request.url, response.text)
        texts = _texts(body)
        assert texts or status == 201, response.text
        for text in texts:
            assert not english_in(text), (response.request.method, response.request.url, text)
    warned = calls[-2][1].json()
    assert warned["warnings"][0] == (
        "申请 · 无法提供/补正后申请内容仍不明确：读到 14 个数，该行应有 7 列，此行未解析："
        "「3.补正后申请内容仍不明确 6 0 0 0 0 0 6 --- --- --- --- --- --- --- 0 0 0 0 0 0 0」"
    )
    assert len(warned["warnings"]) == 3
    assert calls[2][1].json()["error"] == "请求参数不正确：question：缺少必填字段"
    assert calls[3][1].json()["error"] == "请求参数不正确：请求体不是有效的 JSON（第 1 个字符处）"
    assert calls[2][1].json()["detail"] == [{"loc": ["body", "question"], "type": "missing", "msg": "question：缺少必填字段"}]


def test_the_app_shows_audit_findings_and_warnings_in_chinese(spaces: Workspaces) -> None:
    from app import audit_markdown

    report = spaces.add_upload(spaces_principal(), KEWEI).report
    shown = audit_markdown(report)
    lines = shown.split("\n")
    assert len(lines) == 1 + 1 + 3 and "does not add up" not in shown and "left unparsed" not in shown
    assert lines[1] == "- ✗ &#91;总计&#93; 新收 34 + 上年结转 2 = 36；总计 35 + 结转下年度 空 = 35——不相符"
    assert lines[2].startswith("- ⚠ 申请 · 无法提供/补正后申请内容仍不明确：读到 14 个数，该行应有 7 列，此行未解析")


def spaces_principal() -> Any:
    from qa.auth import session_principal

    return session_principal("s", "one-browser")


def test_the_audit_answer_in_the_chat_is_chinese(spaces: Workspaces) -> None:
    who = spaces_principal()
    spaces.add_upload(who, KEWEI)
    answer = spaces.assistant_for(who).ask("上海市科委2024年的数据有没有自相矛盾？")
    assert answer.answer.startswith("发现 1 处问题（上海市科委2024年）：\n"), answer.answer
    assert "- 上海市科委2024年：[总计] 新收 34 + 上年结转 2 = 36；总计 35 + 结转下年度 空 = 35——不相符" in answer.answer
    assert not english_in(answer.answer)


def test_the_app_says_every_refusal_and_error_in_chinese(spaces: Workspaces, tmp_path: Path) -> None:
    """Walk the app's handlers through their error paths: each text a user reads is Chinese."""
    from types import SimpleNamespace

    from app import Handlers, add_upload, audit_markdown

    session = SimpleNamespace(username=None, session_hash="walk")
    h = Handlers(spaces)
    who = h.who(session)
    garbage = tmp_path / "garbage.pdf"
    garbage.write_bytes(bytes(range(256)) * 8)
    shown: list[str] = []
    *_, notice = h.respond("   ", [], [], None, session)
    shown.append(notice.value)
    chat, *_ = h.respond("收到多少件申请？" * 700, [], [], None, session)
    shown.append(chat[-1]["content"])
    chat, *_ = h.respond("北京市2024年收到多少件申请？", [], [], None, session)
    shown.append(chat[-1]["content"])
    shown += [add_upload(spaces, who, garbage)[1], add_upload(spaces, who, garbage, "tool.exe")[1],
              add_upload(spaces, who, REPORTS / SHANGHAI)[1]]  # fmt: skip
    shown += [h.publish(None, session)[0], h.publish("s-walk|none.txt", session)[0]]
    shown += [h.documents.act("delete", None, session)[0], h.documents.act("delete", "pending|s-walk|none.txt", session)[0],
              h.documents.act("reject", "pending|s-walk|none.txt", session)[0],
              h.documents.act("delete", f"corpus||{SHANGHAI}", session)[0]]  # fmt: skip
    c = h.conversations
    shown += [c.open("0" * 16, None, "0" * 16, session)[3], c.rename(None, "x", "0" * 16, session)[0],
              c.rename("0" * 16, "x", "0" * 16, session)[0], c.delete("0" * 16, None, "0" * 16, session)[0]]
    report = spaces.add_upload(who, KEWEI).report
    shown += audit_markdown(report).split("\n")
    logged_out = Handlers(spaces, UserStore.load(tmp_path / "users.json", missing_ok=True))
    chat, *_ = logged_out.respond("上海市司法局2020年有多少件申请没有答复？", [], [], None, SimpleNamespace(username="gone"))
    shown.append(chat[-1]["content"])
    for text in shown:
        assert text and not english_in(html.unescape(text)), text
    assert shown[-1] == "*无法回答：请先登录*"


def test_the_command_line_says_its_errors_in_chinese_keeping_the_detail(tmp_path: Path) -> None:
    """One line each: the Chinese message, then the path or value that explains it in （…）."""
    import subprocess
    import sys

    from app_server import ROOT

    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    cases = {
        ("ask", "  "): "问题是空的：请输入一个问题，例如「上海市司法局2020年有多少件申请没有答复？」（the question is empty: ask",
        ("parse", str(tmp_path / "nowhere.txt")): f"文件不存在（{tmp_path / 'nowhere.txt'}: no such file",
        ("parse", str(empty)): "文件是空的（",
        ("audit", str(tmp_path / "nowhere")): f"语料目录不可用或其中没有可读的报告（{tmp_path / 'nowhere'}: no such directory）",
        ("user", "list", "--file", str(tmp_path / "users.json")): f"没有用户文件「{tmp_path / 'users.json'}」：",
    }
    for args, start in cases.items():
        done = subprocess.run([sys.executable, "-m", "cli", *args], capture_output=True, text=True, cwd=ROOT, timeout=120)
        assert done.returncode == 2 and done.stderr.count("\n") == 1, done.stderr
        assert done.stderr.startswith(f"reportqa: error: {start}"), done.stderr
        assert is_chinese(done.stderr.removeprefix("reportqa: error: ")), done.stderr


def test_cli_usage_errors_and_help_are_chinese() -> None:
    """argparse's own messages: a missing argument, a bad choice, a bad number, an unknown argument; the help."""
    import subprocess
    import sys

    from app_server import ROOT

    cases = {
        ("ask",): "reportqa ask: error: 缺少必需的参数：question",
        ("bogus",): "reportqa: error: 参数 command：无效的选项 'bogus'（可选：'parse', 'audit'",
        ("eval", "--k", "x"): "reportqa eval: error: 参数 --k：不是有效的 int 值：'x'",
        ("user", "role", "bob", "boss"): "reportqa user role: error: 参数 role：无效的选项 'boss'（可选：'admin', 'user'）",
        ("parse", "a", "b"): "reportqa: error: 无法识别的参数：b",
    }
    for args, line in cases.items():
        done = subprocess.run([sys.executable, "-m", "cli", *args], capture_output=True, text=True, cwd=ROOT, timeout=120)
        assert done.returncode == 2 and done.stderr.splitlines()[-1].startswith(line), done.stderr
        assert done.stderr.startswith("用法：reportqa"), done.stderr
    shown = subprocess.run([sys.executable, "-m", "cli", "ask", "--help"], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert shown.returncode == 0 and "显示本帮助并退出" in shown.stdout and "报告所在目录" in shown.stdout, shown.stdout
    assert not re.search(r"\b(usage|options|show this help)\b", shown.stdout), shown.stdout
