"""A corpus: the report files under a directory, read one by one with progress."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

from corpus.errors import CorpusError, UnreadableReportError
from corpus.loaders import SUPPORTED_SUFFIXES
from corpus.models import Report

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
    """Each report of a corpus in file order, or the error that made a file unreadable (the rest still load).

    Files are parsed in the bounded worker processes (`corpus.worker`): a file that hangs, crashes its parser
    or runs it out of memory is refused at its limit (`RefusedFileError`) like any other unreadable file.
    """
    from corpus.worker import parse_files

    root = Path(directory)
    files = report_files(root)
    base = root if root.is_dir() else root.parent
    done: dict[Path, Report | UnreadableReportError] = {}
    at = 0
    for path, outcome in parse_files(files, base, progress):
        done[path] = outcome
        while at < len(files) and files[at] in done:  # in file order, whatever order the workers finish in
            out = done.pop(files[at])
            at += 1
            if isinstance(out, UnreadableReportError):
                log.warning("skipped %s", out)
            yield out


def read_corpus(directory: str | Path, progress: bool = False) -> list[Report]:
    """Every readable report of a corpus; raises `CorpusError` if none can be read."""
    reports = [r for r in iter_reports(directory, progress) if isinstance(r, Report)]
    if not reports:
        raise CorpusError(f"{directory}: holds no readable report ({', '.join(SUPPORTED_SUFFIXES)})")
    return reports
