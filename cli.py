"""The `reportqa` command: thin argparse subcommands over the library; errors become one line, exit 2."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from corpus import Report, ReportQAError, UnreadableReportError, iter_reports
from qa.answer import format_number


def _print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def _table_text(report: Report, table: str) -> list[str]:
    rows: dict[str, list[str]] = {}
    for cell in report.cells:
        if cell.table == table:
            shown = format_number(cell.value)
            rows.setdefault(cell.row, []).append(f"{cell.col} {shown}")
    return [f"  {row}: " + ", ".join(values) for row, values in rows.items()]


def cmd_parse(args: argparse.Namespace) -> int:
    """`reportqa parse FILE [--json]`: read in a worker process, within the input limits (`corpus.worker`)."""
    from corpus.worker import parse_file

    report = parse_file(Path(args.file))
    if args.json:
        _print_json(report.to_dict())
        return 0
    print(f"{report.title or report.id}\n  agency: {report.agency or '?'}  year: {report.year or '?'}  id: {report.id}")
    print("  sections: " + " · ".join(s.title for s in report.sections))
    _print_ocr(report)
    for table in ("主动公开", "申请", "复议诉讼"):
        lines = _table_text(report, table)
        version = report.versions.get(table, "")
        print(f"\n[{table}] {version} ({len(lines)} rows)")
        print("\n".join(lines) if lines else "  (not found)")
    failed = [c for c in report.checks if not c.ok]
    print(f"\nchecks: {len(report.checks) - len(failed)} passed, {len(failed)} failed")
    for finding in failed:
        print(f"  ✗ {finding.detail}")
    for warning in report.warnings:
        print(f"  ! {warning}")
    return 0


def _print_ocr(report: Report) -> None:
    """Which pages were read by OCR and each table cell it left unparsed, with why."""
    if not report.ocr:
        return
    print("  OCR: pages " + ", ".join(str(p) for p in report.ocr["pages"]))
    for cell in report.ocr["unparsed"]:
        why = cell.get("reason") or "not read with certainty"
        read = f", read 「{cell['read']}」 at {cell['confidence']:.2f}" if "read" in cell else ""
        print(f"  ? {cell['table']} · {cell['row']} · {cell['col']} (page {cell['page']}): left unparsed — {why}{read}")


def cmd_audit(args: argparse.Namespace) -> int:
    """`reportqa audit DIR [--json]`: every report's failed checks and warnings, one line each."""
    items: list[dict[str, Any]] = []
    for report in iter_reports(Path(args.dir), progress=not args.json):
        if isinstance(report, UnreadableReportError):
            items.append({"report": None, "rule": "unreadable", "detail": str(report)})
            continue
        for finding in report.checks:
            if not finding.ok:
                items.append({"report": report.id, "rule": finding.rule, "detail": finding.detail, "cells": list(finding.cells)})
    if args.json:
        _print_json({"findings": items, "count": len(items)})
        return 0
    for item in items:
        print(f"{item['report'] or '-'}\t{item['detail']}")
    print(f"{len(items)} findings")
    return 0


def _assistant(args: argparse.Namespace) -> Any:
    from corpus import Settings
    from qa import Assistant

    settings = Settings.from_env()
    return Assistant.from_corpus(Path(args.corpus) if args.corpus else settings.corpus, settings=settings)


def _print_answer(answer: dict[str, Any]) -> None:
    print(answer["answer"])
    for n, c in enumerate(answer["citations"], start=1):
        where = " · ".join(str(x) for x in (c["title"] or c["report_id"], c["section"], f"第{c['page']}页" if c["page"] else None) if x)
        cell = f" [{c['cell']['table']} · {c['cell']['row']} · {c['cell']['col']}]" if c.get("cell") else ""
        print(f"  [{n}] {where}{cell}\n      「{c['quote']}」")


def cmd_ask(args: argparse.Namespace) -> int:
    """`reportqa ask QUESTION [--corpus DIR] [--json]`."""
    from corpus import QuestionError

    if not args.question.strip():
        raise QuestionError("the question is empty: ask something like 「有多少件申请没有答复？」")
    result = _assistant(args).ask(args.question)
    answer = result.to_dict()
    if args.table or args.output:
        return _write_answer_table(result, args)
    if args.json:
        _print_json(answer)
    else:
        _print_answer(answer)
    return 0


def _write_answer_table(answer: Any, args: argparse.Namespace) -> int:
    """`ask … --table`: the cells behind a table answer as a table, on stdout (TSV) or into a file."""
    from index.cells import write_table
    from qa.answer import ROW_COLUMNS

    rows = [[row.get(c) for c in ROW_COLUMNS] for row in answer.rows]
    if not rows:
        print(f"{answer.answer}\n(no table: this answer was not computed from table cells)", file=sys.stderr)
        return 1
    if args.output:
        fmt = args.format or Path(args.output).suffix.lstrip(".") or "csv"
        path = write_table(ROW_COLUMNS, rows, Path(args.output), fmt)
        print(f"{answer.answer}\n{len(rows)} rows → {path}", file=sys.stderr)
        return 0
    print("\t".join(ROW_COLUMNS))
    for row in rows:
        print("\t".join("" if v is None else str(v) for v in row))
    return 0


def cmd_index(args: argparse.Namespace) -> int:
    """`reportqa index DIR`: build or update the index, with a progress bar and a summary."""
    from corpus import Settings
    from index import CorpusIndex, make_embeddings

    settings = Settings.from_env()
    index = CorpusIndex.load(Path(args.dir), make_embeddings(settings), settings.home, progress=True, settings=settings)
    summary = index.update()
    print(
        f"{summary.reports} reports, {summary.chunks} chunks in {summary.seconds:.1f} s "
        f"(added {summary.added}, replaced {summary.replaced}, removed {summary.removed}, unchanged {summary.unchanged})"
    )
    for rid, why in sorted(index.skipped.items()):
        print(f"  skipped {rid}: {why}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """`reportqa export [--corpus DIR] --format csv|xlsx|parquet [-o FILE] [--tables]`: every cell as one table."""
    from corpus import CorpusError, Settings
    from index import CorpusIndex, make_embeddings
    from index.cells import EXPORT_FORMATS, ExportError

    fmt = args.format.lower()
    if fmt not in EXPORT_FORMATS:
        raise ExportError(f"unknown export format {args.format!r}: use one of {', '.join(EXPORT_FORMATS)}")
    settings = Settings.from_env()
    corpus_dir = Path(args.corpus) if args.corpus else settings.corpus
    if not corpus_dir.exists():
        raise CorpusError(f"{corpus_dir}: no such corpus directory")
    target = Path(args.output) if args.output else Path.cwd() / f"reportqa-cells.{fmt}"
    # The embedding model loads only if some report is new or changed (its chunks must be embedded).
    index = CorpusIndex.open(corpus_dir, make_embeddings(settings), settings.home, progress=True, settings=settings)
    try:
        what = "table_cells" if args.tables else "cells"
        [(cells, reports)] = index.cells.execute(f"SELECT (SELECT count(*) FROM {what}), (SELECT count(*) FROM reports)")
        index.cells.export(target, fmt, tables=args.tables)
    finally:
        index.close()
    print(f"{cells} cells of {reports} reports → {target}", file=sys.stderr)
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    """`reportqa eval [--gold FILE|DIR] [--kind K ...] [--limit N] [--corpus DIR] [--k 5] [--no-baselines] [--json]`."""
    from eval import load_gold, run_eval
    from eval.gold import select_kinds
    from eval.report import format_table

    items = select_kinds(load_gold(args.gold), args.kind)
    if args.limit:
        items = items[: args.limit]
    assistant = _assistant(args)
    # Progress bars go to stderr, so they show with --json too.
    result = run_eval(assistant, items, k=args.k, baselines=not args.no_baselines, progress=True).to_dict()
    if args.json:
        _print_json(result)
    else:
        print(format_table(result))
    return 0


def _register_qa(sub: Any) -> None:
    q = sub.add_parser("ask", help="回答一个问题，数字注明出处")
    q.add_argument("question")
    q.add_argument("--corpus", help="报告所在目录（默认：$REPORTQA_CORPUS 或自带语料）")
    q.add_argument("--json", action="store_true", help="输出 JSON")
    q.add_argument("--table", action="store_true", help="把答案依据的单元格打印成表格（TSV）")
    q.add_argument("-o", "--output", help="把该表格写入文件（.csv、.xlsx 或 .parquet）")
    q.add_argument("--format", choices=("csv", "xlsx", "parquet"), help="文件格式（默认：按文件名）")
    q.set_defaults(func=cmd_ask)
    i = sub.add_parser("index", help="为一个报告目录建立或更新索引")
    i.add_argument("dir")
    i.set_defaults(func=cmd_index)
    x = sub.add_parser("export", help="把语料的全部表格单元格导出为一张 csv、xlsx 或 parquet 表")
    x.add_argument("--corpus", help="报告所在目录（默认：$REPORTQA_CORPUS 或自带语料）")
    x.add_argument("--format", required=True, metavar="csv|xlsx|parquet", help="文件格式")
    x.add_argument("-o", "--output", metavar="FILE", help="写到哪里（默认：./reportqa-cells.<格式>）")
    x.add_argument("--tables", action="store_true",
                   help="每份报告的每个表格（年报、预决算、统计公报…），按印出的行和列")
    x.set_defaults(func=cmd_export)
    e = sub.add_parser("eval", help="运行标准问答集和对照基线")
    e.add_argument("--gold", help="标准问答 JSONL 文件或其目录（默认：自带的问答集）")
    e.add_argument("--kind", action="append", metavar="K", help="只跑这一类（可重复：--kind derived --kind audit）")
    e.add_argument("--corpus", help="报告所在目录（默认：自带语料）")
    e.add_argument("--k", type=int, default=5, help="基线检索的段落数（默认 5）")
    e.add_argument("--limit", type=int, default=0, help="只跑前 N 条（在 --kind 之后）")
    e.add_argument("--no-baselines", action="store_true", help="不跑对照基线")
    e.add_argument("--json", action="store_true", help="输出 JSON")
    e.set_defaults(func=cmd_eval)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand; argparse's own messages (usage errors, help) in Chinese."""
    from qa.messages import argparse_nzh, argparse_zh

    # argparse looks its messages up through the gettext names of its module, at the time it writes them.
    argparse._ = argparse_zh  # type: ignore[attr-defined]
    argparse.ngettext = argparse_nzh  # type: ignore[attr-defined]
    parser = argparse.ArgumentParser(
        prog="reportqa", description="从报告中给出准确、注明出处的答案（政府信息公开年报、上市公司年报、预决算、统计公报）。"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="输出进度详情")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("parse", help="读取一份报告：章节、表格单元格、检查")
    p.add_argument("file")
    p.add_argument("--json", action="store_true", help="输出 JSON")
    p.set_defaults(func=cmd_parse)
    a = sub.add_parser("audit", help="检查一个目录中的每份报告")
    a.add_argument("dir")
    a.add_argument("--json", action="store_true", help="输出 JSON")
    a.set_defaults(func=cmd_audit)
    for register in _EXTRA_COMMANDS:
        register(sub)
    return parser


def _register_serve(sub: Any) -> None:
    p = sub.add_parser("serve", help="启动网页问答和 REST API（同 `python app.py`）")
    p.add_argument("--port", type=int, default=None, help="端口（默认：$GRADIO_SERVER_PORT 或 7860）")
    p.set_defaults(func=cmd_serve)


def cmd_serve(args: argparse.Namespace) -> int:
    """`reportqa serve [--port N]`."""
    import app

    app.serve(args.port)
    return 0


def _register_mcp(sub: Any) -> None:
    p = sub.add_parser("mcp", help="以 MCP 工具提供语料（stdio；加 --http 则为 streamable HTTP）")
    p.add_argument("--corpus", help="报告所在目录（默认：$REPORTQA_CORPUS 或自带语料）")
    p.add_argument("--http", action="store_true", help="在 127.0.0.1 上用 streamable HTTP，而不是 stdio")
    p.add_argument("--port", type=int, default=8000, help="--http 的端口（默认 8000），路径为 /mcp")
    p.set_defaults(func=cmd_mcp)


def cmd_mcp(args: argparse.Namespace) -> int:
    """`reportqa mcp [--corpus DIR] [--http [--port N]]`: stdout carries only the protocol; logs go to stderr."""
    import mcp_server

    mcp_server.run(args.corpus, http=args.http, port=args.port)
    return 0


def _register_user(sub: Any) -> None:
    p = sub.add_parser("user", help="管理网页和 REST API 的登录账号（$REPORTQA_AUTH）")
    users = p.add_subparsers(dest="user_command", required=True)
    add = users.add_parser("add", help="添加用户或重设其密码（提示输入，或从标准输入读一行）")
    add.add_argument("name")
    add.add_argument("--admin", action="store_true", help="可以把上传发布到共享语料")
    listing = users.add_parser("list", help="列出每个用户及其角色")
    listing.add_argument("--json", action="store_true", help="输出 JSON")
    remove = users.add_parser("remove", help="删除用户（其上传保留）；最后一个管理员不能删")
    remove.add_argument("name")
    passwd = users.add_parser("passwd", help="修改用户密码（提示输入，或从标准输入读一行）")
    passwd.add_argument("name")
    role = users.add_parser("role", help="把用户设为管理员或普通用户")
    role.add_argument("name")
    role.add_argument("role", choices=("admin", "user"))
    for command, func in ((add, cmd_user_add), (listing, cmd_user_list), (remove, cmd_user_remove),
                          (passwd, cmd_user_passwd), (role, cmd_user_role)):  # fmt: skip
        command.add_argument("--file", help="用户文件（默认：$REPORTQA_AUTH）")
        command.set_defaults(func=func)


def _users_file(args: argparse.Namespace, missing_ok: bool = False) -> Any:
    """The users file named by --file or REPORTQA_AUTH."""
    import os

    from qa.auth import ENV, AuthError, UserStore

    path = args.file or os.environ.get(ENV)
    if not path:
        raise AuthError(f"name the users file with --file or {ENV}", f"请用 --file 或环境变量 {ENV} 指明用户文件")
    return UserStore.load(path, missing_ok=missing_ok)


def _new_password(name: str) -> str:
    """A password typed twice at a terminal, or one line on stdin (scripts)."""
    import getpass

    from qa.auth import AuthError

    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    password = getpass.getpass(f"{name} 的密码：")
    if getpass.getpass("再输入一次：") != password:
        raise AuthError("the two passwords differ", "两次输入的密码不一致")
    return password


def cmd_user_add(args: argparse.Namespace) -> int:
    """`reportqa user add NAME [--admin] [--file PATH]`: writes a salted scrypt hash, never the password."""
    store = _users_file(args, missing_ok=True)
    store.add(args.name, _new_password(args.name), admin=args.admin)
    print(f"{'管理员' if args.admin else '用户'} {args.name} 已写入 {store.path}", file=sys.stderr)
    return 0


def cmd_user_list(args: argparse.Namespace) -> int:
    """`reportqa user list [--json]`: one user a line, name and role (no hash is ever printed)."""
    users = _users_file(args).names()
    if args.json:
        _print_json({"users": [{"name": name, "role": role} for name, role in users], "count": len(users)})
        return 0
    for name, role in users:
        print(f"{name}\t{role}")
    print(f"共 {len(users)} 个用户", file=sys.stderr)
    return 0


def cmd_user_remove(args: argparse.Namespace) -> int:
    """`reportqa user remove NAME`: a running server refuses the login from its next request on."""
    store = _users_file(args)
    store.remove(args.name)
    print(f"已删除用户 {args.name}（其上传的报告仍保留在服务器上）", file=sys.stderr)
    return 0


def cmd_user_passwd(args: argparse.Namespace) -> int:
    """`reportqa user passwd NAME`: a new password for an existing user; the role stays."""
    store = _users_file(args)
    store.set_password(args.name, _new_password(args.name))
    print(f"已更新 {args.name} 的密码", file=sys.stderr)
    return 0


def cmd_user_role(args: argparse.Namespace) -> int:
    """`reportqa user role NAME admin|user`."""
    store = _users_file(args)
    store.set_role(args.name, args.role == "admin")
    print(f"{args.name} 现在是{'管理员' if args.role == 'admin' else '普通用户'}", file=sys.stderr)
    return 0


_EXTRA_COMMANDS: list[Callable[[Any], None]] = [_register_qa, _register_serve, _register_mcp, _register_user]


def main(argv: list[str] | None = None) -> int:
    """Run the command line; library errors print one line and exit with status 2."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(message)s")
    try:
        return int(args.func(args))
    except ReportQAError as exc:
        from qa.messages import cli_message  # imported on the error path only: the CLI starts fast

        print(f"reportqa: error: {cli_message(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("reportqa: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
