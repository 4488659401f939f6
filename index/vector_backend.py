"""Which passage store an index uses: FAISS files (the default) or Milvus, from `REPORTQA_VECTOR_STORE`."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from langchain_core.embeddings import Embeddings

from corpus.errors import IndexError_
from corpus.settings import Settings
from index.milvus_store import MilvusConfig, MilvusStore
from index.store import FaissStore

PassageStore = FaissStore | MilvusStore
_COLLECTION = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,254}")
INDEX_TYPES = ("FLAT", "AUTOINDEX", "HNSW", "IVF_FLAT", "IVF_SQ8")


def milvus_config(settings: Settings, index_path: Path) -> MilvusConfig | None:
    """The Milvus the settings name, or None for FAISS.

    `milvus://host:19530` and `http(s)://host:19530` are servers (Standalone, Distributed, or Milvus Lite
    serving over gRPC); a path ending in `.db` is Milvus Lite embedded in this process. The collection is
    `REPORTQA_MILVUS_COLLECTION`, else `reportqa_<hash of the index path>`, so that several corpora (and
    homes) share one server.
    """
    value = (settings.vector_store or "").strip()
    if value.lower() in ("", "faiss"):
        return None
    if value.startswith("milvus://"):
        uri = "http://" + value.removeprefix("milvus://")
    elif value.startswith(("http://", "https://")):
        uri = value
    elif value.endswith(".db"):
        uri = str(Path(value).expanduser().resolve())
    else:
        raise IndexError_(
            f"REPORTQA_VECTOR_STORE={value!r} is not understood: use 'faiss', 'milvus://host:19530', "
            "'http://host:19530' or a local path ending in .db (Milvus Lite)"
        )
    key = hashlib.sha256(str(Path(index_path).resolve()).encode("utf-8")).hexdigest()[:16]
    collection = settings.milvus_collection or f"reportqa_{key}"
    if not _COLLECTION.fullmatch(collection):
        raise IndexError_(
            f"REPORTQA_MILVUS_COLLECTION={collection!r} is not a Milvus collection name: "
            "use letters, digits and _, starting with a letter or _"
        )
    index_type = settings.milvus_index.upper()
    if index_type not in INDEX_TYPES:
        raise IndexError_(
            f"REPORTQA_MILVUS_INDEX={settings.milvus_index!r}: use one of {', '.join(INDEX_TYPES)}"
        )
    return MilvusConfig(uri=uri, collection=collection, token=settings.milvus_token, index_type=index_type)


def make_store(settings: Settings, embeddings: Embeddings, index_path: Path) -> PassageStore:
    """A fresh passage store for the index at `index_path`, FAISS or Milvus as configured."""
    config = milvus_config(settings, index_path)
    if config is None:
        return FaissStore(embeddings)
    return MilvusStore(embeddings, config, index_path)


def load_store(fresh: PassageStore, directory: Path, embeddings: Embeddings, version: str | None) -> PassageStore:
    """The store version `version` of the `store/` folder, of the same backend as `fresh`.

    A version written by the other backend is a `ValueError` (the index is then rebuilt).
    """
    if isinstance(fresh, MilvusStore):
        return fresh.load(directory, version)
    return FaissStore.load(directory, embeddings, version)
