"""The passage store on Milvus through `langchain-milvus`: dense and BM25 search are done by Milvus itself.

One collection per index (fields, analyzer and connection in `index.milvus_schema`); the chunk's metadata
are dynamic fields (`report_id`, `agency`, `year`, … filterable). Table-row chunks are stored for BM25 only:
they carry a placeholder unit vector and the dense route filters on `kind == "text"`, so a hybrid search
fuses what the FAISS path fuses (dense over text chunks, BM25 over every chunk, reciprocal rank k = 60).

The collection is live, not versioned like FAISS segments. A save writes `milvus-<n>.json` (which
collection, how many entities) into the store folder and returns `milvus-<n>` as the store version the
index manifest commits. Before its first write after a load or a save, the store writes the version it
will commit next into `PENDING_FILE`. Loading a version other than the one that file names, or finding
another entity count than the version's, means a write was cut short (a crash mid-update, or before the
manifest commit): `reconcile` then makes the collection agree with the manifest's files again.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import uuid
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings

from index.hybrid import RRF_K, FusedRetriever
from index.milvus_schema import (
    CHINESE_ANALYZER,
    DENSE,
    OUTPUT,
    PK,
    SPARSE,
    MilvusConfig,
    entity_document,
    filter_expression,
    open_vectorstore,
)
from index.store import Filter, ScoredVectorStore

__all__ = [
    "CHINESE_ANALYZER", "PENDING_FILE", "MilvusConfig", "MilvusHybridRetriever", "MilvusStore", "filter_expression",
]  # fmt: skip

log = logging.getLogger(__name__)
STATE_PREFIX = "milvus-"  # `milvus-<n>.json` in the store folder: which collection, how many entities
PENDING_FILE = "milvus-pending"  # in the index directory: the version the write under way will commit
_VERSION = re.compile(r"milvus-([0-9]+)")
BATCH = 512


class MilvusStore(ScoredVectorStore):
    """Chunks in a Milvus collection: the same narrow interface as `FaissStore`, plus a hybrid `retriever`.

    A store made fresh (not loaded from a saved version) starts its collection anew at its first write, so an
    index rebuilt for another model or after a crash in its first build never sees stale entities.
    """

    full_text = True  # BM25 over every chunk is done here: the index adds table-row chunks to the store too

    def __init__(self, embeddings: Embeddings, config: MilvusConfig, state_dir: Path) -> None:
        self._embeddings = embeddings
        self.config = config
        self._state_dir = Path(state_dir)
        self._milvus: Any = None  # langchain_milvus.Milvus, made on first use
        self._attached = False  # until loaded or written: the collection is not ours yet
        self._version = 0  # the version loaded or last saved (0: none)
        self._pending = False  # PENDING_FILE names `_version + 1`: the collection has changed since
        self._saved_count: int | None = None
        self._folder: Path | None = None  # the store folder of the version loaded or saved
        self._present = False  # the collection is known to exist (saves a round trip per search)

    # -- connection and bookkeeping ------------------------------------------------------------------

    @property
    def embeddings(self) -> Embeddings:
        """The embedding model the store was built with."""
        return self._embeddings

    def _vectorstore(self, drop_old: bool = False) -> Any:
        """The `langchain_milvus.Milvus` over the collection (made on first use, or anew with `drop_old`)."""
        if self._milvus is None or drop_old:
            self._milvus = open_vectorstore(self._embeddings, self.config, drop_old)
        return self._milvus

    @property
    def client(self) -> Any:
        """The `pymilvus.MilvusClient` under the store."""
        return self._vectorstore().client

    def _exists(self) -> bool:
        """Whether this store's collection exists and is ours (a fresh store owns none yet)."""
        if self._attached and not self._present:
            self._present = bool(self.client.has_collection(self.config.collection))
        return self._present

    def _begin_write(self) -> None:
        """Note the pending version, and start the collection anew for a fresh store."""
        self._mark_pending()
        if not self._attached:
            self._vectorstore(drop_old=True)
            self._attached, self._present = True, False

    def _mark_pending(self) -> None:
        """Name the version the next save commits in `PENDING_FILE` (once per save), durably."""
        if self._pending:
            return
        self._state_dir.mkdir(parents=True, exist_ok=True)
        with open(self._state_dir / PENDING_FILE, "w", encoding="utf-8") as handle:
            handle.write(f"{STATE_PREFIX}{self._version + 1}")
            handle.flush()
            os.fsync(handle.fileno())
        self._pending = True

    def count(self, expr: str = "") -> int:
        """How many entities pass a boolean expression (all of them for an empty one)."""
        if not self._exists():
            return 0
        rows = self.client.query(self.config.collection, filter=expr, output_fields=["count(*)"])
        return int(rows[0]["count(*)"]) if rows else 0

    def __len__(self) -> int:
        """The embedded (text) chunks, as `len(FaissStore)`; table-row chunks are not counted."""
        return self.count('kind == "text"')

    def _iterate(self, expr: str, fields: list[str]) -> Iterator[dict[str, Any]]:
        """Every entity passing an expression, in batches."""
        if not self._exists():
            return
        iterator = self.client.query_iterator(
            self.config.collection, batch_size=BATCH, filter=expr, output_fields=fields
        )
        try:
            while batch := iterator.next():
                yield from batch
        finally:
            iterator.close()

    def all_ids(self) -> set[str]:
        """The id of every entity in the collection, table-row chunks included."""
        return {str(row[PK]) for row in self._iterate("", [PK])}

    @property
    def ids(self) -> list[str]:
        """Every embedded (text) chunk id."""
        return [str(row[PK]) for row in self._iterate('kind == "text"', [PK])]

    def documents(self) -> list[Document]:
        """Every embedded (text) chunk, as `FaissStore.documents`."""
        return [entity_document(row, row[PK]) for row in self._iterate('kind == "text"', [PK, *OUTPUT])]

    # -- writes ------------------------------------------------------------------------------------------

    def _dimension(self) -> int:
        """The dense vector size: from the collection when it exists, else from one probe embedding."""
        if self._exists():
            info = self.client.describe_collection(self.config.collection)
            for field in info["fields"]:
                if field["name"] == DENSE:
                    return int(field["params"]["dim"])
        return len(self._embeddings.embed_query("维度"))

    def add_texts(
        self,
        texts: Iterable[str],
        metadatas: list[dict[str, Any]] | None = None,
        *,
        ids: list[str] | None = None,
        **kwargs: Any,
    ) -> list[str]:
        """Embed text chunks and insert every chunk; an id already stored is replaced. Returns the ids."""
        texts = list(texts)
        metadatas = [dict(m) for m in metadatas] if metadatas is not None else [{} for _ in texts]
        ids = ids if ids is not None else [uuid.uuid4().hex for _ in texts]
        if not len(texts) == len(metadatas) == len(ids):
            raise ValueError(
                f"got {len(texts)} texts, {len(metadatas)} metadatas and {len(ids)} ids; need as many"
            )
        if len(set(ids)) != len(ids):
            raise ValueError("ids must be unique within one call")
        if not texts:
            return []
        for meta in metadatas:
            meta.setdefault("kind", "text")
        dense = [i for i, meta in enumerate(metadatas) if meta["kind"] != "row"]
        embedded = self._embeddings.embed_documents([texts[i] for i in dense]) if dense else []
        dim = len(embedded[0]) if embedded else self._dimension()
        vectors: list[list[float]] = [[1.0] + [0.0] * (dim - 1)] * len(texts)  # rows: never searched densely
        for i, vector in zip(dense, embedded, strict=True):
            vectors[i] = [float(x) for x in vector]
        self._begin_write()
        self._remove(ids)  # a Milvus insert would store a second entity under the same id
        self._vectorstore().add_embeddings(
            texts=texts, embeddings=vectors, metadatas=metadatas, ids=ids, batch_size=BATCH
        )
        self._present = True
        return ids

    def add_documents(self, documents: list[Document], **kwargs: Any) -> list[str]:
        """Add documents, keeping their ids (or the `ids` keyword, or fresh ones)."""
        ids = kwargs.pop("ids", None) or [d.id or uuid.uuid4().hex for d in documents]
        return self.add_texts(
            [d.page_content for d in documents], [d.metadata for d in documents], ids=ids, **kwargs
        )

    def delete(self, ids: list[str] | None = None, **kwargs: Any) -> bool | None:
        """Remove entities by id (unknown ids are ignored)."""
        self._remove(list(ids or []))
        return True

    def _remove(self, ids: list[str]) -> None:
        """Delete entities by id, in batches."""
        if not ids or not self._exists():
            return
        self._begin_write()
        for i in range(0, len(ids), BATCH):
            batch = ids[i : i + BATCH]
            self.client.delete(self.config.collection, filter=f"{PK} in {json.dumps(batch)}")

    def get_by_ids(self, ids: Sequence[str], /) -> list[Document]:
        """The stored documents with these ids, in that order (unknown ids are skipped)."""
        if not ids or not self._exists():
            return []
        rows = self.client.get(self.config.collection, ids=list(ids), output_fields=[PK, *OUTPUT])
        by_id = {str(row[PK]): row for row in rows}
        return [entity_document(by_id[i], i) for i in ids if i in by_id]

    # -- search ------------------------------------------------------------------------------------------

    def similarity_search_with_score_by_vector(
        self, embedding: list[float], k: int = 4, filter: Filter | None = None
    ) -> list[tuple[Document, float]]:
        """The `k` text chunks most similar to a vector (cosine) that pass the metadata filter."""
        if k < 1:
            raise ValueError(f"k must be at least 1, got {k}")
        if not self._exists():
            return []
        hits = self.client.search(
            self.config.collection,
            data=[[float(x) for x in embedding]],
            anns_field=DENSE,
            search_params={"metric_type": "COSINE", "params": {}},
            limit=k,
            filter=filter_expression(filter, text_only=True),
            output_fields=OUTPUT,
        )
        return [(entity_document(hit["entity"], hit[PK]), float(hit["distance"])) for hit in hits[0]]

    def hybrid_search(
        self, query: str, k: int = 5, fetch_k: int = 20, filter: Filter | None = None, rrf_k: int = RRF_K
    ) -> list[Document]:
        """Dense (text chunks) and BM25 (every chunk) routes, `fetch_k` deep each, fused by Milvus' RRF ranker.

        The fused score is in `metadata['rrf']`.
        """
        from pymilvus import AnnSearchRequest, RRFRanker

        if not 1 <= k <= fetch_k:
            raise ValueError(f"need 1 <= k <= fetch_k, got k={k}, fetch_k={fetch_k}")
        if not self._exists() or not query.strip():
            return []
        requests = [
            AnnSearchRequest(
                data=[[float(x) for x in self.embeddings.embed_query(query)]],
                anns_field=DENSE,
                param={"metric_type": "COSINE", "params": {}},
                limit=fetch_k,
                expr=filter_expression(filter, text_only=True),
            ),
            AnnSearchRequest(
                data=[query],
                anns_field=SPARSE,
                param={"metric_type": "BM25", "params": {}},
                limit=fetch_k,
                expr=filter_expression(filter) or None,
            ),
        ]
        hits = self.client.hybrid_search(
            self.config.collection, reqs=requests, ranker=RRFRanker(rrf_k), limit=k, output_fields=OUTPUT
        )
        docs = []
        for hit in hits[0]:
            doc = entity_document(hit["entity"], hit[PK])
            doc.metadata["rrf"] = float(hit["distance"])
            docs.append(doc)
        return docs

    def retriever(self, k: int = 5, fetch_k: int = 20, filter: Filter | None = None) -> MilvusHybridRetriever:
        """A LangChain retriever doing the hybrid search in Milvus (`filter` applies to every call)."""
        return MilvusHybridRetriever(store=self, k=k, fetch_k=fetch_k, filter=filter)

    @classmethod
    def from_texts(
        cls,
        texts: list[str],
        embedding: Embeddings,
        metadatas: list[dict[str, Any]] | None = None,
        **kwargs: Any,
    ) -> MilvusStore:
        """A new store holding these texts (`config` and `state_dir` keywords required)."""
        store = cls(embedding, kwargs.pop("config"), kwargs.pop("state_dir"))
        store.add_texts(texts, metadatas, ids=kwargs.pop("ids", None))
        return store

    # -- persistence and repair -------------------------------------------------------------------------

    def save(self, directory: str | Path) -> str:
        """Write `milvus-<n>.json` (the collection, its entity count) into the store folder; returns `milvus-<n>`.

        The version is the one `PENDING_FILE` named for the writes since the last save (the next one if none).
        """
        folder = Path(directory)
        folder.mkdir(parents=True, exist_ok=True)
        self._mark_pending()  # a save with no write since: the marker names this version all the same
        count, version = self.count(), self._version + 1
        state = {"uri": self.config.uri, "collection": self.config.collection, "count": count}
        path = folder / f"{STATE_PREFIX}{version}.json"
        scratch = path.with_name(path.name + ".tmp")
        scratch.write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")
        os.replace(scratch, path)
        self._version, self._pending, self._saved_count, self._folder = version, False, count, folder
        return f"{STATE_PREFIX}{version}"

    def prune(self) -> None:
        """Remove the state files of every other version than the last saved or loaded one."""
        if self._folder is None:
            return
        keep = f"{STATE_PREFIX}{self._version}.json"
        for path in self._folder.glob(f"{STATE_PREFIX}*.json*"):
            if path.name != keep:
                path.unlink(missing_ok=True)

    def close(self) -> None:
        """Close the client connection (Milvus Lite embedded: release the .db for another process)."""
        if self._milvus is not None:
            with contextlib.suppress(Exception):  # closing a connection that is already gone is not an error
                self._milvus.client.close()
            self._milvus, self._present = None, False

    def load(self, directory: str | Path, version: str | None) -> MilvusStore:
        """A store attached to the collection a version names (its `milvus-<n>.json`); another one is an error."""
        folder = Path(directory)
        found = _VERSION.fullmatch(version or "")
        if found is None:
            raise ValueError(f"store version {version!r} is not a Milvus one (built with another passage store)")
        number = int(found.group(1))
        state = json.loads((folder / f"{STATE_PREFIX}{number}.json").read_text(encoding="utf-8"))
        if (state["uri"], state["collection"]) != (self.config.uri, self.config.collection):
            raise ValueError(
                f"{folder} was built on {state['collection']!r} at {state['uri']}, "
                f"not {self.config.collection!r} at {self.config.uri}"
            )
        store = MilvusStore(self._embeddings, self.config, self._state_dir)
        store._attached, store._version, store._saved_count = True, number, int(state["count"])
        store._folder = folder
        return store

    def needs_repair(self) -> bool:
        """Whether a write after this version was cut short, or the collection is not as it was saved."""
        marker = self._state_dir / PENDING_FILE
        if marker.exists() and marker.read_text(encoding="utf-8").strip() != f"{STATE_PREFIX}{self._version}":
            return True
        return self.count() != self._saved_count

    def reconcile(self, files: dict[str, dict[str, Any]]) -> list[str]:
        """Make the collection hold exactly the manifest's chunks; returns the reports to re-read.

        Entities the manifest does not list are deleted (a crash mid-insert); a report with a chunk missing
        (a crash between deleting its old chunks and inserting its new ones) loses its remaining chunks too,
        and its id is returned so that the caller forgets it and the next update indexes it again.
        """
        owner = {cid: rid for rid, entry in files.items() for cid in entry.get("chunks", [])}
        present = self.all_ids()
        broken = {owner[cid] for cid in owner.keys() - present}
        stale = sorted(cid for cid in present if cid not in owner or owner[cid] in broken)
        if stale or broken:
            log.warning(
                "Milvus collection %s disagreed with the index manifest: deleted %d entities, %d reports to re-read",
                self.config.collection, len(stale), len(broken),
            )  # fmt: skip
            self._remove(stale)
        return sorted(broken)


class MilvusHybridRetriever(FusedRetriever):
    """Top `k` of Milvus' hybrid search (dense + BM25, `fetch_k` each, RRF); `invoke(query, filter=…, k=…)`."""

    store: MilvusStore
    filter: Filter | None = None

    def _get_relevant_documents(
        self,
        query: str,
        *,
        run_manager: CallbackManagerForRetrieverRun,
        filter: Filter | None = None,
        k: int | None = None,
    ) -> list[Document]:
        """The fused ranking for a query (`k` overrides the retriever's own; filters combine)."""
        top, fetch = self.depths(k)
        combined = {**(self.filter or {}), **(filter or {})} or None
        return self.store.hybrid_search(query, top, fetch, combined, self.rrf_k)
