"""The REST API end to end: httpx against the running server (`python app.py`, fake embeddings).

Answers must equal the Python API's `Assistant.ask(...).to_dict()` (timings aside); values were read from
the reports with `reportqa parse FILE`.
"""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from app_server import REPORTS, AppServer, copy_reports, start_app

from corpus import Settings, UnreadableReportError
from index import FakeEmbeddings
from index.cells import EXPORT_COLUMNS
from qa import Assistant
from qa.auth import UserStore

SHANGHAI = "txt/000_shanghai_justice_bureau_2020.txt"
HONGZE_2023 = "pdf/hongze_2023_hzq2023_working.pdf"
HONGZE_2024 = "pdf/hongze_2024_hzq2024_working.pdf"
NAMES = [SHANGHAI, HONGZE_2023, HONGZE_2024]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_reports(NAMES, tmp_path_factory.mktemp("rest") / "corpus")


@pytest.fixture(scope="module")
def server(corpus: Path) -> Iterator[AppServer]:
    app = start_app(corpus, corpus.parent / "server-home")
    yield app
    app.stop()


@pytest.fixture(scope="module")
def assistant(corpus: Path) -> Assistant:
    """The Python API over the same corpus (its own index), to compare the REST answers with."""
    settings = Settings(home=corpus.parent / "python-home", corpus=corpus)
    return Assistant.from_corpus(corpus, settings=settings, embeddings=FakeEmbeddings(), progress=False)


@pytest.fixture
def http(server: AppServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=60) as client:
        yield client


def _untimed(answer: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in answer.items() if k != "timings_ms"}


def test_rest_ask_equals_the_python_api_answer(http: httpx.Client, assistant: Assistant) -> None:
    for question in ("上海市司法局2020年有多少件申请没有答复？", "洪泽区2024年比2023年多收了多少件申请？",
                     "洪泽区2024年的公开率是多少？", "北京市2024年收到多少件申请？", "上海市司法局2020年热线满意率是多少？"):  # fmt: skip
        response = http.post("/api/ask", json={"question": question})
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "application/json"
        data = response.json()
        assert _untimed(data) == _untimed(assistant.ask(question).to_dict()), question
        assert "total" in data["timings_ms"]
    shanghai = http.post("/api/ask", json={"question": "上海市司法局2020年有多少件申请没有答复？"}).json()
    assert (shanghai["value"], shanghai["unit"], shanghai["route"]) == (5, "件", "table")
    assert shanghai["citations"][0]["cell"] == {"table": "申请", "row": "结转下年度继续办理", "col": "总计"}
    assert shanghai["citations"][0]["quote"] == "四、结转下年度继续办理 5 0 0 0 0 0 5"


def test_rest_twelve_concurrent_questions_are_all_answered_like_the_python_api(
    http: httpx.Client, assistant: Assistant
) -> None:
    questions = ["上海市司法局2020年有多少件申请没有答复？", "洪泽区2024年收到多少件申请？", "洪泽区2023年部分公开了几件？",
                 "洪泽区2024年比2023年多收了多少件申请？"] * 3  # fmt: skip
    with ThreadPoolExecutor(max_workers=len(questions)) as pool:
        answers = list(pool.map(lambda q: http.post("/api/ask", json={"question": q}).json(), questions))
    for question, data in zip(questions, answers, strict=True):
        assert _untimed(data) == _untimed(assistant.ask(question).to_dict()), question
    assert [a["value"] for a in answers[:4]] == [5, 95, 4, 74]


def test_rest_ask_follow_up_inherits_from_history_like_the_python_api(http: httpx.Client, assistant: Assistant) -> None:
    first = assistant.ask("洪泽区2024年收到多少件申请？")
    expected = assistant.ask("那2023年呢？", history=[first]).to_dict()
    data = http.post("/api/ask", json={"question": "那2023年呢？", "history": ["洪泽区2024年收到多少件申请？"]}).json()
    assert _untimed(data) == _untimed(expected)
    assert (data["value"], data["citations"][0]["report_id"]) == (21, HONGZE_2023)


def test_rest_ask_restricted_to_reports_like_the_python_api(http: httpx.Client, assistant: Assistant) -> None:
    question = "收到多少件申请？"
    data = http.post("/api/ask", json={"question": question, "reports": [HONGZE_2024]}).json()
    assert _untimed(data) == _untimed(assistant.ask(question, reports=[HONGZE_2024]).to_dict())
    assert (data["value"], data["citations"][0]["report_id"]) == (95, HONGZE_2024)


def test_rest_ask_refuses_an_empty_question_and_unknown_fields_with_json_errors(http: httpx.Client) -> None:
    empty = http.post("/api/ask", json={"question": "   "})
    assert empty.status_code == 400 and empty.json()["error"].startswith("问题是空的")
    typo = http.post("/api/ask", json={"question": "洪泽区2024年收到多少件申请？", "histroy": []})
    assert typo.status_code == 422 and "histroy" in typo.json()["error"]
    missing = http.post("/api/ask", json={})
    assert missing.status_code == 422 and "question" in missing.json()["error"]
    endless = http.post("/api/ask", json={"question": "那2023年呢？", "history": ["洪泽区2024年收到多少件申请？"] * 21})
    assert endless.status_code == 400 and "最近的 20 个问题" in endless.json()["error"]


def test_rest_reports_lists_every_report_with_its_cell_count(http: httpx.Client, assistant: Assistant) -> None:
    data = http.get("/api/reports").json()
    assert data["count"] == 3
    assert [r["id"] for r in data["reports"]] == sorted(NAMES)
    by_id = {r["id"]: r for r in data["reports"]}
    for rid, report in assistant.index.reports.items():
        listed = by_id[rid]
        assert (listed["agency"], listed["year"], listed["title"]) == (report.agency, report.year, report.title)
        assert listed["cells"] == len(report.cells) > 0
        assert listed["versions"] == report.versions
        assert listed["source"] == Path(rid).name and listed["visibility"] == "corpus"  # no server path
        assert str(Path(report.source).parent) not in str(data)
    assert (by_id[HONGZE_2023]["agency"], by_id[HONGZE_2023]["year"], by_id[HONGZE_2023]["failed_checks"]) == (
        "淮安市洪泽区人民政府", 2023, 2,
    )  # fmt: skip


@pytest.mark.parametrize("path", [SHANGHAI, SHANGHAI.replace("/", "%2F")])
def test_rest_cells_of_a_report_id_with_slashes_raw_or_percent_encoded(
    http: httpx.Client, assistant: Assistant, path: str
) -> None:
    response = http.get(f"/api/reports/{path}/cells")
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["report"]["id"] == SHANGHAI
    report = assistant.index.reports[SHANGHAI]
    assert len(data["cells"]) == len(report.cells)
    assert [{k: v for k, v in c.items() if k != "section"} for c in data["cells"]] == [c.to_dict() for c in report.cells]
    unanswered = [c for c in data["cells"] if (c["table"], c["row"], c["col"]) == ("申请", "结转下年度继续办理", "总计")]
    assert [(c["value"], c["quote"]) for c in unanswered] == [(5, "四、结转下年度继续办理 5 0 0 0 0 0 5")]


def test_rest_cells_of_an_unknown_report_is_a_404_json_error(http: httpx.Client) -> None:
    for path in ("txt/nope.txt", "..%2F..%2Fetc%2Fpasswd", "txt"):
        response = http.get(f"/api/reports/{path}/cells")
        assert response.status_code == 404, path
        assert response.headers["content-type"] == "application/json"
        assert "/api/reports" in response.json()["error"]


def test_rest_export_csv_is_every_cell_as_one_tidy_table(http: httpx.Client, assistant: Assistant) -> None:
    response = http.get("/api/export", params={"format": "csv"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert 'filename="reportqa-cells.csv"' in response.headers["content-disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")  # BOM, for Excel
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert list(rows[0]) == EXPORT_COLUMNS
    assert len(rows) == sum(len(r.cells) for r in assistant.index.reports.values())
    cell = [r for r in rows if (r["report"], r["table"], r["row"], r["column"]) == (SHANGHAI, "申请", "结转下年度继续办理", "总计")]
    assert [(c["agency"], c["year"], c["value"]) for c in cell] == [("上海市司法局", "2020", "5")]


def test_rest_export_xlsx_and_parquet_read_back(http: httpx.Client, tmp_path: Path, assistant: Assistant) -> None:
    import duckdb
    from openpyxl import load_workbook

    total = sum(len(r.cells) for r in assistant.index.reports.values())
    xlsx = http.get("/api/export", params={"format": "xlsx"})
    assert xlsx.headers["content-type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    (tmp_path / "cells.xlsx").write_bytes(xlsx.content)
    sheet = load_workbook(tmp_path / "cells.xlsx", read_only=True)["cells"]
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == EXPORT_COLUMNS and len(values) == total + 1
    parquet = http.get("/api/export", params={"format": "parquet"})
    assert parquet.headers["content-type"] == "application/vnd.apache.parquet"
    (tmp_path / "cells.parquet").write_bytes(parquet.content)
    [(count, five)] = duckdb.sql(
        f"SELECT count(*), max(value) FILTER (WHERE report = '{SHANGHAI}' AND \"row\" = '结转下年度继续办理' "
        f"AND \"column\" = '总计') FROM '{tmp_path / 'cells.parquet'}'"
    ).fetchall()
    assert (count, five) == (total, 5)


def test_rest_export_refuses_an_unknown_format_saying_which_it_writes(http: httpx.Client) -> None:
    for params in ({"format": "pdf"}, {}):
        response = http.get("/api/export", params=params)
        assert response.status_code == 422
        assert "format" in response.json()["error"]
    assert "format：应为 'csv'、'xlsx' 或 'parquet' 之一" in http.get("/api/export", params={"format": "pdf"}).json()["error"]


def test_openapi_lists_the_routes_and_its_page_is_served_from_the_machine(http: httpx.Client) -> None:
    schema = http.get("/api/openapi.json").json()
    assert set(schema["paths"]) == {
        "/api/ask", "/api/reports", "/api/reports/{report_id}/cells", "/api/reports/{report_id}/publish",
        "/api/uploads", "/api/export", "/api/documents", "/api/reports/{report_id}", "/api/reports/{report_id}/reject",
        "/api/conversations", "/api/conversations/{conversation_id}", "/api/conversations/{conversation_id}/markdown",
    }  # fmt: skip
    assert set(schema["paths"]["/api/conversations/{conversation_id}"]) == {"get", "patch", "delete"}
    assert list(schema["paths"]["/api/reports/{report_id}"]) == ["delete"]
    assert set(schema["paths"]["/api/reports"]) == {"get", "post"}
    assert list(schema["paths"]["/api/ask"]) == ["post"]
    [export] = schema["paths"]["/api/export"]["get"]["parameters"]
    assert (export["name"], export["in"], export["schema"]["enum"]) == ("format", "query", ["csv", "xlsx", "parquet"])
    assert set(schema["components"]["schemas"]["AskRequest"]["properties"]) == {"question", "history", "reports", "conversation"}
    page = http.get("/api/docs")
    assert page.status_code == 200 and "/api/openapi.json" in page.text
    assert "cdn" not in page.text.lower() and "https://" not in page.text
    assert http.get("/api/docs-static/swagger-ui-bundle.js").status_code == 200


def test_the_web_chat_and_its_gradio_endpoint_are_served_beside_the_api(server: AppServer, http: httpx.Client) -> None:
    from gradio_client import Client

    assert "政府信息公开年报问答" in http.get("/").text
    client = Client(server.url, analytics_enabled=False, verbose=False, download_files=False)
    data = client.predict("上海市司法局2020年有多少件申请没有答复？", api_name="/ask")
    assert (data["value"], data["unit"]) == (5, "件")


def test_rest_an_unexpected_failure_is_a_500_json_error_without_internals() -> None:
    from fastapi.testclient import TestClient

    from api import build_api

    class Broken:
        def assistant_for(self, who: Any) -> Any:
            raise RuntimeError("secret /srv/path detail")

    with TestClient(build_api(Broken()), raise_server_exceptions=False) as client:  # type: ignore[arg-type]
        response = client.get("/api/reports")
    assert response.status_code == 500
    assert "服务器内部错误" in response.json()["error"] and "secret" not in response.text


# -- uploads, logins and privacy ----------------------------------------------------------------------------------

HUAIAN = REPORTS / "txt/011_huaian_city_gov_2024.txt"
UPLOADED = "011_huaian_city_gov_2024.txt"
ABOUT_UPLOAD = [
    "淮安市2024年因属于行政查询事项不予公开的有几件？",  # 105
    "淮安市2024年予以公开的有多少件？",  # 1362
    "淮安市人民政府2024年公开率是多少？",  # a rate over the uploaded cells
    "2024年申请量前三的机关是哪些？",  # an aggregate over the shared cells and the upload together
    "上海市司法局2020年有多少件申请没有答复？",  # a shared figure, unchanged for the uploader
]
PASSWORDS = {"alice": "alice-password", "bob": "bob-password", "root": "root-password"}


def _upload(http: httpx.Client, path: Path, name: str | None = None, **kwargs: Any) -> httpx.Response:
    with open(path, "rb") as handle:
        return http.post("/api/reports", files={"file": (name or path.name, handle, "text/plain")}, **kwargs)


@pytest.fixture(scope="module")
def auth_server(corpus: Path) -> Iterator[AppServer]:
    users = UserStore.load(corpus.parent / "users.json", missing_ok=True)
    for name, password in PASSWORDS.items():
        users.add(name, password, admin=name == "root")
    app = start_app(corpus, corpus.parent / "auth-home", {"REPORTQA_AUTH": str(users.path)})
    yield app
    app.stop()


@pytest.fixture(scope="module")
def with_upload(corpus: Path) -> Assistant:
    """The Python API over the corpus plus the uploaded file: what its uploader must be answered."""
    both = copy_reports(NAMES, corpus.parent / "with-upload")
    shutil.copyfile(HUAIAN, both / UPLOADED)
    settings = Settings(home=corpus.parent / "with-upload-home", corpus=both)
    return Assistant.from_corpus(both, settings=settings, embeddings=FakeEmbeddings(), progress=False)


def _as(server: AppServer, name: str, password: str | None = None) -> httpx.Client:
    return httpx.Client(base_url=server.url, timeout=120, auth=(name, password or PASSWORDS[name]))


def test_rest_with_logins_every_data_route_needs_the_right_password(auth_server: AppServer) -> None:
    with httpx.Client(base_url=auth_server.url, timeout=60) as anonymous:
        for method, path in (("GET", "/api/reports"), ("POST", "/api/ask"), ("GET", "/api/export?format=csv"),
                             ("GET", f"/api/reports/{SHANGHAI}/cells"), ("POST", "/api/reports")):  # fmt: skip
            response = anonymous.request(method, path, json={"question": "上海市司法局2020年有多少件申请没有答复？"})
            assert response.status_code == 401, (method, path, response.text)
            assert response.headers["www-authenticate"].startswith("Basic")
            assert response.json()["error"].startswith("需要登录")
        assert anonymous.get("/api/docs").status_code == 200  # the page describing the API stays open
    with _as(auth_server, "alice", "wrong-password") as wrong:
        assert wrong.get("/api/reports").status_code == 401
    with _as(auth_server, "alice") as alice:
        assert alice.get("/api/reports").json()["count"] == 3
        answer = alice.post("/api/ask", json={"question": "上海市司法局2020年有多少件申请没有答复？"}).json()
        assert answer["value"] == 5


def test_rest_an_upload_is_answered_for_its_owner_like_the_python_api_and_hidden_from_others(
    auth_server: AppServer, with_upload: Assistant, tmp_path: Path
) -> None:
    with _as(auth_server, "alice") as alice, _as(auth_server, "bob") as bob, _as(auth_server, "root") as root:
        created = _upload(alice, HUAIAN)
        assert created.status_code == 201, created.text
        data = created.json()
        assert (data["id"], data["agency"], data["year"], data["cells"], data["warnings"], data["visibility"]) == (
            UPLOADED, "淮安市人民政府", 2024, 200, [], "private",
        )  # fmt: skip
        for question in ABOUT_UPLOAD:
            got = alice.post("/api/ask", json={"question": question}).json()
            assert _untimed(got) == _untimed(with_upload.ask(question).to_dict()), question
        assert alice.post("/api/ask", json={"question": ABOUT_UPLOAD[0]}).json()["value"] == 105
        listed = {r["id"]: r["visibility"] for r in alice.get("/api/reports").json()["reports"]}
        assert listed[UPLOADED] == "private" and len(listed) == 4
        assert len(alice.get(f"/api/reports/{UPLOADED}/cells").json()["cells"]) == 200

        # Bob sees nothing of it: not listed, no cells, no answer, not in his export.
        assert UPLOADED not in {r["id"] for r in bob.get("/api/reports").json()["reports"]}
        assert bob.get(f"/api/reports/{UPLOADED}/cells").status_code == 404
        assert bob.post("/api/ask", json={"question": ABOUT_UPLOAD[0]}).json()["value"] != 105
        assert "淮安市人民政府" not in bob.get("/api/export", params={"format": "csv"}).text
        exported = alice.get("/api/export", params={"format": "csv"}).text
        assert "淮安市人民政府" in exported and str(auth_server.corpus.parent) not in exported
        sources = {row["source"] for row in csv.DictReader(io.StringIO(exported.lstrip("\ufeff")))}
        assert sources == {Path(name).name for name in NAMES} | {UPLOADED}  # file names: no server path
        assert bob.get("/api/uploads").json()["count"] == 0
        assert [(u["owner"], u["id"]) for u in root.get("/api/uploads").json()["uploads"]] == [("u-alice", UPLOADED)]

        # Only an admin publishes; then everyone is answered from it.
        refused = alice.post(f"/api/reports/{UPLOADED}/publish")
        assert refused.status_code == 403 and "管理员" in refused.json()["error"]
        published = root.post(f"/api/reports/{UPLOADED}/publish", params={"owner": "u-alice"})
        assert published.status_code == 200, published.text
        assert (published.json()["id"], published.json()["visibility"]) == (UPLOADED, "published")
        for client in (alice, bob):
            assert client.post("/api/ask", json={"question": ABOUT_UPLOAD[0]}).json()["value"] == 105
        assert {r["id"]: r["visibility"] for r in bob.get("/api/reports").json()["reports"]}[UPLOADED] == "published"


def test_rest_refused_uploads_are_chinese_json_errors_and_change_nothing(auth_server: AppServer, tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.pdf"
    garbage.write_bytes(bytes(range(256)) * 8)
    with _as(auth_server, "bob") as bob:
        before = bob.get("/api/reports").json()
        broken = _upload(bob, garbage)
        assert broken.status_code == 422 and broken.json()["error"] == "PDF 文件已损坏或不是 PDF"
        unsupported = _upload(bob, garbage, "tool.exe")
        assert unsupported.status_code == 422 and unsupported.json()["error"] == "不支持这种文件格式"
        twice = _upload(bob, REPORTS / SHANGHAI)
        assert twice.status_code == 409 and "已在语料中" in twice.json()["error"]
        assert bob.get("/api/reports").json() == before and bob.get("/api/uploads").json()["count"] == 0


def test_rest_without_logins_a_client_token_keeps_its_uploads_to_itself(http: httpx.Client) -> None:
    mine, theirs = {"X-ReportQA-Client": "desk-1"}, {"X-ReportQA-Client": "desk-2"}
    created = _upload(http, HUAIAN, headers=mine)
    assert created.status_code == 201, created.text
    question = {"question": ABOUT_UPLOAD[0]}
    assert http.post("/api/ask", json=question, headers=mine).json()["value"] == 105
    assert http.post("/api/ask", json=question, headers=theirs).json()["value"] != 105
    assert http.post("/api/ask", json=question).json()["value"] != 105  # the anonymous client
    assert http.get("/api/reports").json()["count"] == 3


def test_rest_a_file_over_a_limit_is_a_json_error_naming_the_limit_and_its_setting() -> None:
    from fastapi.testclient import TestClient

    from api import build_api

    class Refused(UnreadableReportError):  # the shape of corpus.errors.RefusedFileError
        limit, setting, message_zh = "file_size", "REPORTQA_MAX_FILE_MB", "文件超过大小上限 50 MB（REPORTQA_MAX_FILE_MB）"

    class Limited:
        def add_upload(self, who: Any, path: Path, name: str) -> Any:
            raise Refused(f"{path}: file is 80 MB, over the 50 MB limit")

    with TestClient(build_api(Limited())) as client:  # type: ignore[arg-type]
        response = client.post("/api/reports", files={"file": ("big.pdf", b"%PDF-1.4", "application/pdf")})
    assert response.status_code == 413
    assert response.json() == {
        "error": "文件被拒绝：文件超过大小上限 50 MB（REPORTQA_MAX_FILE_MB）",
        "limit": "file_size",
        "setting": "REPORTQA_MAX_FILE_MB",
    }
