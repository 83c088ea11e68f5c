"""Export the review workbook (导出收费项目对照审核表) from marts.unmapped_charge_items."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from connectors.mapping_review.layout import (
    COL_CONFIRMED_AT,
    COL_CONFIRMED_BY,
    COL_NOTE,
    COL_STANDARD_CODE,
    DATA_COLUMNS,
    INSTRUCTIONS_SHEET,
    LIBRARY_SHEET,
    REVIEW_COLUMNS,
    REVIEW_SHEET,
)
from connectors.mapping_review.warehouse import (
    HIS_ITEMS_TABLE,
    STANDARD_TABLE,
    UNMAPPED_TABLE,
    connect_read_only,
    fetch_dicts,
)
from connectors.produced_files import save_workbook

_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")  # data columns: blue
_INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")  # reviewer columns: yellow
_BOLD = Font(bold=True)

MONEY_FORMAT = '"¥"#,##0.00'
PERCENT_FORMAT = "0.00%"
SCORE_FORMAT = "0.00"
COUNT_FORMAT = "#,##0"
DATE_FORMAT = "yyyy-mm-dd"
TEXT_FORMAT = "@"

# Per-column width and number format of the review sheet.
_WIDTHS = {"收费项目名称": 28, "金额": 16, "占可对照金额比例": 18, COL_NOTE: 36}
_FORMATS = {
    "明细条数": COUNT_FORMAT,
    "金额": MONEY_FORMAT,
    "占可对照金额比例": PERCENT_FORMAT,
    "建议1相似度": SCORE_FORMAT,
    "建议2相似度": SCORE_FORMAT,
    "建议3相似度": SCORE_FORMAT,
    COL_CONFIRMED_AT: DATE_FORMAT,
}
_TEXT_COLUMNS = {
    "收费项目编码",
    "费用类别",
    "首次出现期间",
    "最近出现期间",
    COL_STANDARD_CODE,
    COL_CONFIRMED_BY,
}
_TEXT_COLUMNS |= {f"建议{n}编码" for n in (1, 2, 3)}


@dataclass(frozen=True)
class ReviewExport:
    """Result of export_review_sheet (审核表导出结果)."""

    path: Path
    items: int  # 未对照项目数
    amount: Decimal  # 涉及金额
    share_of_mappable_amount: Decimal  # 占可对照金额比例合计
    standard_items: int  # 标准项目库条数


def _width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _header(ws, headers: list[str], fills: list[PatternFill]) -> None:
    for i, (text, fill) in enumerate(zip(headers, fills, strict=True), start=1):
        cell = ws.cell(row=1, column=i, value=text)
        cell.font = _BOLD
        cell.fill = fill
        cell.alignment = Alignment(horizontal="center", vertical="center")


def _write_review_sheet(ws, rows: list[dict]) -> None:
    headers = [h for h, _ in DATA_COLUMNS] + list(REVIEW_COLUMNS)
    _header(ws, headers, [_HEADER_FILL] * len(DATA_COLUMNS) + [_INPUT_FILL] * len(REVIEW_COLUMNS))
    for r, row in enumerate(rows, start=2):
        for c, (_, source) in enumerate(DATA_COLUMNS, start=1):
            value = row[source]
            ws.cell(row=r, column=c, value=value)
    last_row = max(len(rows) + 1, 2)
    for c, header in enumerate(headers, start=1):
        letter = get_column_letter(c)
        ws.column_dimensions[letter].width = _WIDTHS.get(header, max(_width(header) + 4, 12))
        fmt = TEXT_FORMAT if header in _TEXT_COLUMNS else _FORMATS.get(header)
        if fmt is None:
            continue
        # Style the cells (what Excel shows) and the column (cells the reviewer adds later).
        ws.column_dimensions[letter].number_format = fmt
        for r in range(2, last_row + 1):
            ws.cell(row=r, column=c).number_format = fmt
    ws.freeze_panes = "C2"  # header row and code + name stay visible
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{last_row}"


def _write_instructions(ws, today_hint: str) -> None:
    lines = [
        ["收费项目对照审核表 填写说明"],
        [],
        [
            "用途：下表列出需要对照、但尚未对照到国家 2023 版医疗服务价格项目规范的本院收费项目，按金额从高到低排列。"
        ],
        ["对照确认后，这些项目的明细才能按标准项目计算工作量点数；未对照的项目点数为 0。"],
        [],
        ["怎么填"],
        [f"1. 在「{REVIEW_SHEET}」中逐行核对收费项目与建议1～建议3（相似度越高越接近，仅供参考）。"],
        [
            f"2. 确认对照：把正确的建议编码复制到「{COL_STANDARD_CODE}」；建议都不对时，可在「{LIBRARY_SHEET}」中查找并填入其他标准编码。"
        ],
        [f"3. 暂不确认的行：「{COL_STANDARD_CODE}」留空即可，该行会被跳过，下次导出时仍会出现。"],
        [f"4. 「{COL_CONFIRMED_BY}」：已填确认标准编码的行必须填写，如“绩效办-张工”。"],
        [f"5. 「{COL_CONFIRMED_AT}」：格式 YYYY-MM-DD，如 {today_hint}；留空则按导入当天的日期记录。"],
        [f"6. 「{COL_NOTE}」：选填，建议写明对照理由，如“本院名称××，项目内涵同国家规范××”。"],
        [],
        ["注意事项"],
        ["· 请勿修改第 1 行的列名；可以排序、筛选、隐藏列。"],
        [
            "· 确认标准编码必须在标准项目库中；同一收费项目在表中只能确认一次；已有确认对照的项目不能重复确认（如需更改，请直接修改对照文件 charge_item_mapping.csv）。"
        ],
        [
            "· 导入时会检查全部已填行，任何一行有错误则一条也不导入，并列出所有错误（含行号和列名），改正后重新导入即可。"
        ],
        [
            "· 导入命令：jixiao mapping accept 本文件.xlsx；导入后对照写入 dbt_project/seeds/mapping/charge_item_mapping.csv，提交 git 并重跑 jixiao run 后生效。"
        ],
        [],
        ["列说明"],
        [
            "费用类别：HIS 费用类别编码；明细条数、金额：统计期内该项目的收费明细；占可对照金额比例：占全部需对照（有技术劳务价值）收费明细金额的比例。"
        ],
        ["首次出现期间、最近出现期间：该项目收费明细最早和最晚的月份（YYYY-MM）。"],
        ["黄色表头的列由审核人填写，蓝色表头的列为系统导出，请勿修改。"],
    ]
    for line in lines:
        ws.append(line)
    ws["A1"].font = Font(bold=True, size=14)
    for row in (6, 14, 20):
        ws.cell(row=row, column=1).font = _BOLD
    ws.column_dimensions["A"].width = 120


def _write_library(ws, items: list[dict]) -> None:
    headers = ["标准项目编码", "项目名称", "章节", "计价单位"]
    _header(ws, headers, [_HEADER_FILL] * len(headers))
    for item in items:
        ws.append([item["item_code"], item["item_name"], item["chapter_name"], item["unit"]])
    for letter, width in zip("ABCD", (16, 40, 24, 10), strict=True):
        ws.column_dimensions[letter].width = width
    ws.column_dimensions["A"].number_format = TEXT_FORMAT
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:D{max(len(items) + 1, 2)}"


def export_review_sheet(
    warehouse_path: Path | str, output_path: Path | str, *, min_amount: Decimal | float | int = 0
) -> ReviewExport:
    """Write the review workbook (收费项目对照审核表) of the unmapped charge items (未对照收费项目).

    One row per item of ``marts.unmapped_charge_items`` with ``amount >= min_amount``, sorted by amount
    descending; plus the sheets 填写说明 and 标准项目库. The warehouse is opened read-only.
    """
    output_path = Path(output_path)
    with connect_read_only(warehouse_path, UNMAPPED_TABLE, STANDARD_TABLE, HIS_ITEMS_TABLE) as con:
        rows = fetch_dicts(
            con,
            f"select * from {UNMAPPED_TABLE} where coalesce(amount, 0) >= ? "
            "order by amount desc nulls last, charge_item_code",
            [Decimal(str(min_amount))],
        )
        library = fetch_dicts(
            con, f"select item_code, item_name, chapter_name, unit from {STANDARD_TABLE} order by item_code"
        )

    wb = Workbook()
    _write_review_sheet(wb.active, rows)
    wb.active.title = REVIEW_SHEET
    _write_instructions(wb.create_sheet(INSTRUCTIONS_SHEET), date.today().isoformat())
    _write_library(wb.create_sheet(LIBRARY_SHEET), library)
    output_path.parent.mkdir(parents=True, exist_ok=True)
    save_workbook(wb, output_path)
    return ReviewExport(
        path=output_path,
        items=len(rows),
        amount=sum((r["amount"] or Decimal(0) for r in rows), Decimal("0.00")),
        share_of_mappable_amount=sum(
            (r["share_of_mappable_amount"] or Decimal(0) for r in rows), Decimal("0.000000")
        ),
        standard_items=len(library),
    )
