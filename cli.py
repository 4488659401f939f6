"""The `reportqa` command: thin argparse subcommands over the library; errors become one line, exit 2."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from corpus import Report, ReportQAError, UnreadableReportError, iter_reports, read_report


def _print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def _table_text(report: Report, table: str) -> list[str]:
    rows: dict[str, list[str]] = {}
    for cell in report.cells:
        if cell.table == table:
            shown = "空" if cell.value is None else f"{cell.value:g}"
            rows.setdefault(cell.row, []).append(f"{cell.col} {shown}")
    return [f"  {row}: " + ", ".join(values) for row, values in rows.items()]


def cmd_parse(args: argparse.Namespace) -> int:
    """`reportqa parse FILE [--json]`."""
    report = read_report(Path(args.file))
    if args.json:
        _print_json(report.to_dict())
        return 0
    print(f"{report.title or report.id}\n  agency: {report.agency or '?'}  year: {report.year or '?'}  id: {report.id}")
    print("  sections: " + " · ".join(s.title for s in report.sections))
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


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(prog="reportqa", description="Exact, cited answers from government disclosure reports.")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress details")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("parse", help="read one report: sections, table cells, checks")
    p.add_argument("file")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_parse)
    a = sub.add_parser("audit", help="check every report of a directory")
    a.add_argument("dir")
    a.add_argument("--json", action="store_true")
    a.set_defaults(func=cmd_audit)
    for register in _EXTRA_COMMANDS:
        register(sub)
    return parser


_EXTRA_COMMANDS: list[Callable[[Any], None]] = []


def main(argv: list[str] | None = None) -> int:
    """Run the command line; library errors print one line and exit with status 2."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(message)s")
    try:
        return int(args.func(args))
    except ReportQAError as exc:
        print(f"reportqa: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("reportqa: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
