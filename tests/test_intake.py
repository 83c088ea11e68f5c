"""Intake of hand-filled Excel/CSV (手工填报): specs, template, validation, load, quarantine."""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest
from openpyxl import load_workbook

from connectors.intake import (
    SpecError,
    build_template,
    get_spec,
    intake_file,
    intake_folder,
    load_department_codes,
    load_specs,
    validate_file,
)
from connectors.intake.departments import SEED_COLUMNS
from connectors.intake.spec import parse_spec

SAT_HEADERS = ["统计期间", "科室编码", "调查类型", "样本量", "满意度得分"]
GOOD_ROWS = [
    ["2025-10", "0101", "门诊", 120, 95.5],
    ["2025-10", "0101", "住院", 80, 92.25],
    ["2025-10", "0102", "门诊", 45, 88],
]


# -- fixtures and helpers ---------------------------------------------------------------------
@pytest.fixture
def seed(tmp_path: Path) -> Path:
    """A small department seed in the format of dbt_project/seeds/department/perf_department.csv."""
    path = tmp_path / "perf_department.csv"
    rows = [
        ["0101", "心血管内科", "临床", "01", "内科组", "1", "2020-01-01", ""],
        ["0102", "呼吸内科", "临床", "01", "内科组", "1", "2020-01-01", ""],
        ["0201", "旧普外科", "临床", "02", "外科组", "1", "2020-01-01", "2024-12-31"],
        ["0301", "新建科室", "临床", "03", "外科组", "1", "2099-01-01", ""],
    ]
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(SEED_COLUMNS)
        writer.writerows(rows)
    return path


@pytest.fixture
def codes(seed: Path) -> frozenset[str]:
    return load_department_codes(seed, on_date=date(2025, 11, 1))


@pytest.fixture
def env(tmp_path: Path, codes):
    """Inbox, intake root and warehouse path; ``run(path)`` takes a file in."""

    class Env:
        inbox = tmp_path / "inbox"
        root = tmp_path / "intake"
        warehouse = tmp_path / "warehouse.duckdb"

        def run(self, path: Path):
            return intake_file(path, self.warehouse, intake_root=self.root, department_codes=codes)

        def query(self, sql: str) -> list[tuple]:
            if not self.warehouse.exists():
                return []
            con = duckdb.connect(str(self.warehouse), read_only=True)
            try:
                return con.execute(sql).fetchall()
            finally:
                con.close()

        def count(self, table: str, where: str = "true") -> int:
            exists = self.query(
                "SELECT count(*) FROM information_schema.tables "
                f"WHERE table_schema = 'raw_manual' AND table_name = '{table}'"
            )
            if not exists or not exists[0][0]:
                return 0
            return self.query(f"SELECT count(*) FROM raw_manual.{table} WHERE {where}")[0][0]

    Env.inbox.mkdir()
    return Env()


def fill(folder: Path, name: str, rows: list[list], dataset: str = "dept_satisfaction", header=None) -> Path:
    """Build the template and fill it like a user would (header optionally replaced)."""
    path = build_template(dataset, folder / name)
    wb = load_workbook(path)
    ws = wb[get_spec(dataset).sheet]
    if header is not None:
        for i, text in enumerate(header, start=1):
            ws.cell(row=1, column=i, value=text)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def write_csv(folder: Path, name: str, rows: list[list], encoding: str) -> Path:
    path = folder / name
    with path.open("w", encoding=encoding, newline="") as f:
        csv.writer(f).writerows(rows)
    return path


def assert_quarantined(env, result, name: str) -> None:
    assert result.status == "rejected"
    assert not (env.inbox / name).exists()
    assert result.stored_path.parent == env.root / "quarantine"
    assert result.stored_path.name.endswith("_" + name) and result.stored_path.exists()
    assert not (env.root / "processed").exists()
    assert env.count("dept_satisfaction", f"_source = '{name}'") == 0
    report = result.stored_path.with_name(result.stored_path.name + ".errors.csv")
    assert report == result.report_path
    raw = report.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert lines[0] == ["文件", "工作表", "行", "列", "列名", "值", "原因"]
    assert len(lines) == 1 + result.error_count
    summary = result.stored_path.with_name(result.stored_path.name + ".errors.txt").read_text("utf-8-sig")
    assert f"共发现 {result.error_count} 个问题" in summary
    assert result.errors[0].message in summary
    log = env.query("SELECT status, error_count FROM raw_manual._intake_log WHERE file = '" + name + "'")
    assert log == [("rejected", result.error_count)]


# -- specs --------------------------------------------------------------------------------------
def test_shipped_specs_load():
    specs = load_specs()
    assert set(specs) == {"dept_satisfaction", "dept_penalty", "filed_indicator", "kpi_target"}
    sat = specs["dept_satisfaction"]
    assert [c.header for c in sat.columns] == SAT_HEADERS
    assert sat.column("survey_type").values == ("门诊", "住院", "员工")
    assert sat.column("dept_code").allowed == "department_code"
    assert specs["dept_penalty"].column("amount").type == "money"  # parsed by connectors.money
    assert specs["dept_penalty"].column("reason").required
    assert specs["filed_indicator"].column("period").allow_year


def _spec(**overrides) -> dict:
    raw = {
        "dataset": "demo",
        "label": "演示",
        "sheet": "演示",
        "period_column": "period",
        "columns": [
            {"name": "period", "header": "统计期间", "type": "period", "required": True},
            {"name": "value", "header": "数值", "type": "decimal", "required": True},
        ],
        "keys": ["period"],
    }
    raw.update(overrides)
    return raw


def test_spec_is_validated_when_loaded():
    assert parse_spec(_spec()).dataset == "demo"
    bad_type = _spec(columns=[{"name": "period", "header": "统计期间", "type": "moneys", "required": True}])
    with pytest.raises(SpecError, match="type 'moneys' 未知"):
        parse_spec(bad_type, "demo.yml")
    duplicate = _spec(
        columns=[
            {"name": "period", "header": "统计期间", "type": "period", "required": True},
            {"name": "period", "header": "期间2", "type": "string"},
        ]
    )
    with pytest.raises(SpecError, match="列名重复：period"):
        parse_spec(duplicate, "demo.yml")
    no_keys = _spec()
    del no_keys["keys"]
    with pytest.raises(SpecError, match="demo.yml: 缺少 keys"):
        parse_spec(no_keys, "demo.yml")
    with pytest.raises(SpecError, match="keys 中的 'nope' 不是已定义的列"):
        parse_spec(_spec(keys=["nope"]), "demo.yml")
    with pytest.raises(SpecError, match="未知字段：colums"):
        parse_spec({**_spec(), "colums": []}, "demo.yml")


# -- template -----------------------------------------------------------------------------------
def test_template_has_headers_dropdowns_and_instructions(tmp_path: Path):
    path = build_template("dept_satisfaction", tmp_path / "模板.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames == ["科室满意度", "填写说明"]
    ws = wb["科室满意度"]
    assert [c.value for c in ws[1]] == SAT_HEADERS
    assert all(c.font.bold for c in ws[1])
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["B"].width >= 10
    [dv] = ws.data_validations.dataValidation
    assert dv.formula1 == '"门诊,住院,员工"' and str(dv.sqref).startswith("C2:")
    rows = [r for r in wb["填写说明"].iter_rows(values_only=True)]
    assert ("列", "列名", "类型", "是否必填", "填写要求") in rows
    assert ("D", "样本量", "整数", "必填", "不小于 1；本期有效问卷份数") in rows
    assert ("E", "满意度得分", "数值（最多 2 位小数）", "必填", "取值范围 0 至 100；百分制得分") in rows
    assert ("C", "调查类型", "选项", "必填", "可选值：门诊、住院、员工") in rows


# -- departments --------------------------------------------------------------------------------
def test_department_codes_active_on_date(seed: Path):
    assert load_department_codes(seed, on_date=date(2025, 11, 1)) == {"0101", "0102"}
    assert load_department_codes(seed, on_date="2024-06-30") == {"0101", "0102", "0201"}
    assert "0301" in load_department_codes(seed, on_date=date(2099, 1, 1))
    with pytest.raises(FileNotFoundError, match="科室字典文件不存在"):
        load_department_codes(seed.with_name("missing.csv"))


# -- accepted files -----------------------------------------------------------------------------
def test_good_file_is_loaded_and_moved_to_processed(env):
    path = fill(env.inbox, "满意度_2025-10.xlsx", GOOD_ROWS)
    result = env.run(path)
    assert result.ok and result.status == "accepted", result.messages
    assert result.dataset == "dept_satisfaction" and result.partitions == ("2025-10",)
    assert result.row_count == 3
    assert not path.exists()
    assert result.stored_path.parent == env.root / "processed"
    assert result.stored_path.name.endswith("_满意度_2025-10.xlsx") and result.stored_path.exists()
    rows = env.query(
        "SELECT period, dept_code, survey_type, sample_size, score, _partition, _source, _batch_id "
        "FROM raw_manual.dept_satisfaction ORDER BY dept_code, survey_type"
    )
    assert [r[:7] for r in rows] == [
        ("2025-10", "0101", "住院", "80", "92.25", "2025-10", "满意度_2025-10.xlsx"),
        ("2025-10", "0101", "门诊", "120", "95.50", "2025-10", "满意度_2025-10.xlsx"),
        ("2025-10", "0102", "门诊", "45", "88.00", "2025-10", "满意度_2025-10.xlsx"),
    ]
    assert {r[7] for r in rows} == {result.batch_id}
    types = dict(
        env.query(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = 'raw_manual' AND table_name = 'dept_satisfaction'"
        )
    )
    assert types["sample_size"] == "VARCHAR" and types["_extracted_at"] == "TIMESTAMP"
    log = env.query("SELECT file, dataset, status, row_count, error_count FROM raw_manual._intake_log")
    assert log == [("满意度_2025-10.xlsx", "dept_satisfaction", "accepted", 3, 0)]


def test_rerun_of_same_period_replaces_only_the_keys_it_carries(env):
    env.run(fill(env.inbox, "满意度_2025-09.xlsx", [["2025-09", "0101", "门诊", 10, 90]]))
    env.run(fill(env.inbox, "满意度_2025-10.xlsx", GOOD_ROWS))
    again = env.run(fill(env.inbox, "满意度_2025-10.xlsx", [["2025-10", "0101", "门诊", 130, 97]]))
    assert again.status == "accepted"
    assert (again.added, again.replaced, again.removed) == (0, 1, 0)
    assert again.stored_path.name != again.path.name  # second copy in processed/ got its own name
    assert len(list((env.root / "processed").iterdir())) == 3
    sql = (
        "SELECT _partition, dept_code, survey_type, sample_size, score FROM raw_manual.dept_satisfaction "
        "ORDER BY _partition, dept_code, survey_type"
    )
    # 0101 门诊 replaced; 0101 住院 and 0102 门诊 of the same period are still there
    assert env.query(sql) == [
        ("2025-09", "0101", "门诊", "10", "90.00"),
        ("2025-10", "0101", "住院", "80", "92.25"),
        ("2025-10", "0101", "门诊", "130", "97.00"),
        ("2025-10", "0102", "门诊", "45", "88.00"),
    ]
    new_key = env.run(fill(env.inbox, "满意度_2025-10.xlsx", [["2025-10", "0102", "员工", 20, 80]]))
    assert (new_key.added, new_key.replaced, new_key.removed) == (1, 0, 0)
    # a full replacement of the period is explicit, and says what it removed
    full = intake_file(
        fill(env.inbox, "满意度_2025-10.xlsx", [["2025-10", "0101", "门诊", 131, 96]]),
        env.warehouse, intake_root=env.root, department_codes={"0101", "0102"}, replace_periods=True,
    )  # fmt: skip
    assert (full.added, full.replaced, full.removed) == (0, 1, 3)
    assert env.query(sql) == [("2025-09", "0101", "门诊", "10", "90.00"), ("2025-10", "0101", "门诊", "131", "96.00")]
    log = env.query("SELECT rows_added, rows_replaced, rows_removed FROM raw_manual._intake_log ORDER BY attempted_at")
    assert log[-1] == (0, 1, 3)


def test_excel_quirks_are_normalised(env):
    """Excel dates in the period column, numbers typed as codes, spaces and full-width digits."""
    rows = [
        [datetime(2025, 10, 1), " 0101 ", "门诊", "１２", "1,00"],  # "1,00" is not a valid grouping
        [datetime(2025, 10, 1), "0102", "住院", 12.0, " 99.5 "],
    ]
    result = validate_file(fill(env.inbox, "满意度.xlsx", rows), department_codes={"0101", "0102"})
    assert result.messages == [
        "文件 满意度.xlsx，工作表「科室满意度」，第 2 行，E 列「满意度得分」：值“1,00”不是数字"
    ]
    rows[0][4] = "1,000.5"
    result = validate_file(fill(env.inbox, "满意度.xlsx", rows), department_codes={"0101", "0102"})
    assert result.messages == [
        "文件 满意度.xlsx，工作表「科室满意度」，第 2 行，E 列「满意度得分」：值“1,000.5”大于最大值 100"
    ]
    rows[0][4] = 100
    result = validate_file(fill(env.inbox, "满意度.xlsx", rows), department_codes={"0101", "0102"})
    assert result.ok, result.messages
    assert result.rows[0] == {
        "period": "2025-10",
        "dept_code": "0101",
        "survey_type": "门诊",
        "sample_size": "12",
        "score": "100.00",
    }
    assert result.rows[1]["sample_size"] == "12" and result.rows[1]["score"] == "99.50"


def test_filed_indicator_accepts_year_or_month(env):
    rows = [["2025", "filed_emr_level", "0.35", "病案室", ""], ["2025-10", "filed_eqa_passed", 12, "", "月度"]]
    result = env.run(fill(env.inbox, "填报指标_2025.xlsx", rows, dataset="filed_indicator"))
    assert result.status == "accepted", result.messages
    assert result.partitions == ("2025", "2025-10")
    assert env.query(
        "SELECT _partition, indicator_code, indicator_value, data_source, remark "
        "FROM raw_manual.filed_indicator ORDER BY 1"
    ) == [("2025", "filed_emr_level", "0.35", "病案室", None), ("2025-10", "filed_eqa_passed", "12", None, "月度")]


# -- the three main rejected cases (exact messages) ---------------------------------------------
def test_wrong_column_is_rejected(env):
    name = "满意度_2025-10.xlsx"
    header = ["统计期间", "科室编码", "调查类型", "样本数", "满意度得分"]
    result = env.run(fill(env.inbox, name, GOOD_ROWS, header=header))
    assert result.messages == [
        "文件 满意度_2025-10.xlsx，工作表「科室满意度」，第 1 行，D 列「样本数」：未知列名，是否应为「样本量」？",
        "文件 满意度_2025-10.xlsx，工作表「科室满意度」，第 1 行：缺少必填列「样本量」",
    ]
    assert (result.errors[0].row, result.errors[0].column, result.errors[0].header) == (1, "D", "样本数")
    assert_quarantined(env, result, name)


def test_text_in_number_cell_is_rejected(env):
    name = "满意度_2025-10.xlsx"
    rows = [GOOD_ROWS[0], ["2025-10", "0101", "住院", "十二", 92.25], GOOD_ROWS[2]]
    result = env.run(fill(env.inbox, name, rows))
    assert result.messages == [
        "文件 满意度_2025-10.xlsx，工作表「科室满意度」，第 3 行，D 列「样本量」：值“十二”不是整数"
    ]
    e = result.errors[0]
    assert (e.sheet, e.row, e.column, e.header, e.value) == ("科室满意度", 3, "D", "样本量", "十二")
    assert_quarantined(env, result, name)
    lines = list(csv.reader(result.report_path.read_text("utf-8-sig").splitlines()))
    assert lines[1] == [name, "科室满意度", "3", "D", "样本量", "十二", "值“十二”不是整数"]


def test_unknown_department_code_is_rejected(env):
    name = "满意度_2025-10.xlsx"
    rows = [*GOOD_ROWS, ["2025-10", "9999", "门诊", 30, 90]]
    result = env.run(fill(env.inbox, name, rows))
    assert result.messages == [
        "文件 满意度_2025-10.xlsx，工作表「科室满意度」，第 5 行，B 列「科室编码」："
        "值“9999”不是有效的科室编码（科室字典中不存在或已停用）"
    ]
    assert_quarantined(env, result, name)


def test_unknown_department_code_in_row_4(env):
    rows = [GOOD_ROWS[0], GOOD_ROWS[1], ["2025-10", "0999", "门诊", 30, 90]]
    result = env.run(fill(env.inbox, "满意度_2025-10.xlsx", rows))
    [e] = result.errors
    assert (e.row, e.column, e.header, e.value) == (4, "B", "科室编码", "0999")
    assert "第 4 行，B 列「科室编码」：值“0999”不是有效的科室编码" in e.message


def test_inactive_department_code_is_rejected(env):
    result = env.run(fill(env.inbox, "满意度_2025-10.xlsx", [["2025-10", "0201", "门诊", 30, 90]]))
    assert result.messages == [
        "文件 满意度_2025-10.xlsx，工作表「科室满意度」，第 2 行，B 列「科室编码」："
        "值“0201”不是有效的科室编码（科室字典中不存在或已停用）"
    ]


# -- further rejected cases ---------------------------------------------------------------------
def test_bad_period_is_rejected(env):
    name = "满意度_2025-13.xlsx"
    result = env.run(
        fill(env.inbox, name, [["2025-13", "0101", "门诊", 10, 90], ["2025-1x", "0101", "住院", 10, 90]])
    )
    assert result.messages == [
        "文件 满意度_2025-13.xlsx，工作表「科室满意度」，第 2 行，A 列「统计期间」：值“2025-13”不是有效的统计期间，应为 YYYY-MM 格式，如 2025-10",
        "文件 满意度_2025-13.xlsx，工作表「科室满意度」，第 3 行，A 列「统计期间」：值“2025-1x”不是有效的统计期间，应为 YYYY-MM 格式，如 2025-10",
    ]
    assert_quarantined(env, result, name)


def test_duplicate_key_rows_are_rejected(env):
    name = "满意度_2025-10.xlsx"
    rows = [*GOOD_ROWS, ["2025-10", "0101", "住院", 81, 93]]
    result = env.run(fill(env.inbox, name, rows))
    assert result.messages == [
        "文件 满意度_2025-10.xlsx，工作表「科室满意度」，第 5 行："
        "统计期间、科室编码、调查类型的组合“2025-10 / 0101 / 住院”与第 3 行重复"
    ]
    assert_quarantined(env, result, name)


def test_range_enum_and_empty_required_cells(env):
    rows = [
        ["2025-10", "0101", "急诊", 0, 100.5],
        ["2025-10", "", "住院", 5, -1],
    ]
    result = validate_file(fill(env.inbox, "满意度.xlsx", rows), department_codes={"0101"})
    prefix = "文件 满意度.xlsx，工作表「科室满意度」，"
    assert result.messages == [
        prefix + "第 2 行，C 列「调查类型」：值“急诊”不是可选值，应为：门诊、住院、员工",
        prefix + "第 2 行，D 列「样本量」：值“0”小于最小值 1",
        prefix + "第 2 行，E 列「满意度得分」：值“100.5”大于最大值 100",
        prefix + "第 3 行，B 列「科室编码」：必填项不能为空",
        prefix + "第 3 行，E 列「满意度得分」：值“-1”小于最小值 0",
    ]


def test_penalty_amount_scale_and_required_reason(env):
    rows = [
        ["2025-10", "0101", "病历质量", "120.505", "甲级病历率不达标", "张三"],
        ["2025-10", "0102", "院感检查", "300", "", ""],
        ["2025-10", "0102", "医保拒付", "1,250.5", "拒付", ""],
    ]
    result = validate_file(
        fill(env.inbox, "核减_2025-10.xlsx", rows, dataset="dept_penalty"), department_codes={"0101", "0102"}
    )
    prefix = "文件 核减_2025-10.xlsx，工作表「科室核减」，"
    assert result.dataset == "dept_penalty"
    assert result.messages == [
        prefix + "第 2 行，D 列「核减金额」：金额“120.505”超过 2 位小数，金额最多精确到分",
        prefix + "第 3 行，E 列「原因说明」：必填项不能为空",
    ]
    rows[0][3], rows[1][4] = "120.5", "手卫生依从性不足"
    result = validate_file(
        fill(env.inbox, "核减_2025-10.xlsx", rows, dataset="dept_penalty"), department_codes={"0101", "0102"}
    )
    assert result.ok, result.messages
    assert [r["amount"] for r in result.rows] == ["120.50", "300.00", "1250.50"]
    assert result.rows[1]["registrant"] is None


def test_empty_file_and_header_only(env):
    empty = env.inbox / "满意度_空.csv"
    empty.write_bytes(b"")
    result = env.run(empty)
    assert result.messages == [
        "文件 满意度_空.csv：文件为空：没有表头，也没有数据（第 1 行应为表头：统计期间、科室编码、调查类型、样本量、满意度得分）"
    ]
    assert_quarantined(env, result, "满意度_空.csv")
    header_only = validate_file(fill(env.inbox, "满意度.xlsx", []), department_codes=set())
    assert header_only.messages == ["文件 满意度.xlsx，工作表「科室满意度」：文件只有表头，没有数据行"]


def test_errors_are_all_collected_but_capped(env):
    rows = [[f"{2000 + i // 12}-{i % 12 + 1:02d}", "0101", "门诊", f"x{i}", 90] for i in range(250)]
    result = env.run(fill(env.inbox, "满意度_2025-10.xlsx", rows))
    assert result.error_count == 250 and len(result.errors) == 200
    assert result.errors[-1].row == 201
    summary = result.stored_path.with_name(result.stored_path.name + ".errors.txt").read_text("utf-8-sig")
    assert "共发现 250 个问题（以下仅列出前 200 个）" in summary


def test_rejected_file_leaves_loaded_period_untouched(env):
    env.run(fill(env.inbox, "满意度_2025-10.xlsx", GOOD_ROWS))
    bad = env.run(fill(env.inbox, "满意度_2025-10.xlsx", [["2025-10", "0101", "门诊", "十二", 90]]))
    assert bad.status == "rejected"
    assert env.count("dept_satisfaction") == 3
    assert [
        r[0] for r in env.query("SELECT status FROM raw_manual._intake_log ORDER BY attempted_at, status")
    ] == [
        "accepted",
        "rejected",
    ]


# -- CSV ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("encoding", ["gb18030", "utf-8-sig", "utf-8"])
def test_csv_in_any_common_encoding_is_accepted(env, encoding):
    name = "满意度_2025-10.csv"
    path = write_csv(env.inbox, name, [SAT_HEADERS, ["2025-10", "0101", "员工", "35", "86.4"]], encoding)
    result = env.run(path)
    assert result.status == "accepted", result.messages
    assert env.query("SELECT survey_type, sample_size, score, _source FROM raw_manual.dept_satisfaction") == [
        ("员工", "35", "86.40", name)
    ]


def test_gb18030_csv_errors_name_row_and_column(env):
    name = "满意度_2025-10.csv"
    rows = [
        SAT_HEADERS,
        ["2025-10", "0101", "员工", "35", "86.4"],
        ["2025年10月", "0102", "员工", "十二", "80"],
    ]
    result = env.run(write_csv(env.inbox, name, rows, "gb18030"))
    assert result.messages == ["文件 满意度_2025-10.csv，第 3 行，D 列「样本量」：值“十二”不是整数"]
    assert_quarantined(env, result, name)


def test_dataset_is_inferred_or_reported(env):
    csv_path = write_csv(env.inbox, "核减_2025-10.csv", [["统计期间"], ["2025-10"]], "utf-8")
    result = validate_file(csv_path, department_codes=set())
    assert result.dataset == "dept_penalty"
    assert "第 1 行：缺少必填列「科室编码」" in result.messages[0]
    unknown = write_csv(env.inbox, "数据.csv", [["a"], ["1"]], "utf-8")
    result = validate_file(unknown, department_codes=set())
    assert result.dataset is None
    assert result.messages[0].startswith("文件 数据.csv：无法识别填报数据集：工作表名应为")
    # the sheet name wins over the file name
    sheet_named = fill(env.inbox, "随便起的名字.xlsx", GOOD_ROWS[:1])
    assert validate_file(sheet_named, department_codes={"0101"}).dataset == "dept_satisfaction"


# -- folder and failures ------------------------------------------------------------------------
def test_intake_folder_processes_every_file(env):
    fill(env.inbox, "满意度_2025-10.xlsx", GOOD_ROWS)
    fill(
        env.inbox,
        "核减_2025-10.xlsx",
        [["2025-10", "0101", "病历质量", "50", "缺项", ""]],
        dataset="dept_penalty",
    )
    (env.inbox / "说明.docx").write_bytes(b"not a sheet")
    (env.inbox / "~$满意度_2025-10.xlsx").write_bytes(b"excel lock file")
    results = intake_folder(env.inbox, env.warehouse, env.root, department_codes={"0101", "0102"})
    by_file = {r.file: r for r in results}
    assert set(by_file) == {"满意度_2025-10.xlsx", "核减_2025-10.xlsx", "说明.docx"}
    assert by_file["满意度_2025-10.xlsx"].status == "accepted"
    assert by_file["核减_2025-10.xlsx"].status == "accepted"
    assert by_file["说明.docx"].messages == [
        "文件 说明.docx：不支持的文件类型“.docx”，请提交 .xlsx 或 .csv 文件"
    ]
    assert [p.name for p in env.inbox.iterdir()] == ["~$满意度_2025-10.xlsx"]
    assert env.count("dept_penalty") == 1 and env.count("dept_satisfaction") == 3


def test_warehouse_failure_rolls_back_and_keeps_the_file(env, monkeypatch):
    env.run(fill(env.inbox, "满意度_2025-10.xlsx", GOOD_ROWS))
    path = fill(env.inbox, "满意度_2025-10.xlsx", [["2025-10", "0101", "门诊", 1, 1]])

    from connectors.warehouse import DuckDBWarehouse

    def broken(self, *args, **kwargs):
        self.con.execute("BEGIN TRANSACTION")
        self.con.execute("DELETE FROM raw_manual.dept_satisfaction")
        self.con.execute("ROLLBACK")
        raise RuntimeError("disk full")

    monkeypatch.setattr(DuckDBWarehouse, "replace_keys", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        env.run(path)
    assert path.exists()
    assert env.count("dept_satisfaction") == 3
    assert env.query("SELECT status FROM raw_manual._intake_log ORDER BY attempted_at, status") == [
        ("accepted",),
        ("failed",),
    ]
