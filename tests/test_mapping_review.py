"""Charge-item mapping review (收费项目对照审核): export → fill → accept into the seed."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from openpyxl import load_workbook

from connectors.mapping_review import (
    INSTRUCTIONS_SHEET,
    LIBRARY_SHEET,
    REVIEW_SHEET,
    MappingReviewError,
    accept_review_sheet,
    export_review_sheet,
)

TODAY = date(2025, 11, 3)
SEED_TEXT = (
    "his_code,standard_code,confirmed_by,confirmed_at,note\nH009,S003,绩效办-张工,2024-03-05,已有对照\n"
)
HEADERS = [
    "收费项目编码",
    "收费项目名称",
    "费用类别",
    "明细条数",
    "金额",
    "占可对照金额比例",
    "首次出现期间",
    "最近出现期间",
    "建议1编码",
    "建议1名称",
    "建议1相似度",
    "建议2编码",
    "建议2名称",
    "建议2相似度",
    "建议3编码",
    "建议3名称",
    "建议3相似度",
    "确认标准编码",
    "确认人",
    "确认日期",
    "备注",
]


@pytest.fixture
def warehouse(tmp_path) -> Path:
    path = tmp_path / "warehouse.duckdb"
    con = duckdb.connect(str(path))
    con.execute("create schema marts; create schema staging")
    con.execute(
        """
        create table marts.unmapped_charge_items (
            charge_item_code varchar, charge_item_name varchar, fee_category_code varchar,
            line_count bigint, amount decimal(18, 2), share_of_mappable_amount decimal(9, 6),
            first_period varchar, last_period varchar,
            suggestion_1_code varchar, suggestion_1_name varchar, suggestion_1_score decimal(9, 4),
            suggestion_2_code varchar, suggestion_2_name varchar, suggestion_2_score decimal(9, 4),
            suggestion_3_code varchar, suggestion_3_name varchar, suggestion_3_score decimal(9, 4)
        )
        """
    )
    con.execute(
        """
        insert into marts.unmapped_charge_items values
        ('H001', '清创缝合', '06', 4, 500.00, 0.125000, '2025-10', '2025-12',
         'S001', '清创缝合术', 0.8000, 'S002', '伤口缝合术', 0.5000, 'S003', '换药', 0.2500),
        ('012345', '凝血四项', '04', 30, 1500.50, 0.375125, '2025-09', '2025-12',
         'S002', '伤口缝合术', 0.3333, null, null, null, null, null, null),
        ('H003', '新项目', '06', 0, 0.00, 0.000000, null, null,
         null, null, null, null, null, null, null, null, null)
        """
    )
    con.execute(
        """
        create table marts.dim_service_item as select * from (values
            ('S001', '清创缝合术', '一、综合医疗', '次', 10.0),
            ('S002', '伤口缝合术', '一、综合医疗', '次', 12.0),
            ('S003', '换药', '二、病理检查', '次', 3.0)
        ) t(item_code, item_name, chapter_name, unit, hr_value)
        """
    )
    con.execute(
        """
        create table staging.stg_his__charge_items as select * from (values
            ('H001', '清创缝合', '06', false),
            ('012345', '凝血四项', '04', false),
            ('H003', '新项目', '06', false),
            ('H009', '已对照项目', '06', false),
            ('120500001', '大清创缝合', '06', false)
        ) t(charge_item_code, charge_item_name, fee_category_code, is_disabled)
        """
    )
    con.close()
    return path


@pytest.fixture
def seed(tmp_path) -> Path:
    path = tmp_path / "charge_item_mapping.csv"
    path.write_bytes(SEED_TEXT.encode("utf-8"))
    return path


@pytest.fixture
def sheet(tmp_path, warehouse) -> Path:
    path = tmp_path / "审核表.xlsx"
    export_review_sheet(warehouse, path)
    return path


def fill(path: Path, edits: dict[tuple[int, str], object]) -> None:
    """Set cells by (Excel row, header) like a reviewer would, and save."""
    wb = load_workbook(path)
    ws = wb[REVIEW_SHEET]
    col = {c.value: c.column for c in ws[1]}
    for (row, header), value in edits.items():
        ws.cell(row=row, column=col[header], value=value)
    wb.save(path)


def rows_of(path: Path) -> list[tuple]:
    ws = load_workbook(path)[REVIEW_SHEET]
    return list(ws.iter_rows(values_only=True))


# -- export ----------------------------------------------------------------------------------


def test_export_writes_one_row_per_item_sorted_by_amount(warehouse, tmp_path):
    out = tmp_path / "out" / "审核表.xlsx"
    result = export_review_sheet(warehouse, out)

    assert result.path == out
    assert result.items == 3
    assert result.amount == Decimal("2000.50")
    assert result.standard_items == 3

    rows = rows_of(out)
    assert list(rows[0]) == HEADERS
    assert [r[0] for r in rows[1:]] == ["012345", "H001", "H003"]
    assert rows[1] == (
        "012345", "凝血四项", "04", 30, 1500.5, 0.375125, "2025-09", "2025-12",
        "S002", "伤口缝合术", 0.3333, None, None, None, None, None, None,
        None, None, None, None,
    )  # fmt: skip
    assert rows[2] == (
        "H001", "清创缝合", "06", 4, 500, 0.125, "2025-10", "2025-12",
        "S001", "清创缝合术", 0.8, "S002", "伤口缝合术", 0.5, "S003", "换药", 0.25,
        None, None, None, None,
    )  # fmt: skip
    assert rows[3][:8] == ("H003", "新项目", "06", 0, 0, 0, None, None)


def test_export_formats_and_sheets(sheet):
    wb = load_workbook(sheet)
    assert wb.sheetnames == [REVIEW_SHEET, INSTRUCTIONS_SHEET, LIBRARY_SHEET]
    ws = wb[REVIEW_SHEET]
    col = {c.value: c.column_letter for c in ws[1]}
    assert all(c.font.bold for c in ws[1])
    assert ws.freeze_panes == "C2"
    assert ws[f"{col['金额']}2"].number_format == '"¥"#,##0.00'
    assert ws[f"{col['占可对照金额比例']}2"].number_format == "0.00%"
    assert ws[f"{col['收费项目编码']}2"].number_format == "@"  # leading zeros of 012345 kept
    assert ws[f"{col['确认标准编码']}2"].number_format == "@"
    assert ws.column_dimensions[col["收费项目名称"]].width == 28

    text = "\n".join(str(r[0]) for r in wb[INSTRUCTIONS_SHEET].iter_rows(values_only=True) if r[0])
    assert "确认标准编码" in text and "确认人" in text and "留空" in text

    library = list(wb[LIBRARY_SHEET].iter_rows(values_only=True))
    assert library == [
        ("标准项目编码", "项目名称", "章节", "计价单位"),
        ("S001", "清创缝合术", "一、综合医疗", "次"),
        ("S002", "伤口缝合术", "一、综合医疗", "次"),
        ("S003", "换药", "二、病理检查", "次"),
    ]


def test_export_min_amount(warehouse, tmp_path):
    result = export_review_sheet(warehouse, tmp_path / "a.xlsx", min_amount=500)
    assert result.items == 2
    assert [r[0] for r in rows_of(tmp_path / "a.xlsx")[1:]] == ["012345", "H001"]


def test_export_opens_warehouse_read_only(warehouse, tmp_path):
    before = warehouse.read_bytes()
    export_review_sheet(warehouse, tmp_path / "a.xlsx")
    assert warehouse.read_bytes() == before


def test_missing_table_is_a_clear_error(tmp_path):
    path = tmp_path / "empty.duckdb"
    duckdb.connect(str(path)).close()
    with pytest.raises(MappingReviewError) as exc:
        export_review_sheet(path, tmp_path / "a.xlsx")
    assert exc.value.errors[0] == "数据仓库中没有表 marts.unmapped_charge_items，请先运行 jixiao run"


# -- accept ----------------------------------------------------------------------------------


def test_accept_appends_confirmed_rows_sorted_by_his_code(sheet, warehouse, seed):
    # Row 2 = 012345, row 3 = H001, row 4 = H003 (left empty → skipped).
    fill(
        sheet,
        {
            (3, "确认标准编码"): "S001",
            (3, "确认人"): "绩效办-张工",
            (3, "备注"): "本院名称“清创缝合”，同国家规范“清创缝合术”",
            (2, "确认标准编码"): "S002",
            (2, "确认人"): " 医务科-王工 ",
            (2, "确认日期"): datetime(2025, 10, 15),
        },
    )
    result = accept_review_sheet(sheet, warehouse, seed, today=TODAY)

    assert result.appended == 2
    assert result.skipped == 1
    assert [(r.row, r.his_code) for r in result.rows] == [(2, "012345"), (3, "H001")]
    assert seed.read_bytes() == (
        SEED_TEXT
        + "012345,S002,医务科-王工,2025-10-15,\n"
        + "H001,S001,绩效办-张工,2025-11-03,本院名称“清创缝合”，同国家规范“清创缝合术”\n"
    ).encode("utf-8")


def test_accept_text_date_note_with_comma_and_numeric_code(sheet, warehouse, seed):
    fill(
        sheet,
        {
            (5, "收费项目编码"): 120500001,  # Excel turned the typed code into a number
            (5, "确认标准编码"): "S001",
            (5, "确认人"): "绩效办-李工",
            (5, "确认日期"): "2025-09-30",
            (4, "收费项目编码"): "H003",
            (4, "确认标准编码"): "S003",
            (4, "确认人"): "绩效办-李工",
            (4, "确认日期"): "2025-09-30",
            (4, "备注"): "内涵一致, 见\n价格文件",
        },
    )
    result = accept_review_sheet(sheet, warehouse, seed, today=TODAY)
    assert result.appended == 2
    assert seed.read_text("utf-8") == (
        SEED_TEXT
        + "120500001,S001,绩效办-李工,2025-09-30,\n"
        + 'H003,S003,绩效办-李工,2025-09-30,"内涵一致, 见 价格文件"\n'
    )


def test_accept_nothing_filled_leaves_seed(sheet, warehouse, seed):
    result = accept_review_sheet(sheet, warehouse, seed, today=TODAY)
    assert (result.appended, result.skipped) == (0, 3)
    assert seed.read_bytes() == SEED_TEXT.encode("utf-8")


def test_accept_appends_after_seed_without_final_newline(sheet, warehouse, seed):
    seed.write_bytes(SEED_TEXT.rstrip("\n").encode("utf-8"))
    fill(sheet, {(3, "确认标准编码"): "S001", (3, "确认人"): "张工", (3, "确认日期"): "2025-10-01"})
    accept_review_sheet(sheet, warehouse, seed, today=TODAY)
    assert seed.read_text("utf-8") == SEED_TEXT + "H001,S001,张工,2025-10-01,\n"


GOOD_ROW = {(3, "确认标准编码"): "S001", (3, "确认人"): "绩效办-张工"}


def _append_row(his_code: str, standard_code: str = "S002", by: str = "绩效办-张工") -> dict:
    return {(5, "收费项目编码"): his_code, (5, "确认标准编码"): standard_code, (5, "确认人"): by}


BAD_CASES = {
    "unknown standard code": (
        {(3, "确认标准编码"): "S999", (3, "确认人"): "绩效办-张工"},
        ["第 3 行「确认标准编码」：标准编码“S999”不在标准项目库中，请在「标准项目库」工作表中查找正确编码"],
    ),
    "standard code in wrong case": (
        {(3, "确认标准编码"): "s001", (3, "确认人"): "绩效办-张工"},
        ["第 3 行「确认标准编码」：标准编码“s001”不在标准项目库中，是否应为“S001”？"],
    ),
    "unknown his code": (
        {**GOOD_ROW, **_append_row("H404")},
        ["第 5 行「收费项目编码」：收费项目“H404”不在 HIS 收费项目字典中"],
    ),
    "missing confirmed_by": (
        {(3, "确认标准编码"): "S001", (3, "确认人"): "  "},
        ["第 3 行「确认人」：已填确认标准编码的行必须填写确认人"],
    ),
    "his code already in seed": (
        {**GOOD_ROW, **_append_row("H009")},
        [
            "第 5 行「收费项目编码」：收费项目“H009”已有确认对照（→ S003，绩效办-张工 2024-03-05 确认），"
            "不能重复确认；如需更改请直接修改 charge_item_mapping.csv"
        ],
    ),
    "duplicate in sheet": (
        {**GOOD_ROW, **_append_row("H001")},
        ["第 5 行「收费项目编码」：收费项目“H001”已在第 3 行确认，同一项目只能确认一次"],
    ),
    "bad date": (
        {**GOOD_ROW, (3, "确认日期"): "2025-13-01"},
        [
            "第 3 行「确认日期」：“2025-13-01”不是有效日期，请填 YYYY-MM-DD 格式的日期，"
            "如 2025-11-03，或留空表示当天"
        ],
    ),
    "date in another format": (
        {**GOOD_ROW, (3, "确认日期"): "2025/10/15"},
        [
            "第 3 行「确认日期」：“2025/10/15”不是有效日期，请填 YYYY-MM-DD 格式的日期，"
            "如 2025-11-03，或留空表示当天"
        ],
    ),
    "missing his code": (
        {**GOOD_ROW, **_append_row("")},
        ["第 5 行「收费项目编码」：已填确认标准编码的行必须有收费项目编码"],
    ),
}


@pytest.mark.parametrize("case", list(BAD_CASES))
def test_accept_rejects_and_leaves_seed_untouched(case, sheet, warehouse, seed):
    edits, expected = BAD_CASES[case]
    fill(sheet, edits)
    before = seed.read_bytes()
    with pytest.raises(MappingReviewError) as exc:
        accept_review_sheet(sheet, warehouse, seed, today=TODAY)
    assert exc.value.errors == expected
    assert seed.read_bytes() == before
    assert [p.name for p in seed.parent.iterdir() if p.name.endswith(".tmp")] == []


def test_accept_collects_all_errors(sheet, warehouse, seed):
    fill(
        sheet,
        {
            (2, "确认标准编码"): "S999",
            (2, "确认日期"): "昨天",
            (3, "确认标准编码"): "S001",
            (3, "确认人"): "张工",
            **_append_row("H001", by=""),
        },
    )
    with pytest.raises(MappingReviewError) as exc:
        accept_review_sheet(sheet, warehouse, seed, today=TODAY)
    assert exc.value.errors == [
        "第 2 行「确认标准编码」：标准编码“S999”不在标准项目库中，请在「标准项目库」工作表中查找正确编码",
        "第 2 行「确认人」：已填确认标准编码的行必须填写确认人",
        "第 2 行「确认日期」：“昨天”不是有效日期，请填 YYYY-MM-DD 格式的日期，如 2025-11-03，或留空表示当天",
        "第 5 行「收费项目编码」：收费项目“H001”已在第 3 行确认，同一项目只能确认一次",
        "第 5 行「确认人」：已填确认标准编码的行必须填写确认人",
    ]
    assert seed.read_bytes() == SEED_TEXT.encode("utf-8")


def test_accept_missing_header(sheet, warehouse, seed):
    fill(sheet, {(1, "确认人"): "审核人"})
    with pytest.raises(MappingReviewError) as exc:
        accept_review_sheet(sheet, warehouse, seed, today=TODAY)
    assert exc.value.errors == [
        "工作表「收费项目对照审核表」第 1 行缺少列「确认人」，请勿修改或删除表头（可重新导出审核表）"
    ]
    assert seed.read_bytes() == SEED_TEXT.encode("utf-8")


def test_accept_missing_sheet(tmp_path, warehouse, seed):
    from openpyxl import Workbook

    path = tmp_path / "x.xlsx"
    wb = Workbook()
    wb.active.title = "Sheet1"
    wb.save(path)
    with pytest.raises(MappingReviewError) as exc:
        accept_review_sheet(path, warehouse, seed)
    assert exc.value.errors == [
        "找不到工作表「收费项目对照审核表」（文件中的工作表：Sheet1），请勿重命名该工作表"
    ]


def test_accept_rejects_bad_seed_header(sheet, warehouse, seed):
    seed.write_text("his,std\n", encoding="utf-8")
    fill(sheet, GOOD_ROW)
    with pytest.raises(MappingReviewError) as exc:
        accept_review_sheet(sheet, warehouse, seed, today=TODAY)
    assert exc.value.errors == [
        "对照文件 charge_item_mapping.csv 的表头应为 his_code,standard_code,confirmed_by,confirmed_at,note，"
        "实际为 his,std，请先修复该文件"
    ]
    assert seed.read_text("utf-8") == "his,std\n"
