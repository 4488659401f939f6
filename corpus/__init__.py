"""The corpus layer: read report files into `Report`s with typed table cells and checks."""

from corpus.collection import BUNDLED_CORPUS, iter_reports, read_corpus, report_files
from corpus.errors import (
    CorpusError,
    QuestionError,
    ReportQAError,
    UnreadableReportError,
    UnsupportedFormatError,
)
from corpus.models import Cell, Finding, Report, Section, report_from_state, report_to_state
from corpus.reader import content_hash, read_report
from corpus.settings import Settings

__all__ = [
    "BUNDLED_CORPUS",
    "Cell",
    "CorpusError",
    "Finding",
    "QuestionError",
    "Report",
    "ReportQAError",
    "Section",
    "UnreadableReportError",
    "UnsupportedFormatError",
    "content_hash",
    "iter_reports",
    "read_corpus",
    "read_report",
    "report_files",
    "report_from_state",
    "report_to_state",
    "Settings",
]
