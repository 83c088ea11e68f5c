"""The annual self-assessment workbook (年度绩效考核自评表) of the national assessment (国考).

``jixiao national report --year Y`` writes one xlsx laid out for print (A4 landscape, one page
wide, header rows repeated, borders, wrapped text, page x of y in the footer):

* one sheet per indicator list present for the year — 二级公立医院 (``general_l2``) and
  二级公立中医医院 (``tcm_l2``) — read from ``marts.fct_national_indicators`` (period_type
  ``year``); an indicator with parts (``part_name``) prints one row for the indicator and one
  sub-row per part;
* the sheet 经济管理监测指标 (seed 003) from ``marts.fct_monitoring_indicators``.

Every number is read from the marts, never recomputed. A null value prints as an empty cell and
the 状态 column says why (待填报 / 缺数 + reason) — never 0. The warehouse is opened read-only
(:func:`open_marts`); the design is docs/national.md.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from connectors.produced_files import save_workbook
from connectors.warehouse import relation_exists

MARTS = "marts"
INDICATORS = "fct_national_indicators"
MONITORING = "fct_monitoring_indicators"
GOUJI = "fct_monitoring_gouji_checks"

LISTS = {"general_l2": "二级公立医院", "tcm_l2": "二级公立中医医院"}
MONITORING_SHEET = "经济管理监测指标"
STATUS_LABELS = {"computed": "已计算"}
MONITORING_MARK = "▲"

INDICATOR_HEADERS = (
    "序号",
    "一级指标",
    "二级指标",
    "指标名称",
    "计算方法",
    "单位",
    "本年",
    "上年",
    "变化",
    "状态",
)
INDICATOR_WIDTHS = (6, 12, 14, 30, 42, 8, 12, 12, 12, 24)
MONITORING_HEADERS = ("序号", "项目", "单位", "本年", "上年", "差额", "增长率（%）", "状态")
MONITORING_WIDTHS = (8, 40, 10, 16, 16, 16, 12, 28)

# Parts print in this order under their indicator (others after, by code).
PART_ORDER = {"all": 0, "participation": 1, "pass": 2, "op": 3, "ip": 4}

INDICATOR_COLUMNS = (
    "hospital_code",
    "hospital_name",
    "list_code",
    "seq_no",
    "indicator_code",
    "part_code",
    "indicator_name",
    "part_name",
    "level1_name",
    "level2_name",
    "formula_text",
    "unit",
    "is_national_monitoring",
    "months_covered",
    "value",
    "prev_value",
    "value_change",
    "status",
    "status_reason",
)
MONITORING_COLUMNS = (
    "item_code",
    "parent_item_code",
    "seq_no",
    "item_name",
    "unit",
    "months_covered",
    "current_value",
    "previous_value",
    "difference",
    "growth_rate",
    "status",
    "status_reason",
)


class NationalReportError(Exception):
    """Nothing to report (no warehouse, no mart, no rows for the year); the message is Chinese."""


# ------------------------------------------------------------------------------------------------
# Reading


@contextmanager
def open_marts(warehouse: Path | str) -> Iterator[Any]:
    """A read-only DuckDB connection on the warehouse; problems raise :class:`NationalReportError`."""
    from connectors.warehouse import read_only_connection

    with read_only_connection(warehouse, NationalReportError) as con:
        yield con


def require_mart(con, table: str, what: str) -> None:
    if not relation_exists(con, MARTS, table):
        raise NationalReportError(f"{what}表 {MARTS}.{table} 不存在：请先运行流水线（jixiao run）")


def pick_hospital(con, year: int, hospital: str | None) -> tuple[str, str | None]:
    """The hospital of the year's indicator rows: (code, name). Several hospitals need ``hospital``."""
    require_mart(con, INDICATORS, "国考指标")
    rows = con.execute(
        f"SELECT hospital_code, max(hospital_name) FROM {MARTS}.{INDICATORS} "
        "WHERE year = ? AND period_type = 'year' GROUP BY hospital_code ORDER BY hospital_code",
        [year],
    ).fetchall()
    if not rows:
        raise NationalReportError(f"{year} 年没有国考指标数据：请先运行流水线（jixiao run）")
    if hospital is not None:
        for code, name in rows:
            if code == hospital:
                return code, name
        raise NationalReportError(
            f"{year} 年没有医院 {hospital} 的国考指标数据（有：{'、'.join(str(r[0]) for r in rows)}）"
        )
    if len(rows) > 1:
        raise NationalReportError(
            f"{year} 年有多家医院的国考指标数据（{'、'.join(str(r[0]) for r in rows)}）：请用 --hospital 指定"
        )
    return rows[0][0], rows[0][1]


@dataclass
class IndicatorRow:
    hospital_code: str
    hospital_name: str | None
    list_code: str
    seq_no: Any
    indicator_code: str
    part_code: str | None
    indicator_name: str
    part_name: str | None
    level1_name: str | None
    level2_name: str | None
    formula_text: str | None
    unit: str | None
    is_national_monitoring: bool | None
    months_covered: int | None
    value: Decimal | None
    prev_value: Decimal | None
    value_change: Decimal | None
    status: str | None
    status_reason: str | None

    @property
    def display_name(self) -> str:
        flag = self.is_national_monitoring
        marked = flag is True or (isinstance(flag, str) and flag.strip().lower() in ("true", "t", "1", "是"))
        return self.indicator_name + (MONITORING_MARK if marked else "")


@dataclass
class Indicator:
    """One indicator of a list with its parts (one part ``all`` when it has none)."""

    seq_no: Any
    indicator_code: str
    parts: list[IndicatorRow]

    @property
    def first(self) -> IndicatorRow:
        return self.parts[0]

    @property
    def has_parts(self) -> bool:
        return len(self.parts) > 1 or bool(self.first.part_name)


@dataclass
class MonitoringRow:
    item_code: str
    parent_item_code: str | None
    seq_no: Any
    item_name: str
    unit: str | None
    months_covered: int | None
    current_value: Decimal | None
    previous_value: Decimal | None
    difference: Decimal | None
    growth_rate: Decimal | None
    status: str | None
    status_reason: str | None


@dataclass
class ReportData:
    year: int
    hospital_code: str
    hospital_name: str | None
    lists: dict[str, list[Indicator]] = field(default_factory=dict)
    months_by_list: dict[str, int | None] = field(default_factory=dict)
    monitoring: list[MonitoringRow] = field(default_factory=list)
    monitoring_note: str | None = None  # why the monitoring sheet is empty

    @property
    def display_hospital(self) -> str:
        return self.hospital_name or os.environ.get("JIXIAO_HOSPITAL_NAME") or self.hospital_code or "本院"


def _num_key(x: Any) -> tuple:
    """Sort key of seq_no / item codes: numeric parts as numbers ('1.10' after '1.9')."""
    text = "" if x is None else str(x)
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"[.\-]", text))


def load_report_data(con, year: int, hospital: str | None = None) -> ReportData:
    code, name = pick_hospital(con, year, hospital)
    data = ReportData(year=year, hospital_code=code, hospital_name=name)
    rows = [
        IndicatorRow(*r)
        for r in con.execute(
            f"SELECT {', '.join(INDICATOR_COLUMNS)} FROM {MARTS}.{INDICATORS} "
            "WHERE year = ? AND period_type = 'year' AND hospital_code = ?",
            [year, code],
        ).fetchall()
    ]
    for list_code in [*LISTS, *sorted({r.list_code for r in rows} - set(LISTS))]:
        mine = [r for r in rows if r.list_code == list_code]
        if not mine:
            continue
        by_code: dict[str, list[IndicatorRow]] = {}
        for r in mine:
            by_code.setdefault(r.indicator_code, []).append(r)
        indicators = [
            Indicator(
                parts[0].seq_no,
                ind,
                sorted(parts, key=lambda p: (PART_ORDER.get(p.part_code or "all", 9), p.part_code or "")),
            )
            for ind, parts in by_code.items()
        ]
        indicators.sort(key=lambda i: (_num_key(i.seq_no), i.indicator_code))
        data.lists[list_code] = indicators
        months = [r.months_covered for r in mine if r.months_covered is not None]
        data.months_by_list[list_code] = max(months) if months else None
    if not relation_exists(con, MARTS, MONITORING):
        data.monitoring_note = f"经济管理监测指标表 {MARTS}.{MONITORING} 不存在：请先运行流水线（jixiao run）"
        return data
    data.monitoring = [
        MonitoringRow(*r)
        for r in con.execute(
            f"SELECT {', '.join(MONITORING_COLUMNS)} FROM {MARTS}.{MONITORING} WHERE year = ? AND hospital_code = ?",
            [year, code],
        ).fetchall()
    ]
    data.monitoring.sort(key=lambda m: (_num_key(m.seq_no), _num_key(m.item_code)))
    if not data.monitoring:
        data.monitoring_note = f"{year} 年没有经济管理监测指标数据"
    return data


# ------------------------------------------------------------------------------------------------
# Formatting


def status_text(status: str | None, reason: str | None) -> str:
    """computed → 已计算; 待填报 / 缺数 with their reason (待填报：未填报 filed_emr_level)."""
    if status is None:
        return reason or ""
    label = STATUS_LABELS.get(status, status)
    if status == "computed" or not reason:
        return label
    return f"{label}：{reason}"


def number_format(unit: str | None, value: Any = None) -> str:
    """Excel number format per unit: % two decimals, 元 with thousands separators, 天 two decimals,
    级/分 as stored; counts as whole numbers with thousands separators."""
    u = (unit or "").strip()
    if u in ("级", "分"):
        return "General"
    if u.startswith("元") or u.endswith("元") or "元/" in u:
        return "#,##0.00"
    if u in ("%", "天", "DDDs", "比值") or u.endswith("%"):
        return "0.00"
    if value is not None and _is_whole(value):
        return "#,##0"
    return "#,##0.00"


def _is_whole(value: Any) -> bool:
    try:
        d = Decimal(str(value))
    except ArithmeticError:
        return False
    return d.is_finite() and d == d.to_integral_value()


def _cell_number(value: Any) -> float | int | None:
    """A mart number as an Excel number; null (and NaN) stays empty — never 0."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        if not value.is_finite():
            return None
        return int(value) if value == value.to_integral_value() and abs(value) < 2**53 else float(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def period_text(year: int, months: int | None) -> str | None:
    """「数据期间：2026年1—10月」 when the year is not complete, else None."""
    if months is None or months >= 12:
        return None
    return f"数据期间：{year}年1—{months}月" if months > 1 else f"数据期间：{year}年1月"


def _text_width(text: str) -> int:
    """Display width in Excel character units (CJK and full-width characters count 2)."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


# ------------------------------------------------------------------------------------------------
# Workbook

_TITLE_ROW, _INFO_ROW, _NOTE_ROW, _HEADER_ROW = 1, 2, 3, 4


def _hf(text: str) -> str:
    return text.replace("&", "&&")  # '&' starts a code in Excel headers/footers


class _Sheet:
    """Shared print layout of the three sheets."""

    def __init__(self, wb, title: str, headers, widths, data: ReportData, heading: str, info: str, note: str):
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
        from openpyxl.utils import get_column_letter

        self.ws = ws = wb.create_sheet(title)
        self.headers, self.widths = headers, widths
        self.last_col = get_column_letter(len(headers))
        thin = Side(style="thin", color="808080")
        self.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        self.font = Font(name="宋体", size=10)
        self.bold = Font(name="宋体", size=10, bold=True)
        self.Alignment = Alignment
        for i, w in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = w
        for row, text, font, height in (
            (_TITLE_ROW, heading, Font(name="黑体", size=16, bold=True), 30),
            (_INFO_ROW, info, self.font, 18),
            (_NOTE_ROW, note, Font(name="宋体", size=9, italic=True), 16),
        ):
            ws.cell(row, 1, text).font = font
            ws.cell(row, 1).alignment = Alignment(
                horizontal="center" if row == _TITLE_ROW else "left", vertical="center", wrap_text=True
            )
            ws.merge_cells(f"A{row}:{self.last_col}{row}")
            ws.row_dimensions[row].height = height
        fill = PatternFill("solid", fgColor="DDEBF7")
        for i, h in enumerate(headers, start=1):
            c = ws.cell(_HEADER_ROW, i, h)
            c.font, c.fill, c.border = self.bold, fill, self.border
            c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.row_dimensions[_HEADER_ROW].height = 20
        ws.freeze_panes = f"A{_HEADER_ROW + 1}"
        self.row = _HEADER_ROW
        self._page_setup(data)

    def _page_setup(self, data: ReportData) -> None:
        ws = self.ws
        ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0  # as many pages tall as needed
        ws.print_options.horizontalCentered = True
        ws.page_margins.left = ws.page_margins.right = 0.4
        ws.page_margins.top = ws.page_margins.bottom = 0.8
        ws.page_margins.header = ws.page_margins.footer = 0.3
        ws.print_title_rows = f"{_HEADER_ROW}:{_HEADER_ROW}"
        ws.oddHeader.left.text = _hf(data.display_hospital)
        ws.oddHeader.right.text = _hf(f"{data.year}年度")
        ws.oddFooter.center.text = "第 &P 页 共 &N 页"

    def add(self, values, formats=None, bold=False, indent=0, name_col: int | None = None) -> int:
        """Append one bordered, wrapped row; returns its row number."""
        self.row += 1
        r = self.row
        lines = 1
        for i, v in enumerate(values, start=1):
            c = self.ws.cell(r, i, v)
            c.border = self.border
            c.font = self.bold if bold else self.font
            numeric = isinstance(v, int | float) and not isinstance(v, bool)
            c.alignment = self.Alignment(
                horizontal="center" if i == 1 else ("right" if numeric else "left"),
                vertical="center",
                wrap_text=True,
                indent=indent if i == name_col else 0,
            )
            if formats and formats[i - 1] and numeric:
                c.number_format = formats[i - 1]
            if isinstance(v, str) and v:
                usable = max(self.widths[i - 1] - 1 - (2 * indent if i == name_col else 0), 1)
                lines = max(lines, math.ceil(_text_width(v) / usable))
        self.ws.row_dimensions[r].height = max(15, 14 * lines + 2)
        return r

    def finish(self, generated: str) -> None:
        self.ws.oddFooter.right.text = _hf(f"生成时间：{generated}")
        self.ws.print_area = f"A1:{self.last_col}{max(self.row, _HEADER_ROW)}"


def _info(data: ReportData, months: int | None, generated: str) -> str:
    parts = [f"填报单位：{data.display_hospital}", f"考核年度：{data.year}年"]
    p = period_text(data.year, months)
    if p:
        parts.append(p)
    parts.append(f"生成时间：{generated}")
    return "　　".join(parts)


def _indicator_sheet(wb, data: ReportData, list_code: str, generated: str) -> None:
    name = LISTS.get(list_code, list_code)
    months = data.months_by_list.get(list_code)
    s = _Sheet(
        wb,
        name,
        INDICATOR_HEADERS,
        INDICATOR_WIDTHS,
        data,
        f"{data.year}年度{name}绩效考核自评表",
        _info(data, months, generated),
        f"注：{MONITORING_MARK} 为国家监测指标；数值为空表示无法计算，原因见「状态」"
        "（待填报：医院尚未填报；缺数：源数据缺失）。变化 = 本年 − 上年。",
    )
    for ind in data.lists[list_code]:
        f = ind.first
        identity = [ind.seq_no, f.level1_name, f.level2_name, f.display_name]
        if not ind.has_parts:
            fmt = number_format(f.unit, f.value)
            s.add(
                [
                    *identity,
                    f.formula_text,
                    f.unit,
                    _cell_number(f.value),
                    _cell_number(f.prev_value),
                    _cell_number(f.value_change),
                    status_text(f.status, f.status_reason),
                ],
                formats=[None] * 6 + [fmt] * 3 + [None],
            )
            continue
        # the indicator's own row, then one sub-row per part with its numbers
        shared_formula = len({p.formula_text for p in ind.parts}) == 1
        shared_unit = len({p.unit for p in ind.parts}) == 1
        s.add(
            [
                *identity,
                f.formula_text if shared_formula else None,
                f.unit if shared_unit else None,
                None,
                None,
                None,
                None,
            ],
            bold=True,
        )
        for p in ind.parts:
            fmt = number_format(p.unit, p.value)
            s.add(
                [
                    None,
                    None,
                    None,
                    p.part_name or p.part_code,
                    None if shared_formula else p.formula_text,
                    p.unit,
                    _cell_number(p.value),
                    _cell_number(p.prev_value),
                    _cell_number(p.value_change),
                    status_text(p.status, p.status_reason),
                ],
                formats=[None] * 6 + [fmt] * 3 + [None],
                indent=2,
                name_col=4,
            )
    s.finish(generated)


def _depth(item: MonitoringRow) -> int:
    return item.item_code.count(".") if item.item_code else (1 if item.parent_item_code else 0)


def _monitoring_sheet(wb, data: ReportData, generated: str) -> None:
    months = max((m.months_covered for m in data.monitoring if m.months_covered is not None), default=None)
    s = _Sheet(
        wb,
        MONITORING_SHEET,
        MONITORING_HEADERS,
        MONITORING_WIDTHS,
        data,
        f"{data.year}年度经济管理监测指标",
        _info(data, months, generated),
        "注：差额 = 本年 − 上年；增长率 = 差额 ÷ 上年 × 100%；数值为空表示无法计算，原因见「状态」。",
    )
    if data.monitoring_note:
        s.add([None, data.monitoring_note, None, None, None, None, None, None])
    for m in data.monitoring:
        fmt = number_format(m.unit, m.current_value if m.current_value is not None else m.previous_value)
        depth = _depth(m)
        s.add(
            [
                m.item_code,
                m.item_name,
                m.unit,
                _cell_number(m.current_value),
                _cell_number(m.previous_value),
                _cell_number(m.difference),
                _cell_number(m.growth_rate),
                status_text(m.status, m.status_reason),
            ],
            formats=[None, None, None, fmt, fmt, fmt, "0.00", None],
            bold=depth == 0,
            indent=2 * depth,
            name_col=2,
        )
    s.finish(generated)


def build_workbook(data: ReportData, generated_at: datetime | None = None):
    """The openpyxl Workbook of the report (indicator sheets in list order, then 经济管理监测指标)."""
    from openpyxl import Workbook

    generated = (generated_at or datetime.now()).strftime("%Y-%m-%d %H:%M")
    wb = Workbook()
    wb.remove(wb.active)
    for list_code in data.lists:
        _indicator_sheet(wb, data, list_code, generated)
    _monitoring_sheet(wb, data, generated)
    wb.properties.title = f"{data.year}年度绩效考核自评表"
    wb.properties.creator = "Jixiao"
    return wb


@dataclass(frozen=True)
class ReportResult:
    path: Path
    year: int
    hospital_code: str
    hospital_name: str
    indicators: dict[str, int]  # list name → number of indicators
    status_counts: dict[str, dict[str, int]]  # list name → status label → parts
    monitoring_items: int
    months: dict[str, int | None]


def default_output(year: int) -> Path:
    return Path(f"{year}年度绩效考核自评表.xlsx")


def write_report(
    warehouse: Path | str, year: int, out: Path | str | None = None, hospital: str | None = None
) -> ReportResult:
    """Read the marts (read-only) and write the workbook to ``out``; raises NationalReportError."""
    with open_marts(warehouse) as con:
        data = load_report_data(con, year, hospital)
    path = Path(out) if out is not None else default_output(year)
    path.parent.mkdir(parents=True, exist_ok=True)
    save_workbook(build_workbook(data), path)
    counts: dict[str, dict[str, int]] = {}
    for list_code, inds in data.lists.items():
        c: dict[str, int] = {}
        for ind in inds:
            for p in ind.parts:
                label = STATUS_LABELS.get(p.status or "", p.status or "未知")
                c[label] = c.get(label, 0) + 1
        counts[LISTS.get(list_code, list_code)] = c
    return ReportResult(
        path=path,
        year=year,
        hospital_code=data.hospital_code,
        hospital_name=data.display_hospital,
        indicators={LISTS.get(k, k): len(v) for k, v in data.lists.items()},
        status_counts=counts,
        monitoring_items=len(data.monitoring),
        months={LISTS.get(k, k): v for k, v in data.months_by_list.items()},
    )
