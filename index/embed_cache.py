"""A persistent embedding cache: a passage's vector is keyed by the hash of its model and text.

Identical chunks anywhere (the txt and the PDF of one report, copies, shared boilerplate, re-indexing
after a format change) are embedded once per model. Vectors live in one SQLite table (WAL journal):
every batch is one transaction, so a process killed mid-write loses at most the batch it was writing and
never leaves a partial row; rows are only ever added (`INSERT OR IGNORE`), and several processes may share
the file. `CachedEmbeddings` wraps any LangChain `Embeddings`, so callers need no other change.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings
from tqdm import tqdm

from index.embeddings import embedding_name

log = logging.getLogger(__name__)
CACHE_FILE = "embeddings.sqlite"
WRITE_BATCH = 256  # texts embedded and committed per transaction
# A build that must run a transformer over this many passages takes tens of minutes on a laptop's CPU: say so.
SLOW_BUILD_PASSAGES = 20_000
_LOOKUP_BATCH = 500  # keys per SELECT (SQLite's parameter limit is 32766; stay well below)
_SCHEMA = """
CREATE TABLE IF NOT EXISTS vectors (
    key BLOB PRIMARY KEY,  -- sha256(model name, text)[:16]
    vector BLOB NOT NULL   -- float32, little-endian
) WITHOUT ROWID
"""


def cache_key(model: str, text: str) -> bytes:
    """The 16-byte key of a passage under a model: sha256 of the model name, a separator and the text."""
    return hashlib.sha256(f"{model}\x1f{text}".encode()).digest()[:16]


def _chunks(items: list[bytes], size: int) -> Iterator[list[bytes]]:
    """Consecutive slices of at most `size` items."""
    for at in range(0, len(items), size):
        yield items[at : at + size]


class VectorCache:
    """Float32 vectors by key in a SQLite file; safe across threads (one lock) and processes (SQLite locks)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, timeout=60, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: a crash may drop the last commit, never corrupt
        self._db.execute(_SCHEMA)

    def __len__(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM vectors").fetchone()[0])

    def get(self, keys: Iterable[bytes]) -> dict[bytes, np.ndarray]:
        """The stored vectors of those keys that are present."""
        found: dict[bytes, np.ndarray] = {}
        wanted = list(dict.fromkeys(keys))
        with self._lock:
            for part in _chunks(wanted, _LOOKUP_BATCH):
                marks = ",".join("?" * len(part))
                for key, blob in self._db.execute(f"SELECT key, vector FROM vectors WHERE key IN ({marks})", part):
                    found[bytes(key)] = np.frombuffer(blob, dtype="<f4")
        return found

    def put(self, items: dict[bytes, np.ndarray]) -> None:
        """Store vectors in one transaction (keys already present are left as they are)."""
        rows = [(key, np.asarray(vector, dtype="<f4").tobytes()) for key, vector in items.items()]
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.executemany("INSERT OR IGNORE INTO vectors (key, vector) VALUES (?, ?)", rows)
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def close(self) -> None:
        """Close the database connection."""
        with self._lock:
            self._db.close()


class CachedEmbeddings(Embeddings):
    """`inner`'s passage vectors, each embedded once per (model, text) and kept in a `VectorCache`.

    Misses are de-duplicated, sorted by length (so batches pad little), embedded `WRITE_BATCH` at a time
    and committed after each batch; results come back in input order. Queries are not cached.
    """

    def __init__(self, inner: Embeddings, path: Path, progress: bool = False) -> None:
        self.inner = inner
        self.cache = VectorCache(path)
        self.progress = progress
        self.hits = 0  # passages served from the cache, since creation
        self.misses = 0  # distinct passages embedded by `inner`

    @property
    def model_name(self) -> str:
        """The inner model's name: the cache changes no vector, so manifests keep the same name."""
        return embedding_name(self.inner)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed passages, from the cache where it has them."""
        if not texts:
            return []
        keys = [cache_key(self.model_name, t) for t in texts]
        found = self.cache.get(keys)
        missing = {key: text for key, text in zip(keys, texts, strict=True) if key not in found}
        self.hits += len(texts) - len(missing)  # a text repeated within `texts` is embedded once too
        if missing:
            found.update(self._embed_missing(missing, self.progress))
        return [found[key].tolist() for key in keys]

    def fill(self, texts: list[str], progress: bool = False, of_build: float = 1.0) -> int:
        """Embed into the cache every passage of `texts` it lacks (all at once, longest first); returns how many.

        `of_build`: how many times these texts the whole build embeds (its batches; 0: do not warn again).
        """
        keys = [cache_key(self.model_name, t) for t in texts]
        present = set(self.cache.get(keys))
        missing = {key: text for key, text in zip(keys, texts, strict=True) if key not in present}
        if missing:
            self._embed_missing(missing, progress, of_build)
        return len(missing)

    def _embed_missing(self, missing: dict[bytes, str], progress: bool, of_build: float = 1.0) -> dict[bytes, np.ndarray]:
        """Embed distinct uncached passages, longest first, committing each batch to the cache."""
        order = sorted(missing, key=lambda k: len(missing[k]), reverse=True)
        expected = round(len(order) * of_build)
        if of_build and expected >= SLOW_BUILD_PASSAGES and _is_transformer(self.inner):
            log.warning(
                "embedding ≈ %d chunks with %s: at ≈ 15 chunks/s on two CPU cores that is ≈ %d minutes; "
                "REPORTQA_EMBEDDING_BACKEND=static embeds chunks ≈ 200× faster with the same answers on the gold set "
                "(questions stay on e5; README, Embeddings)", expected, self.model_name, expected // 15 // 60,
            )  # fmt: skip
        out: dict[bytes, np.ndarray] = {}
        bar = tqdm(total=len(order), desc="embedding", unit="chunk", disable=not progress or len(order) < WRITE_BATCH)
        with bar:
            for part in _chunks(order, WRITE_BATCH):
                vectors = np.asarray(self.inner.embed_documents([missing[k] for k in part]), dtype=np.float32)
                if vectors.shape[0] != len(part):
                    raise ValueError(f"the embeddings returned {vectors.shape[0]} vectors for {len(part)} texts")
                batch = dict(zip(part, vectors, strict=True))
                self.cache.put(batch)
                out.update(batch)
                self.misses += len(part)
                bar.update(len(part))
        return out

    def embed_query(self, text: str) -> list[float]:
        """Embed a question with the inner model (not cached: questions rarely repeat)."""
        return self.inner.embed_query(text)


def _is_transformer(model: Embeddings) -> bool:
    """Whether passages go through a transformer (e5 on torch or ONNX), not the static model or a fake."""
    from index.embeddings import SentenceTransformerEmbeddings
    from index.onnx_backend import OnnxEmbeddings

    return isinstance(model, SentenceTransformerEmbeddings | OnnxEmbeddings)
