"""Errors turned into Chinese messages for the web app and the REST API: one place, at the edge.

The library's exceptions carry English details for developers and logs; what a user reads is chosen
here by the error's class (and, for a refused file, the limit it hit). The original detail is logged.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

from corpus.errors import (
    CorpusError,
    IndexError_,
    QuestionError,
    ReportQAError,
    SettingsError,
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


# -- the parser's warnings and the checks' findings, in Chinese --------------------------------------------------
# corpus/ writes them in English (they are part of the `parse --json` and `audit --json` contracts); what a user
# of the app or the REST API reads is translated here. Each pattern is one template of corpus/ (file named).

_ROW = r"(?P<where>[^:：]+)"
_QUOTE = r"「(?P<quote>.*)」"
_WARNINGS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.S), zh)
    for pattern, zh in (
        # corpus/tables.py
        (rf"^{_ROW}: read (?P<n>\d+) values for (?P<m>\d+) columns, row left unparsed: {_QUOTE}$",
         "{where}：读到 {n} 个数，该行应有 {m} 列，此行未解析：「{quote}」"),
        (rf"^{_ROW}: read (?P<n>\d+) values for (?P<m>\d+) cells, table left unparsed: {_QUOTE}$",
         "{where}：读到 {n} 个数，该表应有 {m} 个单元格，此表未解析：「{quote}」"),
        (rf"^{_ROW}: OCR could not read the cell with certainty, left unparsed: {_QUOTE}$",
         "{where}：OCR 未能确定地读出该单元格，未解析：「{quote}」"),
        (r"^no standard disclosure tables found: is this a 政府信息公开工作年度报告\?$",
         "没有找到标准的公开表格：这是政府信息公开工作年度报告吗？"),
        # corpus/reader.py
        (r"^none of the standard sections \(一、总体情况 …\) found$", "没有找到任何标准章节（一、总体情况 …）"),
        # corpus/ocr/page.py (after corpus/ocr/__init__.py's 「page N: 」)
        (r"^the page lay upside down: read turned by (?P<d>\d+)°$", "该页倒置，已旋转 {d}° 后读取"),
        (r"^the page lay on its side: read turned by (?P<d>\d+)°$", "该页横置，已旋转 {d}° 后读取"),
        (r"^text is (?P<px>\d+) px high(?: \((?P<dpi>\d+) dpi\))?, below the OCR floor of (?P<floor>\d+) px .*$",
         "文字高 {px} 像素，低于 OCR 可读的 {floor} 像素（约 110 dpi）：其中表格数字未读取；请以 150 dpi 以上重新扫描"),
        # corpus/ocr/certainty.py
        (r"^(?P<where>.+?): OCR read 「(?P<read>[^」]*)」 \([^)]*\); 「(?P<rule>[^」]*)」 does not add up, and "
         r"(?P<needed>\d+) there would make it hold: left unparsed rather than guessed$",
         "{where}：OCR 读作「{read}」，但「{rule}」因此不相符（此处若为 {needed} 则相符）：未解析，不作猜测"),
    )
)  # fmt: skip
_PAGE = re.compile(r"^page (?P<page>\d+): (?P<rest>.*)$", re.S)
_FINDING_ENDS = ((" — does not add up", "——不相符"), (" — disagree", "——不一致"))
_TEXT_SAYS = re.compile(r"^text says 「(?P<said>.*)」 \((?P<n>[\d.]+)\); table (?P<cell>.+?) = (?P<value>[^;]+)$", re.S)
_PRINTED = re.compile(r"^(?P<rule>.+): (?P<sum>.+) = (?P<added>[\d.e+-]+), printed (?P<total>[\d.e+-]+)$", re.S)


def warning_zh(text: str) -> str:
    """A parser warning of corpus/ in Chinese (an unknown one: a Chinese line saying that something was skipped)."""
    page = _PAGE.match(text)
    if page:
        return f"第 {page['page']} 页：{warning_zh(page['rest'])}"
    for pattern, zh in _WARNINGS:
        found = pattern.match(text)
        if found:
            return zh.format(**{k: v or "" for k, v in found.groupdict().items()})
    if is_chinese(text):
        return text
    log.info("no Chinese for the parser warning %r", text)
    return "有内容未能可靠读取，已跳过（详情：reportqa parse 文件 --json）"


def finding_zh(detail: str) -> str:
    """A check's finding (corpus/checks.py) in Chinese: 「正文写「受理申请17件」（17），表格 申请 · … = 95——不一致」."""
    ending = ""
    for english, zh in _FINDING_ENDS:
        if detail.endswith(english):
            detail, ending = detail[: -len(english)], zh
    said = _TEXT_SAYS.match(detail)
    if said:
        return f"正文写「{said['said']}」（{said['n']}），表格 {said['cell']} = {said['value']}{ending}"
    printed = _PRINTED.match(detail)
    if printed:
        return f"{printed['rule']}：{printed['sum']} = {printed['added']}，表中印的是 {printed['total']}{ending}"
    return detail.replace("; ", "；") + ending


# -- REST request validation (pydantic's error types) -------------------------------------------------------------

_VALIDATION = {
    "missing": "缺少必填字段",
    "extra_forbidden": "不认识的字段（可用的字段见 /api/docs）",
    "string_type": "应为字符串",
    "list_type": "应为列表",
    "dict_type": "应为 JSON 对象",
    "model_type": "应为 JSON 对象",
    "model_attributes_type": "应为 JSON 对象",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false",
    "string_too_long": "太长",
    "too_long": "项数太多",
    "value_error": "取值不正确",
}


def validation_zh(error: dict[str, Any]) -> str:
    """One pydantic validation error as 「字段：原因」 in Chinese (the field keeps its name: it is a key)."""
    kind = str(error.get("type", ""))
    loc = [p for p in error.get("loc", ()) or () if p not in ("body", "query", "path", "header")]
    if kind == "json_invalid":
        where = f"（第 {loc[0]} 个字符处）" if loc and isinstance(loc[0], int) else ""
        return f"请求体不是有效的 JSON{where}"
    ctx = error.get("ctx") if isinstance(error.get("ctx"), dict) else {}
    if kind == "literal_error":
        expected = str((ctx or {}).get("expected", "")).replace("' or '", "' 或 '").replace("', '", "'、'")
        reason = f"应为 {expected} 之一"
    else:
        reason = _VALIDATION.get(kind, "取值不正确")
    field = ".".join(str(p) for p in loc)
    return f"{field}：{reason}" if field else reason


# -- the app's notices --------------------------------------------------------------------------------------------

EMPTY_QUESTION = "请先输入一个问题，例如「上海市司法局2020年有多少件申请没有答复？」"


# -- the command line -----------------------------------------------------------------------------------------------

_CLI_KINDS: tuple[tuple[type[ReportQAError], str], ...] = (
    (SettingsError, "设置的值不可用"),
    (IndexError_, "索引读写失败"),
)


def cli_message(exc: ReportQAError) -> str:
    """The CLI's error line: the Chinese message, then the library's detail (paths, values) in （…） where it adds one.

    A person reads what went wrong in Chinese; the detail keeps what they need to fix it (the file, the value).
    """
    zh = getattr(exc, "message_zh", None)
    if isinstance(zh, str) and zh and not isinstance(exc, UnreadableReportError):
        return zh  # written for people in the first place (a login, an upload); a refused file keeps its path below
    if not (isinstance(zh, str) and zh):
        if isinstance(exc, (QuestionError, UnreadableReportError, UnknownReportError)):
            zh = user_message(exc, "cli").text
        elif isinstance(exc, CorpusError):
            zh = "语料目录不可用或其中没有可读的报告"
        elif type(exc).__name__ == "ExportError":  # index.cells: qa does not import the writer for this
            zh = "无法导出：格式应为 csv、xlsx 或 parquet，且目标位置可写"
        else:
            zh = next((text for kind, text in _CLI_KINDS if isinstance(exc, kind)), "操作未能完成")
    detail = str(exc)
    return zh if not detail or is_chinese(detail) or detail in zh else f"{zh}（{detail}）"


# argparse's own messages (usage errors, help headings) by their gettext msgid: the CLI installs them
# (`cli.build_parser`). A msgid of another Python version that is not listed stays as argparse writes it.
ARGPARSE_ZH = {
    "usage: ": "用法：",
    "positional arguments": "位置参数",
    "options": "选项",
    "optional arguments": "选项",
    "show this help message and exit": "显示本帮助并退出",
    "%(prog)s: error: %(message)s\n": "%(prog)s: error: %(message)s\n",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "one of the arguments %s is required": "参数 %s 必须给出其中一个",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的选项 %(value)r（可选：%(choices)s）",
    "invalid %(type)s value: %(value)r": "不是有效的 %(type)s 值：%(value)r",
    "expected one argument": "需要一个值",
    "expected at most one argument": "最多一个值",
    "expected at least one argument": "至少一个值",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "ignored explicit argument %r": "不接受值 %r",
    "ambiguous option: %(option)s could match %(matches)s": "选项 %(option)s 有歧义，可能是：%(matches)s",
    "unexpected option string: %s": "意外的选项：%s",
    "can't open '%(filename)s': %(error)s": "无法打开「%(filename)s」：%(error)s",
}


def argparse_zh(msgid: str) -> str:
    """Argparse's message in Chinese (its gettext hook), or the msgid itself where none is listed."""
    return ARGPARSE_ZH.get(msgid, msgid)


def argparse_nzh(singular: str, plural: str, n: int) -> str:
    """Argparse's plural messages (「expected %s arguments」) in Chinese."""
    if singular.startswith("expected %s argument"):
        return "需要 %s 个值"
    return singular if n == 1 else plural

