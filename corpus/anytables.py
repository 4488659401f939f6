"""Every table of any report as cells: title, unit, pages; values keyed by printed row label and column path.

Text cells of label/value tables become facts.
The standard 政府信息公开 tables keep their typed reading (`corpus.tables`); this generic reading is
what lets a balance sheet, a 收支决算总表 or a 统计公报's 表3 be asked about at all.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from corpus.loaders import Block

Grid = list[list[str | None]]

# Column headers of key columns (a note reference, a line number, a budget subject code): never values.
_KEY_HEADERS = re.compile(r"^(?:附注[一二三四五六七八九十]*|注释|注|行次|序号|编号|编码|代码|科目编码|科目代码|功能分类科目编码|类|款|项)$")
_NUMBER = re.compile(r"^[(（]?[-－−]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?[)）]?%?$")
_UNIT_HEADER = re.compile(r"(?:计量)?单位")
_UNIT_CELL = re.compile(r"[\u4e00-\u9fffA-Za-z/／·²³]{1,5}")
_BLANK = frozenset({"", "-", "—", "--", "——", "–", "－", "/", "—-", "／"})
_UNIT = re.compile(r"(?:金额单位|货币单位|计量单位|单位)(?:均为|为)?\s*[:：]?\s*(?:人民币)?\s*(百\s?万元|千万元|亿元|万元|千元|元|%|万人|人|吨|公顷|万吨|亿千瓦时)")
_BRACKET_UNIT = re.compile(r"[(（]\s*(?:金额)?(?:单位[:：])?\s*(?:人民币)?(百万元|千万元|亿元|万元|千元)\s*[，,、)）]")
_LEADING_UNIT = re.compile(r"^[(（]?人民币\s*(百万元|千万元|亿元|万元|千元|元)(?:[,，、;；]|[)）]|$)")  # 「人民币百万元,另有标注除外」
_COLUMN_UNIT = re.compile(r"[(（](?:单位[:：])?\s*(百万元|千万元|亿元|万元|千元|元|%|万人|人|吨|万吨|公顷|亿千瓦时|个|家|台|辆)[)）]$")
_PAGE_NUMBER = re.compile(r"^[-—\s]*\d+\s*(?:/\s*\d+)?[-—\s]*$|^第\s*\d+\s*页")
_DATE_LINE = re.compile(r"^(?:\d{4}\s*年\s*(?:\d{1,2}\s*月\s*(?:\d{1,2}\s*日)?)?(?:度|1[-—至]12月)?|\d{4}年度?[—-]\d{4}年度?)$")
_NOT_TITLE = re.compile(r"^(?:编制单位|单位|金额单位|货币单位|币种|法定代表人|主管会计|会计机构|注[:：]|说明[:：]|资料来源)")
_TITLE_WORD = re.compile(r"表|情况|明细|构成|简况|信息|指标|数据|汇总|统计")
_CONTINUED = re.compile(r"\s*(?:[(（]续[)）]?|续表\d*)$")
_NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|[(（]\d+[)）]|[一二三四五六七八九十\d]+[)）][.、．]?\s*|\d+[.、．]\s*)")


@dataclass(frozen=True)
class TableInfo:
    """One table of a report: its number in reading order, title, unit, pages and value columns."""

    number: int
    title: str
    unit: str | None
    pages: tuple[int, ...]
    columns: tuple[str, ...]
    rows: int
    transposed: bool = False  # printed with a year on each row (「2019年 | 每10股派息数 | …」): cells read as row = head


@dataclass(frozen=True)
class TableCell:
    """One value of a table: the printed row label and column-header path (levels joined by " / ")."""

    table: int
    row: str
    col: str
    value: float
    unit: str | None
    page: int | None
    quote: str
    section: str = ""  # the label-only row above it (「流动资产：」), which tells apart two 「其他」 rows


@dataclass(frozen=True)
class Fact:
    """A text cell of a table: 电子信箱 → zqb@ntsquare.com, 董事会秘书 / 姓名 → 周强."""

    table: int
    label: str
    col: str
    value: str
    page: int | None


@dataclass
class AnyTables:
    """What `read_any_tables` found in one report."""

    tables: list[TableInfo] = field(default_factory=list)
    cells: list[TableCell] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)


def parse_value(text: str) -> tuple[float | None, bool]:
    """A printed number, exactly: (1,234.00) and -1,234.00 are negative; 12.5% is 12.5 (and says so)."""
    s = re.sub(r"\s+", "", text).replace("，", ",")
    if s in _BLANK or not _NUMBER.match(s):
        return None, False
    negative = s[0] in "(（" or "-" in s or "－" in s or "−" in s
    if s[0] in "(（" and s[-1] not in ")）":
        return None, False
    digits = re.sub(r"[^\d.]", "", s)
    value = float(digits)
    return (-value if negative else value), s.endswith("%")


def _is_value(text: str | None) -> bool:
    return text is not None and parse_value(text)[0] is not None


def _yearish(text: str) -> bool:
    return bool(re.fullmatch(r"(?:19|20)\d\d(?:年度?|[AE])?", text.strip()))  # 2024E: a research report's estimate


@dataclass
class _Pending:
    """A table being assembled: a continuation on the next page appends its rows."""

    grid: Grid
    pages: list[int]
    row_pages: list[int | None]
    title: str
    unit: str | None
    width: int


def read_any_tables(blocks: list[Block]) -> AnyTables:
    """Every table among the blocks, as cells and facts; a table continued over pages is one table."""
    furniture = _furniture(blocks)
    pending: list[_Pending] = []
    context: list[str] = []
    for block in _with_text_tables(blocks):
        if not block.rows:
            lines = [ln.strip() for ln in block.text.split("\n") if ln.strip()]
            context += [ln for ln in lines if ln not in furniture and not _PAGE_NUMBER.match(ln)]
            continue
        grid = _as_grid(block)
        width = max(len(r) for r in grid)
        title, unit = _caption(context)
        last = pending[-1] if pending else None
        continued = _CONTINUED.search(title)
        title = _CONTINUED.sub("", title)
        same = bool(last and continued and title == last.title and width == last.width)
        if last and (same or not title and not _header_like(context) and _continues(last, grid, width, block.page)):
            rows = grid[1:] if grid[0] == last.grid[0] else grid
            last.grid += rows
            last.row_pages += [block.page] * len(rows)
            if block.page is not None and block.page not in last.pages:
                last.pages.append(block.page)
        else:
            unit = unit or _unit_in(grid[:3])
            if unit is None and last is not None and not context and block.page in last.pages:
                unit = last.unit  # nothing printed between two tables of a page: the unit declared above holds for both
            pages = [block.page] if block.page is not None else []
            pending.append(_Pending(grid, pages, [block.page] * len(grid), title, unit, width))
        context = []
    found = AnyTables()
    for number, table in enumerate(pending, start=1):
        _read(number, table, found)
    return found


_TEXT_VALUE = re.compile(r"^(?:[(（]?-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?[)）]?%?|-|—|–|不适用)$")
_NOTE = re.compile(r"^(?:附注)?(?:[一二三四五六七八九十]+(?:[、.]\d+)*|\d{1,2}(?:[.、]\d+)*|[(（]\d+[)）])$")


def _with_text_tables(blocks: list[Block]) -> list[Block]:
    """Blocks with each aligned-text table (a statement printed without rulings) as a rows block of its own."""
    out: list[Block] = []
    for block in blocks:
        if block.rows or not block.text:
            out.append(block)
            continue
        lines = block.text.split("\n")
        start = 0
        for first, last, rows in _text_runs(lines):
            if first > start:
                out.append(Block(text="\n".join(lines[start:first]), page=block.page))
            out.append(Block(rows=tuple(tuple(r) for r in rows), page=block.page))
            start = last
        if start < len(lines):
            out.append(Block(text="\n".join(lines[start:]), page=block.page))
    return out


def _split_line(line: str) -> tuple[str, list[str]]:
    """A printed line as (label, trailing values): 「长期股权投资 七 - - 10,115 2,115」 -> (长期股权投资, [-, -, …])."""
    tokens = line.split()
    values: list[str] = []
    while tokens and _TEXT_VALUE.match(tokens[-1]):
        values.insert(0, tokens.pop())
    label_tokens = tokens
    if label_tokens and _NOTE.match(label_tokens[-1]) and values:
        label_tokens = label_tokens[:-1]
    return " ".join(label_tokens), values


def _is_data(label: str, values: list[str]) -> bool:
    digits = [v for v in values if re.search(r"\d", v)]
    if not digits or len(label) > 40 or re.search(r"[。；]", label):
        return False
    return len(values) >= 2 or bool(re.search(r"[,.]", digits[0]))


def _text_runs(lines: list[str]) -> list[tuple[int, int, list[list[str]]]]:
    """Runs of three or more data lines (label-only lines between them allowed): each as a grid with its header."""
    runs: list[tuple[int, int, list[list[str]]]] = []
    i = 0
    while i < len(lines):
        label, values = _split_line(lines[i].strip())
        if not _is_data(label, values):
            i += 1
            continue
        j, data, gap = i, 0, 0
        while j < len(lines) and gap <= 3:
            lab, vals = _split_line(lines[j].strip())
            if j > i and data >= 3 and _year_header(lines[j]):
                break  # 「会计年度 2022 2023 2024E …」 again: the next table of the page begins (主要财务比率)
            if _is_data(lab, vals):
                data, gap = data + 1, 0
            elif lines[j].strip() and (len(lines[j].strip()) > 30 or re.search(r"[。，；]", lines[j])):
                break
            else:
                gap += 1
            j += 1
        end = j - gap
        if data >= 3:
            head_start = _header_start(lines, i)
            runs.append((head_start, end, _text_grid(lines[head_start:i], lines[i:end])))
        i = max(end, i + 1)
    return runs


def _joined(values: list[str], width: int) -> list[str]:
    """A row's figures with the one number printed in two pieces joined (「1 244738.04」 -> 1244738.04), or none.

    Only where exactly one piece of one to three digits stands before a number of four or more whole digits, and
    joining them leaves as many figures as the header has columns; any other surplus leaves the row's figures out.
    """
    pairs = [k for k in range(len(values) - 1)
             if re.fullmatch(r"\d{1,3}", values[k]) and re.fullmatch(r"\d{4,}(?:\.\d+)?", values[k + 1])]
    if len(values) != width + 1 or len(pairs) != 1:
        return []
    k = pairs[0]
    return [*values[:k], values[k] + values[k + 1], *values[k + 2 :]]


def _year_header(line: str) -> bool:
    """A line heading a forecast's columns by year (「会计年度 2022 2023 2024E 2025E 2026E」, a research report's).

    Only a header with estimated years (2024E) counts: a statement's 「附注四 2024年度 2023年度」 repeated on the
    next page continues the table above it.
    """
    tokens = line.split()
    return (sum(1 for t in tokens if _yearish(t)) >= 2 and all(_yearish(t) for t in tokens[1:])
            and any(re.fullmatch(r"(?:19|20)\d\dE", t) for t in tokens))


def _header_start(lines: list[str], first: int) -> int:
    """Header lines above a run: short lines without values, up to the caption (which stays text)."""
    k = first
    while k > 0 and first - k < 20:
        line = lines[k - 1].strip()
        if not line or _UNIT.search(line) or _TITLE_WORD.search(line) and "表" in line or len(line) > 40:
            break
        if k < first and _year_header(lines[k]):
            break  # 「会计年度 2022 2023 …」 is the first header row: the line above it is the caption (主要财务比率)
        k -= 1
    return k


def _text_grid(header: list[str], body: list[str]) -> list[list[str]]:
    """The run as a grid: header rows (single-token lines stacked into rows), then label + right-aligned values."""
    parsed = [_split_line(line.strip()) for line in body]
    width = max(len(v) for _, v in parsed)
    years = [sum(1 for t in line.split() if _yearish(t)) for line in header if _year_header(line)]
    counts = Counter(len(v) for _, v in parsed if v)
    if years and width > years[-1] and max(counts, key=lambda n: counts[n]) == years[-1]:
        # 「会计年度 2022 2023 2024E 2025E 2026E」 heads five columns: a row of six figures (「营业收入 … 1050036.14
        # 1 244738.04」, one number printed split) cannot be put under them; its label stays, its figures are left
        # out rather than every row shifted under the wrong year
        width = years[-1]
        parsed = [(label, values if len(values) <= width else _joined(values, width)) for label, values in parsed]
    rows: list[list[str]] = []
    stacked: list[str] = []
    fragments: list[str] = []  # label lines just above the first row (「同业及其他金融机构存放款」「项」)
    for line in header:
        fragments.append(line.strip())
        tokens = line.split()
        if len(tokens) == width:
            rows.append(["", *tokens])
        elif len(tokens) == 1 and re.search(r"\d|年|月|日|期|合并|母公司|本|上", tokens[0]):
            stacked.append(tokens[0])
            if len(stacked) == width:
                rows.append(["", *stacked])
                stacked, fragments = [], []
            continue
        elif len(tokens) == width + 1:
            rows.append(tokens)
        else:
            continue
        fragments = []
    pending: list[str] = [f for f in fragments if f and not _KEY_HEADERS.match(f) and f not in ("资产", "负债")][-2:]
    for label, values in parsed:
        if not values:
            if label:
                pending.append(label)
            continue
        if not label and pending:
            label = "".join(pending[-2:])
        elif pending:
            rows.append([pending[-1], *[""] * width])
        pending = []
        rows.append([label, *[""] * (width - len(values)), *values])
    return rows


def _furniture(blocks: list[Block]) -> set[str]:
    """Running headers and footers: short lines printed on a good share of the pages."""
    per_page: dict[int | None, set[str]] = {}
    for b in blocks:
        if b.text:
            per_page.setdefault(b.page, set()).update(ln.strip() for ln in b.text.split("\n") if 0 < len(ln.strip()) < 40)
    if len(per_page) < 4:
        return set()
    counts = Counter(line for lines in per_page.values() for line in lines)
    return {line for line, n in counts.items() if n >= max(3, len(per_page) // 4) and not _UNIT.search(line)}


def _as_grid(block: Block) -> Grid:
    rows = block.grid or block.rows
    width = max(len(r) for r in rows)
    return [[_clean(c) for c in r] + [""] * (width - len(r)) for r in rows]


def _clean(text: str | None) -> str | None:
    if text is None:
        return None
    text = text.replace("\u3000", " ").strip()
    return re.sub(r"(?<=[\u4e00-\u9fff（）：、])\s+(?=[\u4e00-\u9fff（）：、])", "", text)


def _caption(context: list[str]) -> tuple[str, str | None]:
    """The title (the nearest line above that reads as one) and the unit printed above the table."""
    unit = None
    for line in reversed(context[-6:]):
        m = _UNIT.search(line) or _BRACKET_UNIT.search(line) or _LEADING_UNIT.search(line)
        if m:
            unit = re.sub(r"\s", "", m.group(1))  # 「单位:百 万元」, spaced as a research report prints it
            break
    candidates = [ln for ln in context[-6:] if len(ln) <= 60 and not _DATE_LINE.match(ln) and not _NOT_TITLE.match(ln)]
    candidates = [ln for ln in candidates if not ln.endswith(("。", "；", "，", ",")) and not _UNIT.fullmatch(ln)]
    titled = [ln for ln in candidates if _TITLE_WORD.search(ln)]
    pick = (titled or candidates[-1:] or [""])[-1]
    pick = _UNIT.sub("", pick).strip(" （）()")
    return _NUMBERING.sub("", pick).strip(), unit


def _header_like(context: list[str]) -> bool:
    """Text between two tables that is more than a page's furniture: the second is a new table."""
    return any(len(ln) > 8 for ln in context)


def _continues(last: _Pending, grid: Grid, width: int, page: int | None) -> bool:
    """A table at the top of the next page with the same columns, starting with data (or the same header)."""
    if width != last.width or page is None or not last.pages or page - last.pages[-1] not in (0, 1):
        return False
    first = grid[0]
    if page - last.pages[-1] == 1:
        return True  # untitled, nothing but page furniture between, same columns: the page broke the table
    return first == last.grid[0] or any(_is_value(c) for c in first[1:]) or not any(first[1:])


def _unit_in(rows: Grid) -> str | None:
    for row in rows:
        for cell in row:
            m = _UNIT.search(cell or "")
            if m:
                return m.group(1)
    return None


def _header_rows(grid: Grid) -> int:
    """Leading rows with no value in them (a year as a header is not a value); at most four."""
    if not any(_is_value(c) for row in grid for c in row[1:]):  # a text table: label/value pairs
        return 1 if grid and not (grid[0][0] or "").strip() and len(grid) > 1 else 0
    if len(grid[0]) == 2 and (grid[0][0] or "").strip():
        return 0  # a label/value table: 公司注册地址 | 江苏省…
    n = 0
    for row in grid[:4]:
        if any(_is_value(c) and not _yearish(c or "") for c in row):
            break
        n += 1
    return min(n, len(grid) - 1)


def _column_kinds(grid: Grid, head: int) -> list[str]:
    """'value', 'key', 'unit' or 'label' for each column, from its header and its body cells."""
    kinds = []
    for j in range(len(grid[0])):
        headers = [(grid[h][j] or "").strip() for h in range(head)]
        body = [(row[j] or "").strip() for row in grid[head:]]
        filled = [c for c in body if c and c not in _BLANK]
        numbers = [c for c in filled if _is_value(c)]
        if any(_KEY_HEADERS.match(h) for h in headers if h) or any(re.fullmatch(r"0\d+", c) for c in numbers):
            kinds.append("key")
        elif j > 0 and any(_UNIT_HEADER.fullmatch(h) for h in headers if h) and filled and all(_UNIT_CELL.fullmatch(c) for c in filled):
            kinds.append("unit")  # 产销量情况分析表's 「单位」 column: each row's unit (台, 万毫升), not its name
        elif j > 0 and numbers and len(numbers) * 2 >= len(filled):
            kinds.append("value")
        elif j > 0 and not filled and head and any(headers) and kinds and kinds[-1] == "value":
            kinds.append("value")  # an all-blank column of a value table (其中：优先股 …)
        else:
            kinds.append("label")
    return kinds


def _panels(kinds: list[str]) -> list[tuple[list[int], list[int]]]:
    """Label columns and the value columns after them; a label column after values starts a panel."""
    panels: list[tuple[list[int], list[int]]] = []
    for j, kind in enumerate(kinds):
        if kind == "value":
            if not panels:
                panels.append(([], []))
            panels[-1][1].append(j)
        elif kind == "label" and (not panels or panels[-1][1]):
            panels.append(([j], []))
        elif kind == "label":
            panels[-1][0].append(j)
    return [p for p in panels if p[0] or p[1]]


def _col_path(grid: Grid, head: int, j: int, kinds: list[str]) -> str:
    """The header cells above column j, top to bottom; a header merged across columns counts for each."""
    parts: list[str] = []
    for h in range(head):
        text = grid[h][j]
        if text is None and h > 0 and grid[h - 1][j] is not None:
            continue  # a header cell merged down from the one above (「项目支出」 over two rows), not across from the left
        if text is None:
            k = j
            while k > 0 and grid[h][k] is None:
                k -= 1
            text = grid[h][k] if kinds[k] != "label" else None
        if text and (not parts or parts[-1] != text):
            parts.append(text)
    return " / ".join(parts)


def _read(number: int, table: _Pending, found: AnyTables) -> None:
    grid = table.grid
    head = _header_rows(grid)
    kinds = _column_kinds(grid, head)
    panels = _panels(kinds)
    if _grouped_text(grid, kinds):
        _group_facts(number, table, found)
        return
    keys = [j for j, kind in enumerate(kinds) if kind == "key"]
    unit_at = next((j for j, kind in enumerate(kinds) if kind == "unit"), None)
    columns: list[str] = []
    for labels, values in panels:
        side = (grid[0][labels[0]] or "") if head > 1 and len(panels) > 1 and labels else ""
        paths = {j: _col_path(grid, head, j, kinds) for j in values}
        if side:
            paths = {j: p if p.startswith(side) else f"{side} / {p}".strip(" /") for j, p in paths.items()}
        units = {j: _column_unit(p) for j, p in paths.items()}
        columns += [paths[j] for j in values]
        section = ""
        for i in range(head, len(grid)):
            row = grid[i]
            label = _label(row, labels) if values else (row[labels[0]] or "") if labels else ""
            if values and not label:  # 「合计」 printed across the 科目编码 columns, the name column left blank
                label = next((t for j in keys if re.fullmatch(r"[\u4e00-\u9fff]{0,6}(?:合计|总计)", t := (row[j] or "").strip())), "")
            quote = " | ".join(c for c in row if c)
            page = table.row_pages[i]
            got = False
            for j in values:
                value, percent = parse_value(row[j] or "")
                if value is None or not label:
                    continue
                got = True
                printed = (row[unit_at] or "").strip() or None if unit_at is not None else None
                unit = "%" if percent else units[j] or printed or _row_unit(label, table.unit)
                found.cells.append(TableCell(number, label, paths[j], value, unit, page, quote, section))
            if label and not got and not any(_is_value(row[j]) for j in values):
                section = label
            _facts(number, row, label, labels, grid, head, kinds, page, found)
    if panels:
        found.tables.append(_transposed(number, found, TableInfo(number, table.title, table.unit, tuple(table.pages),
                                                                 tuple(columns), len(grid) - head)))


_YEAR_ROW = re.compile(r"(?:19|20)\d\d\s*年(?:度)?")


def _transposed(number: int, found: AnyTables, info: TableInfo) -> TableInfo:
    """A table whose every row is a year, read with its heads as rows and its years as columns.

    「分红年度 | 每10股派息数(元)」 printed a year a row is asked as any other table: 每10股派息数 of 2019年.
    """
    mine = [i for i, c in enumerate(found.cells) if c.table == number]
    years = list(dict.fromkeys(re.sub(r"\s", "", found.cells[i].row) for i in mine))
    if len(years) < 2 or not all(_YEAR_ROW.fullmatch(y) for y in years) or any(re.search(r"(?:19|20)\d\d", c) for c in info.columns):
        return info
    for i in mine:
        cell = found.cells[i]
        found.cells[i] = replace(cell, row=cell.col, col=re.sub(r"\s", "", cell.row))
    return replace(info, columns=tuple(years), transposed=True)


def _label(row: list[str | None], labels: list[int]) -> str:
    """The row's label: its last label cell with words in it (the 科目名称, not the 类/款/项 codes)."""
    texts = [row[j] or "" for j in labels]
    worded = [t for t in texts if re.search(r"[\u4e00-\u9fffA-Za-z]", t)]
    return (worded or [t for t in texts if t] or [""])[-1]


def _grouped_text(grid: Grid, kinds: list[str]) -> bool:
    """A table of text only whose first column groups rows, merged down (the name printed once, in the middle).

    「| 名称 | 致同… ‖ 公司聘请的会计师事务所（境内）| 办公地址 | 深圳… ‖ | 签字会计师姓名 | …」.
    """
    if "value" in kinds or len(grid) < 2 or min(len(r) for r in grid) < 3:
        return False
    first = [(r[0] or "").strip() for r in grid]
    named = [f for f in first if f]
    return 0 < len(named) < len(first) - len(named) and all((r[1] or "").strip() for r in grid)


def _group_facts(number: int, table: _Pending, found: AnyTables) -> None:
    """Each row a fact: its group as label, the row's own label as column, its last cell as value.

    The group is the nearest printed name; a row as near to two names is left out.
    """
    grid = table.grid
    found.tables.append(TableInfo(number, table.title, table.unit, tuple(table.pages), (), len(grid)))
    at = [i for i, r in enumerate(grid) if (r[0] or "").strip()]
    for i, row in enumerate(grid):
        near = sorted(at, key=lambda k: abs(k - i))
        if len(near) > 1 and abs(near[0] - i) == abs(near[1] - i):
            continue
        group = (grid[near[0]][0] or "").strip()
        texts = [(c or "").strip() for c in row[1:] if (c or "").strip()]
        if len(texts) >= 2:
            found.facts.append(Fact(number, group, " / ".join(texts[:-1]), texts[-1], table.row_pages[i]))


def _facts(number: int, row: list[str | None], label: str, labels: list[int], grid: Grid, head: int,
           kinds: list[str], page: int | None, found: AnyTables) -> None:
    """Text cells right of the label: a company's 电子信箱, a 董事会秘书's 姓名; a lone 「E-mail: ir@psbc.com」 cell."""
    cells = [c.strip() for c in row if c and c.strip()]
    lone = _LONE_FACT.fullmatch(cells[0]) if len(cells) == 1 else None
    if lone:
        found.facts.append(Fact(number, lone.group(1).strip(), "", lone.group(2).strip(), page))
        return
    first = labels[0] if labels else 0
    for j in range(len(row)):
        text = (row[j] or "").strip()
        if j <= first or not text or text in _BLANK or _is_value(text) and kinds[j] == "value":
            continue
        if j in labels and text == label:
            continue
        col = _col_path(grid, head, j, kinds) if head else ""
        row_label = label if label != text else ""
        if row_label or col:
            found.facts.append(Fact(number, row_label, col, text, page))


_LONE_FACT = re.compile(r"([\u4e00-\u9fffA-Za-z][\u4e00-\u9fffA-Za-z\- ]{1,11})[:：]\s*(\S.{0,80})")
_ROW_UNIT = re.compile(r"[（(]\s*(?:[^（()）]{0,8}[，,、]\s*)?(?:人民币)?\s*"  # 「现金分红（含税，人民币百万元）」
                       r"(%|元\s*[／/]\s*股|人|个|家|户|台|辆|次|倍|天|百万元|千万元|千元|万元|亿元|元)\s*[)）]$")
_CURRENCY = ("元", "万元", "亿元", "千元", "百万元", "千万元")


def _row_unit(label: str, unit: str | None) -> str | None:
    """A row's own unit: the one its label prints (「基本每股收益（元／股）」), none of money for a count (「…的数量」)."""
    m = _ROW_UNIT.search(label)
    if m:
        return re.sub(r"\s", "", m.group(1))
    bare = re.sub(r"\s*[（(]\s*(?:注\s*)?\d{1,2}\s*[)）]$", "", label)  # 「拨备覆盖率(7)」: a note's number
    if bare.endswith("率") and not re.search(r"比率|周转率|倍数", bare) and unit in (None, *_CURRENCY):
        return "%"  # a rate printed without its % (a bank's 财务指标: 资本充足率 13.52)
    if unit in _CURRENCY and re.search(r"数量|人数|员工|人员|户数|个数|家数", label) and not re.search(r"[费额款资薪酬]", label):
        return None
    return unit


def _column_unit(path: str) -> str | None:
    m = _COLUMN_UNIT.search(path.replace(" ", ""))
    return m.group(1) if m else None


def table_titles(tables: Iterable[TableInfo]) -> list[str]:
    """The tables' titles in reading order (a report browser lists these)."""
    return [t.title or f"表{t.number}" for t in tables]


__all__ = ["AnyTables", "Fact", "TableCell", "TableInfo", "parse_value", "read_any_tables", "table_titles"]
