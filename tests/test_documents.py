"""Documents a team manages over REST: list with owner, visibility and parse status; reject, publish by user name,
withdraw and delete, after which no index answers from the report. Fake embeddings, FastAPI's TestClient.

Figures were read with `reportqa parse FILE --json`: 上海市科委 2024 has 130 cells (129 with a figure), 3 rows
left unparsed and 1 failed check; 淮安市人民政府 2024 has 200 cells and answers 105 to QUESTION.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docx
import pytest
from app_server import REPORTS, copy_reports
from fastapi.testclient import TestClient

from corpus import Settings
from index import FakeEmbeddings
from qa.auth import Principal, UserStore
from qa.documents import KIND_REPORT, KIND_TEMPLATE, owner_key, owner_name
from qa.workspace import Workspaces

SHANGHAI = "txt/000_shanghai_justice_bureau_2020.txt"
TEMPLATE = "docx/blank_template_2021_format.docx"
KEWEI = REPORTS / "txt/013_shanghai_stcsm_kewei_2024.txt"
HUAIAN = REPORTS / "txt/011_huaian_city_gov_2024.txt"
QUESTION = "淮安市2024年因属于行政查询事项不予公开的有几件？"
PASSAGE = "淮安市人民政府 行政查询事项 不予公开"
GONE = "无法回答：语料中没有「淮安市」的报告；语料中有：上海市司法局"
ALICE, BOB, ROOT = ("alice", "alice-password"), ("bob", "bob-password"), ("root", "root-password")


@pytest.fixture
def spaces(tmp_path: Path) -> Workspaces:
    corpus = copy_reports([SHANGHAI, TEMPLATE], tmp_path / "corpus")
    return Workspaces.open(corpus, Settings(home=tmp_path / "home", corpus=corpus), FakeEmbeddings())


@pytest.fixture
def rest(spaces: Workspaces, tmp_path: Path) -> Iterator[TestClient]:
    from api import build_api

    users = UserStore.load(tmp_path / "users.json", missing_ok=True)
    for (name, password), admin in ((ALICE, False), (BOB, False), (ROOT, True)):
        users.add(name, password, admin=admin)
    with TestClient(build_api(spaces, users), raise_server_exceptions=False) as client:
        yield client


def _upload(rest: TestClient, path: Path, auth: tuple[str, str]) -> Any:
    return rest.post("/api/reports", files={"file": (path.name, path.read_bytes())}, auth=auth)


def _docs(rest: TestClient, auth: tuple[str, str], **params: str) -> dict[str, Any]:
    response = rest.get("/api/documents", params=params, auth=auth)
    assert response.status_code == 200, response.text
    return response.json()


def _ask(rest: TestClient, auth: tuple[str, str], question: str = QUESTION) -> dict[str, Any]:
    return rest.post("/api/ask", json={"question": question}, auth=auth).json()


def test_owner_names_and_keys() -> None:
    assert [owner_key(n) for n in ("bob", "u-bob", "s-abc", "c-desk", "anonymous")] == [
        "u-bob", "u-bob", "s-abc", "c-desk", "anonymous"]  # fmt: skip
    assert [owner_name(k) for k in ("u-bob", "s-abc", None)] == ["bob", "s-abc", None]


def test_documents_list_owner_visibility_kind_and_parse_status_in_chinese(rest: TestClient) -> None:
    assert _upload(rest, KEWEI, BOB).status_code == 201
    mine = _docs(rest, BOB)
    assert (mine["count"], mine["total"]) == (3, 3)  # bob's upload first, then the corpus
    upload = mine["documents"][0]
    assert upload == {
        "id": KEWEI.name, "title": "2024年上海市科委政府信息公开工作年度报告", "source": KEWEI.name, "owner": "bob",
        "visibility": "pending", "kind": KIND_REPORT, "template": False, "issuer": "上海市科委", "year": 2024,
        "cells": 130, "figures": 129, "unparsed_rows": 3, "failed_checks": 1,
        "warnings": upload["warnings"], "findings": ["[总计] 新收 34 + 上年结转 2 = 36；总计 35 + 结转下年度 空 = 35——不相符"],
        "reviewed_by": None,
    }  # fmt: skip
    assert len(upload["warnings"]) == 3 and all("此行未解析" in w for w in upload["warnings"])
    template = next(d for d in mine["documents"] if d["id"] == TEMPLATE)
    assert (template["kind"], template["template"], template["figures"], template["cells"]) == (KIND_TEMPLATE, True, 0, 185)
    assert [d["visibility"] for d in mine["documents"]] == ["pending", "corpus", "corpus"]
    # Alice does not see bob's upload; the admin does, by user name.
    assert KEWEI.name not in {d["id"] for d in _docs(rest, ALICE)["documents"]}
    pending = _docs(rest, ROOT, visibility="pending")
    assert [(d["id"], d["owner"]) for d in pending["documents"]] == [(KEWEI.name, "bob")] and pending["total"] == 1
    assert _docs(rest, ROOT, limit="1", offset="1")["documents"][0]["visibility"] == "corpus"
    bad = rest.get("/api/documents", params={"visibility": "secret"}, auth=ROOT)
    assert bad.status_code == 422 and "visibility：应为" in bad.json()["error"]


def test_an_admin_rejects_by_user_name_and_the_upload_stays_private_to_its_owner(rest: TestClient) -> None:
    _upload(rest, KEWEI, BOB)
    refused = rest.post(f"/api/reports/{KEWEI.name}/reject", params={"owner": "bob"}, auth=ALICE)
    assert (refused.status_code, refused.json()["error"]) == (403, "没有权限：只有管理员可以退回上传的报告")
    preview = rest.get(f"/api/reports/{KEWEI.name}/cells", params={"owner": "bob"}, auth=ROOT).json()
    assert (preview["report"]["cells"], len(preview["cells"]), len(preview["warnings"])) == (130, 130, 3)
    assert preview["warnings"][0].startswith("申请 · 无法提供/补正后申请内容仍不明确：读到 14 个数")
    peek = rest.get(f"/api/reports/{KEWEI.name}/cells", params={"owner": "bob"}, auth=ALICE)
    assert (peek.status_code, peek.json()["error"]) == (403, "没有权限：只有管理员可以预览别人上传的报告")
    assert rest.get(f"/api/reports/{KEWEI.name}/cells", auth=ROOT).status_code == 404  # not among root's reports
    rejected = rest.post(f"/api/reports/{KEWEI.name}/reject", params={"owner": "bob"}, auth=ROOT)
    assert rejected.status_code == 200 and rejected.json()["visibility"] == "private"
    assert rest.get("/api/uploads", auth=ROOT).json()["count"] == 0
    mine = _docs(rest, BOB)["documents"][0]
    assert (mine["visibility"], mine["reviewed_by"]) == ("private", "root")
    assert _ask(rest, BOB, "上海市科委2024年收到多少件申请？")["value"] == 34  # still answered for its owner
    unknown = rest.post("/api/reports/none.txt/reject", params={"owner": "bob"}, auth=ROOT)
    assert (unknown.status_code, unknown.json()["error"]) == (404, "没有待发布的上传报告「none.txt」")


def test_publish_by_user_name_then_delete_and_no_index_answers_from_it(rest: TestClient, spaces: Workspaces) -> None:
    assert _upload(rest, HUAIAN, BOB).status_code == 201
    published = rest.post(f"/api/reports/{HUAIAN.name}/publish", params={"owner": "bob"}, auth=ROOT)
    assert published.status_code == 200, published.text
    assert _ask(rest, ALICE)["value"] == 105
    before = spaces.shared.index.retriever(k=20, fetch_k=50).invoke(PASSAGE)
    assert HUAIAN.name in {d.metadata["report_id"] for d in before}  # what the check after the delete looks for
    listed = {d["id"]: d for d in _docs(rest, ALICE)["documents"]}
    assert (listed[HUAIAN.name]["visibility"], listed[HUAIAN.name]["owner"], listed[HUAIAN.name]["reviewed_by"]) == (
        "published", "bob", "root")  # fmt: skip

    refused = rest.delete(f"/api/reports/{HUAIAN.name}", auth=ALICE)
    assert (refused.status_code, refused.json()["error"]) == (403, "没有权限：只有上传者或管理员可以删除已发布的报告")
    deleted = rest.delete(f"/api/reports/{HUAIAN.name}", auth=BOB)
    assert deleted.status_code == 200 and deleted.json() == {"deleted": HUAIAN.name, "title": "淮安市人民政府2024年政府信息公开工作年度报告"}
    for who in (ALICE, BOB, ROOT):
        assert _ask(rest, who)["answer"] == GONE
    assert HUAIAN.name not in {d["id"] for d in _docs(rest, ROOT)["documents"]}
    # Nothing of it is left in any index: cells, checks, BM25 and vectors.
    index = spaces.shared.index
    assert index.cells.execute("SELECT count(*) FROM cells WHERE report_id = ?", [HUAIAN.name])[0][0] == 0
    assert index.cells.execute("SELECT count(*) FROM reports WHERE id = ?", [HUAIAN.name])[0][0] == 0
    found = index.retriever(k=20, fetch_k=50).invoke(PASSAGE)
    assert found and {d.metadata["report_id"] for d in found} <= {SHANGHAI, TEMPLATE}
    assert not (spaces.shared_dir / HUAIAN.name).exists()
    again = rest.delete(f"/api/reports/{HUAIAN.name}", auth=BOB)
    assert (again.status_code, again.json()["error"]) == (404, f"没有可删除的报告「{HUAIAN.name}」")


def test_an_owner_withdraws_a_pending_upload_and_an_admin_deletes_anyones(rest: TestClient, spaces: Workspaces) -> None:
    _upload(rest, HUAIAN, BOB)
    _upload(rest, KEWEI, ALICE)
    assert _ask(rest, BOB)["value"] == 105
    other = rest.delete(f"/api/reports/{HUAIAN.name}", params={"owner": "u-bob"}, auth=ALICE)
    assert (other.status_code, other.json()["error"]) == (403, "没有权限：只能删除自己上传的报告")
    assert rest.delete(f"/api/reports/{HUAIAN.name}", auth=BOB).status_code == 200
    assert _ask(rest, BOB)["answer"] == GONE
    assert spaces.assistant_for(spaces_principal("bob")).index.reports.keys() == {SHANGHAI, TEMPLATE}
    assert rest.get("/api/uploads", auth=ROOT).json()["count"] == 1
    assert rest.delete(f"/api/reports/{KEWEI.name}", params={"owner": "alice"}, auth=ROOT).status_code == 200
    assert _ask(rest, ALICE, "上海市科委2024年收到多少件申请？")["answer"] == "无法回答：语料中没有任何机关2024年的报告"
    corpus = rest.delete(f"/api/reports/{SHANGHAI}", auth=ROOT)
    assert (corpus.status_code, corpus.json()["error"]) == (403, "语料目录中的报告不能在这里删除：请在服务器上移除文件")
    # A file deleted can be uploaded again.
    assert _upload(rest, HUAIAN, BOB).status_code == 201 and _ask(rest, BOB)["value"] == 105


def spaces_principal(name: str) -> Principal:
    return Principal(f"u-{name}", name, logged_in=True)


def test_a_blank_template_is_marked_never_answered_from_and_refused_as_an_upload(rest: TestClient, tmp_path: Path) -> None:
    for question in ("有多少件申请没有答复？", "政府信息公开工作年度报告格式模板里收到多少件申请？", "有没有哪份报告的数据自相矛盾？"):
        answer = _ask(rest, ALICE, question)
        assert TEMPLATE not in {c["report_id"] for c in answer["citations"]}, question
        assert "模板" not in answer["answer"], answer["answer"]
    assert _upload(rest, REPORTS / TEMPLATE, BOB).status_code == 409  # the bundled file is in the corpus already
    document = docx.Document(str(REPORTS / TEMPLATE))  # a copy with one more paragraph: new, still no figure
    document.add_paragraph("本模板供各单位参考。")
    doc = tmp_path / "copy.docx"
    document.save(str(doc))
    blank = _upload(rest, doc, BOB)
    assert (blank.status_code, blank.json()["error"]) == (422, "这是一份空白模板：表格中没有任何数字，不加入语料")
    assert _docs(rest, BOB)["total"] == 2 and not any((tmp_path / "home" / "uploads" / "users" / "u-bob").glob("*.docx"))


def test_a_deleted_upload_leaves_no_chunk_in_milvus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same delete with the passages on Milvus Lite (embedded): the collection holds none of its chunks."""
    from index.milvus_store import MilvusStore

    monkeypatch.setenv("REPORTQA_VECTOR_STORE", str(tmp_path / "passages.db"))
    corpus = copy_reports([SHANGHAI], tmp_path / "corpus")
    spaces = Workspaces.open(corpus, Settings(home=tmp_path / "home", corpus=corpus), FakeEmbeddings())
    bob, root = spaces_principal("bob"), Principal("u-root", "root", admin=True, logged_in=True)
    spaces.add_upload(bob, HUAIAN)
    spaces.publish(root, HUAIAN.name, "bob")
    store = spaces.published.store
    assert isinstance(store, MilvusStore)
    held = store.all_ids()
    assert held and spaces.assistant_for(bob).ask(QUESTION).value == 105
    spaces.delete(bob, HUAIAN.name)
    assert spaces.published.store.all_ids() == set()  # the shared uploads' collection held only this report
    assert spaces.assistant_for(bob).ask(QUESTION).answer == GONE


# -- the app's 文档 tab ----------------------------------------------------------------------------------------------


def test_the_upload_status_says_rows_left_unparsed_and_failed_checks(spaces: Workspaces) -> None:
    from app import add_upload

    ok, text = add_upload(spaces, spaces_principal("bob"), KEWEI)
    assert ok and "130 个表格单元格），仅你可见，现在可以提问。注意：3 行未能解析，1 项检查未通过（详见「文档」页）。" in text
    ok, text = add_upload(spaces, spaces_principal("bob"), HUAIAN)
    assert ok and "注意" not in text  # a clean report: nothing to warn about


def _frame(table: Any) -> Any:
    """The rows a gr.Dataframe update shows, as a pandas frame."""
    import pandas as pd

    value = table.value
    return value if isinstance(value, pd.DataFrame) else pd.DataFrame(value["data"], columns=value["headers"])


def test_the_documents_tab_lists_previews_rejects_publishes_and_deletes(spaces: Workspaces, tmp_path: Path) -> None:
    from types import SimpleNamespace

    from app import Handlers

    users = UserStore.load(tmp_path / "users.json", missing_ok=True)
    users.add("bob", "bob-password")
    users.add("root", "root-password", admin=True)
    h = Handlers(spaces, users)
    bob, root = SimpleNamespace(username="bob"), SimpleNamespace(username="root")
    h.upload(str(KEWEI), bob)
    h.upload(str(HUAIAN), bob)
    table, menu = h.documents.refresh(root)
    frame = _frame(table)
    assert table.label == "文档（共 4 份）"
    assert list(frame.iloc[0]) == ["淮安市人民政府2024年政府信息公开工作年度报告", HUAIAN.name, "bob", "待审核",
                                   KIND_REPORT, "淮安市人民政府", 2024, 200, 0, 0]  # fmt: skip
    assert list(frame.iloc[1])[2:] == ["bob", "待审核", KIND_REPORT, "上海市科委", 2024, 130, 3, 1]
    assert frame.set_index("文件").loc[Path(TEMPLATE).name, "类型"] == KIND_TEMPLATE
    kewei, huaian = f"pending|u-bob|{KEWEI.name}", f"pending|u-bob|{HUAIAN.name}"
    assert {value for _, value in menu.choices} >= {kewei, huaian}
    preview = h.documents.preview(kewei, root)
    assert "1 项未通过" in preview and "——不相符" in preview and "此行未解析" in preview

    status, *_ = h.documents.act("reject", kewei, bob)
    assert status == "❌ 未能退回：没有权限：只有管理员可以退回上传的报告"
    status, table, _ = h.documents.act("reject", kewei, root)
    frame = _frame(table)
    assert status == "✅ 《2024年上海市科委政府信息公开工作年度报告》已退回：仍只对上传者可见。"
    assert frame.iloc[1]["状态"] == "仅上传者可见（已退回）"
    status, *_ = h.documents.act("publish", huaian, root)
    assert status == "✅ 《淮安市人民政府2024年政府信息公开工作年度报告》已发布到共享语料，所有用户都可以查询。"
    assert spaces.assistant_for(spaces_principal("alice")).ask(QUESTION).value == 105
    status, table, _ = h.documents.act("delete", f"published||{HUAIAN.name}", bob)
    frame = _frame(table)
    assert status == "✅ 《淮安市人民政府2024年政府信息公开工作年度报告》已删除：不会再从它回答。"
    assert spaces.assistant_for(spaces_principal("alice")).ask(QUESTION).answer == GONE
    assert HUAIAN.name not in frame["文件"].tolist()
    assert h.documents.act("delete", None, bob)[0] == "请先选择一份文档。"
