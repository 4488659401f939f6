"""A word of the question one character off a name the report prints, that character a homophone (「在建工成」).

Read as the printed name only when exactly one name is that close and no name is written right; the answer says how
it was read (`qa.anyreport`). Used for table labels (`misspelt`) and for the prose (`misspelt_in`).
"""

from __future__ import annotations

import re

from corpus.anytables import TableCell
from qa.formulas import SYNONYMS


def misspelt(content: str, labels: dict[str, list[TableCell]]) -> tuple[str, tuple[str, str] | None]:
    """A word one character off a printed label (or everyday name), that character a homophone: read as the label.

    「在建工成」 is 在建工程, 「归母净利闰」 归母净利润 — only when no name is written right and exactly one name is
    that close; 「应收账款」 is never 应付账款 (收 and 付 do not sound alike). The answer says how it was read.
    """
    from pypinyin import lazy_pinyin

    names = {n for n in {*SYNONYMS, *labels} if len(n) >= 4 and (n in labels or any(x in labels for x in SYNONYMS.get(n, ())))}
    found: set[tuple[str, str]] = set()
    for run in re.findall(r"[\u4e00-\u9fff]{4,}", content):
        exact = [(m.start(), m.end()) for n in names if n in run for m in re.finditer(re.escape(n), run)]
        for n in names:
            for at in range(len(run) - len(n) + 1):
                if any(a <= at and at + len(n) <= b for a, b in exact):
                    continue  # inside a name written right (a longer label, or this one)
                window = run[at : at + len(n)]
                off = [i for i, (a, b) in enumerate(zip(window, n, strict=True)) if a != b]
                if len(off) == 1 and lazy_pinyin(window[off[0]]) == lazy_pinyin(n[off[0]]):
                    found.add((window, n))
    if len({n for _, n in found}) != 1:
        return content, None
    written, name = next(iter(found))
    return content.replace(written, name), (written, name)


_PARTICLES = set("的地得了着过吗呢吧啊是在有和与及或也都就还又很多少几个一")  # 「一下」 is no 「以下」


def misspelt_in(question: str, text: str) -> tuple[str, str] | None:
    """A run of the question the report never prints, one character off a run it does, that character a homophone.

    「粮食总产亮」 is read as 粮食总产量 when the report prints 总产量 and never 总产亮 — only one such reading, never a
    character of another sound (「应收」 is no 应付). Returns (as written, as printed).
    """
    import jieba
    from pypinyin import lazy_pinyin

    words = set(jieba.lcut(question))  # a two-character run only as a word of the question (「申情」), never 一共|开展's 共开
    found: dict[tuple[str, str], tuple[str, str]] = {}  # (character written, character printed) -> the longest run
    for run in re.findall(r"[\u4e00-\u9fff]{2,}", question):  # 「总里成」: 里 is no function word here
        for size in (5, 4, 3, 2):
            for at in range(len(run) - size + 1):
                window = run[at : at + size]
                if window in text or (size == 2 and window not in words):
                    continue
                for i in range(size):
                    if window[i] in _PARTICLES:
                        continue  # 的/地/得 sound alike and say nothing
                    pattern = re.escape(window[:i]) + "([\u4e00-\u9fff])" + re.escape(window[i + 1 :])
                    sound = lazy_pinyin(window[i])
                    for char in {m.group(1) for m in re.finditer(pattern, text)} - {window[i]}:
                        if lazy_pinyin(char) == sound and len(window) > len(found.get((window[i], char), ("",))[0]):
                            found[(window[i], char)] = (window, window[:i] + char + window[i + 1 :])
    return next(iter(found.values())) if len(found) == 1 else None


__all__ = ["misspelt", "misspelt_in"]
