"""The same sentence-transformers model on ONNX Runtime: exported offline once, optionally int8-quantised.

`export_onnx` traces the local model folder (transformer + mean pooling + L2 normalisation, the modules
of multilingual-e5-small) with `torch.onnx` and, for `int8`, applies onnxruntime's dynamic quantisation
(int8 weights, activations quantised per batch). Files go under `<models>/onnx/<name>-<key>/` (`Settings.models`),
written aside and renamed into place, so a killed export leaves nothing half-written behind.
`OnnxEmbeddings` runs them with explicit thread counts, texts batched by length.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from langchain_core.embeddings import Embeddings
from pydantic import BaseModel, ConfigDict, PrivateAttr

from index.embeddings import EmbeddingBackendError

if TYPE_CHECKING:
    import onnxruntime

log = logging.getLogger(__name__)
ONNX_VARIANTS = ("fp32", "int8")
_OPSET = 17
_EXPORT_VERSION = 1  # bump when the exported graph changes: every cached export is then redone


def default_threads() -> int:
    """Intra-op threads: every core, at most 2 (measured best on the 2-core build machine)."""
    return min(2, os.cpu_count() or 1)


def _source_key(model_dir: Path) -> str:
    """A short key of the source model (its config and weight files' sizes and mtimes) and the export code."""
    parts = [str(_EXPORT_VERSION)]
    for name in ("config.json", "model.safetensors", "pytorch_model.bin", "tokenizer.json"):
        path = model_dir / name
        if path.is_file():
            stat = path.stat()
            parts.append(f"{name}:{stat.st_size}:{int(stat.st_mtime)}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:12]


def onnx_dir(model_dir: Path, models: Path) -> Path:
    """Where the ONNX exports of `model_dir` are cached in the models folder (`Settings.models`)."""
    return Path(models) / "onnx" / f"{Path(model_dir).name}-{_source_key(Path(model_dir))}"


def _max_length(model_dir: Path) -> int:
    """The model's sequence limit as sentence-transformers applies it (`max_seq_length`, else 512)."""
    config = model_dir / "sentence_bert_config.json"
    if config.is_file():
        return int(json.loads(config.read_text(encoding="utf-8")).get("max_seq_length") or 512)
    return 512


def prompts(model_dir: Path) -> dict[str, str]:
    """The model's named prompts (e5: 'query: ', 'passage: ') from its sentence-transformers config."""
    config = model_dir / "config_sentence_transformers.json"
    if not config.is_file():
        return {}
    found = json.loads(config.read_text(encoding="utf-8")).get("prompts") or {}
    return {str(k): str(v) for k, v in found.items() if v}


def _check_mean_pooling(model_dir: Path) -> None:
    """Refuse a model whose pooling is not the mean over tokens (the exported graph hard-codes it)."""
    config = model_dir / "1_Pooling" / "config.json"
    pooling = json.loads(config.read_text(encoding="utf-8")) if config.is_file() else {}
    if not pooling.get("pooling_mode_mean_tokens"):
        raise EmbeddingBackendError(
            f"{model_dir}: the ONNX backend supports mean-pooling models only; "
            "set REPORTQA_EMBEDDING_BACKEND=torch for this model"
        )


def _export_fp32(model_dir: Path, target: Path) -> None:
    """Trace transformer + mean pooling + normalisation into one ONNX graph at `target`."""
    import torch
    from transformers import AutoModel

    class _Pooled(torch.nn.Module):
        def __init__(self, inner: torch.nn.Module) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            hidden = self.inner(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            mean = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(mean, p=2.0, dim=1)

    model = AutoModel.from_pretrained(str(model_dir), add_pooling_layer=False)
    model.eval()
    sample = (torch.ones(2, 8, dtype=torch.long), torch.ones(2, 8, dtype=torch.long))
    axes = {"input_ids": {0: "batch", 1: "seq"}, "attention_mask": {0: "batch", 1: "seq"}, "embedding": {0: "batch"}}
    with torch.no_grad():
        torch.onnx.export(
            _Pooled(model), sample, str(target), input_names=["input_ids", "attention_mask"],
            output_names=["embedding"], dynamic_axes=axes, opset_version=_OPSET, dynamo=False,
        )  # fmt: skip


def _quantise(source: Path, target: Path) -> None:
    """Dynamic quantisation (onnxruntime): int8 weights of every MatMul, activations quantised at run time."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(str(source), str(target), weight_type=QuantType.QInt8, per_channel=True)


def export_onnx(model_dir: Path, models: Path, variant: str = "int8") -> Path:
    """The ONNX file of `model_dir` for `variant` ('fp32' or 'int8'), exported on first use (offline)."""
    if variant not in ONNX_VARIANTS:
        raise EmbeddingBackendError(f"unknown ONNX variant {variant!r}; use one of {', '.join(ONNX_VARIANTS)}")
    model_dir = Path(model_dir)
    if not (model_dir / "config.json").is_file():
        raise EmbeddingBackendError(
            f"{model_dir} is not a local model folder; the ONNX backend exports local models only "
            "(set REPORTQA_EMBEDDING_BACKEND=torch for a hub model name)"
        )
    _check_mean_pooling(model_dir)
    folder = onnx_dir(model_dir, models)
    target = folder / f"model-{variant}.onnx"
    if target.is_file():
        return target
    folder.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".export.", dir=folder))
    try:
        log.info("exporting %s to ONNX (%s) under %s", model_dir, variant, folder)
        fp32 = folder / "model-fp32.onnx"
        if not fp32.is_file():
            _export_fp32(model_dir, tmp / fp32.name)
            os.replace(tmp / fp32.name, fp32)
        if variant == "int8":
            _quantise(fp32, tmp / target.name)
            os.replace(tmp / target.name, target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target


class OnnxEmbeddings(BaseModel, Embeddings):
    """A local sentence-transformers model run by ONNX Runtime: normalised float32 vectors, its prompts.

    Passages go through `variant`; questions through `query_variant` (fp32 by default: a question is one
    short text, so int8 saves little there, and the semantic reading of questions (qa/semantic.py) keeps
    the similarities it was calibrated on). Sessions (and the export, the first time) open on first use.
    """

    model_config = ConfigDict(extra="forbid")

    model_dir: Path
    models: Path  # the models folder its exports are cached in (`Settings.models`)
    variant: str = "int8"
    query_variant: str = "fp32"
    batch_size: int = 32
    threads: int = 0  # 0: `default_threads()`
    _sessions: dict[str, onnxruntime.InferenceSession] = PrivateAttr(default_factory=dict)
    _tokenizer: Any = PrivateAttr(default=None)
    _prompts: dict[str, str] | None = PrivateAttr(default=None)

    @property
    def model_name(self) -> str:
        """The name recorded in manifests and cache keys: the source model and the passage variant."""
        return f"{self.model_dir}#onnx-{self.variant}"

    def _session(self, variant: str) -> onnxruntime.InferenceSession:
        """The session of one variant (exported if needed), and the tokenizer, opened on first use."""
        if variant not in self._sessions:
            import onnxruntime
            from transformers import AutoTokenizer

            path = export_onnx(self.model_dir, self.models, variant)
            options = onnxruntime.SessionOptions()
            options.intra_op_num_threads = self.threads or default_threads()
            options.inter_op_num_threads = 1
            options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
            options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
            if self._tokenizer is None:
                self._tokenizer = AutoTokenizer.from_pretrained(str(self.model_dir))
            self._sessions[variant] = onnxruntime.InferenceSession(
                str(path), options, providers=["CPUExecutionProvider"]
            )
        return self._sessions[variant]

    def encode(self, texts: list[str], variant: str | None = None) -> np.ndarray:
        """Embed texts as they are (no prompt added), batched by length, in input order."""
        session = self._session(variant or self.variant)
        out = np.zeros((len(texts), 0), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]), reverse=True)
        limit = _max_length(self.model_dir)
        for at in range(0, len(order), self.batch_size):
            idx = order[at : at + self.batch_size]
            enc = self._tokenizer(
                [texts[i] for i in idx], padding=True, truncation=True, max_length=limit, return_tensors="np"
            )
            feeds = {"input_ids": enc["input_ids"].astype(np.int64), "attention_mask": enc["attention_mask"].astype(np.int64)}
            vectors = np.asarray(session.run(["embedding"], feeds)[0], dtype=np.float32)
            if out.shape[1] == 0:
                out = np.zeros((len(texts), vectors.shape[1]), dtype=np.float32)
            out[idx] = vectors
        return out

    def _prompt(self, name: str) -> str:
        """The model's prompt `name` ('' when it has none)."""
        if self._prompts is None:
            self._prompts = prompts(self.model_dir)
        return self._prompts.get(name, "")

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed passages (with the model's 'passage' prompt when it has one)."""
        if not texts:
            return []
        prefix = self._prompt("passage")
        return self.encode([prefix + t for t in texts]).tolist()

    def embed_query(self, text: str) -> list[float]:
        """Embed a question (with the model's 'query' prompt when it has one), with `query_variant`."""
        vector: list[float] = self.encode([self._prompt("query") + text], self.query_variant)[0].tolist()
        return vector
