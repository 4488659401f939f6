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


class SettingsError(ReportQAError):
    """A `REPORTQA_*` setting holds a value reportqa cannot use (not a number, negative …)."""


# What each limit is called in the Chinese messages of the app (keys are `RefusedFileError.limit`).
_LIMIT_ZH = {
    "file_size": "文件超过大小上限",
    "pages": "页数超过上限",
    "unzipped_size": "解压后的内容超过上限",
    "zip_members": "压缩包内的文件数超过上限",
    "nesting_depth": "标记嵌套层数超过上限",
    "entities": "文件声明了 XML 实体（可能是实体膨胀攻击），不予读取",
    "parse_time": "解析时间超过上限",
    "memory": "解析所需内存超过上限",
    "crash": "解析进程意外退出，文件未被读取",
}

_UNIT_ZH = {"pages": "页", "members": "个", "levels": "层", "s": "秒"}


class RefusedFileError(UnreadableReportError):
    """A file refused by one of the input limits (size, pages, zip contents, nesting, time, memory).

    `limit` names the limit (a key such as "file_size"), `value` is the limit's value in `unit`,
    `setting` the environment variable that raises it (None where no setting does), `actual`
    what the file measured when that is known. The UI translates it with `message_zh`.
    """

    def __init__(
        self,
        message: str,
        limit: str,
        value: float | None = None,
        setting: str | None = None,
        unit: str = "",
        actual: float | None = None,
    ) -> None:
        super().__init__(message)
        self.limit = limit
        self.value = value
        self.setting = setting
        self.unit = unit
        self.actual = actual

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (str(self), self.limit, self.value, self.setting, self.unit, self.actual))

    @property
    def message_zh(self) -> str:
        """The refusal in Chinese: 「文件超过大小上限 50 MB（REPORTQA_MAX_FILE_MB）」."""
        text = _LIMIT_ZH.get(self.limit, "文件超出读取限制")
        if self.value is not None:
            shown = f"{self.value:g}"
            text += f" {shown} {_UNIT_ZH.get(self.unit, self.unit)}".rstrip()
        if self.setting:
            text += f"（{self.setting}）"
        return text
