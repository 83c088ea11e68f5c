"""Excel templates (填报模板) generated from the dataset specs."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from connectors.intake.spec import ColumnSpec, DatasetSpec, get_spec
from connectors.produced_files import save_workbook

INSTRUCTIONS_SHEET = "填写说明"
TEMPLATE_ROWS = 1000  # rows covered by the dropdowns
TYPE_LABELS = {
    "period": "统计期间",
    "date": "日期",
    "string": "文本",
    "integer": "整数",
    "decimal": "数值",
    "money": "金额（元，最多 2 位小数，千分位逗号须三位一组）",
    "enum": "选项",
}
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_TEXT_TYPES = ("period", "date", "string", "enum")


def _plain(d: Decimal) -> str:
    return format(d, "f")


def type_label(col: ColumnSpec) -> str:
    if col.type == "decimal" and col.scale is not None:
        return f"数值（最多 {col.scale} 位小数）"
    return TYPE_LABELS[col.type]


def rule_text(col: ColumnSpec) -> str:
    """The filling rule of a column in Chinese (format, allowed values, range)."""
    rules = []
    if col.type == "period":
        rules.append(
            "填 YYYY（年度）或 YYYY-MM（月度），如 2025 或 2025-10"
            if col.allow_year
            else "格式 YYYY-MM，如 2025-10"
        )
    elif col.type == "date":
        rules.append("格式 YYYY-MM-DD，如 2025-10-15")
    elif col.type == "enum":
        rules.append("可选值：" + "、".join(col.values))
    if col.min is not None and col.max is not None:
        rules.append(f"取值范围 {_plain(col.min)} 至 {_plain(col.max)}")
    elif col.min is not None:
        rules.append(f"不小于 {_plain(col.min)}")
    elif col.max is not None:
        rules.append(f"不大于 {_plain(col.max)}")
    if col.allowed == "department_code":
        rules.append("须为科室字典中在用的绩效科室编码")
    if col.description:
        rules.append(col.description)
    return "；".join(rules)


def _width(text: str) -> float:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def build_template(dataset: str | DatasetSpec, path: Path | str) -> Path:
    """Write the empty .xlsx template of ``dataset`` (data sheet + 填写说明) to ``path``."""
    spec = get_spec(dataset)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook()
    ws = wb.active
    ws.title = spec.sheet
    bold = Font(bold=True)
    for i, col in enumerate(spec.columns, start=1):
        letter = get_column_letter(i)
        cell = ws.cell(row=1, column=i, value=col.header)
        cell.font = bold
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(horizontal="center")
        width = max(_width(col.header), _width("、".join(col.values)) if col.values else 0, 10)
        ws.column_dimensions[letter].width = min(width + 4, 40)
        if col.type in _TEXT_TYPES:  # keep codes' leading zeros and stop Excel turning 2025-10 into a date
            ws.column_dimensions[letter].number_format = "@"
        if col.type == "enum":
            dv = DataValidation(
                type="list",
                formula1='"' + ",".join(col.values) + '"',
                allow_blank=not col.required,
                showErrorMessage=True,
                errorTitle="输入有误",
                error=f"「{col.header}」只能填：{'、'.join(col.values)}",
            )
            dv.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
            ws.add_data_validation(dv)
    ws.freeze_panes = "A2"

    info = wb.create_sheet(INSTRUCTIONS_SHEET)
    info.append([f"{spec.label}填报说明"])
    info["A1"].font = Font(bold=True, size=14)
    info.append([f"在工作表「{spec.sheet}」中从第 2 行起逐行填写，请勿修改第 1 行的列名。"])
    info.append(["同一文件中，" + "＋".join(spec.column(k).header for k in spec.keys) + " 的组合不能重复。"])
    info.append(
        [
            "导入时只替换本文件中出现的 " + "＋".join(spec.column(k).header for k in spec.keys)
            + " 的数据，其他行保持不变；如需整期替换（删除本期未出现在文件中的行），由绩效办使用 "
            "jixiao intake load --replace-periods 导入。"
        ]
    )
    info.append([])
    info.append(["列", "列名", "类型", "是否必填", "填写要求"])
    for cell in info[info.max_row]:
        cell.font = bold
        cell.fill = _HEADER_FILL
    for i, col in enumerate(spec.columns, start=1):
        info.append(
            [
                get_column_letter(i),
                col.header,
                type_label(col),
                "必填" if col.required else "选填",
                rule_text(col),
            ]
        )
    for letter, width in zip("ABCDE", (6, 18, 22, 10, 70), strict=True):
        info.column_dimensions[letter].width = width
    save_workbook(wb, path)
    return path
