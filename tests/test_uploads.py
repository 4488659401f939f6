"""Private uploads (unit level, fake embeddings): stored under REPORTQA_HOME, seen only by their owner until
an admin publishes them; answered over the shared index plus the user's own; hostile text rendered inert.

Expected values were read from the reports with `reportqa parse FILE`.
"""

from __future__ import annotations

import csv
import html
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace

import pytest
from app_server import HOSTILE_PROSE, REPORTS, ROOT, copy_reports, hostile_report

from corpus import Settings
from corpus.errors import UnknownReportError, UnsupportedFormatError
from index import CorpusIndex, FakeEmbeddings
from qa.auth import Principal, session_principal
from qa.workspace import PermissionDenied, UploadError, Workspaces, safe_filename

SHANGHAI = "txt/000_shanghai_justice_bureau_2020.txt"
HUAIAN = "txt/011_huaian_city_gov_2024.txt"
QUESTION = "淮安市2024年因属于行政查询事项不予公开的有几件？"  # 105 in 淮安市 2024's 申请 table
ALICE = Principal("u-alice", "alice", logged_in=True)
BOB = Principal("u-bob", "bob", logged_in=True)
ADMIN = Principal("u-root", "root", admin=True, logged_in=True)


@pytest.fixture
def spaces(tmp_path: Path) -> Workspaces:
    corpus = copy_reports([SHANGHAI, "txt/009_huaian_hongze_district_gov_2023.txt"], tmp_path / "corpus")
    return Workspaces.open(corpus, Settings(home=tmp_path / "home", corpus=corpus), FakeEmbeddings())


def test_an_upload_is_answered_for_its_owner_only_until_an_admin_publishes_it(spaces: Workspaces) -> None:
    added = spaces.add_upload(ALICE, REPORTS / HUAIAN)
    assert (added.report.id, added.report.agency, len(added.report.cells)) == (
        "011_huaian_city_gov_2024.txt", "淮安市人民政府", 200,
    )  # fmt: skip
    mine = spaces.assistant_for(ALICE).ask(QUESTION)
    assert (mine.value, mine.citations[0].report_id) == (105, "011_huaian_city_gov_2024.txt")
    assert spaces.assistant_for(BOB).ask(QUESTION).abstained
    assert added.report.id not in spaces.assistant_for(BOB).index.reports
    # The shared figures are unchanged for the owner; an aggregate runs over shared cells and their own together.
    assert spaces.assistant_for(ALICE).ask("上海市司法局2020年有多少件申请没有答复？").value == 5
    top = spaces.assistant_for(ALICE).ask("2024年申请量前三的机关是哪些？")
    assert top.answer.startswith("「本年新收政府信息公开申请数量」最多的是：1. 淮安市人民政府2024年 3119件")
    assert "淮安市人民政府" not in spaces.assistant_for(BOB).ask("2024年申请量前三的机关是哪些？").answer
    # Stored under REPORTQA_HOME/uploads/users/<key>/, never in the corpus or the installed package.
    assert added.report.source == str(spaces.root / "users" / "u-alice" / "011_huaian_city_gov_2024.txt")
    assert not (Path(spaces.base.corpus_dir) / "uploads").exists() and not (ROOT / "corpus/reports/uploads").exists()

    with pytest.raises(PermissionDenied):
        spaces.publish(ALICE, added.report.id)  # a logged-in user who is not an admin
    published = spaces.publish(ADMIN, added.report.id, owner="u-alice")
    assert published.id == "011_huaian_city_gov_2024.txt"
    for who in (ALICE, BOB, session_principal("s", "someone-else")):
        assert spaces.assistant_for(who).ask(QUESTION).value == 105
    assert spaces.visibility(BOB, published.id) == "published"
    assert not (spaces.root / "users" / "u-alice" / published.id).exists()
    assert spaces.pending(ADMIN) == []


def test_a_users_cells_and_export_hold_the_shared_cells_and_their_own(spaces: Workspaces, tmp_path: Path) -> None:
    spaces.add_upload(ALICE, REPORTS / HUAIAN)
    shared_rows = spaces.shared.index.cells.execute("SELECT count(*) FROM cells")[0][0]
    own_rows = spaces.assistant_for(ALICE).index.cells.execute("SELECT count(*) FROM cells")[0][0]
    assert own_rows == shared_rows + 200
    assert spaces.assistant_for(BOB).index.cells.execute("SELECT count(*) FROM cells")[0][0] == shared_rows
    out = spaces.assistant_for(ALICE).index.cells.export(tmp_path / "mine.csv", "csv")
    assert len(out.read_text(encoding="utf-8-sig").splitlines()) == own_rows + 1


def test_refused_uploads_leave_nothing_behind_and_name_the_problem(spaces: Workspaces, tmp_path: Path) -> None:
    bad = tmp_path / "incoming" / "scan.pdf"
    bad.parent.mkdir()
    bad.write_bytes(bytes(range(256)) * 16)
    before = sorted(spaces.assistant_for(ALICE).index.reports)
    for path, error in ((bad, Exception), (REPORTS / SHANGHAI, UploadError)):
        with pytest.raises(error):
            spaces.add_upload(ALICE, path)
    with pytest.raises(UnsupportedFormatError):
        spaces.add_upload(ALICE, bad, "tool.exe")
    folder = spaces.root / "users" / "u-alice"
    assert not folder.exists() or list(folder.iterdir()) == []
    assert sorted(spaces.assistant_for(ALICE).index.reports) == before
    saved = CorpusIndex.load(folder, FakeEmbeddings(), spaces.settings.home, progress=False)
    assert saved.reports == {}
    with pytest.raises(UnknownReportError):
        spaces.publish(ADMIN, "nothing.txt", owner="u-alice")
    for owner in ("../../etc", "..", "u-alice/../u-bob"):  # an owner is a folder name, never a path
        with pytest.raises(UnknownReportError):
            spaces.publish(ADMIN, "011_huaian_city_gov_2024.txt", owner=owner)


def test_a_filename_with_folders_is_stored_by_its_last_part_inside_the_users_folder(spaces: Workspaces) -> None:
    assert safe_filename("../../etc/passwd.txt") == "passwd.txt"
    assert safe_filename("..") == "upload"
    added = spaces.add_upload(ALICE, REPORTS / HUAIAN, "../../../evil/../011 淮安.txt")
    folder = spaces.root / "users" / "u-alice"
    assert [p.name for p in folder.iterdir()] == [added.report.id] and added.report.id.endswith("淮安.txt")
    assert Path(added.report.source).parent == folder


def test_uploads_of_sessions_without_login_are_private_and_survive_a_restart(spaces: Workspaces) -> None:
    one, two = session_principal("s", "abc123"), session_principal("s", "zzz999")
    spaces.add_upload(one, REPORTS / HUAIAN)
    assert spaces.assistant_for(one).ask(QUESTION).value == 105
    assert spaces.assistant_for(two).ask(QUESTION).abstained
    assert [key for key, _ in spaces.pending(ADMIN)] == ["s-abc123"]
    with pytest.raises(PermissionDenied):
        spaces.publish(two, "011_huaian_city_gov_2024.txt", owner="s-abc123")  # no login: one's own only
    again = Workspaces(spaces.base, spaces.settings)  # a restarted server finds the upload on disk
    assert again.assistant_for(one).ask(QUESTION).value == 105
    assert again.assistant_for(two).ask(QUESTION).abstained


def test_a_hostile_report_renders_as_inert_text_in_every_pane(spaces: Workspaces, tmp_path: Path) -> None:
    from app import Handlers, answer_markdown, audit_markdown, citation_choices, source_html

    who = session_principal("s", "hostile")
    added = spaces.add_upload(who, hostile_report(tmp_path / "incoming" / "hostile<img src=x>.txt"))
    assert "<svg/onload" in added.report.agency and len(added.report.cells) == 198
    assistant = spaces.assistant_for(who)
    reports = assistant.index.reports
    prose = assistant.ask("2019年热线满意率是多少？")  # its title says 2019: the only report of that year
    table = assistant.ask("2019年有多少件申请没有答复？")
    assert (prose.value, table.value) == (98.69, 5)
    quote = prose.citations[0].quote  # the sentence ends at the "!" of the Markdown image
    assert quote.endswith('98.69%' + HOSTILE_PROSE.split("!")[0] + "!")
    request = SimpleNamespace(username=None, session_hash="hostile")
    status, *_ = Handlers(spaces).upload(str(hostile_report(tmp_path / "again" / "x<script>.txt")), request)
    shown = [
        answer_markdown(prose, reports), answer_markdown(table, reports), source_html(prose, 0, reports),
        source_html(table, 0, reports), audit_markdown(reports[added.report.id]), status,
    ]  # fmt: skip
    for text in shown:
        assert not re.search(r"<(?:script|img|svg|a)\b|\]\(|javascript:|!\[", text, re.I), text
    before, after = HOSTILE_PROSE.split("!", 1)  # shown as text, around the highlighted figure and quote
    assert before in html.unescape(shown[0]) and before in html.unescape(shown[2]) and after in html.unescape(shown[2])
    assert "<svg/onload=window.__pwned=1>" in html.unescape(shown[1])
    assert all("<svg" in label for label, _ in citation_choices(table))  # plain text: a radio label


def test_questions_are_answered_while_an_upload_is_being_indexed(
    spaces: Workspaces, monkeypatch: pytest.MonkeyPatch
) -> None:
    started, release = threading.Event(), threading.Event()
    original = CorpusIndex.add_file

    def slow_add_file(self: CorpusIndex, path: Path) -> object:
        started.set()
        assert release.wait(30)
        return original(self, path)

    monkeypatch.setattr(CorpusIndex, "add_file", slow_add_file)
    with ThreadPoolExecutor(max_workers=3) as pool:
        upload = pool.submit(spaces.add_upload, ALICE, REPORTS / HUAIAN)
        assert started.wait(30)
        asked = [pool.submit(spaces.assistant_for(who).ask, "上海市司法局2020年有多少件申请没有答复？") for who in (ALICE, BOB)]
        assert [a.result(timeout=10).value for a in asked] == [5, 5]  # not behind the upload's parse
        assert spaces.assistant_for(ALICE).ask(QUESTION).abstained  # the upload is not half there
        release.set()
        assert upload.result(timeout=60).report.id == "011_huaian_city_gov_2024.txt"
    assert spaces.assistant_for(ALICE).ask(QUESTION).value == 105


def test_a_file_over_a_limit_is_refused_naming_the_limit_in_chinese_and_nothing_is_kept(
    spaces: Workspaces, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app import add_upload
    from corpus import RefusedFileError
    from qa.messages import user_message

    monkeypatch.setenv("REPORTQA_MAX_FILE_MB", "0.001")  # 1 kB: the report is larger
    with pytest.raises(RefusedFileError) as refused:
        spaces.add_upload(ALICE, REPORTS / HUAIAN)
    shown = user_message(refused.value)
    assert (shown.limit, shown.setting) == ("file_size", "REPORTQA_MAX_FILE_MB")
    assert shown.text == "文件被拒绝：文件超过大小上限 0.001 MB（REPORTQA_MAX_FILE_MB）"
    ok, message = add_upload(spaces, BOB, REPORTS / HUAIAN)
    assert not ok and message == f"未能加入「{Path(HUAIAN).name}」：{shown.text}。语料和索引保持不变。"
    for who in (ALICE, BOB):
        assert not (spaces.root / "users" / who.key).exists() or list((spaces.root / "users" / who.key).iterdir()) == []
        assert spaces.assistant_for(who).ask(QUESTION).abstained
    monkeypatch.delenv("REPORTQA_MAX_FILE_MB")
    assert spaces.add_upload(ALICE, REPORTS / HUAIAN).report.id == Path(HUAIAN).name  # within the limit again


def test_a_server_keeps_the_most_recent_users_open_and_reopens_the_others_from_disk(tmp_path: Path) -> None:
    corpus = copy_reports([SHANGHAI], tmp_path / "corpus")
    settings = Settings(home=tmp_path / "home", corpus=corpus, open_workspaces=2)
    spaces = Workspaces.open(corpus, settings, FakeEmbeddings())
    spaces.add_upload(ALICE, REPORTS / HUAIAN)
    first = spaces.assistant_for(ALICE)
    for n in range(5):  # five visitors since alice's last question
        assert spaces.assistant_for(session_principal("s", f"visitor-{n}")).ask(QUESTION).abstained
    assert len(spaces._spaces) == 2 and "u-alice" not in spaces._spaces
    assert first.ask(QUESTION).value == 105  # an assistant handed out keeps answering
    again = spaces.assistant_for(ALICE)  # opened again from her folder
    assert again is not first and again.ask(QUESTION).value == 105
    assert spaces.assistant_for(BOB).ask(QUESTION).abstained
    with spaces._space(ALICE.key).uploading:  # a space in use (an upload, a publish) is kept
        for n in range(5):
            spaces.assistant_for(session_principal("s", f"later-{n}"))
        assert ALICE.key in spaces._spaces
    assert [p.name for p in (spaces.root / "users" / ALICE.key).iterdir()] == ["011_huaian_city_gov_2024.txt"]


def test_an_export_names_each_report_by_its_file_never_by_a_server_path(spaces: Workspaces, tmp_path: Path) -> None:
    import duckdb
    from openpyxl import load_workbook

    spaces.add_upload(ALICE, REPORTS / HUAIAN)
    cells = spaces.assistant_for(ALICE).index.cells
    files = {"000_shanghai_justice_bureau_2020.txt", "009_huaian_hongze_district_gov_2023.txt", "011_huaian_city_gov_2024.txt"}
    csv_file = cells.export(tmp_path / "cells.csv", "csv")
    text = csv_file.read_text(encoding="utf-8-sig")
    assert str(tmp_path) not in text and "uploads/users" not in text
    rows = list(csv.DictReader(text.splitlines()))
    assert {r["source"] for r in rows} == files and len(rows) == 198 + 186 + 200  # `reportqa parse` of each
    sheet = load_workbook(cells.export(tmp_path / "cells.xlsx", "xlsx"), read_only=True)["cells"]
    header, *values = list(sheet.iter_rows(values_only=True))
    assert {row[header.index("source")] for row in values} == files
    parquet = cells.export(tmp_path / "cells.parquet", "parquet")
    assert {s for (s,) in duckdb.sql(f"SELECT DISTINCT source FROM '{parquet}'").fetchall()} == files
