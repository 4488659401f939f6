"""The project's one exception hierarchy; the CLI and the app turn these into messages."""

from __future__ import annotations


class ReportQAError(Exception):
    """Base class of every error reportqa raises on purpose."""


class UnreadableReportError(ReportQAError):
    """A file could not be read as a report (missing, empty, corrupt, encrypted, wrong type)."""


class UnsupportedFormatError(UnreadableReportError):
    """The file's extension is not one reportqa reads."""


class CorpusError(ReportQAError):
    """A corpus directory is missing or holds no readable report."""


class IndexError_(ReportQAError):
    """An index could not be built, loaded or saved."""


class QuestionError(ReportQAError):
    """A question is empty, too long or otherwise unusable."""


class UnknownReportError(CorpusError):
    """A report id that is not in the corpus (the REST API answers it with 404)."""
