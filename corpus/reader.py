"""Read one report file into a `Report`: load, normalise, find sections and metadata, parse tables, check."""

from __future__ import annotations

import functools
import hashlib
import json
import logging
from pathlib import Path

from corpus.about import DISCLOSURE, OTHER, RESEARCH, read_about, report_kind
from corpus.anytables import read_any_tables
from corpus.checks import run_checks
from corpus.errors import UnreadableReportError
from corpus.loaders import Block, load_blocks
from corpus.metadata import read_metadata
from corpus.models import Report
from corpus.normalize import normalise_blocks
from corpus.research import cover
from corpus.sections import find_sections
from corpus.tables import extract_tables

log = logging.getLogger(__name__)


def report_id(path: Path, root: Path | None = None) -> str:
    """A stable id: the path relative to the corpus root (or the file name)."""
    if root is not None:
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            pass
    return path.name


def _sidecar(path: Path) -> dict[str, object]:
    """Optional `<file>.meta.json` beside a report overriding agency, year or title."""
    meta = path.with_name(path.name + ".meta.json")
    if not meta.exists():
        return {}
    try:
        data = json.loads(meta.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise UnreadableReportError(f"{meta}: not valid JSON ({exc})") from exc
    return {k: v for k, v in data.items() if k in ("agency", "year", "title")}


def read_report(path: str | Path, root: Path | None = None, agency: str | None = None, year: int | None = None) -> Report:
    """Read and parse one report file; raises `UnreadableReportError` with a one-line reason."""
    path = Path(path)
    blocks = load_blocks(path)
    report = _from_blocks(path, blocks, root, agency, year)
    if report.ocr:  # an OCR'd table that does not add up: an OCR error or a printed one (corpus.ocr.certainty)
        from corpus.ocr.certainty import settle

        report = settle(report, blocks, lambda again: _from_blocks(path, again, root, agency, year))
    return report


def _from_blocks(path: Path, blocks: list[Block], root: Path | None, agency: str | None, year: int | None) -> Report:
    """Parse a file's blocks: normalise, sections, metadata, tables, checks."""
    normalised = normalise_blocks(blocks)
    report = Report(id=report_id(path, root), source=str(path), text=normalised.text, pages=normalised.pages)
    report.sections = find_sections(report.text)
    meta = read_metadata(report.text)
    overrides = _sidecar(path)
    report.title = str(overrides.get("title") or meta.title)
    report.agency = agency or str(overrides.get("agency") or meta.agency)
    year_value = year or overrides.get("year") or meta.year
    report.year = int(str(year_value)) if year_value else None
    report.warnings = [note for b in blocks for note in b.notes]
    generic = read_any_tables(blocks)
    report.tables, report.table_cells, report.facts = generic.tables, generic.cells, generic.facts
    report.kind = report_kind(report.text[:4000])
    if report.kind not in (DISCLOSURE, OTHER):
        about = read_about(report.text, report.facts)
        report.kind, report.names = about.kind, about.names
        report.title = str(overrides.get("title") or about.title or report.title)
        report.agency = agency or str(overrides.get("agency") or about.issuer or report.agency)
        report.year = year or (int(str(overrides["year"])) if overrides.get("year") else about.year or report.year)
        if report.kind == RESEARCH:  # the cover's rating, prices and authors
            front, prices, facts = cover(report.text, len(report.tables) + 1)
            report.tables, report.table_cells, report.facts = report.tables + front, report.table_cells + prices, report.facts + facts
        report.checks = []
        log.debug("read %s: a %s with %d table cells", report.id, report.kind, len(report.table_cells))
        return report
    tables = extract_tables(report)
    report.cells, report.versions = tables.cells, tables.versions
    report.warnings += tables.warnings
    if any(b.ocr for b in blocks):
        report.ocr = ocr_summary(blocks, tables.unread)
    if not report.sections:
        report.warnings.append("none of the standard sections (一、总体情况 …) found")
    if report.kind == OTHER and (report.cells or "信息公开" in report.title):
        report.kind = DISCLOSURE
    report.checks = run_checks(report)
    log.debug("read %s: %d cells, %d warnings", report.id, len(report.cells), len(report.warnings))
    return report


def ocr_summary(blocks: list[Block], unread: list[dict[str, object]]) -> dict[str, object]:
    """The pages read by OCR, and each table cell left unparsed with what OCR read and why.

    A `?` cell is matched to the reason OCR gave for it by page and row label, in reading order.
    """
    pages = sorted({b.page for b in blocks if b.ocr and b.page is not None})
    doubts = [dict(d) for b in blocks for d in b.doubts]
    taken: set[int] = set()
    unparsed = []
    for cell in unread:
        quote = str(cell["quote"]).replace(" ", "")
        why: dict[str, object] = {}
        for i, d in enumerate(doubts):
            label = str(d["label"]).replace(" ", "")
            if i not in taken and d["page"] == cell["page"] and (not label or label[-6:] in quote):
                taken.add(i)
                why = {k: d[k] for k in ("read", "confidence", "reason")}
                break
        unparsed.append({**cell, **why})
    return {"pages": pages, "unparsed": unparsed}


@functools.cache
def parser_version() -> str:
    """A hash of the corpus layer's own code: an index built by another parser is rebuilt.

    `settings.py` is left out: it reads configuration and parses nothing (a refusal records its own limits).
    """
    digest = hashlib.sha256()
    layer = Path(__file__).resolve().parent
    for source in sorted(layer.rglob("*.py")):
        if source != layer / "settings.py":
            digest.update(source.read_bytes())
    return digest.hexdigest()[:12]


def content_hash(path: Path) -> str:
    """SHA-256 of a file's bytes: the identity used by incremental indexing."""
    return hashlib.sha256(path.read_bytes()).hexdigest()
