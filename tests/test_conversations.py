"""Saved conversations: the store on disk, the Markdown export with citations, and the chat's panel (reopen with
the context, rename, delete, export; 「新对话」 and the chat's 🗑 both clear the context). Fake embeddings.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from app_server import copy_reports

from corpus import Settings
from index import FakeEmbeddings
from qa.conversations import ConversationError, ConversationStore, UnknownConversation, title_of, to_markdown
from qa.workspace import Workspaces

SHANGHAI = "txt/000_shanghai_justice_bureau_2020.txt"
HONGZE = ["txt/009_huaian_hongze_district_gov_2023.txt", "txt/010_huaian_hongze_district_gov_2024.txt"]
SESSION = SimpleNamespace(username=None, session_hash="conversation-test")
BROWSER = "0123456789abcdef"


@pytest.fixture(scope="module")
def spaces(tmp_path_factory: pytest.TempPathFactory) -> Workspaces:
    tmp = tmp_path_factory.mktemp("conversations")
    corpus = copy_reports([SHANGHAI, *HONGZE], tmp / "corpus")
    return Workspaces.open(corpus, Settings(home=tmp / "home", corpus=corpus), FakeEmbeddings())


def test_the_store_appends_lists_renames_and_deletes_per_owner(tmp_path: Path) -> None:
    store = ConversationStore(tmp_path)
    answer = {"question": "q", "answer": "5件", "citations": [], "timings_ms": {"total": 3.0}}
    first = store.append("u-bob", None, "上海市司法局2020年有多少件申请没有答复？", answer)
    assert store.append("u-bob", first, "那2021年呢？", answer) == first
    second = store.append("u-bob", None, "洪泽区" * 30, answer)
    listed = store.list("u-bob")
    assert [(c["id"], c["turns"]) for c in listed] == [(second, 1), (first, 2)]  # most recent first
    assert listed[1]["title"] == "上海市司法局2020年有多少件申请没有答复？" and listed[0]["title"] == title_of("洪泽区" * 30)
    assert len(listed[0]["title"]) == 40 and listed[0]["title"].endswith("…")
    assert "timings_ms" not in store.get("u-bob", first)["turns"][0]["answer"]
    assert store.list("u-alice") == []  # another owner sees none of them
    with pytest.raises(UnknownConversation):
        store.get("u-alice", first)
    assert store.rename("u-bob", first, "  司法局  未答复 ")["title"] == "司法局 未答复"
    with pytest.raises(ConversationError, match="标题不能为空"):
        store.rename("u-bob", first, "   ")
    store.delete("u-bob", first)
    assert [c["id"] for c in store.list("u-bob")] == [second]
    for bad in ("../x", "abc", ""):
        with pytest.raises(UnknownConversation):
            store.get("u-bob", bad)
    with pytest.raises(UnknownConversation):
        store.list("../../etc")


def test_the_markdown_export_has_each_question_answer_formula_and_numbered_citation(spaces: Workspaces, tmp_path: Path) -> None:
    assistant = spaces.shared
    first = assistant.ask("上海市司法局2020年有多少件申请没有答复？")
    second = assistant.ask("洪泽区2024年比2023年多收了多少件申请？")
    store = ConversationStore(tmp_path)
    cid = store.append("u-bob", None, first.question, first.to_dict())
    store.append("u-bob", cid, second.question, second.to_dict())
    text = to_markdown(store.get("u-bob", cid))
    assert text.startswith("# 上海市司法局2020年有多少件申请没有答复？\n\n对话开始于 ")
    assert "，共 2 个问题。\n\n## 1. 上海市司法局2020年有多少件申请没有答复？\n\n5件" in text
    assert ("\n\n> 理解为：上海市司法局2020年，申请表「结转下年度继续办理」\n\n来源：\n\n"
            "1. 《2020年上海市司法局政府信息公开工作年度报告》 · 三、收到和处理政府信息公开申请情况 · 申请表 · "
            "行「结转下年度继续办理」 · 列「总计」：「四、结转下年度继续办理 5 0 0 0 0 0 5」\n") in text  # fmt: skip
    assert "## 2. 洪泽区2024年比2023年多收了多少件申请？" in text and f"计算：{second.formula}" in text
    assert text.count("来源：") == 2


def _panel(spaces: Workspaces):  # noqa: ANN202 - the app's Handlers
    from app import Handlers

    return Handlers(spaces)


def test_the_panel_saves_reopens_with_context_renames_deletes_and_exports(spaces: Workspaces) -> None:
    h = _panel(spaces)
    c = h.conversations
    chat, _, answers, *_ = h.respond("洪泽区2024年收到多少件申请？", [], [], None, SESSION)
    cid, menu, export = c.save(answers, None, BROWSER, SESSION)
    assert Path(export.value["path"]).read_text(encoding="utf-8").count("## ") == 1
    chat, _, answers, *_ = h.respond("那2023年呢？", chat, answers, None, SESSION)
    assert c.save(answers, cid, BROWSER, SESSION)[0] == cid
    assert c.save(answers, cid, BROWSER, SESSION)[0] == cid  # saved once: nothing new to add
    assert len(c.store.get(f"b-{BROWSER}", cid)["turns"]) == 2
    assert c.menu(BROWSER, SESSION).choices == [("洪泽区2024年收到多少件申请？（2 问）", cid)]
    assert c.menu("ffffffffffffffff", SESSION).choices == []  # another browser
    assert c.save(answers, None, None, SESSION)[0] is None  # a browser without its id yet: nothing saved, nowhere
    assert c.menu(None, SESSION).choices == [] and not (c.store.root / "b-none").exists()

    # Reopened (a reload, a new session): the chat and the context come back, so a follow-up inherits.
    other = SimpleNamespace(username=None, session_hash="after-reload")
    assert c.open(cid, cid, BROWSER, SESSION) == (c.open(None, None, BROWSER, SESSION))  # already open: nothing
    chat, answers, opened, status = c.open(cid, None, BROWSER, other)
    assert (opened, status) == (cid, "已打开「洪泽区2024年收到多少件申请？」，可以接着问。")
    assert [m["role"] for m in chat] == ["user", "assistant"] * 2 and chat[3]["content"].startswith("**21件**")
    _, _, answers, *_ = h.respond("那2024年呢？", chat, answers, None, other)
    assert answers[-1].value == 95

    assert c.rename(cid, "洪泽区收件", BROWSER, SESSION)[0] == "已改名为「洪泽区收件」。"
    exported = Path(c.export(cid, BROWSER, SESSION).value["path"])
    assert exported.name == f"reportqa-conversation-{cid}.md" and exported.read_text(encoding="utf-8").startswith("# 洪泽区收件\n")
    assert c.delete(cid, cid, BROWSER, SESSION)[0::2] == ("已删除这个对话。", None)
    assert c.menu(BROWSER, SESSION).choices == []
    assert c.open(cid, None, BROWSER, SESSION)[3] == f"❌ 没有这个对话「{cid}」"


def test_a_new_conversation_clears_the_context_and_a_long_question_is_folded(spaces: Workspaces) -> None:
    from app import _new_conversation

    h = _panel(spaces)
    chat, box, answers, *rest = _new_conversation()
    assert (chat, box, answers, rest[-2]) == ([], "", [], None)  # messages, context and the saved id all go
    long = "洪泽区2024年收到多少件申请？" + "请详细说明。" * 900
    chat, *_ = h.respond(long, [], [], None, SESSION)
    assert chat[0]["content"].endswith(f"…（问题共 {len(long)} 字，只显示前 300 字）") and len(chat[0]["content"]) < 400


# -- REST -------------------------------------------------------------------------------------------------------------


@pytest.fixture
def rest(spaces: Workspaces, tmp_path: Path):  # noqa: ANN201 - a TestClient
    from fastapi.testclient import TestClient

    from api import build_api
    from qa.auth import UserStore

    users = UserStore.load(tmp_path / "users.json", missing_ok=True)
    users.add("alice", "alice-password")
    users.add("bob", "bob-password")
    with TestClient(build_api(spaces, users), raise_server_exceptions=False) as client:
        yield client


ALICE, BOB = ("alice", "alice-password"), ("bob", "bob-password")


def test_rest_conversations_save_continue_list_export_rename_and_delete(rest) -> None:  # noqa: ANN001
    first = rest.post("/api/ask", json={"question": "洪泽区2024年收到多少件申请？", "conversation": "new"}, auth=ALICE).json()
    cid = first["conversation"]
    assert first["value"] == 95 and len(cid) == 16
    follow = rest.post("/api/ask", json={"question": "那2023年呢？", "conversation": cid}, auth=ALICE).json()
    assert (follow["value"], follow["conversation"]) == (21, cid)  # the saved questions were the history
    plain = rest.post("/api/ask", json={"question": "洪泽区2024年收到多少件申请？"}, auth=ALICE).json()
    assert "conversation" not in plain

    listed = rest.get("/api/conversations", auth=ALICE).json()
    assert listed["count"] == 1 and {k: listed["conversations"][0][k] for k in ("id", "title", "turns")} == {
        "id": cid, "title": "洪泽区2024年收到多少件申请？", "turns": 2}  # fmt: skip
    saved = rest.get(f"/api/conversations/{cid}", auth=ALICE).json()
    assert [t["question"] for t in saved["turns"]] == ["洪泽区2024年收到多少件申请？", "那2023年呢？"]
    assert saved["turns"][1]["answer"]["value"] == 21
    markdown = rest.get(f"/api/conversations/{cid}/markdown", auth=ALICE)
    assert markdown.headers["content-type"] == "text/markdown; charset=utf-8"
    assert markdown.headers["content-disposition"] == f'attachment; filename="reportqa-conversation-{cid}.md"'
    assert markdown.text.startswith("# 洪泽区2024年收到多少件申请？\n") and "## 2. 那2023年呢？\n\n21件" in markdown.text

    renamed = rest.patch(f"/api/conversations/{cid}", json={"title": "洪泽区收件"}, auth=ALICE)
    assert renamed.status_code == 200 and (renamed.json()["title"], renamed.json()["turns"]) == ("洪泽区收件", 2)
    blank = rest.patch(f"/api/conversations/{cid}", json={"title": "  "}, auth=ALICE)
    assert (blank.status_code, blank.json()["error"]) == (400, "标题不能为空")
    typo = rest.patch(f"/api/conversations/{cid}", json={"titel": "x"}, auth=ALICE)
    assert typo.status_code == 422 and typo.json()["error"] == "请求参数不正确：title：缺少必填字段；titel：不认识的字段（可用的字段见 /api/docs）"

    # Bob sees none of it, and cannot read, continue, rename or delete it.
    assert rest.get("/api/conversations", auth=BOB).json() == {"conversations": [], "count": 0}
    gone = {"error": f"没有这个对话「{cid}」"}
    for response in (rest.get(f"/api/conversations/{cid}", auth=BOB), rest.get(f"/api/conversations/{cid}/markdown", auth=BOB),
                     rest.patch(f"/api/conversations/{cid}", json={"title": "x"}, auth=BOB),
                     rest.delete(f"/api/conversations/{cid}", auth=BOB),
                     rest.post("/api/ask", json={"question": "那2022年呢？", "conversation": cid}, auth=BOB)):  # fmt: skip
        assert (response.status_code, response.json()) == (404, gone)
    assert rest.get("/api/conversations", auth=None).status_code == 401

    assert rest.delete(f"/api/conversations/{cid}", auth=ALICE).json() == {"deleted": cid}
    assert rest.get(f"/api/conversations/{cid}", auth=ALICE).status_code == 404
    assert rest.get("/api/conversations", auth=ALICE).json()["count"] == 0
