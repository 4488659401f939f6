"""The REST API end to end: httpx against the running server (`python app.py`, fake embeddings).

Answers must equal the Python API's `Assistant.ask(...).to_dict()` (timings aside); values were read from
the reports with `reportqa parse FILE`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from app_server import AppServer, copy_reports, start_app

from corpus import Settings
from index import FakeEmbeddings
from index.cells import EXPORT_COLUMNS
from qa import Assistant

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
    assert empty.status_code == 400 and "empty" in empty.json()["error"]
    typo = http.post("/api/ask", json={"question": "洪泽区2024年收到多少件申请？", "histroy": []})
    assert typo.status_code == 422 and "histroy" in typo.json()["error"]
    missing = http.post("/api/ask", json={})
    assert missing.status_code == 422 and "question" in missing.json()["error"]
    endless = http.post("/api/ask", json={"question": "那2023年呢？", "history": ["洪泽区2024年收到多少件申请？"] * 21})
    assert endless.status_code == 400 and "at most the last 20" in endless.json()["error"]


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
    assert "'csv', 'xlsx' or 'parquet'" in http.get("/api/export", params={"format": "pdf"}).json()["error"]


def test_openapi_lists_the_routes_and_its_page_is_served_from_the_machine(http: httpx.Client) -> None:
    schema = http.get("/api/openapi.json").json()
    assert set(schema["paths"]) == {"/api/ask", "/api/reports", "/api/reports/{report_id}/cells", "/api/export"}
    assert list(schema["paths"]["/api/ask"]) == ["post"]
    [export] = schema["paths"]["/api/export"]["get"]["parameters"]
    assert (export["name"], export["in"], export["schema"]["enum"]) == ("format", "query", ["csv", "xlsx", "parquet"])
    assert set(schema["components"]["schemas"]["AskRequest"]["properties"]) == {"question", "history", "reports"}
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
        @property
        def index(self) -> Any:
            raise RuntimeError("secret /srv/path detail")

    with TestClient(build_api(Broken()), raise_server_exceptions=False) as client:  # type: ignore[arg-type]
        response = client.get("/api/reports")
    assert response.status_code == 500
    assert "服务器内部错误" in response.json()["error"] and "secret" not in response.text
