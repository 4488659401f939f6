"""Errors turned into Chinese messages for the web app and the REST API: one place, at the edge.

The library's exceptions carry English details for developers and logs; what a user reads is chosen
here by the error's class (and, for a refused file, the limit it hit). The original detail is logged.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from corpus.errors import (
    CorpusError,
    IndexError_,
    QuestionError,
    ReportQAError,
    UnknownReportError,
    UnreadableReportError,
    UnsupportedFormatError,
)

log = logging.getLogger(__name__)
_CJK = re.compile(r"[\u4e00-\u9fff]")
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z_]*")
_QUOTED = re.compile(r"「[^」]*」|（[^）]*）|《[^》]*》")
INTERNAL = "服务器内部错误，请稍后再试（详情见服务器日志）"


@dataclass(frozen=True)
class UserMessage:
    """What to show: the Chinese text, and for a refused file the limit's name and its setting."""

    text: str
    limit: str | None = None
    setting: str | None = None


def is_chinese(text: str) -> bool:
    """Whether a message reads as Chinese: outside what it quotes (「…」, （…）), more Chinese than English words."""
    bare = _QUOTED.sub("", text)
    return len(_CJK.findall(bare)) > len(_LATIN_WORD.findall(bare))


def _question(exc: QuestionError) -> str:
    detail = str(exc)
    if "empty" in detail:
        return "问题是空的：请输入一个问题，例如「上海市司法局2020年有多少件申请没有答复？」"
    if "history" in detail:
        return "对话历史太长：请只附上最近的 20 个问题"
    if "characters long" in detail:
        return "问题太长：请控制在 500 字以内"
    return detail if is_chinese(detail) else "无法理解这个问题，请换一种说法"


def _unreadable(exc: UnreadableReportError) -> str:
    detail = str(exc).rsplit(": ", 1)[-1]
    if is_chinese(detail):
        return detail
    lowered = str(exc).lower()
    for words, text in (
        (("encrypt", "password"), "文件已加密，无法读取"),
        (("empty",), "文件是空的"),
        (("binary", "not text", "decode"), "文件不是文本，也不是可识别的报告格式"),
        (("not a pdf", "truncated", "damaged", "corrupt", "pdf"), "PDF 文件已损坏或不是 PDF"),
        (("docx", "zip"), "DOCX 文件已损坏或不是 DOCX"),
        (("no such file", "not found", "missing"), "文件不存在"),
    ):
        if any(w in lowered for w in words):
            return text
    return "文件无法读取：已损坏，或不是可识别的报告格式"


def user_message(exc: BaseException, context: str = "") -> UserMessage:
    """The Chinese message for an error; the original (with traceback for an unexpected one) is logged."""
    limit = getattr(exc, "limit", None)
    if isinstance(exc, ReportQAError):
        log.info("%s%s: %s", f"{context}: " if context else "", type(exc).__name__, exc)
    else:
        log.error("%s failed", context or "request", exc_info=exc)
        return UserMessage(INTERNAL)
    if isinstance(limit, str):  # corpus.errors.RefusedFileError: a file over one of the input limits
        zh = getattr(exc, "message_zh", None)
        text = zh if isinstance(zh, str) and zh else f"文件超出读取限制（{limit}）"
        setting = getattr(exc, "setting", None)
        return UserMessage(f"文件被拒绝：{text}", limit, setting if isinstance(setting, str) else None)
    zh = getattr(exc, "message_zh", None)
    if isinstance(zh, str) and zh:  # an error written for users in the first place
        return UserMessage(zh)
    if isinstance(exc, UnsupportedFormatError):
        return UserMessage("不支持这种文件格式")
    if isinstance(exc, UnreadableReportError):
        return UserMessage(_unreadable(exc))
    if isinstance(exc, QuestionError):
        return UserMessage(_question(exc))
    if isinstance(exc, UnknownReportError):
        return UserMessage(str(exc) if is_chinese(str(exc)) else "语料中没有这份报告")
    if isinstance(exc, CorpusError):
        return UserMessage(str(exc) if is_chinese(str(exc)) else "语料目录不可用或其中没有可读的报告")
    if isinstance(exc, IndexError_):
        return UserMessage("索引读写失败，请稍后再试（详情见服务器日志）")
    detail = str(exc)
    return UserMessage(detail if is_chinese(detail) else "操作未能完成（详情见服务器日志）")


def message(exc: BaseException, context: str = "") -> str:
    """Just the Chinese text of `user_message`."""
    return user_message(exc, context).text
