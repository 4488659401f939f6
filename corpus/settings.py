"""One settings object read from the environment, with defaults that work offline."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from corpus.collection import BUNDLED_CORPUS


@dataclass(frozen=True)
class Settings:
    """Where indexes and models live, which corpus and models to use (all from `REPORTQA_*`)."""

    home: Path
    corpus: Path
    embedding_model: str | None = None
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: str | None = None
    # embeddings (index/embeddings.py): backend torch | onnx | onnx-int8 | static (None: the default), vector cache
    embedding_backend: str | None = None
    embedding_cache: bool = True

    @classmethod
    def from_env(cls) -> Settings:
        """Read `REPORTQA_HOME`, `REPORTQA_CORPUS`, `REPORTQA_EMBEDDING_*` and `REPORTQA_LLM_*`."""
        env = os.environ
        return cls(
            home=Path(env.get("REPORTQA_HOME") or Path.home() / ".cache" / "reportqa").expanduser(),
            corpus=Path(env.get("REPORTQA_CORPUS") or BUNDLED_CORPUS).expanduser(),
            embedding_model=env.get("REPORTQA_EMBEDDING_MODEL") or None,
            llm_base_url=env.get("REPORTQA_LLM_BASE_URL") or None,
            llm_model=env.get("REPORTQA_LLM_MODEL") or None,
            llm_api_key=env.get("REPORTQA_LLM_API_KEY") or None,
            embedding_backend=(env.get("REPORTQA_EMBEDDING_BACKEND") or "").strip().lower() or None,
            embedding_cache=(env.get("REPORTQA_EMBEDDING_CACHE") or "1").strip().lower() not in ("0", "false", "no", "off"),
        )
