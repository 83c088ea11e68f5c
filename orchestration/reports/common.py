"""Shared pieces of the formatted Excel reports: periods, the read-only warehouse, the print layout.

Every sheet of a report is a table written by :func:`write_table`:

* row 1 title (merged), row 2 info line (医院, 期间, 科室, 生成时间), row 3 note;
* an optional group-header row (merged cells over the columns of one group) and the header row;
* one row per record, then a bold 合计 row when the table has totals;
* frozen panes below the header rows and right of the identifying columns, an autofilter over the
  header and the records (not the 合计 row), column widths, number formats
  (:data:`MONEY` ``"¥"#,##0.00``, :data:`COUNT` ``#,##0``, :data:`RATIO` ``0.00%`` …);
* A4 landscape, one page wide, header rows repeated on every page, footer 「第 &P 页 共 &N 页」.

Money and points are written as exact decimals (never floats), so a total read back reconciles to
the cent. A value that is not available prints as an empty cell — never 0.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from connectors.warehouse import relation_exists

MONEY = '"¥"#,##0.00'
COUNT = "#,##0"
RATIO = "0.00%"
POINTS = "#,##0.00"
COEF = "0.0000"
SCORE = "0.00"
NUMBER = "#,##0.00"

UNMAPPED_NAME = "（未对照科室）"
_PERIOD_RE = re.compile(r"^(\d{4})-(\d{2})$")


class ReportError(Exception):
    """The report cannot be written (bad period, unknown department, no data, no warehouse); the
    message is Chinese and meant for the user."""


# ------------------------------------------------------------------------------------------------
# Periods


def parse_period(text: str, what: str = "期间") -> str:
    """``YYYY-MM`` with a month 01–12, else ReportError (「期间「2025-13」无效……」)."""
    m = _PERIOD_RE.match((text or "").strip())
    if not m or not 1 <= int(m.group(2)) <= 12 or int(m.group(1)) < 1900:
        raise ReportError(f"{what}「{text}」无效：应为 YYYY-MM，月份 01–12（如 2025-10）")
    return m.group(0)


def month_range(period: str, to: str | None = None) -> list[str]:
    """The months ``period``..``to`` (inclusive; ``to`` defaults to ``period``)."""
    first = parse_period(period)
    last = parse_period(to, "结束期间") if to else first
    if last < first:
        raise ReportError(f"结束期间 {last} 早于开始期间 {first}")
    y, m = int(first[:4]), int(first[5:])
    months = []
    while True:
        p = f"{y:04d}-{m:02d}"
        months.append(p)
        if p == last:
            return months
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)


def period_label(months: Sequence[str]) -> str:
    """「2025年10月」 or 「2025年10月—2025年12月」."""

    def one(p: str) -> str:
        return f"{p[:4]}年{int(p[5:])}月"

    return one(months[0]) if len(months) == 1 else f"{one(months[0])}—{one(months[-1])}"


def period_slug(months: Sequence[str]) -> str:
    """For file names: 2025-10 or 2025-10至2025-12."""
    return months[0] if len(months) == 1 else f"{months[0]}至{months[-1]}"


def hospital_name() -> str:
    return os.environ.get("JIXIAO_HOSPITAL_NAME") or "本院"


# ------------------------------------------------------------------------------------------------
# Warehouse


@contextmanager
def open_warehouse(warehouse: Path | str) -> Iterator[Any]:
    """A read-only DuckDB connection on the warehouse; problems raise :class:`ReportError`."""
    from connectors.warehouse import read_only_connection

    with read_only_connection(warehouse, ReportError) as con:
        yield con


def has(con, relation: str) -> bool:
    schema, table = relation.split(".", 1)
    return relation_exists(con, schema, table)


@dataclass(frozen=True)
class Department:
    code: str | None  # None: rows whose source department has no 科室对照
    name: str
    category: str | None = None
    group: str | None = None
    is_accounting_unit: bool = False


def load_departments(con) -> dict[str, Department]:
    """marts.dim_department by code; ReportError when the mart is missing."""
    if not has(con, "marts.dim_department"):
        raise ReportError("科室维表 marts.dim_department 不存在：请先运行流水线（jixiao run）")
    rows = con.execute(
        "SELECT perf_dept_code, perf_dept_name, dept_category, accounting_group, "
        "coalesce(is_accounting_unit, false) FROM marts.dim_department ORDER BY perf_dept_code"
    ).fetchall()
    return {r[0]: Department(r[0], r[1] or r[0], r[2], r[3], bool(r[4])) for r in rows}


def department(depts: dict[str, Department], code: str | None) -> Department:
    if code is None:
        return Department(None, UNMAPPED_NAME)
    return depts.get(code) or Department(code, code)


def resolve_department(depts: dict[str, Department], text: str) -> Department:
    """A department by 绩效科室编码 or exact name; ReportError 「未知科室」 otherwise."""
    key = (text or "").strip()
    if key in depts:
        return depts[key]
    by_name = [d for d in depts.values() if d.name == key]
    if len(by_name) == 1:
        return by_name[0]
    if len(by_name) > 1:
        codes = "、".join(d.code or "" for d in by_name)
        raise ReportError(f"科室名称「{key}」对应多个绩效科室（{codes}）：请用科室编码")
    hint = "、".join(f"{d.code} {d.name}" for d in list(depts.values())[:3] if d.is_accounting_unit)
    raise ReportError(
        f"未知科室「{key}」：请使用 marts.dim_department 中的绩效科室编码或名称"
        + (f"（如 {hint}）" if hint else "")
    )


def dept_sort_key(code: str | None) -> tuple:
    return (code is None, code or "")


# ------------------------------------------------------------------------------------------------
# Numbers


def dec(x: Any) -> Decimal:
    """A mart number as Decimal (None → 0), for sums."""
    if x is None:
        return Decimal(0)
    return x if isinstance(x, Decimal) else Decimal(str(x))


def ratio(num: Any, den: Any) -> Decimal | None:
    """num / den, None when either is missing or den is 0."""
    if num is None or den is None:
        return None
    d = dec(den)
    if d == 0:
        return None
    return dec(num) / d


def cell_value(value: Any, fmt: str | None) -> Any:
    """The value written to a cell: counts as int, ratios/coefficients/scores as float, money and
    points as exact decimals (2 and 4 places)."""
    if value is None or isinstance(value, str | bool):
        return value
    if isinstance(value, float | int | Decimal):
        if fmt == COUNT:
            d = dec(value)
            return int(d) if d == d.to_integral_value() else float(d)
        if fmt == MONEY:
            return dec(value).quantize(Decimal("0.01"))
        if fmt in (POINTS, NUMBER):
            return dec(value).quantize(Decimal("0.0001"))
        return float(value)
    return value


def money_text(x: Any) -> str:
    if x is None:
        return "-"
    d = dec(x)
    return f"-¥{-d:,.2f}" if d < 0 else f"¥{d:,.2f}"


# ------------------------------------------------------------------------------------------------
# Layout


@dataclass(frozen=True)
class Col:
    """One column: header, record key, number format (None = text), width, group header, and how the
    合计 row fills it: ``sum``, ``ratio`` (num key, den key of the totals), a callable of the totals
    dict, or nothing."""

    header: str
    key: str
    fmt: str | None = None
    width: float = 12
    group: str | None = None
    total: str | Callable[[dict], Any] | None = None
    ratio: tuple[str, str] | None = None


_TITLE_ROW, _INFO_ROW, _NOTE_ROW = 1, 2, 3
_BLUE, _GREY = "DDEBF7", "F2F2F2"


def _hf(text: str) -> str:
    return text.replace("&", "&&")  # '&' starts a code in Excel headers/footers


def totals_of(records: Sequence[dict], cols: Sequence[Col], label_key: str, label: str = "合计") -> dict:
    """The 合计 record: sums of ``sum`` columns (exact decimals), ratios recomputed from the sums."""
    t: dict[str, Any] = {label_key: label}
    for c in cols:
        if c.total == "sum":
            values = [r.get(c.key) for r in records]
            t[c.key] = (
                sum((dec(v) for v in values if v is not None), Decimal(0))
                if any(v is not None for v in values)
                else None
            )
    for c in cols:
        if c.total == "ratio" and c.ratio:
            t[c.key] = ratio(t.get(c.ratio[0]), t.get(c.ratio[1]))
        elif callable(c.total):
            t[c.key] = c.total(t)
    return t


@dataclass
class SheetInfo:
    """Where things landed on a written sheet (tests and callers read it)."""

    header_row: int
    first_row: int
    last_row: int  # last record row (header_row when there are none)
    total_row: int | None


def write_table(
    wb,
    title: str,
    heading: str,
    info: str,
    note: str,
    cols: Sequence[Col],
    records: Sequence[dict],
    *,
    freeze_cols: int,
    generated: str,
    header_right: str,
    totals: dict | None = None,
    empty_text: str = "所选期间无数据",
) -> SheetInfo:
    """Write one print-ready table sheet (see the module docstring)."""
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(title)
    last_col = get_column_letter(len(cols))
    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    font, bold = Font(name="宋体", size=10), Font(name="宋体", size=10, bold=True)
    head_fill, total_fill = PatternFill("solid", fgColor=_BLUE), PatternFill("solid", fgColor=_GREY)
    for i, c in enumerate(cols, start=1):
        ws.column_dimensions[get_column_letter(i)].width = c.width
    for row, text, f, height in (
        (_TITLE_ROW, heading, Font(name="黑体", size=16, bold=True), 30),
        (_INFO_ROW, info, font, 18),
        (_NOTE_ROW, note, Font(name="宋体", size=9, italic=True), 30 if len(note) > 90 else 16),
    ):
        cell = ws.cell(row, 1, text)
        cell.font = f
        cell.alignment = Alignment(
            horizontal="center" if row == _TITLE_ROW else "left", vertical="center", wrap_text=True
        )
        ws.merge_cells(f"A{row}:{last_col}{row}")
        ws.row_dimensions[row].height = height

    def head(cell) -> None:
        cell.font, cell.fill, cell.border = bold, head_fill, border
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)

    header_row = _NOTE_ROW + 1
    if any(c.group for c in cols):
        group_row, header_row = header_row, header_row + 1
        i = 0
        while i < len(cols):
            j = i
            while j + 1 < len(cols) and cols[j + 1].group == cols[i].group:
                j += 1
            if cols[i].group:
                ws.cell(group_row, i + 1, cols[i].group)
                if j > i:
                    ws.merge_cells(
                        start_row=group_row, start_column=i + 1, end_row=group_row, end_column=j + 1
                    )
            else:  # identifying columns: the header spans both rows
                for k in range(i, j + 1):
                    ws.cell(group_row, k + 1, cols[k].header)
                    ws.merge_cells(
                        start_row=group_row, start_column=k + 1, end_row=header_row, end_column=k + 1
                    )
            for k in range(i, j + 1):
                head(ws.cell(group_row, k + 1))
            i = j + 1
        ws.row_dimensions[group_row].height = 18
        first_header = group_row
    else:
        first_header = header_row
    for i, c in enumerate(cols, start=1):
        cell = ws.cell(header_row, i)
        if c.group or first_header == header_row:
            cell.value = c.header
        head(cell)
    ws.row_dimensions[header_row].height = 30

    def put(r: int, rec: dict, is_total: bool) -> None:
        overrides = rec.get("_fmt") or {}
        for i, c in enumerate(cols, start=1):
            fmt = overrides.get(c.key, c.fmt)
            v = cell_value(rec.get(c.key), fmt)
            cell = ws.cell(r, i, v)
            cell.border, cell.font = border, bold if is_total else font
            numeric = isinstance(v, int | float | Decimal) and not isinstance(v, bool)
            if fmt and not isinstance(v, str):  # empty cells too: the column reads alike
                cell.number_format = fmt
            cell.alignment = Alignment(horizontal="right" if numeric else "left", vertical="center")
            if is_total:
                cell.fill = total_fill

    r = header_row
    for rec in records:
        r += 1
        put(r, rec, False)
    last_row = r
    if not records:
        r += 1
        ws.cell(r, 1, empty_text).font = font
        ws.cell(r, 1).alignment = Alignment(horizontal="left", vertical="center")
        ws.merge_cells(f"A{r}:{last_col}{r}")
    total_row = None
    if totals is not None and records:
        r += 1
        total_row = r
        put(r, totals, True)

    ws.freeze_panes = f"{get_column_letter(freeze_cols + 1)}{header_row + 1}"
    ws.auto_filter.ref = f"A{header_row}:{last_col}{max(last_row, header_row)}"
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages tall as needed
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.8
    ws.page_margins.header = ws.page_margins.footer = 0.3
    ws.print_title_rows = f"{first_header}:{header_row}"
    ws.print_area = f"A1:{last_col}{r}"
    ws.oddHeader.left.text = _hf(hospital_name())
    ws.oddHeader.right.text = _hf(header_right)
    ws.oddFooter.center.text = "第 &P 页 共 &N 页"
    ws.oddFooter.right.text = _hf(f"生成时间：{generated}")
    return SheetInfo(header_row=header_row, first_row=header_row + 1, last_row=last_row, total_row=total_row)


def write_notes(
    wb, title: str, heading: str, rows: Sequence[tuple[str, str]], generated: str, header_right: str
):
    """The 说明 sheet: two columns 项目 / 说明, same print layout."""
    cols = (Col("项目", "k", width=22), Col("说明", "v", width=110))
    records = [{"k": k, "v": v} for k, v in rows]
    info = write_table(
        wb,
        title,
        heading,
        f"医院：{hospital_name()}　　生成时间：{generated}",
        "本页说明报表各栏目的数据来源与口径。",
        cols,
        records,
        freeze_cols=1,
        generated=generated,
        header_right=header_right,
    )
    from openpyxl.styles import Alignment

    ws = wb[title]
    for r in range(info.first_row, info.last_row + 1):
        ws.cell(r, 2).alignment = Alignment(horizontal="left", vertical="center", wrap_text=True)
        text = str(ws.cell(r, 2).value or "")
        ws.row_dimensions[r].height = max(
            15, 14 * (1 + sum(2 if ord(ch) > 0x2E7F else 1 for ch in text) // 105)
        )
    return info


def generated_text(at: datetime | None = None) -> str:
    return (at or datetime.now()).strftime("%Y-%m-%d %H:%M")
