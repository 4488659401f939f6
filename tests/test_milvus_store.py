"""The Milvus store on its own: the setting, filters as expressions, rebuilds, and a crash mid-update."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from milvus_server import MilvusLiteServer, free_port

from corpus import Settings
from corpus.collection import BUNDLED_CORPUS
from corpus.errors import IndexError_
from index import CorpusIndex, FaissStore, FakeEmbeddings
from index.chunks import row_chunks, text_chunks
from index.milvus_store import MilvusConfig, MilvusStore, filter_expression
from index.vector_backend import make_store, milvus_config

WORKER = Path(__file__).with_name("milvus_worker.py")
CHANGED, REMOVED, UNCHANGED = (
    "txt/000_shanghai_justice_bureau_2020.txt",
    "txt/012_shuyang_county_gov_2025.txt",
    "txt/011_huaian_city_gov_2024.txt",
)
ADDED = ("txt/009_huaian_hongze_district_gov_2023.txt", "txt/010_huaian_hongze_district_gov_2024.txt")
NEW_SENTENCE = "\n四、其他需要报告的事项\n本机关本年度新开通政务公开专线电话12345。\n"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MilvusLiteServer]:
    with MilvusLiteServer(tmp_path_factory.mktemp("milvus") / "data") as running:
        yield running


def settings(tmp_path: Path, **values: str) -> Settings:
    return Settings(home=tmp_path, corpus=tmp_path, **values)  # type: ignore[arg-type]


def test_vector_store_setting_picks_faiss_a_server_or_an_embedded_file(tmp_path: Path) -> None:
    index_path = tmp_path / "indexes" / "abc"
    assert milvus_config(settings(tmp_path), index_path) is None
    assert isinstance(make_store(settings(tmp_path, vector_store="faiss"), FakeEmbeddings(), index_path), FaissStore)
    server = milvus_config(settings(tmp_path, vector_store="milvus://milvus.internal:19530"), index_path)
    assert server is not None and server.uri == "http://milvus.internal:19530"
    assert server.connection_args() == {"uri": "http://milvus.internal:19530"}
    assert server.collection.startswith("reportqa_") and len(server.collection) == len("reportqa_") + 16
    other = milvus_config(settings(tmp_path, vector_store="milvus://milvus.internal:19530"), tmp_path / "other")
    assert other is not None and other.collection != server.collection  # one collection per index
    cluster = milvus_config(
        settings(tmp_path, vector_store="https://c.example:443", milvus_token="root:Milvus", milvus_collection="qa_2025"),
        index_path,
    )
    assert cluster == MilvusConfig(uri="https://c.example:443", collection="qa_2025", token="root:Milvus")
    assert cluster.connection_args() == {"uri": "https://c.example:443", "token": "root:Milvus"}
    lite = make_store(settings(tmp_path, vector_store="~/passages.db"), FakeEmbeddings(), index_path)
    assert isinstance(lite, MilvusStore) and lite.config.uri == str(Path.home() / "passages.db")


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"vector_store": "elasticsearch://host:9200"}, "REPORTQA_VECTOR_STORE='elasticsearch://host:9200'"),
        ({"vector_store": "milvus://h:19530", "milvus_collection": "2025-qa"}, "REPORTQA_MILVUS_COLLECTION"),
        ({"vector_store": "milvus://h:19530", "milvus_index": "DISKANN_X"}, "REPORTQA_MILVUS_INDEX"),
    ],
)
def test_bad_settings_name_the_variable(tmp_path: Path, values: dict[str, str], message: str) -> None:
    with pytest.raises(IndexError_, match=message.replace("(", r"\(")):
        milvus_config(settings(tmp_path, **values), tmp_path)


def test_settings_read_the_milvus_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REPORTQA_VECTOR_STORE", "milvus://localhost:19530")
    monkeypatch.setenv("REPORTQA_MILVUS_TOKEN", "user:secret")
    monkeypatch.setenv("REPORTQA_MILVUS_COLLECTION", "reports")
    monkeypatch.setenv("REPORTQA_MILVUS_INDEX", "HNSW")
    read = Settings.from_env()
    assert (read.vector_store, read.milvus_token, read.milvus_collection, read.milvus_index) == (
        "milvus://localhost:19530", "user:secret", "reports", "HNSW",
    )  # fmt: skip


def test_filters_become_milvus_expressions() -> None:
    assert filter_expression(None) == ""
    assert filter_expression({"report_id": ["a.txt", "b.pdf"]}, text_only=True) == (
        '(kind == "text") and (report_id in ["a.txt", "b.pdf"])'
    )
    assert filter_expression({"agency": "洪泽区", "year": 2024, "page": None}) == (
        '(agency == "洪泽区") and (year == 2024) and (page is null)'
    )
    with pytest.raises(ValueError, match="not a field name"):
        filter_expression({"year) or (1 == 1": 2024})


def test_unreachable_server_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REPORTQA_VECTOR_STORE", f"milvus://127.0.0.1:{free_port()}")
    corpus = tmp_path / "corpus"
    _copy(corpus, [UNCHANGED])
    with pytest.raises(IndexError_, match="REPORTQA_VECTOR_STORE"):
        CorpusIndex.open(corpus, FakeEmbeddings(), tmp_path / "home", progress=False)


def _copy(corpus: Path, names: list[str] | tuple[str, ...]) -> None:
    for name in names:
        (corpus / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(BUNDLED_CORPUS / name, corpus / name)


def chunk_ids(index: CorpusIndex) -> set[str]:
    """Every chunk (text and row) of the reports the index holds."""
    docs = [d for r in index.reports.values() for d in text_chunks(r) + row_chunks(r)]
    return {d.id for d in docs if d.id is not None}


def manifest_ids(index: CorpusIndex) -> set[str]:
    return {cid for entry in index._files.values() for cid in entry.get("chunks", [])}


def collection_ids(config: MilvusConfig) -> set[str]:
    """The ids in the collection, read with a client of its own (not the store under test)."""
    from pymilvus import MilvusClient

    client = MilvusClient(**config.connection_args())
    if not client.has_collection(config.collection):
        return set()
    client.load_collection(config.collection)  # a restarted Milvus Lite holds it released
    rows = client.query(config.collection, filter="", output_fields=["pk"], limit=16384)
    return {row["pk"] for row in rows}


def test_another_model_starts_the_collection_anew(
    server: MilvusLiteServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REPORTQA_VECTOR_STORE", server.uri)
    corpus = tmp_path / "corpus"
    _copy(corpus, [UNCHANGED])
    old = CorpusIndex.open(corpus, FakeEmbeddings(dim=256), tmp_path / "home", progress=False)
    assert isinstance(old.store, MilvusStore) and old.store._dimension() == 256
    new = CorpusIndex.open(corpus, FakeEmbeddings(dim=64), tmp_path / "home", progress=False)
    assert isinstance(new.store, MilvusStore) and new.store._dimension() == 64
    assert collection_ids(new.store.config) == chunk_ids(new) and len(new.store) == len(old.store) > 0


def test_a_dropped_collection_is_rebuilt_on_open(
    server: MilvusLiteServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pymilvus import MilvusClient

    monkeypatch.setenv("REPORTQA_VECTOR_STORE", server.uri)
    corpus = tmp_path / "corpus"
    _copy(corpus, [UNCHANGED, CHANGED])
    built = CorpusIndex.open(corpus, FakeEmbeddings(), tmp_path / "home", progress=False)
    assert isinstance(built.store, MilvusStore)
    MilvusClient(uri=server.uri).drop_collection(built.store.config.collection)
    again = CorpusIndex.open(corpus, FakeEmbeddings(), tmp_path / "home", progress=False)
    assert set(again.reports) == {UNCHANGED, CHANGED}
    assert collection_ids(built.store.config) == chunk_ids(again) == manifest_ids(again)


@pytest.mark.parametrize("backend", ["milvus-grpc", "milvus-db"])
def test_killed_mid_insert_reopens_consistent(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    """SIGKILL a process updating a Milvus-backed index halfway through an insert; reopening repairs it."""
    running = request.getfixturevalue("server") if backend == "milvus-grpc" else None
    uri = running.uri if running is not None else str(tmp_path / "passages.db")
    corpus, home = tmp_path / "corpus", tmp_path / "home"
    _copy(corpus, [CHANGED, REMOVED, UNCHANGED])
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("REPORTQA_VECTOR_STORE", uri)
        first = CorpusIndex.open(corpus, FakeEmbeddings(), home, progress=False)
        assert isinstance(first.store, MilvusStore)
        config, before = first.store.config, {rid: set(e["chunks"]) for rid, e in first._files.items()}
        assert collection_ids(config) == set().union(*before.values())
        if running is None:  # Milvus Lite embedded allows one process per .db: hand it to the worker
            from milvus_lite.server_manager import server_manager_instance

            server_manager_instance.release_server(uri)

        with open(corpus / CHANGED, "a", encoding="utf-8") as handle:
            handle.write(NEW_SENTENCE)
        (corpus / REMOVED).unlink()
        _copy(corpus, ADDED)
        flag = tmp_path / "signal"
        worker = subprocess.Popen(
            [sys.executable, str(WORKER), str(corpus), str(home), str(flag), "3"],
            env={**os.environ, "REPORTQA_VECTOR_STORE": uri, "HF_HUB_OFFLINE": "1"},
        )
        try:
            deadline = time.monotonic() + 120
            while not flag.exists() and worker.poll() is None and time.monotonic() < deadline:
                time.sleep(0.1)
            assert flag.exists() and flag.read_text() == "stalled", f"worker exited {worker.poll()}"
        finally:
            worker.send_signal(signal.SIGKILL)
            worker.wait(timeout=30)
        assert worker.returncode == -signal.SIGKILL

        # The kill left the collection out of step: new chunks the manifest does not list, old ones gone.
        torn = collection_ids(config)
        listed = set().union(*before.values())
        assert torn - listed and listed - torn

        reopened = CorpusIndex.load(corpus, FakeEmbeddings(), home, progress=False)
        assert isinstance(reopened.store, MilvusStore)
        assert collection_ids(config) == manifest_ids(reopened) == chunk_ids(reopened)
        assert set(reopened.reports) == {UNCHANGED}  # the two reports whose chunks were deleted are re-read next
        assert reopened.retriever(k=5).invoke("洪泽区 政府信息公开", filter={"report_id": list(ADDED)}) == []

        healed = CorpusIndex.open(corpus, FakeEmbeddings(), home, progress=False)
        assert set(healed.reports) == {CHANGED, UNCHANGED, *ADDED}
        assert collection_ids(config) == manifest_ids(healed) == chunk_ids(healed)
        assert before[UNCHANGED] <= collection_ids(config) and not before[REMOVED] & collection_ids(config)
        assert any("12345" in d.page_content for d in healed.retriever(k=3).invoke("政务公开专线电话"))


def test_the_settings_given_pick_the_store_over_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from qa import Assistant

    corpus = tmp_path / "corpus"
    _copy(corpus, [UNCHANGED])
    monkeypatch.setenv("REPORTQA_VECTOR_STORE", "faiss")
    given = settings(tmp_path / "home", vector_store=str(tmp_path / "passages.db"))
    index = CorpusIndex.open(corpus, FakeEmbeddings(), tmp_path / "home", progress=False, settings=given)
    assert isinstance(index.store, MilvusStore) and index.store.config.uri == str(tmp_path / "passages.db")
    assert collection_ids(index.store.config) == chunk_ids(index) == manifest_ids(index)
    index.close()
    monkeypatch.setenv("REPORTQA_VECTOR_STORE", str(tmp_path / "other.db"))
    assert isinstance(CorpusIndex(corpus, FakeEmbeddings(), tmp_path / "h2", settings=settings(tmp_path)).store, FaissStore)
    assert isinstance(CorpusIndex(corpus, FakeEmbeddings(), tmp_path / "h2").store, MilvusStore)  # the env default
    faiss_settings = settings(tmp_path / "h3")
    assistant = Assistant.from_corpus(corpus, settings=faiss_settings, embeddings=FakeEmbeddings(), progress=False)
    assert isinstance(assistant.index.store, FaissStore)


def test_a_crash_before_the_manifest_commit_is_repaired_on_open(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The collection was written but the manifest never committed that version: the pending marker says so."""
    from index.manifest import Manifest
    from index.milvus_store import PENDING_FILE

    monkeypatch.setenv("REPORTQA_VECTOR_STORE", str(tmp_path / "passages.db"))
    corpus, home = tmp_path / "corpus", tmp_path / "home"
    _copy(corpus, [UNCHANGED, CHANGED])
    index = CorpusIndex.open(corpus, FakeEmbeddings(), home, progress=False)
    assert isinstance(index.store, MilvusStore)
    config, before = index.store.config, manifest_ids(index)
    assert (index.path / PENDING_FILE).read_text() == index._manifest.meta()["store_version"] == "milvus-1"
    assert len(index._sparse) == 0 and not list((index.path / "bm25").glob("seg-*"))  # BM25 is Milvus' own
    with open(corpus / CHANGED, "a", encoding="utf-8") as handle:
        handle.write(NEW_SENTENCE)
    _copy(corpus, ADDED[:1])

    def killed(self: Manifest, *args: object, **kwargs: object) -> None:
        raise RuntimeError("killed before the commit")

    monkeypatch.setattr(Manifest, "commit", killed)
    with pytest.raises(RuntimeError, match="before the commit"):
        index.update()
    index.close()
    monkeypatch.undo()
    monkeypatch.setenv("REPORTQA_VECTOR_STORE", str(tmp_path / "passages.db"))
    assert (index.path / PENDING_FILE).read_text() == "milvus-2"  # the version the manifest never got
    assert collection_ids(config) - before and before - collection_ids(config)

    reopened = CorpusIndex.load(corpus, FakeEmbeddings(), home, progress=False)
    assert reopened._manifest is not None and reopened._manifest.meta()["store_version"] == "milvus-1"
    assert set(reopened.reports) == {UNCHANGED}  # CHANGED lost its old chunks to the update: read again next
    assert collection_ids(config) == manifest_ids(reopened) == chunk_ids(reopened)
    reopened.close()
    healed = CorpusIndex.open(corpus, FakeEmbeddings(), home, progress=False)
    assert set(healed.reports) == {UNCHANGED, CHANGED, ADDED[0]}
    assert collection_ids(config) == manifest_ids(healed) == chunk_ids(healed)
    assert (healed.path / PENDING_FILE).read_text() == healed._manifest.meta()["store_version"] == "milvus-2"
    assert [p.name for p in (healed.path / "store").glob("milvus-*")] == ["milvus-2.json"]
    assert any("12345" in d.page_content for d in healed.retriever(k=3).invoke("政务公开专线电话"))
