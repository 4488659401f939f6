"""Embeddings behind LangChain's interface: a sentence-transformers model, and a fast deterministic fake."""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from langchain_core.embeddings import Embeddings
from pydantic import BaseModel, ConfigDict, PrivateAttr

from corpus.errors import IndexError_
from corpus.settings import Settings

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

log = logging.getLogger(__name__)
PROGRESS_MIN_TEXTS = 256  # show a progress bar from this many texts on


class EmbeddingBackendError(IndexError_):
    """An embedding backend or model cannot be used as configured (unknown name, unsupported model)."""


class SentenceTransformerEmbeddings(BaseModel, Embeddings):
    """A sentence-transformers model on the CPU: normalised float32 vectors, with its query/passage prompts.

    The model is loaded on first use, so opening an unchanged index never loads it.
    """

    model_config = ConfigDict(extra="forbid")

    model_name: str
    batch_size: int = 32
    device: str = "cpu"
    show_progress: bool = True
    _model: SentenceTransformer | None = PrivateAttr(default=None)

    @property
    def model(self) -> SentenceTransformer:
        """The loaded model (loaded, with the thread count set, on first access)."""
        if self._model is None:
            import torch
            from sentence_transformers import SentenceTransformer

            # Measured on the 2-core build machine: +12% throughput even though torch already reports 2.
            torch.set_num_threads(min(2, os.cpu_count() or 1))
            log.info("loading embedding model %s", self.model_name)
            self._model = SentenceTransformer(self.model_name, device=self.device)
        return self._model

    def _prompt(self, name: str) -> str | None:
        """`name` if the model defines that prompt (e5: 'query: ' / 'passage: '), else None."""
        return name if self.model.prompts.get(name) else None

    def _encode(self, texts: list[str], prompt_name: str | None) -> np.ndarray:
        """Encode with the model's batch size, normalised, as a float32 matrix."""
        vectors = self.model.encode(
            texts,
            prompt_name=prompt_name,
            batch_size=self.batch_size,
            show_progress_bar=self.show_progress and len(texts) >= PROGRESS_MIN_TEXTS,
            convert_to_numpy=True,
            normalize_embeddings=True,
        )
        return np.asarray(vectors, dtype=np.float32)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed passages (with the model's 'passage' prompt when it has one)."""
        if not texts:
            return []
        return self._encode(list(texts), self._prompt("passage")).tolist()

    def embed_query(self, text: str) -> list[float]:
        """Embed a question (with the model's 'query' prompt when it has one)."""
        vectors: list[list[float]] = self._encode([text], self._prompt("query")).tolist()
        return vectors[0]


class FakeEmbeddings(BaseModel, Embeddings):
    """Deterministic embeddings for tests: hashed character uni- and bi-grams, L2-normalised.

    Strings that share characters get similar vectors, which is enough to test retrieval wiring.
    """

    model_config = ConfigDict(extra="forbid")

    dim: int = 256

    @property
    def model_name(self) -> str:
        """A name recorded in index manifests (a different `dim` is a different model)."""
        return f"fake-{self.dim}"

    def _bucket(self, gram: str) -> int:
        """A stable bucket for an n-gram (Python's `hash` is salted per process)."""
        return (
            int.from_bytes(hashlib.blake2b(gram.encode("utf-8"), digest_size=8).digest(), "little") % self.dim
        )

    def _vector(self, text: str) -> list[float]:
        """The normalised n-gram count vector of one text."""
        vector = np.zeros(self.dim, dtype=np.float32)
        chars = [ch for ch in text.lower() if not ch.isspace()]
        grams = chars + [a + b for a, b in zip(chars, chars[1:], strict=False)]
        for gram in grams:
            vector[self._bucket(gram)] += 1.0
        norm = float(np.linalg.norm(vector))
        if norm == 0.0:
            vector[0], norm = 1.0, 1.0
        result: list[float] = (vector / norm).tolist()
        return result

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed each text."""
        return [self._vector(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        """Embed a query the same way as a document."""
        return self._vector(text)


class TieredEmbeddings(Embeddings):
    """Two models: `passages` for the chunk store (its chunks and the questions searched against them), `questions` else.

    `questions` is what everything but the store calls: the semantic reading of questions (qa/semantic.py).

    At scale the chunks go through a static model (thousands a second) while the reading that picks a table
    row keeps e5, whose similarities its floor and margin were calibrated on (a wrong row is a wrong figure).
    """

    def __init__(self, passages: Embeddings, questions: Embeddings) -> None:
        self.passages = passages
        self.questions = questions

    @property
    def model_name(self) -> str:
        """Both models' names: a change of either rebuilds the index and the description cache."""
        return f"{embedding_name(self.passages)}|questions={embedding_name(self.questions)}"

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed texts with the `questions` model (the store embeds its chunks with `passages`)."""
        return self.questions.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        """Embed a question with the `questions` model."""
        return self.questions.embed_query(text)


def passage_embeddings(embeddings: Embeddings) -> Embeddings:
    """The model a chunk store embeds with: `passages` of a `TieredEmbeddings`, else the model itself."""
    return embeddings.passages if isinstance(embeddings, TieredEmbeddings) else embeddings


def embedding_name(embeddings: Embeddings) -> str:
    """The name identifying an embedding model in an index manifest (a change forces a rebuild)."""
    name = getattr(embeddings, "model_name", None)
    return str(name) if name else type(embeddings).__name__


BACKENDS = ("torch", "onnx", "onnx-int8", "static")
DEFAULT_BACKEND = "onnx-int8"  # measured by bench/bench_embed.py: the fastest that keeps recall@5 (README)


def local_model_dir(name_or_path: str) -> Path | None:
    """The folder of a model given by path, or of a hub name in the local Hugging Face cache (no network)."""
    if Path(name_or_path).is_dir():
        return Path(name_or_path)
    try:
        from huggingface_hub import snapshot_download

        return Path(snapshot_download(name_or_path, local_files_only=True))
    except Exception:  # not cached (or not a hub name): only the torch backend can load it
        return None


def _exportable(folder: Path | None) -> bool:
    """True if the ONNX and static backends can take this model folder (a mean-pooling transformer)."""
    if folder is None or not (folder / "config.json").is_file():
        return False
    pooling = folder / "1_Pooling" / "config.json"
    return pooling.is_file() and bool(json.loads(pooling.read_text(encoding="utf-8")).get("pooling_mode_mean_tokens"))


def make_backend(settings: Settings, **kwargs: Any) -> Embeddings:
    """The configured model (`REPORTQA_EMBEDDING_MODEL`) on the configured backend (`REPORTQA_EMBEDDING_BACKEND`).

    Unset, the backend is `DEFAULT_BACKEND` where the model allows it (a local mean-pooling model), else torch.
    """
    from index.embedding_model import resolve_model

    backend = settings.embedding_backend
    if backend is not None and backend not in BACKENDS:
        raise EmbeddingBackendError(
            f"unknown REPORTQA_EMBEDDING_BACKEND {backend!r}; use one of {', '.join(BACKENDS)}"
        )
    name = resolve_model(settings.embedding_model, settings.models)
    folder = local_model_dir(name) if backend != "torch" else None
    if backend is None:
        backend = DEFAULT_BACKEND if _exportable(folder) else "torch"
    elif backend != "torch" and not _exportable(folder):
        raise EmbeddingBackendError(
            f"the {backend} backend needs a local mean-pooling model folder, and {name!r} is not one "
            "(nor in the Hugging Face cache); set REPORTQA_EMBEDDING_BACKEND=torch"
        )
    log.info("embedding model %s on the %s backend", name, backend)
    if backend in ("onnx", "onnx-int8", "static") and folder is not None:
        from index.onnx_backend import OnnxEmbeddings

        variant = "int8" if backend != "onnx" else "fp32"
        onnx_kwargs = {k: v for k, v in kwargs.items() if k in ("batch_size",)}
        onnx = OnnxEmbeddings(model_dir=folder, models=settings.models, variant=variant, **onnx_kwargs)
        if backend != "static":
            return onnx
        from index.static_model import StaticEmbeddings

        return TieredEmbeddings(passages=StaticEmbeddings(model_dir=folder, models=settings.models), questions=onnx)
    return SentenceTransformerEmbeddings(model_name=name, **kwargs)


def make_embeddings(settings: Settings, **kwargs: Any) -> Embeddings:
    """The configured embeddings, the chunks' model behind the vector cache unless `REPORTQA_EMBEDDING_CACHE=0`."""
    backend = make_backend(settings, **kwargs)
    if not settings.embedding_cache:
        return backend
    from index.embed_cache import CACHE_FILE, CachedEmbeddings

    path = settings.home / "embeddings" / CACHE_FILE
    if isinstance(backend, TieredEmbeddings):
        return TieredEmbeddings(passages=CachedEmbeddings(backend.passages, path, progress=True), questions=backend.questions)
    return CachedEmbeddings(backend, path, progress=True)
