"""One settings object read from the environment, with defaults that work offline."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from corpus.collection import BUNDLED_CORPUS
from corpus.errors import SettingsError


def _number(name: str, default: float, integer: bool = False) -> float:
    """A non-negative number from the environment variable `name`, or `default` when it is unset."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw) if integer else float(raw)
    except ValueError:
        kind = "a whole number" if integer else "a number"
        raise SettingsError(f"{name}={raw!r} is not {kind}; unset it to use the default {default:g}") from None
    if value < 0:
        raise SettingsError(f"{name}={raw!r} is negative; unset it to use the default {default:g}")
    return value


@dataclass(frozen=True)
class Limits:
    """Bounds on every file reportqa reads (`REPORTQA_MAX_*`, `REPORTQA_PARSE_*`); 0 turns a limit off.

    Sizes are in MB (10^6 bytes). `max_depth` bounds HTML/XML element nesting; `parse_memory_mb`
    is the address-space ceiling of each parse worker; `parse_workers` the number of workers.
    """

    max_file_mb: float = 50.0
    max_pages: int = 300
    max_unzipped_mb: float = 100.0
    max_zip_members: int = 1000
    max_depth: int = 256
    parse_timeout_s: float = 300.0
    parse_memory_mb: float = 4096.0
    parse_workers: int = 2

    @classmethod
    def from_env(cls) -> Limits:
        """Read the limits from the environment; a value that is not a number raises `SettingsError`."""
        d = cls()
        return cls(
            max_file_mb=_number("REPORTQA_MAX_FILE_MB", d.max_file_mb),
            max_pages=int(_number("REPORTQA_MAX_PAGES", d.max_pages, integer=True)),
            max_unzipped_mb=_number("REPORTQA_MAX_UNZIPPED_MB", d.max_unzipped_mb),
            max_zip_members=int(_number("REPORTQA_MAX_ZIP_MEMBERS", d.max_zip_members, integer=True)),
            max_depth=int(_number("REPORTQA_MAX_DEPTH", d.max_depth, integer=True)),
            parse_timeout_s=_number("REPORTQA_PARSE_TIMEOUT_S", d.parse_timeout_s),
            parse_memory_mb=_number("REPORTQA_PARSE_MEMORY_MB", d.parse_memory_mb),
            parse_workers=max(1, int(_number("REPORTQA_PARSE_WORKERS", d.parse_workers, integer=True))),
        )


@dataclass(frozen=True)
class Settings:
    """Where indexes and models live, which corpus and models to use (all from `REPORTQA_*`)."""

    home: Path
    corpus: Path
    embedding_model: str | None = None
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: str | None = None
    limits: Limits = field(default_factory=Limits)
    # embeddings (index/embeddings.py): backend torch | onnx | onnx-int8 | static (None: the default), vector cache
    embedding_backend: str | None = None
    embedding_cache: bool = True
    # The passage store (`index.vector_backend`): None or "faiss" = FAISS files in the index directory;
    # "milvus://host:19530" or "http(s)://…" = a Milvus server; a path ending in ".db" = Milvus Lite embedded.
    vector_store: str | None = None
    milvus_token: str | None = None
    milvus_collection: str | None = None
    milvus_index: str = "FLAT"
    # The converted model and its ONNX/static exports (`REPORTQA_MODELS`); None: `home / "models"`
    models_dir: Path | None = None
    # users (or sessions) whose uploads stay open in a server (`REPORTQA_OPEN_WORKSPACES`): the least recently
    # active beyond it are closed and reopened from disk when they come back (`qa.workspace`)
    open_workspaces: int = 256

    @property
    def models(self) -> Path:
        """The models folder: `REPORTQA_MODELS`, else `models` in the home (several homes can share one)."""
        return self.models_dir or self.home / "models"

    @classmethod
    def from_env(cls) -> Settings:
        """Read every `REPORTQA_*` setting above from the environment (unset: the defaults)."""
        env = os.environ
        return cls(
            home=Path(env.get("REPORTQA_HOME") or Path.home() / ".cache" / "reportqa").expanduser(),
            corpus=Path(env.get("REPORTQA_CORPUS") or BUNDLED_CORPUS).expanduser(),
            embedding_model=env.get("REPORTQA_EMBEDDING_MODEL") or None,
            llm_base_url=env.get("REPORTQA_LLM_BASE_URL") or None,
            llm_model=env.get("REPORTQA_LLM_MODEL") or None,
            llm_api_key=env.get("REPORTQA_LLM_API_KEY") or None,
            limits=Limits.from_env(),
            embedding_backend=(env.get("REPORTQA_EMBEDDING_BACKEND") or "").strip().lower() or None,
            embedding_cache=(env.get("REPORTQA_EMBEDDING_CACHE") or "1").strip().lower() not in ("0", "false", "no", "off"),
            vector_store=env.get("REPORTQA_VECTOR_STORE") or None,
            milvus_token=env.get("REPORTQA_MILVUS_TOKEN") or None,
            milvus_collection=env.get("REPORTQA_MILVUS_COLLECTION") or None,
            milvus_index=env.get("REPORTQA_MILVUS_INDEX") or "FLAT",
            models_dir=Path(env["REPORTQA_MODELS"]).expanduser() if env.get("REPORTQA_MODELS") else None,
            open_workspaces=max(1, int(_number("REPORTQA_OPEN_WORKSPACES", cls.open_workspaces, integer=True))),
        )
