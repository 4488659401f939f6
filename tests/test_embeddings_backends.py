"""The ONNX (fp32, int8) and static backends of the real e5 model, exported once per test session."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from corpus import Settings
from index.embed_cache import CachedEmbeddings
from index.embedding_model import build_e5_small, default_model_path
from index.embeddings import EmbeddingBackendError, TieredEmbeddings, make_backend, make_embeddings
from index.onnx_backend import OnnxEmbeddings, export_onnx, onnx_dir

SENTENCES = [
    "2020年,我局共受理政府信息公开申请118件。",
    "12348热线满意率98.69%。",
    "本年度未收取信息处理费。",
    "因政府信息公开申请提起行政复议2件，行政诉讼1件。",
    "我局通过门户网站主动公开政府信息3560条，其中规范性文件12件，部门文件以及其他各类信息3548条，较好地保障了公众的知情权。",
    "存在的主要问题",
]


@pytest.fixture(scope="session")
def e5(models_dir: Path) -> tuple[Path, Path]:
    """(models folder, model folder): the e5 model built from the wheel, once per session."""
    return models_dir, build_e5_small(default_model_path(models_dir))


@pytest.fixture(scope="session")
def reference(e5: tuple[Path, Path]) -> tuple[np.ndarray, np.ndarray]:
    """Plain sentence-transformers fp32 vectors of SENTENCES: (passages, queries)."""
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(e5[1]), device="cpu")
    passages = model.encode(["passage: " + s for s in SENTENCES], normalize_embeddings=True)
    queries = model.encode(["query: " + s for s in SENTENCES], normalize_embeddings=True)
    return np.asarray(passages), np.asarray(queries)


@pytest.mark.e2e
def test_onnx_fp32_gives_the_sentence_transformers_vectors_with_the_prompts(e5, reference) -> None:
    onnx = OnnxEmbeddings(model_dir=e5[1], models=e5[0], variant="fp32")
    passages = np.asarray(onnx.embed_documents(SENTENCES))
    assert passages.shape == (len(SENTENCES), 384)
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-5)
    assert (passages * reference[0]).sum(1).min() > 0.9999
    query = np.asarray(onnx.embed_query(SENTENCES[1]))
    assert float(query @ reference[1][1]) > 0.9999 and float(query @ passages[1]) < 0.99  # the query prompt


@pytest.mark.e2e
def test_onnx_batches_by_length_and_restores_the_input_order(e5) -> None:
    onnx = OnnxEmbeddings(model_dir=e5[1], models=e5[0], variant="fp32", batch_size=2)
    together = np.asarray(onnx.embed_documents(SENTENCES))
    alone = np.asarray([onnx.embed_documents([s])[0] for s in SENTENCES])
    assert np.allclose(together, alone, atol=1e-4)


@pytest.mark.e2e
def test_onnx_int8_stays_close_to_fp32_and_ranks_the_same(e5, reference) -> None:
    int8 = OnnxEmbeddings(model_dir=e5[1], models=e5[0], variant="int8")
    passages = np.asarray(int8.embed_documents(SENTENCES))
    cosine = (passages * reference[0]).sum(1)
    assert cosine.min() > 0.98 and cosine.mean() > 0.99
    question = np.asarray(int8.embed_query("热线满意率是多少？"))
    assert int(np.argmax(passages @ question)) == 1 == int(np.argmax(reference[0] @ question))


@pytest.mark.e2e
def test_onnx_int8_embeds_questions_in_fp32_so_the_semantic_reading_keeps_its_calibration(e5, reference) -> None:
    int8 = OnnxEmbeddings(model_dir=e5[1], models=e5[0], variant="int8")
    queries = np.asarray([int8.embed_query(s) for s in SENTENCES])
    assert (queries * reference[1]).sum(1).min() > 0.9999


@pytest.mark.e2e
def test_the_export_is_made_once_and_reused(e5) -> None:
    first = export_onnx(e5[1], e5[0], "int8")
    stamp = first.stat().st_mtime_ns
    assert export_onnx(e5[1], e5[0], "int8") == first and first.stat().st_mtime_ns == stamp
    folder = onnx_dir(e5[1], e5[0])
    assert sorted(p.name for p in folder.iterdir()) == ["model-fp32.onnx", "model-int8.onnx"]  # no temp left


@pytest.mark.e2e
def test_the_default_backend_is_onnx_int8_behind_the_cache(e5, tmp_path: Path) -> None:
    models, _ = e5
    embeddings = make_embeddings(Settings(home=tmp_path, corpus=tmp_path, models_dir=models))
    assert isinstance(embeddings, CachedEmbeddings) and isinstance(embeddings.inner, OnnxEmbeddings)
    assert embeddings.model_name.endswith("#onnx-int8") and embeddings.inner.variant == "int8"
    torch = make_embeddings(Settings(home=tmp_path, corpus=tmp_path, embedding_backend="torch", models_dir=models))
    assert torch.model_name == str(default_model_path(models))  # the name indexes built before this had


@pytest.mark.e2e
def test_static_model_is_a_lookup_of_distilled_token_vectors(e5) -> None:
    from model2vec import StaticModel
    from tokenizers import Tokenizer

    from index.static_model import STATIC_DIMS, StaticEmbeddings, distill_static

    models, model_dir = e5
    tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    kept = sorted({i for s in SENTENCES[:4] for i in tokenizer.encode(s, add_special_tokens=False).ids})
    folder = distill_static(model_dir, models, token_ids=kept)
    static = StaticModel.from_pretrained(str(folder))
    vectors = static.encode(SENTENCES[:4] + ["完全不同的句子"])
    assert vectors.shape == (5, STATIC_DIMS)
    assert np.allclose(np.linalg.norm(vectors[:4], axis=1), 1.0, atol=1e-5)
    ids = static.tokenize([SENTENCES[1]])[0]
    table = static.embedding[static.token_mapping[ids]]
    expected = table.mean(0) / np.linalg.norm(table.mean(0))
    assert np.allclose(vectors[1], expected, atol=1e-5)
    unknown = [i for i in tokenizer.encode("完全不同的句子", add_special_tokens=False).ids if i not in kept]
    assert unknown and not static.embedding[static.token_mapping[unknown]].any()  # tokens not kept: zero rows
    assert StaticEmbeddings(model_dir=model_dir, models=models).model_name.endswith(f"#static-{STATIC_DIMS}")


@pytest.mark.e2e
def test_the_static_backend_embeds_chunks_statically_and_reads_questions_with_e5(e5, tmp_path: Path) -> None:
    from index.static_model import StaticEmbeddings

    models, _ = e5
    tiered = make_embeddings(Settings(home=tmp_path, corpus=tmp_path, embedding_backend="static", models_dir=models))
    assert isinstance(tiered, TieredEmbeddings) and isinstance(tiered.questions, OnnxEmbeddings)
    assert isinstance(tiered.passages, CachedEmbeddings) and isinstance(tiered.passages.inner, StaticEmbeddings)
    assert tiered.model_name.endswith("#static-256|questions=" + str(default_model_path(models)) + "#onnx-int8")


def test_an_unknown_backend_or_a_hub_model_for_onnx_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(EmbeddingBackendError, match="use one of torch, onnx, onnx-int8, static"):
        make_backend(Settings(home=tmp_path, corpus=tmp_path, embedding_backend="onnx-int4"))
    hub = Settings(home=tmp_path, corpus=tmp_path, embedding_model="BAAI/bge-small-zh-v1.5", embedding_backend="onnx")
    with pytest.raises(EmbeddingBackendError, match="REPORTQA_EMBEDDING_BACKEND=torch"):
        make_backend(hub)
