"""Format loaders: each turns a file into a list of `Block`s (paragraph text or real table rows)."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from corpus.errors import UnreadableReportError, UnsupportedFormatError


@dataclass(frozen=True)
class Block:
    """A piece of a source document in reading order.

    Either `text` (raw text, layout line breaks kept; normalisation happens later) or `rows`
    (the real cells of a table, one tuple per printed row, '' for a blank cell). `page` is the
    1-based page number where the source has pages.
    """

    text: str = ""
    rows: tuple[tuple[str, ...], ...] = ()
    page: int | None = None
    ocr: bool = False  # read from a page image by OCR
    doubts: tuple[dict[str, Any], ...] = ()  # OCR'd table cells printed as `?`: page, row label, what was read, why
    risks: tuple[dict[str, Any], ...] = ()  # OCR'd table cells taken but near misses: page, row, cell, label, read, why
    notes: tuple[str, ...] = ()  # warnings about the page (resolution floor …)
    # The table as a grid (PDF): one entry per grid position, None where a merged cell covers it, so
    # columns line up across rows; empty where the loader's `rows` already line up.
    grid: tuple[tuple[str | None, ...], ...] = ()


Loader = Callable[[Path], list[Block]]


# Loader modules by extension, imported when first needed (pdfplumber and lxml are slow to import).
_MODULES = {
    ".txt": "text",
    ".md": "text",
    ".pdf": "pdf",
    ".docx": "docx",
    ".html": "html",
    ".htm": "html",
    ".png": "image",
    ".jpg": "image",
    ".jpeg": "image",
    ".tif": "image",
    ".tiff": "image",
}


def _loader(suffix: str) -> Loader:
    module = importlib.import_module(f"corpus.loaders.{_MODULES[suffix]}")
    return module.load  # type: ignore[no-any-return]


SUPPORTED_SUFFIXES = tuple(_MODULES)


def load_blocks(path: Path) -> list[Block]:
    """Read a file into blocks, choosing the loader by extension; errors say what was wrong."""
    if not path.exists():
        raise UnreadableReportError(f"{path}: no such file")
    if path.is_dir():
        raise UnreadableReportError(f"{path}: is a directory, not a report file")
    suffix = path.suffix.lower()
    if suffix not in _MODULES:
        raise UnsupportedFormatError(
            f"{path}: unsupported extension {suffix or '(none)'}; reportqa reads {', '.join(SUPPORTED_SUFFIXES)}"
        )
    if path.stat().st_size == 0:
        raise UnreadableReportError(f"{path}: the file is empty")
    blocks = _loader(suffix)(path)
    if not any(b.text.strip() or b.rows for b in blocks):
        raise UnreadableReportError(f"{path}: no text could be read from the file")
    return blocks


__all__ = ["SUPPORTED_SUFFIXES", "Block", "load_blocks"]
