"""The 勾稽 rules as a second check on OCR: when an OCR'd table does not add up, OCR or the printer erred.

A failed rule is blamed on OCR when one of its cells was read *at risk* (a low margin, a weak
character, a glyph unlike its neighbours: `corpus.ocr.evidence`) and a number of the same length
in that cell would make the rule hold: that cell is left unparsed, with a warning naming it, what
was read and why. When every cell of the rule was read cleanly, the printed table really does not
add up (平潭 2020, 洪泽区 2023's 复议 row): the finding stays and the cells stay as printed.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from typing import Any

from corpus.loaders import Block
from corpus.models import Finding, Report

log = logging.getLogger(__name__)

UNREAD = "?"
_BALANCE = "申请: 本年新收 + 上年结转"  # the in = out rule: two cells each side, not a total and its parts

Reparse = Callable[[list[Block]], Report]
Key = tuple[str, str, str]


def settle(report: Report, blocks: list[Block], reparse: Reparse) -> Report:
    """The report again with each at-risk cell that explains a failed rule left unparsed (or as it was)."""
    failed = [f for f in report.checks if not f.ok and f.cells and not f.rule.startswith("文字与表格")]
    if not failed:
        return report
    involved = {tuple(k.split("|")) for f in failed for k in f.cells}
    pages = {c.page for c in report.cells if (c.table, c.row, c.col) in involved}
    blamed: list[tuple[int, dict[str, Any], str]] = []
    for index, block in enumerate(blocks):
        for risk in block.risks:
            if risk["page"] not in pages:
                continue
            key = _cell_of(report, blocks, index, risk, reparse)
            why = _explains(report, failed, key, str(risk["read"])) if key else None
            if key and why:
                blamed.append((index, risk, f"{' · '.join(key)}: OCR read 「{risk['read']}」 ({risk['reason']}); {why}"))
    if not blamed:
        return report
    settled = reparse(_unread(blocks, blamed))
    settled.warnings += [w + ": left unparsed rather than guessed" for _, _, w in blamed]
    log.info("%s: %d OCR'd cells blamed for failed checks", report.id, len(blamed))
    return settled


def _with_cell(blocks: list[Block], index: int, risk: dict[str, Any], text: str) -> list[Block]:
    """The blocks with one table cell's text replaced."""
    block = blocks[index]
    rows = [list(r) for r in block.rows]
    rows[risk["row"]][risk["cell"]] = text
    out = list(blocks)
    out[index] = dataclasses.replace(block, rows=tuple(tuple(r) for r in rows))
    return out


def _cell_of(report: Report, blocks: list[Block], index: int, risk: dict[str, Any], reparse: Reparse) -> Key | None:
    """Which parsed cell an OCR grid cell became: the one that disappears when that grid cell is unread."""
    before = {(c.table, c.row, c.col) for c in report.cells}
    after = {(c.table, c.row, c.col) for c in reparse(_with_cell(blocks, index, risk, UNREAD)).cells}
    gone = before - after
    return next(iter(gone)) if len(gone) == 1 else None


def _value(report: Report, key: str) -> float:
    cell = report.cell(*key.split("|"))
    return float(cell.value) if cell is not None and cell.value is not None else 0.0


def _needed(report: Report, finding: Finding, key: str) -> float:
    """The value the cell `key` would need for the rule to hold, the other cells as read."""
    values = {k: _value(report, k) for k in finding.cells}
    if finding.rule.startswith(_BALANCE):
        ins, outs = finding.cells[:2], finding.cells[2:]
        side, other = (ins, outs) if key in ins else (outs, ins)
        return sum(values[k] for k in other) - sum(values[k] for k in side if k != key)
    total, parts = finding.cells[0], finding.cells[1:]
    if key == total:
        return sum(values[k] for k in parts)
    return values[total] - sum(values[k] for k in parts if k != key)


def _explains(report: Report, failed: list[Finding], key: Key, read: str) -> str | None:
    """How a misread of this cell would explain a failed rule (a number of its length makes the rule hold), or None."""
    joined = "|".join(key)
    for finding in failed:
        if joined not in finding.cells:
            continue
        needed = _needed(report, finding, joined)
        if needed >= 0 and needed == int(needed) and len(str(int(needed))) == len(read) and str(int(needed)) != read:
            return f"「{finding.rule}」 does not add up, and {int(needed)} there would make it hold"
    return None


def _unread(blocks: list[Block], blamed: list[tuple[int, dict[str, Any], str]]) -> list[Block]:
    """The blocks with the blamed cells printed `?` and a doubt for each, in reading order."""
    for index, risk, why in blamed:
        blocks = _with_cell(blocks, index, risk, UNREAD)
        doubt = {k: risk[k] for k in ("page", "row", "cell", "label", "read", "confidence")} | {"reason": why}
        block = blocks[index]
        doubts = sorted((*block.doubts, doubt), key=lambda d: (d.get("row", 0), d.get("cell", 0)))
        blocks[index] = dataclasses.replace(block, doubts=tuple(doubts))
    return blocks
