"""The persistent embedding cache: each (model, text) embedded once, across calls, restarts and a kill."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from corpus import Settings
from index import CorpusIndex, FakeEmbeddings
from index.embed_cache import WRITE_BATCH, CachedEmbeddings, VectorCache, cache_key
from index.embedding_model import default_model_path
from index.embeddings import TieredEmbeddings, make_backend, make_embeddings
from index.onnx_backend import OnnxEmbeddings

ROOT = Path(__file__).resolve().parent.parent


class Slow(OnnxEmbeddings):
    """A transformer backend as the build sees it, embedding like the fake (nothing is exported or loaded)."""

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return FakeEmbeddings().embed_documents(texts)


class CountingFake(FakeEmbeddings):
    """FakeEmbeddings that records every batch it is asked to embed."""

    calls: list[list[str]] = []

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.calls.append(list(texts))
        return super().embed_documents(texts)


@pytest.fixture
def counting() -> CountingFake:
    fake = CountingFake()
    fake.calls = []
    return fake


def test_identical_texts_are_embedded_once_and_come_back_in_input_order(tmp_path: Path, counting: CountingFake) -> None:
    cached = CachedEmbeddings(counting, tmp_path / "c.sqlite")
    texts = ["短", "一段更长的文字，结转下年度继续办理", "短", "中等长度的句子"]
    vectors = cached.embed_documents(texts)
    assert vectors == FakeEmbeddings().embed_documents(texts)
    assert counting.calls == [["一段更长的文字，结转下年度继续办理", "中等长度的句子", "短"]]  # distinct, longest first
    assert (cached.hits, cached.misses) == (1, 3)
    assert cached.embed_documents(["中等长度的句子", "短"]) == vectors[3:1:-1]
    assert len(counting.calls) == 1 and cached.hits == 3


def test_cache_survives_a_restart_and_is_keyed_by_model(tmp_path: Path, counting: CountingFake) -> None:
    path = tmp_path / "c.sqlite"
    CachedEmbeddings(counting, path).embed_documents(["申请118件", "热线满意率98.69%"])
    again = CachedEmbeddings(counting, path)
    assert again.embed_documents(["热线满意率98.69%"]) == FakeEmbeddings().embed_documents(["热线满意率98.69%"])
    assert len(counting.calls) == 1 and again.misses == 0
    other = CachedEmbeddings(FakeEmbeddings(dim=64), path)  # another model: other keys
    assert len(other.embed_documents(["申请118件"])[0]) == 64 and other.misses == 1
    assert len(VectorCache(path)) == 3
    assert cache_key("fake-256", "申请118件") != cache_key("fake-64", "申请118件")


def test_queries_pass_through_uncached_and_the_model_name_is_the_inner_one(tmp_path: Path, counting: CountingFake) -> None:
    cached = CachedEmbeddings(counting, tmp_path / "c.sqlite")
    assert cached.embed_query("有多少件申请？") == FakeEmbeddings().embed_query("有多少件申请？")
    assert cached.model_name == "fake-256" and len(VectorCache(tmp_path / "c.sqlite")) == 0
    assert cached.embed_documents([]) == [] and counting.calls == []


def test_fill_embeds_only_what_is_missing(tmp_path: Path, counting: CountingFake) -> None:
    cached = CachedEmbeddings(counting, tmp_path / "c.sqlite")
    assert cached.fill(["甲", "乙乙", "甲"]) == 2
    assert cached.fill(["甲", "乙乙", "丙丙丙"]) == 1
    assert counting.calls == [["乙乙", "甲"], ["丙丙丙"]]


_WRITER = """
import sys, time
sys.path.insert(0, sys.argv[1])
from index import FakeEmbeddings
from index.embed_cache import CachedEmbeddings

class Slow(FakeEmbeddings):
    def embed_documents(self, texts):
        print("batch", flush=True)
        time.sleep(0.3)
        return super().embed_documents(texts)

CachedEmbeddings(Slow(), sys.argv[2]).embed_documents([f"第{i}段文字" * (1 + i % 7) for i in range(20 * {batch})])
"""


def test_a_process_killed_mid_write_leaves_only_whole_committed_batches(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite"
    script = _WRITER.replace("{batch}", str(WRITE_BATCH))
    proc = subprocess.Popen([sys.executable, "-c", script, str(ROOT), str(path)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    for _ in range(3):  # wait until the third batch is being embedded: two are committed
        assert proc.stdout.readline().strip() == "batch"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    cache = VectorCache(path)
    stored = len(cache)
    assert stored in (2 * WRITE_BATCH, 3 * WRITE_BATCH)
    texts = [f"第{i}段文字" * (1 + i % 7) for i in range(20 * WRITE_BATCH)]
    found = cache.get([cache_key("fake-256", t) for t in texts])
    assert len(found) == stored
    fake = FakeEmbeddings()
    for text in texts:
        key = cache_key("fake-256", text)
        if key in found:
            assert np.allclose(found[key], fake.embed_documents([text])[0])
    resumed = CachedEmbeddings(fake, path)
    assert resumed.embed_documents(texts) == fake.embed_documents(texts)
    assert resumed.misses == len(texts) - stored


def test_an_index_of_two_copies_of_a_report_embeds_each_chunk_once(tmp_path: Path, reports_dir: Path, counting: CountingFake) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    name = "000_shanghai_justice_bureau_2020.txt"
    shutil.copy(reports_dir / "txt" / name, corpus / name)
    shutil.copy(reports_dir / "txt" / name, corpus / ("copy_" + name))
    cached = CachedEmbeddings(counting, tmp_path / "home" / "c.sqlite")
    index = CorpusIndex.open(corpus, cached, tmp_path / "home", progress=False)
    assert len(index.store) == 2 * cached.misses and cached.misses > 3
    assert sum(len(c) for c in counting.calls) == cached.misses
    started = len(counting.calls)
    CorpusIndex.open(corpus, CachedEmbeddings(counting, tmp_path / "home" / "c.sqlite"), tmp_path / "home2", progress=False)
    assert len(counting.calls) == started  # a fresh index of the same texts: every vector from the cache


def test_a_tiered_model_stores_chunks_with_its_passage_model_and_reads_questions_with_the_other(tmp_path: Path, reports_dir: Path, counting: CountingFake) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(reports_dir / "txt" / "000_shanghai_justice_bureau_2020.txt", corpus / "a.txt")
    passages = CachedEmbeddings(counting, tmp_path / "c.sqlite")
    tiered = TieredEmbeddings(passages=passages, questions=FakeEmbeddings(dim=64))
    index = CorpusIndex.open(corpus, tiered, tmp_path / "home", progress=False)
    assert index.store.embeddings is passages and passages.misses == len(index.store) > 3
    hit = index.store.similarity_search("热线满意率", k=1)[0]
    assert "满意率" in hit.page_content  # searched in the passage model's (256-d) space
    assert len(index.embeddings.embed_query("热线满意率")) == 64
    assert tiered.model_name == "fake-256|questions=fake-64"
    again = CorpusIndex.open(corpus, TieredEmbeddings(passages=passages, questions=FakeEmbeddings(dim=64)), tmp_path / "home", progress=False)
    assert len(again.store) == len(index.store) and passages.misses == len(index.store)  # reloaded, not re-embedded


def test_make_embeddings_wraps_the_backend_in_the_cache_unless_disabled(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, corpus=tmp_path, embedding_model="BAAI/bge-small-zh-v1.5")
    wrapped = make_embeddings(settings)
    assert isinstance(wrapped, CachedEmbeddings) and wrapped.cache.path == tmp_path / "embeddings" / "embeddings.sqlite"
    plain = make_embeddings(Settings(home=tmp_path, corpus=tmp_path, embedding_model="BAAI/bge-small-zh-v1.5", embedding_cache=False))
    assert not isinstance(plain, CachedEmbeddings) and plain.model_name == "BAAI/bge-small-zh-v1.5"


def test_settings_read_the_embedding_backend_and_cache_switch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REPORTQA_EMBEDDING_BACKEND", " ONNX-int8 ")
    monkeypatch.setenv("REPORTQA_EMBEDDING_CACHE", "0")
    settings = Settings.from_env()
    assert (settings.embedding_backend, settings.embedding_cache) == ("onnx-int8", False)
    monkeypatch.delenv("REPORTQA_EMBEDDING_BACKEND")
    monkeypatch.delenv("REPORTQA_EMBEDDING_CACHE")
    assert (Settings.from_env().embedding_backend, Settings.from_env().embedding_cache) == (None, True)


def test_the_models_folder_is_reportqa_models_else_in_the_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, models_dir: Path
) -> None:
    monkeypatch.setenv("REPORTQA_HOME", str(tmp_path / "home"))
    assert Settings.from_env().models == models_dir  # conftest points REPORTQA_MODELS at the run's folder
    onnx = make_backend(Settings.from_env())  # the model is resolved (built if missing) there, not in the home
    assert isinstance(onnx, OnnxEmbeddings) and onnx.models == models_dir
    assert onnx.model_dir == default_model_path(models_dir) and not (tmp_path / "home").exists()
    monkeypatch.delenv("REPORTQA_MODELS")
    assert Settings.from_env().models == tmp_path / "home" / "models"



def test_a_large_build_through_a_transformer_says_how_long_and_what_is_faster(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """10^4 reports through e5 take hours on two cores: the build says so and names the static backend."""
    from index import embed_cache

    monkeypatch.setattr(embed_cache, "SLOW_BUILD_PASSAGES", 30)
    slow = Slow(model_dir=tmp_path, models=tmp_path)
    with caplog.at_level("WARNING", logger="index.embed_cache"):
        CachedEmbeddings(slow, tmp_path / "a.sqlite").fill([f"第{i}段" for i in range(29)])
        assert not caplog.records  # below the threshold: nothing to say
        CachedEmbeddings(slow, tmp_path / "b.sqlite").fill([f"第{i}段" for i in range(30)])
        CachedEmbeddings(FakeEmbeddings(), tmp_path / "c.sqlite").fill([f"第{i}段" for i in range(40)])
    [record] = caplog.records  # the transformer's large build only, not the fake's
    assert "embedding ≈ 30 chunks" in record.getMessage() and "REPORTQA_EMBEDDING_BACKEND=static" in record.getMessage()


def test_a_batched_build_warns_once_from_its_first_batch_for_the_whole_build(
    tmp_path: Path, reports_dir: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """10^4 reports go in batches of ~16,000 chunks, each under the threshold: the first speaks for all of them."""
    import index.corpus_index as ci
    from corpus import read_report
    from index import embed_cache
    from index.chunks import text_chunks

    corpus = tmp_path / "six"
    corpus.mkdir()
    for path in sorted((reports_dir / "txt").glob("0*.txt"))[:6]:
        shutil.copy(path, corpus / path.name)
    monkeypatch.setattr(ci, "BUILD_BATCH", 2)  # three batches of two reports
    slow = Slow(model_dir=tmp_path, models=tmp_path)
    first = CachedEmbeddings(slow, tmp_path / "probe.sqlite")
    two = [read_report(p, root=corpus) for p in sorted(corpus.glob("*.txt"))[:2]]  # the first batch
    one_batch = first.fill([d.page_content for r in two for d in text_chunks(r)])
    monkeypatch.setattr(embed_cache, "SLOW_BUILD_PASSAGES", one_batch + 1)  # one batch is under it, three are over
    with caplog.at_level("WARNING", logger="index.embed_cache"):
        index = CorpusIndex.load(corpus, CachedEmbeddings(slow, tmp_path / "c.sqlite"), tmp_path / "home", progress=False)
        index.update()
    [record] = [r for r in caplog.records if "REPORTQA_EMBEDDING_BACKEND=static" in r.getMessage()]
    assert f"embedding ≈ {one_batch * 3} chunks" in record.getMessage()



def test_the_first_questions_asked_at_once_share_one_embedding_of_the_descriptions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fresh server's first users arrive together: none reads the descriptions' cache file while another writes it.

    (CI saw an HTTP 500 in the load test: a thread loaded `descriptions-….npy` half written by another.) The disk
    here is slow: each save writes half the file, waits, then the rest; users arrive 5 ms apart.
    """
    import io
    import threading
    import time

    from qa.semantic import SemanticMatcher

    real_save = np.save

    def slow_save(file: Any, array: np.ndarray, *args: object, **kwargs: object) -> None:
        buffer = io.BytesIO()
        real_save(buffer, array)
        data = buffer.getvalue()
        with open(file, "wb") if isinstance(file, str | Path) else contextlib.nullcontext(file) as out:
            out.write(data[: len(data) // 2])
            out.flush()
            time.sleep(0.05)
            out.write(data[len(data) // 2 :])

    monkeypatch.setattr(np, "save", slow_save)
    matcher = SemanticMatcher(FakeEmbeddings(), cache_dir=tmp_path / "models")
    failures: list[BaseException] = []

    def rank() -> None:
        try:
            matcher.rank("本年新收申请多少件")
        except BaseException as exc:  # noqa: BLE001 - any failure of a thread is the finding
            failures.append(exc)

    threads = [threading.Thread(target=rank) for _ in range(12)]
    for thread in threads:
        thread.start()
        time.sleep(0.005)
    for thread in threads:
        thread.join()
    assert failures == []
    assert [p.name.startswith("descriptions-") for p in (tmp_path / "models").iterdir()] == [True]  # no scratch left
    fresh = SemanticMatcher(FakeEmbeddings(), cache_dir=tmp_path / "models")  # another process later: read, not embedded
    assert fresh.rank("本年新收申请多少件") == matcher.rank("本年新收申请多少件")
