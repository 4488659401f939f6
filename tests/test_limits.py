"""Bounded input: real hostile files, made at test time, are refused within their limits.

Each file is small on disk: a zip-bomb .docx (0.9 MB that inflates to 300 MB), one whose zip
directory lies about its sizes, a .docx with thousands of members, XML entity bombs, deeply
nested HTML and XML, a 2,000-page PDF, a 7 KB PDF whose one page draws two million characters
(it hangs the parser for a minute), a file over the size limit. The index keeps its reports,
chunks and cells; the good files beside them still index; a question is answered meanwhile.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import zipfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from cli import main
from corpus import Report, Settings, read_report, report_to_state
from corpus.errors import RefusedFileError, SettingsError, UnreadableReportError, UnsupportedFormatError
from corpus.limits import check_file, safe_filename
from corpus.settings import Limits
from corpus.worker import ParsePool, parse_file, parse_files
from index import CorpusIndex, FakeEmbeddings
from index.corpus_index import MANIFEST_FILE, index_dir
from index.manifest import Manifest
from qa import Assistant

ROOT = Path(__file__).resolve().parent.parent
REPORTS = ROOT / "corpus" / "reports"
TEMPLATE = REPORTS / "docx" / "blank_template_2021_format.docx"
GOOD = ("txt/000_shanghai_justice_bureau_2020.txt", "txt/010_huaian_hongze_district_gov_2024.txt")
LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lollollollollollollollollollol">'
    + "".join(f'<!ENTITY lol{i} "{(f"&lol{i - 1};" if i > 1 else "&lol;") * 10}">' for i in range(1, 10))
    + "]>"
)


# -- hostile files ------------------------------------------------------------------------------------------


def raw_pdf(contents: list[bytes]) -> bytes:
    """A minimal valid PDF, one page per content stream (Flate-compressed), Helvetica."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(len(contents)))
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {len(contents)} >>".encode())
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    for i, content in enumerate(contents):
        data = zlib.compress(content, 9)
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> "
            f"/Contents {5 + 2 * i} 0 R >>".encode()
        )
        objects.append(f"<< /Length {len(data)} /Filter /FlateDecode >>\nstream\n".encode() + data + b"\nendstream")
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def pages_pdf(path: Path) -> Path:
    path.write_bytes(raw_pdf([b"BT /F1 12 Tf 72 720 Td (page) Tj ET"] * 2000))
    return path


def slow_pdf(path: Path) -> Path:
    """One page drawing 2,000,000 characters: pdfplumber needs about a minute for its `chars`."""
    line = b"BT /F1 2 Tf 10 10 Td " + b"(0123456789) Tj " * 2000 + b"ET\n"
    path.write_bytes(raw_pdf([line * 100]))
    return path


def rewrite_docx(path: Path, document: Callable[[], Iterator[bytes]], extra: int = 0) -> Path:
    """The bundled template with its word/document.xml streamed from `document` (and `extra` tiny members)."""
    with zipfile.ZipFile(TEMPLATE) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            if info.filename == "word/document.xml":
                with out.open("word/document.xml", "w") as handle:
                    for part in document():
                        handle.write(part)
            else:
                out.writestr(info, source.read(info.filename))
        for n in range(extra):
            out.writestr(f"customXml/item{n}.xml", b"<a/>")
    return path


def _template_xml() -> tuple[bytes, bytes]:
    head, tail = zipfile.ZipFile(TEMPLATE).read("word/document.xml").rsplit(b"</w:body>", 1)
    return head, b"</w:body>" + tail


def bomb_docx(path: Path, mb: int = 300) -> Path:
    head, tail = _template_xml()
    unit = b"<w:p><w:r><w:t>0</w:t></w:r></w:p>" * 30000

    def document() -> Iterator[bytes]:
        yield head
        yield from (unit for _ in range(mb * 1_000_000 // len(unit)))
        yield tail

    return rewrite_docx(path, document)


def lying_docx(path: Path) -> Path:
    """The zip bomb with its directory and local header claiming word/document.xml inflates to 4 KB."""
    bomb_docx(path)
    data = bytearray(path.read_bytes())
    name = b"word/document.xml"
    start = 0
    while (at := data.find(b"PK\x01\x02", start)) >= 0:  # central directory entries: size at +24, name at +46
        if data[at + 46 : at + 46 + len(name)] == name:
            data[at + 24 : at + 28] = (4096).to_bytes(4, "little")
            local = int.from_bytes(data[at + 42 : at + 46], "little")
            data[local + 22 : local + 26] = (4096).to_bytes(4, "little")  # the local header's size field
        start = at + 4
    path.write_bytes(bytes(data))
    with zipfile.ZipFile(path) as archive:
        assert sum(i.file_size for i in archive.infolist()) < 1_000_000  # the directory now says it is small
    return path


def members_docx(path: Path) -> Path:
    head, tail = _template_xml()
    return rewrite_docx(path, lambda: iter([head, tail]), extra=3000)


def entity_docx(path: Path) -> Path:
    head, tail = _template_xml()
    body = head.split(b"?>", 1)[-1] if head.startswith(b"<?xml") else head
    xml = b'<?xml version="1.0"?>' + LAUGHS.encode() + body + b"<w:p><w:r><w:t>&lol9;</w:t></w:r></w:p>" + tail
    return rewrite_docx(path, lambda: iter([xml]))


def deep_docx(path: Path) -> Path:
    head, tail = _template_xml()
    return rewrite_docx(path, lambda: iter([head, b"<w:p>" * 50_000, b"</w:p>" * 50_000, tail]))


def deep_html(path: Path) -> Path:
    path.write_text("<html><body>" + "<div>" * 100_000 + "政府信息公开" + "</div>" * 100_000 + "</body></html>")
    return path


def laughs_html(path: Path) -> Path:
    path.write_text(LAUGHS.replace("lolz", "html") + "<html><body><p>政府信息公开 &lol9;</p></body></html>")
    return path


def big_txt(path: Path) -> Path:
    with path.open("wb") as handle:  # sparse: 60 MB to `stat`, nothing on disk
        handle.truncate(60_000_000)
    return path


# name -> (maker, the limit it must hit, seconds it may take at most in a worker, from a cold start)
HOSTILE: dict[str, tuple[Callable[[Path], Path], str, float]] = {
    "bomb.docx": (bomb_docx, "unzipped_size", 20.0),
    "lying.docx": (lying_docx, "unzipped_size", 20.0),
    "members.docx": (members_docx, "zip_members", 20.0),
    "laughs.docx": (entity_docx, "entities", 20.0),
    "deep.docx": (deep_docx, "nesting_depth", 20.0),
    "deep.html": (deep_html, "nesting_depth", 20.0),
    "laughs.html": (laughs_html, "entities", 20.0),
    "pages.pdf": (pages_pdf, "pages", 20.0),
    "big.txt": (big_txt, "file_size", 2.0),
}
SETTINGS = {
    "unzipped_size": "REPORTQA_MAX_UNZIPPED_MB",
    "zip_members": "REPORTQA_MAX_ZIP_MEMBERS",
    "nesting_depth": "REPORTQA_MAX_DEPTH",
    "pages": "REPORTQA_MAX_PAGES",
    "file_size": "REPORTQA_MAX_FILE_MB",
    "entities": None,
    "parse_time": "REPORTQA_PARSE_TIMEOUT_S",
}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("hostile")
    files = {name: maker(folder / name) for name, (maker, _, _) in HOSTILE.items()}
    files["slow.pdf"] = slow_pdf(folder / "slow.pdf")
    return files


def test_the_hostile_files_are_small_on_disk(hostile):
    assert all(p.stat().st_blocks * 512 < 2_000_000 for p in hostile.values())
    with zipfile.ZipFile(hostile["bomb.docx"]) as archive:
        assert sum(i.file_size for i in archive.infolist()) > 300_000_000  # what it inflates to


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_each_hostile_file_is_refused_in_a_worker_within_its_limit(hostile, name):
    _, limit, seconds = HOSTILE[name]
    started = time.monotonic()
    [(path, error)] = list(parse_files([hostile[name]]))
    elapsed = time.monotonic() - started
    assert path == hostile[name] and isinstance(error, RefusedFileError), error
    assert (error.limit, error.setting) == (limit, SETTINGS[limit])
    assert elapsed < seconds
    assert str(hostile[name]) in str(error) and (error.setting is None or error.setting in str(error))
    if error.setting:
        assert error.message_zh.endswith(f"（{error.setting}）")


@pytest.mark.parametrize("name", ["bomb.docx", "lying.docx", "laughs.docx", "deep.docx", "deep.html", "laughs.html", "pages.pdf"])
def test_the_loaders_refuse_them_in_process_too(hostile, name):
    started = time.monotonic()
    with pytest.raises(RefusedFileError) as caught:
        read_report(hostile[name])
    assert caught.value.limit == HOSTILE[name][1]
    assert time.monotonic() - started < 15


def test_the_messages_name_the_limit_the_value_and_the_setting(hostile):
    error = parse_files_one(hostile["bomb.docx"])
    assert "the archive's files inflate to more than the limit of 100 MB (300.2 MB)" in str(error)
    assert "set REPORTQA_MAX_UNZIPPED_MB higher" in str(error)
    assert error.message_zh == "解压后的内容超过上限 100 MB（REPORTQA_MAX_UNZIPPED_MB）"
    lying = parse_files_one(hostile["lying.docx"])
    assert "really inflates" in str(lying) and lying.actual is not None and lying.actual > 100
    assert "to more than the limit of 100 MB (100.1 MB)" in str(lying)
    pages = parse_files_one(hostile["pages.pdf"])
    assert (pages.value, pages.actual) == (300, 2000) and pages.message_zh == "页数超过上限 300 页（REPORTQA_MAX_PAGES）"
    size = parse_files_one(hostile["big.txt"])
    assert "larger than the limit of 50 MB (60 MB)" in str(size)
    assert size.message_zh == "文件超过大小上限 50 MB（REPORTQA_MAX_FILE_MB）"


def parse_files_one(path: Path) -> RefusedFileError:
    [(_, error)] = list(parse_files([path]))
    assert isinstance(error, RefusedFileError), error
    return error


def test_limits_come_from_the_environment_and_raising_one_lets_the_file_in(hostile, monkeypatch):
    monkeypatch.setenv("REPORTQA_MAX_PAGES", "2500")
    [(_, report)] = list(parse_files([hostile["pages.pdf"]]))
    assert isinstance(report, Report) and len(report.pages) == 2000
    monkeypatch.setenv("REPORTQA_MAX_PAGES", "10")
    assert parse_files_one(hostile["pages.pdf"]).value == 10
    monkeypatch.setenv("REPORTQA_MAX_FILE_MB", "0.001")
    assert parse_files_one(REPORTS / GOOD[0]).limit == "file_size"


def test_a_setting_that_is_not_a_number_is_an_error_naming_it(monkeypatch):
    monkeypatch.setenv("REPORTQA_PARSE_TIMEOUT_S", "ten")
    with pytest.raises(SettingsError, match="REPORTQA_PARSE_TIMEOUT_S='ten' is not a number"):
        Limits.from_env()
    monkeypatch.setenv("REPORTQA_PARSE_TIMEOUT_S", "-1")
    with pytest.raises(SettingsError, match="negative"):
        Settings.from_env()
    monkeypatch.setenv("REPORTQA_PARSE_TIMEOUT_S", "7.5")
    monkeypatch.setenv("REPORTQA_PARSE_WORKERS", "3")
    limits = Settings.from_env().limits
    assert (limits.parse_timeout_s, limits.parse_workers, limits.max_file_mb) == (7.5, 3, 50.0)


def test_an_xml_entity_bomb_is_not_a_format_reportqa_reads(tmp_path):
    path = tmp_path / "laughs.xml"
    path.write_text('<?xml version="1.0"?>' + LAUGHS + "<lolz>&lol9;</lolz>")
    [(_, error)] = list(parse_files([path]))
    assert isinstance(error, UnsupportedFormatError) and "unsupported extension .xml" in str(error)


# -- time, memory, crashes -----------------------------------------------------------------------------------


def hang(path: Path, root: Path | None = None) -> Report:
    """A loader that never returns (run in the worker)."""
    time.sleep(3600)
    raise AssertionError("unreachable")


def misbehave(path: Path, root: Path | None = None) -> Report:
    """Crash on crash.txt, exhaust memory on hog.txt, read every other file normally (run in the worker)."""
    if path.name == "crash.txt":
        os.kill(os.getpid(), signal.SIGSEGV)
    if path.name == "hog.txt":
        hoard = [bytearray(100_000_000) for _ in range(100)]  # 10 GB, over the 1000 MB ceiling below
        raise AssertionError(f"allocated {len(hoard)}")
    return read_report(path, root=root)


def test_a_hanging_parser_is_killed_at_the_time_limit_and_its_worker_replaced():
    with ParsePool(1) as pool:
        pool.parse(REPORTS / GOOD[0])  # warm: the worker has started
        started = time.monotonic()
        [(_, error)] = list(pool.parse_files([REPORTS / GOOD[0]], reader=hang, limits=Limits(parse_timeout_s=2)))
        elapsed = time.monotonic() - started
        assert isinstance(error, RefusedFileError) and error.limit == "parse_time"
        assert "parsing took longer than the limit of 2 s" in str(error) and "REPORTQA_PARSE_TIMEOUT_S" in str(error)
        assert 2 <= elapsed < 5
        assert pool.parse(REPORTS / GOOD[0]).cell("申请", "结转下年度继续办理", "总计").value == 5  # a fresh worker


def test_a_pathological_pdf_is_killed_at_the_time_limit(hostile, monkeypatch):
    monkeypatch.setenv("REPORTQA_PARSE_TIMEOUT_S", "3")
    list(parse_files([REPORTS / GOOD[0]]))  # warm
    started = time.monotonic()
    error = parse_files_one(hostile["slow.pdf"])
    assert error.limit == "parse_time" and error.setting == "REPORTQA_PARSE_TIMEOUT_S"
    assert 3 <= time.monotonic() - started < 8


def test_a_worker_that_crashes_or_runs_out_of_memory_refuses_only_its_file(tmp_path):
    for name in ("crash.txt", "hog.txt"):
        shutil.copy(REPORTS / GOOD[0], tmp_path / name)
    files = [REPORTS / GOOD[0], tmp_path / "crash.txt", tmp_path / "hog.txt", REPORTS / GOOD[1]]
    with ParsePool(2) as pool:
        out = dict(pool.parse_files(files, reader=misbehave, limits=Limits(parse_memory_mb=1000)))
    assert isinstance(out[files[0]], Report) and isinstance(out[files[3]], Report)
    crash, hog = out[files[1]], out[files[2]]
    assert isinstance(crash, RefusedFileError) and crash.limit == "crash" and "SIGSEGV" in str(crash)
    assert isinstance(hog, RefusedFileError) and hog.limit == "memory" and hog.setting == "REPORTQA_PARSE_MEMORY_MB"
    assert out[files[3]].cell("申请", "本年新收政府信息公开申请数量", "总计").value == 95


def test_the_worker_gives_the_same_report_as_reading_in_process():
    files = sorted(p for p in REPORTS.rglob("*") if p.is_file() and p.suffix in (".txt", ".pdf", ".html", ".docx"))
    out = dict(parse_files(files, root=REPORTS))
    assert len(out) == len(files) == 21
    for path in files:
        check_file(path)  # every bundled report is within the default limits
        assert report_to_state(out[path]) == report_to_state(read_report(path, root=REPORTS)), path


def test_a_deeply_nested_page_within_the_limit_is_read(tmp_path):
    source = (REPORTS / "html" / "pingtan_2024.html").read_text(encoding="utf-8")
    body_at = source.index("<body")
    body_at = source.index(">", body_at) + 1
    wrapped = source[:body_at] + "<div>" * 200 + source[body_at:].replace("</body>", "</div>" * 200 + "</body>")
    path = tmp_path / "wrapped.html"
    path.write_text(wrapped, encoding="utf-8")
    report = parse_file(path)
    assert report.cells == read_report(REPORTS / "html" / "pingtan_2024.html").cells


# -- the index -------------------------------------------------------------------------------------------------


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    target = tmp_path / "corpus"
    for name in GOOD:
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPORTS / name, target / name)
    return target


def _chunk_ids(index: CorpusIndex, but: str = "") -> list[str | None]:
    return [d.id for d in index.store.documents() if d.metadata["report_id"] != but]


def _stored(home: Path, corpus: Path) -> tuple[dict[str, dict], dict[str, dict]]:
    """The index's manifest as a fresh process reads it: each file's entry, each report's parsed state."""
    manifest = Manifest(index_dir(corpus, home) / MANIFEST_FILE)
    try:
        files = manifest.files()
        return files, {rid: report_to_state(manifest.load_report(rid)) for rid in files if "chunks" in files[rid]}
    finally:
        manifest.close()


def test_the_index_refuses_hostile_files_unchanged_and_still_indexes_the_good_ones(
    corpus_dir, hostile, tmp_path, monkeypatch
):
    home = tmp_path / "home"
    monkeypatch.setenv("REPORTQA_PARSE_TIMEOUT_S", "3")
    index = CorpusIndex.load(corpus_dir, FakeEmbeddings(), home, progress=False)
    index.update()
    before = {rid: report_to_state(r) for rid, r in index.reports.items()}
    ids, (_, old_reports) = _chunk_ids(index), _stored(home, corpus_dir)
    cells = index.cells.execute("SELECT count(*) FROM cells")
    for name, path in hostile.items():
        if name == "big.txt":
            big_txt(corpus_dir / name)  # sparse: a copy would write 60 MB
        else:
            shutil.copy(path, corpus_dir / name)
    shutil.copy(REPORTS / "txt/012_shuyang_county_gov_2025.txt", corpus_dir / "new.txt")
    started = time.monotonic()
    summary = index.update()
    assert time.monotonic() - started < 60
    assert (summary.added, summary.unchanged, summary.reports) == (1, 2, 3)
    assert sorted(index.skipped) == sorted(hostile)
    limits = {name: limit for name, (_, limit, _) in HOSTILE.items()} | {"slow.pdf": "parse_time"}
    for name, limit in limits.items():
        assert (SETTINGS[limit] or "entities") in index.skipped[name], (name, index.skipped[name])
    # the reports, chunks and cells that were there are there as they were; the new good file is added
    assert {rid: report_to_state(r) for rid, r in index.reports.items() if rid != "new.txt"} == before
    assert index.reports["new.txt"].cell("申请", "本年新收政府信息公开申请数量", "总计").value == 713
    assert _chunk_ids(index, but="new.txt") == ids
    manifest, stored = _stored(home, corpus_dir)
    assert {rid: s for rid, s in stored.items() if rid != "new.txt"} == old_reports
    assert index.cells.execute("SELECT count(*) FROM cells WHERE report_id <> 'new.txt'") == cells
    assert all(set(manifest[name]) == {"hash", "error", "limits"} for name in hostile)
    # refusals are remembered: the next update parses nothing
    monkeypatch.setattr("index.corpus_index.read_report", lambda *a, **k: pytest.fail("re-parsed"))
    again = CorpusIndex.load(corpus_dir, FakeEmbeddings(), home, progress=False)
    summary = again.update()
    assert (summary.added, summary.unchanged) == (0, 3) and sorted(again.skipped) == sorted(hostile)


def test_a_refused_file_is_tried_again_when_its_limit_is_raised(corpus_dir, hostile, tmp_path, monkeypatch):
    shutil.copy(hostile["pages.pdf"], corpus_dir / "pages.pdf")
    index = CorpusIndex.load(corpus_dir, FakeEmbeddings(), tmp_path / "home", progress=False)
    index.update()
    assert "REPORTQA_MAX_PAGES" in index.skipped["pages.pdf"]
    monkeypatch.setenv("REPORTQA_MAX_PAGES", "2000")
    reopened = CorpusIndex.load(corpus_dir, FakeEmbeddings(), tmp_path / "home", progress=False)
    summary = reopened.update()  # the limits it was refused under are kept on disk
    assert summary.added == 1 and "pages.pdf" in reopened.reports and not reopened.skipped


def test_a_question_is_answered_while_a_hostile_file_is_being_parsed(corpus_dir, hostile, tmp_path, monkeypatch):
    settings = Settings(home=tmp_path / "home", corpus=corpus_dir)
    assistant = Assistant.from_corpus(corpus_dir, settings=settings, embeddings=FakeEmbeddings(), progress=False)
    other = _asker(corpus_dir, settings.home)  # another process, imports done, waiting for "go"
    monkeypatch.setenv("REPORTQA_PARSE_TIMEOUT_S", "12")
    shutil.copy(hostile["slow.pdf"], corpus_dir / "slow.pdf")
    updating = threading.Thread(target=assistant.index.update)
    updating.start()
    time.sleep(1.0)  # the worker is inside pdfplumber now, for the next eleven seconds
    started = time.monotonic()
    answer = assistant.ask("上海市司法局2020年有多少件申请没有答复？").to_dict()
    asked = time.monotonic() - started
    assert updating.is_alive()  # answered during the parse, not after it
    assert (answer["value"], answer["unit"], answer["abstained"]) == (5, "件", False)
    assert asked < 3
    # another process loads the index and answers too: the index lock is not held while files parse
    out, _ = other.communicate("go\n", timeout=60)
    assert updating.is_alive(), "the other process's question waited for the parse"
    assert json.loads(out.splitlines()[-1])["value"] == 5
    updating.join(30)
    assert "REPORTQA_PARSE_TIMEOUT_S" in assistant.index.skipped["slow.pdf"]
    assert sorted(assistant.index.reports) == sorted(GOOD)


def _asker(corpus: Path, home: Path) -> subprocess.Popen[str]:
    """A process that, on a line on stdin, loads the index and prints the answer to one question as JSON."""
    question = "上海市司法局2020年有多少件申请没有答复？"
    script = (
        "import json, sys; from pathlib import Path; from index import CorpusIndex, FakeEmbeddings; "
        "from qa import Assistant; print('ready', flush=True); sys.stdin.readline(); "
        f"index = CorpusIndex.load(Path({str(corpus)!r}), FakeEmbeddings(), Path({str(home)!r}), progress=False); "
        f"print(json.dumps(Assistant(index).ask({question!r}).to_dict()), flush=True)"
    )
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, text=True, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, env={**os.environ, "REPORTQA_HOME": str(home)})  # fmt: skip
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    return proc


# -- the command line and file names -------------------------------------------------------------------------


def test_cli_parse_refuses_a_zip_bomb_in_one_line_naming_the_setting(hostile, capsys):
    assert main(["parse", str(hostile["bomb.docx"]), "--json"]) == 2
    captured = capsys.readouterr()
    lines = [line for line in captured.err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("reportqa: error:") and "REPORTQA_MAX_UNZIPPED_MB" in lines[0]
    assert captured.out == "" and "Traceback" not in captured.err


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\system32\\report.docx", "report.docx"),
        ("..", "upload"),
        ("../", "upload"),
        ("", "upload"),
        ("/abs/path/洪泽区2024年报.pdf", "洪泽区2024年报.pdf"),
        (".hidden.txt", "hidden.txt"),
        ("a\x00b\nc.txt", "a_b_c.txt"),
        ("CON.txt", "_CON.txt"),
        ('re<po>rt:"1"|?*.html', "re_po_rt_1_.html"),
        ("报告 2024.pdf", "报告 2024.pdf"),
    ],
)
def test_safe_filename_never_lets_a_name_leave_its_folder(name, safe, tmp_path):
    assert safe_filename(name) == safe
    target = (tmp_path / safe_filename(name)).resolve()
    assert target.parent == tmp_path.resolve()


def test_safe_filename_keeps_long_names_under_the_file_system_limit():
    name = safe_filename("年" * 300 + ".docx")
    assert name.endswith(".docx") and 190 < len(name.encode("utf-8")) <= 200
    assert safe_filename("a" * 300) == "a" * 200


def test_refused_file_error_is_an_unreadable_report_error_that_survives_pickling():
    import pickle

    error = RefusedFileError("x.pdf: too many pages", "pages", 300, "REPORTQA_MAX_PAGES", "pages", 2000)
    copy = pickle.loads(pickle.dumps(error))
    assert isinstance(copy, UnreadableReportError)
    assert (copy.limit, copy.value, copy.setting, copy.actual, str(copy)) == ("pages", 300, "REPORTQA_MAX_PAGES", 2000, str(error))


def test_add_file_raises_the_refusal_with_its_limit(corpus_dir, hostile, tmp_path):
    index = CorpusIndex.load(corpus_dir, FakeEmbeddings(), tmp_path / "home", progress=False)
    index.update()
    target = corpus_dir / "uploads" / "bomb.docx"
    target.parent.mkdir()
    shutil.copy(hostile["bomb.docx"], target)
    with pytest.raises(RefusedFileError) as caught:
        index.add_file(target)
    assert (caught.value.limit, caught.value.setting) == ("unzipped_size", "REPORTQA_MAX_UNZIPPED_MB")
    assert sorted(index.reports) == sorted(GOOD)


def test_a_script_without_a_main_guard_parses_in_workers_that_do_not_rerun_it(tmp_path):
    marker = tmp_path / "runs.txt"
    script = tmp_path / "script.py"
    script.write_text(
        "from pathlib import Path\n"
        f"with open({str(marker)!r}, 'a') as f: f.write('run\\n')\n"
        "from corpus import parse_files\n"
        f"out = list(parse_files([Path({str(REPORTS / GOOD[0])!r}), Path({str(REPORTS / GOOD[1])!r})]))\n"
        "print(sorted(type(r).__name__ for _, r in out))\n",
        encoding="utf-8",
    )
    proc = subprocess.run([sys.executable, str(script)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "['Report', 'Report']"
    assert marker.read_text() == "run\n"  # the workers did not import the script


def test_an_image_with_more_frames_than_the_page_limit_is_refused_before_ocr(tmp_path):
    from PIL import Image

    frames = [Image.new("L", (8, 8), color=n % 256) for n in range(400)]
    path = tmp_path / "scan.tif"
    frames[0].save(path, save_all=True, append_images=frames[1:], compression="tiff_deflate")
    assert path.stat().st_size < 200_000
    started = time.monotonic()
    error = parse_files_one(path)
    assert (error.limit, error.actual, error.value) == ("pages", 400, 300)
    assert time.monotonic() - started < 20


def test_a_worker_whose_pool_process_is_killed_mid_parse_stops_too(tmp_path):
    script = (
        "import os, sys, threading, time; from pathlib import Path\n"
        f"sys.path.insert(0, {str(ROOT / 'tests')!r})\n"
        "from corpus import ParsePool; from test_limits import hang\n"
        "pool = ParsePool(1)\n"
        f"files = pool.parse_files([Path({str(REPORTS / GOOD[0])!r})], reader=hang)\n"
        "threading.Thread(target=lambda: list(files), daemon=True).start()\n"
        "time.sleep(3); print(pool._slots[0].process.pid, flush=True); os._exit(0)\n"  # gone, as if SIGKILLed
    )
    proc = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60)
    worker = int(proc.stdout.strip())
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and _alive(worker):
        time.sleep(0.2)
    assert not _alive(worker)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/stat")
    return not (status.exists() and status.read_text().split()[2] == "Z")  # a zombie is dead


def test_cli_audit_reads_a_folder_in_workers_so_a_hostile_file_is_refused_and_the_rest_audited(
    hostile, tmp_path, monkeypatch, capsys
):
    """`reportqa audit DIR` with a PDF that keeps pdfplumber busy a minute and a zip bomb beside real reports."""
    folder = tmp_path / "audit"
    folder.mkdir()
    shutil.copy(hostile["slow.pdf"], folder / "a_slow.pdf")
    shutil.copy(hostile["bomb.docx"], folder / "b_bomb.docx")
    for name in ("txt/009_huaian_hongze_district_gov_2023.txt", "txt/003_pingtan_zonghe_shiyanqu_2020.txt"):
        shutil.copy(REPORTS / name, folder / Path(name).name)
    monkeypatch.setenv("REPORTQA_PARSE_TIMEOUT_S", "3")
    started = time.monotonic()
    assert main(["audit", str(folder), "--json"]) == 0
    assert time.monotonic() - started < 30  # not the minute the slow PDF takes in-process
    findings = json.loads(capsys.readouterr().out)["findings"]
    refused = [f["detail"] for f in findings if f["rule"] == "unreadable"]
    assert len(refused) == 2 and "REPORTQA_PARSE_TIMEOUT_S" in refused[0] and "REPORTQA_MAX_UNZIPPED_MB" in refused[1]
    audited = {f["report"] for f in findings if f["rule"] != "unreadable"}
    # 平潭 2020: its rows add to 27 while 总计 prints 21; 洪泽区 2023 prints 复议 totals of 0
    assert audited == {"003_pingtan_zonghe_shiyanqu_2020.txt", "009_huaian_hongze_district_gov_2023.txt"}
