from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from corpus import CorpusError, UnreadableReportError, read_report
from corpus.models import LazyReport
from index import CorpusIndex, FaissStore, FakeEmbeddings, IndexSummary
from index.corpus_index import index_dir
from index.manifest import Manifest

FILES = [
    "txt/000_shanghai_justice_bureau_2020.txt",
    "txt/009_huaian_hongze_district_gov_2023.txt",
    "txt/010_huaian_hongze_district_gov_2024.txt",
]


class CountingEmbeddings(FakeEmbeddings):
    """The fake embedder, counting the texts it embeds."""

    embedded: int = 0

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.embedded += len(texts)
        return super().embed_documents(texts)


@pytest.fixture
def corpus_dir(tmp_path: Path, reports_dir: Path) -> Path:
    target = tmp_path / "corpus"
    for name in FILES:
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(reports_dir / name, target / name)
    return target


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


def counts(summary: IndexSummary) -> tuple[int, int, int, int]:
    return summary.added, summary.replaced, summary.removed, summary.unchanged


def build(corpus_dir: Path, home: Path) -> tuple[CorpusIndex, IndexSummary]:
    index = CorpusIndex.load(corpus_dir, CountingEmbeddings(), home, progress=False)
    return index, index.update()


def test_first_build_adds_every_report_and_saves_one_snapshot(corpus_dir: Path, home: Path) -> None:
    index, summary = build(corpus_dir, home)
    assert summary.reports == 3 and counts(summary) == (3, 0, 0, 0)
    # Only text chunks are embedded; table-row chunks are searched by BM25 and answered from cells.
    assert summary.chunks == len(index.store) == index.store.embeddings.embedded > 3 * 5
    assert all(d.metadata["kind"] == "text" for d in index.store.documents())
    rows = [d for d in index.bm25.documents if d.metadata["kind"] == "row"]
    assert len(rows) > 3 * 20
    assert sorted(index.reports) == sorted(FILES)
    folder = index_dir(corpus_dir, home)
    assert folder.parent == home / "indexes" and (folder / "manifest.sqlite").exists()
    assert len(index.store.segments) == len(index.bm25.index.segments) == 1


def test_reopening_an_unchanged_corpus_embeds_and_parses_nothing(
    corpus_dir: Path, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, built = build(corpus_dir, home)
    monkeypatch.setattr("index.corpus_index.read_report", lambda *a, **k: pytest.fail("re-parsed a report"))
    again, summary = build(corpus_dir, home)
    assert counts(summary) == (0, 0, 0, 3)
    assert summary.chunks == built.chunks and again.store.embeddings.embedded == 0
    assert again.reports == first.reports  # parsed reports come back from JSON, equal to the originals


def test_open_returns_an_up_to_date_index_with_a_working_retriever(corpus_dir: Path, home: Path) -> None:
    index = CorpusIndex.open(corpus_dir, FakeEmbeddings(), home, progress=False)
    docs = index.retriever(k=3).invoke("结转下年度继续办理", filter={"report_id": FILES[0]})
    assert docs and all(d.metadata["report_id"] == FILES[0] for d in docs)
    rows = index.bm25.search("结转下年度继续办理", k=3, filter={"report_id": FILES[0]})
    assert rows[0].metadata.get("row") == "结转下年度继续办理"  # row chunks: BM25 only, not embedded
    assert len(index.bm25.documents) > len(index.store)  # BM25 holds the row chunks too


def test_a_modified_file_is_replaced_and_only_it_is_re_embedded(corpus_dir: Path, home: Path) -> None:
    before, _ = build(corpus_dir, home)
    path = corpus_dir / FILES[1]
    path.write_text(path.read_text(encoding="utf-8") + "\n补充说明:本报告已更新。\n", encoding="utf-8")
    index, summary = build(corpus_dir, home)
    assert counts(summary) == (0, 1, 0, 2)
    new_chunks = [d for d in index.store.documents() if d.metadata["report_id"] == FILES[1]]
    assert index.store.embeddings.embedded == len(new_chunks)
    assert any("本报告已更新" in d.page_content for d in new_chunks)
    assert summary.chunks == len(index.store)
    others = {d.id for d in before.store.documents() if d.metadata["report_id"] != FILES[1]}
    assert others <= set(index.store.ids)  # the other reports' chunks were kept as they were


def test_a_deleted_file_is_removed_with_its_chunks(corpus_dir: Path, home: Path) -> None:
    build(corpus_dir, home)
    (corpus_dir / FILES[2]).unlink()
    index, summary = build(corpus_dir, home)
    assert (summary.reports, summary.removed, summary.unchanged) == (2, 1, 2)
    assert FILES[2] not in index.reports
    assert not [d for d in index.store.documents() if d.metadata["report_id"] == FILES[2]]
    reloaded, _ = build(corpus_dir, home)
    assert len(reloaded.store) == len(index.store)


def test_a_crash_while_saving_leaves_the_previous_index_loadable(
    corpus_dir: Path, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before, built = build(corpus_dir, home)
    (corpus_dir / FILES[0]).unlink()

    def crash(self: FaissStore, directory: Path) -> str:
        half = Path(directory) / "seg-0-1"
        half.mkdir(parents=True)
        (half / "vectors.faiss").write_bytes(b"half a fai")
        raise KeyboardInterrupt("killed while writing a segment")

    monkeypatch.setattr(FaissStore, "save", crash)
    with pytest.raises(KeyboardInterrupt):
        build(corpus_dir, home)
    monkeypatch.undo()
    survivor = CorpusIndex.load(corpus_dir, FakeEmbeddings(), home, progress=False)
    assert len(survivor.store) == built.chunks and sorted(survivor.reports) == sorted(before.reports)
    _, summary = build(corpus_dir, home)  # the next update redoes the work, and removes the half segment
    assert (summary.removed, summary.reports) == (1, 2)
    assert not (index_dir(corpus_dir, home) / "store" / "seg-0-1").exists()


_KILLED_UPDATE = """
import os, signal, sys
from pathlib import Path
from index import CorpusIndex, FakeEmbeddings
from index.manifest import Manifest

def killed(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)  # after the new segments and state files, before the commit

Manifest.commit = killed
CorpusIndex.load(Path(sys.argv[1]), FakeEmbeddings(), Path(sys.argv[2]), progress=False).update()
"""


def test_a_process_killed_before_the_manifest_commit_leaves_the_previous_index(
    corpus_dir: Path, home: Path, reports_dir: Path
) -> None:
    before, built = build(corpus_dir, home)
    shutil.copy(reports_dir / "html" / "pingtan_2024.html", corpus_dir / "pingtan_2024.html")
    (corpus_dir / FILES[0]).unlink()
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run(
        [sys.executable, "-c", _KILLED_UPDATE, str(corpus_dir), str(home)], cwd=root, capture_output=True, timeout=300
    )
    assert done.returncode == -signal.SIGKILL
    folder = index_dir(corpus_dir, home)
    assert len(list((folder / "store").glob("state-*"))) == 2  # the killed process wrote its version
    survivor = CorpusIndex.load(corpus_dir, FakeEmbeddings(), home, progress=False)
    assert sorted(survivor.reports) == sorted(FILES) and len(survivor.store) == built.chunks
    assert survivor.retriever().invoke("结转下年度继续办理", filter={"report_id": FILES[0]})
    assert not survivor.retriever().invoke("平潭", filter={"report_id": "pingtan_2024.html"})
    summary = survivor.update()
    assert (summary.added, summary.removed, summary.reports) == (1, 1, 3)
    assert len(list((folder / "store").glob("state-*"))) == 1


def test_adding_a_report_writes_one_new_segment_and_leaves_the_others(
    corpus_dir: Path, home: Path, reports_dir: Path
) -> None:
    index, _ = build(corpus_dir, home)
    folder = index_dir(corpus_dir, home)
    old = {p: p.stat().st_mtime_ns for p in folder.glob("*/seg-*/*")}
    shutil.copy(reports_dir / "html" / "pingtan_2024.html", corpus_dir / "pingtan_2024.html")
    again, summary = build(corpus_dir, home)
    assert summary.added == 1 and len(again.store.segments) == len(again.bm25.index.segments) == 2
    assert {p: p.stat().st_mtime_ns for p in old} == old  # nothing written was rewritten
    new = [p for p in folder.glob("store/seg-*") if p.name not in index.store.segments]
    assert len(new) == 1 and json.loads((new[0] / "reports.json").read_text(encoding="utf-8")) == ["pingtan_2024.html"]


def test_opening_reads_report_metadata_only_until_a_report_is_used(
    corpus_dir: Path, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    built, _ = build(corpus_dir, home)
    loads: list[str] = []
    real = Manifest.load_report
    monkeypatch.setattr(Manifest, "load_report", lambda self, rid: loads.append(rid) or real(self, rid))
    index = CorpusIndex.load(corpus_dir, FakeEmbeddings(), home, progress=False)
    index.update()
    assert all(isinstance(r, LazyReport) for r in index.reports.values()) and loads == []
    assert [(r.agency, r.year) for r in index.reports.values()] == [(r.agency, r.year) for r in built.reports.values()]
    assert index.cells.rows("SELECT count(*) AS n FROM reports") == [{"n": 3}] and loads == []
    listing = [(r.cell_count(), r.failed_count(), r.twin_rank()) for r in index.reports.values()]
    full = [(len(r.cells), sum(not f.ok for f in r.checks), (len(r.cells), bool(r.pages))) for r in built.reports.values()]
    assert listing == full and loads == []  # a listing of reports (the app, GET /api/reports) reads none
    report = index.reports[FILES[0]]
    assert report.cell("申请", "结转下年度继续办理", "总计").value == 5 and loads == [FILES[0]]
    assert report.text.startswith(read_report(corpus_dir / FILES[0], root=corpus_dir).text[:50]) and loads == [FILES[0]]


def test_a_half_written_segment_of_a_killed_process_is_ignored_then_cleaned(corpus_dir: Path, home: Path) -> None:
    _, built = build(corpus_dir, home)
    stale = index_dir(corpus_dir, home) / "bm25" / "seg-0-1"
    stale.mkdir()
    (stale / "terms.npy").write_bytes(b"\x93NUMPY")
    index, summary = build(corpus_dir, home)
    assert summary.chunks == built.chunks and stale.exists()
    (corpus_dir / FILES[2]).unlink()
    build(corpus_dir, home)
    assert not stale.exists()


def test_a_broken_segment_is_rebuilt(corpus_dir: Path, home: Path) -> None:
    index, built = build(corpus_dir, home)
    segment = index_dir(corpus_dir, home) / "store" / index.store.segments[0]
    (segment / "offsets.npy").write_bytes(b"not numpy")
    _, summary = build(corpus_dir, home)
    assert (summary.added, summary.chunks) == (3, built.chunks)


def test_an_unreadable_file_is_skipped_and_the_rest_indexed(corpus_dir: Path, home: Path) -> None:
    (corpus_dir / "broken.pdf").write_bytes(b"not a pdf at all")
    (corpus_dir / "empty.txt").write_bytes(b"")
    index, summary = build(corpus_dir, home)
    assert summary.reports == 3 and summary.added == 3
    assert sorted(index.skipped) == ["broken.pdf", "empty.txt"] and "PDF" in index.skipped["broken.pdf"]
    again, summary = build(corpus_dir, home)
    assert sorted(again.skipped) == ["broken.pdf", "empty.txt"] and summary.unchanged == 3


def test_a_new_embedding_model_rebuilds_everything(corpus_dir: Path, home: Path) -> None:
    _, built = build(corpus_dir, home)
    index = CorpusIndex.load(corpus_dir, FakeEmbeddings(dim=64), home, progress=False)
    summary = index.update()
    assert (summary.added, summary.unchanged, summary.chunks) == (3, 0, built.chunks)
    assert index.store.similarity_search("申请", k=1)


def test_add_file_indexes_an_uploaded_report(corpus_dir: Path, home: Path, reports_dir: Path) -> None:
    index, _ = build(corpus_dir, home)
    target = corpus_dir / "uploads" / "pingtan_2024.html"
    target.parent.mkdir()
    shutil.copy(reports_dir / "html" / "pingtan_2024.html", target)
    report = index.add_file(target)
    assert report.id == "uploads/pingtan_2024.html" and report.year == 2024
    assert report == read_report(target, root=corpus_dir)
    assert len(index.reports) == 4 and index.retriever().invoke("平潭", filter={"report_id": report.id})


def test_add_file_rejects_files_outside_the_corpus_and_unreadable_ones(
    corpus_dir: Path, home: Path, tmp_path: Path
) -> None:
    index, _ = build(corpus_dir, home)
    with pytest.raises(CorpusError, match="copy it there first"):
        index.add_file(tmp_path / "elsewhere.txt")
    (corpus_dir / "bad.pdf").write_bytes(b"junk")
    with pytest.raises(UnreadableReportError, match="bad.pdf"):
        index.add_file(corpus_dir / "bad.pdf")


def test_the_index_folder_holds_sqlite_json_numpy_faiss_and_duckdb_files_only(corpus_dir: Path, home: Path) -> None:
    build(corpus_dir, home)
    folder = index_dir(corpus_dir, home)
    names = sorted({p.name for p in folder.rglob("*") if p.is_file() and not p.name.endswith((".wal", "-wal", "-shm"))})
    assert names == [
        "cells.duckdb", "codes.npy", "docs.jsonl", "ids.json", "lengths.npy", "lock", "manifest.sqlite", "offsets.npy",
        "reports.json", "rows.npy", "starts.npy", "state-00000001.json", "terms.npy", "tfs.npy", "vectors.faiss",
    ]  # fmt: skip


def _state(index: CorpusIndex) -> tuple:
    """What an index holds: reports, each report's chunk ids, stored chunk ids, cells per report, BM25 documents."""
    cells = dict(index.cells.execute("SELECT report_id, count(*) FROM cells GROUP BY report_id"))
    return (
        sorted(index.reports),
        {rid: e.get("chunks") for rid, e in index._files.items()},
        sorted(index.store.ids),
        cells,
        len(index.bm25.index),
    )


@pytest.fixture
def six_reports(tmp_path: Path, reports_dir: Path) -> Path:
    target = tmp_path / "six"
    target.mkdir()
    for path in sorted((reports_dir / "txt").glob("0*.txt"))[:6]:
        shutil.copy(path, target / path.name)
    return target


@pytest.fixture
def whole(six_reports: Path, tmp_path: Path) -> CorpusIndex:
    """The six reports built in one batch: what a batched build must equal."""
    index = CorpusIndex.load(six_reports, FakeEmbeddings(), tmp_path / "one", progress=False)
    index.update()
    return index


def test_a_large_update_is_written_in_batches_and_equals_a_build_in_one(
    six_reports: Path, whole: CorpusIndex, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import index.corpus_index as ci

    monkeypatch.setattr(ci, "BUILD_BATCH", 2)
    assert [len(b) for b in ci.build_batches(list("abcdef"))] == [2, 2, 2]
    assert [len(b) for b in ci.build_batches(list("abcdefg"))] == [3, 3, 1]
    assert ci.build_batches([]) == [[]] and ci.build_batches(list("a")) == [["a"]]
    batched = CorpusIndex.load(six_reports, FakeEmbeddings(), tmp_path / "three", progress=False)
    summary = batched.update()
    assert counts(summary) == (6, 0, 0, 0) and summary.reports == 6
    assert len(batched.store.segments) == 3  # one commit, and one segment, per batch
    assert _state(batched) == _state(whole)
    reopened = CorpusIndex.load(six_reports, FakeEmbeddings(), tmp_path / "three", progress=False)
    assert _state(reopened) == _state(whole) and counts(reopened.update()) == (0, 0, 0, 6)


def test_a_build_cut_short_keeps_its_committed_batches_and_the_next_update_finishes_it(
    six_reports: Path, whole: CorpusIndex, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import index.corpus_index as ci

    monkeypatch.setattr(ci, "BUILD_BATCH", 2)
    calls = []
    real_parse = ci.parse_files

    def interrupted(*args: object, **kwargs: object):  # noqa: ANN202 - the patched generator
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt  # Ctrl-C while the third batch parses
        return real_parse(*args, **kwargs)

    monkeypatch.setattr(ci, "parse_files", interrupted)
    cut = CorpusIndex.load(six_reports, FakeEmbeddings(), tmp_path / "cut", progress=False)
    with pytest.raises(KeyboardInterrupt):
        cut.update()
    cut.close()
    monkeypatch.setattr(ci, "parse_files", real_parse)
    reopened = CorpusIndex.load(six_reports, FakeEmbeddings(), tmp_path / "cut", progress=False)
    assert len(reopened.reports) == 4  # two batches committed
    assert sorted(reopened.store.ids) == sorted(c for e in reopened._files.values() for c in e["chunks"])
    assert counts(reopened.update()) == (2, 0, 0, 4)
    assert _state(reopened) == _state(whole)
