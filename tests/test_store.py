from __future__ import annotations

import json
from pathlib import Path

import pytest

from index import FaissStore, FakeEmbeddings

TEXTS = [
    "本年新收政府信息公开申请118件",
    "因属于行政查询事项不予公开2件",
    "结转下年度继续办理5件",
    "热线满意率98.69%",
]
METAS = [
    {"report_id": "a", "year": 2023},
    {"report_id": "a", "year": 2024},
    {"report_id": "b", "year": 2024},
    {"report_id": "c", "year": 2020},
]
IDS = ["new", "query", "carry", "hotline"]


@pytest.fixture
def store() -> FaissStore:
    return FaissStore.from_texts(TEXTS, FakeEmbeddings(), METAS, ids=IDS)


def test_search_returns_the_matching_text_first_with_cosine_scores(store: FaissStore) -> None:
    hits = store.similarity_search_with_score("结转下年度继续办理", k=2)
    assert [d.id for d, _ in hits][0] == "carry"
    assert hits[0][1] == pytest.approx(hits[0][1]) and 0.5 < hits[0][1] <= 1.0001
    assert hits[0][1] >= hits[1][1]
    assert store.similarity_search("满意率", k=1)[0].id == "hotline"


def test_filter_matches_by_equality_and_by_membership(store: FaissStore) -> None:
    docs = store.similarity_search("申请", k=4, filter={"year": 2024})
    assert {d.id for d in docs} == {"query", "carry"}
    docs = store.similarity_search("申请", k=4, filter={"report_id": ["a", "c"], "year": 2024})
    assert [d.id for d in docs] == ["query"]
    assert store.similarity_search("申请", k=4, filter={"report_id": "zzz"}) == []


def test_filter_over_fetches_to_find_low_ranked_matches() -> None:
    texts = [f"结转下年度继续办理{i}件" for i in range(300)] + ["热线满意率98.69%"]
    metas = [{"kind": "row"}] * 300 + [{"kind": "text"}]
    store = FaissStore.from_texts(texts, FakeEmbeddings(), metas)
    docs = store.similarity_search("结转下年度继续办理", k=1, filter={"kind": "text"})
    assert [d.page_content for d in docs] == ["热线满意率98.69%"]


def test_delete_removes_documents_from_search(store: FaissStore) -> None:
    store.delete(["carry", "unknown"])
    assert len(store) == 3 and "carry" not in store.ids
    assert "carry" not in [d.id for d in store.similarity_search("结转下年度继续办理", k=4)]


def test_adding_an_existing_id_replaces_the_document(store: FaissStore) -> None:
    store.add_texts(["结转下年度继续办理7件"], [{"report_id": "b"}], ids=["carry"])
    assert len(store) == 4
    assert store.get_by_ids(["carry"])[0].page_content == "结转下年度继续办理7件"


def test_search_results_are_copies_callers_may_annotate(store: FaissStore) -> None:
    store.similarity_search("满意率", k=1)[0].metadata["score"] = 1
    assert "score" not in store.get_by_ids(["hotline"])[0].metadata


def test_save_and_load_round_trip_as_json_and_faiss_without_pickle(store: FaissStore, tmp_path: Path) -> None:
    before = store.similarity_search_with_score("行政查询事项", k=4, filter={"year": 2024})
    assert store.save(tmp_path / "s") == "1"
    (segment,) = store.segments
    assert sorted(p.name for p in (tmp_path / "s").iterdir()) == [segment, "state-00000001.json"]
    names = sorted(p.name for p in (tmp_path / "s" / segment).iterdir())
    assert names == ["codes.npy", "docs.jsonl", "ids.json", "offsets.npy", "reports.json", "vectors.faiss"]
    lines = (tmp_path / "s" / segment / "docs.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == [list(row) for row in zip(IDS, TEXTS, METAS, strict=True)]
    for path in (tmp_path / "s").rglob("*"):
        assert path.is_dir() or not path.read_bytes().startswith(b"\x80"), f"{path.name} looks like a pickle"
    loaded = FaissStore.load(tmp_path / "s", FakeEmbeddings())
    after = loaded.similarity_search_with_score("行政查询事项", k=4, filter={"year": 2024})
    assert [(d.id, d.metadata) for d, _ in after] == [(d.id, d.metadata) for d, _ in before]
    assert [s for _, s in after] == pytest.approx([s for _, s in before])
    loaded.add_texts(["新增"], ids=["extra"])
    assert len(loaded) == 5 and loaded.get_by_ids(["new"])[0].page_content == TEXTS[0]


def test_a_save_after_a_load_writes_only_the_new_segment_and_a_tombstone(store: FaissStore, tmp_path: Path) -> None:
    store.save(tmp_path / "s")
    first = store.segments[0]
    written = (tmp_path / "s" / first / "vectors.faiss").stat().st_mtime_ns
    loaded = FaissStore.load(tmp_path / "s", FakeEmbeddings())
    loaded.delete(["carry"])
    loaded.add_texts(["新增的一段"], [{"report_id": "d"}], ids=["extra"])
    assert loaded.save(tmp_path / "s") == "2"
    assert (tmp_path / "s" / first / "vectors.faiss").stat().st_mtime_ns == written
    state = json.loads((tmp_path / "s" / "state-00000002.json").read_text(encoding="utf-8"))
    assert state["segments"][0] == first and len(state["segments"]) == 2 and state["dead"] == {first: [2]}
    again = FaissStore.load(tmp_path / "s", FakeEmbeddings())
    assert len(again) == 4 and "carry" not in again.ids and "extra" in again.ids
    assert not again.similarity_search("结转下年度继续办理5件", k=4, filter={"report_id": "b"})
    # the first version is still there, whole, until pruned
    assert len(FaissStore.load(tmp_path / "s", FakeEmbeddings(), version="1")) == 4
    again.prune()
    assert sorted(p.name for p in (tmp_path / "s").glob("state-*")) == ["state-00000002.json"]


def test_many_deletes_merge_the_segments_dropping_dead_rows(store: FaissStore, tmp_path: Path) -> None:
    store.save(tmp_path / "s")
    store.delete(["new", "query"])
    store.add_texts(["另一段"], [{"report_id": "e"}], ids=["other"])
    store.save(tmp_path / "s")
    assert len(store.segments) == 1 and len(store) == 3
    state = json.loads((tmp_path / "s" / "state-00000002.json").read_text(encoding="utf-8"))
    assert state["dead"] == {} and sorted(FaissStore.load(tmp_path / "s", FakeEmbeddings()).ids) == [
        "carry", "hotline", "other"]


def test_empty_store_searches_saves_and_loads(tmp_path: Path) -> None:
    store = FaissStore(FakeEmbeddings())
    assert store.similarity_search("任何", k=3) == []
    store.save(tmp_path / "empty")
    assert len(FaissStore.load(tmp_path / "empty", FakeEmbeddings())) == 0


def test_bad_input_is_rejected_with_the_reason(store: FaissStore, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="k must be at least 1"):
        store.similarity_search("申请", k=0)
    with pytest.raises(ValueError, match="2 texts, 1 metadatas"):
        store.add_texts(["a", "b"], [{}])
    store.save(tmp_path / "s")
    other_model = FaissStore.load(tmp_path / "s", FakeEmbeddings(dim=128))
    with pytest.raises(ValueError, match="dimension 128 cannot go into an index of dimension 256"):
        other_model.add_texts(["x"])


def test_merge_plan_merges_all_on_many_dead_rows_and_the_small_segments_on_many_segments() -> None:
    from index.segments import MAX_SEGMENTS, merge_plan

    few = [[0] * 4, [0] * 2]
    assert merge_plan(few, dead_rows=1) is None
    assert merge_plan(few, dead_rows=2) == (few, [])
    # a first build's one large segment and a dozen uploads: the uploads merge, the large one stays
    uploads = [[0] * (i + 1) for i in range(MAX_SEGMENTS)]
    large = [0] * 1000
    merged, kept = merge_plan([large, *uploads], dead_rows=0) or ([], [])
    assert kept == [large] and merged == uploads
    # a batched build's eight large segments and five uploads: only the uploads are rewritten
    batches = [[0] * 1250 for _ in range(8)]
    small = [[0] * 13 for _ in range(MAX_SEGMENTS + 1 - 8)]
    merged, kept = merge_plan(batches + small, dead_rows=0) or ([], [])
    assert all(m is s for m, s in zip(merged, small, strict=True)) and all(k is b for k, b in zip(kept, batches, strict=True))
    # segments of one size merge together
    equal = [[0] * 5 for _ in range(MAX_SEGMENTS + 1)]
    assert merge_plan(equal, dead_rows=0) == (equal, [])
