"""The facts a report yields: text with offsets, sections, pages, metadata, table cells, checks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from corpus.anytables import Fact, TableCell, TableInfo

TABLE_ACTIVE = "主动公开"
TABLE_REQUESTS = "申请"
TABLE_REVIEW = "复议诉讼"


@dataclass(frozen=True)
class Section:
    """A top-level section (一、… 六、) as a span of the normalised text."""

    title: str
    start: int
    end: int


@dataclass(frozen=True)
class Page:
    """A page of the source as a span of the normalised text (1-based number)."""

    number: int
    start: int
    end: int


@dataclass(frozen=True)
class Cell:
    """One cell of a standard table: canonical keys, the printed value, and where it was printed."""

    table: str
    row: str
    col: str
    value: float | int | None
    quote: str
    page: int | None = None
    start: int = 0
    end: int = 0
    unit: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The cell as in the `parse --json` contract."""
        return {
            "table": self.table,
            "row": self.row,
            "col": self.col,
            "value": self.value,
            "quote": self.quote,
            "page": self.page,
            "start": self.start,
            "end": self.end,
            "unit": self.unit,
        }


@dataclass(frozen=True)
class Finding:
    """The outcome of one arithmetic or prose-vs-table check."""

    rule: str
    ok: bool
    detail: str
    cells: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The finding as in the `parse --json` contract."""
        return {"rule": self.rule, "ok": self.ok, "detail": self.detail, "cells": list(self.cells)}


@dataclass
class Report:
    """A report read from one file: normalised text and everything parsed from it."""

    id: str
    source: str
    text: str
    title: str = ""
    agency: str = ""
    year: int | None = None
    sections: list[Section] = field(default_factory=list)
    pages: list[Page] = field(default_factory=list)
    cells: list[Cell] = field(default_factory=list)
    checks: list[Finding] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    versions: dict[str, str] = field(default_factory=dict)
    ocr: dict[str, Any] = field(default_factory=dict)  # pages read by OCR and the cells it left unparsed
    kind: str = ""  # 政府信息公开工作年度报告, 年度报告, 部门决算, 部门预算, 统计公报, 研究报告 or 其他
    names: list[str] = field(default_factory=list)  # other names of the issuer: 证券简称, 股票代码, a short name
    tables: list[TableInfo] = field(default_factory=list)  # every table of the report, in reading order
    table_cells: list[TableCell] = field(default_factory=list)  # their values, by printed row and column
    facts: list[Fact] = field(default_factory=list)  # their text cells (电子信箱, 董事会秘书 …)

    def page_at(self, offset: int) -> int | None:
        """The page number holding a character offset, or None where the source has no pages."""
        for page in self.pages:
            if page.start <= offset < page.end:
                return page.number
        return None

    def section_at(self, offset: int) -> str:
        """The title of the section holding a character offset ('' before the first one)."""
        title = ""
        for section in self.sections:
            if section.start <= offset:
                title = section.title
        return title

    def twin_rank(self) -> tuple[int, bool]:
        """How twins (the same report as a PDF and as its text) are ranked: more cells, then pages."""
        return len(self.cells), bool(self.pages)

    def cell_count(self) -> int:
        """How many cells were parsed (a listing of many reports asks this, not `len(cells)`)."""
        return len(self.cells)

    def failed_count(self) -> int:
        """How many checks failed."""
        return sum(1 for f in self.checks if not f.ok)

    def cell(self, table: str, row: str, col: str) -> Cell | None:
        """The cell with these canonical keys, or None when it was not parsed."""
        for c in self.cells:
            if (c.table, c.row, c.col) == (table, row, col):
                return c
        return None

    def to_dict(self) -> dict[str, Any]:
        """The `reportqa parse --json` contract."""
        return {
            "report": {
                "id": self.id,
                "title": self.title,
                "agency": self.agency,
                "year": self.year,
                "source": self.source,
                "versions": dict(self.versions),
                "kind": self.kind,
                "names": list(self.names),
            },
            "sections": [asdict(s) for s in self.sections],
            "pages": [asdict(p) for p in self.pages],
            "cells": [c.to_dict() for c in self.cells],
            "checks": [f.to_dict() for f in self.checks],
            "warnings": list(self.warnings),
            "ocr": {"pages": list(self.ocr.get("pages", [])), "unparsed": list(self.ocr.get("unparsed", []))},
            "tables": [asdict(t) for t in self.tables],
            "table_cells": [asdict(c) for c in self.table_cells],
            "facts": [asdict(f) for f in self.facts],
        }


def report_to_state(report: Report) -> dict[str, Any]:
    """Everything needed to rebuild a `Report` without re-reading its file (stored in the index)."""
    state = {f.name: getattr(report, f.name) for f in fields(Report)}  # `asdict` deep-copies: 10x slower
    for key in ("sections", "pages", "cells", "tables", "table_cells", "facts"):
        state[key] = [dict(item.__dict__) for item in state[key]]
    state["names"] = list(report.names)
    state["checks"] = [{**f.__dict__, "cells": list(f.cells)} for f in report.checks]
    state["warnings"], state["versions"] = list(report.warnings), dict(report.versions)
    return state


def report_from_state(state: dict[str, Any]) -> Report:
    """The inverse of `report_to_state`."""
    data = dict(state)
    data["sections"] = [Section(**s) for s in data.get("sections", [])]
    data["pages"] = [Page(**p) for p in data.get("pages", [])]
    data["cells"] = [Cell(**c) for c in data.get("cells", [])]
    data["checks"] = [Finding(**{**f, "cells": tuple(f.get("cells", ()))}) for f in data.get("checks", [])]
    data["tables"] = [TableInfo(**{**t, "pages": tuple(t["pages"]), "columns": tuple(t["columns"])}) for t in data.get("tables", [])]
    data["table_cells"] = [TableCell(**c) for c in data.get("table_cells", [])]
    data["facts"] = [Fact(**f) for f in data.get("facts", [])]
    return Report(**data)


_BODY = ("text", "sections", "pages", "cells", "checks", "warnings", "ocr", "tables", "table_cells", "facts")


class LazyReport(Report):
    """A `Report` known by its metadata; text, sections, pages, cells and checks are read on first use.

    `load(id)` returns the whole report (the index reads it from its report table and keeps a few in
    a cache), so a corpus of any size opens without reading every report.
    """

    def __init__(  # noqa: PLR0913 - the metadata columns of the index's report table
        self,
        id: str,
        source: str,
        title: str,
        agency: str,
        year: int | None,
        versions: dict[str, str],
        load: Callable[[str], Report],
        n_cells: int = 0,
        has_pages: bool = False,
        failed: int = 0,
        about: dict[str, Any] | None = None,
    ) -> None:
        self.id, self.source, self.title, self.agency, self.year = id, source, title, agency, year
        self.kind, self.names = str((about or {}).get("kind", "")), list((about or {}).get("names", []))
        self.versions = versions
        self._load, self._n_cells, self._has_pages, self._failed = load, n_cells, has_pages, failed

    def __getattr__(self, name: str) -> Any:
        """A body field, from the loaded report (only called for attributes not set on the instance)."""
        if name in _BODY and "_load" in self.__dict__:
            return getattr(self._load(self.id), name)
        raise AttributeError(f"{type(self).__name__!s} has no attribute {name!r}")

    def __eq__(self, other: object) -> bool:
        """Equal to any `Report` with the same fields (a lazy one is equal to the report it stands for)."""
        if not isinstance(other, Report):
            return NotImplemented
        return all(getattr(self, f.name) == getattr(other, f.name) for f in fields(Report))

    __hash__ = None  # type: ignore[assignment]  # mutable, like Report

    def __repr__(self) -> str:
        return f"LazyReport(id={self.id!r}, agency={self.agency!r}, year={self.year!r})"

    def twin_rank(self) -> tuple[int, bool]:
        """Cells and pages, from the metadata (no load)."""
        return self._n_cells, self._has_pages

    def cell_count(self) -> int:
        """From the metadata (no load)."""
        return self._n_cells

    def failed_count(self) -> int:
        """From the metadata (no load)."""
        return self._failed
