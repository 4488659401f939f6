"""The same retrieval, answer, filter and update behaviours over every passage store.

`faiss` is the default store; `milvus-grpc` is Milvus Lite serving over gRPC on 127.0.0.1 (a subprocess,
connected by URI like a Standalone or Distributed deployment); `milvus-db` is Milvus Lite embedded (`.db`).
On Milvus, dense search, BM25 (its built-in function, jieba analyzer) and their fusion run in Milvus.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from milvus_server import MilvusLiteServer

from corpus import Settings
from corpus.collection import BUNDLED_CORPUS
from index import CorpusIndex, FakeEmbeddings, make_embeddings
from index.chunks import row_chunks, text_chunks
from index.milvus_store import MilvusHybridRetriever, MilvusStore
from qa import Assistant

BACKENDS = ["faiss", "milvus-grpc", "milvus-db"]
SEED = "txt/000_shanghai_justice_bureau_2020.txt"
HONGZE = "淮安市洪泽区人民政府"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MilvusLiteServer]:
    with MilvusLiteServer(tmp_path_factory.mktemp("milvus") / "data") as running:
        yield running


@contextmanager
def backend_env(backend: str, request: pytest.FixtureRequest, folder: Path) -> Iterator[str]:
    """`REPORTQA_VECTOR_STORE` set for one backend while an index is made (the store keeps its config)."""
    if backend == "faiss":
        value = "faiss"
    elif backend == "milvus-grpc":
        value = "milvus://" + request.getfixturevalue("server").uri.removeprefix("http://")
    else:
        value = str(folder / "passages.db")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("REPORTQA_VECTOR_STORE", value)
        yield value


def expected_ids(index: CorpusIndex) -> set[str]:
    """Every chunk id the store must hold: text chunks, and on Milvus the table-row chunks too."""
    ids = set()
    for report in index.reports.values():
        ids |= {d.id for d in text_chunks(report)}
        if isinstance(index.store, MilvusStore):
            ids |= {d.id for d in row_chunks(report)}
    return {i for i in ids if i is not None}


def stored_ids(index: CorpusIndex) -> set[str]:
    """What the store holds (on Milvus, every entity of the collection)."""
    if isinstance(index.store, MilvusStore):
        return index.store.all_ids()
    return set(index.store.ids)


@pytest.fixture(scope="module", params=BACKENDS)
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> CorpusIndex:
    """The bundled corpus indexed once per backend with the fake embedder."""
    folder = tmp_path_factory.mktemp(request.param)
    with backend_env(request.param, request, folder):
        return CorpusIndex.open(BUNDLED_CORPUS, FakeEmbeddings(), folder / "home", progress=False)


@pytest.fixture(scope="module")
def faiss_reference(tmp_path_factory: pytest.TempPathFactory) -> CorpusIndex:
    home = tmp_path_factory.mktemp("reference")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("REPORTQA_VECTOR_STORE", "faiss")
        return CorpusIndex.open(BUNDLED_CORPUS, FakeEmbeddings(), home, progress=False)


def test_index_holds_every_chunk_of_every_report(built: CorpusIndex) -> None:
    assert len(built.reports) == 21 and len(built.store) == 210
    assert stored_ids(built) == expected_ids(built)
    assert isinstance(built.retriever(), MilvusHybridRetriever) == isinstance(built.store, MilvusStore)


def test_dense_search_ranks_as_faiss_does(built: CorpusIndex, faiss_reference: CorpusIndex) -> None:
    for question in ["热线满意率", "政府信息公开受理点的地址", "行政复议被纠错", "依申请公开 答复"]:
        got = built.store.similarity_search_with_score(question, k=8)
        want = faiss_reference.store.similarity_search_with_score(question, k=8)
        assert [s for _, s in got] == pytest.approx([s for _, s in want], abs=1e-4)
        assert _by_score(got)[:-1] == _by_score(want)[:-1]  # equal scores may come in any order


def _by_score(hits: list) -> list[tuple[float, set[str]]]:
    """Hits grouped by score, best first (the last group may be cut by `k`)."""
    groups: dict[float, set[str]] = {}
    for doc, score in hits:
        groups.setdefault(round(score, 4), set()).add(doc.id)
    return sorted(groups.items(), reverse=True)


@pytest.mark.parametrize(
    ("question", "report", "passage"),
    [
        ("热线满意率", SEED, "热线满意率98.69%"),
        ("上海市司法局政府信息公开受理点的地址", SEED, "小木桥路470号"),
        ("法律援助总数", SEED, "法律援助总数 46200 件"),
        ("沭阳县政府门户网站主动公开政府信息条数", "txt/012_shuyang_county_gov_2025.txt", "主动公开政府信息4511条"),
    ],
)
def test_hybrid_retrieval_finds_the_passage(built: CorpusIndex, question: str, report: str, passage: str) -> None:
    docs = built.retriever(k=5).invoke(question)
    assert len(docs) == 5 and docs[0].metadata["rrf"] >= docs[-1].metadata["rrf"] > 0
    hits = [d for d in docs if d.metadata["report_id"] == report and passage in d.page_content]
    assert hits, [(d.metadata["report_id"], d.page_content[:40]) for d in docs]


def test_bm25_finds_table_rows_by_their_labels(built: CorpusIndex) -> None:
    docs = built.retriever(k=5).invoke("属于国家秘密", filter={"report_id": SEED})
    rows = [d for d in docs if d.metadata["kind"] == "row"]
    assert any("不予公开/属于国家秘密: 自然人 2," in d.page_content for d in rows)


def test_filters_by_report_agency_and_year(built: CorpusIndex) -> None:
    retriever = built.retriever(k=6)
    by_report = retriever.invoke("政府信息公开申请", filter={"report_id": SEED})
    assert by_report and {d.metadata["report_id"] for d in by_report} == {SEED}
    by_agency = retriever.invoke("政府信息公开申请", filter={"agency": HONGZE}, k=10)
    assert {d.metadata["agency"] for d in by_agency} == {HONGZE}
    assert {d.metadata["year"] for d in by_agency} == {2023, 2024}
    both = retriever.invoke("政府信息公开申请", filter={"agency": HONGZE, "year": [2024]})
    assert both and {(d.metadata["agency"], d.metadata["year"]) for d in both} == {(HONGZE, 2024)}
    dense = built.store.similarity_search("政府信息公开申请", k=4, filter={"year": 2020})
    assert dense and {d.metadata["year"] for d in dense} == {2020}
    assert retriever.invoke("政府信息公开申请", filter={"agency": "没有这个机关"}) == []


ANSWERS = [
    ("有多少件申请没有答复？", [SEED], 5, [(SEED, 6100, 6126)]),
    ("洪泽区2024年收到多少件申请？", None, 95, [("pdf/hongze_2024_hzq2024_working.pdf", 1394, 1442)]),
    ("上海市司法局2020年热线满意率是多少？", None, 98.69, [(SEED, 1444, 1474)]),
    ("公号粉丝数达到多少？", [SEED], 204000, [(SEED, 4728, 4782)]),
    ("法律援助总数多少件？", [SEED], 46200, [(SEED, 2367, 2399)]),
    ("沭阳县政府网站发布了多少条信息？", None, 4511, [("txt/012_shuyang_county_gov_2025.txt", 472, 525)]),
    ("上海市司法局政府信息公开受理点的地址在哪里？", None, None, [(SEED, 193, 259)]),
]


@pytest.fixture(scope="module")
def assistant(built: CorpusIndex) -> Assistant:
    return Assistant(built)


@pytest.mark.parametrize(("question", "reports", "value", "citations"), ANSWERS)
def test_ask_gives_the_same_answer_and_citations(assistant, question, reports, value, citations) -> None:
    data = assistant.ask(question, reports=reports).to_dict()
    assert data["value"] == value
    assert [(c["report_id"], c["start"], c["end"]) for c in data["citations"]] == citations
    if value is None:
        assert "小木桥路470号" in data["answer"]


def _copy(corpus: Path, names: list[str]) -> None:
    for name in names:
        (corpus / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(BUNDLED_CORPUS / name, corpus / name)


UPDATE_FILES = [
    SEED,
    "txt/012_shuyang_county_gov_2025.txt",
    "txt/011_huaian_city_gov_2024.txt",
]
ADDED = "txt/010_huaian_hongze_district_gov_2024.txt"


@pytest.mark.parametrize("backend", BACKENDS)
def test_update_inserts_and_deletes_only_the_changed_reports_chunks(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    corpus = tmp_path / "corpus"
    _copy(corpus, UPDATE_FILES)
    with backend_env(backend, request, tmp_path):
        index = CorpusIndex.open(corpus, FakeEmbeddings(), tmp_path / "home", progress=False)
        before = {rid: set(index._files[rid]["chunks"]) for rid in index.reports}
        assert stored_ids(index) == expected_ids(index) == set().union(*before.values())

        changed, removed, unchanged = UPDATE_FILES
        with open(corpus / changed, "a", encoding="utf-8") as handle:
            handle.write("\n四、其他需要报告的事项\n本机关本年度新开通政务公开专线电话12345。\n")
        (corpus / removed).unlink()
        _copy(corpus, [ADDED])
        inserted: list[str] = []
        deleted: list[str] = []
        add, delete = index.store.add_documents, index.store.delete

        def spy_add(docs, **kw):
            inserted.extend(d.id for d in docs)
            return add(docs, **kw)

        def spy_delete(ids=None, **kw):
            deleted.extend(ids or [])
            return delete(ids, **kw)

        index.store.add_documents, index.store.delete = spy_add, spy_delete  # type: ignore[method-assign]
        summary = index.update()

        assert (summary.added, summary.replaced, summary.removed, summary.unchanged) == (1, 1, 1, 1)
        after = {rid: set(index._files[rid]["chunks"]) for rid in index.reports}
        assert set(after) == {changed, unchanged, ADDED}
        assert len(inserted) == len(set(inserted)) and set(inserted) == after[changed] | after[ADDED]
        assert set(deleted) == before[changed] | before[removed]
        assert after[unchanged] == before[unchanged] and not after[unchanged] & (set(inserted) | set(deleted))
        assert stored_ids(index) == expected_ids(index) == set().union(*after.values())
        assert any("12345" in d.page_content for d in index.retriever(k=3).invoke("政务公开专线电话"))

        reopened = CorpusIndex.load(corpus, FakeEmbeddings(), tmp_path / "home", progress=False)
        assert set(reopened.reports) == set(after) and stored_ids(reopened) == set().union(*after.values())


@pytest.fixture(scope="module")
def real_embeddings(tmp_path_factory: pytest.TempPathFactory, models_dir: Path):
    home = tmp_path_factory.mktemp("model-home")
    return make_embeddings(Settings(home=home, corpus=home, models_dir=models_dir))


@pytest.mark.e2e
@pytest.mark.parametrize("backend", BACKENDS)
def test_real_model_answers_and_cites_the_same_on_every_backend(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path, real_embeddings
) -> None:
    corpus = tmp_path / "corpus"
    _copy(corpus, [SEED])
    with backend_env(backend, request, tmp_path):
        index = CorpusIndex.open(corpus, real_embeddings, tmp_path / "home", progress=False)
    top = index.store.similarity_search("热线满意率是多少", k=3)
    assert any("热线满意率98.69%" in d.page_content for d in top)
    assistant = Assistant(index)
    for question, reports, value, citations in [ANSWERS[0], ANSWERS[2], ANSWERS[4], ANSWERS[6]]:
        data = assistant.ask(question, reports=reports).to_dict()
        assert data["value"] == value, question
        assert [(c["report_id"], c["start"], c["end"]) for c in data["citations"]] == citations


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_build_in_batches_holds_what_a_build_in_one_holds(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path, faiss_reference: CorpusIndex,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    import index.corpus_index as ci

    monkeypatch.setattr(ci, "BUILD_BATCH", 4)  # the bundled 21 files in five batches, one commit each
    with backend_env(backend, request, tmp_path):
        index = CorpusIndex.open(BUNDLED_CORPUS, FakeEmbeddings(), tmp_path / "home", progress=False)
    assert sorted(index.reports) == sorted(faiss_reference.reports)
    assert stored_ids(index) == expected_ids(index)
    if backend == "faiss":  # dense and BM25 over five segments rank as over one
        for question in ("政务公开专线电话", "热线满意率是多少", "依申请公开的办理情况"):
            got = [d.id for d in index.retriever(k=5).invoke(question)]
            assert got == [d.id for d in faiss_reference.retriever(k=5).invoke(question)]
