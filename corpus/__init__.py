"""The corpus layer: read report files into `Report`s with typed table cells and checks."""

from corpus.collection import BUNDLED_CORPUS, iter_reports, read_corpus, report_files
from corpus.errors import (
    CorpusError,
    QuestionError,
    RefusedFileError,
    ReportQAError,
    SettingsError,
    UnreadableReportError,
    UnsupportedFormatError,
)
from corpus.limits import safe_filename
from corpus.models import Cell, Finding, Report, Section, report_from_state, report_to_state
from corpus.reader import content_hash, read_report
from corpus.settings import Limits, Settings
from corpus.worker import ParsePool, parse_file, parse_files

__all__ = [
    "BUNDLED_CORPUS",
    "Cell",
    "CorpusError",
    "Finding",
    "Limits",
    "ParsePool",
    "QuestionError",
    "RefusedFileError",
    "Report",
    "ReportQAError",
    "Section",
    "SettingsError",
    "UnreadableReportError",
    "UnsupportedFormatError",
    "content_hash",
    "iter_reports",
    "parse_file",
    "parse_files",
    "read_corpus",
    "read_report",
    "report_files",
    "report_from_state",
    "report_to_state",
    "safe_filename",
    "Settings",
]
