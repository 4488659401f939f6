"""A static embedding model (model2vec) distilled offline from the local e5 model: a vector per token.

Distillation follows model2vec's recipe (`model2vec.distill`): every kept token is run through the
transformer alone (`<s> token </s>`, mean-pooled), the vectors are reduced by PCA to `STATIC_DIMS`, and
each is scaled by its SIF weight (Zipf frequency estimated from the token's rank). It is done here rather
than with `model2vec[distill]`, whose tokenizer package pins transformers below the version this project
runs; the result is a plain `model2vec.StaticModel`. Only tokens with a CJK character and the most
frequent `COMMON_TOKENS` pieces are distilled (the others map to a zero row, which a mean ignores), so a
build takes about a minute on two cores. Encoding is a lookup and a mean: thousands of chunks a second.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from langchain_core.embeddings import Embeddings
from pydantic import BaseModel, ConfigDict, PrivateAttr
from tqdm import tqdm

from index.embeddings import EmbeddingBackendError
from index.onnx_backend import default_threads, export_onnx

if TYPE_CHECKING:
    from model2vec import StaticModel

log = logging.getLogger(__name__)
STATIC_DIMS = 256
COMMON_TOKENS = 30000  # the lowest ids of a SentencePiece vocabulary are its most frequent pieces
SIF_COEFFICIENT = 1e-4
_BATCH = 1024
_STATIC_VERSION = 1  # bump when the recipe changes: cached models are then rebuilt
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def static_dir(model_dir: Path, models: Path) -> Path:
    """Where the static model distilled from `model_dir` is cached in the models folder (`Settings.models`)."""
    key = hashlib.sha256(f"{_STATIC_VERSION}|{STATIC_DIMS}|{COMMON_TOKENS}".encode()).hexdigest()[:8]
    return Path(models) / "static" / f"{Path(model_dir).name}-{key}"


def kept_tokens(pieces: list[str], special: set[int]) -> list[int]:
    """Token ids to distill: the `COMMON_TOKENS` most frequent pieces and every piece with a CJK character."""
    return [i for i, piece in enumerate(pieces) if i not in special and (i < COMMON_TOKENS or _CJK.search(piece))]


def _token_vectors(model_dir: Path, models: Path, ids: list[int], bos: int, eos: int) -> np.ndarray:
    """Each token's mean-pooled output, run alone between `<s>` and `</s>` (the fp32 ONNX export, 2 threads)."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = default_threads()
    session = onnxruntime.InferenceSession(
        str(export_onnx(model_dir, models, "fp32")), options, providers=["CPUExecutionProvider"]
    )
    out = np.zeros((len(ids), 0), dtype=np.float32)
    for at in tqdm(range(0, len(ids), _BATCH), desc="distil static model", unit="batch"):
        part = np.asarray(ids[at : at + _BATCH], dtype=np.int64)
        feeds = {"input_ids": np.stack([np.full_like(part, bos), part, np.full_like(part, eos)], axis=1)}
        feeds["attention_mask"] = np.ones_like(feeds["input_ids"])
        vectors = np.asarray(session.run(["embedding"], feeds)[0], dtype=np.float32)
        if out.shape[1] == 0:
            out = np.zeros((len(ids), vectors.shape[1]), dtype=np.float32)
        out[at : at + len(part)] = vectors
    return out


def _pca(vectors: np.ndarray, dims: int) -> np.ndarray:
    """Project centred vectors on their `dims` principal axes (all of them when there are fewer)."""
    centred = vectors - vectors.mean(axis=0)
    values, axes = np.linalg.eigh(centred.T @ centred / max(len(vectors) - 1, 1))
    top = axes[:, np.argsort(values)[::-1][: min(dims, vectors.shape[1])]]
    projected: np.ndarray = centred @ top
    return projected


def _sif_weights(ids: list[int], vocab_size: int) -> np.ndarray:
    """SIF weight a / (a + p) with p the Zipf probability of the token's rank (its id) in the vocabulary."""
    inv_rank = 1.0 / np.arange(2, vocab_size + 2)
    proba = inv_rank / inv_rank.sum()
    weights: np.ndarray = SIF_COEFFICIENT / (SIF_COEFFICIENT + proba[np.asarray(ids)])
    return weights


def distill_static(model_dir: Path, models: Path, token_ids: list[int] | None = None) -> Path:
    """The static model of `model_dir`, distilled on first use (offline) and cached in `models`.

    `token_ids` overrides which tokens are distilled (tests distil a few hundred); others map to zero.
    """
    from model2vec import StaticModel
    from tokenizers import Tokenizer

    model_dir = Path(model_dir)
    target = static_dir(model_dir, models) if token_ids is None else Path(models) / "static" / "custom"
    if (target / "config.json").is_file():
        return target
    spec = json.loads((model_dir / "tokenizer.json").read_text(encoding="utf-8"))
    pieces = [piece for piece, _score in spec["model"]["vocab"]]
    special = {int(t["id"]) for t in spec.get("added_tokens", [])}
    tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    bos, eos = tokenizer.token_to_id("<s>"), tokenizer.token_to_id("</s>")
    if bos is None or eos is None:
        raise EmbeddingBackendError(f"{model_dir}: the static backend needs a tokenizer with <s> and </s> tokens")
    ids = sorted(set(token_ids)) if token_ids is not None else kept_tokens(pieces, special)
    log.info("distilling a static model from %s (%d of %d tokens)", model_dir, len(ids), len(pieces))
    vectors = _pca(_token_vectors(model_dir, models, ids, bos, eos), STATIC_DIMS) * _sif_weights(ids, len(pieces))[:, None]
    table = np.vstack([np.zeros((1, vectors.shape[1])), vectors]).astype(np.float32)  # row 0: tokens not kept
    mapping = np.zeros(len(pieces), dtype=np.int64)
    mapping[np.asarray(ids)] = np.arange(1, len(ids) + 1)
    config: dict[str, Any] = {"model_type": "model2vec", "architectures": ["StaticModel"], "apply_pca": STATIC_DIMS,
                              "sif_coefficient": SIF_COEFFICIENT, "hidden_dim": int(table.shape[1]), "normalize": True,
                              "seq_length": 1000000, "pooling": "mean", "distilled_from": str(model_dir)}  # fmt: skip
    model = StaticModel(vectors=table, tokenizer=tokenizer, config=config, normalize=True,
                        base_model_name=model_dir.name, token_mapping=mapping)  # fmt: skip
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        model.save_pretrained(str(tmp))
        if target.exists():
            shutil.rmtree(target)
        os.replace(tmp, target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target


class StaticEmbeddings(BaseModel, Embeddings):
    """A model2vec static model distilled from the local e5: normalised vectors, no prompts, no transformer."""

    model_config = ConfigDict(extra="forbid")

    model_dir: Path
    models: Path  # the models folder it is distilled into (`Settings.models`)
    _model: StaticModel | None = PrivateAttr(default=None)

    @property
    def model_name(self) -> str:
        """The name recorded in manifests and cache keys."""
        return f"{self.model_dir}#static-{STATIC_DIMS}"

    @property
    def model(self) -> StaticModel:
        """The static model (distilled on first use)."""
        if self._model is None:
            from model2vec import StaticModel

            self._model = StaticModel.from_pretrained(str(distill_static(self.model_dir, self.models)))
        return self._model

    def encode(self, texts: list[str]) -> np.ndarray:
        """Normalised vectors of `texts` (as they are: a static model has no prompts)."""
        return np.asarray(self.model.encode(texts, show_progress_bar=False), dtype=np.float32)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed passages."""
        return self.encode(list(texts)).tolist() if texts else []

    def embed_query(self, text: str) -> list[float]:
        """Embed a question the same way."""
        vector: list[float] = self.encode([text])[0].tolist()
        return vector
