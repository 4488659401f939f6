from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from pydantic import ValidationError

from corpus import Settings
from index import FakeEmbeddings, SentenceTransformerEmbeddings, make_embeddings


def cosine(a: list[float], b: list[float]) -> float:
    return float(np.dot(a, b))


def test_fake_embeddings_are_deterministic_and_normalised() -> None:
    fake = FakeEmbeddings()
    first = fake.embed_documents(["结转下年度继续办理", ""])
    assert first == FakeEmbeddings().embed_documents(["结转下年度继续办理", ""])
    assert len(first[0]) == 256 and np.linalg.norm(first[0]) == pytest.approx(1.0)
    assert np.linalg.norm(first[1]) == pytest.approx(1.0)
    assert fake.embed_query("结转下年度继续办理") == first[0]


def test_fake_embeddings_put_similar_chinese_strings_closer() -> None:
    fake = FakeEmbeddings()
    query = fake.embed_query("有多少件申请结转下年度")
    near, far = fake.embed_documents(["结转下年度继续办理5件", "热线满意率98.69%"])
    assert cosine(query, near) > cosine(query, far)


def test_embedding_settings_reject_typos() -> None:
    with pytest.raises(ValidationError):
        FakeEmbeddings(dims=3)  # type: ignore[call-arg]
    with pytest.raises(ValidationError):
        SentenceTransformerEmbeddings(model_name="m", batchsize=8)  # type: ignore[call-arg]


def test_make_embeddings_uses_the_configured_model_without_loading_it(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, corpus=tmp_path, embedding_model="BAAI/bge-small-zh-v1.5")
    embeddings = make_embeddings(settings)
    inner = embeddings.inner  # behind the vector cache; a hub name is not exportable, so the torch backend
    assert isinstance(inner, SentenceTransformerEmbeddings)
    assert embeddings.model_name == "BAAI/bge-small-zh-v1.5" and inner._model is None


@pytest.mark.e2e
def test_real_model_uses_query_and_passage_prompts_and_normalises(
    tmp_path_factory: pytest.TempPathFactory, models_dir: Path
) -> None:
    home = tmp_path_factory.mktemp("home")
    settings = Settings(home=home, corpus=home, embedding_backend="torch", embedding_cache=False, models_dir=models_dir)
    embeddings = make_embeddings(settings)
    assert isinstance(embeddings, SentenceTransformerEmbeddings)
    model = embeddings.model
    assert model.prompts["query"] == "query: " and model.prompts["passage"] == "passage: "
    text = "2020年,我局共受理政府信息公开申请118件。"
    passage = np.asarray(embeddings.embed_documents([text])[0])
    query = np.asarray(embeddings.embed_query(text))
    expected = model.encode(["passage: " + text], normalize_embeddings=True)[0]
    assert passage.shape == (384,) and np.linalg.norm(passage) == pytest.approx(1.0, abs=1e-5)
    assert np.allclose(passage, expected, atol=1e-5)
    assert not np.allclose(passage, query, atol=1e-3)  # the prompts differ
    question = embeddings.embed_query("受理了多少件申请?")
    other = embeddings.embed_documents(["热线满意率98.69%"])[0]
    assert cosine(question, passage.tolist()) > cosine(question, other)
