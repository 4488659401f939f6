"""Table cells from normalised report text: rows anchored on their printed labels, values read after them.

One mechanism serves every format: real table rows arrive as `| a | b |` lines (PDF, DOCX, HTML,
markdown and pipe dumps), tab rows stay tab-separated, and layout text keeps its numbers in reading
order. For each row label found in its section, the values are what follows it up to the next label.
A row is kept only when exactly its number of cells is read; otherwise it is reported as unparsed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from corpus import rowsplit
from corpus.models import TABLE_ACTIVE, TABLE_REQUESTS, TABLE_REVIEW, Cell, Report
from corpus.sections import section_span
from corpus.table_spec import (
    ACTIVE_2019,
    ACTIVE_2021,
    DISPOSITION_LEAVES,
    NUMBERING,
    OTHER_2021,
    REQUEST_ROWS,
    REVIEW_COLS,
    REVIEW_ROWS,
    RowSpec,
)

# A minus sign right after a digit starts a new (negative) cell in run-together rows ("35-15").
_NUMBER = re.compile(r"(?:(?<=\d)-|(?<![\d.])-?)\d+(?:\.\d+)?(?:\s*(?:万元|亿元|元))?")
_LEADING_ZERO = re.compile(r"^-?0\d")
_UNIT = re.compile(r"(万元|亿元|元)$")
UNREAD = "?"  # an OCR'd cell that could not be read with certainty: it holds its column but yields no cell
Value = float | int | None


@dataclass
class _Match:
    spec: RowSpec
    index: int
    start: int
    end: int
    values: list[tuple[str, Value]] = field(default_factory=list)
    value_end: int = 0


@dataclass
class TableResult:
    """Cells of the three tables, the template version of each, and what could not be read."""

    cells: list[Cell] = field(default_factory=list)
    versions: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    unread: list[dict[str, object]] = field(default_factory=list)  # `?` cells: table, row, col, page, quote


def _to_value(token: str) -> Value:
    number = _UNIT.sub("", token).strip()
    return float(number) if "." in number else int(number)


def _cell_values(line: str, first: bool) -> tuple[list[tuple[str, Value]], int]:
    """Values of one line of a row, and the offset in the line where the last value ends.

    Cells of a `|`/tab row (blank -> None), numbers of a text line.
    """
    sep = "|" if "|" in line else "\t" if "\t" in line else None
    if sep is None:
        found = list(_NUMBER.finditer(line))
        return [(m.group(), _to_value(m.group())) for m in found], found[-1].end() if found else 0
    parts = line.split(sep)
    # The piece before the first separator is the label's remnant (or the `|` line's empty edge).
    if sep == "|" or first:
        parts = parts[1:]
    if parts and not parts[-1].strip():
        parts = parts[:-1]
    out: list[tuple[str, Value]] = []
    for part in parts:
        cell = part.strip()
        if cell in ("", "-", "—", "/"):
            out.append(("", None))
        elif cell == UNREAD:
            out.append((UNREAD, None))
        elif _NUMBER.fullmatch(cell):
            out.append((cell, _to_value(cell)))
    return out, len(line.rstrip())


def _read_values(text: str, start: int, stop: int, expected: int) -> tuple[list[tuple[str, Value]], int]:
    """Values after a label up to `stop`, line by line until a full row is read; and where they end."""
    values: list[tuple[str, Value]] = []
    pos, end = start, start
    for i, line in enumerate(text[start:stop].split("\n")):
        line_values, last = _cell_values(line, first=i == 0)
        has_number = any(v is not None for _, v in line_values)
        is_row = "|" in line or "\t" in line
        # A line of only blank cells belongs to the row on the label's own line; later it is a spacer.
        if i == 0 or has_number or not is_row:
            values += line_values
            if line_values:
                end = pos + last
        pos += len(line) + 1
        if not is_row and len([v for v in values if v is not None]) >= expected:
            break
        if i == 0 and is_row and has_number and len(_trim(line_values, expected)) == expected:
            break  # a full row on the label's own line: the lines below are other rows (txt/013's markdown)
    return values, end


def _trim(values: list[tuple[str, Value]], expected: int) -> list[tuple[str, Value]]:
    """Drop blank edge cells left by merged label cells and trailing separators, while too many."""
    while len(values) > expected and values and values[0][0] == "":
        values = values[1:]
    while len(values) > expected and values and values[-1][0] == "":
        values = values[:-1]
    return values


def _spaced(pattern: str) -> str:
    """Let a label pattern match across the line breaks and spaces of a wrapped or split label.

    Character classes are left as they are.
    """
    out, in_class = [], False
    for i, ch in enumerate(pattern):
        out.append(ch)
        in_class = (in_class or ch == "[") and ch != "]"
        nxt = pattern[i + 1] if i + 1 < len(pattern) else ""
        if not in_class and "\u4e00" <= ch <= "\u9fff" and "\u4e00" <= nxt <= "\u9fff":
            out.append(r"\s*")
    return "".join(out)


def _find_rows(text: str, lo: int, hi: int, specs: tuple[RowSpec, ...]) -> list[_Match]:
    """Label matches in [lo, hi), keeping those with values, in table order (a longest ordered chain)."""
    hits = [
        _Match(spec, i, m.start(), m.end())
        for i, spec in enumerate(specs)
        for m in re.finditer(NUMBERING + f"(?:{_spaced(spec.label)})", text[lo:hi])
    ]
    for h in hits:
        h.start += lo
        h.end += lo
    hits.sort(key=lambda h: (h.start, -h.end))
    hits = [h for i, h in enumerate(hits) if not any(o.start <= h.start < o.end for o in hits[:i])]
    for i, h in enumerate(hits):
        stop = hits[i + 1].start if i + 1 < len(hits) else hi
        h.values, h.value_end = _read_values(text, h.end, stop, len(h.spec.cols))
    hits = [h for h in hits if h.values]
    return _ordered_chain(hits)


def _ordered_chain(hits: list[_Match]) -> list[_Match]:
    """The longest subsequence with strictly increasing row index: drops stray and repeated labels."""
    if not hits:
        return []
    best = [1] * len(hits)
    prev = [-1] * len(hits)
    for i in range(len(hits)):
        for j in range(i):
            if hits[j].index < hits[i].index and best[j] + 1 > best[i]:
                best[i], prev[i] = best[j] + 1, j
    i = max(range(len(hits)), key=lambda k: best[k])
    chain = []
    while i >= 0:
        chain.append(hits[i])
        i = prev[i]
    return chain[::-1]


def _quote(text: str, start: int, end: int) -> str:
    # The printed row as a reader sees it: cell borders and line breaks become single spaces, and a
    # blank cell between borders shows as "—" so the remaining figures keep their columns.
    row = re.sub(r"\|[ \t]*(?=\|)", "| — ", text[start:end])
    return re.sub(r"[\s|]+", " ", row).strip(" |")


def _unread(result: TableResult, table: str, row: str, col: str, page: int | None, quote: str) -> None:
    """Record a `?` cell: no value is claimed, the warning names the cell."""
    result.unread.append({"table": table, "row": row, "col": col, "page": page, "quote": quote})
    result.warnings.append(f"{table} · {row} · {col}: OCR could not read the cell with certainty, left unparsed: 「{quote}」")


def _row_cells(
    report: Report, table: str, m: _Match, run_together: bool, fits: rowsplit.Constraint, result: TableResult
) -> tuple[list[Cell], str | None]:
    """Cells of one matched row, or a warning saying why the row could not be read with certainty."""
    spec = m.spec
    values = _trim(m.values, len(spec.cols))
    quote = _quote(report.text, m.start, m.value_end or m.end)
    if len(values) != len(spec.cols) or any(_LEADING_ZERO.match(t) for t, _ in values):
        tokens = [t for t, v in values if v is not None]
        split = rowsplit.unique_split(tokens, len(spec.cols), fits) if run_together else None
        if split is None:
            return [], f"{table} · {spec.key}: read {len(values)} values for {len(spec.cols)} columns, row left unparsed: 「{quote}」"
        values = [(str(v), v) for v in split]
    page = report.page_at(m.start)
    cells = []
    for col, (token, value) in zip(spec.cols, values, strict=True):
        if token == UNREAD:
            _unread(result, table, spec.key, col, page, quote)
            continue
        unit_match = _UNIT.search(token)
        unit = unit_match.group(1) if unit_match else spec.unit
        cells.append(Cell(table, spec.key, col, value, quote, page, m.start, m.value_end or m.end, unit))
    return cells, None


def _runs_together(report: Report) -> bool:
    """Evidence that a converter ran cells together.

    A digit string with a leading zero ("0000000") somewhere in the table sections (二 to 四).
    """
    spans = [s for s in report.sections if s.title[0] in "二三四"]
    lo, hi = (spans[0].start, spans[-1].end) if spans else (0, len(report.text))
    return re.search(r"(?<![\d.])0\d", report.text[lo:hi]) is not None


def extract_tables(report: Report) -> TableResult:
    """Every cell of the three standard tables that can be read with certainty."""
    result = TableResult()
    text = report.text
    _requests(report, result)
    _active(report, result)
    _review(report, result)
    if not result.cells and text:
        result.warnings.append("no standard disclosure tables found: is this a 政府信息公开工作年度报告?")
    return result


def _requests(report: Report, result: TableResult) -> None:
    span = section_span(report.sections, "三") or (0, len(report.text))
    matches = _find_rows(report.text, span[0], span[1], REQUEST_ROWS)
    if not matches:
        return
    keys = {m.spec.key for m in matches}
    result.versions[TABLE_REQUESTS] = "2021" if keys & set(OTHER_2021) else "2019"
    _add_rows(report, result, TABLE_REQUESTS, matches, rowsplit.row_total_fits)
    _resplit_by_columns(report, result, matches)
    _orphan_rows(report, result, matches, span)


def _resplit_by_columns(report: Report, result: TableResult, matches: list[_Match]) -> None:
    """Run-together disposition rows that the row sum alone leaves ambiguous, split again with the columns.

    A disposition row's cell can be no larger than its column's 总计 row (rule 3: the 总计 row is their
    sum), so a column whose 总计 is 0 forces 0 in every disposition row. 平潭 2021 prints 予以公开 as
    「270020130」: 2/7/0/0/20/1/30 and 27/0/0/2/0/1/30 both add up, but 商业企业 and 法律服务机构 total 0.
    """
    if not _runs_together(report):
        return
    totals = {c.col: c.value for c in result.cells if c.table == TABLE_REQUESTS and c.row == "总计"}
    if len(totals) != len(REQUEST_ROWS[0].cols) or any(v is None for v in totals.values()):
        return
    parsed = {c.row for c in result.cells if c.table == TABLE_REQUESTS}
    cols = REQUEST_ROWS[0].cols
    bound = [totals[c] for c in cols]

    def fits(values: list[int]) -> bool:
        return rowsplit.row_total_fits(values) and all(v <= (b or 0) for v, b in zip(values, bound, strict=True))

    for m in matches:
        if m.spec.key in parsed or m.spec.key not in DISPOSITION_LEAVES:
            continue
        tokens = [t for t, v in _trim(m.values, len(cols)) if v is not None]
        split = rowsplit.unique_split(tokens, len(cols), fits)
        if split is None:
            continue
        quote = _quote(report.text, m.start, m.value_end or m.end)
        page = report.page_at(m.start)
        result.cells += [
            Cell(TABLE_REQUESTS, m.spec.key, col, v, quote, page, m.start, m.value_end or m.end, m.spec.unit)
            for col, v in zip(cols, split, strict=True)
        ]
        result.warnings = [w for w in result.warnings if not w.startswith(f"{TABLE_REQUESTS} · {m.spec.key}:")]


def _orphan_rows(report: Report, result: TableResult, matches: list[_Match], span: tuple[int, int]) -> None:
    """Result rows whose label the converter tore off (printed above the table, or cut in half), read by arithmetic.

    上海市政府办公厅 2025 prints 「5.要求行政机关确认或重新出具已获取信息」 and 「1.申请人无正当理由逾期不补正…」 away from
    their values: two rows of seven numbers follow 不予处理/4 with no label a reader can match. They are assigned only
    when every condition holds: as many such rows as result rows unread, each lying between the read rows that come
    before and after its row in the template, each adding up to its own 总计, and together equal in every column to
    （七）总计 less the rows read — so that nothing is left for any other reading.
    """
    cols = REQUEST_ROWS[0].cols
    read = {c.row: c for c in result.cells if c.table == TABLE_REQUESTS}
    other = ("其他处理",) if result.versions.get(TABLE_REQUESTS) == "2021" else OTHER_2021  # the other template's rows
    version_leaves = [k for k in DISPOSITION_LEAVES if k not in other]
    missing = [k for k in version_leaves if k not in read]
    totals = {c.col: c.value for c in result.cells if c.table == TABLE_REQUESTS and c.row == "总计" and isinstance(c.value, int)}
    if not missing or len(missing) > 3 or len(totals) != len(cols):
        return
    rows = {(c.row, c.col): c.value for c in result.cells if c.table == TABLE_REQUESTS}
    residual = [int(totals[col] or 0) - sum(rows.get((k, col)) or 0 for k in version_leaves if k in read) for col in cols]
    taken = [(m.start, max(m.value_end, m.end)) for m in matches]
    orphans = []  # (start, end, values) of | rows of seven numbers no matched row read
    pos = span[0]
    for line in report.text[span[0] : span[1]].split("\n"):
        start, end = pos, pos + len(line)
        pos = end + 1
        numbers = [int(t) for t in re.findall(r"(?<=\|)\s*(\d+)\s*(?=\|)", line)]
        if "|" in line and len(numbers) == len(cols) and not any(a <= start < b or a < end <= b for a, b in taken):
            orphans.append((start, end, numbers))
    if len(orphans) != len(missing) or any(sum(v[:-1]) != v[-1] for _, _, v in orphans):
        return
    if [sum(v[i] for _, _, v in orphans) for i in range(len(cols))] != residual:
        return
    at = {m.spec.key: m.start for m in matches}
    for key, (start, _, _) in zip(missing, orphans, strict=True):
        i = version_leaves.index(key)
        before = max((at[k] for k in version_leaves[:i] if k in at), default=span[0])
        after = min((at[k] for k in version_leaves[i + 1 :] if k in at), default=span[1])
        if not before < start < after:
            return
    for key, (start, end, values) in zip(missing, orphans, strict=True):
        quote = _quote(report.text, start, end)
        result.cells += [Cell(TABLE_REQUESTS, key, col, v, quote, report.page_at(start), start, end, "件")
                         for col, v in zip(cols, values, strict=True)]
        result.warnings.append(f"{TABLE_REQUESTS} · {key}: label printed apart from its values; read from the row 「{quote}」 "
                               f"that the table's 总计 leaves for it")


def _add_rows(report: Report, result: TableResult, table: str, matches: list[_Match], fits: rowsplit.Constraint) -> None:
    """The cells of each matched row, or a warning for each row that cannot be read with certainty."""
    run_together = _runs_together(report)
    for m in matches:
        cells, warning = _row_cells(report, table, m, run_together, fits, result)
        result.cells += cells
        if warning:
            result.warnings.append(warning)


def _active(report: Report, result: TableResult) -> None:
    span = section_span(report.sections, "二")
    text = report.text
    if span is None or text.find("第二十条", *span) < 0:
        # the sections were not found as numbered (the table's caption numbered 「一、主动公开…」): the table
        # is where 第二十条 is first printed, up to the requests table's heading
        first = text.find("第二十条")
        if first < 0:
            return
        end = text.find("收到和处理政府信息公开申请", first)
        span = (first, end if end > first else min(len(text), first + 3000))
    lo, hi = span
    first = text.find("第二十条", lo, hi)
    lo = first if first >= 0 else lo
    region = report.text[lo:hi]
    if re.search(r"本年制发|本年废止|现行有效", region):
        version, specs = "2021", ACTIVE_2021
    elif re.search(r"本年新制作|本年新公开|对外公开总数|上一年项目数量", region):
        version, specs = "2019", ACTIVE_2019
    else:
        return
    # 规章 / 规范性文件 (one block of columns) and the 第二十条 items may be printed in either order: each is
    # found in its own order
    documents = tuple(s for s in specs if s.cols == specs[0].cols)
    items = tuple(s for s in specs if s.cols != specs[0].cols)
    matches = sorted(_find_rows(text, lo, hi, documents) + _find_rows(text, lo, hi, items), key=lambda m: m.start)
    if not matches:
        return
    result.versions[TABLE_ACTIVE] = version
    _add_rows(report, result, TABLE_ACTIVE, matches, rowsplit.no_constraint)


def _review_span(report: Report) -> tuple[int, int] | None:
    """Section 四, or wherever its heading is printed under another number (txt/013 prints 「三、政府信息公开行政复议」)."""
    span = section_span(report.sections, "四")
    if span is not None and "复议" in report.text[span[0] : span[0] + 40]:
        return span
    m = re.search(r"[一二三四五六]、\s*(?:政府信息公开)?行政复议", report.text)
    if m is None:
        return span
    end = re.search(r"\n\s*[五六]、|（一）主要问题|存在的主要问题", report.text[m.end() :])
    return m.start(), m.end() + (end.start() if end else min(2000, len(report.text) - m.end()))


def _review(report: Report, result: TableResult) -> None:
    span = _review_span(report)
    if span is None:
        return
    lo, hi = span
    values: list[tuple[str, Value]] = []
    first_at = last_at = -1
    pos = lo
    for line in report.text[lo:hi].split("\n"):
        line_values = _numeric_line(line)
        if line_values:
            values += line_values
            first_at = pos if first_at < 0 else first_at
            last_at = pos + len(line)
        pos += len(line) + 1
    if not values:
        return
    n = len(REVIEW_ROWS) * len(REVIEW_COLS)
    values = _trim(values, n)
    quote = _quote(report.text, first_at, last_at)
    if len(values) != n or any(_LEADING_ZERO.match(t) for t, _ in values):
        tokens = [t for t, v in values if v is not None]
        split = rowsplit.unique_split(tokens, n, rowsplit.review_fits) if _runs_together(report) else None
        if split is None:
            result.warnings.append(f"{TABLE_REVIEW}: read {len(values)} values for {n} cells, table left unparsed: 「{quote}」")
            return
        values = [(str(v), v) for v in split]
    page = report.page_at(first_at)
    for i, (token, value) in enumerate(values):
        row, col = REVIEW_ROWS[i // 5], REVIEW_COLS[i % 5]
        if token == UNREAD:
            _unread(result, TABLE_REVIEW, row, col, page, quote)
            continue
        result.cells.append(Cell(TABLE_REVIEW, row, col, value, quote, page, first_at, last_at, "件"))
    result.versions[TABLE_REVIEW] = "standard"


def _numeric_line(line: str) -> list[tuple[str, Value]]:
    """The values of a line of the 复议诉讼 table: an all-number row, or the numbers after its last label word."""
    if "|" in line or "\t" in line:
        sep = "|" if "|" in line else "\t"
        parts = line.split(sep)
        if sep == "|":
            parts = parts[1:-1] if len(parts) > 2 else parts
        cells = [p.strip() for p in parts]
        if cells and all(c in ("", UNREAD) or _NUMBER.fullmatch(c) for c in cells) and any(c not in ("", UNREAD) for c in cells):
            return [(c, _to_value(c) if c not in ("", UNREAD) else None) for c in cells]
        return []
    tail = re.search(r"((?:\s*-?\d+)+)\s*$", line)
    if not tail:
        return []
    return [(m.group(), _to_value(m.group())) for m in _NUMBER.finditer(tail.group(1))]
