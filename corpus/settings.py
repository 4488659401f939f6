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
    # The passage store (`index.vector_backend`): None or "faiss" = FAISS files in the index directory;
    # "milvus://host:19530" or "http(s)://…" = a Milvus server; a path ending in ".db" = Milvus Lite embedded.
    vector_store: str | None = None
    milvus_token: str | None = None
    milvus_collection: str | None = None
    milvus_index: str = "FLAT"

    @classmethod
    def from_env(cls) -> Settings:
        """Read `REPORTQA_HOME`, `_CORPUS`, `_EMBEDDING_MODEL`, `_LLM_*`, `_VECTOR_STORE` and `_MILVUS_*`."""
        env = os.environ
        return cls(
            home=Path(env.get("REPORTQA_HOME") or Path.home() / ".cache" / "reportqa").expanduser(),
            corpus=Path(env.get("REPORTQA_CORPUS") or BUNDLED_CORPUS).expanduser(),
            embedding_model=env.get("REPORTQA_EMBEDDING_MODEL") or None,
            llm_base_url=env.get("REPORTQA_LLM_BASE_URL") or None,
            llm_model=env.get("REPORTQA_LLM_MODEL") or None,
            llm_api_key=env.get("REPORTQA_LLM_API_KEY") or None,
            vector_store=env.get("REPORTQA_VECTOR_STORE") or None,
            milvus_token=env.get("REPORTQA_MILVUS_TOKEN") or None,
            milvus_collection=env.get("REPORTQA_MILVUS_COLLECTION") or None,
            milvus_index=env.get("REPORTQA_MILVUS_INDEX") or "FLAT",
        )
