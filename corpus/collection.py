"""A corpus: the report files under a directory, read one by one with progress."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

from tqdm import tqdm

from corpus.errors import CorpusError, UnreadableReportError
from corpus.loaders import SUPPORTED_SUFFIXES
from corpus.models import Report
from corpus.reader import read_report

log = logging.getLogger(__name__)
BUNDLED_CORPUS = Path(__file__).resolve().parent / "reports"


def report_files(directory: str | Path) -> list[Path]:
    """Report files under a directory (recursively), sorted; sidecars and hidden files skipped."""
    root = Path(directory)
    if not root.exists():
        raise CorpusError(f"{root}: no such directory")
    if root.is_file():
        return [root]
    files = [
        p
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES and not p.name.startswith(".")
    ]
    return files


def iter_reports(directory: str | Path, progress: bool = False) -> Iterator[Report | UnreadableReportError]:
    """Each report of a corpus, or the error that made a file unreadable (the rest still load)."""
    root = Path(directory)
    files = report_files(root)
    base = root if root.is_dir() else root.parent
    for path in tqdm(files, desc="reading reports", unit="report", disable=not progress):
        try:
            yield read_report(path, root=base)
        except UnreadableReportError as exc:
            log.warning("skipped %s", exc)
            yield exc


def read_corpus(directory: str | Path, progress: bool = False) -> list[Report]:
    """Every readable report of a corpus; raises `CorpusError` if none can be read."""
    reports = [r for r in iter_reports(directory, progress) if isinstance(r, Report)]
    if not reports:
        raise CorpusError(f"{directory}: holds no readable report ({', '.join(SUPPORTED_SUFFIXES)})")
    return reports
