"""The 二次分配 workbooks: the fill-in template given to a department and the final print.

Layout of the template (sheet 「二次分配」, fixed: the sheet is protected, rows cannot be
inserted or deleted):

* rows 1–5  title block: 科室, 期间, 科室奖金总额 (C3), 分配合计 (I3, formula), 差额 (L3, formula),
  科室留存 (C4, editable), 生成时间, filling instructions;
* row 7     table header (:data:`HEADERS`), rows 8… one per person, then :data:`EXTRA_ROWS` blank
  rows for 划拨 persons, then the 合计 row and the signature lines.

A very hidden sheet ``_jixiao`` holds the metadata the submission reads back (kind, period, dept,
pool, template version, row positions); the workbook structure is protected so it stays there.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from connectors.produced_files import save_workbook, set_formula

SHEET = "二次分配"
META_SHEET = "_jixiao"
KIND = "allocation"
TEMPLATE_VERSION = "1"
HEADERS = (
    "序号",
    "工号",
    "姓名",
    "岗位类别",
    "职称",
    "职务",
    "出勤天数",
    "岗位系数",
    "出勤系数",
    "个人点数",
    "建议金额",
    "分配金额",
    "划拨科室编码",
    "说明/理由",
)
COL = {h: get_column_letter(i) for i, h in enumerate(HEADERS, start=1)}
LAST_COL = get_column_letter(len(HEADERS))
HEADER_ROW = 7
FIRST_ROW = HEADER_ROW + 1
EXTRA_ROWS = 5
DEPT_CELL = "C2"
PERIOD_CELL = "I2"
POOL_CELL = "C3"
TOTAL_CELL = "I3"
DIFF_CELL = "L3"
RESERVE_CELL = "C4"
MONEY = "#,##0.00"
COEF = "0.0000"
WIDTHS = (6, 12, 10, 12, 12, 10, 10, 10, 10, 12, 14, 14, 14, 36)

_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
_EDIT_FILL = PatternFill("solid", fgColor="FFF2CC")
_BOLD = Font(bold=True)
_UNLOCKED = Protection(locked=False)
_UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')


def hospital_name() -> str:
    """Shown in the page header; ``$JIXIAO_HOSPITAL_NAME`` (default 本院)."""
    return os.environ.get("JIXIAO_HOSPITAL_NAME", "本院")


def template_file_name(period: str, dept: str, dept_name: str) -> str:
    return f"二次分配_{period}_{dept}_{_UNSAFE.sub('_', dept_name)}.xlsx"


def _hf(text: str) -> str:
    return text.replace("&", "&&")  # '&' starts a code in Excel headers/footers


def _label(ws: Worksheet, ref: str, text: str, merge_to: str | None = None) -> None:
    ws[ref] = text
    ws[ref].font = _BOLD
    ws[ref].alignment = Alignment(horizontal="right", vertical="center")
    if merge_to:
        ws.merge_cells(f"{ref}:{merge_to}")


def _value(ws: Worksheet, ref: str, value, merge_to: str | None = None, fmt: str | None = None) -> None:
    ws[ref] = value
    ws[ref].alignment = Alignment(horizontal="left", vertical="center")
    if fmt:
        ws[ref].number_format = fmt
    if merge_to:
        ws.merge_cells(f"{ref}:{merge_to}")


def _editable(cell) -> None:
    cell.protection = _UNLOCKED
    cell.fill = _EDIT_FILL


def _page_setup(
    ws: Worksheet, dept: str, dept_name: str, period: str, last_row: int, *, header_row: int = HEADER_ROW,
    last_col: str = LAST_COL,
) -> None:
    """A4 landscape, fit to width, header (hospital · dept · period) and page-x-of-y footer."""
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages tall as needed
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    # the header and footer print inside the top and bottom margins (inches): leave them room
    ws.page_margins.top = ws.page_margins.bottom = 0.9
    ws.page_margins.header = ws.page_margins.footer = 0.35
    ws.oddHeader.left.text = _hf(hospital_name())
    ws.oddHeader.center.text = _hf(f"科室：{dept} {dept_name}")
    ws.oddHeader.right.text = _hf(f"期间：{period}")
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.print_area = f"A1:{last_col}{last_row}"


def _signatures(ws: Worksheet, row: int, spans=(("A", "E"), ("F", "J"), ("K", "N"))) -> int:
    """Signature lines 科主任 / 经办人 / 日期 on ``row``, each merged over its column span."""
    texts = ("科主任签字：________________", "经办人签字：________________", "日期：______年____月____日")
    for (first, last), text in zip(spans, texts, strict=True):
        ref, end = f"{first}{row}", f"{last}{row}"
        ws[ref] = text
        ws[ref].font = Font(bold=True, size=12)
        ws.merge_cells(f"{ref}:{end}")
        ws.row_dimensions[row].height = 30
    return row


def _header_row(ws: Worksheet, headers: Sequence[str], row: int) -> None:
    for i, h in enumerate(headers, start=1):
        c = ws.cell(row=row, column=i, value=h)
        c.font = _BOLD
        c.fill = _HEAD_FILL
        c.border = _BORDER
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _number(value) -> float | int | None:
    if value is None:
        return None
    return float(value) if isinstance(value, Decimal) else value


def build_template(
    path: Path | str,
    *,
    period: str,
    dept: str,
    dept_name: str,
    dept_pool: Decimal,
    staff: Sequence[dict],
    deviation_bound: Decimal | None = None,
    generated_at: datetime | None = None,
) -> Path:
    """Write the fill-in workbook of one department (``staff`` = fct_allocation_suggestions rows)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    generated_at = generated_at or datetime.now().replace(microsecond=0)
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET

    ws["A1"] = f"{dept_name} 二次分配表（{period}）"
    ws["A1"].font = Font(bold=True, size=16)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.merge_cells(f"A1:{LAST_COL}1")
    ws.row_dimensions[1].height = 28
    _label(ws, "A2", "科室", "B2")
    _value(ws, DEPT_CELL, f"{dept} {dept_name}", "F2")
    _label(ws, "G2", "期间", "H2")
    _value(ws, PERIOD_CELL, period, "J2")
    _label(ws, "K2", "生成时间")
    _value(ws, "L2", f"{generated_at:%Y-%m-%d %H:%M:%S}", "N2")
    _label(ws, "A3", "科室奖金总额", "B3")
    _value(ws, POOL_CELL, float(dept_pool), "D3", MONEY)
    ws[POOL_CELL].font = _BOLD
    _label(ws, "G3", "分配合计", "H3")
    _label(ws, "K3", "差额")
    _label(ws, "A4", "科室留存", "B4")
    _value(ws, RESERVE_CELL, 0, "D4", MONEY)
    _editable(ws[RESERVE_CELL])
    ws["E4"] = "须满足：分配合计 + 科室留存 = 科室奖金总额（差额为 0.00）"
    ws.merge_cells(f"E4:{LAST_COL}4")
    bound_text = f"{deviation_bound * 100:.0f}%" if deviation_bound is not None else "规定比例"
    ws["A5"] = (
        "填写说明：只能修改黄色单元格。「分配金额」已按建议金额预填，可调整（不能为负，最多 2 位小数）；"
        f"与建议金额相差超过 {bound_text} 的须填写「说明/理由」。其他科室人员在本科室发放（划拨）时，"
        "在下方空白行填写工号、姓名、分配金额、划拨科室编码（该人员所在科室）和理由。"
    )
    ws["A5"].alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells(f"A5:{LAST_COL}5")
    ws.row_dimensions[5].height = 45

    _header_row(ws, HEADERS, HEADER_ROW)
    ws.row_dimensions[HEADER_ROW].height = 30
    row = FIRST_ROW
    for i, s in enumerate(staff, start=1):
        values = (
            i,
            s["staff_id"],
            s["staff_name"],
            s.get("post_category"),
            s.get("title"),
            s.get("position"),
            _number(s.get("attendance_days")),
            _number(s.get("post_coefficient")),
            _number(s.get("attendance_coefficient")),
            _number(s.get("staff_points")),
            _number(s.get("suggested_amount")),
            _number(s.get("suggested_amount")),
            None,
            None,
        )
        for col, v in enumerate(values, start=1):
            ws.cell(row=row, column=col, value=v)
        row += 1
    last_staff_row = row - 1
    last_row = last_staff_row + EXTRA_ROWS
    for r in range(FIRST_ROW, last_row + 1):
        for col, h in enumerate(HEADERS, start=1):
            c = ws.cell(row=r, column=col)
            c.border = _BORDER
            if h in ("出勤天数", "个人点数", "建议金额", "分配金额"):
                c.number_format = MONEY
            elif h in ("岗位系数", "出勤系数"):
                c.number_format = COEF
            elif h in ("工号", "划拨科室编码"):
                c.number_format = "@"  # keep leading zeros
            editable = ("分配金额", "划拨科室编码", "说明/理由")
            if h in editable or (r > last_staff_row and h in ("工号", "姓名")):
                _editable(c)
            if h == "说明/理由":
                c.alignment = Alignment(wrap_text=True)

    total_row = last_row + 1
    ws[f"A{total_row}"] = "合计"
    ws[f"A{total_row}"].font = _BOLD
    ws[f"A{total_row}"].alignment = Alignment(horizontal="center")
    ws.merge_cells(f"A{total_row}:J{total_row}")
    k, amount = COL["建议金额"], COL["分配金额"]
    for letter in (k, amount):
        c = ws[f"{letter}{total_row}"]
        set_formula(c, f"=SUM({letter}{FIRST_ROW}:{letter}{last_row})")
        c.number_format = MONEY
        c.font = _BOLD
    for col in range(1, len(HEADERS) + 1):
        ws.cell(row=total_row, column=col).border = _BORDER
    _value(ws, TOTAL_CELL, None, "J3", MONEY)
    set_formula(ws[TOTAL_CELL], f"=SUM({amount}{FIRST_ROW}:{amount}{last_row})")
    _value(ws, DIFF_CELL, None, "N3", MONEY)
    set_formula(ws[DIFF_CELL], f"=ROUND({POOL_CELL}-{TOTAL_CELL}-{RESERVE_CELL},2)")
    ws[TOTAL_CELL].font = ws[DIFF_CELL].font = _BOLD
    ws.conditional_formatting.add(
        DIFF_CELL,
        CellIsRule(
            operator="notEqual",
            formula=["0"],
            font=Font(bold=True, color="C00000"),
            fill=PatternFill("solid", fgColor="FFC7CE"),
        ),
    )

    money_rule = DataValidation(
        type="decimal",
        operator="greaterThanOrEqual",
        formula1="0",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="输入有误",
        error="金额须为不小于 0 的数字，最多 2 位小数",
    )
    money_rule.add(f"{amount}{FIRST_ROW}:{amount}{last_row}")
    money_rule.add(RESERVE_CELL)
    ws.add_data_validation(money_rule)

    sig_row = _signatures(ws, total_row + 3)
    for i, w in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = f"D{FIRST_ROW}"
    _page_setup(ws, dept, dept_name, period, sig_row)

    ws.protection.sheet = True  # no password: protection guards the layout, not a secret
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.selectLockedCells = False
    ws.protection.selectUnlockedCells = False

    meta = wb.create_sheet(META_SHEET)
    for key, value in (
        ("kind", KIND),
        ("template_version", TEMPLATE_VERSION),
        ("period", period),
        ("perf_dept_code", dept),
        ("perf_dept_name", dept_name),
        ("dept_pool", format(dept_pool, "f")),
        ("generated_at", f"{generated_at:%Y-%m-%d %H:%M:%S}"),
        ("sheet", SHEET),
        ("header_row", HEADER_ROW),
        ("first_row", FIRST_ROW),
        ("last_staff_row", last_staff_row),
        ("last_row", last_row),
        ("reserve_cell", RESERVE_CELL),
    ):
        meta.append([key, str(value)])
    meta.sheet_state = "veryHidden"
    meta.protection.sheet = True
    wb.security = WorkbookProtection(lockStructure=True)  # keeps _jixiao hidden and in place
    wb.active = 0
    save_workbook(wb, path)
    return path


def build_print(
    path: Path | str,
    *,
    period: str,
    dept: str,
    dept_name: str,
    version: dict,
    lines: Sequence[dict],
) -> Path:
    """Write the final printable workbook of an approved version (``version`` = allocation_versions
    row, ``lines`` = its allocation_lines with post_category/title/position when known)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    headers = (
        "序号",
        "工号",
        "姓名",
        "岗位类别",
        "职称",
        "职务",
        "划拨科室",
        "建议金额",
        "分配金额",
        "说明/理由",
    )
    last_col = get_column_letter(len(headers))
    wb = Workbook()
    ws = wb.active
    ws.title = "二次分配确认表"
    ws["A1"] = f"{dept_name} 二次分配确认表（{period}）"
    ws["A1"].font = Font(bold=True, size=16)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.merge_cells(f"A1:{last_col}1")
    ws.row_dimensions[1].height = 28
    _label(ws, "A2", "科室", "B2")
    _value(ws, "C2", f"{dept} {dept_name}", "E2")
    _label(ws, "F2", "期间", "G2")
    _value(ws, "H2", period, "J2")
    _label(ws, "A3", "科室奖金总额", "B3")
    _value(ws, "C3", float(version["dept_pool"]), "E3", MONEY)
    _label(ws, "F3", "科室留存", "G3")
    _value(ws, "H3", float(version["declared_reserve"] or 0), "J3", MONEY)
    _label(ws, "A4", "版本号", "B4")
    _value(ws, "C4", version["version_id"], "E4")
    _label(ws, "F4", "审批", "G4")
    approved_at = version.get("approved_at")
    _value(
        ws,
        "H4",
        f"{version.get('approved_by') or ''} {approved_at:%Y-%m-%d %H:%M}" if approved_at else "",
        "J4",
    )
    _label(ws, "A5", "提交", "B5")
    submitted_at = version.get("submitted_at")
    _value(
        ws,
        "C5",
        f"{version.get('submitted_by') or ''} {submitted_at:%Y-%m-%d %H:%M}" if submitted_at else "",
        "E5",
    )
    _label(ws, "F5", "文件校验码", "G5")
    _value(ws, "H5", (version.get("file_hash") or "")[:16], "J5")

    header_row = 7
    _header_row(ws, headers, header_row)
    row = header_row + 1
    for i, ln in enumerate(lines, start=1):
        values = (
            i,
            ln["staff_id"],
            ln["staff_name"],
            ln.get("post_category"),
            ln.get("title"),
            ln.get("position"),
            ln.get("transfer_dept_code"),
            _number(ln.get("suggested_amount")),
            _number(ln["amount"]),
            ln.get("reason"),
        )
        for col, v in enumerate(values, start=1):
            c = ws.cell(row=row, column=col, value=v)
            c.border = _BORDER
            if col in (8, 9):
                c.number_format = MONEY
            if col == 10:
                c.alignment = Alignment(wrap_text=True)
        row += 1
    last = row - 1
    total = row
    ws[f"A{total}"] = "合计"
    ws[f"A{total}"].font = _BOLD
    ws[f"A{total}"].alignment = Alignment(horizontal="center")
    ws.merge_cells(f"A{total}:G{total}")
    for letter in ("H", "I"):
        c = ws[f"{letter}{total}"]
        set_formula(c, f"=SUM({letter}{header_row + 1}:{letter}{max(last, header_row + 1)})")
        c.number_format = MONEY
        c.font = _BOLD
    for col in range(1, len(headers) + 1):
        ws.cell(row=total, column=col).border = _BORDER
    ws[f"A{total + 1}"] = "分配合计 + 科室留存"
    ws.merge_cells(f"A{total + 1}:G{total + 1}")
    ws[f"A{total + 1}"].alignment = Alignment(horizontal="center")
    set_formula(ws[f"I{total + 1}"], f"=I{total}+H3")
    ws[f"I{total + 1}"].number_format = MONEY
    ws[f"I{total + 1}"].font = _BOLD

    sig = total + 4
    _signatures(ws, sig, spans=(("A", "C"), ("D", "G"), ("H", "J")))
    for i, w in enumerate((6, 12, 10, 12, 12, 10, 12, 14, 14, 40), start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    _page_setup(ws, dept, dept_name, period, sig, header_row=header_row, last_col=last_col)
    ws.protection.sheet = True  # a record, not a form
    save_workbook(wb, path)
    return path
