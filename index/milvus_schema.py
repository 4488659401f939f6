"""How a reportqa passage collection is laid out in Milvus, opened, filtered and read back.

Fields: `pk` (the chunk id), `text` (analysed with jieba for Milvus' built-in BM25 function, which fills
`sparse`), `dense` (the chunk's embedding) and the chunk's metadata as dynamic fields. `MilvusConfig` says
where the collection is; `open_vectorstore` makes the `langchain_milvus.Milvus` over it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings

from corpus.errors import IndexError_
from index.store import Filter

PK, TEXT, DENSE, SPARSE = "pk", "text", "dense", "sparse"
OUTPUT = [TEXT, "$meta"]
# Milvus' "chinese" analyzer is jieba + cnalphanumonly, which drops '98.69%'-like tokens, and Milvus Lite
# knows only the jieba tokenizer: so jieba's search mode (as our own BM25) with punctuation as stop words.
PUNCTUATION = list("，。、；：？！“”‘’（）《》【】〔〕—…·,.;:?!()[]{}<>%-/|\"'")
CHINESE_ANALYZER: dict[str, Any] = {
    "tokenizer": {"type": "jieba", "mode": "search"},
    "filter": ["lowercase", {"type": "stop", "stop_words": PUNCTUATION}],
}
_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True)
class MilvusConfig:
    """Where the collection lives: a server URI (`http://host:19530`) or a Milvus Lite `.db` path."""

    uri: str
    collection: str
    token: str | None = None
    index_type: str = "FLAT"

    def connection_args(self) -> dict[str, Any]:
        """Keyword arguments of `MilvusClient` (the token only when one is set)."""
        return {"uri": self.uri, **({"token": self.token} if self.token else {})}


def filter_expression(filter: Filter | None, *, text_only: bool = False) -> str:
    """A Milvus boolean expression for a metadata filter (equality, or `in` for a list, tuple or set)."""
    parts = ['kind == "text"'] if text_only else []
    for key, wanted in (filter or {}).items():
        if not _KEY.fullmatch(key):
            raise ValueError(f"filter key {key!r} is not a field name (letters, digits and _)")
        if isinstance(wanted, list | tuple | set | frozenset):
            parts.append(f"{key} in {json.dumps(list(wanted), ensure_ascii=False)}")
        elif wanted is None:
            parts.append(f"{key} is null")
        else:
            parts.append(f"{key} == {json.dumps(wanted, ensure_ascii=False)}")
    return " and ".join(f"({p})" for p in parts)


def open_vectorstore(embeddings: Embeddings, config: MilvusConfig, drop_old: bool = False) -> Any:
    """The `langchain_milvus.Milvus` over the collection (BM25 built in, `dense` and `sparse` fields)."""
    try:
        from langchain_milvus import BM25BuiltInFunction, Milvus
    except ImportError as exc:
        raise IndexError_("the Milvus store needs langchain-milvus: pip install 'reportqa[milvus]'") from exc
    bm25 = BM25BuiltInFunction(
        input_field_names=TEXT,
        output_field_names=SPARSE,
        analyzer_params=CHINESE_ANALYZER,
        function_name="bm25",
    )
    try:
        return Milvus(
            embedding_function=embeddings,
            builtin_function=bm25,
            collection_name=config.collection,
            connection_args=config.connection_args(),
            consistency_level="Strong",  # a reopen after a crash must see every earlier write
            index_params=[
                {"metric_type": "COSINE", "index_type": config.index_type, "params": {}},
                {"metric_type": "BM25", "index_type": "SPARSE_INVERTED_INDEX", "params": {}},
            ],
            search_params=[
                {"metric_type": "COSINE", "params": {}},
                {"metric_type": "BM25", "params": {}},
            ],
            drop_old=drop_old,
            primary_field=PK,
            text_field=TEXT,
            vector_field=[DENSE, SPARSE],
            enable_dynamic_field=True,
        )
    except Exception as exc:  # pymilvus raises its own and grpc errors; name the setting to fix
        raise IndexError_(
            f"cannot open Milvus collection {config.collection!r} at {config.uri}: {exc} "
            "(check REPORTQA_VECTOR_STORE, REPORTQA_MILVUS_TOKEN and that the server is up)"
        ) from exc


def entity_document(entity: dict[str, Any], doc_id: Any) -> Document:
    """A LangChain document from a Milvus entity (its dynamic fields are the metadata)."""
    meta = {key: value for key, value in entity.items() if key not in (PK, TEXT, DENSE, SPARSE)}
    return Document(page_content=entity[TEXT], metadata=meta, id=str(doc_id))
