"""How people shorten a table's printed row labels, and which label a short name stands for.

「城镇居民人均可支配收入」 is printed 城镇常住居民人均可支配收入, 「不良率」 不良贷款率, 「贷款余额」 各项贷款余额. A short name
stands for a label only when it can stand for no other label of the report (`abbreviations`); the exact labels
and the everyday names of `qa.formulas.SYNONYMS` are matched first (`qa.anycells.find_measures`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from qa.formulas import FUNCTION, SYNONYMS


def abbreviations(content: str, labels: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """Runs of the question that shorten exactly one printed label, as people shorten names.

    「城镇居民人均可支配收入」 for 城镇常住居民人均可支配收入, 「不良率」 for 不良贷款率: the same first and last
    character, the rest in order, at most two gaps and no more left out than kept; or the label without a qualifier
    of up to four characters before it (「贷款余额」 for 各项贷款余额), or shortened so (「贷款本金总额」 for
    发放贷款和垫款本金总额). A run that may stand for two labels
    (「人均收入」: 城镇… and 农村…; 「贷款总额」: 客户贷款总额 and 贷款和垫款总额) names neither.
    """
    labels = list(labels)
    printed = set(labels)
    by_first: dict[str, list[str]] = {}
    tails: dict[str, set[str]] = {}
    for label in labels:
        if len(label) >= 4 and label not in SYNONYMS:
            by_first.setdefault(label[0], []).append(label)
            for cut in range(1, min(4, len(label) - 4) + 1):  # 「贷款余额」 for 各项贷款余额: a qualifier left out
                tails.setdefault(label[cut:], set()).add(label)
                by_first.setdefault(label[cut], []).append(label[cut:])  # 「贷款本金总额」: 发放|贷款和垫款本金总额 shortened
    found: dict[str, set[str]] = {}
    for run in re.findall(r"[\u4e00-\u9fff]{3,}", content):
        for i, first in enumerate(run):
            for label in by_first.get(first, ()):
                for j in range(i + 3, min(len(run), i + len(label) - 1) + 1):
                    if _shortens(run[i:j], label):
                        found.setdefault(run[i:j], set()).update(({label} & printed) | tails.get(label, set()))
            for j in range(i + 4, len(run) + 1):
                if run[i:j] in tails:
                    found.setdefault(run[i:j], set()).update(tails[run[i:j]])
    # every label that prints the run whole counts: 「贷款总额」 may be 客户贷款总额 as well as 贷款和垫款总额
    for name, full in found.items():
        full.update(label for label in labels if name in label and len(label) <= 2 * len(name) + 4)
        full -= {f for f in full if re.sub(r"(?:合计|总计)$", "", f) in full - {f}}  # 吸收存款本金 and its 合计 row: one
    # 「上年减少」 holds 「年减少」 (本年其他减少 shortened): a short name of period and change words names nothing
    return {name: (next(iter(full)),) for name, full in found.items()
            if len(full) == 1 and name not in labels and len(FUNCTION.sub("", name)) >= 2}


def _shortens(short: str, label: str) -> bool:
    """Whether `short` is `label` with one or two runs of characters left out (no more than are kept)."""
    if short[-1] != label[-1] or len(label) - len(short) > len(short) or len(short) >= len(label) or short[-1] in "比和与及的是为占":
        return False
    gaps, at = 0, 0
    for ch in short:
        found = label.find(ch, at)
        if found < 0:
            return False
        gaps += found > at
        at = found + 1
    return at == len(label) and gaps <= 2


__all__ = ["abbreviations"]
