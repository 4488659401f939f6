"""Several indexes answered as one: the shared corpus plus published uploads plus one user's own uploads.

Nothing of the shared index is rebuilt or copied for a user. The reports are the union of the parts'
dicts; retrieval asks each part's hybrid retriever and merges their fused (RRF) rankings; cell queries
run on one connection of the shared cell database, where the parts' few rows sit in that connection's
own TEMP tables and TEMP views named `reports`, `cells` and `checks` put them beside the shared tables.
(DuckDB will not ATTACH a file another connection of the process holds, and the parts' files are held
by their indexes while they update, so their rows are copied: they are a user's few uploads.)
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from corpus import Report
from corpus.errors import IndexError_
from index.cells import CellDB

if TYPE_CHECKING:
    import duckdb

    from index import CorpusIndex

TABLES = ("reports", "cells", "checks")


class UnionCells(CellDB):
    """The shared cell database with other parts' rows beside it, read through one private connection."""

    def __init__(self, base: CellDB, extras: Sequence[CellDB]) -> None:
        # A cursor of the shared database is a connection of its own: its TEMP objects are invisible to others.
        super().__init__(base._conn.cursor(), None)
        self._fill(extras)

    def _fill(self, extras: Sequence[CellDB]) -> None:
        """Copy the extras' rows into TEMP tables and shadow the shared tables with TEMP union views."""
        conn = self._conn
        (database,) = conn.execute("SELECT current_database()").fetchone() or ("memory",)
        quoted = '"' + str(database).replace('"', '""') + '"'
        for table in TABLES:
            conn.execute(f"CREATE TEMP TABLE own_{table} AS SELECT * FROM {quoted}.main.{table} LIMIT 0")
            types = [row[1] for row in conn.execute(f"DESCRIBE own_{table}").fetchall()]
            rows = [row for db in extras for row in db.execute(f"SELECT * FROM {table}")]  # noqa: S608
            if rows:
                columns = [list(col) for col in zip(*rows, strict=True)]
                select = ", ".join(f"unnest(?::{t}[])" for t in types)
                conn.execute(f"INSERT INTO own_{table} SELECT {select}", columns)
            conn.execute(
                f"CREATE TEMP VIEW {table} AS SELECT * FROM {quoted}.main.{table} UNION ALL SELECT * FROM own_{table}"
            )

    @contextlib.contextmanager
    def _cursor(self, writes: bool) -> Iterator[duckdb.DuckDBPyConnection]:
        """The one connection (its TEMP views are the union), one statement at a time; never written."""
        if writes:
            raise IndexError_("the union of several cell databases is read-only: update the part's own index")
        with self._lock:
            yield self._conn


class UnionRetriever(BaseRetriever):
    """Each part's hybrid top `k` (same query, same filter), merged by their reciprocal-rank scores."""

    model_config = ConfigDict(arbitrary_types_allowed=True, extra="forbid")

    parts: list[BaseRetriever]
    k: int = 5

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun, filter: Any = None, k: int | None = None
    ) -> list[Document]:
        """The best `k` of all parts' results (a part's own fused score, `metadata['rrf']`, ranks them)."""
        top = self.k if k is None else k
        found = [doc for part in self.parts for doc in part.invoke(query, filter=filter, k=top)]
        found.sort(key=lambda doc: float(doc.metadata.get("rrf", 0.0)), reverse=True)
        return found[:top]


class UnionIndex:
    """What `Assistant` reads of an index (reports, retriever, cells, embeddings, home) over several indexes.

    The first part is the shared corpus; later parts (published uploads, a user's uploads) must not reuse
    its report ids. Their cell files are read once and closed, so the parts can be updated (as fresh
    `CorpusIndex` objects) while this union keeps answering.
    """

    def __init__(self, parts: Sequence[CorpusIndex]) -> None:
        self.parts = [parts[0], *(p for p in parts[1:] if p.reports)]
        base = self.parts[0]
        self.embeddings = base.embeddings
        self.home = base.home
        self.corpus_dir = base.corpus_dir
        self.reports: dict[str, Report] = {}
        for part in self.parts:
            self.reports.update(part.reports)
        self.skipped = {rid: why for part in self.parts for rid, why in part.skipped.items()}
        extras = self.parts[1:]
        self.cells: CellDB = UnionCells(base.cells, [p.cells for p in extras])
        for part in extras:
            part.close_cells()

    def part_of(self, report_id: str) -> Path | None:
        """The corpus folder of the part that holds a report (None when no part does)."""
        for part in reversed(self.parts):
            if report_id in part.reports:
                return Path(part.corpus_dir)
        return None

    def retriever(self, k: int = 5, fetch_k: int = 20) -> BaseRetriever:
        """Every part's hybrid retriever, merged."""
        return UnionRetriever(parts=[p.retriever(k=k, fetch_k=fetch_k) for p in self.parts], k=k)

    def close(self) -> None:
        """Close the union's connection (the shared database stays open)."""
        self.cells.close()
